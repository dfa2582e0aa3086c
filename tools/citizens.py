"""Invented Vietnamese citizens for sample scans, tests and benchmarks.

Everything here is made up: names, ID numbers, phone numbers and house numbers are drawn from a
seeded ``random.Random``; only the vocabularies are real (common surnames with their rough
frequencies, the 63 pre-2025 province codes used in the 12-digit personal ID number, Ho Chi Minh
City districts, wards and street names). The same seed always gives the same citizens, so a
benchmark can ask for thousands of names and get the same list on every machine.

The public API is small:

* :func:`make_citizen` returns a :class:`Citizen` (name, gender, birth date, IDs, addresses).
* :func:`make_address` returns an :class:`Address` in Ho Chi Minh City.
* :func:`make_id_number` / :func:`make_old_id_number` build the 12-digit CCCD number and the old
  9-digit CMND number.
* :func:`document_number` and :func:`dossier_code` build the "Số: 125/2021/KS" style numbers and
  the "H29.13-240312-0001" dossier-receipt codes.
* :func:`ascii_slug` turns a Vietnamese name into an ASCII file-name part ("nguyen_van_an").

All strings are NFC-normalised.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Final, Sequence


def nfc(text: str) -> str:
    """NFC-normalise *text* (the form every string in this module is in)."""
    return unicodedata.normalize("NFC", text)


def upper_vi(text: str) -> str:
    """Upper-case Vietnamese text, keeping it NFC ("Đặng Thị Ẩn" -> "ĐẶNG THỊ ẨN")."""
    return nfc(nfc(text).upper())


def ascii_slug(text: str) -> str:
    """ASCII, lower-case, underscore-separated form of *text* ("Đặng Văn Đức" -> "dang_van_duc")."""
    decomposed = unicodedata.normalize("NFD", nfc(text).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    out = []
    for ch in bare.lower():
        out.append(ch if ch.isascii() and ch.isalnum() else "_")
    return "_".join(part for part in "".join(out).split("_") if part)


def _weighted(rng: random.Random, table: Sequence[tuple[str, float]]) -> str:
    names = [name for name, _ in table]
    weights = [weight for _, weight in table]
    return rng.choices(names, weights=weights, k=1)[0]


# --- names -------------------------------------------------------------------------------------
# Rough national frequencies (per cent), with southern spellings (Huỳnh, Võ) weighted as in Ho Chi
# Minh City, and the Đ- surnames deliberately boosted: Đ/đ is the letter OCR and ASCII folding get
# wrong most often, so the samples should be full of it.
SURNAMES: Final[tuple[tuple[str, float], ...]] = (
    ("Nguyễn", 30.0),
    ("Trần", 10.0),
    ("Lê", 8.5),
    ("Phạm", 6.0),
    ("Huỳnh", 4.5),
    ("Võ", 4.0),
    ("Phan", 4.0),
    ("Đặng", 4.0),
    ("Đỗ", 3.5),
    ("Hoàng", 2.5),
    ("Đinh", 2.5),
    ("Đoàn", 2.5),
    ("Vũ", 2.0),
    ("Trương", 2.0),
    ("Bùi", 2.0),
    ("Hồ", 2.0),
    ("Đào", 1.5),
    ("Ngô", 1.5),
    ("Dương", 1.2),
    ("Lâm", 1.0),
    ("Lý", 0.8),
    ("Mai", 0.8),
    ("Hà", 0.7),
    ("Cao", 0.6),
    ("Lưu", 0.5),
    ("Châu", 0.5),
    ("Tô", 0.4),
    ("Thái", 0.4),
    ("Đàm", 0.4),
    ("Tạ", 0.3),
    ("Quách", 0.2),
    ("Kiều", 0.2),
)

MIDDLE_NAMES: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "Nam": (
        ("Văn", 30.0),
        ("Minh", 10.0),
        ("Đức", 8.0),
        ("Hữu", 6.0),
        ("Quốc", 6.0),
        ("Thanh", 5.0),
        ("Công", 4.0),
        ("Đình", 4.0),
        ("Hoàng", 4.0),
        ("Gia", 4.0),
        ("Ngọc", 3.0),
        ("Tấn", 3.0),
        ("Trọng", 3.0),
        ("Xuân", 2.0),
        ("Đăng", 2.0),
        ("Thành", 2.0),
        ("Anh", 2.0),
        ("Nhật", 2.0),
    ),
    "Nữ": (
        ("Thị", 35.0),
        ("Ngọc", 10.0),
        ("Thanh", 6.0),
        ("Thu", 5.0),
        ("Kim", 5.0),
        ("Mỹ", 4.0),
        ("Bảo", 4.0),
        ("Phương", 4.0),
        ("Hoài", 3.0),
        ("Diệu", 2.0),
        ("Thùy", 3.0),
        ("Khánh", 3.0),
        ("Minh", 3.0),
        ("Hồng", 3.0),
        ("Quỳnh", 2.0),
        ("Bích", 2.0),
    ),
}

GIVEN_NAMES: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "Nam": (
        ("An", 3.0),
        ("Bảo", 3.0),
        ("Bình", 2.0),
        ("Cường", 2.0),
        ("Dũng", 3.0),
        ("Đạt", 4.0),
        ("Đức", 4.0),
        ("Đông", 2.0),
        ("Định", 1.5),
        ("Hải", 3.0),
        ("Hiếu", 2.0),
        ("Hoàng", 2.0),
        ("Hùng", 3.0),
        ("Huy", 4.0),
        ("Khang", 3.0),
        ("Khoa", 2.0),
        ("Long", 3.0),
        ("Minh", 4.0),
        ("Nam", 3.0),
        ("Nghĩa", 2.0),
        ("Phát", 2.0),
        ("Phúc", 3.0),
        ("Quân", 2.0),
        ("Quang", 2.0),
        ("Sơn", 2.0),
        ("Tài", 2.0),
        ("Thắng", 2.0),
        ("Thành", 2.0),
        ("Thịnh", 2.0),
        ("Toàn", 2.0),
        ("Trí", 2.0),
        ("Trung", 2.0),
        ("Tuấn", 4.0),
        ("Vinh", 2.0),
        ("Việt", 2.0),
        ("Vũ", 1.5),
        ("Lộc", 1.5),
        ("Nhân", 1.5),
        ("Kiên", 1.0),
        ("Khải", 1.0),
    ),
    "Nữ": (
        ("Anh", 4.0),
        ("Châu", 2.0),
        ("Chi", 2.0),
        ("Diễm", 2.0),
        ("Dung", 2.0),
        ("Duyên", 2.0),
        ("Giang", 2.0),
        ("Hà", 3.0),
        ("Hạnh", 2.0),
        ("Hằng", 3.0),
        ("Hoa", 2.0),
        ("Hương", 3.0),
        ("Huyền", 2.0),
        ("Lan", 3.0),
        ("Linh", 4.0),
        ("Loan", 2.0),
        ("Mai", 3.0),
        ("My", 3.0),
        ("Ngân", 3.0),
        ("Ngọc", 3.0),
        ("Nhung", 2.0),
        ("Oanh", 1.5),
        ("Phương", 3.0),
        ("Quyên", 1.5),
        ("Thảo", 4.0),
        ("Thủy", 2.0),
        ("Trâm", 2.0),
        ("Trang", 4.0),
        ("Tuyết", 1.5),
        ("Uyên", 2.0),
        ("Vy", 3.0),
        ("Yến", 2.0),
        ("Đào", 1.5),
        ("Điệp", 1.5),
        ("Đan", 1.0),
        ("Nguyệt", 1.5),
        ("Xuân", 1.5),
        ("Ánh", 2.0),
    ),
}

# --- province codes ------------------------------------------------------------------------------
# The first three digits of the 12-digit personal ID number (Số định danh cá nhân / CCCD): the
# province where the birth was registered, as in force before the 2025 province mergers.
PROVINCE_CODES: Final[dict[str, str]] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}
HCMC_CODE: Final = "079"

# Leading digits of the old 9-digit CMND numbers for a few provinces (HCMC's began with 02).
_CMND_PREFIX: Final[dict[str, str]] = {
    "079": "02",
    "001": "01",
    "031": "03",
    "048": "20",
    "092": "36",
    "040": "18",
    "036": "16",
    "034": "15",
    "038": "17",
    "080": "30",
    "082": "31",
    "083": "32",
}

# Quê quán (place of origin): real commune/district/province names. (commune, district, province)
HOMETOWNS: Final[tuple[tuple[str, str, str], ...]] = (
    ("Xã Hải Anh", "Huyện Hải Hậu", "Nam Định"),
    ("Xã Giao Thiện", "Huyện Giao Thủy", "Nam Định"),
    ("Xã Vũ Lễ", "Huyện Kiến Xương", "Thái Bình"),
    ("Xã An Bài", "Huyện Quỳnh Phụ", "Thái Bình"),
    ("Xã Diễn Kỷ", "Huyện Diễn Châu", "Nghệ An"),
    ("Xã Nghi Xuân", "Huyện Nghi Lộc", "Nghệ An"),
    ("Xã Đức Lạng", "Huyện Đức Thọ", "Hà Tĩnh"),
    ("Xã Hoằng Đạo", "Huyện Hoằng Hóa", "Thanh Hóa"),
    ("Xã Duy Phước", "Huyện Duy Xuyên", "Quảng Nam"),
    ("Xã Nghĩa Kỳ", "Huyện Tư Nghĩa", "Quảng Ngãi"),
    ("Xã Phước Lộc", "Huyện Tuy Phước", "Bình Định"),
    ("Xã Cát Hanh", "Huyện Phù Cát", "Bình Định"),
    ("Xã Long Bình Điền", "Huyện Chợ Gạo", "Tiền Giang"),
    ("Xã Đa Phước Hội", "Huyện Mỏ Cày Nam", "Bến Tre"),
    ("Xã Đức Lập Hạ", "Huyện Đức Hòa", "Long An"),
    ("Xã Phước Lại", "Huyện Cần Giuộc", "Long An"),
    ("Xã Long Phước", "Huyện Long Hồ", "Vĩnh Long"),
    ("Xã Mỹ Hội Đông", "Huyện Chợ Mới", "An Giang"),
    ("Xã Đông Thạnh", "Huyện Hóc Môn", "TP. Hồ Chí Minh"),
    ("Xã Tân Thông Hội", "Huyện Củ Chi", "TP. Hồ Chí Minh"),
    ("Xã Đông Hải", "Huyện Quỳnh Phụ", "Thái Bình"),
    ("Xã Đại Hiệp", "Huyện Đại Lộc", "Quảng Nam"),
)

# --- Ho Chi Minh City addresses --------------------------------------------------------------------
# District -> (wards, streets). Wards as they were between the 2021 mergers and 2025. The districts
# are written as on documents ("Quận 1", "Quận Bình Thạnh", "Thành phố Thủ Đức").
HCMC: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "Quận 1": (
        (
            "Phường Bến Nghé",
            "Phường Bến Thành",
            "Phường Đa Kao",
            "Phường Tân Định",
            "Phường Nguyễn Thái Bình",
            "Phường Cầu Ông Lãnh",
            "Phường Phạm Ngũ Lão",
            "Phường Cô Giang",
            "Phường Nguyễn Cư Trinh",
            "Phường Cầu Kho",
        ),
        (
            "Lê Lợi",
            "Nguyễn Huệ",
            "Hai Bà Trưng",
            "Đồng Khởi",
            "Lý Tự Trọng",
            "Nguyễn Thị Minh Khai",
            "Đinh Tiên Hoàng",
            "Trần Hưng Đạo",
            "Nguyễn Trãi",
            "Điện Biên Phủ",
            "Cống Quỳnh",
            "Đề Thám",
        ),
    ),
    "Quận 3": (
        (
            "Phường Võ Thị Sáu",
            "Phường 1",
            "Phường 2",
            "Phường 4",
            "Phường 5",
            "Phường 9",
            "Phường 11",
            "Phường 12",
            "Phường 14",
        ),
        (
            "Võ Văn Tần",
            "Cách Mạng Tháng Tám",
            "Nam Kỳ Khởi Nghĩa",
            "Lê Văn Sỹ",
            "Trần Quốc Thảo",
            "Nguyễn Đình Chiểu",
            "Điện Biên Phủ",
            "Võ Thị Sáu",
            "Trần Quang Diệu",
            "Kỳ Đồng",
        ),
    ),
    "Quận 10": (
        (
            "Phường 1",
            "Phường 2",
            "Phường 4",
            "Phường 6",
            "Phường 9",
            "Phường 12",
            "Phường 13",
            "Phường 14",
            "Phường 15",
        ),
        (
            "Ba Tháng Hai",
            "Sư Vạn Hạnh",
            "Thành Thái",
            "Lý Thường Kiệt",
            "Tô Hiến Thành",
            "Cách Mạng Tháng Tám",
            "Ngô Gia Tự",
            "Nguyễn Tri Phương",
            "Hòa Hảo",
            "Đào Duy Từ",
        ),
    ),
    "Quận Bình Thạnh": (
        (
            "Phường 1",
            "Phường 2",
            "Phường 3",
            "Phường 5",
            "Phường 7",
            "Phường 11",
            "Phường 13",
            "Phường 15",
            "Phường 17",
            "Phường 19",
            "Phường 22",
            "Phường 25",
            "Phường 26",
        ),
        (
            "Điện Biên Phủ",
            "Xô Viết Nghệ Tĩnh",
            "Đinh Bộ Lĩnh",
            "Bạch Đằng",
            "Nguyễn Xí",
            "Phan Đăng Lưu",
            "Nơ Trang Long",
            "Ung Văn Khiêm",
            "Đinh Tiên Hoàng",
            "Lê Quang Định",
        ),
    ),
    "Quận Gò Vấp": (
        (
            "Phường 1",
            "Phường 3",
            "Phường 5",
            "Phường 7",
            "Phường 10",
            "Phường 11",
            "Phường 12",
            "Phường 14",
            "Phường 16",
            "Phường 17",
        ),
        (
            "Quang Trung",
            "Nguyễn Oanh",
            "Phan Văn Trị",
            "Lê Đức Thọ",
            "Nguyễn Văn Lượng",
            "Phạm Văn Đồng",
            "Nguyễn Kiệm",
            "Dương Quảng Hàm",
            "Thống Nhất",
        ),
    ),
    "Quận Phú Nhuận": (
        (
            "Phường 1",
            "Phường 2",
            "Phường 4",
            "Phường 7",
            "Phường 8",
            "Phường 9",
            "Phường 10",
            "Phường 11",
            "Phường 13",
            "Phường 15",
            "Phường 17",
        ),
        (
            "Phan Đăng Lưu",
            "Phan Xích Long",
            "Nguyễn Văn Trỗi",
            "Hoàng Văn Thụ",
            "Huỳnh Văn Bánh",
            "Trần Huy Liệu",
            "Nguyễn Kiệm",
            "Đặng Văn Ngữ",
            "Phan Đình Phùng",
        ),
    ),
    "Quận Tân Bình": (
        (
            "Phường 1",
            "Phường 2",
            "Phường 4",
            "Phường 6",
            "Phường 8",
            "Phường 10",
            "Phường 12",
            "Phường 13",
            "Phường 15",
        ),
        (
            "Cộng Hòa",
            "Hoàng Văn Thụ",
            "Trường Chinh",
            "Lạc Long Quân",
            "Âu Cơ",
            "Lý Thường Kiệt",
            "Bàu Cát",
            "Trường Sơn",
            "Út Tịch",
        ),
    ),
    "Thành phố Thủ Đức": (
        (
            "Phường Linh Trung",
            "Phường Linh Chiểu",
            "Phường Hiệp Bình Chánh",
            "Phường Thảo Điền",
            "Phường An Phú",
            "Phường Bình Thọ",
            "Phường Trường Thọ",
            "Phường Tăng Nhơn Phú A",
            "Phường Phước Long B",
            "Phường Hiệp Phú",
        ),
        (
            "Võ Văn Ngân",
            "Kha Vạn Cân",
            "Đặng Văn Bi",
            "Lê Văn Việt",
            "Xa lộ Hà Nội",
            "Phạm Văn Đồng",
            "Quốc lộ 13",
            "Thảo Điền",
            "Đỗ Xuân Hợp",
        ),
    ),
}
CITY: Final = "Thành phố Hồ Chí Minh"
CITY_SHORT: Final = "TP. Hồ Chí Minh"

# Dossier-receipt agency codes (mã định danh of the receiving office; HCMC is H29). The
# sub-codes are illustrative, not the official register.
AGENCY_CODES: Final[dict[str, str]] = {
    "Quận 1": "H29.10",
    "Quận 3": "H29.12",
    "Quận 10": "H29.19",
    "Quận Bình Thạnh": "H29.22",
    "Quận Gò Vấp": "H29.23",
    "Quận Phú Nhuận": "H29.24",
    "Quận Tân Bình": "H29.25",
    "Thành phố Thủ Đức": "H29.13",
}


@dataclass(frozen=True)
class Address:
    """A Ho Chi Minh City street address."""

    house: str
    street: str
    ward: str
    district: str

    @property
    def full(self) -> str:
        """As on civil-status documents: "45 Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"."""
        return nfc(f"{self.house} {self.street}, {self.ward}, {self.district}, {CITY}")

    @property
    def short(self) -> str:
        """As on ID cards and letters: "45 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"."""
        return nfc(f"{self.house} {self.street}, {self.ward}, {self.district}, {CITY_SHORT}")

    @property
    def ward_district(self) -> str:
        return nfc(f"{self.ward}, {self.district}")

    @property
    def district_name(self) -> str:
        """The district without its kind, for date lines: "Quận 1", "Bình Thạnh", "Thủ Đức"."""
        for prefix in ("Thành phố ", "Quận "):
            if self.district.startswith(prefix) and not self.district[len(prefix) :].isdigit():
                return self.district[len(prefix) :]
        return self.district


@dataclass(frozen=True)
class Citizen:
    """One invented person. Names are title case; :attr:`full_name` is the printed capitals."""

    surname: str
    middle: str
    given: str
    gender: str  # "Nam" | "Nữ"
    date_of_birth: dt.date
    id_number: str  # 12 digits
    birth_province_code: str
    address: Address
    hometown: tuple[str, str, str]
    phone: str
    old_id_number: str | None = None  # 9 digits, for people who had a CMND
    ethnicity: str = "Kinh"
    nationality: str = "Việt Nam"
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        """Title case: "Nguyễn Văn An"."""
        return nfc(" ".join(p for p in (self.surname, self.middle, self.given) if p))

    @property
    def full_name(self) -> str:
        """Capitals, as printed on documents: "NGUYỄN VĂN AN"."""
        return upper_vi(self.name)

    @property
    def slug(self) -> str:
        return ascii_slug(self.name)

    @property
    def birth_province(self) -> str:
        return PROVINCE_CODES[self.birth_province_code]

    @property
    def dob_text(self) -> str:
        return self.date_of_birth.strftime("%d/%m/%Y")

    @property
    def hometown_full(self) -> str:
        """ "Xã Hải Anh, Huyện Hải Hậu, Tỉnh Nam Định" (as on civil-status documents)."""
        commune, district, province = self.hometown
        prov = province if province.startswith("TP.") else f"Tỉnh {province}"
        return nfc(f"{commune}, {district}, {prov}")

    @property
    def hometown_card(self) -> str:
        """ "Hải Anh, Hải Hậu, Nam Định" (as on the CCCD card)."""
        commune, district, province = self.hometown
        return nfc(", ".join(_strip_kind(x) for x in (commune, district, province)))

    @property
    def honorific(self) -> str:
        return "Ông" if self.gender == "Nam" else "Bà"

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years


def _strip_kind(place: str) -> str:
    for prefix in ("Xã ", "Huyện ", "Tỉnh ", "Phường ", "Quận ", "Thị trấn "):
        if place.startswith(prefix):
            return place[len(prefix) :]
    return place


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A uniformly drawn date in [start, end]."""
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def make_id_number(rng: random.Random, *, province_code: str, gender: str, date_of_birth: dt.date) -> str:
    """12-digit personal ID: province (3) + century/gender (1) + birth year (2) + random (6).

    Century/gender digit: 0 male / 1 female born 1900-1999, 2 male / 3 female born 2000-2099.
    """
    if province_code not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {province_code!r}")
    century = 0 if date_of_birth.year < 2000 else 2
    digit = century + (0 if gender == "Nam" else 1)
    return f"{province_code}{digit}{date_of_birth.year % 100:02d}{rng.randrange(10**6):06d}"


