"""One builder per document type: draws the pages and says, as truth, what is printed on them.

Layouts and labels follow the real blank forms of `corpus/vn-form-templates` (Tờ khai đăng ký khai
sinh, khai tử, Giấy ủy quyền, Giấy phép xây dựng, Giấy tiếp nhận hồ sơ, Quyết định…), the layout
rules of Decree 30/2020 (Phụ lục III of `corpus/vn-legal-text`), and what issued Vietnamese
certificates print (Trích lục khai sinh, Giấy chứng nhận kết hôn, the chip citizen ID card...).

Truth follows ../shared/FIELDS.md: `full_name` is the person the document is about, never the
signer; other persons keep their own fields. Every standard field that is printed for that person
is recorded, so a value the pipeline returns for a field that is not in the truth is a spurious
one. Where a field is printed but its right value is a matter of convention (a year of birth
only, a gender implied by "Ông"/"Bà", an issue date of a certified copy beside the card's own),
it is listed in `unscored` and left out of both accuracy and precision.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from PIL import Image

from .layout import INK_BLACK, Canvas, Style
from .people import DISTRICTS, HOSPITALS, RELIGIONS, PeopleFactory, Person
from .vntext import (
    DATE_STYLES,
    ID_STYLES,
    date_in_words,
    format_date,
    format_id,
    number_words,
    place_date_line,
    title_vi,
)

# ---------------------------------------------------------------------------------------------
# Plumbing
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Ctx:
    """What every builder needs: the file's RNG and dpi, and the set-wide people factory."""

    rng: random.Random
    dpi: int
    people: PeopleFactory
    id_issue: dict  # id_number -> date the card was issued (one date per citizen across a dossier)


@dataclasses.dataclass
class Doc:
    type: str
    images: list[Image.Image]
    fields: dict[str, str]
    persons: list[dict]
    unscored: list[str]
    meta: dict


CERT_FILLS = [("inline", 0.6), ("typed_dots", 0.15), ("dots", 0.15), ("dots_typed", 0.10)]
FORM_FILLS = [("dots", 0.55), ("typed_dots", 0.25), ("dots_typed", 0.10), ("inline", 0.10)]


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted], k=1)[0]


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange(0, (end - start).days + 1))


ISSUE_START, ISSUE_END = dt.date(2016, 1, 1), dt.date(2026, 6, 30)


def paper_tint(rng: random.Random, certificate: bool = False) -> tuple[int, int, int]:
    if certificate and rng.random() < 0.6:
        return rng.choice([(252, 246, 236), (246, 250, 244), (250, 244, 246), (244, 248, 252)])
    return rng.choice([(255, 255, 255), (255, 255, 255), (252, 252, 250), (250, 249, 245)])


