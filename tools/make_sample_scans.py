"""Regenerate ``sample_scans/``: realistic scans of invented Ho Chi Minh City citizen dossiers.

    python3 tools/make_sample_scans.py [--out sample_scans] [--check]

Writes every sample file, ``EXPECTED.json`` (the ground truth tests assert against) and
``README.md`` (what each file is and exercises). Everything is drawn from fixed seeds, so a rerun
gives the same files (byte for byte with the same Pillow/zlib/libjpeg builds). ``--check``
regenerates into a temporary folder and exits 1 if any file differs from the committed ones.

All people are invented (see ``tools/citizens.py``); the documents are modelled on the real
forms (Thông tư 04/2020/TT-BTP civil-status forms, CT07 residence confirmation, Mẫu 01 of
Thông tư 01/2018/TT-VPCP dossier receipt, the chip-based Căn cước công dân card).

The document builders (``birth_certificate``, ``citizen_id_copy``, ...) are importable: each
returns a :class:`Doc` with rendered clean pages, their ground-truth text and the expected fields,
so a benchmark can render more of them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import math
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

if __package__ in (None, ""):  # run as a script: make "tools" importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw  # noqa: E402

from tools import scanlib as sl  # noqa: E402
from tools.citizens import (  # noqa: E402
    AGENCY_CODES,
    CITY,
    Address,
    Citizen,
    ascii_slug,
    date_line,
    date_text,
    date_words,
    dossier_code,
    make_child,
    make_citizen,
    upper_vi,
)
from tools.scanlib import B, Run  # noqa: E402

DPI = sl.DEFAULT_DPI
SEED = 20240312


# --- small helpers -----------------------------------------------------------------------------------


def iso(day: dt.date) -> str:
    return day.isoformat()


def dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def district_place(c_or_district: Citizen | str) -> str:
    """Place name for a date line: "Quận 1", "Bình Thạnh", "Thủ Đức"."""
    district = c_or_district.address.district if isinstance(c_or_district, Citizen) else c_or_district
    for prefix in ("Thành phố ", "Quận "):
        rest = district[len(prefix) :]
        if district.startswith(prefix) and not rest.isdigit():
            return rest
    return district


def ward_upper(ward: str) -> str:
    return upper_vi(ward)


def district_upper(district: str) -> str:
    if district.startswith("Thành phố "):
        return upper_vi("Thành phố " + district[len("Thành phố ") :])
    return upper_vi(district)


def official_header(
    top: str,
    agency: str,
    *,
    number: str | None = None,
    date_text: str | None = None,
    split: float = 0.4,
    size_pt: float = 12.0,
) -> list[sl.Element]:
    """Agency block on the left, national motto on the right; "Số:" and the date line under them."""
    left = [sl.center(top, size_pt=size_pt)] if top else []
    left.append(sl.center(agency, bold=True, size_pt=size_pt, rule_mm=24))
    out: list[sl.Element] = [sl.columns(left, sl.national_header(size_pt=size_pt), split=split)]
    if number or date_text:
        out.append(
            sl.columns(
                [sl.center(f"Số: {number}", size_pt=size_pt)] if number else [],
                [sl.center(date_text, italic=True, size_pt=size_pt)] if date_text else [],
                split=split,
                space_before_pt=4,
            )
        )
    return out


def stamp_text(agency: str, district: str) -> str:
    return f"{upper_vi(agency)} * {upper_vi(district)} *"


def civil_registry_signature(title: str, signer: Citizen, clerk: Citizen, a: Address, seed: int) -> sl.Columns:
    """The foot of a civil-status record: the clerk on the left, the signing vice-chair on the right."""
    return sl.signature_block(
        title,
        signer.name,
        note="(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)",
        seed=seed,
        stamp=stamp_text(f"Ủy ban nhân dân {a.ward}", a.district),
        position="PHÓ CHỦ TỊCH",
        left=[
            sl.center("NGƯỜI THỰC HIỆN", bold=True),
            sl.center("(Ký, ghi rõ họ, chữ đệm, tên)", italic=True, size_pt=12),
            sl.graphic("signature", 38, 20, seed=seed + 1),
            sl.center(clerk.name, bold=True),
        ],
        split=0.42,
        space_before_pt=2,
    )


def officer(rng: random.Random, gender: str | None = None) -> Citizen:
    return make_citizen(rng, gender=gender, born=(dt.date(1968, 1, 1), dt.date(1990, 12, 31)))


def render(
    els: Sequence[sl.Element], *, dpi: int, pages: int = 1, margins: sl.Margins | None = None
) -> list[sl.RenderedPage]:
    """Render and insist on the page count the real form has (a long address must not push the
    signature onto a page of its own)."""
    out = sl.render_pages(els, dpi=dpi, margins=margins or sl.Margins())
    if len(out) != pages:
        raise ValueError(f"document takes {len(out)} pages, expected {pages}")
    return out


@dataclass
class Doc:
    """One rendered document: clean pages (image + ground truth), catalog type, expected fields."""

    type: str
    pages: list[sl.RenderedPage]
    fields: dict[str, str]
    title: str = ""


# --- the ID card ---------------------------------------------------------------------------------------

CARD_MM = (85.6, 53.98)


def _icao_check(data: str) -> str:
    weights = (7, 3, 1)
    total = 0
    for i, ch in enumerate(data):
        if ch.isdigit():
            v = int(ch)
        elif ch.isalpha():
            v = ord(ch) - 55
        else:
            v = 0
        total += v * weights[i % 3]
    return str(total % 10)


def card_expiry(c: Citizen, issued: dt.date) -> dt.date | None:
    """CCCD validity: to the 25th, 40th or 60th birthday (a card issued within two years of one
    lasts to the next); none after 58."""
    age = c.age_on(issued)
    for limit in (25, 40, 60):
        if age < limit - 2:
            return c.date_of_birth.replace(year=c.date_of_birth.year + limit)
    return None


def mrz_lines(c: Citizen, expiry: dt.date | None) -> list[str]:
    doc = c.id_number[-9:]
    line1 = f"IDVNM{doc}{_icao_check(doc)}{c.id_number}<<"
    line1 = line1 + _icao_check(line1[5:])
    dob = c.date_of_birth.strftime("%y%m%d")
    exp = expiry.strftime("%y%m%d") if expiry else "<<<<<<"
    line2 = f"{dob}{_icao_check(dob)}{'M' if c.gender == 'Nam' else 'F'}{exp}{_icao_check(exp)}VNM"
    line2 = line2.ljust(29, "<")
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    line2 += _icao_check(composite)
    name = ascii_slug(c.surname).upper() + "<<" + "<".join(ascii_slug(p).upper() for p in (c.middle, c.given) if p)
    line3 = name.ljust(30, "<")[:30]
    return [line1, line2, line3]


def _card_base(dpi: int, seed: int) -> sl.Canvas:
    """Blank card: light tinted background with guilloche lines, rounded corners on white."""
    w, h = sl.mm_to_px(CARD_MM[0], dpi), sl.mm_to_px(CARD_MM[1], dpi)
    img = Image.new("L", (w, h), 255)
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), radius=sl.mm_to_px(3.2, dpi), fill=255)
    bg = Image.new("L", (w, h), 226)
    d = ImageDraw.Draw(bg)
    rng = random.Random(seed)
    for k in range(18):
        phase = rng.uniform(0, math.tau)
        amp = h * rng.uniform(0.03, 0.08)
        y0 = h * (k + 0.5) / 18
        pts = [(x, y0 + amp * math.sin(phase + x / w * math.tau * 2.5)) for x in range(0, w + 8, 8)]
        d.line(pts, fill=212, width=max(1, dpi // 150))
    img.paste(bg, (0, 0), mask)
    ImageDraw.Draw(img).rounded_rectangle(
        (0, 0, w - 1, h - 1), radius=sl.mm_to_px(3.2, dpi), outline=120, width=max(1, dpi // 150)
    )
    return sl.Canvas(img)


def _qr(canvas: sl.Canvas, box: tuple[int, int, int, int], seed: int) -> None:
    rng = random.Random(seed)
    x0, y0, x1, y1 = box
    n = 29
    cell = (x1 - x0) / n
    d = canvas.draw
    d.rectangle(box, fill=255)
    for i in range(n):
        for j in range(n):
            finder = any(
                i in rng_ and j in rng2
                for rng_, rng2 in (
                    (range(0, 7), range(0, 7)),
                    (range(0, 7), range(n - 7, n)),
                    (range(n - 7, n), range(0, 7)),
                )
            )
            if finder:
                continue
            if rng.random() < 0.5:
                d.rectangle((x0 + j * cell, y0 + i * cell, x0 + (j + 1) * cell, y0 + (i + 1) * cell), fill=25)
    for fi, fj in ((0, 0), (0, n - 7), (n - 7, 0)):
        ax, ay = x0 + fj * cell, y0 + fi * cell
        d.rectangle((ax, ay, ax + 7 * cell, ay + 7 * cell), fill=25)
        d.rectangle((ax + cell, ay + cell, ax + 6 * cell, ay + 6 * cell), fill=255)
        d.rectangle((ax + 2 * cell, ay + 2 * cell, ax + 5 * cell, ay + 5 * cell), fill=25)


def render_card_front(c: Citizen, issued: dt.date, dpi: int, seed: int) -> sl.Canvas:
    cv = _card_base(dpi, seed)
    mm = lambda v: sl.mm_to_px(v, dpi)  # noqa: E731
    pt = lambda v: sl.pt_to_px(v, dpi)  # noqa: E731
    w = cv.image.width
    sans = "sans-condensed"
    sl.draw_emblem(cv.image, (mm(3), mm(2.5), mm(14), mm(13.5)))
    _qr(cv, (w - mm(14.5), mm(2.5), w - mm(3), mm(14)), seed)
    cx = mm(43)
    cv.text(
        cx,
        mm(5.0),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        size_px=pt(6.4),
        bold=True,
        align="center",
        family=sans,
    )
    cv.text(cx, mm(7.8), "Độc lập - Tự do - Hạnh phúc", size_px=pt(6.4), bold=True, align="center", family=sans)
    cv.text(cx, mm(10.2), "SOCIALIST REPUBLIC OF VIET NAM", size_px=pt(5), align="center", family=sans)
    cv.text(cx, mm(12.4), "Independence - Freedom - Happiness", size_px=pt(5), align="center", family=sans)
    cv.text(cx, mm(16.4), "CĂN CƯỚC CÔNG DÂN", size_px=pt(9.5), bold=True, align="center", family=sans, fill=70)
    cv.text(cx, mm(19.0), "Citizen Identity Card", size_px=pt(5.5), align="center", family=sans)
    sl.draw_portrait(cv.image, (mm(3.5), mm(20.5), mm(22.5), mm(43.5)), seed=seed)
    x = mm(25)
    right = w - mm(2.5)
    lab = dict(size_px=pt(5.6), family=sans)
    val = dict(size_px=pt(7.4), bold=True, family=sans)
    lh = mm(3.0)
    wl = cv.text(x, mm(24.2), "Số / No.:", **lab)
    cv.text(x + wl + mm(1.5), mm(24.5), c.id_number, size_px=pt(11), bold=True, family=sans)
    cv.text(x, mm(27.3), "Họ và tên / Full name:", **lab)
    cv.text(x, mm(30.5), c.full_name, size_px=pt(8.2), bold=True, family=sans)
    wl = cv.text(x, mm(33.6), "Ngày sinh / Date of birth:", **lab)
    cv.text(x + wl + mm(1.2), mm(33.6), c.dob_text, **val)
    wl = cv.text(x, mm(36.6), "Giới tính / Sex:", **lab)
    cv.text(x + wl + mm(1.2), mm(36.6), c.gender, **val)
    wl = cv.text(x + mm(21), mm(36.6), "Quốc tịch / Nationality:", **lab)
    cv.text(x + mm(21) + wl + mm(1.2), mm(36.6), c.nationality, **val)
    cv.text(x, mm(39.6), "Quê quán / Place of origin:", **lab)
    cv.text_wrapped(
        x,
        mm(42.5),
        c.hometown_card,
        width=right - x,
        size_px=val["size_px"],
        line_height=lh,
        bold=True,
        family=sans,
    )
    wl = cv.text(x, mm(45.6), "Nơi thường trú / Place of residence:", **lab)
    cv.text_wrapped(
        x,
        mm(45.6),
        c.address.short,
        width=right - x,
        first_x=x + wl + mm(1.2),
        size_px=val["size_px"],
        line_height=mm(2.8),
        bold=True,
        family=sans,
    )
    expiry = card_expiry(c, issued)
    cv.text(mm(3.5), mm(47.0), "Có giá trị đến:", size_px=pt(4.8), family=sans)
    cv.text(
        mm(3.5),
        mm(49.6),
        dmy(expiry) if expiry else "Không thời hạn",
        size_px=pt(5.8),
        bold=True,
        family=sans,
    )
    cv.text(mm(3.5), mm(51.8), "Date of expiry", size_px=pt(4.4), family=sans)
    return cv


def render_card_back(c: Citizen, issued: dt.date, dpi: int, seed: int, signer: Citizen) -> sl.Canvas:
    cv = _card_base(dpi, seed + 1)
    mm = lambda v: sl.mm_to_px(v, dpi)  # noqa: E731
    pt = lambda v: sl.pt_to_px(v, dpi)  # noqa: E731
    w = cv.image.width
    d = cv.draw
    sans = "sans-condensed"
    # chip, top left
    d.rounded_rectangle((mm(5), mm(4), mm(17), mm(13)), radius=mm(1.5), fill=170, outline=90, width=2)
    for k in range(1, 3):
        d.line((mm(5) + k * mm(4), mm(4), mm(5) + k * mm(4), mm(13)), fill=90, width=2)
    # fingerprints, right
    for i, (label, english) in enumerate(
        (("Ngón trỏ trái", "Left index finger"), ("Ngón trỏ phải", "Right index finger"))
    ):
        x0 = mm(51 + 17 * i)
        d.rectangle((x0, mm(3.5), x0 + mm(15), mm(21.5)), outline=110, width=2)
        cxp, cyp = x0 + mm(7.5), mm(12.5)
        for r in range(3, 30, 4):
            rr = r * dpi / 300
            d.ellipse((cxp - rr * 1.4, cyp - rr * 1.9, cxp + rr * 1.4, cyp + rr * 1.9), outline=130, width=2)
        cv.text(x0 + mm(7.5), mm(24.2), label, size_px=pt(4.6), align="center", family=sans)
        cv.text(x0 + mm(7.5), mm(26.2), english, size_px=pt(4.2), align="center", family=sans)
    lab = dict(size_px=pt(5.2), family=sans)
    x = mm(4)
    cv.text(x, mm(17.0), "Đặc điểm nhân dạng / Personal identification:", **lab)
    rng = random.Random(seed)
    mark = rng.choice(
        (
            "Nốt ruồi C:1cm trên trước mày phải",
            "Sẹo chấm C:2cm dưới sau mép trái",
            "Nốt ruồi C:1,5cm dưới trước cánh mũi trái",
            "Sẹo chấm C:1cm trên sau đuôi mắt phải",
        )
    )
    cv.text(x, mm(20.2), mark, size_px=pt(6.2), bold=True, family=sans)
    wl = cv.text(x, mm(24.4), "Ngày, tháng, năm / Date, month, year:", **lab)
    cv.text(x + wl + mm(1), mm(24.4), dmy(issued), size_px=pt(6.6), bold=True, family=sans)
    cx = mm(25)
    cv.text(cx, mm(28.0), "CỤC TRƯỞNG CỤC CẢNH SÁT", size_px=pt(5.4), bold=True, align="center", family=sans)
    cv.text(
        cx,
        mm(30.4),
        "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
        size_px=pt(5.4),
        bold=True,
        align="center",
        family=sans,
    )
    cv.text(
        cx,
        mm(32.4),
        "DIRECTOR GENERAL OF THE POLICE DEPARTMENT FOR",
        size_px=pt(3.8),
        align="center",
        family=sans,
    )
    cv.text(
        cx,
        mm(34.0),
        "ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER",
        size_px=pt(3.8),
        align="center",
        family=sans,
    )
    sl.draw_stamp(
        cv.image,
        (mm(9), mm(31.5), mm(23), mm(45.5)),
        text="BỘ CÔNG AN * CỤC CẢNH SÁT QLHC VỀ TTXH *",
        seed=seed,
    )
    sl.draw_signature(cv.image, (mm(18), mm(35), mm(36), mm(41.5)), seed=seed)
    cv.text(cx, mm(43.4), signer.name, size_px=pt(6.6), bold=True, align="center", family=sans)
    # machine readable zone
    d.rectangle((0, mm(44.9), w, mm(45.1)), fill=200)
    for i, line in enumerate(mrz_lines(c, card_expiry(c, issued))):
        cv.text(mm(5), mm(47.6 + 2.4 * i), line, size_px=pt(7.2), family="mono", bold=True)
    return cv


def citizen_id_copy(
    c: Citizen,
    issued: dt.date,
    *,
    dpi: int,
    seed: int,
    signer: Citizen,
    certification: tuple[Citizen, str, dt.date, str, str] | None = None,
) -> Doc:
    """A1:1 photocopy of both sides of a CCCD card on an A4 page, optionally certified
    ("chứng thực bản sao"): (official, ward, date, certification number, book number)."""
    page = sl.Canvas(sl.blank_page(dpi))
    mm = lambda v: sl.mm_to_px(v, dpi)  # noqa: E731
    pt = lambda v: sl.pt_to_px(v, dpi)  # noqa: E731
    front = render_card_front(c, issued, dpi, seed)
    back = render_card_back(c, issued, dpi, seed, signer)
    x = (page.image.width - front.image.width) // 2
    mask = Image.new("L", front.image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, mask.width - 1, mask.height - 1), radius=mm(3.2), fill=255)
    page.paste(front, (x, mm(28)), mask)
    page.paste(back, (x, mm(28) + front.image.height + mm(14)), mask)
    if certification:
        official, ward, day, number, book = certification
        y = mm(28) + 2 * front.image.height + mm(26)
        cx = page.image.width * 0.62
        size = pt(12.5)
        page.text(cx, y, "CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH", size_px=size, bold=True, align="center")
        page.text(cx, y + size * 1.35, f"Số chứng thực: {number}, Quyển số: {book}", size_px=size, align="center")
        page.text(cx, y + size * 2.7, date_text(day).capitalize(), size_px=size, italic=True, align="center")
        page.text(cx, y + size * 4.05, f"ỦY BAN NHÂN DÂN {upper_vi(ward)}", size_px=size, bold=True, align="center")
        page.text(cx, y + size * 5.4, "KT. CHỦ TỊCH", size_px=size, bold=True, align="center")
        page.text(cx, y + size * 6.75, "PHÓ CHỦ TỊCH", size_px=size, bold=True, align="center")
        sl.draw_stamp(
            page.image,
            (int(cx - mm(32)), int(y + size * 5.8), int(cx + mm(2)), int(y + size * 5.8 + mm(34))),
            text=f"ỦY BAN NHÂN DÂN {upper_vi(ward)} * TP. HỒ CHÍ MINH *",
            seed=seed + 7,
        )
        sl.draw_signature(
            page.image,
            (int(cx - mm(18)), int(y + size * 7.3), int(cx + mm(22)), int(y + size * 7.3 + mm(16))),
            seed=seed + 8,
        )
        page.text(cx, y + size * 7.3 + mm(22), official.name, size_px=size, bold=True, align="center")
    fields = {
        "full_name": c.full_name,
        "id_number": c.id_number,
        "date_of_birth": iso(c.date_of_birth),
        "gender": c.gender,
        "address": c.address.short,
        "issue_date": iso(issued),
    }
    return Doc(
        "citizen_id_card",
        [sl.RenderedPage(page.image, page.ground_truth)],
        fields,
        "Căn cước công dân (bản sao)",
    )


# --- civil-status and other documents -------------------------------------------------------------------


def birth_certificate(
    child: Citizen,
    father: Citizen,
    mother: Citizen,
    *,
    registered: dt.date,
    number: str,
    declarant: Citizen,
    relation: str,
    place_of_birth: str,
    clerk: Citizen,
    signer: Citizen,
    seed: int,
    dpi: int = DPI,
) -> Doc:
    a = child.address
    els: list[sl.Element] = [
        sl.graphic("emblem", 20, 20),
        sl.spacer(2),
        *sl.national_header(),
        sl.title("GIẤY KHAI SINH", size_pt=16, space_before_pt=12),
        sl.center("(Bản chính)", italic=True, size_pt=12),
        sl.row((0.0, [Run("Số: "), B(number)]), space_before_pt=8),
        sl.field("Họ, chữ đệm, tên", child.full_name),
        sl.field("Ngày, tháng, năm sinh", dmy(child.date_of_birth)),
        sl.field("Ghi bằng chữ", date_words(child.date_of_birth), bold_value=False),
        sl.field_row(
            (0.0, "Giới tính", child.gender),
            (0.32, "Dân tộc", child.ethnicity),
            (0.62, "Quốc tịch", child.nationality),
        ),
        sl.field("Nơi sinh", place_of_birth),
        sl.field("Quê quán", father.hometown_full),
        sl.field("Số định danh cá nhân", child.id_number),
        sl.spacer(2),
        sl.field("Họ, chữ đệm, tên người mẹ", mother.full_name),
        sl.field_row(
            (0.0, "Năm sinh", str(mother.date_of_birth.year)),
            (0.32, "Dân tộc", mother.ethnicity),
            (0.62, "Quốc tịch", mother.nationality),
        ),
        sl.field("Nơi cư trú", mother.address.full),
        sl.spacer(1),
        sl.field("Họ, chữ đệm, tên người cha", father.full_name),
        sl.field_row(
            (0.0, "Năm sinh", str(father.date_of_birth.year)),
            (0.32, "Dân tộc", father.ethnicity),
            (0.62, "Quốc tịch", father.nationality),
        ),
        sl.field("Nơi cư trú", father.address.full),
        sl.spacer(2),
        sl.field("Họ, chữ đệm, tên người đi khai sinh", declarant.full_name),
        sl.field("Giấy tờ tùy thân", f"Căn cước công dân số {declarant.id_number}", bold_value=False),
        sl.field("Quan hệ với người được khai sinh", relation, bold_value=False),
        sl.field("Nơi đăng ký khai sinh", f"Ủy ban nhân dân {a.ward}, {a.district}, {CITY}", bold_value=False),
        sl.field("Ngày, tháng, năm đăng ký", dmy(registered)),
        sl.date_right(date_line(district_place(child), registered)),
        civil_registry_signature("NGƯỜI KÝ GIẤY KHAI SINH", signer, clerk, a, seed),
    ]
    pages = render(els, dpi=dpi, margins=sl.Margins(top=12, bottom=12, left=25, right=15))
    fields = {
        "full_name": child.full_name,
        "date_of_birth": iso(child.date_of_birth),
        "gender": child.gender,
        "id_number": child.id_number,
        "document_number": number,
        "issue_date": iso(registered),
    }
    return Doc("birth_certificate", pages, fields, "Giấy khai sinh")


def application_letter(
    applicant: Citizen,
    *,
    title_text: str,
    recipient: str,
    request: Sequence[str],
    day: dt.date,
    seed: int,
    extra_fields: Sequence[sl.Element] = (),
    attachments: Sequence[str] = (),
    show_old_id: bool = False,
    dpi: int = DPI,
) -> Doc:
    c = applicant
    els: list[sl.Element] = [
        *sl.national_header(),
        sl.title(title_text, size_pt=15, space_before_pt=18, space_after_pt=10),
        sl.para(Run("Kính gửi: "), B(recipient), indent_mm=18, space_after_pt=8),
        sl.field("Tôi tên là", c.full_name),
        sl.field_row((0.0, "Sinh ngày", dmy(c.date_of_birth)), (0.5, "Giới tính", c.gender)),
        sl.field("Số định danh cá nhân/CCCD", c.id_number),
    ]
    if show_old_id and c.old_id_number:
        els.append(sl.field("Số CMND đã được cấp trước đây", c.old_id_number))
    els += [
        sl.field("Nơi thường trú", c.address.full, bold_value=False),
        sl.field("Số điện thoại liên hệ", c.phone, bold_value=False),
        *extra_fields,
    ]
    for i, text in enumerate(request):
        els.append(sl.para(text, align="left", first_indent_mm=10, space_before_pt=6 if i == 0 else 2))
    if attachments:
        els.append(sl.para("Hồ sơ kèm theo:", italic=True, space_before_pt=4))
        els += [sl.para(f"- {a}", indent_mm=6) for a in attachments]
    els += [
        sl.para(
            "Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước "
            "pháp luật về nội dung đã kê khai.",
            first_indent_mm=10,
            space_before_pt=4,
        ),
        sl.para("Trân trọng cảm ơn./.", first_indent_mm=10),
        sl.date_right(date_line(district_place(c), day), space_before_pt=10),
        sl.signature_block("Người làm đơn", c.name, note="(Ký và ghi rõ họ tên)", seed=seed, space_before_pt=0),
    ]
    pages = render(els, dpi=dpi)
    fields = {
        "full_name": c.full_name,
        "date_of_birth": iso(c.date_of_birth),
        "gender": c.gender,
        "id_number": c.id_number,
        "address": c.address.full,
        "issue_date": iso(day),
    }
    if show_old_id and c.old_id_number:
        fields["old_id_number"] = c.old_id_number
    return Doc("application_letter", pages, fields, title_text)


def marriage_certificate(
    husband: Citizen,
    wife: Citizen,
    *,
    registered: dt.date,
    number: str,
    signer: Citizen,
    seed: int,
    dpi: int = DPI,
) -> Doc:
    a = husband.address

    def idtext(c: Citizen) -> str:
        if c.old_id_number:
            return f"Chứng minh nhân dân số {c.old_id_number}"
        return f"Căn cước công dân số {c.id_number}"

    rows = [
        ("", "Thông tin người chồng", "Thông tin người vợ"),
        ("Họ, chữ đệm, tên:", husband.full_name, wife.full_name),
        ("Ngày, tháng, năm sinh:", dmy(husband.date_of_birth), dmy(wife.date_of_birth)),
        ("Dân tộc:", husband.ethnicity, wife.ethnicity),
        ("Quốc tịch:", husband.nationality, wife.nationality),
        ("Nơi cư trú:", husband.address.full, wife.address.full),
        ("Giấy tờ tùy thân:", f"Căn cước công dân số {husband.id_number}", idtext(wife)),
    ]
    els: list[sl.Element] = [
        sl.graphic("emblem", 20, 20),
        sl.spacer(2),
        *sl.national_header(),
        sl.title("GIẤY CHỨNG NHẬN KẾT HÔN", size_pt=16, space_before_pt=12, space_after_pt=6),
        sl.row((0.0, [Run("Số: "), B(number)])),
        sl.table(rows, (0.3, 0.35, 0.35), size_pt=12.5, borders=False, align_header="left", space_before_pt=6),
        sl.field("Nơi đăng ký kết hôn", f"Ủy ban nhân dân {a.ward}, {a.district}, {CITY}", bold_value=False),
        sl.field("Ngày, tháng, năm đăng ký", dmy(registered)),
        sl.columns(
            [
                sl.center("Chồng", bold=True),
                sl.center("(Ký, ghi rõ họ, chữ đệm, tên)", italic=True, size_pt=11),
                sl.graphic("signature", 34, 16, seed=seed + 2),
                sl.center(husband.name, bold=True),
            ],
            [
                sl.center("Vợ", bold=True),
                sl.center("(Ký, ghi rõ họ, chữ đệm, tên)", italic=True, size_pt=11),
                sl.graphic("signature", 34, 16, seed=seed + 3),
                sl.center(wife.name, bold=True),
            ],
            split=0.5,
            space_before_pt=10,
        ),
        sl.date_right(date_line(district_place(husband), registered), space_before_pt=6),
        sl.signature_block(
            "NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN",
            signer.name,
            note="(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)",
            seed=seed,
            stamp=stamp_text(f"Ủy ban nhân dân {a.ward}", a.district),
            position="CHỦ TỊCH",
            split=0.34,
            space_before_pt=0,
        ),
    ]
    pages = render(els, dpi=dpi)
    fields = {
        "full_name": husband.full_name,
        "spouse_name": wife.full_name,
        "date_of_birth": iso(husband.date_of_birth),
        "id_number": husband.id_number,
        "address": husband.address.full,
        "document_number": number,
        "issue_date": iso(registered),
    }
    return Doc("marriage_certificate", pages, fields, "Giấy chứng nhận kết hôn")


def residence_confirmation(
    head: Citizen,
    members: Sequence[tuple[Citizen, str]],
    *,
    day: dt.date,
    number: str,
    since: dt.date,
    signer: Citizen,
    rank: str,
    seed: int,
    dpi: int = DPI,
) -> Doc:
    a = head.address
    ward = a.ward
    rows = [
        (
            "TT",
            "Họ, chữ đệm và tên",
            "Ngày, tháng, năm sinh",
            "Giới tính",
            "Số định danh cá nhân",
            "Quan hệ với chủ hộ",
        )
    ]
    for i, (m, rel) in enumerate([(head, "Chủ hộ"), *members], start=1):
        rows.append((str(i), m.full_name, dmy(m.date_of_birth), m.gender, m.id_number, rel))
    els: list[sl.Element] = [
        *official_header(
            f"CÔNG AN {district_upper(a.district)}",
            f"CÔNG AN {ward_upper(ward)}",
            number=number,
            date_text=date_line(district_place(head), day),
        ),
        sl.title("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", space_before_pt=14, space_after_pt=8),
        sl.para(
            f"Công an {ward}, {a.district}, {CITY} xác nhận thông tin về cư trú của công dân như sau:",
            first_indent_mm=10,
            space_after_pt=4,
        ),
        sl.field("1. Họ, chữ đệm và tên", head.full_name),
        sl.field_row((0.0, "2. Ngày, tháng, năm sinh", dmy(head.date_of_birth)), (0.58, "3. Giới tính", head.gender)),
        sl.field("4. Số định danh cá nhân", head.id_number),
        sl.field("5. Nơi thường trú", a.full, bold_value=False),
        sl.field("6. Nơi tạm trú", "Không", bold_value=False),
        sl.field("7. Nơi ở hiện tại", a.full, bold_value=False),
        sl.field("8. Thời gian bắt đầu cư trú tại nơi thường trú", dmy(since), bold_value=False),
        sl.field("9. Họ, chữ đệm và tên chủ hộ", head.full_name),
        sl.field("10. Quan hệ với chủ hộ", "Chủ hộ", bold_value=False),
        sl.field("11. Số định danh cá nhân của chủ hộ", head.id_number),
        sl.para("12. Thông tin về thành viên hộ gia đình:", space_before_pt=2),
        sl.table(rows, (0.06, 0.28, 0.15, 0.1, 0.22, 0.19), size_pt=11),
        sl.para(
            "Giấy xác nhận thông tin về cư trú có giá trị 06 tháng kể từ ngày cấp./.",
            italic=True,
            space_before_pt=6,
        ),
        sl.signature_block(
            "TRƯỞNG CÔNG AN PHƯỜNG",
            f"{rank} {signer.name}",
            note="",
            seed=seed,
            stamp=f"CÔNG AN {ward_upper(ward)} * {district_upper(a.district)} *",
            split=0.45,
            left=[
                sl.para("Nơi nhận:", bold=True, italic=True, size_pt=11.5),
                sl.para("- Công dân;", size_pt=11),
                sl.para("- Lưu: HSCT.", size_pt=11),
            ],
        ),
    ]
    pages = render(els, dpi=dpi)
    fields = {
        "full_name": head.full_name,
        "date_of_birth": iso(head.date_of_birth),
        "gender": head.gender,
        "id_number": head.id_number,
        "address": a.full,
        "document_number": number,
        "issue_date": iso(day),
    }
    return Doc("residence_confirmation", pages, fields, "Giấy xác nhận thông tin về cư trú")


def dossier_receipt(
    submitter: Citizen,
    *,
    code: str,
    received: dt.datetime,
    due: dt.datetime,
    request: str,
    items: Sequence[str],
    book: str,
    clerk: Citizen,
    seed: int,
    dpi: int = DPI,
) -> Doc:
    a = submitter.address
    els: list[sl.Element] = [
        *official_header(
            f"ỦY BAN NHÂN DÂN {district_upper(a.district)}",
            f"ỦY BAN NHÂN DÂN {ward_upper(a.ward)}",
            date_text=date_line(district_place(submitter), received.date()),
        ),
        sl.title("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", space_before_pt=14),
        sl.center(f"Mã hồ sơ: {code}", bold=True, size_pt=13),
        sl.center("(Liên: Giao người nộp hồ sơ)", italic=True, size_pt=11.5),
        sl.para(f"Bộ phận tiếp nhận và trả kết quả Ủy ban nhân dân {a.ward}, {a.district}", space_before_pt=8),
        sl.field("Tiếp nhận hồ sơ của", f"{submitter.honorific} {submitter.full_name}"),
        sl.field("Địa chỉ", a.full, bold_value=False),
        sl.field_row((0.0, "Số điện thoại", submitter.phone), (0.5, "Email", "Không")),
        sl.field("Nội dung yêu cầu giải quyết", request, bold_value=False),
        sl.para("1. Thành phần hồ sơ nộp gồm:", space_before_pt=4),
        *[sl.para(f"{chr(ord('a') + i)}) {item}", indent_mm=6) for i, item in enumerate(items)],
        sl.para("2. Số lượng hồ sơ: 01 (bộ)."),
        sl.para(f"3. Thời gian giải quyết hồ sơ theo quy định là: {(due.date() - received.date()).days:02d} ngày."),
        sl.para(f"4. Thời gian nhận hồ sơ: {received:%H} giờ {received:%M} phút, ngày {dmy(received.date())}."),
        sl.para(f"5. Thời gian trả kết quả giải quyết hồ sơ: {due:%H} giờ {due:%M} phút, ngày {dmy(due.date())}."),
        sl.para(f"6. Đăng ký nhận kết quả tại: Bộ phận Một cửa Ủy ban nhân dân {a.ward}."),
        sl.para(
            f"Vào Sổ theo dõi hồ sơ, Quyển số: {book}, Số thứ tự: {code[-4:]}.",
            italic=True,
            space_before_pt=4,
        ),
        sl.columns(
            [
                sl.center("NGƯỜI NỘP HỒ SƠ", bold=True),
                sl.center("(Ký và ghi rõ họ tên)", italic=True, size_pt=11.5),
                sl.graphic("signature", 36, 18, seed=seed + 1),
                sl.center(submitter.name, bold=True),
            ],
            [
                sl.center("NGƯỜI TIẾP NHẬN HỒ SƠ", bold=True),
                sl.center("(Ký và ghi rõ họ tên)", italic=True, size_pt=11.5),
                sl.graphic("signature", 36, 18, seed=seed),
                sl.center(clerk.name, bold=True),
            ],
            split=0.5,
            space_before_pt=12,
        ),
    ]
    pages = render(els, dpi=dpi)
    fields = {
        "full_name": submitter.full_name,
        "dossier_code": code,
        "address": a.full,
        "issue_date": iso(received.date()),
    }
    return Doc("dossier_receipt", pages, fields, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")


def power_of_attorney(
    principal: Citizen,
    agent: Citizen,
    *,
    day: dt.date,
    relation: str,
    bhxh: str,
    post_office: str,
    until: dt.date,
    card_issued: tuple[dt.date, dt.date],
    official: Citizen,
    cert_number: str,
    seed: int,
    dpi: int = DPI,
) -> Doc:
    p, g = principal, agent
    a = p.address
    issuer = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
    els: list[sl.Element] = [
        *sl.national_header(),
        sl.title("GIẤY ỦY QUYỀN", size_pt=16, space_before_pt=16),
        sl.center("(V/v nhận thay lương hưu, trợ cấp bảo hiểm xã hội hằng tháng)", italic=True, size_pt=12.5),
        sl.para(
            "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;",
            italic=True,
            space_before_pt=8,
            first_indent_mm=10,
        ),
        sl.para(
            f"Hôm nay, {date_text(day)}, tại Ủy ban nhân dân {a.ward}, {a.district}, {CITY}, chúng tôi gồm có:",
            first_indent_mm=10,
        ),
        sl.para("I. NGƯỜI ỦY QUYỀN:", bold=True, space_before_pt=6),
        sl.field_row((0.0, "Họ và tên", p.full_name), (0.6, "Sinh ngày", dmy(p.date_of_birth))),
        sl.field("Mã số BHXH", bhxh, bold_value=False),
        sl.field("Loại chế độ được hưởng", "Lương hưu hằng tháng", bold_value=False),
        sl.field("Số điện thoại liên hệ", p.phone, bold_value=False),
        sl.field("Số căn cước công dân", f"{p.id_number}", bold_value=True),
        sl.field("Do", f"{issuer} cấp ngày {dmy(card_issued[0])}", bold_value=False),
        sl.field("Nơi cư trú", a.full, bold_value=False),
        sl.para("II. NGƯỜI ĐƯỢC ỦY QUYỀN:", bold=True, space_before_pt=6),
        sl.field_row((0.0, "Họ và tên", g.full_name), (0.6, "Sinh ngày", dmy(g.date_of_birth))),
        sl.field("Số căn cước công dân", g.id_number),
        sl.field("Do", f"{issuer} cấp ngày {dmy(card_issued[1])}", bold_value=False),
        sl.field("Nơi cư trú", g.address.full, bold_value=False),
        sl.field("Số điện thoại", g.phone, bold_value=False),
        sl.field("Quan hệ với người ủy quyền", relation, bold_value=False),
        sl.para("III. NỘI DUNG ỦY QUYỀN:", bold=True, space_before_pt=6),
        sl.para(
            f"Người được ủy quyền thay mặt người ủy quyền nhận lương hưu hằng tháng tại {post_office}; "
            "ký nhận tiền, ký các giấy tờ có liên quan và nhận các khoản truy lĩnh (nếu có) theo quy định.",
            first_indent_mm=10,
        ),
        sl.para(
            Run("IV. THỜI HẠN ỦY QUYỀN: ", bold=True),
            Run(f"Từ ngày {dmy(day)} đến ngày {dmy(until)}."),
            space_before_pt=6,
        ),
        sl.page_break(),
        sl.para("Chúng tôi cam kết chấp hành đúng nội dung ủy quyền như đã nêu ở trên.", first_indent_mm=10),
        sl.para(
            "Trong trường hợp người ủy quyền xuất cảnh trái phép hoặc bị Tòa án tuyên bố là mất tích hoặc "
            "bị chết hoặc có căn cứ xác định việc hưởng bảo hiểm xã hội không đúng quy định của pháp luật "
            "thì tôi là người được ủy quyền cam kết sẽ thông báo kịp thời cho đại diện chi trả hoặc Bảo hiểm "
            "xã hội cấp huyện. Tôi xin chịu trách nhiệm trước pháp luật và hoàn trả lại tiền nếu không thực "
            "hiện đúng cam kết./.",
            first_indent_mm=10,
            space_before_pt=2,
        ),
        sl.date_right(date_line(district_place(p), day), space_before_pt=10),
        sl.columns(
            [
                sl.center("NGƯỜI ĐƯỢC ỦY QUYỀN", bold=True),
                sl.center("(Ký, ghi rõ họ tên)", italic=True, size_pt=12),
                sl.graphic("signature", 38, 20, seed=seed + 1),
                sl.center(g.name, bold=True),
            ],
            [
                sl.center("NGƯỜI ỦY QUYỀN", bold=True),
                sl.center("(Ký, ghi rõ họ tên)", italic=True, size_pt=12),
                sl.graphic("signature", 38, 20, seed=seed + 2),
                sl.center(p.name, bold=True),
            ],
            split=0.5,
            space_before_pt=4,
        ),
        sl.title("LỜI CHỨNG CỦA NGƯỜI THỰC HIỆN CHỨNG THỰC", size_pt=13.5, space_before_pt=22, space_after_pt=4),
        sl.para(f"{date_words(day)}, tại Ủy ban nhân dân {a.ward}, {a.district}, {CITY}.", first_indent_mm=10),
        sl.para(f"Tôi, {official.name}, Phó Chủ tịch Ủy ban nhân dân {a.ward}.", first_indent_mm=10),
        sl.para("Chứng thực:", bold=True, first_indent_mm=10),
        sl.para(
            f"{p.honorific} {p.name}, căn cước công dân số {p.id_number}, đã ký vào giấy ủy quyền này trước mặt tôi.",
            first_indent_mm=10,
        ),
        sl.para(f"Số chứng thực: {cert_number}, Quyển số 02/{day.year}-SCT/CK,ĐC.", first_indent_mm=10),
        sl.signature_block(
            "NGƯỜI THỰC HIỆN CHỨNG THỰC",
            official.name,
            note="(Ký, ghi rõ họ tên, đóng dấu)",
            seed=seed,
            stamp=stamp_text(f"Ủy ban nhân dân {a.ward}", a.district),
            position="PHÓ CHỦ TỊCH",
            split=0.45,
            space_before_pt=6,
        ),
    ]
    pages = render(els, dpi=dpi, pages=2)
    fields = {
        "full_name": p.full_name,
        "date_of_birth": iso(p.date_of_birth),
        "id_number": p.id_number,
        "address": a.full,
        "agent_name": g.full_name,
        "issue_date": iso(day),
    }
    return Doc("power_of_attorney", pages, fields, "Giấy ủy quyền")


def marital_status_certificate(
    c: Citizen,
    *,
    day: dt.date,
    number: str,
    since: dt.date,
    purpose: str,
    card_issued: dt.date,
    signer: Citizen,
    seed: int,
    dpi: int = DPI,
) -> Doc:
    a = c.address
    els: list[sl.Element] = [
        *official_header(
            f"ỦY BAN NHÂN DÂN {district_upper(a.district)}",
            f"ỦY BAN NHÂN DÂN {ward_upper(a.ward)}",
            number=number,
            date_text=date_line(district_place(c), day),
        ),
        sl.title("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", size_pt=15.5, space_before_pt=16, space_after_pt=8),
        sl.center(f"ỦY BAN NHÂN DÂN {ward_upper(a.ward)}, {district_upper(a.district)}", bold=True),
        sl.center("XÁC NHẬN:", bold=True, space_before_pt=2),
        sl.field("Họ, chữ đệm, tên", c.full_name),
        sl.field("Ngày, tháng, năm sinh", dmy(c.date_of_birth)),
        sl.field_row((0.0, "Giới tính", c.gender), (0.32, "Dân tộc", c.ethnicity), (0.62, "Quốc tịch", c.nationality)),
        sl.field("Số định danh cá nhân", c.id_number),
        sl.field(
            "Giấy tờ tùy thân",
            f"Căn cước công dân số {c.id_number}, cấp ngày {dmy(card_issued)}, "
            "nơi cấp: Cục Cảnh sát quản lý hành chính về trật tự xã hội",
            bold_value=False,
        ),
        sl.field("Nơi cư trú", a.full, bold_value=False),
        sl.field(
            "Trong thời gian cư trú tại",
            f"{a.ward}, {a.district}, {CITY}, từ ngày {dmy(since)} đến ngày {dmy(day)}",
            bold_value=False,
        ),
        sl.field("Tình trạng hôn nhân", "Chưa đăng ký kết hôn với ai.", bold_value=True),
        sl.field("Giấy này được cấp để", purpose, bold_value=False),
        sl.para(
            "Giấy này có giá trị sử dụng trong thời hạn 06 tháng, kể từ ngày cấp.",
            italic=True,
            space_before_pt=4,
        ),
        sl.signature_block(
            "KT. CHỦ TỊCH",
            signer.name,
            note="",
            position="PHÓ CHỦ TỊCH",
            seed=seed,
            stamp=stamp_text(f"Ủy ban nhân dân {a.ward}", a.district),
            split=0.45,
            space_before_pt=10,
            left=[
                sl.para("Nơi nhận:", bold=True, italic=True, size_pt=11.5),
                sl.para("- Người yêu cầu;", size_pt=11),
                sl.para("- Lưu: VT, HT.", size_pt=11),
            ],
        ),
    ]
    pages = render(els, dpi=dpi)
    fields = {
        "full_name": c.full_name,
        "date_of_birth": iso(c.date_of_birth),
        "gender": c.gender,
        "id_number": c.id_number,
        "address": a.full,
        "document_number": number,
        "issue_date": iso(day),
    }
    return Doc("marital_status_certificate", pages, fields, "Giấy xác nhận tình trạng hôn nhân")


def death_certificate(
    c: Citizen,
    *,
    died: dt.datetime,
    place: str,
    cause: str,
    notice: str,
    notice_by: str,
    registered: dt.date,
    number: str,
    declarant: Citizen,
    relation: str,
    clerk: Citizen,
    signer: Citizen,
    seed: int,
    dpi: int = DPI,
) -> Doc:
    a = c.address
    els: list[sl.Element] = [
        *official_header(f"ỦY BAN NHÂN DÂN {district_upper(a.district)}", f"ỦY BAN NHÂN DÂN {ward_upper(a.ward)}"),
        sl.row((0.0, [Run("Số: "), B(number)]), space_before_pt=6),
        sl.title("TRÍCH LỤC KHAI TỬ", size_pt=16, space_before_pt=10),
        sl.center("(Bản chính)", italic=True, size_pt=12),
        sl.field("Họ, chữ đệm, tên", c.full_name),
        sl.field("Ngày, tháng, năm sinh", dmy(c.date_of_birth)),
        sl.field_row((0.0, "Giới tính", c.gender), (0.32, "Dân tộc", c.ethnicity), (0.62, "Quốc tịch", c.nationality)),
        sl.field("Số định danh cá nhân", c.id_number),
        sl.field("Nơi cư trú cuối cùng", a.full, bold_value=False),
        sl.field("Đã chết vào lúc", f"{died:%H} giờ {died:%M} phút, ngày {dmy(died.date())}"),
        sl.field("Nơi chết", place, bold_value=False),
        sl.field("Nguyên nhân chết", cause, bold_value=False),
        sl.field("Giấy báo tử", f"Số {notice} do {notice_by} cấp ngày {dmy(died.date())}", bold_value=False),
        sl.spacer(2),
        sl.field("Họ, chữ đệm, tên người đi khai tử", declarant.full_name),
        sl.field("Giấy tờ tùy thân", f"Căn cước công dân số {declarant.id_number}", bold_value=False),
        sl.field("Quan hệ với người đã chết", relation, bold_value=False),
        sl.field("Nơi đăng ký khai tử", f"Ủy ban nhân dân {a.ward}, {a.district}, {CITY}", bold_value=False),
        sl.field("Ngày, tháng, năm đăng ký", dmy(registered)),
        sl.date_right(date_line(district_place(c), registered)),
        civil_registry_signature("NGƯỜI KÝ TRÍCH LỤC", signer, clerk, a, seed),
    ]
    pages = render(els, dpi=dpi)
    fields = {
        "full_name": c.full_name,
        "date_of_birth": iso(c.date_of_birth),
        "gender": c.gender,
        "id_number": c.id_number,
        "address": a.full,
        "document_number": number,
        "issue_date": iso(registered),
    }
    return Doc("death_certificate", pages, fields, "Trích lục khai tử")


def birth_registration_form(
    child: Citizen,
    father: Citizen,
    mother: Citizen,
    *,
    requester: Citizen,
    relation: str,
    day: dt.date,
    place_of_birth: str,
    seed: int,
    dpi: int = DPI,
) -> Doc:
    """Tờ khai đăng ký khai sinh (TT 04/2020/TT-BTP), filled in over the form's dotted lines."""
    a = requester.address
    # printed forms are double spaced so there is room to write by hand
    f = lambda label, value, **kw: sl.field(label, value, leader=True, line_spacing=1.75, **kw)  # noqa: E731
    fr = lambda *pairs: sl.field_row(*pairs, line_spacing=1.75)  # noqa: E731
    els: list[sl.Element] = [
        *sl.national_header(),
        sl.title("TỜ KHAI ĐĂNG KÝ KHAI SINH", size_pt=15, space_before_pt=16, space_after_pt=8),
        f("Kính gửi", f"Ủy ban nhân dân {a.ward}, {a.district}", bold_value=False),
        f("Họ, chữ đệm, tên người yêu cầu", requester.full_name),
        f("Nơi cư trú", a.full, bold_value=False),
        f("Giấy tờ tùy thân", f"Căn cước công dân số {requester.id_number}", bold_value=False),
        f("Quan hệ với người được khai sinh", relation, bold_value=False),
        sl.para("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", bold=True, space_before_pt=6),
        f("Họ, chữ đệm, tên", child.full_name),
        f("Ngày, tháng, năm sinh", dmy(child.date_of_birth)),
        f("Ghi bằng chữ", date_words(child.date_of_birth), bold_value=False),
        fr(
            (0.0, "Giới tính", child.gender),
            (0.32, "Dân tộc", child.ethnicity),
            (0.62, "Quốc tịch", child.nationality),
        ),
        f("Nơi sinh", place_of_birth, bold_value=False),
        f("Quê quán", father.hometown_full, bold_value=False),
        f("Họ, chữ đệm, tên người mẹ", mother.full_name, bold_value=False),
        fr(
            (0.0, "Năm sinh", str(mother.date_of_birth.year)),
            (0.32, "Dân tộc", mother.ethnicity),
            (0.62, "Quốc tịch", mother.nationality),
        ),
        f("Nơi cư trú", mother.address.full, bold_value=False),
        f("Họ, chữ đệm, tên người cha", father.full_name, bold_value=False),
        fr(
            (0.0, "Năm sinh", str(father.date_of_birth.year)),
            (0.32, "Dân tộc", father.ethnicity),
            (0.62, "Quốc tịch", father.nationality),
        ),
        f("Nơi cư trú", father.address.full, bold_value=False),
        sl.page_break(),
        sl.para(
            "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận "
            "nhất trí của các bên liên quan theo quy định pháp luật.",
            first_indent_mm=10,
        ),
        sl.para(
            "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình.",
            first_indent_mm=10,
        ),
        f("Đề nghị cấp bản sao", "Có, số lượng: 02 bản", bold_value=False),
        sl.date_right(f"Làm tại: {date_line(district_place(requester), day)}", space_before_pt=10),
        sl.signature_block(
            "Người yêu cầu",
            requester.name,
            note="(Ký, ghi rõ họ, chữ đệm, tên)",
            seed=seed,
            space_before_pt=0,
        ),
        sl.para("Chú thích:", bold=True, italic=True, size_pt=11, space_before_pt=40),
        sl.para("(1) Ghi rõ tên cơ quan đăng ký khai sinh.", italic=True, size_pt=11),
        sl.para(
            "(2) Ghi theo nơi đăng ký thường trú; nếu không có nơi đăng ký thường trú thì ghi theo nơi đăng ký "
            "tạm trú; trường hợp không có nơi đăng ký thường trú và nơi đăng ký tạm trú thì ghi theo nơi "
            "đang sinh sống.",
            italic=True,
            size_pt=11,
        ),
        sl.para(
            "(3) Ghi thông tin về giấy tờ tùy thân của người đi đăng ký, ghi rõ số, cơ quan cấp, ngày cấp "
            "hộ chiếu, chứng minh nhân dân hoặc giấy tờ hợp lệ thay thế.",
            italic=True,
            size_pt=11,
        ),
        sl.para(
            "(4) Trường hợp trẻ em sinh tại cơ sở y tế thì ghi rõ tên cơ sở y tế và địa chỉ của cơ sở y tế đó.",
            italic=True,
            size_pt=11,
        ),
    ]
    pages = render(els, dpi=dpi, pages=2)
    fields = {
        "full_name": child.full_name,
        "date_of_birth": iso(child.date_of_birth),
        "gender": child.gender,
        "issue_date": iso(day),
    }
    return Doc("birth_registration_form", pages, fields, "Tờ khai đăng ký khai sinh")