def make_old_id_number(rng: random.Random, *, province_code: str) -> str:
    """Old 9-digit CMND number with a plausible provincial prefix."""
    prefix = _CMND_PREFIX.get(province_code, str(rng.choice((19, 21, 23, 24, 27, 28, 33, 34, 35))))
    return prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))


def make_house_number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        return str(rng.randint(2, 420))
    if kind < 0.65:
        return f"{rng.randint(2, 250)}{rng.choice('ABC')}"
    if kind < 0.9:
        return f"{rng.randint(10, 480)}/{rng.randint(1, 60)}"
    return f"{rng.randint(10, 480)}/{rng.randint(1, 40)}/{rng.randint(1, 15)}"


def make_address(rng: random.Random, *, district: str | None = None) -> Address:
    """A plausible Ho Chi Minh City address (real district, ward and street names)."""
    district = district or rng.choice(sorted(HCMC))
    wards, streets = HCMC[district]
    return Address(make_house_number(rng), rng.choice(streets), rng.choice(wards), district)


def make_phone(rng: random.Random) -> str:
    prefix = rng.choice(
        ("090", "093", "091", "094", "097", "098", "096", "038", "035", "070", "079", "077", "083", "085")
    )
    return f"{prefix}{rng.randrange(10**7):07d}"