@dataclasses.dataclass
class Office:
    """The issuing ward/district in Ho Chi Minh City, with the spellings headers use."""

    district: str
    ward: str

    @staticmethod
    def pick(rng: random.Random) -> Office:
        district, wards = rng.choice(DISTRICTS)
        return Office(district, rng.choice(wards))

    def ward_header(self, rng) -> list[str]:
        if rng.random() < 0.5:
            return [f"ỦY BAN NHÂN DÂN {self.district.upper()}", f"ỦY BAN NHÂN DÂN {self.ward.upper()}"]
        return ["ỦY BAN NHÂN DÂN", self.ward.upper()]

    def district_header(self, rng) -> list[str]:
        if rng.random() < 0.5:
            return ["ỦY BAN NHÂN DÂN", self.district.upper()]
        return ["ỦY BAN NHÂN DÂN", f"{self.district.upper()}"]

    def place(self, rng) -> str:
        return rng.choice([self.district, self.ward, "Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "Tp. Hồ Chí Minh"])

    @property
    def ward_full(self) -> str:
        return f"{self.ward}, {self.district}, Thành phố Hồ Chí Minh"


class DocBuilder:
    """Shared state of one document: its canvas, its styles for dates and ID numbers, its truth."""

    def __init__(self, ctx: Ctx, doc_type: str, *, kind="serif", fills=CERT_FILLS, border=False,
                 certificate=False, fill: str | None = None):
        self.ctx = ctx
        self.rng = ctx.rng
        self.type = doc_type
        self.style = Style.pick(self.rng, kind=kind, fill=fill or _pick(self.rng, fills))
        self.c = Canvas(self.rng, ctx.dpi, self.style, tint=paper_tint(self.rng, certificate), border=border)
        self.date_style = self.rng.choice(DATE_STYLES)
        self.id_style = self.rng.choice(ID_STYLES)
        self.truth: dict[str, str] = {}
        self.persons: list[dict] = []
        self.unscored: set[str] = set()
        self.meta = {"fill": self.style.fill, "font": self.style.family[0],
                     "hand_face": self.style.hand_face if self.style.fill == "dots" else None}
        self.office = Office.pick(self.rng)

    # -- value spellings ------------------------------------------------------------------------
    def d(self, date: dt.date) -> str:
        style = self.date_style if self.rng.random() < 0.85 else self.rng.choice(DATE_STYLES)
        text = format_date(date, style)
        return text

    def dnum(self, date: dt.date) -> str:
        """A date printed as numbers only (where the label already says 'ngày')."""
        style = self.date_style if self.date_style in ("dmy", "dmy_short", "dash", "dot") else "dmy"
        return format_date(date, style)

    def idv(self, number: str) -> str:
        return format_id(number, self.id_style if self.rng.random() < 0.85 else self.rng.choice(ID_STYLES))

    def id_issued(self, p: Person) -> dt.date:
        key = p.id_number or p.old_id or p.name
        if key not in self.ctx.id_issue:
            start = max(p.dob + dt.timedelta(days=14 * 365), dt.date(2016, 1, 1))
            self.ctx.id_issue[key] = rand_date(self.rng, start, dt.date(2024, 12, 31))
        return self.ctx.id_issue[key]

    def id_paper(self, p: Person) -> str:
        """'Giấy tờ tùy thân' value as written on civil-status forms."""
        rng = self.rng
        if not p.id_number:
            return f"CMND số {p.old_id}" if p.old_id else "Không có"
        iss = self.id_issued(p)
        forms = [f"CCCD số {self.idv(p.id_number)}",
                 f"CCCD số {self.idv(p.id_number)}, cấp ngày {self.dnum(iss)}",
                 f"Căn cước công dân số {self.idv(p.id_number)} do Cục Cảnh sát QLHC về TTXH cấp ngày {self.dnum(iss)}",
                 f"Số định danh cá nhân {self.idv(p.id_number)}",
                 f"Thẻ căn cước số {self.idv(p.id_number)}"]
        return rng.choice(forms)

    # -- drawing shortcuts ----------------------------------------------------------------------
    def f(self, label: str, value: str | None, kind="text", mode=None, **kw) -> None:
        if mode is None and kind in ("name", "text") and self.rng.random() < 0.07 and self.style.fill != "dots":
            mode = "next_line"
        self.c.field(label, value, kind=kind, mode=mode, **kw)

    def id_line(self, label: str, p: Person | None, *, allow_boxes=True) -> None:
        """An ID number field: plain, grouped, or one digit per printed box."""
        number = p.id_number if p else None
        if allow_boxes and self.rng.random() < 0.18:
            self.c.id_boxes(label, number, hand=self.style.fill == "dots")
        else:
            self.f(label, self.idv(number) if number else None, kind="number")

    def who(self, role: str, p: Person | str | None) -> None:
        if p is None:
            return
        entry = {"role": role, "name": p if isinstance(p, str) else p.name}
        if isinstance(p, Person):
            if p.id_number:
                entry["id_number"] = p.id_number
            entry["date_of_birth"] = p.dob.isoformat()
        self.persons.append(entry)

    def subject(self, p: Person, *, dob=True, gender=True, id_number=True) -> None:
        """Record the document's person (full_name) and the fields printed for them."""
        self.truth["full_name"] = p.name
        if dob:
            self.truth["date_of_birth"] = p.dob.isoformat()
        if gender:
            self.truth["gender"] = p.gender
        if id_number and p.id_number:
            self.truth["id_number"] = p.id_number
        self.who("subject", p)

    def official(self, role="signer") -> str:
        """The signing official (a person whose name is printed, never full_name)."""
        p = self.ctx.people.person(born_between=(1960, 1990))
        self.who(role, p.name)
        return p.name

    def seal_ring(self) -> str:
        return self.rng.choice([f"ỦY BAN NHÂN DÂN {self.office.ward.upper()}",
                                f"ỦY BAN NHÂN DÂN {self.office.district.upper()}",
                                f"UBND {self.office.district.upper()} - TP HỒ CHÍ MINH"])

    def done(self) -> Doc:
        images = self.c.finish()
        return Doc(self.type, images, dict(self.truth), list(self.persons), sorted(self.unscored),
                   dict(self.meta, pages=len(images)))


def _official_titles(rng) -> list[str]:
    return rng.choice([["CHỦ TỊCH"], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                       ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]])


def _name_label(rng, suffix: str = "") -> str:
    base = rng.choice(["Họ, chữ đệm, tên", "Họ, chữ đệm, tên", "Họ và tên", "Họ tên", "Họ, chữ đệm và tên"])
    return f"{base}{suffix}:"


def _dob_label(rng) -> str:
    return rng.choice(["Ngày, tháng, năm sinh:", "Ngày, tháng, năm sinh:", "Sinh ngày:", "Ngày sinh:"])


def _signature_row(b: DocBuilder, left: tuple[list[str], str | None], right: tuple[list[str], str | None],
                   *, seal_right: bool = False) -> None:
    """Two signature blocks side by side (spouses, the two parties of a power of attorney)."""
    c = b.c
    c.need(c.line_h() * 8)
    y0 = c.page.y
    c.signature_block(left[0], left[1], x_frac=(0.0, 0.45), note="(Ký, ghi rõ họ tên)",
                      name_by_hand=b.rng.random() < 0.6, advance=False)
    c.page.y = y0
    c.signature_block(right[0], right[1], x_frac=(0.55, 1.0), note="(Ký, ghi rõ họ tên)",
                      name_by_hand=b.rng.random() < 0.6, seal_text=b.seal_ring() if seal_right else None)


# ---------------------------------------------------------------------------------------------
# Civil status: birth
# ---------------------------------------------------------------------------------------------

def _family(ctx: Ctx, child: Person | None = None, mother: Person | None = None, father: Person | None = "auto"):
    rng = ctx.rng
    born = child.dob if child else rand_date(rng, dt.date(2008, 1, 1), dt.date(2026, 3, 31))
    if mother is None:
        mother = ctx.people.person(male=False, born_between=(born.year - 40, born.year - 18))
    if father == "auto":
        father = ctx.people.person(male=True, born_between=(born.year - 45, born.year - 20)) if rng.random() < 0.9 else None
    if child is None:
        child = ctx.people.child_of(mother, father, born)
    return child, mother, father


def birth_certificate(ctx: Ctx, child: Person | None = None, mother: Person | None = None,
                      father: Person | None = "auto") -> Doc:
    """Giấy khai sinh (bản chính) or Trích lục khai sinh (bản sao), issued by the ward."""
    rng = ctx.rng
    child, mother, father = _family(ctx, child, mother, father)
    b = DocBuilder(ctx, "birth_certificate", border=rng.random() < 0.5, certificate=True)
    c, o = b.c, b.office
    copy = rng.random() < 0.45
    registered = rand_date(rng, child.dob + dt.timedelta(days=3), child.dob + dt.timedelta(days=60))
    issued = rand_date(rng, registered, ISSUE_END) if copy else registered
    if issued > ISSUE_END:
        issued = registered
    number = rng.randint(1, 950)
    if copy:
        doc_no = rng.choice([f"{number}/TLKS-BS", f"{number}/{issued.year}/TLKS", f"{number}/{registered.year}/KS"])
        c.motto_header(o.ward_header(rng), f"Số: {doc_no}", place_date_line(o.place(rng), issued, rng))
        c.title("TRÍCH LỤC KHAI SINH", "(BẢN SAO)" if rng.random() < 0.6 else None)
    else:
        doc_no = rng.choice([str(number), f"{number}/{registered.year}", f"{number}/{registered.year}/KS"])
        c.motto_header(None, None, None)
        if rng.random() < 0.6:
            c.emblem((c.page.left + c.page.right) / 2, c.page.y + c.page.mm(12))
            c.space(26)
        c.title("GIẤY KHAI SINH")
        c.line(f"Số: {doc_no}" + (f"          Quyển số: {rng.randint(1, 3):02d}/{registered.year}"
                                  if rng.random() < 0.6 else ""), indent_mm=rng.choice([0, 60]))
    b.truth["document_number"] = doc_no
    b.truth["issue_date"] = issued.isoformat()
    b.subject(child, id_number=True)
    b.f(_name_label(rng), child.name, kind="name")
    words = date_in_words(child.dob, rng)
    if rng.random() < 0.5:
        c.fields_row([("Ngày, tháng, năm sinh:", b.dnum(child.dob), "text"), ("ghi bằng chữ:", words, "text")],
                     fracs=[0.45, 0.55])
    else:
        b.f("Ngày, tháng, năm sinh:", b.dnum(child.dob))
        b.f("Ghi bằng chữ:", words)
    c.fields_row([("Giới tính:", child.gender, "text"), ("Dân tộc:", child.ethnicity, "text"),
                  ("Quốc tịch:", "Việt Nam", "text")])
    b.f("Nơi sinh:", f"{rng.choice(HOSPITALS)}, Thành phố Hồ Chí Minh")
    b.f("Quê quán:", child.hometown)
    if child.id_number or rng.random() < 0.5:
        b.id_line("Số định danh cá nhân:", child)
    for role, p, label in (("mother", mother, "người mẹ"), ("father", father, "người cha")):
        b.f(_name_label(rng, " " + label), p.name if p else None, kind="name")
        if p:
            b.truth[f"{role}_name"] = p.name
            b.who(role, p)
            c.fields_row([("Năm sinh:", str(p.dob.year), "number"), ("Dân tộc:", p.ethnicity, "text"),
                          ("Quốc tịch:", "Việt Nam", "text")])
            b.f("Nơi cư trú:", p.address)
        else:
            c.fields_row([("Năm sinh:", None, "number"), ("Dân tộc:", None, "text"), ("Quốc tịch:", None, "text")])
            b.f("Nơi cư trú:", None)
    requester = mother if rng.random() < 0.6 or father is None else father
    b.f("Người đi khai sinh:" if rng.random() < 0.5 else "Họ, chữ đệm, tên người đi khai sinh:", requester.name, kind="name")
    b.f("Giấy tờ tùy thân:", b.id_paper(requester))
    b.truth["requester_name"] = requester.name
    b.f("Nơi đăng ký khai sinh:", f"Ủy ban nhân dân {o.ward_full}")
    b.f("Ngày, tháng, năm đăng ký:", b.d(registered))
    if not copy:
        c.space(2)
        c.line(place_date_line(o.place(rng), issued, rng), align="right", italic=True)
    clerk = b.official("clerk") if rng.random() < 0.5 else None
    c.space(3)
    if clerk:
        y0 = c.page.y
        c.signature_block(["NGƯỜI THỰC HIỆN"], clerk, x_frac=(0.0, 0.42), note="(Ký, ghi rõ họ, chữ đệm, tên)",
                          advance=False)
        c.page.y = y0
    signer = b.official()
    titles = ["NGƯỜI KÝ GIẤY KHAI SINH"] if (not copy and rng.random() < 0.5) else _official_titles(rng)
    c.signature_block(titles, signer, x_frac=(0.5, 1.0), note="(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)",
                      seal_text=b.seal_ring())
    b.meta["variant"] = "trich_luc" if copy else "giay_khai_sinh"
    return b.done()


def birth_registration_form(ctx: Ctx, child: Person | None = None, mother: Person | None = None,
                            father: Person | None = "auto") -> Doc:
    """Tờ khai đăng ký khai sinh (form 11 of the corpus), mostly filled by hand."""
    rng = ctx.rng
    child, mother, father = _family(ctx, child, mother, father)
    b = DocBuilder(ctx, "birth_registration_form", fills=FORM_FILLS)
    c, o = b.c, b.office
    requester = mother if (father is None or rng.random() < 0.65) else father
    if rng.random() < 0.1:
        requester = ctx.people.person(born_between=(1950, 1975))  # a grandparent files
        relation = rng.choice(["Bà ngoại", "Ông nội", "Bà nội"])
    else:
        relation = "Mẹ" if requester is mother else "Cha"
    filed = rand_date(rng, child.dob + dt.timedelta(days=3), child.dob + dt.timedelta(days=55))
    c.motto_header(None, None, None)
    c.title("TỜ KHAI ĐĂNG KÝ KHAI SINH")
    b.f("Kính gửi:", f"Ủy ban nhân dân {o.ward}, {o.district}")
    b.f("Họ, chữ đệm, tên người yêu cầu:", requester.name, kind="name")
    if rng.random() < 0.4:
        b.f("Ngày, tháng, năm sinh:", b.dnum(requester.dob))
    b.f("Nơi cư trú:", requester.address)
    b.f("Giấy tờ tùy thân:", b.id_paper(requester))
    b.f("Quan hệ với người được khai sinh:", relation)
    c.line("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:")
    b.subject(child, id_number=False)
    b.f("Họ, chữ đệm, tên:", child.name, kind="name")
    c.fields_row([("Ngày, tháng, năm sinh:", b.dnum(child.dob), "text"),
                  ("ghi bằng chữ:", date_in_words(child.dob, rng), "text")], fracs=[0.45, 0.55])
    c.fields_row([("Giới tính:", child.gender, "text"), ("Dân tộc:", child.ethnicity, "text"),
                  ("Quốc tịch:", "Việt Nam", "text")])
    b.f("Nơi sinh:", f"{rng.choice(HOSPITALS)}, Thành phố Hồ Chí Minh")
    b.f("Quê quán:", child.hometown)
    for role, p, label in (("mother", mother, "người mẹ"), ("father", father, "người cha")):
        b.f(f"Họ, chữ đệm, tên {label}:", p.name if p else None, kind="name")
        if p:
            b.truth[f"{role}_name"] = p.name
            b.who(role, p)
        c.fields_row([("Năm sinh:", str(p.dob.year) if p else None, "number"),
                      ("Dân tộc:", p.ethnicity if p else None, "text"),
                      ("Quốc tịch:", "Việt Nam" if p else None, "text")])
        b.f("Nơi cư trú:", p.address if p else None)
    b.truth["requester_name"] = requester.name
    b.who("requester", requester)
    c.para("Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận "
           "nhất trí của các bên liên quan theo quy định pháp luật.")
    c.para("Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình.")
    if rng.random() < 0.5:
        b.f("Đề nghị cấp bản sao trích lục khai sinh:", f"Có, số lượng: {rng.randint(1, 3):02d} bản")
    c.line("Làm tại: " + place_date_line(o.ward, filed, rng), align="right", italic=True)
    b.truth["issue_date"] = filed.isoformat()
    c.signature_block(["Người yêu cầu"], requester.name, x_frac=(0.5, 1.0),
                      note="(Ký, ghi rõ họ, chữ đệm, tên)", name_by_hand=b.style.fill == "dots" or rng.random() < 0.5)
    return b.done()


# ---------------------------------------------------------------------------------------------
# Civil status: marriage, marital status, death
# ---------------------------------------------------------------------------------------------

def marriage_certificate(ctx: Ctx, husband: Person | None = None, wife: Person | None = None) -> Doc:
    """Giấy chứng nhận kết hôn: husband and wife side by side (table or two columns) or one after
    the other. full_name is whoever is printed first."""
    rng = ctx.rng
    husband = husband or ctx.people.person(male=True, born_between=(1960, 2002))
    wife = wife or ctx.people.person(male=False, born_between=(1962, 2004))
    b = DocBuilder(ctx, "marriage_certificate", border=rng.random() < 0.5, certificate=True)
    c, o = b.c, b.office
    youngest = max(husband.dob, wife.dob)
    registered = rand_date(rng, max(ISSUE_START, youngest + dt.timedelta(days=20 * 365)), ISSUE_END)
    wife_first = rng.random() < 0.4
    first, second = (wife, husband) if wife_first else (husband, wife)
    roles = ("vợ", "chồng") if wife_first else ("chồng", "vợ")
    c.motto_header(None, None, None)
    if rng.random() < 0.6:
        c.emblem((c.page.left + c.page.right) / 2, c.page.y + c.page.mm(12))
        c.space(26)
    c.title("GIẤY CHỨNG NHẬN KẾT HÔN")
    number = rng.randint(1, 400)
    doc_no = rng.choice([str(number), f"{number}/{registered.year}", f"{number}/{registered.year}/KH"])
    c.line(f"Số: {doc_no}" + (f"        Quyển số: {rng.randint(1, 2):02d}/{registered.year}" if rng.random() < 0.6 else ""),
           indent_mm=rng.choice([0, 55]))
    b.truth["document_number"] = doc_no
    b.truth["issue_date"] = registered.isoformat()
    b.subject(first, gender=False)
    b.unscored.add("gender")
    b.truth["spouse_name"] = second.name
    b.who("spouse", second)
    layout = rng.choice(["table", "columns", "sequential"])
    b.meta["variant"] = layout
    rows = [("Họ, chữ đệm, tên", lambda p: p.name), ("Ngày, tháng, năm sinh", lambda p: b.dnum(p.dob)),
            ("Dân tộc", lambda p: p.ethnicity), ("Quốc tịch", lambda p: "Việt Nam"),
            ("Nơi cư trú", lambda p: p.address), ("Giấy tờ tùy thân", lambda p: b.id_paper(p))]
    if layout == "table":
        hand = {1, 2} if b.style.fill == "dots" else set()
        c.table(["Thông tin", f"Bên {roles[0]}" if rng.random() < 0.5 else roles[0].capitalize(),
                 f"Bên {roles[1]}" if rng.random() < 0.5 else roles[1].capitalize()],
                [[label, fn(first), fn(second)] for label, fn in rows], [0.24, 0.38, 0.38],
                hand_cols=hand, name_cols={1, 2})
    elif layout == "columns":
        p0 = c.page
        mid = (p0.left + p0.right) / 2
        y0 = p0.y
        for k, (p, role) in enumerate(((first, roles[0]), (second, roles[1]))):
            p0.y = y0
            x0, x1 = (p0.left, mid - p0.mm(3)) if k == 0 else (mid + p0.mm(3), p0.right)
            c.line(f"Họ, chữ đệm, tên {role}:", x0=x0, x1=x1)
            c.field("", p.name, kind="name", x0=x0 + p0.mm(4), x1=x1, mode="inline" if b.style.fill != "dots" else "dots")
            for label, fn in rows[1:]:
                c.field(label + ":", fn(p), x0=x0, x1=x1, mode="inline" if b.style.fill != "dots" else "dots")
        c.space(2)
    else:
        for p, role in ((first, roles[0]), (second, roles[1])):
            b.f(f"Họ, chữ đệm, tên {role}:", p.name, kind="name")
            for label, fn in rows[1:]:
                b.f(label + ":", fn(p))
            c.space(1.5)
    b.f("Nơi đăng ký kết hôn:", f"Ủy ban nhân dân {o.ward_full}")
    b.f("Ngày, tháng, năm đăng ký:", b.d(registered))
    c.space(2)
    # one row at the bottom: the two spouses, then the official who signs (as on the real certificate)
    c.need(c.line_h() * 9)
    y0 = c.page.y
    for k, (p, role) in enumerate(((first, roles[0]), (second, roles[1]))):
        c.page.y = y0
        c.signature_block([role.capitalize()], p.name, x_frac=(0.0, 0.26) if k == 0 else (0.3, 0.56),
                          note="(Ký, ghi rõ họ tên)", name_by_hand=rng.random() < 0.6, advance=False)
    c.page.y = y0
    signer = b.official()
    c.signature_block(["NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN"] if rng.random() < 0.5 else _official_titles(rng),
                      signer, x_frac=(0.62, 1.0), note="(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)",
                      seal_text=b.seal_ring())
    return b.done()


def marital_status_certificate(ctx: Ctx, person: Person | None = None) -> Doc:
    """Giấy xác nhận tình trạng hôn nhân, issued by the ward on someone's request."""
    rng = ctx.rng
    person = person or ctx.people.person(born_between=(1965, 2004))
    b = DocBuilder(ctx, "marital_status_certificate")
    c, o = b.c, b.office
    issued = rand_date(rng, max(ISSUE_START, person.dob + dt.timedelta(days=18 * 365)), ISSUE_END)
    doc_no = rng.choice([f"{rng.randint(1, 999)}/XNTTHN", f"{rng.randint(1, 999)}/UBND-XNTTHN",
                         f"{rng.randint(1, 999)}/GXN"])
    c.motto_header(o.ward_header(rng), f"Số: {doc_no}", place_date_line(o.place(rng), issued, rng))
    c.title("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")
    b.truth["document_number"] = doc_no
    b.truth["issue_date"] = issued.isoformat()
    c.line(f"ỦY BAN NHÂN DÂN {o.ward.upper()}", align="center", bold=True)
    c.para("Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và Nghị định số 123/2015/NĐ-CP ngày 15 tháng 11 "
           "năm 2015 của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch;")
    if rng.random() < 0.35:
        req = ctx.people.person(born_between=(1950, 1985))
        c.para(f"Xét đề nghị của {'ông' if req.is_male else 'bà'} {title_vi(req.name) if rng.random() < 0.5 else req.name} "
               "về việc xác nhận tình trạng hôn nhân cho người có tên dưới đây,")
        b.who("requester", req)
    else:
        c.para("Xét đề nghị của người có tên dưới đây về việc xác nhận tình trạng hôn nhân,")
    c.line("XÁC NHẬN:", align="center", bold=True)
    b.subject(person)
    b.f(_name_label(rng), person.name, kind="name")
    b.f(_dob_label(rng), b.d(person.dob))
    c.fields_row([("Giới tính:", person.gender, "text"), ("Dân tộc:", person.ethnicity, "text"),
                  ("Quốc tịch:", "Việt Nam", "text")])
    if rng.random() < 0.5:
        b.f("Giấy tờ tùy thân:", b.id_paper(person))
    else:
        b.id_line(rng.choice(["Số định danh cá nhân:", "Số CCCD:", "Số CMND/CCCD:"]), person)
    b.f("Nơi cư trú:", person.address)
    b.f("Trong thời gian cư trú tại:", o.ward_full)
    if rng.random() < 0.3:
        ex = ctx.people.person(male=not person.is_male, born_between=(person.dob.year - 5, person.dob.year + 5))
        b.who("former_spouse", ex)
        status = (f"Đã đăng ký kết hôn với {'bà' if person.is_male else 'ông'} {ex.name}, nhưng đã ly hôn theo "
                  f"Bản án số {rng.randint(10, 300)}/{rng.randint(2010, 2022)}/HNGĐ-ST; hiện tại chưa đăng ký kết hôn với ai.")
    else:
        status = "Chưa đăng ký kết hôn với ai."
    b.f("Tình trạng hôn nhân:", status)
    fiance = ctx.people.person(male=not person.is_male, born_between=(person.dob.year - 6, person.dob.year + 6))
    b.who("fiance", fiance)
    purpose = rng.choice([
        f"Làm thủ tục đăng ký kết hôn với {'chị' if person.is_male else 'anh'} {fiance.name}, sinh năm {fiance.dob.year}",
        "Bổ túc hồ sơ vay vốn ngân hàng", "Làm thủ tục mua bán nhà đất"])
    b.f("Giấy này được cấp để:", purpose)
    c.para("Giấy này có giá trị sử dụng trong thời hạn 6 tháng, kể từ ngày cấp.", italic=True)
    c.space(3)
    c.signature_block(_official_titles(rng), b.official(), x_frac=(0.5, 1.0), seal_text=b.seal_ring())
    return b.done()


def death_certificate(ctx: Ctx, deceased: Person | None = None, requester: Person | None = None) -> Doc:
    """Trích lục khai tử (original or certified copy) or the older Giấy chứng tử."""
    rng = ctx.rng
    deceased = deceased or ctx.people.person(born_between=(1925, 1985))
    requester = requester or ctx.people.person(born_between=(1955, 2000))
    b = DocBuilder(ctx, "death_certificate", border=rng.random() < 0.3, certificate=True)
    c, o = b.c, b.office
    died = rand_date(rng, max(ISSUE_START - dt.timedelta(days=60), deceased.dob + dt.timedelta(days=35 * 365)),
                     ISSUE_END - dt.timedelta(days=30))
    registered = died + dt.timedelta(days=rng.randint(1, 15))
    copy = rng.random() < 0.4
    issued = rand_date(rng, registered, ISSUE_END) if copy else registered
    n = rng.randint(1, 300)
    doc_no = rng.choice([f"{n}/TLKT-BS", f"{n}/{registered.year}/KT", f"{n}/TLKT"]) if copy else \
        rng.choice([str(n), f"{n}/{registered.year}", f"{n}/{registered.year}/KT"])
    title = "TRÍCH LỤC KHAI TỬ" if rng.random() < 0.8 else "GIẤY CHỨNG TỬ"
    c.motto_header(o.ward_header(rng), f"Số: {doc_no}", place_date_line(o.place(rng), issued, rng))
    c.title(title, "(BẢN SAO)" if copy and rng.random() < 0.6 else None)
    b.truth["document_number"] = doc_no
    b.truth["issue_date"] = issued.isoformat()
    b.subject(deceased)
    b.f(_name_label(rng, rng.choice(["", " người đã chết", " người chết"])), deceased.name, kind="name")
    b.f(_dob_label(rng), b.d(deceased.dob))
    c.fields_row([("Giới tính:", deceased.gender, "text"), ("Dân tộc:", deceased.ethnicity, "text"),
                  ("Quốc tịch:", "Việt Nam", "text")])
    if deceased.id_number:
        if rng.random() < 0.5:
            b.id_line("Số định danh cá nhân:", deceased)
        else:
            b.f("Giấy tờ tùy thân:", b.id_paper(deceased))
    b.f("Nơi cư trú cuối cùng:", deceased.address)
    b.f("Đã chết vào lúc:", f"{rng.randint(0, 23):02d} giờ {rng.randint(0, 59):02d} phút, ngày {b.dnum(died)}")
    b.f("Nơi chết:", rng.choice([deceased.address, f"{rng.choice(HOSPITALS)}, Thành phố Hồ Chí Minh"]))
    b.f("Nguyên nhân chết:", rng.choice(["Bệnh", "Già yếu", "Tai nạn giao thông", "Bệnh lý tim mạch"]))
    b.f("Số Giấy báo tử/Giấy tờ thay thế Giấy báo tử:",
        f"{rng.randint(10, 9999)}/GBT do {rng.choice(HOSPITALS)} cấp ngày {b.dnum(died + dt.timedelta(days=1))}")
    b.f("Họ, chữ đệm, tên người đi khai tử:" if rng.random() < 0.6 else "Người đi khai tử:", requester.name, kind="name")
    b.f("Giấy tờ tùy thân:", b.id_paper(requester))
    b.f("Quan hệ với người đã chết:", rng.choice(["Con", "Vợ", "Chồng", "Cháu", "Con ruột"]))
    b.truth["requester_name"] = requester.name
    b.who("requester", requester)
    b.f("Nơi đăng ký khai tử:", f"Ủy ban nhân dân {o.ward_full}")
    b.f("Ngày, tháng, năm đăng ký:", b.d(registered))
    c.space(3)
    c.signature_block(_official_titles(rng) if rng.random() < 0.6 else ["NGƯỜI KÝ TRÍCH LỤC"], b.official(),
                      x_frac=(0.5, 1.0), seal_text=b.seal_ring())
    b.meta["variant"] = "copy" if copy else "original"
    return b.done()


# ---------------------------------------------------------------------------------------------
# Identity and residence
# ---------------------------------------------------------------------------------------------

_CARD_MM = (85.6, 53.98)


def _mrz(p: Person, issued: dt.date) -> list[str]:
    """Three MRZ lines as on the back of the chip card (check digits not computed: looks only)."""
    from .vntext import fold
    parts = fold(p.name).upper().split()
    name = parts[0] + "<<" + "<".join(parts[1:])
    l1 = f"IDVNM{p.id_number[3:]}{p.id_number[-1]}{p.id_number}<<{p.id_number[5]}"
    exp = dt.date(min(p.dob.year + 60, 2099), p.dob.month, min(p.dob.day, 28))
    l2 = f"{p.dob:%y%m%d}{p.dob.day % 10}{'M' if p.is_male else 'F'}{exp:%y%m%d}{exp.day % 10}VNM<<<<<<<<<<<{issued.day % 10}"
    return [(s + "<" * 30)[:30] for s in (l1, l2, name)]


def _card_faces(b: DocBuilder, p: Person, issued: dt.date, scale: float) -> tuple[Image.Image, Image.Image]:
    """Front and back of a citizen identity card, drawn at `scale` times real size."""
    rng = b.rng
    new_card = issued >= dt.date(2024, 7, 1)
    style = Style.pick(rng, kind="sans", fill="inline")
    style.size_pt = 5.6 * scale
    size_mm = (_CARD_MM[0] * scale, _CARD_MM[1] * scale)
    m = 3 * scale
    bg = rng.choice([(236, 242, 248), (240, 246, 238), (246, 242, 236)])
    front = Canvas(rng, b.ctx.dpi, style, tint=bg, size_mm=size_mm, margins_mm=(m, m, m * 0.8, m * 0.5))
    pg = front.page
    pg.draw.rounded_rectangle([0, 0, pg.img.width - 1, pg.img.height - 1], radius=pg.mm(3 * scale),
                              outline=(120, 120, 120), width=2)
    x_text = pg.left + pg.mm(24 * scale)
    front.emblem(pg.left + pg.mm(9 * scale), pg.top + pg.mm(7 * scale), radius_mm=6 * scale)
    small = style.size_pt * 0.95
    front.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, x0=x_text, size_pt=small, align="center")
    front.line("Độc lập - Tự do - Hạnh phúc", bold=True, x0=x_text, size_pt=small, align="center")
    if rng.random() < 0.7:
        front.line("SOCIALIST REPUBLIC OF VIET NAM", x0=x_text, size_pt=small * 0.85, align="center")
        front.line("Independence - Freedom - Happiness", x0=x_text, size_pt=small * 0.85, align="center")
    front.line("CĂN CƯỚC" if new_card else "CĂN CƯỚC CÔNG DÂN", bold=True, x0=x_text, size_pt=style.size_pt * 1.5,
               align="center")
    front.line("IDENTITY CARD" if new_card else "Citizen Identity Card", x0=x_text, size_pt=small, align="center")
    # photo
    ph_top = pg.y
    pg.draw.rectangle([pg.left, ph_top, pg.left + pg.mm(20 * scale), ph_top + pg.mm(25 * scale)],
                      fill=(170, 175, 185), outline=(90, 90, 90))
    pg.draw.ellipse([pg.left + pg.mm(5 * scale), ph_top + pg.mm(4 * scale), pg.left + pg.mm(15 * scale),
                     ph_top + pg.mm(15 * scale)], fill=(120, 110, 105))
    num_label = "Số định danh cá nhân / Personal identification number:" if new_card else "Số / No.:"
    bilingual_name = ("Họ, chữ đệm và tên khai sinh / Surname, middle and given name:" if new_card
                      else "Họ và tên / Full name:")
    if new_card:
        front.line(num_label, x0=x_text, size_pt=small)
        front.line(p.id_number, bold=True, x0=x_text + pg.mm(4 * scale), size_pt=style.size_pt * 1.35)
    else:
        y = pg.y
        w = front.width(num_label + " ", size_pt=small)
        lh = front.line_h(style.size_pt * 1.35)
        front.text_at(x_text, y + lh * 0.75, num_label, size_pt=small)
        front.text_at(x_text + w, y + lh * 0.75, p.id_number, bold=True, size_pt=style.size_pt * 1.35)
        pg.y += lh
    front.line(bilingual_name, x0=x_text, size_pt=small)
    front.line(p.name, bold=True, x0=x_text + pg.mm(3 * scale), size_pt=style.size_pt * 1.2)
    front.line(("Ngày, tháng, năm sinh / Date of birth: " if new_card else "Ngày sinh / Date of birth: ")
               + format_date(p.dob, "dmy"), x0=x_text, size_pt=small)
    front.line(f"Giới tính / Sex: {p.gender}      Quốc tịch / Nationality: Việt Nam", x0=x_text, size_pt=small)
    if not new_card:
        front.line(f"Quê quán / Place of origin: {p.hometown}", x0=x_text, size_pt=small)
        front.line("Nơi thường trú / Place of residence:", x0=x_text, size_pt=small)
        front.line(p.address, x0=x_text, size_pt=small)
        age = issued.year - p.dob.year
        exp_age = 25 if age < 23 else 40 if age < 38 else 60 if age < 58 else None
        until = (format_date(dt.date(p.dob.year + exp_age, p.dob.month, min(p.dob.day, 28)), "dmy")
                 if exp_age else "Không thời hạn")
        front.text_at(pg.left, pg.bottom, f"Có giá trị đến: {until}", size_pt=small * 0.85)
    # back
    back = Canvas(rng, b.ctx.dpi, style, tint=bg, size_mm=size_mm, margins_mm=(m, m, m, m * 0.5))
    pb = back.page
    pb.draw.rounded_rectangle([0, 0, pb.img.width - 1, pb.img.height - 1], radius=pb.mm(3 * scale),
                              outline=(120, 120, 120), width=2)
    xb = pb.left + pb.mm(30 * scale)
    if new_card:
        back.line(f"Nơi cư trú / Place of residence: {p.address}", size_pt=small)
        back.line(f"Nơi đăng ký khai sinh / Place of birth: {p.province}", size_pt=small)
        back.line(f"Ngày, tháng, năm cấp / Date of issue: {format_date(issued, 'dmy')}", size_pt=small)
        back.line("BỘ CÔNG AN", bold=True, size_pt=small, x0=xb, align="center")
        back.line("MINISTRY OF PUBLIC SECURITY", size_pt=small * 0.85, x0=xb, align="center")
    else:
        back.line("Đặc điểm nhân dạng / Personal identification:", size_pt=small, x0=xb)
        back.line(rng.choice(["Sẹo chấm C:1cm trên trước đầu mày phải", "Nốt ruồi C:2cm dưới sau cánh mũi trái",
                              "Sẹo chấm C:3cm dưới trước mép trái"]), size_pt=small, x0=xb)
        back.line(f"Ngày, tháng, năm / Date, month, year: {format_date(issued, 'dmy')}", size_pt=small, x0=xb)
        back.line("CỤC TRƯỞNG CỤC CẢNH SÁT", bold=True, size_pt=small * 0.9, x0=xb, align="center")
        back.line("QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", bold=True, size_pt=small * 0.9, x0=xb, align="center")
        back.line("DIRECTOR GENERAL OF THE POLICE DEPARTMENT", size_pt=small * 0.75, x0=xb, align="center")
        back.line("FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER", size_pt=small * 0.75, x0=xb, align="center")
        back.signature(xb + (pb.right - xb) / 2, pb.y + pb.mm(3 * scale), width_mm=14 * scale)
        signer = b.ctx.people.person(male=True, born_between=(1965, 1978))
        b.who("card_signer", signer.name)
        back.space(5 * scale)
        back.line(signer.name, bold=True, size_pt=small, x0=xb, align="center")
    # fingerprint boxes on the left
    for k in range(2):
        x0 = pb.left + k * pb.mm(13 * scale)
        pb.draw.rectangle([x0, pb.top, x0 + pb.mm(12 * scale), pb.top + pb.mm(16 * scale)], outline=(90, 90, 90))
        pb.draw.ellipse([x0 + pb.mm(2 * scale), pb.top + pb.mm(2 * scale), x0 + pb.mm(10 * scale),
                         pb.top + pb.mm(14 * scale)], fill=(150, 150, 150))
    mono = "liberation-mono"
    from . import fonts as _f
    fm = _f.font(mono, pb.pt(style.size_pt * 1.15))
    lines = _mrz(p, issued)
    lh = pb.pt(style.size_pt * 1.5)
    for k, s in enumerate(lines):
        pb.draw.text((pb.left, pb.img.height - pb.mm(2 * scale) - (2 - k) * lh), s, font=fm, fill=INK_BLACK, anchor="ls")
    return front.finish()[0], back.finish()[0]