def social_allowance_decision(
    c: Citizen, *, day: dt.date, number: str, start: dt.date, signer: Citizen, seed: int, dpi: int = DPI
) -> Doc:
    a = c.address
    district_title = district_upper(a.district)
    els: list[sl.Element] = [
        *official_header(
            "",
            f"ỦY BAN NHÂN DÂN {district_title}",
            number=number,
            date_text=date_line(district_place(c), day),
        ),
        sl.title("QUYẾT ĐỊNH", size_pt=15, space_before_pt=16, space_after_pt=0),
        sl.center("Về việc trợ cấp xã hội hằng tháng đối với người cao tuổi", bold=True, size_pt=13.5, rule_mm=40),
        sl.title(f"CHỦ TỊCH ỦY BAN NHÂN DÂN {district_title}", size_pt=13.5, space_before_pt=10, space_after_pt=6),
        sl.para(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
            "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
            italic=True,
            first_indent_mm=10,
        ),
        sl.para(
            "Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15 tháng 3 năm 2021 của Chính phủ quy định chính sách trợ "
            "giúp xã hội đối với đối tượng bảo trợ xã hội;",
            italic=True,
            first_indent_mm=10,
        ),
        sl.para(
            f"Xét đề nghị của Trưởng phòng Lao động - Thương binh và Xã hội {a.district} và Chủ tịch Ủy ban "
            f"nhân dân {a.ward},",
            italic=True,
            first_indent_mm=10,
        ),
        sl.title("QUYẾT ĐỊNH:", size_pt=13.5, space_before_pt=8, space_after_pt=4),
        sl.para(
            B("Điều 1. "),
            Run(f"Trợ cấp xã hội hằng tháng đối với {c.honorific.lower()}:"),
            first_indent_mm=10,
        ),
        sl.field("Họ, chữ đệm, tên", c.full_name, indent_mm=10),
        sl.field_row((0.06, "Sinh ngày", dmy(c.date_of_birth)), (0.5, "Giới tính", c.gender)),
        sl.field("Số định danh cá nhân", c.id_number, indent_mm=10),
        sl.field("Nơi cư trú", a.full, bold_value=False, indent_mm=10),
        sl.para(
            "Mức trợ cấp: 540.000 đồng/tháng (Năm trăm bốn mươi nghìn đồng), hệ số 1,5 theo quy định.",
            indent_mm=10,
        ),
        sl.para(f"Thời điểm hưởng trợ cấp: từ tháng {start.month:02d} năm {start.year}.", indent_mm=10),
        sl.para(
            B("Điều 2. "),
            Run("Quyết định này có hiệu lực kể từ ngày ký."),
            first_indent_mm=10,
            space_before_pt=4,
        ),
        sl.para(
            B("Điều 3. "),
            Run(
                f"Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {a.district}, Trưởng phòng "
                f"Lao động - Thương binh và Xã hội, Chủ tịch Ủy ban nhân dân {a.ward} và "
                f"{c.honorific.lower()} có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định "
                "này./."
            ),
            first_indent_mm=10,
            space_before_pt=4,
        ),
        sl.signature_block(
            "KT. CHỦ TỊCH",
            signer.name,
            note="",
            position="PHÓ CHỦ TỊCH",
            seed=seed,
            stamp=f"ỦY BAN NHÂN DÂN {district_title} * TP. HỒ CHÍ MINH *",
            split=0.45,
            left=[
                sl.para("Nơi nhận:", bold=True, italic=True, size_pt=11.5),
                sl.para("- Như Điều 3;", size_pt=11),
                sl.para("- Bảo hiểm xã hội quận;", size_pt=11),
                sl.para("- Lưu: VT, LĐTBXH.", size_pt=11),
            ],
        ),
    ]
    pages = render(els, dpi=dpi)
    fields = {
        "full_name": c.full_name,
        "date_of_birth": iso(c.date_of_birth),
        "gender": c.gender,
        "id_number": c.id_number,
        "address": a.full,
        "document_number": number,
        "issue_date": iso(day),
    }
    return Doc("decision", pages, fields, "Quyết định trợ cấp xã hội")