def make_name(
    rng: random.Random,
    gender: str,
    *,
    surname: str | None = None,
    middle: str | None = None,
    given: str | None = None,
) -> tuple[str, str, str]:
    surname = surname or _weighted(rng, SURNAMES)
    middle = middle if middle is not None else _weighted(rng, MIDDLE_NAMES[gender])
    given = given or _weighted(rng, GIVEN_NAMES[gender])
    if middle == given:  # "Minh Minh", "Thanh Thanh": draw again once
        middle = _weighted(rng, MIDDLE_NAMES[gender])
    return nfc(surname), nfc(middle), nfc(given)


def make_citizen(
    rng: random.Random,
    *,
    gender: str | None = None,
    born: tuple[dt.date, dt.date] = (dt.date(1955, 1, 1), dt.date(2004, 12, 31)),
    date_of_birth: dt.date | None = None,
    surname: str | None = None,
    middle: str | None = None,
    given: str | None = None,
    province_code: str | None = None,
    district: str | None = None,
    address: Address | None = None,
    with_old_id: bool | None = None,
) -> Citizen:
    """Draw one invented citizen; any keyword pins that attribute.

    About 60 % are registered in Ho Chi Minh City (province code 079), the rest come from all
    over the country. People born before 2000 usually also had a 9-digit CMND.
    """
    gender = gender or rng.choice(("Nam", "Nữ"))
    if gender not in ("Nam", "Nữ"):
        raise ValueError("gender must be 'Nam' or 'Nữ'")
    sur, mid, giv = make_name(rng, gender, surname=surname, middle=middle, given=given)
    dob = date_of_birth or random_date(rng, *born)
    if province_code is None:
        province_code = HCMC_CODE if rng.random() < 0.6 else rng.choice(sorted(PROVINCE_CODES))
    id_number = make_id_number(rng, province_code=province_code, gender=gender, date_of_birth=dob)
    if with_old_id is None:
        with_old_id = dob.year < 2000 and rng.random() < 0.8
    old = make_old_id_number(rng, province_code=province_code) if with_old_id else None
    addr = address or make_address(rng, district=district)
    hometown = rng.choice(HOMETOWNS)
    return Citizen(sur, mid, giv, gender, dob, id_number, province_code, addr, hometown, make_phone(rng), old)