def citizen_id_card(ctx: Ctx, holder: Person | None = None, *, alone: bool = False) -> Doc:
    """A photocopy of the chip citizen ID card (front and back on one A4 page, often certified
    'sao y bản chính'), or — `alone` — the card itself as a single image (phone photo files)."""
    rng = ctx.rng
    holder = holder or ctx.people.person(born_between=(1950, 2008))
    if not holder.id_number:  # a card always carries the 12-digit number
        holder.id_number = ctx.people.make_id(holder.province_code, holder.dob, holder.is_male)
    b = DocBuilder(ctx, "citizen_id_card", kind="sans", fill="inline")
    issued = b.id_issued(holder)
    b.subject(holder)
    b.truth["issue_date"] = issued.isoformat()
    if alone:
        front, _ = _card_faces(b, holder, issued, scale=rng.uniform(2.2, 2.8))
        b.meta["variant"] = "card_only"
        b.truth.pop("issue_date")      # the issue date is on the back, which is not in the file
        return Doc("citizen_id_card", [front], dict(b.truth), b.persons, sorted(b.unscored), dict(b.meta, pages=1))
    certified = rng.random() < 0.5
    # both faces and, on a certified copy, the certification must fit on one A4 page
    scale = rng.uniform(1.0, 1.25) if certified else rng.uniform(1.0, 1.7)
    front, back = _card_faces(b, holder, issued, scale)
    c = b.c
    p = c.page
    gray = rng.random() < 0.6
    if gray:
        front, back = front.convert("L").convert("RGB"), back.convert("L").convert("RGB")
    x = p.left + (p.right - p.left - front.width) // 2
    y = p.top + p.mm(rng.uniform(0, 8 if certified else 15))
    p.img.paste(front, (int(x), int(y)))
    y2 = y + front.height + p.mm(rng.uniform(6, 12) if certified else rng.uniform(8, 20))
    p.img.paste(back, (int(x), int(y2)))
    p.y = y2 + back.height + p.mm(10)
    b.meta["variant"] = f"photocopy_x{scale:.1f}"
    if certified:
        # certified copy: a stamp and the certification text, with its own date and signer
        b.unscored.add("issue_date")
        cert_date = rand_date(rng, issued, ISSUE_END)
        c.box_stamp(p.right - p.mm(35), p.top + p.mm(12), ["SAO Y BẢN CHÍNH"] if rng.random() < 0.5 else ["BẢN SAO"])
        c.para(f"Chứng thực bản sao đúng với bản chính. Số chứng thực: {rng.randint(1, 9999)} "
               f"Quyển số {rng.randint(1, 9):02d}/{cert_date.year}-SCT/BS.", indent_first_mm=0)
        c.line(place_date_line(b.office.place(rng), cert_date, rng), align="right", italic=True)
        c.signature_block(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], b.official("certifier"),
                          x_frac=(0.5, 1.0), seal_text=b.seal_ring())
        b.meta["certified"] = True
    return b.done()