# --- the sample set ------------------------------------------------------------------------------------


@dataclass
class Sample:
    source: str  # file or folder name under sample_scans/
    kind: str  # "file" | "folder"
    docs: list[Doc]
    write: Callable[[Path, list[Image.Image]], list[str]]  # writes the degraded pages, returns file names
    degrade: Callable[[list[Image.Image]], list[Image.Image]]
    what: str
    exercises: str
    capture: dict  # how the pages were captured: format, dpi, color, and any rotation/skew applied
    files: list[str] = field(default_factory=list)
    page_images: list[Image.Image] = field(default_factory=list)  # as written (after degradation)


def _pages(docs: Sequence[Doc]) -> list[sl.RenderedPage]:
    return [p for d in docs for p in d.pages]


def build_samples() -> list[Sample]:
    rng = random.Random(SEED)
    samples: list[Sample] = []

    def sample_rng(k: int) -> random.Random:
        return random.Random(SEED * 100 + k)

    # 1. birth certificate, image PDF at 200 dpi grayscale --------------------------------------
    r = sample_rng(1)
    father = make_citizen(
        r,
        gender="Nam",
        surname="Nguyễn",
        born=(dt.date(1986, 1, 1), dt.date(1992, 12, 31)),
        district="Quận 1",
        province_code="036",
    )
    mother = make_citizen(
        r,
        gender="Nữ",
        surname="Đặng",
        born=(dt.date(1988, 1, 1), dt.date(1994, 12, 31)),
        address=father.address,
    )
    child = make_child(
        r,
        father=father,
        mother=mother,
        born=(dt.date(2019, 2, 1), dt.date(2019, 4, 30)),
        gender="Nam",
        middle="Đức",
    )
    registered = child.date_of_birth + dt.timedelta(days=r.randint(10, 40))
    doc = birth_certificate(
        child,
        father,
        mother,
        registered=registered,
        number=f"{r.randint(80, 400)}/{registered.year}/KS",
        declarant=father,
        relation="Cha",
        place_of_birth=f"Bệnh viện Từ Dũ, Quận 1, {CITY}",
        clerk=officer(r),
        signer=officer(r),
        seed=101,
    )
    samples.append(
        Sample(
            f"giay_khai_sinh_{child.slug}.pdf",
            "file",
            [doc],
            write=lambda out, imgs: _write_pdf(out, imgs, DPI),
            degrade=lambda imgs: [sl.scanner(im, seed=1, blur=0.6, paper=243, ink=30, noise=2.5) for im in imgs],
            capture={"format": "pdf", "dpi": 200, "color": "gray", "compression": "jpeg"},
            what="Giấy khai sinh (birth certificate), 1 page, image-only PDF, 200 dpi grayscale JPEG",
            exercises="PDF rasterisation; a clean scan; name with Đ (ĐỨC) and NGUYỄN; parents' names and IDs "
            "as distractors for the main person's fields",
        )
    )

    # 2. CCCD photocopy, PNG ----------------------------------------------------------------------
    r = sample_rng(2)
    holder = make_citizen(
        r,
        gender="Nam",
        surname="Đặng",
        born=(dt.date(1984, 1, 1), dt.date(1994, 12, 31)),
        district="Quận Bình Thạnh",
        province_code="079",
    )
    issued = dt.date(2021, 4, r.randint(5, 28))
    doc = citizen_id_copy(
        holder,
        issued,
        dpi=300,
        seed=202,
        signer=officer(r),
        certification=(officer(r), holder.address.ward, dt.date(2023, 6, 14), "1287", "02/2023-SCT/BS"),
    )
    samples.append(
        Sample(
            f"can_cuoc_cong_dan_{holder.slug}.png",
            "file",
            [doc],
            write=lambda out, imgs: _write_single(out, imgs, "png"),
            degrade=lambda imgs: [
                sl.quantize_gray(sl.scanner(im, seed=2, blur=0.8, paper=250, ink=25), 16) for im in imgs
            ],
            capture={"format": "png", "dpi": 300, "color": "gray"},
            what="Căn cước công dân (chip ID card) front and back photocopied 1:1 on an A4 page, certified copy; "
            "PNG 300 dpi grayscale",
            exercises="small print (5-10 pt card text), bilingual labels, MRZ, photo, QR code, two dates "
            "(card issue date vs certification date), an address split over two card lines",
        )
    )

    # 3. application letter, PNG ------------------------------------------------------------------
    r = sample_rng(3)
    applicant = make_citizen(
        r,
        gender="Nữ",
        surname="Lê",
        born=(dt.date(1975, 1, 1), dt.date(1984, 12, 31)),
        district="Quận Gò Vấp",
        province_code="079",
        with_old_id=True,
    )
    day = dt.date(2023, 10, 9)
    doc = application_letter(
        applicant,
        title_text="ĐƠN ĐỀ NGHỊ XÁC NHẬN SỐ CHỨNG MINH NHÂN DÂN",
        recipient=f"Công an {applicant.address.ward}, {applicant.address.district}",
        request=[
            f"Nay tôi làm đơn này kính đề nghị Công an {applicant.address.ward} xác nhận số Chứng minh "
            "nhân dân 9 số đã được cấp trước đây và số định danh cá nhân hiện nay là của cùng một người, "
            "để tôi bổ sung hồ sơ cập nhật thông tin tài khoản tại ngân hàng và hồ sơ nhà đất."
        ],
        day=day,
        seed=303,
        show_old_id=True,
    )
    samples.append(
        Sample(
            f"don_de_nghi_xac_nhan_so_cmnd_{applicant.slug}.png",
            "file",
            [doc],
            write=lambda out, imgs: _write_single(out, imgs, "png"),
            degrade=lambda imgs: [
                sl.quantize_gray(sl.scanner(im, seed=3, blur=0.7, paper=248, ink=28), 12) for im in imgs
            ],
            capture={"format": "png", "dpi": 200, "color": "gray"},
            what="Đơn đề nghị xác nhận số CMND (application letter), PNG 200 dpi grayscale",
            exercises="application letter with 'Kính gửi:'; both a 12-digit ID and an old 9-digit CMND number; "
            "applicant name in capitals and again in title case under the signature",
        )
    )

    # 4. marriage certificate, 1-bit PDF at 300 dpi --------------------------------------------------
    r = sample_rng(4)
    husband = make_citizen(
        r,
        gender="Nam",
        surname="Huỳnh",
        born=(dt.date(1990, 1, 1), dt.date(1995, 12, 31)),
        district="Quận Tân Bình",
        province_code="079",
    )
    wife = make_citizen(
        r,
        gender="Nữ",
        surname="Đỗ",
        born=(dt.date(1991, 1, 1), dt.date(1997, 12, 31)),
        district="Quận 10",
        province_code="048",
        with_old_id=True,
    )
    registered = dt.date(2022, 5, 20)
    doc = marriage_certificate(
        husband,
        wife,
        registered=registered,
        number=f"{r.randint(20, 160)}/2022/KH",
        signer=officer(r),
        seed=404,
        dpi=300,
    )
    samples.append(
        Sample(
            f"giay_chung_nhan_ket_hon_{husband.slug}_{wife.slug}.pdf",
            "file",
            [doc],
            write=lambda out, imgs: _write_pdf(out, imgs, 300),
            degrade=lambda imgs: [
                sl.binarize(sl.scanner(im, seed=4, blur=1.0, paper=240, ink=40, noise=4)) for im in imgs
            ],
            capture={"format": "pdf", "dpi": 300, "color": "bilevel", "compression": "flate"},
            what="Giấy chứng nhận kết hôn (marriage certificate), 1 page, image-only PDF, 300 dpi 1-bit (Flate)",
            exercises="bilevel PDF page; two-column husband/wife layout (column reading order); the wife "
            "identified by an old CMND; stamp over the signature",
        )
    )

    # 5. residence confirmation, PNG downsampled to 150 dpi ----------------------------------------
    r = sample_rng(5)
    head = make_citizen(
        r,
        gender="Nam",
        surname="Phạm",
        born=(dt.date(1970, 1, 1), dt.date(1980, 12, 31)),
        district="Quận Phú Nhuận",
        province_code="079",
    )
    spouse = make_citizen(r, gender="Nữ", born=(dt.date(1972, 1, 1), dt.date(1982, 12, 31)), address=head.address)
    kid = make_child(r, father=head, mother=spouse, born=(dt.date(2003, 1, 1), dt.date(2008, 12, 31)), gender="Nữ")
    doc = residence_confirmation(
        head,
        [(spouse, "Vợ"), (kid, "Con")],
        day=dt.date(2024, 1, 16),
        number=f"{r.randint(100, 2000)}/XN-CAP",
        since=dt.date(2009, 7, 2),
        signer=officer(r, "Nam"),
        rank="Thiếu tá",
        seed=505,
        dpi=300,
    )
    samples.append(
        Sample(
            f"giay_xac_nhan_cu_tru_{head.slug}.png",
            "file",
            [doc],
            write=lambda out, imgs: _write_single(out, imgs, "png"),
            degrade=lambda imgs: [
                sl.quantize_gray(sl.downsample(sl.scanner(im, seed=5, blur=0.9, paper=247, ink=30), 300, 150), 16)
                for im in imgs
            ],
            capture={"format": "png", "dpi": 150, "color": "gray"},
            what="Giấy xác nhận thông tin về cư trú (mẫu CT07, residence confirmation), PNG 150 dpi grayscale",
            exercises="low resolution (150 dpi); a household table with three people's names, birth dates and IDs "
            "(only the household head is the main person)",
        )
    )

    # 6. multi-document PDF: application + CCCD copy + birth certificate + receipt ----------------
    r = sample_rng(6)
    dad = make_citizen(
        r,
        gender="Nam",
        surname="Vũ",
        born=(dt.date(1987, 1, 1), dt.date(1993, 12, 31)),
        district="Quận Bình Thạnh",
        province_code="040",
    )
    mom = make_citizen(
        r,
        gender="Nữ",
        surname="Đoàn",
        born=(dt.date(1990, 1, 1), dt.date(1996, 12, 31)),
        address=dad.address,
        province_code="079",
    )
    baby = make_child(r, father=dad, mother=mom, born=(dt.date(2022, 6, 1), dt.date(2023, 6, 30)))
    submitted = dt.datetime(2024, 3, 12, 9, 15)
    a = mom.address
    letter = application_letter(
        mom,
        title_text="ĐƠN ĐỀ NGHỊ CẤP THẺ BẢO HIỂM Y TẾ CHO TRẺ EM DƯỚI 6 TUỔI",
        recipient=f"Ủy ban nhân dân {a.ward}, {a.district}",
        extra_fields=[
            sl.field("Là mẹ của cháu", baby.full_name),
            sl.field_row((0.0, "Sinh ngày", dmy(baby.date_of_birth)), (0.4, "Số định danh cá nhân", baby.id_number)),
        ],
        request=[
            f"Nay tôi làm đơn này kính đề nghị Ủy ban nhân dân {a.ward} lập danh sách đề nghị Bảo hiểm xã "
            f"hội {a.district} cấp thẻ bảo hiểm y tế cho con tôi theo quy định của Luật Bảo hiểm y tế."
        ],
        attachments=["Bản sao Căn cước công dân của người làm đơn;", "Bản sao Giấy khai sinh của cháu."],
        day=submitted.date(),
        seed=601,
    )
    card = citizen_id_copy(mom, dt.date(2021, 8, r.randint(2, 27)), dpi=DPI, seed=602, signer=officer(r))
    gks = birth_certificate(
        baby,
        dad,
        mom,
        registered=baby.date_of_birth + dt.timedelta(days=r.randint(7, 30)),
        number=f"{r.randint(100, 600)}/{baby.date_of_birth.year}/KS",
        declarant=mom,
        relation="Mẹ",
        place_of_birth=f"Bệnh viện Nhân dân Gia Định, Quận Bình Thạnh, {CITY}",
        clerk=officer(r),
        signer=officer(r),
        seed=603,
    )
    receipt = dossier_receipt(
        mom,
        code=dossier_code(AGENCY_CODES[a.district], submitted.date(), 7),
        received=submitted,
        due=submitted + dt.timedelta(days=7),
        request="Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        items=[
            "Đơn đề nghị (bản chính): 01 bản;",
            "Căn cước công dân của người làm đơn (bản sao): 01 bản;",
            "Giấy khai sinh của trẻ (bản sao): 01 bản.",
        ],
        book="03",
        clerk=officer(r),
        seed=604,
    )
    samples.append(
        Sample(
            f"ho_so_cap_the_bhyt_tre_em_{mom.slug}.pdf",
            "file",
            [letter, card, gks, receipt],
            write=lambda out, imgs: _write_pdf(out, imgs, DPI, quality=60),
            degrade=lambda imgs: [
                sl.add_noise_and_jpeg(
                    sl.scanner(im, seed=60 + i, blur=0.7, paper=241, ink=32), 85, seed=60 + i, sigma=3.0
                )
                for i, im in enumerate(imgs)
            ],
            capture={"format": "pdf", "dpi": 200, "color": "gray", "compression": "jpeg"},
            what="a whole dossier scanned at once: application letter, CCCD copy (200 dpi, so the card print is "
            "small), birth certificate of the child, dossier receipt; 4 pages, 4 documents, one PDF",
            exercises="splitting one PDF into documents; the same people across documents (the mother's name on "
            "the letter, card, birth certificate and receipt, her ID on the letter, card and birth "
            "certificate; the child's ID on the letter and the birth certificate); the HCMC dossier code",
        )
    )

    # 7. power of attorney, 2-page TIFF (CCITT G4, 300 dpi) ----------------------------------------
    r = sample_rng(7)
    principal = make_citizen(
        r,
        gender="Nam",
        surname="Hồ",
        born=(dt.date(1950, 1, 1), dt.date(1957, 12, 31)),
        district="Quận 3",
        province_code="079",
    )
    agent = make_citizen(
        r,
        gender="Nữ",
        surname="Đinh",
        born=(dt.date(1980, 1, 1), dt.date(1988, 12, 31)),
        address=principal.address,
        province_code="079",
    )
    day = dt.date(2023, 8, 8)
    doc = power_of_attorney(
        principal,
        agent,
        day=day,
        relation="Con dâu",
        bhxh=f"79{r.randrange(10**8):08d}",
        post_office=f"Bưu điện {principal.address.ward}, {principal.address.district}",
        until=dt.date(2024, 8, 7),
        card_issued=(dt.date(2021, 5, 10), dt.date(2022, 1, 20)),
        official=officer(r),
        cert_number=str(r.randint(200, 900)),
        seed=707,
        dpi=300,
    )
    samples.append(
        Sample(
            f"giay_uy_quyen_{principal.slug}.tif",
            "file",
            [doc],
            write=lambda out, imgs: _write_tiff(out, imgs, 300),
            degrade=lambda imgs: [
                sl.binarize(sl.scanner(im, seed=70 + i, blur=0.9, paper=245, ink=35, noise=3))
                for i, im in enumerate(imgs)
            ],
            capture={"format": "tiff", "dpi": 300, "color": "bilevel", "compression": "group4"},
            what="Giấy ủy quyền (power of attorney) with signature certification, 2 pages, multi-page TIFF, "
            "300 dpi 1-bit CCITT G4",
            exercises="multi-page TIFF; one document over two pages; principal vs agent (both with full name, "
            "birth date, ID, address); several dates",
        )
    )

    # 8. phone photo of a marital status certificate ------------------------------------------------
    r = sample_rng(8)
    person = make_citizen(
        r,
        gender="Nữ",
        surname="Trần",
        given="Điệp",
        born=(dt.date(1993, 1, 1), dt.date(1998, 12, 31)),
        district="Quận 10",
        province_code="079",
    )
    doc = marital_status_certificate(
        person,
        day=dt.date(2023, 10, 24),
        number=f"{r.randint(50, 400)}/XNTTHN",
        since=dt.date(2015, 1, 15),
        purpose="Làm thủ tục đăng ký kết hôn",
        card_issued=dt.date(2021, 7, 20),
        signer=officer(r),
        seed=808,
    )
    samples.append(
        Sample(
            f"giay_xac_nhan_tinh_trang_hon_nhan_{person.slug}_chup_dien_thoai.jpg",
            "file",
            [doc],
            write=lambda out, imgs: _write_single(out, imgs, "jpg", quality=82, keep_dpi=False),
            degrade=lambda imgs: [sl.phone_photo(im, seed=8, short_side=900) for im in imgs],
            capture={"format": "jpeg", "dpi": None, "color": "rgb", "phone_photo": True},
            what="Giấy xác nhận tình trạng hôn nhân (marital status certificate) photographed with a phone: "
            "900x1200 px colour JPEG, no dpi",
            exercises="hard input: low resolution (~95 dpi on the sheet), perspective, uneven light, desk "
            "background, colour, no dpi metadata",
        )
    )

    # 9. skewed scan of a death certificate extract ----------------------------------------------------
    r = sample_rng(9)
    deceased = make_citizen(
        r,
        gender="Nam",
        surname="Đào",
        born=(dt.date(1938, 1, 1), dt.date(1948, 12, 31)),
        district="Quận Gò Vấp",
        province_code="038",
        with_old_id=False,
    )
    son = make_citizen(
        r,
        gender="Nam",
        surname="Đào",
        born=(dt.date(1968, 1, 1), dt.date(1976, 12, 31)),
        address=deceased.address,
        province_code="079",
    )
    died = dt.datetime(2023, 9, 2, 14, 30)
    doc = death_certificate(
        deceased,
        died=died,
        place=f"Bệnh viện Nhân dân Gia Định, Quận Bình Thạnh, {CITY}",
        cause="Bệnh lý tim mạch",
        notice=f"{r.randint(1000, 3000)}/GBT",
        notice_by="Bệnh viện Nhân dân Gia Định",
        registered=dt.date(2023, 9, 5),
        number=f"{r.randint(20, 200)}/TLKT-BS",
        declarant=son,
        relation="Con",
        clerk=officer(r),
        signer=officer(r),
        seed=909,
    )
    samples.append(
        Sample(
            f"trich_luc_khai_tu_{deceased.slug}_scan_nghieng.jpg",
            "file",
            [doc],
            write=lambda out, imgs: _write_single(out, imgs, "jpg", quality=80),
            degrade=lambda imgs: [
                sl.add_noise_and_jpeg(
                    sl.skew(sl.scanner(im, seed=9, blur=0.8, paper=240, ink=35), 2.6), 88, seed=9, sigma=4.0
                )
                for im in imgs
            ],
            capture={"format": "jpeg", "dpi": 200, "color": "gray", "skew_degrees": 2.6},
            what="Trích lục khai tử (death certificate extract), scanned 2.6 degrees clockwise crooked; "
            "JPEG 200 dpi grayscale",
            exercises="deskew; noise; the main person is the deceased, the declarant's name and ID are distractors",
        )
    )

    # 10. folder dossier: 2-page birth registration form + READY ---------------------------------------
    r = sample_rng(10)
    father = make_citizen(
        r,
        gender="Nam",
        surname="Nguyễn",
        born=(dt.date(1990, 1, 1), dt.date(1995, 12, 31)),
        district="Quận 3",
        province_code="051",
    )
    mother = make_citizen(r, gender="Nữ", born=(dt.date(1992, 1, 1), dt.date(1997, 12, 31)), address=father.address)
    child = make_child(
        r,
        father=father,
        mother=mother,
        born=(dt.date(2024, 4, 1), dt.date(2024, 5, 31)),
        gender="Nam",
        given="Đạt",
    )
    day = child.date_of_birth + dt.timedelta(days=r.randint(8, 25))
    doc = birth_registration_form(
        child,
        father,
        mother,
        requester=father,
        relation="Cha",
        day=day,
        place_of_birth=f"Bệnh viện Hùng Vương, Quận 5, {CITY}",
        seed=1010,
    )
    samples.append(
        Sample(
            f"to_khai_dang_ky_khai_sinh_{child.slug}",
            "folder",
            [doc],
            write=lambda out, imgs: _write_folder(out, imgs),
            degrade=lambda imgs: [
                sl.add_noise_and_jpeg(
                    sl.scanner(im, seed=100 + i, blur=0.7, paper=244, ink=30), 90, seed=100 + i, sigma=2.5
                )
                for i, im in enumerate(imgs)
            ],
            capture={"format": "jpeg", "dpi": 200, "color": "gray"},
            what="a folder dossier: Tờ khai đăng ký khai sinh (birth registration form) as two JPEG page images "
            "(trang_1.jpg, trang_2.jpg) plus an empty READY marker",
            exercises="folder intake with a READY marker; page order from file names; form values typed over "
            "dotted fill-in lines",
        )
    )

    # 11. upside-down scan of a decision -------------------------------------------------------------
    r = sample_rng(11)
    elder = make_citizen(
        r,
        gender="Nữ",
        surname="Lý",
        born=(dt.date(1938, 1, 1), dt.date(1943, 1, 31)),
        district="Quận 10",
        province_code="082",
        with_old_id=False,
    )
    doc = social_allowance_decision(
        elder,
        day=dt.date(2023, 3, 28),
        number=f"{r.randint(300, 2500)}/QĐ-UBND",
        start=dt.date(2023, 4, 1),
        signer=officer(r),
        seed=1111,
    )
    samples.append(
        Sample(
            f"quyet_dinh_tro_cap_xa_hoi_{elder.slug}_lon_nguoc.png",
            "file",
            [doc],
            write=lambda out, imgs: _write_single(out, imgs, "png"),
            degrade=lambda imgs: [
                sl.rotate(sl.quantize_gray(sl.scanner(im, seed=11, blur=0.7, paper=248, ink=28), 12), 180)
                for im in imgs
            ],
            capture={"format": "png", "dpi": 200, "color": "gray", "rotation": 180},
            what="Quyết định (decision) of a district People's Committee granting a monthly social allowance, "
            "scanned upside down; PNG 200 dpi grayscale",
            exercises="orientation detection (180 degrees); an administrative decision with Số/ký hiệu "
            "'…/QĐ-UBND'; the beneficiary as main person",
        )
    )
    del rng
    return samples