def make_child(
    rng: random.Random,
    *,
    father: Citizen | None,
    mother: Citizen | None,
    born: tuple[dt.date, dt.date],
    gender: str | None = None,
    given: str | None = None,
    middle: str | None = None,
) -> Citizen:
    """A child of the given parents: father's surname, their address and hometown, born in HCMC."""
    parent = father or mother
    assert parent is not None
    child = make_citizen(
        rng,
        gender=gender,
        born=born,
        surname=parent.surname,
        middle=middle,
        given=given,
        province_code=HCMC_CODE,
        address=parent.address,
        with_old_id=False,
    )
    return Citizen(
        child.surname,
        child.middle,
        child.given,
        child.gender,
        child.date_of_birth,
        child.id_number,
        child.birth_province_code,
        parent.address,
        parent.hometown,
        parent.phone,
        None,
    )


def document_number(rng: random.Random, year: int, suffix: str, *, low: int = 1, high: int = 999) -> str:
    """ "125/2021/KS" style (number/year/kind); pass year=0 for "45/QĐ-UBND" style."""
    number = rng.randint(low, high)
    return f"{number}/{year}/{suffix}" if year else f"{number}/{suffix}"


def dossier_code(agency: str, day: dt.date, sequence: int) -> str:
    """HCMC dossier-receipt code: agency code, yymmdd, 4-digit sequence ("H29.13-240312-0001")."""
    return f"{agency}-{day:%y%m%d}-{sequence:04d}"