def residence_confirmation(ctx: Ctx, person: Person | None = None) -> Doc:
    """Giấy xác nhận thông tin về cư trú (form CT07) by the ward police, with the household."""
    rng = ctx.rng
    person = person or ctx.people.person(born_between=(1950, 2008))
    b = DocBuilder(ctx, "residence_confirmation")
    c, o = b.c, b.office
    issued = rand_date(rng, max(ISSUE_START, dt.date(2021, 7, 1)), ISSUE_END)
    doc_no = rng.choice([f"{rng.randint(1, 9999)}/XN", f"{rng.randint(1, 9999)}/GXN-CAP", f"{rng.randint(1, 999)}/CT07"])
    c.motto_header(["CÔNG AN THÀNH PHỐ HỒ CHÍ MINH", f"CÔNG AN {o.ward.upper()}"], f"Số: {doc_no}",
                   place_date_line(o.place(rng), issued, rng))
    c.title("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ")
    b.truth["document_number"] = doc_no
    b.truth["issue_date"] = issued.isoformat()
    c.para(f"Công an {o.ward}, {o.district} xác nhận thông tin về cư trú của công dân như sau:")
    b.subject(person)
    head_is_self = rng.random() < 0.3
    head = person if head_is_self else ctx.people.person(born_between=(1940, 1985))
    b.f("1. Họ, chữ đệm và tên:", person.name, kind="name")
    c.fields_row([("2. Ngày, tháng, năm sinh:", b.dnum(person.dob), "text"), ("3. Giới tính:", person.gender, "text")],
                 fracs=[0.65, 0.35])
    b.id_line("4. Số định danh cá nhân:", person)
    c.fields_row([("5. Dân tộc:", person.ethnicity, "text"), ("6. Tôn giáo:", rng.choice(RELIGIONS), "text"),
                  ("7. Quốc tịch:", "Việt Nam", "text")])
    b.f("8. Quê quán:", person.hometown)
    b.f("9. Nơi thường trú:", head.address)
    b.f("10. Nơi tạm trú:", None if rng.random() < 0.7 else person.address)
    b.f("11. Nơi ở hiện tại:", head.address)
    b.f("12. Họ, chữ đệm và tên chủ hộ:", head.name, kind="name")
    relation = "Chủ hộ" if head_is_self else rng.choice(["Con", "Vợ", "Chồng", "Cháu", "Con dâu", "Mẹ"])
    b.f("13. Quan hệ với chủ hộ:", relation)
    if not head_is_self:
        b.truth["head_of_household_name"] = head.name
        b.who("head_of_household", head)
        b.id_line("14. Số định danh cá nhân của chủ hộ:", head)
    c.line("15. Thông tin các thành viên khác trong hộ gia đình:")
    members = [] if head_is_self else [head]
    for _ in range(rng.randint(1, 3)):
        members.append(ctx.people.person(born_between=(1945, 2018)))
    rows = []
    for i, mbr in enumerate(members, 1):
        b.who("household_member", mbr)
        rows.append([str(i), mbr.name, format_date(mbr.dob, "dmy"), mbr.gender,
                     mbr.id_number or "", "Chủ hộ" if mbr is head else rng.choice(["Con", "Cháu", "Vợ", "Em"])])
    c.table(["STT", "Họ, chữ đệm và tên", "Ngày, tháng, năm sinh", "Giới tính", "Số định danh cá nhân",
             "Quan hệ với chủ hộ"], rows, [0.07, 0.29, 0.17, 0.1, 0.22, 0.15], size_pt=b.style.size_pt * 0.8)
    c.para("Giấy xác nhận có giá trị 30 ngày kể từ ngày cấp.", italic=True)
    c.space(2)
    officer = b.official()
    c.signature_block(["TRƯỞNG CÔNG AN"] if rng.random() < 0.5 else ["KT. TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN"],
                      (rng.choice(["Thượng tá ", "Trung tá ", "Thiếu tá "]) + officer) if rng.random() < 0.5 else officer,
                      x_frac=(0.5, 1.0), seal_text=f"CÔNG AN {o.ward.upper()}")
    return b.done()