# --- writers -------------------------------------------------------------------------------------------


def _write_single(
    out: Path, imgs: list[Image.Image], ext: str, *, quality: int = 85, keep_dpi: bool = True
) -> list[str]:
    if len(imgs) != 1:
        raise ValueError("single-image writer got several pages")
    img = imgs[0]
    if not keep_dpi:
        img.info.pop("dpi", None)
    if ext == "png":
        sl.save_png(img, out)
    else:
        sl.save_jpeg(img, out, quality=quality)
    return [out.name]


def _write_pdf(out: Path, imgs: list[Image.Image], dpi: int, *, quality: int = 70) -> list[str]:
    sl.save_pdf(imgs, out, dpi, quality=quality)
    return [out.name]


def _write_tiff(out: Path, imgs: list[Image.Image], dpi: int) -> list[str]:
    sl.save_tiff(imgs, out, dpi)
    return [out.name]


def _write_folder(out: Path, imgs: list[Image.Image]) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for i, im in enumerate(imgs, start=1):
        name = f"trang_{i}.jpg"
        sl.save_jpeg(im, out / name, quality=85)
        names.append(f"{out.name}/{name}")
    (out / "READY").write_bytes(b"")
    names.append(f"{out.name}/READY")
    return names


# --- EXPECTED.json and README.md -----------------------------------------------------------------------