# --- Vietnamese number words (for "ghi bằng chữ") ---------------------------------------------------
_DIGITS: Final = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _two_digits(n: int, *, after_hundreds: bool) -> str:
    tens, units = divmod(n, 10)
    if tens == 0:
        if units == 0:
            return ""
        return ("linh " if after_hundreds else "") + _DIGITS[units]
    if tens == 1:
        word = "mười"
        if units == 0:
            return word
        return f"{word} {'lăm' if units == 5 else _DIGITS[units]}"
    word = f"{_DIGITS[tens]} mươi"
    if units == 0:
        return word
    unit = {1: "mốt", 4: "tư", 5: "lăm"}.get(units, _DIGITS[units])
    return f"{word} {unit}"


def number_words(n: int) -> str:
    """Vietnamese words for 0..9999 ("2019" -> "hai nghìn không trăm mười chín")."""
    if not 0 <= n <= 9999:
        raise ValueError("0..9999 only")
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        return _two_digits(n, after_hundreds=False)
    thousands, rest = divmod(n, 1000)
    hundreds, tail = divmod(rest, 100)
    parts = []
    if thousands:
        parts.append(f"{_DIGITS[thousands]} nghìn")
    if thousands and (hundreds or tail):
        parts.append(f"{_DIGITS[hundreds]} trăm")
    elif hundreds:
        parts.append(f"{_DIGITS[hundreds]} trăm")
    if tail:
        parts.append(_two_digits(tail, after_hundreds=bool(thousands or hundreds)))
    return nfc(" ".join(parts))


def date_words(day: dt.date) -> str:
    """ "Ngày mười hai, tháng ba, năm hai nghìn không trăm mười chín"."""
    return nfc(f"Ngày {number_words(day.day)}, tháng {number_words(day.month)}, năm {number_words(day.year)}")


def date_text(day: dt.date) -> str:
    """ "ngày 05 tháng 3 năm 2021" (leading zero for days 1-9 and months 1-2, as ND 30/2020 requires)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def date_line(place: str, day: dt.date) -> str:
    """The place-and-date line: "Quận 1, ngày 12 tháng 3 năm 2021"."""
    return nfc(f"{place}, {date_text(day)}")
