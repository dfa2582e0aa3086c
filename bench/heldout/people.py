"""Invented citizens: names, birth dates, genders, 12-digit personal ID numbers, addresses.

The name lists are written by hand for this set (not taken from the pipeline's lexicon), weighted
roughly like Ho Chi Minh City, with a deliberate tail of rare given names and surnames whose
stacked diacritics OCR gets wrong (HỶ, ỔN, ẤN, THÙY, TẤN, ĐẶNG, HUỲNH, NGUYỄN, LỘC, KHỔNG, ỨNG…).

ID numbers follow the structure of the citizen identity number (Decree 137/2015, Circular
07/2016): 3-digit province code of the birth registration, one century/gender digit (0/1 male/female
born 1900–1999, 2/3 born 2000–2099), the 2 last digits of the birth year, then 6 random digits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random

# (surname, weight). Weights are coarse shares, not census figures.
SURNAMES: list[tuple[str, float]] = [
    ("NGUYỄN", 30), ("TRẦN", 10), ("LÊ", 8), ("PHẠM", 6), ("HOÀNG", 4), ("HUỲNH", 5), ("PHAN", 4),
    ("VŨ", 3), ("VÕ", 4), ("ĐẶNG", 2.5), ("BÙI", 2), ("ĐỖ", 2), ("HỒ", 2), ("NGÔ", 1.5),
    ("DƯƠNG", 1.5), ("LÝ", 1.5), ("ĐOÀN", 1), ("ĐINH", 1), ("TRƯƠNG", 1.5), ("LÂM", 1),
    ("MAI", 0.8), ("TRỊNH", 0.8), ("LƯƠNG", 0.7), ("CAO", 0.6), ("TÔ", 0.5), ("HÀ", 0.6),
    ("QUÁCH", 0.4), ("TĂNG", 0.4), ("THÁI", 0.4), ("LƯU", 0.5), ("LA", 0.3), ("KHỔNG", 0.2),
    ("TẠ", 0.3), ("TỪ", 0.3), ("ÔNG", 0.2), ("KIỀU", 0.2), ("VƯƠNG", 0.3), ("CHÂU", 0.5),
    ("DIỆP", 0.3), ("ÂU", 0.2), ("MẠC", 0.15), ("KHÚC", 0.1), ("NGHIÊM", 0.2), ("PHÙNG", 0.3),
    ("DOÃN", 0.2), ("ỨNG", 0.1), ("GIANG", 0.2), ("LÃ", 0.15), ("HỨA", 0.3), ("VI", 0.1),
    ("KHƯƠNG", 0.15), ("BẠCH", 0.1), ("QUAN", 0.15), ("TIÊU", 0.1), ("LỤC", 0.1), ("THÂN", 0.15),
    ("TÔN THẤT", 0.1), ("CÙ", 0.1), ("NINH", 0.1), ("YÊN", 0.05), ("ỨC", 0.03),
]

MIDDLE_MALE = ["VĂN", "VĂN", "VĂN", "HỮU", "ĐỨC", "CÔNG", "QUANG", "MINH", "THANH", "NGỌC", "XUÂN",
               "ĐÌNH", "TRỌNG", "THẾ", "GIA", "HOÀNG", "BẢO", "TẤN", "PHÚC", "KHẮC", "DUY", "QUỐC",
               "ANH", "NHẬT", "THIỆN", "VIẾT", "TRUNG", "HUY", "THÀNH", "CHÍ", "ĐĂNG", "KHÁNH"]
MIDDLE_FEMALE = ["THỊ", "THỊ", "THỊ", "THỊ", "NGỌC", "THU", "THANH", "KIM", "MỸ", "BẢO", "HỒNG",
                 "PHƯƠNG", "DIỄM", "HOÀI", "THÙY", "NHƯ", "TUYẾT", "YẾN", "ÁNH", "KHÁNH", "MINH",
                 "CẨM", "HUỲNH", "TÚ", "QUỲNH", "LỆ", "BÍCH", "XUÂN"]
# Second middle syllable for four-syllable names (NGUYỄN THỊ NGỌC ANH, TRẦN ĐỨC MINH TUẤN).
MIDDLE2_MALE = ["MINH", "HOÀNG", "GIA", "ANH", "QUỐC", "THIÊN", "BẢO", "ĐỨC", "HẢI", "NHẬT"]
MIDDLE2_FEMALE = ["NGỌC", "THANH", "BẢO", "KIM", "HOÀI", "MỸ", "THU", "PHƯƠNG", "MINH", "THẢO"]

GIVEN_MALE_COMMON = [
    "AN", "ANH", "BẢO", "BÌNH", "CƯỜNG", "CHÍ", "DŨNG", "DUY", "ĐẠT", "ĐỨC", "ĐÔNG", "HẢI", "HIẾU",
    "HÙNG", "HUY", "HOÀNG", "KHANG", "KHOA", "KIÊN", "LÂM", "LONG", "LUÂN", "MẠNH", "MINH", "NAM",
    "NGHĨA", "NHÂN", "PHONG", "PHÚC", "QUÂN", "QUANG", "SƠN", "TÀI", "TÂM", "THẮNG", "THÀNH",
    "THỊNH", "TIẾN", "TOÀN", "TRÍ", "TRUNG", "TUẤN", "TÙNG", "VIỆT", "VINH", "VŨ", "HẬU", "THUẬN",
    "KHẢI", "PHÁT", "TRƯỜNG", "HIỂN", "DƯƠNG", "ĐỊNH", "HƯNG", "LỢI", "NGUYÊN", "THIỆN",
]
# Rare given names with marks that stack (hook above + circumflex, tilde, dot below...).
GIVEN_MALE_RARE = ["HỶ", "ỔN", "ẤN", "LỘC", "TẤN", "THỤY", "KỲ", "ỨNG", "DUẨN", "TUỆ", "DƯỠNG",
                   "HƯỞNG", "TỴ", "NGỌ", "LỮ", "CỬ", "BỬU", "ĐẨU", "KHƯƠNG", "LƯỢNG", "TƯỞNG",
                   "ĐOÀN", "HUỲNH", "ĐẶNG", "XUYẾN", "NGỮ", "ỦY", "QUÝ", "TỶ", "DỮNG"]
GIVEN_FEMALE_COMMON = [
    "ANH", "CHI", "DUNG", "DUYÊN", "GIANG", "HÀ", "HẠNH", "HẰNG", "HIỀN", "HOA", "HUỆ", "HƯƠNG",
    "HUYỀN", "LAN", "LIÊN", "LINH", "LOAN", "LY", "MAI", "MY", "NGA", "NGÂN", "NGỌC", "NHI",
    "NHUNG", "OANH", "PHƯƠNG", "PHƯỢNG", "QUYÊN", "QUỲNH", "TÂM", "THẢO", "THOA", "THU", "THÙY",
    "THƯ", "THÚY", "TRANG", "TRÂM", "TUYẾT", "UYÊN", "VÂN", "VY", "XUÂN", "YẾN", "TIÊN", "NHƯ",
    "HẢO", "DIỆU", "LỆ",
]
GIVEN_FEMALE_RARE = ["HỶ", "NGUYỆT", "KHUÊ", "DIỄM", "ÁI", "ẤN", "ÚT", "ĐÀO", "HẠ", "GẤM", "LỤA",
                     "THỦY", "KIỀU", "TỐ", "HUỲNH", "THỤY", "NỮ", "ỔN", "YỂU", "NGỞI", "TRINH",
                     "ĐIỆP", "KHỞI", "HỢI", "THẮM", "NHẪN", "NGỰ", "XƯỚNG"]

# Province codes of the personal ID number (3 digits, Circular 07/2016/TT-BCA), with a weight
# for where citizens filing at a Ho Chi Minh City ward were born.
PROVINCES: list[tuple[str, str, float]] = [
    ("079", "Thành phố Hồ Chí Minh", 45), ("001", "Thành phố Hà Nội", 4), ("048", "Thành phố Đà Nẵng", 2),
    ("031", "Thành phố Hải Phòng", 1), ("092", "Thành phố Cần Thơ", 2), ("075", "Tỉnh Đồng Nai", 3),
    ("074", "Tỉnh Bình Dương", 2), ("077", "Tỉnh Bà Rịa - Vũng Tàu", 1.5), ("080", "Tỉnh Long An", 2.5),
    ("082", "Tỉnh Tiền Giang", 2.5), ("083", "Tỉnh Bến Tre", 2.5), ("086", "Tỉnh Vĩnh Long", 1.5),
    ("087", "Tỉnh Đồng Tháp", 2), ("089", "Tỉnh An Giang", 2), ("091", "Tỉnh Kiên Giang", 1.5),
    ("094", "Tỉnh Sóc Trăng", 1.5), ("095", "Tỉnh Bạc Liêu", 1), ("096", "Tỉnh Cà Mau", 1),
    ("084", "Tỉnh Trà Vinh", 1), ("093", "Tỉnh Hậu Giang", 0.8), ("072", "Tỉnh Tây Ninh", 1),
    ("070", "Tỉnh Bình Phước", 0.8), ("068", "Tỉnh Lâm Đồng", 1), ("066", "Tỉnh Đắk Lắk", 1),
    ("064", "Tỉnh Gia Lai", 0.6), ("056", "Tỉnh Khánh Hòa", 1), ("058", "Tỉnh Ninh Thuận", 0.6),
    ("060", "Tỉnh Bình Thuận", 1), ("054", "Tỉnh Phú Yên", 0.6), ("052", "Tỉnh Bình Định", 1.2),
    ("051", "Tỉnh Quảng Ngãi", 1.2), ("049", "Tỉnh Quảng Nam", 1.2), ("046", "Tỉnh Thừa Thiên Huế", 1),
    ("045", "Tỉnh Quảng Trị", 0.6), ("044", "Tỉnh Quảng Bình", 0.6), ("042", "Tỉnh Hà Tĩnh", 1),
    ("040", "Tỉnh Nghệ An", 1.5), ("038", "Tỉnh Thanh Hóa", 1.5), ("037", "Tỉnh Ninh Bình", 0.5),
    ("036", "Tỉnh Nam Định", 0.8), ("034", "Tỉnh Thái Bình", 0.8), ("033", "Tỉnh Hưng Yên", 0.5),
    ("030", "Tỉnh Hải Dương", 0.6), ("027", "Tỉnh Bắc Ninh", 0.4), ("022", "Tỉnh Quảng Ninh", 0.5),
    ("019", "Tỉnh Thái Nguyên", 0.4), ("010", "Tỉnh Lào Cai", 0.2), ("002", "Tỉnh Hà Giang", 0.2),
]

# Ho Chi Minh City districts with a few of their wards, and streets: addresses and issuing offices.
DISTRICTS: list[tuple[str, list[str]]] = [
    ("Quận 1", ["Phường Bến Nghé", "Phường Đa Kao", "Phường Tân Định", "Phường Cầu Ông Lãnh", "Phường Nguyễn Cư Trinh"]),
    ("Quận 3", ["Phường Võ Thị Sáu", "Phường 4", "Phường 9", "Phường 11", "Phường 14"]),
    ("Quận 4", ["Phường 1", "Phường 3", "Phường 8", "Phường 13", "Phường 18"]),
    ("Quận 5", ["Phường 2", "Phường 7", "Phường 11", "Phường 14"]),
    ("Quận 6", ["Phường 1", "Phường 6", "Phường 11", "Phường 13"]),
    ("Quận 7", ["Phường Tân Phong", "Phường Tân Hưng", "Phường Phú Mỹ", "Phường Bình Thuận"]),
    ("Quận 8", ["Phường 1", "Phường 4", "Phường 6", "Phường 16"]),
    ("Quận 10", ["Phường 2", "Phường 9", "Phường 12", "Phường 15"]),
    ("Quận 11", ["Phường 3", "Phường 5", "Phường 10", "Phường 16"]),
    ("Quận 12", ["Phường Thạnh Lộc", "Phường Hiệp Thành", "Phường Tân Chánh Hiệp", "Phường An Phú Đông"]),
    ("Quận Bình Thạnh", ["Phường 1", "Phường 7", "Phường 22", "Phường 25", "Phường 26"]),
    ("Quận Gò Vấp", ["Phường 1", "Phường 5", "Phường 10", "Phường 17"]),
    ("Quận Phú Nhuận", ["Phường 2", "Phường 9", "Phường 15", "Phường 17"]),
    ("Quận Tân Bình", ["Phường 2", "Phường 4", "Phường 12", "Phường 15"]),
    ("Quận Tân Phú", ["Phường Tân Sơn Nhì", "Phường Phú Thọ Hòa", "Phường Hiệp Tân", "Phường Sơn Kỳ"]),
    ("Quận Bình Tân", ["Phường An Lạc", "Phường Bình Hưng Hòa", "Phường Tân Tạo", "Phường Bình Trị Đông"]),
    ("Thành phố Thủ Đức", ["Phường Linh Trung", "Phường Hiệp Phú", "Phường Thảo Điền", "Phường Bình Thọ", "Phường Long Trường"]),
    ("Huyện Bình Chánh", ["Xã Vĩnh Lộc A", "Xã Bình Hưng", "Thị trấn Tân Túc", "Xã Lê Minh Xuân"]),
    ("Huyện Hóc Môn", ["Xã Xuân Thới Sơn", "Thị trấn Hóc Môn", "Xã Bà Điểm"]),
    ("Huyện Củ Chi", ["Xã Tân Thạnh Đông", "Thị trấn Củ Chi", "Xã Phước Vĩnh An"]),
    ("Huyện Nhà Bè", ["Xã Phước Kiển", "Thị trấn Nhà Bè", "Xã Long Thới"]),
]

STREETS = ["Nguyễn Trãi", "Lê Lợi", "Hai Bà Trưng", "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Võ Văn Tần",
           "Lý Thường Kiệt", "Trần Hưng Đạo", "Nguyễn Thị Minh Khai", "Phan Đăng Lưu", "Đinh Bộ Lĩnh",
           "Xô Viết Nghệ Tĩnh", "Hoàng Văn Thụ", "Lạc Long Quân", "Âu Cơ", "Huỳnh Tấn Phát",
           "Nguyễn Văn Linh", "Quang Trung", "Phạm Văn Đồng", "Lê Văn Việt", "Tô Ký", "Kinh Dương Vương",
           "Hậu Giang", "Bà Hạt", "Tôn Đản", "Khánh Hội", "Bùi Đình Túy", "Nơ Trang Long", "Ưu Long",
           "Hưng Phú", "Tỉnh lộ 10", "Quốc lộ 22", "Đỗ Xuân Hợp", "Tăng Nhơn Phú", "Phan Văn Trị"]

ETHNICITIES = ["Kinh"] * 20 + ["Hoa", "Hoa", "Khmer", "Chăm", "Tày", "Nùng", "Mường"]
RELIGIONS = ["Không"] * 6 + ["Phật giáo", "Công giáo", "Cao Đài", "Tin lành", "Hòa Hảo"]
HOSPITALS = ["Bệnh viện Từ Dũ", "Bệnh viện Hùng Vương", "Bệnh viện Nhi Đồng 1", "Trạm Y tế phường",
             "Bệnh viện Quận 7", "Bệnh viện Đa khoa Tâm Anh", "Bệnh viện Phụ sản Mê Kông"]


def _weighted(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


@dataclasses.dataclass
class Person:
    """One invented citizen. `name` is the truth spelling: capitals, NFC, single spaces."""

    name: str
    gender: str                  # "Nam" / "Nữ"
    dob: dt.date
    province_code: str
    province: str
    id_number: str | None        # 12 digits, or None for a child born before personal IDs / old CMND only
    old_id: str | None           # 9-digit CMND for some older citizens
    address: str
    ethnicity: str
    hometown: str
    phone: str

    @property
    def is_male(self) -> bool:
        return self.gender == "Nam"


class PeopleFactory:
    """Makes people with a seeded RNG, never the same full name twice within one set (so that a
    name-without-diacritics search has one right answer per citizen across the set, like the
    README's recall figure assumes), and never the same ID number twice."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._names: set[str] = set()
        self._ids: set[str] = set()

    # -- names -------------------------------------------------------------------------------
    def _given(self, male: bool) -> str:
        rng = self.rng
        rare = rng.random() < 0.22
        if male:
            return rng.choice(GIVEN_MALE_RARE if rare else GIVEN_MALE_COMMON)
        return rng.choice(GIVEN_FEMALE_RARE if rare else GIVEN_FEMALE_COMMON)

    def make_name(self, male: bool, surname: str | None = None) -> str:
        rng = self.rng
        for _ in range(200):
            sur = surname or _weighted(rng, [s for s, _ in SURNAMES], [w for _, w in SURNAMES])
            if sur == "TÔN THẤT" and not male:
                sur = "TÔN NỮ"
            shape = rng.random()
            mid = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
            if shape < 0.05:
                parts = [sur, self._given(male)]                      # two syllables: LÊ HUY
            elif shape < 0.78:
                parts = [sur, mid, self._given(male)]
            else:
                mid2 = rng.choice(MIDDLE2_MALE if male else MIDDLE2_FEMALE)
                parts = [sur, mid, mid2, self._given(male)]
            # No repeated syllable in a row (NGỌC NGỌC) — real names avoid it.
            if any(a == b for a, b in itertools.pairwise(parts)):
                continue
            name = " ".join(parts)
            if name not in self._names:
                self._names.add(name)
                return name
        raise RuntimeError("name space exhausted")

    # -- numbers ------------------------------------------------------------------------------
    def make_id(self, province_code: str, dob: dt.date, male: bool) -> str:
        century = 0 if dob.year < 2000 else 2
        digit = century + (0 if male else 1)
        while True:
            tail = f"{self.rng.randrange(0, 1_000_000):06d}"
            number = f"{province_code}{digit}{dob.year % 100:02d}{tail}"
            if number not in self._ids:
                self._ids.add(number)
                return number

    def _old_id(self) -> str:
        return f"{self.rng.choice(['02', '02', '27', '30', '33', '36', '38'])}{self.rng.randrange(0, 10**7):07d}"

    def address(self) -> str:
        rng = self.rng
        district, wards = rng.choice(DISTRICTS)
        ward = rng.choice(wards)
        if rng.random() < 0.4:
            house = f"{rng.randint(1, 999)}/{rng.randint(1, 60)}"
            if rng.random() < 0.3:
                house += f"/{rng.randint(1, 20)}"
        else:
            house = str(rng.randint(1, 1200))
        return f"{house} {rng.choice(STREETS)}, {ward}, {district}, Thành phố Hồ Chí Minh"

    def phone(self) -> str:
        return self.rng.choice(["090", "091", "093", "097", "098", "086", "070", "077", "083", "035"]) + \
            f"{self.rng.randrange(0, 10**7):07d}"

    # -- persons ------------------------------------------------------------------------------
    def person(self, *, male: bool | None = None, born_between: tuple[int, int] = (1950, 2004),
               surname: str | None = None, with_id: bool = True, old_id_only: bool = False) -> Person:
        """A citizen born in the given years. Adults get a 12-digit ID; `old_id_only` gives the
        9-digit CMND instead (older papers still in circulation)."""
        rng = self.rng
        if male is None:
            male = rng.random() < 0.5
        year = rng.randint(*born_between)
        dob = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
        code, province, _ = _weighted(rng, PROVINCES, [w for _, _, w in PROVINCES])
        name = self.make_name(male, surname)
        id_number = None if (old_id_only or not with_id) else self.make_id(code, dob, male)
        old = self._old_id() if (old_id_only or (dob.year < 1990 and rng.random() < 0.15)) else None
        hometown = rng.choice(PROVINCES)[1]
        return Person(name=name, gender="Nam" if male else "Nữ", dob=dob, province_code=code,
                      province=province, id_number=id_number, old_id=old, address=self.address(),
                      ethnicity=rng.choice(ETHNICITIES), hometown=hometown, phone=self.phone())

    def child_of(self, mother: Person, father: Person | None, born: dt.date) -> Person:
        """A child registered at birth: father's surname, ID from the birth province (HCMC mostly)."""
        rng = self.rng
        male = rng.random() < 0.5
        surname = (father or mother).name.split()[0]
        if surname == "TÔN":
            surname = "TÔN THẤT" if male else "TÔN NỮ"
        name = self.make_name(male, surname)
        code = "079" if rng.random() < 0.85 else mother.province_code
        id_number = self.make_id(code, born, male) if born.year >= 2016 or rng.random() < 0.3 else None
        return Person(name=name, gender="Nam" if male else "Nữ", dob=born, province_code=code,
                      province=mother.province, id_number=id_number, old_id=None,
                      address=mother.address, ethnicity=mother.ethnicity, hometown=(father or mother).hometown,
                      phone="")


# Officials who sign: they are persons too (the signer is never full_name).
OFFICIAL_TITLES = [
    ("CHỦ TỊCH", None), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
]
CIVIL_SERVANT_TITLES = ["Công chức Tư pháp - Hộ tịch", "Chuyên viên", "Cán bộ tiếp nhận"]