# ---------------------------------------------------------------------------------------------
# Land, construction, business
# ---------------------------------------------------------------------------------------------

def _area_words(area: float) -> str:
    whole, frac = int(area), round((area - int(area)) * 10)
    text = number_words(whole) + (f" phẩy {number_words(frac)}" if frac else "") + " mét vuông"
    return text[0].upper() + text[1:]


def land_use_certificate(ctx: Ctx, holder: Person | None = None) -> Doc:
    """Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất:
    page 1 holders, page 2 the parcel, the signature and the register number."""
    rng = ctx.rng
    holder = holder or ctx.people.person(born_between=(1945, 1995))
    b = DocBuilder(ctx, "land_use_certificate", border=True, certificate=True, fill=_pick(rng, [("inline", 0.85), ("typed_dots", 0.15)]))
    c, o = b.c, b.office
    issued = rand_date(rng, ISSUE_START, ISSUE_END)
    c.motto_header(None, None, None)
    c.emblem((c.page.left + c.page.right) / 2, c.page.y + c.page.mm(14), radius_mm=12)
    c.space(32)
    c.title("GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT\nQUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
            size_pt=b.style.size_pt + 2)
    c.line("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", bold=True)
    b.subject(holder, dob=False, gender=False)
    b.unscored.update({"gender", "date_of_birth", "document_number"})
    co = None
    if rng.random() < 0.45:
        co = ctx.people.person(male=not holder.is_male, born_between=(holder.dob.year - 6, holder.dob.year + 6))
    for k, p in enumerate([holder] + ([co] if co else [])):
        prefix = ("Ông" if p.is_male else "Bà") if k == 0 else ("và vợ: Bà" if not p.is_male else "và chồng: Ông")
        b.f(f"{prefix}:", p.name, kind="name")
        c.fields_row([("Năm sinh:", str(p.dob.year), "number"),
                      (rng.choice(["CCCD số:", "Số CCCD:", "Số định danh cá nhân:"]),
                       b.idv(p.id_number) if p.id_number else p.old_id, "number")], fracs=[0.35, 0.65])
        b.f("Địa chỉ thường trú:", p.address)
    if co:
        b.truth["co_holder_name"] = co.name
        b.who("co_holder", co)
    serial = f"{rng.choice(['CS', 'CH', 'CT'])} {rng.randint(1000, 99999):05d}"
    printed = f"{rng.choice(['BX', 'CĐ', 'DA', 'DE', 'AP'])} {rng.randint(100000, 999999)}"
    c.space(6)
    c.line(printed, align="center", bold=True, size_pt=b.style.size_pt + 4)
    c.new_page()
    c.line("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True)
    c.line("1. Thửa đất:")
    b.f("a) Thửa đất số:", f"{rng.randint(1, 999)}       Tờ bản đồ số: {rng.randint(1, 80)}")
    b.f("b) Địa chỉ:", holder.address if rng.random() < 0.7 else f"{o.ward}, {o.district}, Thành phố Hồ Chí Minh")
    area = round(rng.uniform(30, 250), 1)
    b.f("c) Diện tích:", f"{area:.1f}".replace(".", ",") + f" m² (bằng chữ: {_area_words(area)})")
    b.f("d) Hình thức sử dụng:", rng.choice(["Sử dụng riêng", "Sử dụng chung"]))
    b.f("đ) Mục đích sử dụng:", rng.choice(["Đất ở tại đô thị", "Đất ở tại nông thôn", "Đất trồng cây lâu năm"]))
    b.f("e) Thời hạn sử dụng:", "Lâu dài")
    b.f("g) Nguồn gốc sử dụng:", rng.choice(["Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
                                             "Nhận chuyển nhượng đất được Công nhận QSDĐ như giao đất có thu tiền sử dụng đất"]))
    c.line("2. Nhà ở:")
    b.f("Diện tích xây dựng:", f"{round(area * 0.8, 1)} m²".replace(".", ",") + f"; Số tầng: {rng.randint(1, 4)}")
    b.f("3. Ghi chú:", "-")
    c.space(2)
    c.line(place_date_line(o.place(rng), issued, rng), align="right", italic=True)
    b.truth["issue_date"] = issued.isoformat()
    c.signature_block(["TM. ỦY BAN NHÂN DÂN", o.district.upper(), "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                      b.official(), x_frac=(0.45, 1.0), seal_text=b.seal_ring())
    c.line(f"Số vào sổ cấp GCN: {serial}", indent_mm=0)
    b.meta["register_number"] = serial
    return b.done()


def construction_permit(ctx: Ctx, owner: Person | None = None) -> Doc:
    """Giấy phép xây dựng (form 37 of the corpus), for a private house."""
    rng = ctx.rng
    owner = owner or ctx.people.person(born_between=(1950, 1995))
    b = DocBuilder(ctx, "construction_permit", fill=_pick(rng, [("inline", 0.7), ("typed_dots", 0.2), ("dots_typed", 0.1)]))
    c, o = b.c, b.office
    issued = rand_date(rng, ISSUE_START, ISSUE_END)
    doc_no = rng.choice([f"{rng.randint(1, 2999)}/GPXD", f"{rng.randint(1, 2999)}/GPXD-UBND",
                         f"{rng.randint(1, 999)}/{issued.year}/GPXD"])
    c.motto_header(o.district_header(rng), f"Số: {doc_no}", place_date_line(o.place(rng), issued, rng))
    c.title("GIẤY PHÉP XÂY DỰNG", "(Sử dụng cho nhà ở riêng lẻ)")
    b.truth["document_number"] = doc_no
    b.truth["issue_date"] = issued.isoformat()
    b.subject(owner, dob=False, gender=False)
    b.unscored.add("gender")
    prefix = "Ông" if owner.is_male else "Bà"
    b.f("1. Cấp cho:", f"{prefix} {owner.name}" if rng.random() < 0.6 else owner.name, kind="name")
    if owner.id_number and rng.random() < 0.6:
        b.f(rng.choice(["CCCD số:", "Số định danh cá nhân:", "Số CCCD:"]), b.idv(owner.id_number), kind="number")
    else:
        b.truth.pop("id_number", None)
    b.f("Địa chỉ:", owner.address)
    b.f("2. Được phép xây dựng công trình:", "Nhà ở riêng lẻ")
    arch = ctx.people.person(born_between=(1960, 1995))
    b.who("designer", arch)
    b.f("- Theo thiết kế:", f"Bản vẽ số {rng.randint(1, 99):02d}/TK-{issued.year}")
    b.f("- Do:", rng.choice(["Công ty TNHH Tư vấn Thiết kế Xây dựng Phú Thịnh", "Công ty Cổ phần Kiến trúc Sài Gòn Xanh",
                             "Công ty TNHH Xây dựng Minh Long"]) + " lập")
    b.f("- Chủ nhiệm, chủ trì thiết kế:", f"KTS. {arch.name}")
    c.line("- Gồm các nội dung sau:")
    b.f("+ Vị trí xây dựng:", f"Thửa đất số {rng.randint(1, 999)}, tờ bản đồ số {rng.randint(1, 80)}, {o.ward}")
    b.f("+ Cốt nền xây dựng công trình:", f"+{rng.choice(['0,15', '0,20', '0,30', '0,45'])} m so với cốt vỉa hè")
    b.f("+ Mật độ xây dựng:", f"{rng.randint(60, 100)}%, hệ số sử dụng đất: {rng.randint(15, 45) / 10:.1f}".replace(".", ","))
    b.f("+ Chỉ giới đường đỏ:", f"cách tim đường {rng.randint(5, 15)} m, chỉ giới xây dựng: trùng chỉ giới đường đỏ")
    b.f("+ Diện tích xây dựng tầng 1 (tầng trệt):", f"{rng.randint(40, 150)},{rng.randint(0, 9)} m2")
    b.f("+ Tổng diện tích sàn:", f"{rng.randint(100, 500)},{rng.randint(0, 9)} m2")
    b.f("+ Chiều cao công trình:", f"{rng.randint(7, 22)},{rng.randint(0, 9)} m")
    b.f("+ Số tầng:", rng.choice(["02 tầng", "03 tầng + tầng lửng", "04 tầng + sân thượng", "01 trệt, 02 lầu"]))
    land_date = rand_date(rng, dt.date(2000, 1, 1), issued)
    b.f("3. Giấy tờ về đất đai:", f"Giấy chứng nhận quyền sử dụng đất số CS{rng.randint(1000, 99999):05d} do "
        f"Ủy ban nhân dân {o.district} cấp ngày {b.dnum(land_date)}")
    c.para("4. Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày cấp; quá thời hạn "
           "trên thì phải đề nghị gia hạn giấy phép xây dựng.", indent_first_mm=0)
    c.space(2)
    y0 = c.page.y
    c.line("Nơi nhận:", bold=True, italic=True, size_pt=b.style.size_pt - 1)
    c.line("- Chủ đầu tư;", size_pt=b.style.size_pt - 2)
    c.line("- Lưu: VT.", size_pt=b.style.size_pt - 2)
    c.page.y = y0
    c.signature_block(_official_titles(rng), b.official(), x_frac=(0.5, 1.0), seal_text=b.seal_ring())
    return b.done()


def business_registration(ctx: Ctx, owner: Person | None = None) -> Doc:
    """Giấy chứng nhận đăng ký hộ kinh doanh (district) or đăng ký doanh nghiệp (city department)."""
    rng = ctx.rng
    owner = owner or ctx.people.person(born_between=(1955, 2002))
    b = DocBuilder(ctx, "business_registration", fill=_pick(rng, [("inline", 0.8), ("typed_dots", 0.2)]))
    c, o = b.c, b.office
    issued = rand_date(rng, ISSUE_START, ISSUE_END)
    household = rng.random() < 0.6
    b.subject(owner)
    b.truth["issue_date"] = issued.isoformat()
    b.unscored.add("document_number")
    shop = rng.choice(["TẠP HÓA", "CƠM TẤM", "SỬA XE", "CÀ PHÊ", "MAY MẶC", "ĐIỆN THOẠI", "THUỐC TÂY"])
    if household:
        code = f"41{rng.choice('ABCDEFGHKLMNPQRS')}{rng.randint(8000000, 8999999)}"
        c.motto_header([f"ỦY BAN NHÂN DÂN {o.district.upper()}", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"], None,
                       place_date_line(o.place(rng), issued, rng) if rng.random() < 0.5 else None)
        c.title("GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH")
        b.f("Mã số hộ kinh doanh:", code, kind="number")
        b.f("Đăng ký lần đầu:", f"ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}")
        given = owner.name.split()[-1]
        b.f("1. Tên hộ kinh doanh:", f"HỘ KINH DOANH {shop} {given}" if rng.random() < 0.6 else f"{shop} {rng.choice(['MINH PHÁT', 'AN KHANG', 'HƯNG THỊNH'])}")
        b.f("2. Địa điểm kinh doanh:", owner.address)
        b.f("3. Ngành, nghề kinh doanh:", rng.choice(["Bán lẻ lương thực, thực phẩm", "Dịch vụ ăn uống",
                                                      "Bảo dưỡng, sửa chữa mô tô, xe máy", "Bán lẻ thuốc"]))
        b.f("4. Vốn kinh doanh:", f"{rng.randint(5, 500) * 10_000_000:,} đồng".replace(",", "."))
        b.f("5. Chủ thể thành lập hộ kinh doanh:", "Cá nhân")
        c.line("6. Thông tin về chủ hộ kinh doanh:")
        b.meta["variant"] = "household"
        b.truth["business_code"] = code
    else:
        tax = f"03{rng.randint(10000000, 19999999)}"
        c.motto_header(["SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "THÀNH PHỐ HỒ CHÍ MINH", "PHÒNG ĐĂNG KÝ KINH DOANH"], None, None)
        c.title("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", "CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN")
        b.f("Mã số doanh nghiệp:", tax, kind="number")
        b.f("Đăng ký lần đầu:", f"ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}")
        company = f"CÔNG TY TNHH {rng.choice(['THƯƠNG MẠI DỊCH VỤ', 'XÂY DỰNG', 'CÔNG NGHỆ'])} {rng.choice(['AN PHÚ', 'HÒA BÌNH', 'NAM VIỆT', 'SAO MAI'])}"
        c.line("1. Tên công ty", bold=True)
        b.f("Tên công ty viết bằng tiếng Việt:", company)
        b.f("Tên công ty viết tắt:", company.replace("CÔNG TY TNHH", "").strip() + " CO., LTD")
        c.line("2. Địa chỉ trụ sở chính", bold=True)
        c.line(ctx.people.address())
        b.f("3. Vốn điều lệ:", f"{rng.randint(1, 50) * 100_000_000:,} đồng".replace(",", "."))
        c.line("4. Người đại diện theo pháp luật của công ty", bold=True)
        b.meta["variant"] = "company"
        b.truth["tax_code"] = tax
    c.fields_row([("Họ và tên:", owner.name, "name"), ("Giới tính:", owner.gender, "text")], fracs=[0.7, 0.3])
    if not household:
        b.f("Chức danh:", "Giám đốc")
    c.fields_row([("Sinh ngày:", b.dnum(owner.dob), "text"), ("Dân tộc:", owner.ethnicity, "text"),
                  ("Quốc tịch:", "Việt Nam", "text")], fracs=[0.45, 0.25, 0.3])
    b.f("Loại giấy tờ pháp lý của cá nhân:", "Căn cước công dân" if owner.id_number else "Chứng minh nhân dân")
    b.f("Số giấy tờ pháp lý của cá nhân:", b.idv(owner.id_number) if owner.id_number else owner.old_id, kind="number")
    c.fields_row([("Ngày cấp:", b.dnum(b.id_issued(owner)), "text"),
                  ("Nơi cấp:", "Cục Cảnh sát QLHC về TTXH", "text")], fracs=[0.4, 0.6])
    b.f("Địa chỉ thường trú:", owner.address)
    b.f("Địa chỉ liên lạc:", owner.address)
    c.space(3)
    c.signature_block(["TRƯỞNG PHÒNG"] if rng.random() < 0.6 else ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"],
                      b.official(), x_frac=(0.5, 1.0), seal_text=b.seal_ring() if household else "PHÒNG ĐĂNG KÝ KINH DOANH")
    return b.done()


# ---------------------------------------------------------------------------------------------
# Citizens' papers: power of attorney, applications, receipts
# ---------------------------------------------------------------------------------------------

def _party_block(b: DocBuilder, heading: str, p: Person) -> None:
    rng = b.rng
    c = b.c
    c.line(heading, bold=True)
    label = rng.choice(["Họ và tên:", "Họ và tên:", "Ông/Bà:", "Họ, chữ đệm, tên:"])
    if rng.random() < 0.5:
        c.fields_row([(label, p.name, "name"), ("sinh ngày", b.dnum(p.dob), "text")], fracs=[0.66, 0.34])
    else:
        b.f(label, p.name, kind="name")
        b.f(_dob_label(rng), b.d(p.dob))
    id_label = rng.choice(["Số CMND/CCCD:", "Số CMND/số căn cước công dân/số hộ chiếu:", "Số định danh cá nhân:",
                           "CCCD số:", "Giấy tờ tùy thân số:"])
    if p.id_number:
        c.fields_row([(id_label, b.idv(p.id_number), "number"), ("cấp ngày", b.dnum(b.id_issued(p)), "text")],
                     fracs=[0.66, 0.34])
    else:
        b.f("Số CMND:", p.old_id, kind="number")
    b.f("Nơi cư trú:", p.address)
    if rng.random() < 0.5:
        b.f("Số điện thoại:", p.phone, kind="number")


def power_of_attorney(ctx: Ctx, grantor: Person | None = None, agent: Person | None = None) -> Doc:
    """Giấy ủy quyền (form 38 of the corpus): grantor (bên ủy quyền) = full_name, agent_name = the
    authorised person; both sign at the bottom; often a certification of the signature."""
    rng = ctx.rng
    grantor = grantor or ctx.people.person(born_between=(1940, 2000))
    agent = agent or ctx.people.person(born_between=(1960, 2004))
    b = DocBuilder(ctx, "power_of_attorney", fills=FORM_FILLS)
    c, o = b.c, b.office
    signed = rand_date(rng, ISSUE_START, ISSUE_END)
    top_date = rng.random() < 0.4
    c.motto_header(None, None, place_date_line(o.place(rng), signed, rng) if top_date else None)
    c.title("GIẤY ỦY QUYỀN", rng.choice([None, "(Dành cho cá nhân)"]))
    if rng.random() < 0.5:
        c.para("Căn cứ Bộ luật Dân sự nước Cộng hòa xã hội chủ nghĩa Việt Nam ngày 24 tháng 11 năm 2015;")
    b.subject(grantor, gender=False)
    b.truth["agent_name"] = agent.name
    b.who("agent", agent)
    b.truth["issue_date"] = signed.isoformat()
    h1, h2 = rng.choice([("I. Người ủy quyền:", "II. Người được ủy quyền:"),
                         ("BÊN ỦY QUYỀN (Bên A):", "BÊN ĐƯỢC ỦY QUYỀN (Bên B):"),
                         ("1. Bên ủy quyền:", "2. Bên nhận ủy quyền:")])
    _party_block(b, h1, grantor)
    _party_block(b, h2, agent)
    c.line("III. Nội dung ủy quyền:", bold=True)
    child = None
    task = rng.choice(["khai sinh", "nhận kết quả", "lương hưu", "cấp bản sao"])
    if task == "khai sinh":
        child = ctx.people.person(born_between=(2020, 2025), with_id=False)
        b.who("child", child)
        body = (f"Người được ủy quyền được thay mặt tôi liên hệ Ủy ban nhân dân {o.ward} để làm thủ tục đăng ký khai "
                f"sinh cho con tôi là {title_vi(child.name)}, sinh ngày {b.dnum(child.dob)}.")
    elif task == "nhận kết quả":
        body = (f"Người được ủy quyền được thay mặt tôi nộp hồ sơ, nhận kết quả giải quyết thủ tục hành chính tại "
                f"Bộ phận tiếp nhận và trả kết quả {o.district}.")
    elif task == "lương hưu":
        body = "Người được ủy quyền được thay mặt tôi nhận lương hưu, trợ cấp bảo hiểm xã hội hằng tháng."
    else:
        body = f"Người được ủy quyền được thay mặt tôi làm thủ tục cấp bản sao trích lục hộ tịch tại Ủy ban nhân dân {o.ward}."
    c.para(body)
    c.line("IV. Thời hạn ủy quyền:", bold=True)
    c.para(f"Kể từ ngày ký đến ngày {b.dnum(signed + dt.timedelta(days=rng.choice([90, 180, 365])))}.")
    c.para("Chúng tôi cam kết chấp hành đúng nội dung ủy quyền như đã nêu ở trên và chịu trách nhiệm trước pháp luật.")
    if not top_date:
        c.line(place_date_line(o.place(rng), signed, rng), align="right", italic=True)
    _signature_row(b, (["NGƯỜI ĐƯỢC ỦY QUYỀN"], agent.name), (["NGƯỜI ỦY QUYỀN"], grantor.name))
    if rng.random() < 0.5:
        b.unscored.add("document_number")
        c.need(c.line_h() * 10)
        c.line("LỜI CHỨNG CỦA NGƯỜI THỰC HIỆN CHỨNG THỰC", align="center", bold=True)
        c.para(f"Ngày {b.dnum(signed)}, tại Ủy ban nhân dân {o.ward_full}, "
               f"{'ông' if grantor.is_male else 'bà'} {grantor.name} đã ký vào giấy ủy quyền này trước mặt tôi. "
               f"Số chứng thực {rng.randint(1, 999)}, quyển số {rng.randint(1, 9):02d}/{signed.year}-SCT/CK,ĐC.")
        c.signature_block(_official_titles(rng), b.official("certifier"), x_frac=(0.5, 1.0), seal_text=b.seal_ring())
    return b.done()


APPLICATION_TITLES = [
    ("ĐƠN ĐỀ NGHỊ", "Về việc cấp lại thẻ bảo hiểm y tế"), ("ĐƠN XIN XÁC NHẬN", "Về việc xác nhận nơi cư trú"),
    ("ĐƠN ĐỀ NGHỊ HỖ TRỢ", None), ("ĐƠN XIN CẤP BẢN SAO GIẤY KHAI SINH", None),
    ("ĐƠN ĐỀ NGHỊ", "V/v xác nhận hoàn cảnh gia đình khó khăn"), ("ĐƠN XIN RÚT HỒ SƠ", None),
    ("ĐƠN KHIẾU NẠI", None), ("ĐƠN ĐỀ NGHỊ CẤP THẺ BẢO HIỂM Y TẾ CHO TRẺ EM DƯỚI 6 TUỔI", None),
    ("ĐƠN XIN XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", None), ("GIẤY ĐỀ NGHỊ", "Về việc giải quyết chế độ trợ cấp mai táng"),
    ("ĐƠN ĐỀ NGHỊ", "Về việc cấp giấy phép xây dựng nhà ở riêng lẻ"),
]


def application_letter(ctx: Ctx, applicant: Person | None = None, beneficiary: Person | None = None,
                       topic: str | None = None) -> Doc:
    """Đơn đề nghị / đơn xin … written by a citizen: 'Tôi tên là' is full_name; a child or other
    person the request is for is beneficiary_name."""
    rng = ctx.rng
    applicant = applicant or ctx.people.person(born_between=(1950, 2004))
    b = DocBuilder(ctx, "application_letter", fills=FORM_FILLS)
    c, o = b.c, b.office
    signed = rand_date(rng, ISSUE_START, ISSUE_END)
    title, sub = rng.choice(APPLICATION_TITLES)
    if topic == "death":
        title, sub = "GIẤY ĐỀ NGHỊ", "Về việc giải quyết chế độ trợ cấp mai táng"
    elif topic == "birth":
        title, sub = "ĐƠN ĐỀ NGHỊ CẤP THẺ BẢO HIỂM Y TẾ CHO TRẺ EM DƯỚI 6 TUỔI", None
    elif topic == "marital":
        title, sub = "ĐƠN XIN XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", None
    elif topic == "building":
        title, sub = "ĐƠN ĐỀ NGHỊ", "Về việc cấp giấy phép xây dựng nhà ở riêng lẻ"
    top_date = rng.random() < 0.35
    c.motto_header(None, None, place_date_line(o.place(rng), signed, rng) if top_date else None)
    c.title(title, sub)
    b.f("Kính gửi:", rng.choice([f"Ủy ban nhân dân {o.ward}", f"Ủy ban nhân dân {o.district}",
                                 f"Bảo hiểm xã hội {o.district}", f"Công an {o.ward}"]))
    b.subject(applicant)
    label = rng.choice(["Tôi tên là:", "Tôi tên là:", "Họ và tên người đề nghị:", "Tôi là:", "Họ tên:",
                        "Họ và tên:", "Tên tôi là:"])
    if rng.random() < 0.4:
        c.fields_row([(label, applicant.name, "name"), ("Sinh ngày:", b.dnum(applicant.dob), "text")], fracs=[0.64, 0.36])
        b.f("Giới tính:", applicant.gender)
    else:
        b.f(label, applicant.name, kind="name")
        c.fields_row([(_dob_label(rng), b.dnum(applicant.dob), "text"), ("Giới tính:", applicant.gender, "text")],
                     fracs=[0.62, 0.38])
    if applicant.id_number:
        b.id_line(rng.choice(["Số định danh cá nhân/CCCD:", "Số CCCD:", "Số CMND/CCCD:", "Căn cước công dân số:",
                              "Số định danh cá nhân:", "Giấy tờ tùy thân số:"]), applicant)
        if rng.random() < 0.4:
            c.fields_row([("Ngày cấp:", b.dnum(b.id_issued(applicant)), "text"),
                          ("Nơi cấp:", "Cục CS QLHC về TTXH", "text")], fracs=[0.4, 0.6])
    else:
        b.f("Số CMND:", applicant.old_id, kind="number")
    b.f(rng.choice(["Nơi thường trú:", "Hộ khẩu thường trú:", "Thường trú tại:", "Địa chỉ:"]), applicant.address)
    b.f("Số điện thoại:", applicant.phone, kind="number")
    if beneficiary is not None or rng.random() < 0.3:
        beneficiary = beneficiary or ctx.people.person(born_between=(2012, 2025), with_id=rng.random() < 0.5)
        b.truth["beneficiary_name"] = beneficiary.name
        b.who("beneficiary", beneficiary)
        rel = "con tôi là" if beneficiary.dob.year > applicant.dob.year + 15 else rng.choice(["người thân của tôi là", "ông/bà"])
        c.para(f"Nay tôi làm đơn này kính đề nghị quý cơ quan xem xét giải quyết cho {rel}:")
        b.f("Họ và tên:", beneficiary.name, kind="name")
        b.f("Sinh ngày:", b.dnum(beneficiary.dob))
        if beneficiary.id_number and rng.random() < 0.6:
            b.f("Số định danh cá nhân:", b.idv(beneficiary.id_number), kind="number")
    else:
        c.para("Nay tôi làm đơn này kính đề nghị quý cơ quan xem xét, giải quyết cho tôi "
               + (sub[0].lower() + sub[1:] if sub else "theo quy định") + ".")
    c.para(rng.choice(["Lý do: " + rng.choice(["thẻ cũ bị mất", "bổ sung hồ sơ vay vốn", "hoàn cảnh gia đình khó khăn",
                                                "làm thủ tục chuyển trường cho con"]) + ".",
                       "Kèm theo đơn gồm: bản sao giấy tờ tùy thân, giấy khai sinh của con."]))
    c.para("Tôi xin cam đoan những lời khai trên là đúng sự thật và xin chịu trách nhiệm trước pháp luật.")
    c.para("Xin chân thành cảm ơn!")
    if not top_date:
        c.line(place_date_line(o.place(rng), signed, rng), align="right", italic=True)
    b.truth["issue_date"] = signed.isoformat()
    if rng.random() < 0.3:
        c.need(c.line_h() * 9)
        y0 = c.page.y
        c.signature_block(["XÁC NHẬN CỦA UBND " + o.ward.upper()] if rng.random() < 0.5 else ["XÁC NHẬN CỦA", "ỦY BAN NHÂN DÂN"],
                          b.official("certifier"), x_frac=(0.0, 0.45), seal_text=b.seal_ring(), advance=False)
        c.page.y = y0
    c.signature_block(["NGƯỜI LÀM ĐƠN"] if rng.random() < 0.6 else ["Người đề nghị"], applicant.name,
                      x_frac=(0.55, 1.0), note="(Ký và ghi rõ họ tên)",
                      name_by_hand=b.style.fill == "dots" or rng.random() < 0.4)
    return b.done()


RECEIPT_REQUESTS = ["Đăng ký khai sinh", "Cấp bản sao trích lục hộ tịch", "Đăng ký kết hôn",
                    "Xác nhận tình trạng hôn nhân", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Đăng ký hộ kinh doanh",
                    "Chứng thực chữ ký", "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "Đăng ký khai tử"]


def dossier_receipt(ctx: Ctx, citizen: Person | None = None, request: str | None = None) -> Doc:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (one-stop counter receipt): full_name = the citizen
    whose dossier was received; the receiving official signs on the right (receiver_name)."""
    rng = ctx.rng
    citizen = citizen or ctx.people.person(born_between=(1950, 2004))
    b = DocBuilder(ctx, "dossier_receipt", kind=rng.choice(["serif", "sans"]),
                   fill=_pick(rng, [("inline", 0.6), ("typed_dots", 0.25), ("dots_typed", 0.15)]))
    c, o = b.c, b.office
    received = rand_date(rng, ISSUE_START, ISSUE_END)
    due = received + dt.timedelta(days=rng.choice([3, 5, 7, 10, 15]))
    agency = [f"ỦY BAN NHÂN DÂN {o.district.upper()}" if rng.random() < 0.5 else f"ỦY BAN NHÂN DÂN {o.ward.upper()}",
              "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"]
    number = rng.random() < 0.4
    doc_no = f"{rng.randint(1, 9999)}/TNHS" if number else None
    c.motto_header(agency, f"Số: {doc_no}" if number else None, place_date_line(o.place(rng), received, rng))
    c.title("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    code = f"000.{rng.randint(0, 99):02d}.{rng.randint(10, 40)}.H29-{received:%y%m%d}-{rng.randint(1, 9999):04d}"
    b.f("Mã hồ sơ:", code, kind="number")
    b.truth["dossier_code"] = code
    if doc_no:
        b.truth["document_number"] = doc_no
    b.truth["issue_date"] = received.isoformat()
    c.para(f"Bộ phận tiếp nhận và trả kết quả {o.ward if 'PHƯỜNG' in agency[0] else o.district}")
    b.subject(citizen, dob=False, gender=False, id_number=False)
    prefix = rng.choice(["Ông/Bà", "Ông" if citizen.is_male else "Bà", ""])
    b.f("Tiếp nhận hồ sơ của:", f"{prefix} {citizen.name}".strip(), kind="name")
    if rng.random() < 0.5 and citizen.id_number:
        b.id_line(rng.choice(["Số CCCD:", "Số định danh cá nhân:", "Số giấy tờ tùy thân:"]), citizen, allow_boxes=False)
        b.truth["id_number"] = citizen.id_number
    b.f("Địa chỉ:", citizen.address)
    b.f("Số điện thoại:", citizen.phone, kind="number")
    b.f("Nội dung yêu cầu giải quyết:", request or rng.choice(RECEIPT_REQUESTS))
    c.line("1. Thành phần hồ sơ nộp gồm:")
    docs = rng.sample(["Tờ khai theo mẫu", "Giấy chứng sinh", "Bản sao Căn cước công dân", "Giấy ủy quyền",
                       "Giấy xác nhận thông tin về cư trú", "Giấy chứng nhận quyền sử dụng đất (bản sao)",
                       "Bản vẽ thiết kế", "Giấy báo tử"], k=rng.randint(2, 4))
    c.table(["STT", "Tên giấy tờ", "Hình thức", "Ghi chú"],
            [[str(i), d, rng.choice(["Bản chính", "Bản sao", "Bản sao chứng thực"]), ""] for i, d in enumerate(docs, 1)],
            [0.08, 0.52, 0.25, 0.15])
    b.f("2. Số lượng hồ sơ:", f"{rng.randint(1, 2):02d} (bộ)")
    b.f("3. Thời gian giải quyết hồ sơ theo quy định là:", f"{(due - received).days:02d} ngày làm việc")
    b.f("4. Thời gian nhận hồ sơ:", f"{rng.randint(7, 16):02d} giờ {rng.randint(0, 59):02d} phút, ngày {b.dnum(received)}")
    b.f("5. Thời gian trả kết quả giải quyết hồ sơ:", f"{rng.randint(7, 16):02d} giờ {rng.randint(0, 59):02d} phút, ngày {b.dnum(due)}")
    b.f("6. Đăng ký nhận kết quả tại:", rng.choice(["Bộ phận tiếp nhận và trả kết quả", "Qua dịch vụ bưu chính công ích"]))
    c.space(2)
    receiver = ctx.people.person(born_between=(1970, 1998))
    b.truth["receiver_name"] = receiver.name
    b.who("receiver", receiver.name)
    _signature_row(b, (["NGƯỜI NỘP HỒ SƠ"], citizen.name), (["NGƯỜI TIẾP NHẬN HỒ SƠ"], receiver.name))
    return b.done()


# ---------------------------------------------------------------------------------------------
# Administrative documents (Decree 30/2020): decisions and notices
# ---------------------------------------------------------------------------------------------

GROUNDS = [
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của "
    "Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;"),
    ("Căn cứ Luật Xử lý vi phạm hành chính ngày 20 tháng 6 năm 2012; Luật sửa đổi, bổ sung một số điều của Luật Xử lý "
    "vi phạm hành chính ngày 13 tháng 11 năm 2020;"),
    ("Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15 tháng 3 năm 2021 của Chính phủ quy định chính sách trợ giúp xã hội "
    "đối với đối tượng bảo trợ xã hội;"),
    ("Căn cứ Nghị định số 123/2015/NĐ-CP ngày 15 tháng 11 năm 2015 của Chính phủ quy định chi tiết một số điều và "
    "biện pháp thi hành Luật Hộ tịch;"),
    "Căn cứ Luật Cư trú ngày 13 tháng 11 năm 2020;",
]


def decision(ctx: Ctx, citizen: Person | None | str = "auto") -> Doc:
    """Quyết định of the district People's Committee. Most decide on one citizen (social allowance,
    administrative fine): full_name = that citizen; the rest decide on no one (full_name absent)."""
    rng = ctx.rng
    if citizen == "auto":
        citizen = ctx.people.person(born_between=(1935, 2004)) if rng.random() < 0.72 else None
    b = DocBuilder(ctx, "decision", fill=_pick(rng, [("inline", 0.85), ("typed_dots", 0.15)]))
    c, o = b.c, b.office
    issued = rand_date(rng, ISSUE_START, ISSUE_END)
    n = rng.randint(1, 4999)
    kind = rng.choice(["allowance", "fine"]) if citizen else "none"
    doc_no = {"allowance": f"{n}/QĐ-UBND", "fine": rng.choice([f"{n}/QĐ-XPHC", f"{n}/QĐ-XPVPHC"]),
              "none": f"{n}/QĐ-UBND"}[kind]
    c.motto_header(o.district_header(rng) if kind != "fine" or rng.random() < 0.5 else o.ward_header(rng),
                   f"Số: {doc_no}", place_date_line(o.place(rng), issued, rng))
    b.truth["document_number"] = doc_no
    b.truth["issue_date"] = issued.isoformat()
    subjects = {"allowance": "Về việc trợ cấp xã hội hằng tháng", "fine": "Xử phạt vi phạm hành chính",
                "none": rng.choice(["Về việc ban hành Kế hoạch cải cách hành chính năm " + str(issued.year),
                                    "Về việc ban hành Quy chế tiếp công dân", "Về việc phê duyệt danh mục thủ tục hành chính"])}
    c.title("QUYẾT ĐỊNH", subjects[kind] if kind != "fine" else ("Xử phạt vi phạm hành chính" if rng.random() < 0.5 else None))
    c.line(f"CHỦ TỊCH ỦY BAN NHÂN DÂN {o.district.upper()}", align="center", bold=True)
    c.space(2)
    c.para(GROUNDS[0], italic=True)
    c.para(GROUNDS[{"allowance": 2, "fine": 1, "none": 4}[kind]], italic=True)
    proposer_date = issued - dt.timedelta(days=rng.randint(3, 20))
    c.para(f"Xét đề nghị của Trưởng phòng {rng.choice(['Lao động - Thương binh và Xã hội', 'Tư pháp', 'Nội vụ'])} tại "
           f"Tờ trình số {rng.randint(1, 999)}/TTr-PLĐ ngày {proposer_date.day} tháng {proposer_date.month} năm {proposer_date.year}.",
           italic=True)
    c.line("QUYẾT ĐỊNH:", align="center", bold=True)
    if kind == "allowance":
        b.subject(citizen, gender=False)
        who = ("ông " if citizen.is_male else "bà ") + (title_vi(citizen.name) if rng.random() < 0.6 else citizen.name)
        idpart = f", số định danh cá nhân {b.idv(citizen.id_number)}" if citizen.id_number else ""
        if not citizen.id_number:
            b.truth.pop("id_number", None)
        c.para(f"Điều 1. Trợ cấp xã hội hằng tháng đối với {who}, sinh ngày {b.dnum(citizen.dob)}{idpart}; "
               f"thường trú tại {citizen.address}; mức trợ cấp hằng tháng là {rng.choice(['500.000', '750.000', '1.000.000'])} "
               f"đồng, kể từ ngày {b.dnum(issued + dt.timedelta(days=30))}.")
        b.unscored.add("gender")
        c.para("Điều 2. Giao Phòng Lao động - Thương binh và Xã hội phối hợp Ủy ban nhân dân phường thực hiện chi trả "
               "theo đúng quy định.")
        c.para(f"Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân quận, Trưởng phòng Lao động - Thương binh "
               f"và Xã hội, Chủ tịch Ủy ban nhân dân {o.ward} và {who} chịu trách nhiệm thi hành Quyết định này./.")
    elif kind == "fine":
        b.subject(citizen)
        c.line("Điều 1. Xử phạt vi phạm hành chính đối với:")
        b.f(rng.choice(["Ông/bà:", "Họ và tên:", "Ông (bà):"]), citizen.name, kind="name")
        b.f("Giới tính:", citizen.gender)
        b.f("Ngày, tháng, năm sinh:", b.dnum(citizen.dob))
        b.f("Quốc tịch:", "Việt Nam")
        b.f("Nghề nghiệp:", rng.choice(["Kinh doanh", "Lao động tự do", "Tài xế", "Công nhân"]))
        b.f("Nơi ở hiện tại:", citizen.address)
        if citizen.id_number:
            b.f("Số định danh cá nhân/CCCD/Hộ chiếu:", b.idv(citizen.id_number), kind="number")
            c.fields_row([("Ngày cấp:", b.dnum(b.id_issued(citizen)), "text"),
                          ("Nơi cấp:", "Cục CS QLHC về TTXH", "text")], fracs=[0.4, 0.6])
        else:
            b.f("Số CMND:", citizen.old_id, kind="number")
        c.para(f"Đã thực hiện hành vi vi phạm hành chính: {rng.choice(['Sử dụng lòng đường, vỉa hè trái phép', 'Xây dựng không phép', 'Gây mất trật tự công cộng'])}; "
               f"mức phạt: {rng.choice(['2.000.000', '3.500.000', '7.500.000'])} đồng.")
        c.para(f"Điều 2. Quyết định này được giao cho {'ông' if citizen.is_male else 'bà'} {citizen.name} để chấp hành. "
               "Trong thời hạn 10 ngày kể từ ngày nhận được Quyết định phải nộp tiền phạt tại Kho bạc Nhà nước.")
        c.para("Điều 3. Quyết định này có hiệu lực kể từ ngày ký./.")
    else:
        c.para("Điều 1. Ban hành kèm theo Quyết định này nội dung nêu trên, áp dụng đối với các cơ quan, đơn vị "
               f"thuộc Ủy ban nhân dân {o.district}.")
        c.para("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")
        c.para("Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân quận, Thủ trưởng các phòng, ban và Chủ "
               "tịch Ủy ban nhân dân các phường chịu trách nhiệm thi hành Quyết định này./.")
    c.space(2)
    c.need(c.line_h() * 9)
    y0 = c.page.y
    c.line("Nơi nhận:", bold=True, italic=True, size_pt=b.style.size_pt - 1)
    for t in ["- Như Điều 3;", "- Lưu: VT."]:
        c.line(t, size_pt=b.style.size_pt - 2)
    c.page.y = y0
    c.signature_block(_official_titles(rng), b.official(), x_frac=(0.5, 1.0), seal_text=b.seal_ring())
    b.meta["variant"] = kind
    return b.done()


def notice(ctx: Ctx, citizen: Person | None | str = "auto") -> Doc:
    """Thông báo of the ward: about one citizen's dossier (full_name) or to the public (none)."""
    rng = ctx.rng
    if citizen == "auto":
        citizen = ctx.people.person(born_between=(1940, 2004)) if rng.random() < 0.65 else None
    b = DocBuilder(ctx, "notice", fill=_pick(rng, [("inline", 0.85), ("typed_dots", 0.15)]))
    c, o = b.c, b.office
    issued = rand_date(rng, ISSUE_START, ISSUE_END)
    doc_no = rng.choice([f"{rng.randint(1, 999)}/TB-UBND", f"{rng.randint(1, 999)}/TB-UBND-TP"])
    c.motto_header(o.ward_header(rng), f"Số: {doc_no}", place_date_line(o.place(rng), issued, rng))
    b.truth["document_number"] = doc_no
    b.truth["issue_date"] = issued.isoformat()
    if citizen:
        c.title("THÔNG BÁO", rng.choice(["Về việc hồ sơ chưa đủ điều kiện giải quyết", "Về việc bổ sung hồ sơ",
                                         "Kết quả giải quyết hồ sơ"]))
        b.subject(citizen, gender=False, dob=False)
        received = issued - dt.timedelta(days=rng.randint(2, 20))
        honor = "ông" if citizen.is_male else "bà"
        b.unscored.add("gender")
        shown = title_vi(citizen.name) if rng.random() < 0.5 else citizen.name
        year_only = rng.random() < 0.5
        born = f"sinh năm {citizen.dob.year}" if year_only else f"sinh ngày {b.dnum(citizen.dob)}"
        if not year_only:
            b.truth["date_of_birth"] = citizen.dob.isoformat()
        else:
            b.unscored.add("date_of_birth")
        idpart = f", CCCD số {b.idv(citizen.id_number)}" if citizen.id_number else ""
        if not citizen.id_number:
            b.truth.pop("id_number", None)
        c.para(f"Ngày {received.day} tháng {received.month} năm {received.year}, Ủy ban nhân dân {o.ward} nhận được hồ sơ của "
               f"{honor} {shown}, {born}{idpart}, thường trú tại {citizen.address}, đề nghị "
               f"{rng.choice(RECEIPT_REQUESTS).lower()}.")
        c.para(f"Sau khi xem xét, Ủy ban nhân dân {o.ward} thông báo đến {honor} {shown} như sau: hồ sơ chưa đủ thành "
               f"phần theo quy định, đề nghị {honor} bổ sung {rng.choice(['bản sao giấy tờ tùy thân', 'giấy xác nhận cư trú', 'bản vẽ thiết kế'])} "
               f"trong thời hạn {rng.choice([5, 10, 15])} ngày làm việc kể từ ngày nhận được Thông báo này.")
        c.para(f"Ủy ban nhân dân {o.ward} thông báo để {honor} {shown} được biết và thực hiện./.")
        b.meta["variant"] = "citizen"
    else:
        c.title("THÔNG BÁO", rng.choice([f"Lịch tiếp công dân định kỳ năm {issued.year}",
                                         "Về việc tạm ngưng tiếp nhận hồ sơ trực tiếp",
                                         "Về việc niêm yết công khai thủ tục hành chính"]))
        c.para(f"Thực hiện Luật Tiếp công dân ngày 25 tháng 11 năm 2013, Ủy ban nhân dân {o.ward} thông báo đến các cơ "
               f"quan, tổ chức và người dân trên địa bàn nội dung như sau:")
        for i in range(1, rng.randint(3, 5)):
            c.para(f"{i}. " + rng.choice(["Thời gian: các ngày làm việc trong tuần, buổi sáng từ 7 giờ 30 đến 11 giờ 30.",
                                          "Địa điểm: Trụ sở Ủy ban nhân dân phường, Bộ phận tiếp nhận và trả kết quả.",
                                          "Người dân có thể nộp hồ sơ trực tuyến qua Cổng Dịch vụ công quốc gia.",
                                          "Mọi thắc mắc xin liên hệ Văn phòng Ủy ban nhân dân phường trong giờ hành chính."]))
        c.para(f"Ủy ban nhân dân {o.ward} thông báo để các cơ quan, tổ chức và người dân biết, thực hiện./.")
        b.meta["variant"] = "public"
    c.space(2)
    c.need(c.line_h() * 9)
    y0 = c.page.y
    c.line("Nơi nhận:", bold=True, italic=True, size_pt=b.style.size_pt - 1)
    for t in ["- Như trên;", "- Lưu: VT."]:
        c.line(t, size_pt=b.style.size_pt - 2)
    c.page.y = y0
    c.signature_block(_official_titles(rng), b.official(), x_frac=(0.5, 1.0), seal_text=b.seal_ring())
    return b.done()


BUILDERS = {
    "birth_certificate": birth_certificate,
    "birth_registration_form": birth_registration_form,
    "marriage_certificate": marriage_certificate,
    "marital_status_certificate": marital_status_certificate,
    "death_certificate": death_certificate,
    "citizen_id_card": citizen_id_card,
    "residence_confirmation": residence_confirmation,
    "land_use_certificate": land_use_certificate,
    "construction_permit": construction_permit,
    "business_registration": business_registration,
    "power_of_attorney": power_of_attorney,
    "application_letter": application_letter,
    "dossier_receipt": dossier_receipt,
    "decision": decision,
    "notice": notice,
}