def expected_json(samples: Sequence[Sample]) -> dict:
    dossiers = []
    for s in samples:
        docs = []
        page = 1
        for d in s.docs:
            n = len(d.pages)
            docs.append({"type": d.type, "pages": list(range(page, page + n)), "fields": d.fields})
            page += n
        dossiers.append(
            {
                "source": s.source,
                "kind": s.kind,
                "pages": page - 1,
                "capture": s.capture,
                "documents": docs,
                "notes": f"{s.what}. Exercises: {s.exercises}.",
            }
        )
    return {
        "generator": "tools/make_sample_scans.py",
        "conventions": (
            "All people are invented. full_name: the document's main person in NFC capitals as "
            "printed; spouse_name/agent_name likewise; dates ISO yyyy-mm-dd; issue_date is the "
            "document's own date (registration date, card issue date, date line); address exactly "
            "as printed, wrapped lines joined by one space; pages are 1-based within the source "
            "(a folder's pages in file-name order). capture: how the pages were made (format, dpi, "
            "colour; rotation = degrees the sheet was turned clockwise; skew_degrees, positive = "
            "clockwise)."
        ),
        "dossiers": dossiers,
    }


def readme(samples: Sequence[Sample], sizes: dict[str, int]) -> str:
    lines = [
        "# sample_scans",
        "",
        "Realistic scans of invented Ho Chi Minh City citizen dossiers, for tests, demos and the OCR benchmark.",
        "Every person, ID number, phone number and house number here is **invented** (drawn from a seeded",
        "random generator, `tools/citizens.py`); streets, wards, districts and province codes are real.",
        "The documents follow the real forms' wording and layout. Do not edit these files by hand:",
        "regenerate them all with",
        "",
        "    python3 tools/make_sample_scans.py            # writes sample_scans/",
        "    python3 tools/make_sample_scans.py --check    # exit 1 if the committed files differ",
        "",
        "(needs Pillow and numpy; byte-identical output needs the same Pillow/zlib/libjpeg builds).",
        "`EXPECTED.json` holds the ground truth: for each file or folder, its documents (catalog type, pages)",
        "and the fields printed on each.",
        "",
        "| file | what it is | what it exercises |",
        "| --- | --- | --- |",
    ]
    for s in samples:
        size = sum(sizes.get(f, 0) for f in s.files)
        name = f"`{s.source}/`" if s.kind == "folder" else f"`{s.source}`"
        lines.append(f"| {name} ({size // 1024} KiB) | {s.what} | {s.exercises} |")
    lines.append("")
    return "\n".join(lines)


