"""Labelled documents of every catalog type, for training the classifier and for evaluation.

    python3 tools/make_labelled_set.py            # writes pipeline/data/labelled_examples.jsonl.gz
    python3 tools/make_labelled_set.py --no-ocr   # the same without the OCR'd share (faster)

Every type is written in three wordings (WORDINGS: titles, labels, field order, date
formats and body sentences differ). Wordings 0 and 1 with seeds from TRAIN_SEEDS make the
training examples shipped with dossier; wording 2 with seeds from EVAL_SEEDS is kept for
bench/eval_classify.py, so the evaluation measures documents whose wording and people the
classifier never saw. A share of the training documents is rendered, degraded like a scan
and OCR'd with the pipeline's own read stage, so the model also learns what OCR noise looks
like. All people are invented (tools/citizens.py).

`build(type_id, wording, seed)` returns one LabelledDoc (rendered pages with ground-truth
text, the fields printed on it); `documents(split)` the whole train, dev or eval list;
`degrade` and `ocr_pages` turn one into what the pipeline reads from a scan of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

if __package__ in (None, ""):  # run as a script: make "tools" and "pipeline" importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools import scanlib as sl  # noqa: E402
from tools.citizens import (  # noqa: E402
    AGENCY_CODES,
    CITY,
    Citizen,
    date_line,
    date_text,
    date_words,
    document_number,
    dossier_code,
    make_child,
    make_citizen,
    upper_vi,
)
from tools.scanlib import B, Run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "pipeline" / "data" / "labelled_examples.jsonl.gz"
DPI = 150  # enough for Tesseract on 13 pt text, and fast to render
TRAIN_WORDINGS = (0, 1)
EVAL_WORDING = 2
TRAIN_SEEDS = range(0, 14)
DEV_SEEDS = range(1000, 1006)  # held-out wording, looked at while developing the rules
EVAL_SEEDS = range(2000, 2008)  # held-out wording and people, only ever run by bench/eval_classify.py
OCR_TRAIN_SEEDS = range(0, 1)  # of each train wording and type: rendered, degraded and OCR'd


@dataclass
class LabelledDoc:
    type: str
    wording: int
    seed: int
    pages: list[sl.RenderedPage]
    fields: dict[str, str]

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)

    @property
    def key(self) -> str:
        return f"{self.type}/w{self.wording}/s{self.seed}"


def pick(wording: int, *options):
    """The option of this wording: every list has three, the third only ever seen in evaluation."""
    return options[wording % len(options)]


def iso(day: dt.date) -> str:
    return day.isoformat()


def fmt_date(day: dt.date, wording: int) -> str:
    return pick(wording, day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"), date_text(day))


def place(c: Citizen) -> str:
    return c.address.district_name


def person(rng: random.Random, **kw) -> Citizen:
    return make_citizen(rng, **kw)


def officer(rng: random.Random) -> Citizen:
    return make_citizen(rng, born=(dt.date(1965, 1, 1), dt.date(1990, 12, 31)))


def recent(rng: random.Random) -> dt.date:
    return dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))


def continuation(rng: random.Random, *, page_number: bool = False) -> list[sl.Element]:
    """A page break in a third of the documents: their pages after the first carry no title.

    Administrative documents number their pages from the second on, at the top (Decree 30/2020).
    """
    if rng.random() >= 1 / 3:
        return []
    return [sl.page_break(), *([sl.center("2")] if page_number else [])]


def motto() -> list[sl.Element]:
    return sl.national_header()


def agency_header(upper: str, lower: str, number: str | None, day_line: str | None) -> list[sl.Element]:
    left = ([sl.center(upper)] if upper else []) + [sl.center(lower, bold=True, rule_mm=24)]
    out: list[sl.Element] = [sl.columns(left, sl.national_header(), split=0.42)]
    if number or day_line:
        out.append(sl.columns([sl.center(f"Số: {number}")] if number else [],
                              [sl.center(day_line, italic=True)] if day_line else [], split=0.42, space_before_pt=4))
    return out


def ward_agency(c: Citizen, kind: str = "ỦY BAN NHÂN DÂN") -> tuple[str, str]:
    return f"{kind} {upper_vi(c.address.district)}", f"{kind} {upper_vi(c.address.ward)}"


def signature(role: str, name: str, seed: int, position: str | None = None) -> sl.Columns:
    return sl.signature_block(role, name, note="", seed=seed, position=position, split=0.45, space_before_pt=6)


def f(label: str, value: str, **kw) -> sl.Line:
    return sl.field(label, value, **kw)


NAME = ("Họ, chữ đệm, tên", "Họ và tên", "Họ, chữ đệm và tên")
DOB = ("Ngày, tháng, năm sinh", "Sinh ngày", "Ngày sinh")
IDL = ("Số định danh cá nhân", "Số CCCD", "Số căn cước công dân")
ADDR = ("Nơi thường trú", "Nơi cư trú", "Địa chỉ thường trú")


# --- citizen records --------------------------------------------------------------------


def birth_certificate(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    father = person(rng, gender="Nam", born=(dt.date(1980, 1, 1), dt.date(1995, 12, 31)))
    mother = person(rng, gender="Nữ", born=(dt.date(1982, 1, 1), dt.date(1998, 12, 31)), address=father.address)
    child = make_child(rng, father=father, mother=mother, born=(dt.date(2005, 1, 1), dt.date(2024, 6, 30)))
    registered = child.date_of_birth + dt.timedelta(days=rng.randint(5, 50))
    number = document_number(rng, registered.year, pick(w, "KS", "TLKS", "KS-BS"))
    els = [sl.graphic("emblem", 18, 18), *motto(),
           sl.title(pick(w, "GIẤY KHAI SINH", "TRÍCH LỤC KHAI SINH", "BẢN SAO GIẤY KHAI SINH"), size_pt=16),
           sl.row((0.0, [Run("Số: "), B(number)]), space_before_pt=6),
           f(pick(w, "Họ, chữ đệm, tên", "Họ, chữ đệm, tên", "Họ và tên"), child.full_name),
           f(DOB[w], fmt_date(child.date_of_birth, w)),
           f("Ghi bằng chữ", date_words(child.date_of_birth), bold_value=False),
           sl.field_row((0.0, "Giới tính", child.gender), (0.32, "Dân tộc", child.ethnicity),
                        (0.62, "Quốc tịch", child.nationality)),
           f("Nơi sinh", pick(w, "Bệnh viện Hùng Vương", "Bệnh viện Từ Dũ", "Bệnh viện Phụ sản Mê Kông")
             + f", {CITY}", bold_value=False),
           f("Quê quán", father.hometown_full, bold_value=False),
           f(IDL[w], child.id_number),
           f(pick(w, "Họ, chữ đệm, tên người mẹ", "Họ và tên mẹ", "Họ, chữ đệm, tên của mẹ"), mother.full_name),
           f("Năm sinh", str(mother.date_of_birth.year)),
           f(pick(w, "Họ, chữ đệm, tên người cha", "Họ và tên cha", "Họ, chữ đệm, tên của cha"), father.full_name),
           f("Năm sinh", str(father.date_of_birth.year)),
           f("Nơi cư trú", father.address.full, bold_value=False),
           f(pick(w, "Họ, chữ đệm, tên người đi khai sinh", "Người đi khai sinh", "Họ, chữ đệm, tên người đi khai sinh"),
             father.full_name),
           f("Giấy tờ tùy thân", f"Căn cước công dân số {father.id_number}", bold_value=False),
           f("Nơi đăng ký khai sinh", f"Ủy ban nhân dân {child.address.ward}, {child.address.district}", bold_value=False),
           f(pick(w, "Ngày, tháng, năm đăng ký", "Ngày đăng ký", "Ngày, tháng, năm đăng ký"), fmt_date(registered, w)),
           sl.date_right(date_line(place(child), registered)),
           signature("NGƯỜI KÝ GIẤY KHAI SINH", officer(rng).name, seed, "PHÓ CHỦ TỊCH")]
    fields = {"full_name": child.full_name, "date_of_birth": iso(child.date_of_birth), "gender": child.gender,
              "id_number": child.id_number, "document_number": number, "issue_date": iso(registered)}
    return doc("birth_certificate", w, seed, els, fields)


def birth_registration_form(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    father = person(rng, gender="Nam", born=(dt.date(1985, 1, 1), dt.date(1998, 12, 31)))
    mother = person(rng, gender="Nữ", born=(dt.date(1987, 1, 1), dt.date(2000, 12, 31)), address=father.address)
    child = make_child(rng, father=father, mother=mother, born=(dt.date(2023, 1, 1), dt.date(2024, 12, 31)))
    requester = pick(w, father, mother, father)
    day = child.date_of_birth + dt.timedelta(days=rng.randint(3, 40))
    a = requester.address
    els = [*motto(), sl.title(pick(w, "TỜ KHAI ĐĂNG KÝ KHAI SINH", "TỜ KHAI ĐĂNG KÝ KHAI SINH",
                                   "TỜ KHAI ĐĂNG KÝ LẠI KHAI SINH"), size_pt=15, space_before_pt=14),
           f("Kính gửi", f"Ủy ban nhân dân {a.ward}, {a.district}", bold_value=False),
           f(pick(w, "Họ, chữ đệm, tên người yêu cầu", "Họ, chữ đệm, tên người yêu cầu", "Họ và tên người yêu cầu"),
             requester.full_name),
           f("Nơi cư trú", a.full, bold_value=False),
           f("Giấy tờ tùy thân", f"Căn cước công dân số {requester.id_number}", bold_value=False),
           f("Quan hệ với người được khai sinh", pick(w, "Cha", "Mẹ", "Cha"), bold_value=False),
           sl.para(pick(w, "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
                        "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
                        "Đề nghị đăng ký khai sinh cho người có tên dưới đây:"), bold=True, space_before_pt=4),
           f(pick(w, "Họ, chữ đệm, tên", "Họ, chữ đệm, tên", "Họ và tên"), child.full_name),
           f(DOB[w], fmt_date(child.date_of_birth, w)),
           sl.field_row((0.0, "Giới tính", child.gender), (0.32, "Dân tộc", child.ethnicity),
                        (0.62, "Quốc tịch", child.nationality)),
           f("Nơi sinh", f"Bệnh viện Hùng Vương, {CITY}", bold_value=False),
           f("Họ, chữ đệm, tên người mẹ", mother.full_name, bold_value=False),
           f("Họ, chữ đệm, tên người cha", father.full_name, bold_value=False),
           sl.para("Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận "
                   "nhất trí của các bên liên quan theo quy định pháp luật.", first_indent_mm=10),
           sl.date_right(f"Làm tại: {date_line(place(requester), day)}"),
           sl.signature_block("Người yêu cầu", requester.name, note="(Ký, ghi rõ họ, chữ đệm, tên)", seed=seed)]
    fields = {"full_name": child.full_name, "date_of_birth": iso(child.date_of_birth), "gender": child.gender,
              "agent_name": requester.full_name, "issue_date": iso(day)}
    return doc("birth_registration_form", w, seed, els, fields)


def marriage_certificate(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    husband = person(rng, gender="Nam", born=(dt.date(1975, 1, 1), dt.date(1998, 12, 31)))
    wife = person(rng, gender="Nữ", born=(dt.date(1978, 1, 1), dt.date(2000, 12, 31)))
    day = recent(rng)
    number = document_number(rng, day.year, pick(w, "KH", "ĐKKH", "KH-BS"))
    els: list[sl.Element] = [sl.graphic("emblem", 18, 18), *motto(),
                             sl.title(pick(w, "GIẤY CHỨNG NHẬN KẾT HÔN", "GIẤY CHỨNG NHẬN KẾT HÔN",
                                           "TRÍCH LỤC KẾT HÔN"), size_pt=16),
                             sl.row((0.0, [Run("Số: "), B(number)]))]
    if w == 0:
        rows = [("", "Thông tin người chồng", "Thông tin người vợ"),
                ("Họ, chữ đệm, tên:", husband.full_name, wife.full_name),
                ("Ngày, tháng, năm sinh:", fmt_date(husband.date_of_birth, w), fmt_date(wife.date_of_birth, w)),
                ("Dân tộc:", husband.ethnicity, wife.ethnicity),
                ("Giấy tờ tùy thân:", f"CCCD số {husband.id_number}", f"CCCD số {wife.id_number}")]
        els.append(sl.table(rows, (0.27, 0.365, 0.365), size_pt=12.5, borders=False, align_header="left"))
    else:
        for heading, c in ((pick(w, "", "THÔNG TIN NGƯỜI CHỒNG", "BÊN CHỒNG"), husband),
                           (pick(w, "", "THÔNG TIN NGƯỜI VỢ", "BÊN VỢ"), wife)):
            els += [sl.para(heading, bold=True, space_before_pt=4),
                    f(NAME[w], c.full_name), f(DOB[w], fmt_date(c.date_of_birth, w)),
                    f("Dân tộc", c.ethnicity, bold_value=False),
                    f(IDL[w], c.id_number), f("Nơi cư trú", c.address.full, bold_value=False)]
    els += [f("Nơi đăng ký kết hôn", f"Ủy ban nhân dân {husband.address.ward}, {husband.address.district}",
              bold_value=False),
            f("Ngày, tháng, năm đăng ký", fmt_date(day, w)),
            sl.date_right(date_line(place(husband), day)),
            signature("NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN", officer(rng).name, seed, "CHỦ TỊCH")]
    fields = {"full_name": husband.full_name, "spouse_name": wife.full_name,
              "date_of_birth": iso(husband.date_of_birth), "id_number": husband.id_number,
              "document_number": number, "issue_date": iso(day)}
    if w:
        fields["address"] = husband.address.full
    return doc("marriage_certificate", w, seed, els, fields)


def marital_status_certificate(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    c = person(rng, born=(dt.date(1975, 1, 1), dt.date(2002, 12, 31)))
    day = recent(rng)
    number = document_number(rng, 0, pick(w, "XNTTHN", "UBND-XNTTHN", "TP/HT"))
    upper, lower = ward_agency(c)
    els = [*agency_header(upper, lower, number, date_line(place(c), day)),
           sl.title(pick(w, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
                         "XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"), size_pt=15),
           sl.center("XÁC NHẬN:", bold=True),
           f(NAME[w], c.full_name), f(DOB[w], fmt_date(c.date_of_birth, w)),
           sl.field_row((0.0, "Giới tính", c.gender), (0.32, "Dân tộc", c.ethnicity), (0.62, "Quốc tịch", c.nationality)),
           f(IDL[w], c.id_number),
           f(pick(w, "Nơi cư trú", "Nơi thường trú", "Nơi cư trú"), c.address.full, bold_value=False),
           f("Tình trạng hôn nhân", pick(w, "Chưa đăng ký kết hôn với ai.", "Hiện tại chưa đăng ký kết hôn với ai.",
                                         "Độc thân, chưa đăng ký kết hôn.")),
           f(pick(w, "Giấy này được cấp để", "Mục đích sử dụng", "Giấy này được cấp để"),
             pick(w, "Làm thủ tục đăng ký kết hôn", "Bổ sung hồ sơ vay vốn", "Làm thủ tục mua bán nhà đất"),
             bold_value=False),
           sl.para(pick(w, "Giấy này có giá trị sử dụng trong thời hạn 06 tháng, kể từ ngày cấp.",
                        "Giấy xác nhận có giá trị 06 tháng kể từ ngày cấp.",
                        "Giấy có giá trị sử dụng trong thời hạn 06 tháng."), italic=True),
           signature("KT. CHỦ TỊCH", officer(rng).name, seed, "PHÓ CHỦ TỊCH")]
    fields = {"full_name": c.full_name, "date_of_birth": iso(c.date_of_birth), "gender": c.gender,
              "id_number": c.id_number, "address": c.address.full, "document_number": number, "issue_date": iso(day)}
    return doc("marital_status_certificate", w, seed, els, fields)


def death_certificate(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    c = person(rng, born=(dt.date(1930, 1, 1), dt.date(1960, 12, 31)))
    kin = person(rng, address=c.address, born=(dt.date(1960, 1, 1), dt.date(1985, 12, 31)))
    died = recent(rng)
    day = died + dt.timedelta(days=rng.randint(1, 10))
    number = document_number(rng, 0, pick(w, "TLKT-BS", "KT", "TLKT"))
    els: list[sl.Element] = [*agency_header(*ward_agency(c), None, None)] if w != 2 else [*motto()]
    if w != 2:
        els.append(sl.row((0.0, [Run("Số: "), B(number)]), space_before_pt=6))
    els.append(sl.title(pick(w, "TRÍCH LỤC KHAI TỬ", "GIẤY CHỨNG TỬ", "TỜ KHAI ĐĂNG KÝ KHAI TỬ"), size_pt=16))
    if w == 2:
        els += [f("Kính gửi", f"Ủy ban nhân dân {c.address.ward}, {c.address.district}", bold_value=False),
                f("Họ, chữ đệm, tên người yêu cầu", kin.full_name),
                f("Giấy tờ tùy thân", f"Căn cước công dân số {kin.id_number}", bold_value=False),
                f("Quan hệ với người đã chết", "Con", bold_value=False),
                sl.para("Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:", bold=True)]
    els += [f(NAME[0] if w != 1 else NAME[1], c.full_name), f(DOB[w], fmt_date(c.date_of_birth, w)),
            sl.field_row((0.0, "Giới tính", c.gender), (0.32, "Dân tộc", c.ethnicity), (0.62, "Quốc tịch", c.nationality)),
            f(IDL[w], c.id_number),
            f(pick(w, "Nơi cư trú cuối cùng", "Nơi cư trú", "Nơi cư trú cuối cùng"), c.address.full, bold_value=False),
            f("Đã chết vào lúc", f"{rng.randint(0, 23):02d} giờ {rng.randint(0, 59):02d} phút, ngày "
                                 f"{died.strftime('%d/%m/%Y')}", bold_value=False),
            f("Nơi chết", pick(w, "Bệnh viện Chợ Rẫy", "Tại nhà riêng", "Bệnh viện Nhân dân 115") + f", {CITY}",
              bold_value=False),
            f("Nguyên nhân chết", pick(w, "Bệnh lý tim mạch", "Tuổi già", "Bệnh hiểm nghèo"), bold_value=False)]
    if w != 2:
        els += [f(pick(w, "Họ, chữ đệm, tên người đi khai tử", "Người đi khai tử", ""), kin.full_name),
                f("Giấy tờ tùy thân", f"Căn cước công dân số {kin.id_number}", bold_value=False),
                f("Ngày, tháng, năm đăng ký", fmt_date(day, w))]
    els += [sl.date_right(date_line(place(c), day)),
            signature("NGƯỜI KÝ TRÍCH LỤC" if w != 2 else "NGƯỜI YÊU CẦU",
                      officer(rng).name if w != 2 else kin.name, seed)]
    fields = {"full_name": c.full_name, "date_of_birth": iso(c.date_of_birth), "gender": c.gender,
              "id_number": c.id_number, "address": c.address.full, "issue_date": iso(day)}
    if w != 2:
        fields["document_number"] = number
    return doc("death_certificate", w, seed, els, fields)


def citizen_id_card(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    """A photocopy of both sides of a card: chip CCCD (0), old CMND (1), 2024 Căn cước card (2)."""
    c = person(rng, born=(dt.date(1960, 1, 1), dt.date(2005, 12, 31)), with_old_id=(w == 1))
    issued = recent(rng)
    small = 10.5
    fl = lambda label, value: sl.field(label, value, size_pt=small)  # noqa: E731
    els: list[sl.Element] = [sl.spacer(10), *sl.national_header(size_pt=small)]
    fields = {"full_name": c.full_name, "date_of_birth": iso(c.date_of_birth), "issue_date": iso(issued)}
    if w == 0:
        els += [sl.center("SOCIALIST REPUBLIC OF VIET NAM", size_pt=9),
                sl.title("CĂN CƯỚC CÔNG DÂN", size_pt=13, space_before_pt=4), sl.center("Citizen Identity Card", size_pt=9),
                fl("Số / No.", c.id_number), fl("Họ và tên / Full name", c.full_name),
                fl("Ngày sinh / Date of birth", c.dob_text),
                sl.field_row((0.0, "Giới tính / Sex", c.gender), (0.45, "Quốc tịch / Nationality", "Việt Nam"),
                             size_pt=small),
                fl("Quê quán / Place of origin", c.hometown_card),
                fl("Nơi thường trú / Place of residence", c.address.short)]
        fields.update(id_number=c.id_number, gender=c.gender, address=c.address.short)
    elif w == 1:
        els += [sl.title("GIẤY CHỨNG MINH NHÂN DÂN", size_pt=13, space_before_pt=4),
                fl("Số", c.old_id_number or ""), fl("Họ tên", c.full_name), fl("Sinh ngày", c.dob_text),
                fl("Nguyên quán", c.hometown_card), fl("Nơi ĐKHK thường trú", c.address.short)]
        fields.update(old_id_number=c.old_id_number or "")
    else:
        els += [sl.title("CĂN CƯỚC", size_pt=13, space_before_pt=4), sl.center("IDENTITY CARD", size_pt=9),
                fl("Số định danh cá nhân / Personal identification number", c.id_number),
                fl("Họ, chữ đệm và tên khai sinh / Full name", c.full_name),
                fl("Ngày, tháng, năm sinh / Date of birth", c.dob_text),
                sl.field_row((0.0, "Giới tính / Sex", c.gender), (0.45, "Quốc tịch / Nationality", "Việt Nam"),
                             size_pt=small)]
        fields.update(id_number=c.id_number, gender=c.gender)
    els += [sl.spacer(12),
            fl(pick(w, "Đặc điểm nhân dạng / Personal identification", "Dấu vết riêng và dị hình",
                    "Nơi cư trú / Place of residence"),
               pick(w, "Nốt ruồi C:1cm trên sau mép phải", "Sẹo chấm C:2cm dưới mắt trái", c.address.short)),
            fl(pick(w, "Ngày, tháng, năm / Date, month, year", "Ngày cấp giấy", "Ngày, tháng, năm cấp / Date of issue"),
               issued.strftime("%d/%m/%Y")),
            sl.center(pick(w, "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", "GIÁM ĐỐC CÔNG AN",
                           "BỘ CÔNG AN"), bold=True, size_pt=9),
            sl.para(Run("Ngón trỏ trái    Ngón trỏ phải"), size_pt=9)]
    if w == 2:
        fields["address"] = c.address.short
    return doc("citizen_id_card", w, seed, els, fields)


def residence_confirmation(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    head = person(rng, born=(dt.date(1960, 1, 1), dt.date(1995, 12, 31)))
    member = person(rng, address=head.address)
    day = recent(rng)
    number = document_number(rng, 0, pick(w, "XN", "XNCT", "CAP-XNCT"))
    els = [*agency_header(*ward_agency(head, "CÔNG AN"), number, date_line(place(head), day)),
           sl.title(pick(w, "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "GIẤY XÁC NHẬN CƯ TRÚ")),
           sl.para(f"Công an {head.address.ward} xác nhận thông tin về cư trú của công dân như sau:"),
           f(f"1. {NAME[w]}", head.full_name),
           f(f"2. {DOB[w]}", fmt_date(head.date_of_birth, w)), f("3. Giới tính", head.gender),
           f(f"4. {IDL[w]}", head.id_number),
           f(pick(w, "5. Nơi thường trú", "5. Nơi thường trú", "5. Nơi ở hiện tại"), head.address.full, bold_value=False),
           f("6. Nơi tạm trú", "Không", bold_value=False),
           f("7. Họ, chữ đệm và tên chủ hộ", head.full_name),
           f("8. Quan hệ với chủ hộ", "Chủ hộ", bold_value=False),
           sl.para("9. Thông tin về thành viên hộ gia đình:"),
           sl.table([("TT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân", "Quan hệ"),
                     ("1", head.full_name, head.dob_text, head.id_number, "Chủ hộ"),
                     ("2", member.full_name, member.dob_text, member.id_number, "Con")], (0.06, 0.3, 0.16, 0.26, 0.22)),
           signature("TRƯỞNG CÔNG AN PHƯỜNG", officer(rng).name, seed)]
    fields = {"full_name": head.full_name, "date_of_birth": iso(head.date_of_birth), "gender": head.gender,
              "id_number": head.id_number, "address": head.address.full, "document_number": number,
              "issue_date": iso(day)}
    return doc("residence_confirmation", w, seed, els, fields)


def land_use_certificate(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    c = person(rng, born=(dt.date(1950, 1, 1), dt.date(1990, 12, 31)))
    day = recent(rng)
    book = f"{pick(w, 'CS', 'CH', 'CT')}{rng.randint(1000, 99999):05d}"
    els = [*motto(),
           sl.title("GIẤY CHỨNG NHẬN", size_pt=16),
           sl.title(pick(w, "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
                         "QUYỀN SỬ DỤNG ĐẤT QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
                         "QUYỀN SỬ DỤNG ĐẤT"), size_pt=13, space_before_pt=2),
           sl.para("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", bold=True),
           f(pick(w, "Người sử dụng đất", "Chủ sử dụng", "Người sử dụng đất"), f"{c.honorific} {c.full_name}"),
           f(pick(w, "Năm sinh", "Năm sinh", "Năm sinh"), str(c.date_of_birth.year)),
           f(pick(w, "Số CCCD", "CCCD số", "Số định danh cá nhân"), c.id_number),
           f(pick(w, "Địa chỉ thường trú", "Địa chỉ", "Địa chỉ thường trú"), c.address.full, bold_value=False),
           sl.para("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True),
           sl.para(f"a) Thửa đất số: {rng.randint(10, 900)}, tờ bản đồ số: {rng.randint(1, 60)};"),
           sl.para(f"b) Địa chỉ: {c.address.street}, {c.address.ward}, {c.address.district};"),
           sl.para(f"c) Diện tích: {rng.randint(40, 300)},{rng.randint(0, 9)} m²;"),
           sl.para(f"d) Hình thức sử dụng: {pick(w, 'Sử dụng riêng', 'Riêng', 'Sử dụng riêng')};"),
           sl.para(f"đ) Mục đích sử dụng: {pick(w, 'Đất ở tại đô thị', 'Đất ở đô thị', 'Đất ở tại đô thị')};"),
           sl.para(f"e) Thời hạn sử dụng: {pick(w, 'Lâu dài', 'Lâu dài', 'Ổn định lâu dài')};"),
           sl.para(f"g) Nguồn gốc sử dụng: {pick(w, 'Nhận chuyển nhượng đất', 'Công nhận QSDĐ', 'Nhà nước giao đất')}."),
           sl.date_right(date_line(place(c), day)),
           signature("TM. ỦY BAN NHÂN DÂN", officer(rng).name, seed, "CHỦ TỊCH"),
           f(pick(w, "Số vào sổ cấp GCN", "Số vào sổ cấp giấy chứng nhận", "Số vào sổ cấp GCN"), book)]
    fields = {"full_name": c.full_name, "id_number": c.id_number, "address": c.address.full,
              "document_number": book, "issue_date": iso(day)}
    return doc("land_use_certificate", w, seed, els, fields)


def construction_permit(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    c = person(rng, born=(dt.date(1955, 1, 1), dt.date(1992, 12, 31)))
    day = recent(rng)
    number = document_number(rng, day.year, pick(w, "GPXD", "GPXD-UBND", "GPXD"))
    els = [*agency_header(f"ỦY BAN NHÂN DÂN {upper_vi(CITY)}", f"ỦY BAN NHÂN DÂN {upper_vi(c.address.district)}",
                          number, date_line(place(c), day)),
           sl.title("GIẤY PHÉP XÂY DỰNG", size_pt=16),
           sl.center(pick(w, "(Sử dụng cho nhà ở riêng lẻ)", "(Cấp cho nhà ở riêng lẻ tại đô thị)",
                          "(Dùng cho nhà ở riêng lẻ)"), italic=True),
           f(pick(w, "1. Cấp cho", "1. Chủ đầu tư", "1. Cấp cho"), f"{c.honorific} {c.full_name}"),
           f(pick(w, "Địa chỉ", "Địa chỉ thường trú", "Địa chỉ"), c.address.full, bold_value=False),
           sl.para("2. Được phép xây dựng công trình: Nhà ở riêng lẻ"),
           sl.para(f"- Vị trí xây dựng: lô đất số {rng.randint(1, 300)}, {c.address.ward}, {c.address.district}"),
           sl.para(f"- Cốt nền xây dựng công trình: +{rng.randint(1, 9)}0 cm"),
           sl.para(f"- Mật độ xây dựng: {rng.randint(60, 95)}%; hệ số sử dụng đất: {rng.randint(2, 6)},{rng.randint(0, 9)}"),
           sl.para(f"- Diện tích xây dựng tầng 1: {rng.randint(40, 150)} m²"),
           sl.para(f"- Tổng diện tích sàn: {rng.randint(100, 500)} m²"),
           sl.para(f"- Chiều cao công trình: {rng.randint(8, 20)},{rng.randint(0, 9)} m; số tầng: {rng.randint(2, 5)}"),
           sl.para("3. Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày cấp."),
           signature("KT. CHỦ TỊCH", officer(rng).name, seed, "PHÓ CHỦ TỊCH")]
    fields = {"full_name": c.full_name, "address": c.address.full, "document_number": number, "issue_date": iso(day)}
    return doc("construction_permit", w, seed, els, fields)


def business_registration(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    c = person(rng, born=(dt.date(1960, 1, 1), dt.date(2000, 12, 31)))
    day = recent(rng)
    tax = f"8{rng.randrange(10**9):09d}"
    shop = pick(w, "Tạp hóa", "Cửa hàng ăn uống", "Tiệm sửa xe") + " " + c.given
    els = [*agency_header(f"ỦY BAN NHÂN DÂN {upper_vi(c.address.district)}", "PHÒNG TÀI CHÍNH - KẾ HOẠCH", None, None),
           sl.title(pick(w, "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
                         "GIẤY CHỨNG NHẬN ĐĂNG KÝ KINH DOANH"), size_pt=15),
           f(pick(w, "Mã số hộ kinh doanh", "Mã số thuế", "Mã số hộ kinh doanh"), tax),
           sl.para(pick(w, "Đăng ký lần đầu", "Đăng ký lần đầu", "Đăng ký thay đổi lần thứ 1") + f", {date_text(day)}"),
           f("1. Tên hộ kinh doanh", shop.upper()),
           f("2. Địa điểm kinh doanh", c.address.full, bold_value=False),
           f("3. Ngành, nghề kinh doanh", pick(w, "Bán lẻ hàng tạp hóa", "Dịch vụ ăn uống", "Sửa chữa xe máy"),
             bold_value=False),
           f("4. Vốn kinh doanh", f"{rng.randint(50, 900)}.000.000 đồng", bold_value=False),
           sl.para(pick(w, "5. Chủ hộ kinh doanh:", "5. Thông tin chủ hộ kinh doanh:",
                        "5. Người đại diện hộ kinh doanh:"), bold=True),
           f(NAME[w], c.full_name), f(DOB[w], fmt_date(c.date_of_birth, w)),
           f(IDL[w], c.id_number), f(ADDR[w], c.address.full, bold_value=False),
           signature("TRƯỞNG PHÒNG", officer(rng).name, seed)]
    fields = {"full_name": c.full_name, "date_of_birth": iso(c.date_of_birth), "id_number": c.id_number,
              "address": c.address.full}
    if w == 1:  # printed as "Mã số thuế"; the household business number of the other wordings is not one
        fields["tax_code"] = tax
    return doc("business_registration", w, seed, els, fields)


def power_of_attorney(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    p = person(rng, born=(dt.date(1940, 1, 1), dt.date(1975, 12, 31)))
    g = person(rng, born=(dt.date(1970, 1, 1), dt.date(2000, 12, 31)))
    day = recent(rng)
    heads = pick(w, ("I. NGƯỜI ỦY QUYỀN:", "II. NGƯỜI ĐƯỢC ỦY QUYỀN:", "III. NỘI DUNG ỦY QUYỀN:"),
                 ("BÊN ỦY QUYỀN (BÊN A):", "BÊN ĐƯỢC ỦY QUYỀN (BÊN B):", "PHẠM VI ỦY QUYỀN:"),
                 ("1. Người ủy quyền", "2. Người được ủy quyền", "3. Nội dung ủy quyền"))
    els: list[sl.Element] = [*motto(), sl.title(pick(w, "GIẤY ỦY QUYỀN", "HỢP ĐỒNG ỦY QUYỀN", "GIẤY ỦY QUYỀN"), size_pt=16),
                             sl.para(f"Hôm nay, {date_text(day)}, tại Ủy ban nhân dân {p.address.ward}, "
                                     f"{p.address.district}, chúng tôi gồm có:", first_indent_mm=10)]
    for heading, c in ((heads[0], p), (heads[1], g)):
        els += [sl.para(heading, bold=True, space_before_pt=4),
                *([sl.field_row((0.0, NAME[w], c.full_name), (0.62, DOB[1], fmt_date(c.date_of_birth, w)))] if w < 2
                  else [f(NAME[w], c.full_name), f(DOB[w], fmt_date(c.date_of_birth, w))]),
                f(IDL[w], c.id_number), f(ADDR[w], c.address.full, bold_value=False)]
    els += [*continuation(rng), sl.para(heads[2], bold=True, space_before_pt=4),
            sl.para(pick(w, "Người được ủy quyền thay mặt người ủy quyền nhận lương hưu hằng tháng và ký các giấy tờ "
                            "có liên quan.",
                         "Bên B được thay mặt Bên A làm thủ tục đăng ký biến động đất đai tại cơ quan có thẩm quyền.",
                         "Người được ủy quyền được nhận thay kết quả giải quyết thủ tục hành chính và nộp lệ phí."),
                    first_indent_mm=10),
            sl.para(f"Thời hạn ủy quyền: đến ngày {(day + dt.timedelta(days=365)).strftime('%d/%m/%Y')}."),
            sl.date_right(date_line(place(p), day)),
            sl.columns([sl.center("NGƯỜI ĐƯỢC ỦY QUYỀN", bold=True), sl.graphic("signature", 36, 16, seed=seed),
                        sl.center(g.name, bold=True)],
                       [sl.center("NGƯỜI ỦY QUYỀN", bold=True), sl.graphic("signature", 36, 16, seed=seed + 1),
                        sl.center(p.name, bold=True)], split=0.5)]
    fields = {"full_name": p.full_name, "date_of_birth": iso(p.date_of_birth), "id_number": p.id_number,
              "address": p.address.full, "agent_name": g.full_name, "issue_date": iso(day)}
    return doc("power_of_attorney", w, seed, els, fields)


def application_letter(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    c = person(rng, born=(dt.date(1950, 1, 1), dt.date(2004, 12, 31)))
    day = recent(rng)
    topic = rng.choice(range(3))
    title = pick(w, ("ĐƠN ĐỀ NGHỊ", "ĐƠN XIN XÁC NHẬN", "ĐƠN ĐỀ NGHỊ HỖ TRỢ")[topic],
                 ("GIẤY ĐỀ NGHỊ", "ĐƠN XIN CẤP LẠI", "ĐƠN YÊU CẦU")[topic],
                 ("ĐƠN TRÌNH BÀY", "ĐƠN KIẾN NGHỊ", "TỜ KHAI ĐỀ NGHỊ TRỢ CẤP")[topic])
    subject = pick(w, "Về việc xác nhận hộ nghèo", "V/v cấp lại giấy tờ bị mất", "Về việc hỗ trợ chi phí học tập")
    recipient = f"Ủy ban nhân dân {c.address.ward}, {c.address.district}"
    els = [*motto(), sl.title(title, size_pt=15, space_before_pt=14),
           sl.center(f"({subject})", italic=True) if w != 1 else sl.spacer(2),
           sl.para(Run("Kính gửi: "), B(recipient), indent_mm=18, space_after_pt=6),
           f(pick(w, "Tôi tên là", "Họ và tên người đề nghị", "Tôi là"), c.full_name),
           *([sl.field_row((0.0, DOB[w], fmt_date(c.date_of_birth, w)), (0.55, "Giới tính", c.gender))] if w < 2
             else [f(DOB[w], fmt_date(c.date_of_birth, w)), f("Giới tính", c.gender)]),
           f(pick(w, "Số định danh cá nhân/CCCD", "Số CCCD", "CCCD số"), c.id_number),
           f(ADDR[w], c.address.full, bold_value=False),
           f("Số điện thoại liên hệ", c.phone, bold_value=False),
           sl.para(pick(w, "Nay tôi làm đơn này kính đề nghị Ủy ban nhân dân xem xét, giải quyết cho tôi được "
                           "xác nhận hoàn cảnh gia đình để hoàn thiện hồ sơ.",
                        "Lý do: tôi bị mất giấy tờ trong lúc di chuyển. Kính đề nghị cơ quan có thẩm quyền xem xét "
                        "cấp lại cho tôi.",
                        "Tôi xin trình bày hoàn cảnh gia đình khó khăn và kính mong quý cơ quan xem xét hỗ trợ "
                        "để con tôi tiếp tục đi học."), first_indent_mm=10),
           *continuation(rng),
           sl.para(pick(w, "Tôi xin cam đoan những thông tin trên là đúng sự thật.",
                        "Xin trân trọng cảm ơn.", "Tôi xin chịu trách nhiệm trước pháp luật về lời khai trên."),
                   first_indent_mm=10),
           sl.date_right(date_line(place(c), day)),
           sl.signature_block(pick(w, "Người làm đơn", "Người đề nghị", "Người viết đơn"), c.name,
                              note="(Ký và ghi rõ họ tên)", seed=seed)]
    fields = {"full_name": c.full_name, "date_of_birth": iso(c.date_of_birth), "gender": c.gender,
              "id_number": c.id_number, "address": c.address.full, "issue_date": iso(day)}
    return doc("application_letter", w, seed, els, fields)


def dossier_receipt(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    c = person(rng)
    day = recent(rng)
    code = dossier_code(AGENCY_CODES.get(c.address.district, "H29.10"), day, rng.randint(1, 400))
    upper, lower = ward_agency(c)
    els = [*agency_header(upper, lower, None, date_line(place(c), day)),
           sl.title(pick(w, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "PHIẾU TIẾP NHẬN HỒ SƠ",
                         "BIÊN NHẬN HỒ SƠ")),
           sl.center(f"{pick(w, 'Mã hồ sơ', 'Mã số hồ sơ', 'Số hồ sơ')}: {code}", bold=True),
           sl.para(pick(w, "Bộ phận tiếp nhận và trả kết quả", "Bộ phận Một cửa", "Bộ phận tiếp nhận hồ sơ")
                   + f" Ủy ban nhân dân {c.address.ward}"),
           f(pick(w, "Tiếp nhận hồ sơ của", "Tiếp nhận hồ sơ của", "Họ và tên người nộp"), f"{c.honorific} {c.full_name}"),
           f("Địa chỉ", c.address.full, bold_value=False),
           f("Số điện thoại", c.phone, bold_value=False),
           f("Nội dung yêu cầu giải quyết", pick(w, "Đăng ký khai sinh", "Chứng thực bản sao", "Xác nhận tình trạng hôn nhân"),
             bold_value=False),
           sl.para("1. Thành phần hồ sơ nộp gồm: Tờ khai; bản sao giấy tờ tùy thân."),
           sl.para("2. Số lượng hồ sơ: 01 (bộ)."),
           sl.para(f"3. Thời gian giải quyết hồ sơ theo quy định là: 0{rng.randint(1, 9)} ngày làm việc."),
           sl.para(f"4. Thời gian trả kết quả giải quyết hồ sơ: ngày {(day + dt.timedelta(days=5)).strftime('%d/%m/%Y')}."),
           sl.columns([sl.center("NGƯỜI NỘP HỒ SƠ", bold=True), sl.center(c.name, bold=True)],
                      [sl.center("NGƯỜI TIẾP NHẬN HỒ SƠ", bold=True), sl.center(officer(rng).name, bold=True)],
                      split=0.5, space_before_pt=10)]
    fields = {"full_name": c.full_name, "dossier_code": code, "address": c.address.full, "issue_date": iso(day)}
    return doc("dossier_receipt", w, seed, els, fields)


# --- administrative documents (Decree 30/2020) ---------------------------------------------------

ADMIN = {
    # type: (title, number symbol, subject lines, body sentences per wording, closing)
    "decision": ("QUYẾT ĐỊNH", "QĐ-UBND", (
        ("Về việc phê duyệt danh sách hộ nghèo năm {y}", "Về việc thành lập Tổ công tác chuyển đổi số",
         "Về việc khen thưởng tập thể, cá nhân"),
        ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
         "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
         "Theo đề nghị của Trưởng phòng Nội vụ quận.", "QUYẾT ĐỊNH:",
         "Điều 1. Phê duyệt danh sách kèm theo Quyết định này.",
         "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
         "Điều 3. Chánh Văn phòng và các đơn vị liên quan chịu trách nhiệm thi hành Quyết định này./."),
        ("Căn cứ Luật Thi đua, khen thưởng;", "Xét đề nghị của Chủ tịch Ủy ban nhân dân phường,", "QUYẾT ĐỊNH:",
         "Điều 1. Thành lập Tổ công tác gồm các ông, bà có tên sau đây.",
         "Điều 2. Tổ công tác tự giải thể sau khi hoàn thành nhiệm vụ.",
         "Điều 3. Các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./."),
        ("Căn cứ Luật Ban hành văn bản quy phạm pháp luật;", "Xét đề xuất của Trưởng phòng Văn hóa và Thông tin,",
         "QUYẾT ĐỊNH:", "Điều 1. Tặng Giấy khen cho 05 tập thể và 12 cá nhân đã có thành tích xuất sắc.",
         "Điều 2. Quyết định có hiệu lực thi hành kể từ ngày ban hành./."))),
    "official_letter": ("", "UBND-VP", (
        ("V/v triển khai thực hiện cải cách thủ tục hành chính", "V/v báo cáo số liệu dân cư quý {q}",
         "V/v tăng cường công tác phòng, chống thiên tai"),
        ("Kính gửi: Ủy ban nhân dân các phường.",
         "Thực hiện chỉ đạo của Ủy ban nhân dân Thành phố, Ủy ban nhân dân quận đề nghị các đơn vị khẩn trương "
         "triển khai các nội dung sau:", "1. Rà soát, cập nhật thủ tục hành chính thuộc thẩm quyền giải quyết.",
         "2. Báo cáo kết quả thực hiện về Văn phòng trước ngày 25 hằng tháng.",
         "Đề nghị các đơn vị nghiêm túc thực hiện./.", "Nơi nhận: Như trên; Lưu: VT."),
        ("Kính gửi: Các phòng, ban chuyên môn thuộc quận.",
         "Phúc đáp Công văn số 152 của Sở Nội vụ, Ủy ban nhân dân quận có ý kiến như sau:",
         "Thống nhất với đề xuất của Sở về việc tổ chức tập huấn cho cán bộ một cửa.",
         "Trân trọng./.", "Nơi nhận: Như trên; Lưu: VT, VP."),
        ("Kính gửi: Công an phường và Ban chỉ huy quân sự phường.",
         "Để chủ động ứng phó với mùa mưa bão, Ủy ban nhân dân phường đề nghị các đơn vị bố trí lực lượng "
         "thường trực, kiểm tra các khu vực nguy hiểm.", "Yêu cầu báo cáo tình hình về Ủy ban nhân dân phường để "
         "tổng hợp./.", "Nơi nhận: Như trên; Lưu: VT."))),
    "notice": ("THÔNG BÁO", "TB-UBND", (
        ("Kết luận của Chủ tịch Ủy ban nhân dân quận tại cuộc họp giao ban", "Về việc tạm ngưng cung cấp điện",
         "Về lịch tiếp công dân tháng {m}"),
        ("Ngày {d} tháng {m} năm {y}, Chủ tịch Ủy ban nhân dân quận chủ trì cuộc họp giao ban.",
         "Chủ tịch Ủy ban nhân dân quận thông báo kết luận như sau:",
         "1. Các phòng, ban khẩn trương hoàn thành nhiệm vụ được giao.", "Ủy ban nhân dân quận thông báo để các "
         "đơn vị biết và thực hiện./."),
        ("Ủy ban nhân dân phường xin thông báo đến toàn thể nhân dân được biết:",
         "Để bảo trì lưới điện, khu vực tổ dân phố 3 sẽ tạm ngưng cung cấp điện từ 7 giờ đến 16 giờ.",
         "Rất mong nhân dân thông cảm./."),
        ("Ủy ban nhân dân phường thông báo lịch tiếp công dân định kỳ như sau:",
         "Chủ tịch Ủy ban nhân dân phường tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở.",
         "Thông báo này thay cho thư mời./."))),
    "report": ("BÁO CÁO", "BC-UBND", (
        ("Kết quả thực hiện nhiệm vụ 6 tháng đầu năm {y}", "Tình hình giải quyết thủ tục hành chính quý {q}",
         "Tổng kết công tác cải cách hành chính năm {y}"),
        ("I. TÌNH HÌNH VÀ KẾT QUẢ THỰC HIỆN", "1. Kết quả đạt được: đã tiếp nhận 1.245 hồ sơ, giải quyết đúng hạn 98%.",
         "2. Tồn tại, hạn chế: một số hồ sơ còn trễ hạn do thiếu nhân sự.", "II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM",
         "III. KIẾN NGHỊ, ĐỀ XUẤT"),
        ("Thực hiện chỉ đạo của Ủy ban nhân dân quận, Ủy ban nhân dân phường báo cáo tình hình như sau:",
         "Số liệu: trong quý đã tiếp nhận 320 hồ sơ, trả kết quả đúng hạn 315 hồ sơ.",
         "Đánh giá chung: công tác giải quyết thủ tục hành chính cơ bản đáp ứng yêu cầu.", "Kiến nghị: bổ sung máy scan."),
        ("Phần thứ nhất: Kết quả thực hiện trong năm.", "Tỷ lệ hồ sơ trực tuyến đạt 76%.",
         "Phần thứ hai: Những tồn tại, hạn chế và nguyên nhân.", "Phần thứ ba: Phương hướng năm tới."))),
    "submission": ("TỜ TRÌNH", "TTr-UBND", (
        ("Về việc đề nghị phê duyệt kinh phí sửa chữa trụ sở", "Về việc đề nghị công nhận tổ dân phố văn hóa",
         "Về dự thảo Kế hoạch phát triển kinh tế - xã hội năm {y}"),
        ("Kính trình: Ủy ban nhân dân quận.", "I. SỰ CẦN THIẾT: Trụ sở đã xuống cấp nghiêm trọng.",
         "II. NỘI DUNG ĐỀ NGHỊ: Tổng kinh phí dự kiến 850.000.000 đồng.",
         "Kính trình Ủy ban nhân dân quận xem xét, phê duyệt./."),
        ("Kính trình: Chủ tịch Ủy ban nhân dân quận.", "Căn cứ kết quả bình xét của các khu phố,",
         "Ủy ban nhân dân phường kính trình Chủ tịch Ủy ban nhân dân quận xem xét, quyết định công nhận."),
        ("Kính gửi: Hội đồng nhân dân quận.", "Ủy ban nhân dân quận trình dự thảo Kế hoạch với các nội dung chính "
         "sau đây.", "Đề nghị Hội đồng nhân dân quận xem xét, thông qua./."))),
    "directive": ("CHỈ THỊ", "CT-UBND", (
        ("Về tăng cường kỷ luật, kỷ cương hành chính", "Về đẩy mạnh thanh toán không dùng tiền mặt",
         "Về tăng cường công tác phòng cháy, chữa cháy"),
        ("Thời gian qua, công tác cải cách hành chính đã đạt nhiều kết quả, tuy nhiên vẫn còn hạn chế.",
         "Để khắc phục tình trạng trên, Chủ tịch Ủy ban nhân dân quận chỉ thị:",
         "1. Yêu cầu thủ trưởng các cơ quan, đơn vị tổ chức thực hiện nghiêm túc các quy định.",
         "2. Yêu cầu các phòng, ban nghiêm túc thực hiện Chỉ thị này./."),
        ("Nhằm đẩy mạnh chuyển đổi số, Chủ tịch Ủy ban nhân dân quận yêu cầu:",
         "Các sở, ban, ngành và Ủy ban nhân dân phường chỉ đạo triển khai thanh toán trực tuyến.",
         "Chỉ thị này có hiệu lực kể từ ngày ký./."),
        ("Trước tình hình cháy nổ diễn biến phức tạp, Chủ tịch Ủy ban nhân dân quận chỉ đạo:",
         "Thủ trưởng các đơn vị chịu trách nhiệm trước Chủ tịch về công tác phòng cháy.",
         "Giao Công an quận theo dõi, kiểm tra việc thực hiện Chỉ thị này./."))),
    "plan": ("KẾ HOẠCH", "KH-UBND", (
        ("Triển khai Đề án 06 năm {y}", "Tổ chức Ngày hội chuyển đổi số", "Kiểm tra công tác văn thư, lưu trữ năm {y}"),
        ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích: nâng cao hiệu quả giải quyết thủ tục hành chính.",
         "II. NỘI DUNG THỰC HIỆN", "III. TỔ CHỨC THỰC HIỆN", "Kinh phí thực hiện từ ngân sách phường."),
        ("I. MỤC ĐÍCH", "II. THỜI GIAN, ĐỊA ĐIỂM", "III. NỘI DUNG, TIẾN ĐỘ",
         "IV. PHÂN CÔNG NHIỆM VỤ: Văn phòng chủ trì, phối hợp các đơn vị."),
        ("1. Mục tiêu: 100% đơn vị được kiểm tra.", "2. Nhiệm vụ, giải pháp: thành lập đoàn kiểm tra.",
         "3. Thời gian thực hiện: quý {q} năm {y}.", "4. Giao Phòng Nội vụ theo dõi, tổng hợp."))),
    "minutes": ("BIÊN BẢN", "BB-UBND", (
        ("Họp giao ban tháng {m}", "Kiểm tra hiện trạng công trình", "Bàn giao hồ sơ lưu trữ"),
        ("Hôm nay, vào lúc 08 giờ 00, tại hội trường Ủy ban nhân dân phường.", "I. THÀNH PHẦN THAM DỰ",
         "Chủ trì: Chủ tịch Ủy ban nhân dân phường. Thư ký: chuyên viên Văn phòng.", "II. NỘI DUNG",
         "Biên bản kết thúc vào lúc 11 giờ 00 cùng ngày./."),
        ("Thời gian bắt đầu: 14 giờ 00.", "Địa điểm: tại công trình.", "Thành phần: đại diện Ủy ban nhân dân phường, "
         "đại diện chủ đầu tư.", "Cuộc họp kết thúc vào lúc 16 giờ 30./."),
        ("Hôm nay, các bên gồm có: Bên giao và Bên nhận.", "Hai bên thống nhất bàn giao 25 hộp hồ sơ.",
         "Biên bản được lập thành 02 bản có giá trị như nhau./."))),
}


def administrative(type_id: str) -> Callable[[random.Random, int, int], LabelledDoc]:
    title, suffix, (subjects, *bodies) = ADMIN[type_id]

    def build(rng: random.Random, w: int, seed: int) -> LabelledDoc:
        c = officer(rng)
        day = recent(rng)
        values = {"y": day.year, "m": day.month, "d": day.day, "q": (day.month - 1) // 3 + 1}
        symbol = pick(w, suffix, suffix.replace("UBND", "UBND-VP"), suffix.replace("-UBND", "-UBND.NV"))
        number = f"{rng.randint(1, 2500)}/{symbol}"
        upper, lower = ward_agency(c)
        subject = pick(w, *subjects).format(**values)
        els: list[sl.Element] = [*agency_header(upper if w != 1 else "", lower if w != 2 else upper, number,
                                                date_line(place(c), day))]
        if title:
            els += [sl.title(title, size_pt=15), sl.center(subject, bold=True)]
        else:
            els.insert(1, sl.para(subject, size_pt=11.5))
        for index, sentence in enumerate(bodies[w % 3]):
            if index == 2:
                els += continuation(rng, page_number=True)
            els.append(sl.para(sentence.format(**values), first_indent_mm=10, space_before_pt=2))
        els.append(signature(pick(w, "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "CHỦ TỊCH"), officer(rng).name, seed,
                             pick(w, "CHỦ TỊCH", "PHÓ CHỦ TỊCH", None)))
        return doc(type_id, w, seed, els, {"document_number": number, "issue_date": iso(day)})

    return build


OTHER_DOCS = (
    ("NGHỊ ĐỊNH", "NĐ-CP", "Quy định chi tiết một số điều của Luật Cư trú",
     ("CHÍNH PHỦ", "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;", "Chương I. QUY ĐỊNH CHUNG",
      "Điều 1. Phạm vi điều chỉnh", "Nghị định này quy định chi tiết một số điều và biện pháp thi hành Luật.")),
    ("GIẤY MỜI", "GM-UBND", "Dự hội nghị tổng kết công tác năm",
     ("Ủy ban nhân dân phường trân trọng kính mời: Ông (bà) Tổ trưởng tổ dân phố.",
      "Thời gian: 08 giờ 00, ngày thứ Sáu.", "Địa điểm: Hội trường Ủy ban nhân dân phường.",
      "Rất mong quý đại biểu đến dự đúng giờ./.")),
    ("GIẤY GIỚI THIỆU", "GGT-UBND", "",
     ("Ủy ban nhân dân phường trân trọng giới thiệu: Ông (bà) chuyên viên Văn phòng.",
      "Được cử đến: Sở Tư pháp.", "Về việc: liên hệ công tác hộ tịch.",
      "Đề nghị Quý cơ quan tạo điều kiện để ông (bà) có tên ở trên hoàn thành nhiệm vụ.")),
    ("HỢP ĐỒNG MUA BÁN", "HĐMB", "Căn hộ chung cư",
     ("Hôm nay, chúng tôi gồm: Bên bán và Bên mua.", "Điều 1. Đối tượng của hợp đồng là căn hộ số 12.05.",
      "Điều 2. Giá bán và phương thức thanh toán.", "Điều 3. Quyền và nghĩa vụ của các bên.")),
    ("THÔNG TƯ", "TT-BTP", "Hướng dẫn đăng ký và quản lý hộ tịch",
     ("BỘ TƯ PHÁP", "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;", "Bộ trưởng Bộ Tư pháp ban hành Thông tư.",
      "Điều 1. Phạm vi điều chỉnh", "Thông tư này hướng dẫn chi tiết việc đăng ký hộ tịch.")),
    ("BÀI THỰC HÀNH SỐ 2", "", "Lập trình mạng",
     ("Mục tiêu: viết chương trình khách - chủ dùng socket TCP.", "Yêu cầu: sinh viên nộp bài qua hệ thống.",
      "Bài 1. Viết chương trình gửi chuỗi ký tự từ client đến server.", "Bài 2. Xử lý nhiều kết nối đồng thời.")),
)


def other(rng: random.Random, w: int, seed: int) -> LabelledDoc:
    title, suffix, subject, body = OTHER_DOCS[(seed + 2 * w) % len(OTHER_DOCS)]
    c = officer(rng)
    day = recent(rng)
    number = f"{rng.randint(1, 300)}/{day.year}/{suffix}" if suffix else None
    els: list[sl.Element] = [*agency_header(*ward_agency(c), number, date_line(place(c), day))] if suffix else []
    els += [sl.title(title, size_pt=15)] + ([sl.center(subject, bold=True)] if subject else [])
    els += [sl.para(s, first_indent_mm=10, space_before_pt=2) for s in body]
    els.append(signature("NGƯỜI KÝ", c.name, seed))
    return doc("other", w, seed, els, {})


BUILDERS: dict[str, Callable[[random.Random, int, int], LabelledDoc]] = {
    "birth_certificate": birth_certificate, "birth_registration_form": birth_registration_form,
    "marriage_certificate": marriage_certificate, "marital_status_certificate": marital_status_certificate,
    "death_certificate": death_certificate, "citizen_id_card": citizen_id_card,
    "residence_confirmation": residence_confirmation, "land_use_certificate": land_use_certificate,
    "construction_permit": construction_permit, "business_registration": business_registration,
    "power_of_attorney": power_of_attorney, "application_letter": application_letter,
    "dossier_receipt": dossier_receipt,
    **{type_id: administrative(type_id) for type_id in ADMIN},
    "other": other,
}


def doc(type_id: str, wording: int, seed: int, els: list[sl.Element], fields: dict[str, str]) -> LabelledDoc:
    return LabelledDoc(type_id, wording, seed, sl.render_pages(els, dpi=DPI), fields)


def build(type_id: str, wording: int, seed: int) -> LabelledDoc:
    rng = random.Random(f"{type_id}/{wording}/{seed}")
    return BUILDERS[type_id](rng, wording, seed)


def documents(split: str) -> list[LabelledDoc]:
    """All documents of the "train", "dev" or "eval" split, in a fixed order."""
    if split == "train":
        return [build(t, w, s) for t in BUILDERS for w in TRAIN_WORDINGS for s in TRAIN_SEEDS]
    seeds = {"dev": DEV_SEEDS, "eval": EVAL_SEEDS}[split]
    return [build(t, EVAL_WORDING, s) for t in BUILDERS for s in seeds]


def degrade(image, seed: int):
    """A flatbed scan of a printed page: blur, grey paper, noise, a slight skew, JPEG."""
    page = sl.scanner(image, seed=seed, blur=0.6, paper=244, ink=30)
    return sl.add_noise_and_jpeg(sl.skew(page, (seed % 5 - 2) * 0.3), 80, seed=seed, sigma=3.0)


def ocr_pages(doc_: LabelledDoc, engine, *, seed: int) -> list[str]:
    """The document as the pipeline reads a scan of it: degraded images through the read stage."""
    from pipeline.config import OcrSettings
    from pipeline.domain import PageSource
    from pipeline.stages.read import read_page

    texts = []
    for number, page in enumerate(doc_.pages, start=1):
        image = degrade(page.image, seed + number)
        source = PageSource(file_ordinal=0, file_page=number, image=image, dpi=DPI)
        texts.append(read_page(source, engine=engine, settings=OcrSettings()).text)
    return texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUTPUT)
    ap.add_argument("--no-ocr", action="store_true", help="clean ground-truth text only")
    args = ap.parse_args(argv)
    rows = []
    engine = None
    if not args.no_ocr:
        from pipeline.stages.engines.tesseract import make_engine

        engine = make_engine("tesserocr")
    for d in documents("train"):
        group = f"{d.type}/w{d.wording}"
        rows.append({"type": d.type, "group": group, "source": "clean", "key": d.key, "text": d.text})
        if engine is not None and d.seed in OCR_TRAIN_SEEDS:
            text = "\n\n".join(ocr_pages(d, engine, seed=d.seed))
            rows.append({"type": d.type, "group": group, "source": "ocr", "key": d.key, "text": text})
            print(f"ocr {d.key}", file=sys.stderr)
    # The combination weights fitted on these examples (with cross-validation): a fresh install
    # trains its first model without repeating that work.
    from pipeline.catalog import load_catalog
    from pipeline.config import DEFAULT_CONFIG
    from pipeline.stages import training

    examples = [training.Example(r["text"], r["type"], r["group"]) for r in rows]
    model = training.fit(examples, load_catalog(DEFAULT_CONFIG.parent / "catalog.toml"))
    header = {"weights": model.info["weights"], "held_out_accuracy": model.info.get("held_out_accuracy")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(args.out, "wb", mtime=0) as fh:  # mtime 0: the same data gives the same bytes
        for row in [header, *rows]:
            fh.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"wrote {len(rows)} examples to {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