def generate(out: Path) -> list[Sample]:
    out.mkdir(parents=True, exist_ok=True)
    samples = build_samples()
    sizes: dict[str, int] = {}
    for s in samples:
        clean = [p.image for p in _pages(s.docs)]
        s.page_images = s.degrade(clean)
        s.files = s.write(out / s.source, s.page_images)
        for f in s.files:
            sizes[f] = (out / f).stat().st_size
    (out / "EXPECTED.json").write_text(
        json.dumps(expected_json(samples), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "README.md").write_text(readme(samples, sizes), encoding="utf-8")
    known = {f for s in samples for f in s.files} | {"EXPECTED.json", "README.md"}
    known |= {s.source for s in samples if s.kind == "folder"}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if rel not in known:
            print(f"warning: {rel} is not produced by the generator", file=sys.stderr)
    return samples


def ground_truth_texts(samples: Sequence[Sample]) -> dict[str, list[str]]:
    """Per source, the clean ground-truth text of each page (for the OCR check)."""
    return {s.source: [p.text for p in _pages(s.docs)] for s in samples}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "sample_scans")
    ap.add_argument("--check", action="store_true", help="regenerate into a temp dir and compare with --out")
    args = ap.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            cmp = filecmp.dircmp(tmp, args.out)
            bad = _diff(cmp)
            if bad:
                print("sample_scans differ from the generator's output:\n  " + "\n  ".join(bad), file=sys.stderr)
                return 1
            print("sample_scans are up to date")
            return 0
    samples = generate(args.out)
    total = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {len(samples)} dossiers to {args.out} ({total / 1e6:.2f} MB)")
    return 0


def _diff(cmp: filecmp.dircmp, prefix: str = "") -> list[str]:
    bad = [f"{prefix}{n} (only in new output)" for n in cmp.left_only]
    bad += [f"{prefix}{n} (not produced any more)" for n in cmp.right_only]
    _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    bad += [f"{prefix}{n} (differs)" for n in mismatch + errors]
    for name, sub in cmp.subdirs.items():
        bad += _diff(sub, f"{prefix}{name}/")
    return bad


if __name__ == "__main__":
    sys.exit(main())
