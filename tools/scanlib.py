"""Render synthetic document pages and degrade them like scanners and phones do.

Used by ``tools/make_sample_scans.py`` (the committed sample set) and meant to be reused by the
OCR benchmark: every rendered page comes with its ground-truth text.

Rendering
---------
A document is a list of *elements* (see the constructors below: :func:`national_header`,
:func:`title`, :func:`para`, :func:`field`, :func:`row`, :func:`date_right`, :func:`columns`,
:func:`signature_block`, :func:`table`, :func:`spacer`, :func:`page_break`, :func:`graphic`).
:func:`render_pages` lays them out on A4 pages at a given dpi (default 200) with DejaVu Serif,
13 pt body text and 14-16 pt bold titles, wrapping long lines, and returns one
:class:`RenderedPage` (grayscale image + ground-truth text) per page. :func:`render_page` is the
one-page shortcut.

Ground-truth conventions: one line of text per printed line, top to bottom (wrapped lines are
separate lines); pieces of text that share a baseline (the cells of a :func:`row`, of a table row,
or the two halves of a :func:`columns` block, such as the agency name beside the national motto)
are joined left to right with one space; pictures (emblem, photo, signature scribble, stamp)
give no text.

Degradation
-----------
Each takes and returns a PIL image and is deterministic (noise is drawn from a ``seed``):
:func:`skew`, :func:`rotate`, :func:`scanner`, :func:`add_noise_and_jpeg`, :func:`downsample`,
:func:`phone_photo`, :func:`binarize`, :func:`quantize_gray`.

Output
------
:func:`save_pdf` writes an image-only PDF (JPEG grayscale pages, or Flate 1-bit pages for
bilevel images) with no creation date or ID, so the bytes depend only on the pixels;
:func:`save_tiff` writes a multi-page compressed TIFF; :func:`save_png` / :func:`save_jpeg` set
the dpi. Byte-identical output across runs needs the same Pillow, zlib and libjpeg builds.
"""

from __future__ import annotations

import io
import math
import random
import unicodedata
import zlib
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import lru_cache
from pathlib import Path
from typing import Final, Iterable, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DEFAULT_DPI: Final = 200
A4_MM: Final = (210.0, 297.0)
FONT_DIR: Final = Path("/usr/share/fonts/truetype/dejavu")
_FONT_FILES: Final[dict[tuple[str, bool, bool], str]] = {
    ("serif", False, False): "DejaVuSerif.ttf",
    ("serif", True, False): "DejaVuSerif-Bold.ttf",
    ("serif", False, True): "DejaVuSerif-Italic.ttf",
    ("serif", True, True): "DejaVuSerif-BoldItalic.ttf",
    ("sans", False, False): "DejaVuSans.ttf",
    ("sans", True, False): "DejaVuSans-Bold.ttf",
    ("sans", False, True): "DejaVuSans-Oblique.ttf",
    ("sans", True, True): "DejaVuSans-BoldOblique.ttf",
    ("serif-condensed", False, False): "DejaVuSerifCondensed.ttf",
    ("serif-condensed", True, False): "DejaVuSerifCondensed-Bold.ttf",
    ("serif-condensed", False, True): "DejaVuSerifCondensed-Italic.ttf",
    ("serif-condensed", True, True): "DejaVuSerifCondensed-BoldItalic.ttf",
    ("sans-condensed", False, False): "DejaVuSansCondensed.ttf",
    ("sans-condensed", True, False): "DejaVuSansCondensed-Bold.ttf",
    ("sans-condensed", False, True): "DejaVuSansCondensed-Oblique.ttf",
    ("sans-condensed", True, True): "DejaVuSansCondensed-BoldOblique.ttf",
    ("mono", False, False): "DejaVuSansMono.ttf",
    ("mono", True, False): "DejaVuSansMono-Bold.ttf",
    ("mono", False, True): "DejaVuSansMono-Oblique.ttf",
    ("mono", True, True): "DejaVuSansMono-BoldOblique.ttf",
}
INK: Final = 20  # toner is never quite black
PAPER: Final = 255
BODY_PT: Final = 13.0
TITLE_PT: Final = 15.0
# Times New Roman is what real offices print with; DejaVu Serif Condensed has close to its width.
DEFAULT_FAMILY: Final = "serif-condensed"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def mm_to_px(mm: float, dpi: int) -> int:
    return int(round(mm * dpi / 25.4))


def pt_to_px(pt: float, dpi: int) -> int:
    return int(round(pt * dpi / 72.0))


@lru_cache(maxsize=256)
def font(
    size_px: int, *, bold: bool = False, italic: bool = False, family: str = DEFAULT_FAMILY
) -> ImageFont.FreeTypeFont:
    """A DejaVu font at *size_px* pixels (em size)."""
    return ImageFont.truetype(str(FONT_DIR / _FONT_FILES[(family, bold, italic)]), size_px)


def blank_page(dpi: int = DEFAULT_DPI, *, size_mm: tuple[float, float] = A4_MM) -> Image.Image:
    img = Image.new("L", (mm_to_px(size_mm[0], dpi), mm_to_px(size_mm[1], dpi)), PAPER)
    img.info["dpi"] = (dpi, dpi)
    return img


# --- document elements -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Line:
    """A paragraph of styled runs, wrapped to the available width.

    align: "left", "center", "right" or "justify" (justify = left with full-width lines spread).
    leader: fill the rest of the last line with dots (a form's dotted fill-in line).
    rule_mm: draw a centred rule of that width under the text (national header, agency name).
    """

    runs: tuple[Run, ...]
    align: str = "left"
    size_pt: float = BODY_PT
    indent_mm: float = 0.0
    first_indent_mm: float = 0.0
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0
    leader: bool = False
    rule_mm: float = 0.0
    family: str = DEFAULT_FAMILY
    line_spacing: float = 1.32


@dataclass(frozen=True)
class Row:
    """Several cells on one printed line at fixed horizontal positions (fractions of the width)."""

    cells: tuple[tuple[float, tuple[Run, ...]], ...]
    size_pt: float = BODY_PT
    space_before_pt: float = 0.0
    line_spacing: float = 1.32


@dataclass(frozen=True)
class Spacer:
    mm: float


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Graphic:
    """A picture with no text: "signature", "stamp", "emblem", "photo" or "box".

    width_mm/height_mm: the space it takes in the flow; the drawing is centred in the column.
    text: for a stamp, the text written around its ring (drawn, never part of the ground truth).
    dx_mm/dy_mm: offset of the drawing from its slot (a stamp overlapping the signature).
    overlay: take no vertical space (draw over what comes next/before).
    """

    kind: str
    width_mm: float
    height_mm: float
    seed: int = 0
    text: str = ""
    dx_mm: float = 0.0
    dy_mm: float = 0.0
    overlay: bool = False


@dataclass(frozen=True)
class Columns:
    """Side-by-side blocks. split: fraction of the width given to the left block."""

    left: tuple
    right: tuple
    split: float = 0.45
    gap_mm: float = 4.0
    space_before_pt: float = 0.0


@dataclass(frozen=True)
class Table:
    """A ruled table; widths are fractions of the content width; the first row is the header."""

    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    size_pt: float = 11.0
    header_bold: bool = True
    space_before_pt: float = 4.0
    borders: bool = True
    align_header: str = "center"


Element = Line | Row | Spacer | PageBreak | Graphic | Columns | Table


def _runs(parts: Iterable[Run | str]) -> tuple[Run, ...]:
    return tuple(Run(nfc(p)) if isinstance(p, str) else Run(nfc(p.text), p.bold, p.italic) for p in parts)


def B(text: str) -> Run:
    """A bold run."""
    return Run(nfc(text), bold=True)


def It(text: str) -> Run:
    """An italic run."""
    return Run(nfc(text), italic=True)


def para(
    *parts: Run | str,
    align: str = "left",
    size_pt: float = BODY_PT,
    indent_mm: float = 0.0,
    first_indent_mm: float = 0.0,
    space_before_pt: float = 0.0,
    space_after_pt: float = 0.0,
    bold: bool = False,
    italic: bool = False,
    leader: bool = False,
    rule_mm: float = 0.0,
    family: str = DEFAULT_FAMILY,
    line_spacing: float = 1.32,
) -> Line:
    """A paragraph; plain string parts take the bold/italic given here."""
    runs = tuple(Run(nfc(p), bold, italic) if isinstance(p, str) else p for p in parts)
    return Line(
        runs,
        align,
        size_pt,
        indent_mm,
        first_indent_mm,
        space_before_pt,
        space_after_pt,
        leader,
        rule_mm,
        family,
        line_spacing,
    )


def center(
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size_pt: float = BODY_PT,
    space_before_pt: float = 0.0,
    rule_mm: float = 0.0,
) -> Line:
    return para(
        text,
        align="center",
        bold=bold,
        italic=italic,
        size_pt=size_pt,
        space_before_pt=space_before_pt,
        rule_mm=rule_mm,
    )


def title(text: str, *, size_pt: float = TITLE_PT, space_before_pt: float = 10.0, space_after_pt: float = 2.0) -> Line:
    """A centred bold title ("GIẤY KHAI SINH")."""
    return para(
        text,
        align="center",
        bold=True,
        size_pt=size_pt,
        space_before_pt=space_before_pt,
        space_after_pt=space_after_pt,
    )


def national_header(*, size_pt: float = BODY_PT, rule: bool = True) -> list[Line]:
    """ "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" / "Độc lập - Tự do - Hạnh phúc" (underlined)."""
    return [
        para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True, size_pt=size_pt),
        para(
            "Độc lập - Tự do - Hạnh phúc",
            align="center",
            bold=True,
            size_pt=size_pt + 0.5,
            rule_mm=62.0 if rule else 0.0,
        ),
    ]


def field(
    label: str,
    value: str,
    *,
    bold_value: bool = True,
    leader: bool = False,
    indent_mm: float = 0.0,
    size_pt: float = BODY_PT,
    sep: str = ": ",
    line_spacing: float = 1.32,
) -> Line:
    """ "Label: value" (value bold, as typed into a form). leader=True adds the form's dots."""
    return para(
        Run(nfc(label + sep)),
        Run(nfc(value), bold=bold_value),
        leader=leader,
        indent_mm=indent_mm,
        size_pt=size_pt,
        line_spacing=line_spacing,
    )


def row(
    *cells: tuple[float, Sequence[Run | str] | str],
    size_pt: float = BODY_PT,
    space_before_pt: float = 0.0,
    line_spacing: float = 1.32,
) -> Row:
    """Cells at fixed positions: row((0, "Giới tính: "), (0.4, [Run("Dân tộc: "), B("Kinh")]))."""
    out = []
    for x, content in cells:
        out.append((float(x), _runs([content] if isinstance(content, str) else content)))
    return Row(tuple(out), size_pt, space_before_pt, line_spacing)


def field_row(*pairs: tuple[float, str, str], size_pt: float = BODY_PT, line_spacing: float = 1.32) -> Row:
    """Several label: value fields on one line: field_row((0, "Giới tính", "Nam"), (0.4, "Dân tộc", "Kinh"))."""
    return row(
        *((x, [Run(label + ": "), B(value)]) for x, label, value in pairs),
        size_pt=size_pt,
        line_spacing=line_spacing,
    )


def date_right(text: str, *, size_pt: float = BODY_PT, space_before_pt: float = 8.0) -> Columns:
    """The italic place-and-date line, centred over the right half ("Quận 1, ngày 12 tháng 3 năm 2021")."""
    return Columns((), (center(text, italic=True, size_pt=size_pt),), split=0.4, space_before_pt=space_before_pt)


def spacer(mm: float) -> Spacer:
    return Spacer(mm)


def page_break() -> PageBreak:
    return PageBreak()


def graphic(
    kind: str,
    width_mm: float,
    height_mm: float,
    *,
    seed: int = 0,
    text: str = "",
    dx_mm: float = 0.0,
    dy_mm: float = 0.0,
    overlay: bool = False,
) -> Graphic:
    return Graphic(kind, width_mm, height_mm, seed, nfc(text), dx_mm, dy_mm, overlay)


def columns(
    left: Sequence[Element],
    right: Sequence[Element],
    *,
    split: float = 0.45,
    space_before_pt: float = 0.0,
    gap_mm: float = 4.0,
) -> Columns:
    return Columns(tuple(left), tuple(right), split, gap_mm, space_before_pt)


def signature_block(
    role: str,
    name: str,
    *,
    note: str = "(Ký, ghi rõ họ tên)",
    seed: int = 0,
    stamp: str = "",
    position: str | None = None,
    left: Sequence[Element] = (),
    split: float = 0.45,
    space_before_pt: float = 6.0,
) -> Columns:
    """Signature on the right: role (bold), note (italic), scribble (+ stamp), position, name (bold).

    *left* is what sits in the left column at the same height (e.g. "Nơi nhận:").
    """
    right: list[Element] = [center(role, bold=True)]
    if note:
        right.append(center(note, italic=True, size_pt=BODY_PT - 1))
    if stamp:
        right.append(graphic("stamp", 36, 0, seed=seed, text=stamp, dx_mm=-14, dy_mm=-2, overlay=True))
    right.append(graphic("signature", 45, 20, seed=seed))
    if position:
        right.append(center(position, bold=True))
    right.append(center(name, bold=True))
    return columns(left, right, split=split, space_before_pt=space_before_pt)


def table(
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    size_pt: float = 11.0,
    header_bold: bool = True,
    space_before_pt: float = 4.0,
    borders: bool = True,
    align_header: str = "center",
) -> Table:
    """A table; with borders=False it is just aligned, wrapped columns (a two-person form)."""
    return Table(
        tuple(tuple(nfc(c) for c in r) for r in rows),
        tuple(widths),
        size_pt,
        header_bold,
        space_before_pt,
        borders,
        align_header,
    )


# --- layout ---------------------------------------------------------------------------------------


@dataclass
class RenderedPage:
    """One rendered page: the grayscale image and the text printed on it, one line per line."""

    image: Image.Image
    text: str


@dataclass
class _Page:
    image: Image.Image
    draw: ImageDraw.ImageDraw
    frags: list[tuple[float, float, str, int]] = dc_field(default_factory=list)  # baseline, x, text, px


@dataclass(frozen=True)
class Margins:
    """Page margins in mm (ND 30/2020: top/bottom 20-25, left 30-35, right 15-20)."""

    top: float = 20.0
    bottom: float = 20.0
    left: float = 30.0
    right: float = 17.0


_Frag = tuple[float, float, str, int]


def ground_truth(frags: Sequence[_Frag]) -> str:
    """Join positioned text fragments (baseline, x, text, size_px) into lines, top to bottom.

    Fragments whose baselines lie within 40 % of the font size of each other are one line, read
    left to right and joined by one space.
    """
    lines: list[list[_Frag]] = []
    for frag in sorted(frags, key=lambda f: (f[0], f[1])):
        if lines and abs(frag[0] - lines[-1][0][0]) <= 0.4 * min(frag[3], lines[-1][0][3]):
            lines[-1].append(frag)
        else:
            lines.append([frag])
    return "\n".join(" ".join(f[2] for f in sorted(line, key=lambda f: f[1])) for line in lines)


class _Renderer:
    def __init__(self, dpi: int, margins: Margins, size_mm: tuple[float, float]):
        self.dpi = dpi
        self.margins = margins
        self.size_mm = size_mm
        self.pages: list[_Page] = []
        self.x0 = mm_to_px(margins.left, dpi)
        self.x1 = mm_to_px(size_mm[0] - margins.right, dpi)
        self.y_top = mm_to_px(margins.top, dpi)
        self.y_bottom = mm_to_px(size_mm[1] - margins.bottom, dpi)
        self.y = self.y_top
        self._new_page()

    def _new_page(self) -> None:
        img = blank_page(self.dpi, size_mm=self.size_mm)
        self.pages.append(_Page(img, ImageDraw.Draw(img)))
        self.y = self.y_top

    @property
    def page(self) -> _Page:
        return self.pages[-1]

    def px(self, pt: float) -> int:
        return pt_to_px(pt, self.dpi)

    # -- measuring and drawing text lines --

    def _wrap(self, line: Line, width: int) -> list[list[tuple[str, ImageFont.FreeTypeFont]]]:
        size = self.px(line.size_pt)
        words: list[tuple[str, ImageFont.FreeTypeFont, bool]] = []  # (word, font, space_before)
        pending_space = False
        for run in line.runs:
            f = font(size, bold=run.bold, italic=run.italic, family=line.family)
            pieces = run.text.split(" ")
            for i, piece in enumerate(pieces):
                if i > 0:
                    pending_space = True
                if piece == "":
                    continue
                words.append((piece, f, pending_space))
                pending_space = False
        lines: list[list[tuple[str, ImageFont.FreeTypeFont, bool]]] = [[]]
        x = 0.0
        first = True
        for word, f, space in words:
            avail = width - mm_to_px(line.first_indent_mm if first else 0, self.dpi)
            space_w = f.getlength(" ") if (space and lines[-1]) else 0.0
            w = f.getlength(word)
            if lines[-1] and x + space_w + w > avail:
                lines.append([])
                first = False
                x = 0.0
                space_w = 0.0
            lines[-1].append((word, f, space and bool(lines[-1])))
            x += space_w + w
        return [[(((" " if sp else "") + w), f) for w, f, sp in ln] for ln in lines if ln] or [[]]

    def _line_height(self, size_pt: float, spacing: float) -> int:
        return int(round(self.px(size_pt) * spacing))

    def layout_line(self, line: Line, x0: int, x1: int, y: int, page: _Page | None, out: list[_Frag]) -> int:
        """Draw (if page) a wrapped paragraph between x0..x1 starting at y; return the new y."""
        y += self.px(line.space_before_pt)
        indent = mm_to_px(line.indent_mm, self.dpi)
        width = x1 - x0 - indent
        wrapped = self._wrap(line, width)
        lh = self._line_height(line.size_pt, line.line_spacing)
        ascent = font(self.px(line.size_pt), family=line.family).getmetrics()[0]
        for i, pieces in enumerate(wrapped):
            text = "".join(p for p, _ in pieces)
            widths = [f.getlength(p) for p, f in pieces]
            total = sum(widths)
            first_indent = mm_to_px(line.first_indent_mm, self.dpi) if i == 0 else 0
            if line.align == "center":
                x = x0 + indent + (width - total) / 2
            elif line.align == "right":
                x = x1 - total
            else:
                x = x0 + indent + first_indent
            baseline = y + ascent
            if page is not None:
                cx = x
                for (p, f), w in zip(pieces, widths, strict=True):
                    page.draw.text((cx, baseline), p, font=f, fill=INK, anchor="ls")
                    cx += w
            if line.leader and i == len(wrapped) - 1:
                f = font(self.px(line.size_pt), family=line.family)
                dot = f.getlength(".")
                n_dots = int((x1 - (x + total) - dot) // dot)
                if n_dots >= 3:
                    dots = "." * n_dots
                    if page is not None:
                        page.draw.text((x + total + dot * 0.5, baseline), dots, font=f, fill=INK, anchor="ls")
                    text = text + dots
            out.append((baseline, x, text, self.px(line.size_pt)))
            y += lh
        if line.rule_mm:
            rw = mm_to_px(line.rule_mm, self.dpi)
            cx = (x0 + indent + x1) / 2 if line.align == "center" else x0 + indent + rw / 2
            descent = font(self.px(line.size_pt), family=line.family).getmetrics()[1]
            if page is not None:
                ry = y - lh + ascent + descent + self.px(1.5)
                page.draw.line((cx - rw / 2, ry, cx + rw / 2, ry), fill=INK, width=max(1, self.dpi // 100))
            y += self.px(4)
        y += self.px(line.space_after_pt)
        return y

    def layout_row(self, rw: Row, x0: int, x1: int, y: int, page: _Page | None, out: list[_Frag]) -> int:
        y += self.px(rw.space_before_pt)
        size = self.px(rw.size_pt)
        ascent = font(size).getmetrics()[0]
        prev_end = -1.0
        for frac, runs in rw.cells:
            x = x0 + frac * (x1 - x0)
            if x < prev_end:
                raise ValueError(f"row cells overlap: {[r.text for r in runs]}")
            for r in runs:
                f = font(size, bold=r.bold, italic=r.italic)
                if page is not None:
                    page.draw.text((x, y + ascent), r.text, font=f, fill=INK, anchor="ls")
                x += f.getlength(r.text)
            if x > x1 + 2:
                raise ValueError(f"row overflows the line: {[r.text for r in runs]}")
            prev_end = x + font(size).getlength(" ")
            text = "".join(r.text for r in runs).strip()
            if text:
                out.append((y + ascent, x0 + frac * (x1 - x0), text, size))
        return y + self._line_height(rw.size_pt, rw.line_spacing)

    def layout_table(self, tb: Table, x0: int, x1: int, y: int, page: _Page | None, out: list[_Frag]) -> int:
        y += self.px(tb.space_before_pt)
        size = self.px(tb.size_pt)
        pad = mm_to_px(1.2 if tb.borders else 0.6, self.dpi)
        lw = max(1, self.dpi // 100)
        total = x1 - x0
        xs = [x0]
        for w in tb.widths:
            xs.append(xs[-1] + int(round(w * total)))
        xs[-1] = x1
        lh = self._line_height(tb.size_pt, 1.25)
        for r_i, cells in enumerate(tb.rows):
            bold = tb.header_bold and r_i == 0
            cell_lines = []
            for c_i, text in enumerate(cells):
                ln = Line((Run(text, bold=bold),), size_pt=tb.size_pt)
                wrapped = self._wrap(ln, xs[c_i + 1] - xs[c_i] - 2 * pad)
                cell_lines.append(["".join(p for p, _ in w) for w in wrapped])
            height = max(len(c) for c in cell_lines) * lh + 2 * pad
            ascent = font(size, bold=bold).getmetrics()[0]
            f = font(size, bold=bold)
            for c_i, lines in enumerate(cell_lines):
                for l_i, text in enumerate(lines):
                    if bold and tb.align_header == "center":
                        x = (xs[c_i] + xs[c_i + 1] - f.getlength(text)) / 2
                    else:
                        x = xs[c_i] + pad
                    baseline = y + pad + l_i * lh + ascent
                    if text:
                        out.append((baseline, x, text, size))
                    if page is not None:
                        page.draw.text((x, baseline), text, font=f, fill=INK, anchor="ls")
            if page is not None and tb.borders:
                page.draw.rectangle((xs[0], y, xs[-1], y + height), outline=INK, width=lw)
                for x in xs[1:-1]:
                    page.draw.line((x, y, x, y + height), fill=INK, width=lw)
            y += height
        return y + self.px(2)

    def layout_graphic(self, g: Graphic, x0: int, x1: int, y: int, page: _Page | None) -> int:
        w = mm_to_px(g.width_mm, self.dpi)
        h = mm_to_px(g.height_mm or g.width_mm, self.dpi)
        if page is not None:
            cx = (x0 + x1) / 2 + mm_to_px(g.dx_mm, self.dpi)
            top = y + mm_to_px(g.dy_mm, self.dpi)
            draw_graphic(
                page.image,
                g.kind,
                (int(cx - w / 2), int(top), int(cx + w / 2), int(top + h)),
                seed=g.seed,
                text=g.text,
            )
        return y if g.overlay else y + h

    def layout(
        self, elements: Sequence[Element], x0: int, x1: int, y: int, page: _Page | None, out: list[_Frag]
    ) -> int:
        """Lay a flow out without page breaks (used for column blocks and measuring)."""
        for el in elements:
            if isinstance(el, Line):
                y = self.layout_line(el, x0, x1, y, page, out)
            elif isinstance(el, Row):
                y = self.layout_row(el, x0, x1, y, page, out)
            elif isinstance(el, Spacer):
                y += mm_to_px(el.mm, self.dpi)
            elif isinstance(el, Graphic):
                y = self.layout_graphic(el, x0, x1, y, page)
            elif isinstance(el, Table):
                y = self.layout_table(el, x0, x1, y, page, out)
            elif isinstance(el, Columns):
                y = self.layout_columns(el, x0, x1, y, page, out)
            elif isinstance(el, PageBreak):
                raise ValueError("page_break() inside a column block")
            else:
                raise TypeError(f"unknown element {el!r}")
        return y

    def layout_columns(self, col: Columns, x0: int, x1: int, y: int, page: _Page | None, out: list[_Frag]) -> int:
        y += self.px(col.space_before_pt)
        split = x0 + int((x1 - x0) * col.split)
        gap = mm_to_px(col.gap_mm, self.dpi) // 2
        y_left = self.layout(col.left, x0, split - gap, y, page, out)
        y_right = self.layout(col.right, split + gap, x1, y, page, out)
        return max(y_left, y_right)

    def run(self, elements: Sequence[Element]) -> list[RenderedPage]:
        for el in elements:
            if isinstance(el, PageBreak):
                self._new_page()
                continue
            # measure first; move the whole element to a new page if it does not fit
            scratch: list[_Frag] = []
            end = self.layout([el], self.x0, self.x1, self.y, None, scratch)
            if end > self.y_bottom and self.y > self.y_top:
                self._new_page()
                if isinstance(el, Spacer):
                    continue
            self.y = self.layout([el], self.x0, self.x1, self.y, self.page, self.page.frags)
        return [RenderedPage(p.image, ground_truth(p.frags)) for p in self.pages]


def render_pages(
    elements: Sequence[Element],
    *,
    dpi: int = DEFAULT_DPI,
    margins: Margins = Margins(),
    size_mm: tuple[float, float] = A4_MM,
) -> list[RenderedPage]:
    """Lay *elements* out on as many A4 pages as needed; an element that does not fit moves whole."""
    return _Renderer(dpi, margins, size_mm).run(list(elements))


def render_page(
    elements: Sequence[Element],
    *,
    dpi: int = DEFAULT_DPI,
    margins: Margins = Margins(),
    size_mm: tuple[float, float] = A4_MM,
) -> tuple[Image.Image, str]:
    """Render a one-page document; returns (grayscale image, ground-truth text)."""
    pages = render_pages(elements, dpi=dpi, margins=margins, size_mm=size_mm)
    if len(pages) != 1:
        raise ValueError(f"content takes {len(pages)} pages, expected 1")
    return pages[0].image, pages[0].text


# --- free-form drawing ------------------------------------------------------------------------------


class Canvas:
    """Free-form drawing that keeps ground truth: for layouts the flow renderer cannot do (an ID
    card, a photocopy of one on a page). Text is placed by its left end and baseline."""

    def __init__(self, image: Image.Image):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.frags: list[_Frag] = []

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        *,
        size_px: int,
        bold: bool = False,
        italic: bool = False,
        family: str = DEFAULT_FAMILY,
        fill: int = INK,
        align: str = "left",
        record: bool = True,
    ) -> float:
        """Draw *text*; align "left"/"center"/"right" refers to x. Returns the text width."""
        text = nfc(text)
        f = font(size_px, bold=bold, italic=italic, family=family)
        w = f.getlength(text)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        self.draw.text((x, baseline), text, font=f, fill=fill, anchor="ls")
        if record and text.strip():
            self.frags.append((baseline, x, text, size_px))
        return w

    def text_wrapped(
        self,
        x: float,
        baseline: float,
        text: str,
        *,
        width: float,
        size_px: int,
        line_height: float,
        first_x: float | None = None,
        bold: bool = False,
        family: str = DEFAULT_FAMILY,
        fill: int = INK,
    ) -> float:
        """Draw *text* word-wrapped: the first line from *first_x* (default x), the others from x,
        all ending before x + width. Returns the baseline of the last line."""
        f = font(size_px, bold=bold, family=family)
        line_x = x if first_x is None else first_x
        words = nfc(text).split()
        current = ""
        for word in words:
            trial = f"{current} {word}".strip()
            if current and line_x + f.getlength(trial) > x + width:
                self.text(line_x, baseline, current, size_px=size_px, bold=bold, family=family, fill=fill)
                baseline += line_height
                line_x = x
                current = word
            else:
                current = trial
        if current:
            self.text(line_x, baseline, current, size_px=size_px, bold=bold, family=family, fill=fill)
        return baseline

    def paste(self, other: "Canvas", xy: tuple[int, int], mask: Image.Image | None = None) -> None:
        """Paste another canvas (and its text) at *xy*."""
        self.image.paste(other.image, xy, mask)
        self.frags.extend((b + xy[1], x + xy[0], t, s) for b, x, t, s in other.frags)

    @property
    def ground_truth(self) -> str:
        return ground_truth(self.frags)


# --- pictures -------------------------------------------------------------------------------------


def draw_graphic(img: Image.Image, kind: str, box: tuple[int, int, int, int], *, seed: int = 0, text: str = "") -> None:
    """Draw a textless picture into *box* of a grayscale image."""
    if kind == "signature":
        draw_signature(img, box, seed=seed)
    elif kind == "stamp":
        draw_stamp(img, box, text=text, seed=seed)
    elif kind == "emblem":
        draw_emblem(img, box)
    elif kind == "photo":
        draw_portrait(img, box, seed=seed)
    elif kind == "box":
        ImageDraw.Draw(img).rectangle(box, outline=INK, width=2)
    else:
        raise ValueError(f"unknown graphic {kind!r}")


def draw_signature(img: Image.Image, box: tuple[int, int, int, int], *, seed: int = 0) -> None:
    """A handwritten-looking scribble: a few smooth random strokes with a flourish."""
    rng = random.Random(seed)
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw = ImageDraw.Draw(img)
    width = max(2, int(h / 28))
    n = rng.randint(5, 8)
    xs = np.linspace(x0 + 0.1 * w, x1 - 0.15 * w, n)
    ys = [y0 + h * rng.uniform(0.25, 0.75) for _ in range(n)]
    pts = []
    for i in range(n - 1):
        for t in np.linspace(0, 1, 12, endpoint=False):
            x = xs[i] + (xs[i + 1] - xs[i]) * t
            loop = math.sin(t * math.pi * 2) * h * 0.18 * rng.choice((-1, 1))
            y = ys[i] + (ys[i + 1] - ys[i]) * t + loop
            pts.append((float(x), float(y)))
    draw.line(pts, fill=35, width=width, joint="curve")
    fx = x0 + w * rng.uniform(0.2, 0.4)
    flourish = [(fx + w * 0.55 * t, y0 + h * (0.8 - 0.25 * t * t)) for t in np.linspace(0, 1, 20)]
    draw.line(flourish, fill=35, width=max(1, width - 1), joint="curve")


def _text_on_circle(
    img: Image.Image,
    cx: float,
    cy: float,
    radius: float,
    text: str,
    size: int,
    fill: int,
    start_deg: float = 200.0,
    span_deg: float = 320.0,
) -> None:
    f = font(size, bold=True, family="sans")
    n = max(1, len(text))
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        angle = math.radians(start_deg + span_deg * (i + 0.5) / n)
        tile = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(tile).text((size, size), ch, font=f, fill=255, anchor="mm")
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        x = cx + radius * math.cos(angle) - size
        y = cy + radius * math.sin(angle) - size
        ink = Image.new("L", tile.size, fill)
        img.paste(ink, (int(x), int(y)), tile)


def draw_stamp(img: Image.Image, box: tuple[int, int, int, int], *, text: str = "", seed: int = 0) -> None:
    """A round office seal (red ink, so mid-gray in grayscale): double ring, text, star."""
    x0, y0, x1, y1 = box
    d = min(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = d / 2
    gray = 120
    layer = Image.new("L", img.size, 255)
    draw = ImageDraw.Draw(layer)
    lw = max(2, int(d / 60))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=gray, width=lw + 1)
    draw.ellipse((cx - r * 0.68, cy - r * 0.68, cx + r * 0.68, cy + r * 0.68), outline=gray, width=lw)
    if text:
        _text_on_circle(
            layer,
            cx,
            cy,
            r * 0.84,
            text,
            max(8, int(d / 12)),
            gray,
            start_deg=160.0,
            span_deg=min(340.0, 12.0 * len(text)) if len(text) < 28 else 340.0,
        )
    _draw_star(draw, cx, cy, r * 0.3, fill=gray)
    # ink is uneven: lighten random blotches, then multiply onto the page
    rng = np.random.default_rng(seed)
    arr = np.asarray(layer, dtype=np.float32)
    patch = rng.uniform(0.0, 0.55, size=(8, 8)).astype(np.float32)
    patch_img = Image.fromarray((patch * 255).astype(np.uint8)).resize(img.size, Image.BILINEAR)
    fade = np.asarray(patch_img, dtype=np.float32) / 255.0
    arr = 255 - (255 - arr) * (1 - fade)
    page = np.asarray(img, dtype=np.float32)
    img.paste(Image.fromarray(np.clip(page * arr / 255.0, 0, 255).astype(np.uint8)))


def _draw_star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, *, fill: int) -> None:
    pts = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + radius * math.cos(a), cy + radius * math.sin(a)))
    draw.polygon(pts, fill=fill)


def draw_emblem(img: Image.Image, box: tuple[int, int, int, int]) -> None:
    """A simplified national emblem: rings, a star, a cog arc."""
    x0, y0, x1, y1 = box
    d = min(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = d / 2
    draw = ImageDraw.Draw(img)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=70, width=max(2, int(d / 25)))
    draw.ellipse((cx - r * 0.62, cy - r * 0.62, cx + r * 0.62, cy + r * 0.62), fill=150)
    _draw_star(draw, cx, cy - r * 0.05, r * 0.5, fill=230)
    for k in range(12):
        a = math.pi * (0.15 + 0.7 * k / 11)
        draw.ellipse(
            (
                cx + r * 0.8 * math.cos(a) - r * 0.09,
                cy + r * 0.8 * math.sin(a) - r * 0.09,
                cx + r * 0.8 * math.cos(a) + r * 0.09,
                cy + r * 0.8 * math.sin(a) + r * 0.09,
            ),
            fill=110,
        )


def draw_portrait(img: Image.Image, box: tuple[int, int, int, int], *, seed: int = 0) -> None:
    """An ID photo: light background, head and shoulders silhouette, clipped to *box*."""
    rng = random.Random(seed)
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    photo = Image.new("L", (w, h), 205)
    draw = ImageDraw.Draw(photo)
    skin = rng.randint(120, 150)
    draw.ellipse((w * 0.05, h * 0.7, w * 0.95, h * 1.45), fill=60)  # shoulders
    draw.rectangle((w * 0.4, h * 0.52, w * 0.6, h * 0.75), fill=skin)  # neck
    draw.ellipse((w * 0.24, h * 0.14, w * 0.76, h * 0.66), fill=skin)  # face
    draw.chord((w * 0.22, h * 0.08, w * 0.78, h * 0.5), 180, 360, fill=40)  # hair
    img.paste(photo, (x0, y0))


# --- degradation ----------------------------------------------------------------------------------


def _dpi_of(img: Image.Image, default: int = DEFAULT_DPI) -> tuple[int, int]:
    dpi = img.info.get("dpi", (default, default))
    return int(round(dpi[0])), int(round(dpi[1]))


def _with_dpi(img: Image.Image, dpi: tuple[int, int]) -> Image.Image:
    img.info["dpi"] = dpi
    return img


def skew(img: Image.Image, degrees: float) -> Image.Image:
    """Rotate the content by *degrees* (positive = clockwise) inside the same page, white fill.

    That is what a crooked sheet on a flatbed gives: the page frame stays, the text tilts.
    """
    fill = 255 if img.mode in ("L", "1") else (255, 255, 255)
    src = img.convert("L") if img.mode == "1" else img
    out = src.rotate(-degrees, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    return _with_dpi(out, _dpi_of(img))


def rotate(img: Image.Image, degrees: int) -> Image.Image:
    """Turn the page by 90, 180 or 270 degrees clockwise (a sheet fed sideways or upside down)."""
    ops = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    if degrees % 360 == 0:
        return img.copy()
    if degrees % 360 not in ops:
        raise ValueError("rotate() takes 90, 180 or 270")
    out = img.transpose(ops[degrees % 360])
    dx, dy = _dpi_of(img)
    return _with_dpi(out, (dy, dx) if degrees % 180 else (dx, dy))


def scanner(
    img: Image.Image, *, seed: int = 0, blur: float = 0.7, paper: int = 246, ink: int = 35, noise: float = 0.0
) -> Image.Image:
    """A flatbed scan of a printed page: optics blur, paper not quite white, toner not quite black,
    optional sensor noise (sigma in gray levels)."""
    dpi = _dpi_of(img)
    g = img.convert("L")
    if blur:
        g = g.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(g, dtype=np.float32) / 255.0
    arr = ink + arr * (paper - ink)
    if noise:
        rng = np.random.default_rng(seed)
        arr = arr + rng.normal(0.0, noise, arr.shape)
    return _with_dpi(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), dpi)


def quantize_gray(img: Image.Image, levels: int = 16) -> Image.Image:
    """Posterise a grayscale page to *levels* evenly spaced grays (copier look; small PNGs)."""
    dpi = _dpi_of(img)
    arr = np.asarray(img.convert("L"), dtype=np.float32)
    step = 255.0 / (levels - 1)
    out = np.round(arr / step) * step
    return _with_dpi(Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)), dpi)


def add_noise_and_jpeg(
    img: Image.Image, quality: int = 75, *, seed: int = 0, sigma: float = 6.0, speckle: float = 0.0004
) -> Image.Image:
    """Gaussian sensor noise, a sprinkle of dust specks, then a JPEG round trip at *quality*."""
    dpi = _dpi_of(img)
    rng = np.random.default_rng(seed)
    arr = np.asarray(img.convert("L"), dtype=np.float32)
    arr = arr + rng.normal(0.0, sigma, arr.shape)
    if speckle:
        mask = rng.random(arr.shape) < speckle
        arr[mask] = rng.uniform(0, 90, int(mask.sum()))
    noisy = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    noisy.save(buf, "JPEG", quality=quality, optimize=True)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return _with_dpi(out.convert("L"), dpi)


def downsample(img: Image.Image, dpi_from: int, dpi_to: int) -> Image.Image:
    """Resample a page scanned at *dpi_from* to *dpi_to* (area-averaging, like a scanner)."""
    if dpi_to > dpi_from:
        raise ValueError("downsample() only lowers the resolution")
    scale = dpi_to / dpi_from
    size = (max(1, int(round(img.width * scale))), max(1, int(round(img.height * scale))))
    src = img.convert("L") if img.mode == "1" else img
    out = src.resize(size, Image.Resampling.BOX if scale <= 0.5 else Image.Resampling.LANCZOS)
    return _with_dpi(out, (dpi_to, dpi_to))


def _perspective_coeffs(src: Sequence[tuple[float, float]], dst: Sequence[tuple[float, float]]) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points *dst* to input *src*."""
    a = []
    b = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.extend([u, v])
    return list(np.linalg.solve(np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)))


def phone_photo(
    img: Image.Image, *, seed: int = 0, short_side: int = 900, quality: int = 80, tilt: float = 1.0
) -> Image.Image:
    """A page photographed with a phone on a desk.

    Low resolution (*short_side* px), the sheet a slightly skewed trapezoid on a darker desk,
    off-white warm paper, uneven lighting (a bright spot and a shadowed corner), mild defocus
    blur, colour noise and JPEG compression. Returns an RGB image (a phone takes colour photos)
    without a dpi (phones do not record one).
    """
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    page = img.convert("L")
    pw, ph = page.size
    # frame: the photo is 3:4 portrait; the sheet fills ~88 % of its height
    out_w = short_side
    out_h = int(round(short_side * 4 / 3))
    sheet_h = out_h * 0.9
    sheet_w = sheet_h * pw / ph
    cx, cy = out_w / 2 + rng.uniform(-0.02, 0.02) * out_w, out_h / 2 + rng.uniform(-0.01, 0.02) * out_h
    # trapezoid: the top edge is farther from the camera, so narrower
    narrow = 0.06 * tilt
    j = lambda: rng.uniform(-0.012, 0.012) * out_w  # noqa: E731
    tl = (cx - sheet_w / 2 * (1 - narrow) + j(), cy - sheet_h / 2 + j())
    tr = (cx + sheet_w / 2 * (1 - narrow) + j(), cy - sheet_h / 2 + j())
    br = (cx + sheet_w / 2 + j(), cy + sheet_h / 2 + j())
    bl = (cx - sheet_w / 2 + j(), cy + sheet_h / 2 + j())
    # small in-plane rotation
    ang = math.radians(rng.uniform(-1.5, 1.5) * tilt)

    def rot(p: tuple[float, float]) -> tuple[float, float]:
        dx, dy = p[0] - cx, p[1] - cy
        return (cx + dx * math.cos(ang) - dy * math.sin(ang), cy + dx * math.sin(ang) + dy * math.cos(ang))

    quad = [rot(p) for p in (tl, tr, br, bl)]
    # render at 2x then shrink, so the warp itself is anti-aliased
    ss = 2
    big_w, big_h = out_w * ss, out_h * ss
    coeffs = _perspective_coeffs([(0, 0), (pw, 0), (pw, ph), (0, ph)], [(x * ss, y * ss) for x, y in quad])
    warped = page.transform((big_w, big_h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=0)
    mask = Image.new("L", page.size, 255).transform(
        (big_w, big_h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR, fillcolor=0
    )
    warped = warped.resize((out_w, out_h), Image.Resampling.LANCZOS)
    mask = mask.resize((out_w, out_h), Image.Resampling.LANCZOS)
    sheet = np.asarray(warped, dtype=np.float32) / 255.0
    m = np.asarray(mask, dtype=np.float32) / 255.0
    # paper tone and ink
    paper = np.array([236.0, 230.0, 214.0])  # warm off-white
    ink = np.array([42.0, 40.0, 48.0])
    rgb = ink + sheet[..., None] * (paper - ink)
    # desk: a darker, slightly textured wood-gray
    desk = np.array([92.0, 78.0, 64.0]) + nrng.normal(0, 4, (out_h, out_w, 1))
    rgb = rgb * m[..., None] + desk * (1 - m[..., None])
    # lighting: a bright spot and a shadow towards one corner
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    lx, ly = rng.uniform(0.3, 0.7) * out_w, rng.uniform(0.2, 0.45) * out_h
    dist = np.sqrt((xx - lx) ** 2 + (yy - ly) ** 2) / math.hypot(out_w, out_h)
    light = 1.1 - 0.75 * dist
    corner = rng.choice(((0, 0), (out_w, 0), (0, out_h), (out_w, out_h)))
    cd = np.sqrt((xx - corner[0]) ** 2 + (yy - corner[1]) ** 2) / math.hypot(out_w, out_h)
    light = light * (1 - 0.35 * np.clip(1 - cd / 0.6, 0, 1))
    rgb = rgb * light[..., None]
    rgb = rgb + nrng.normal(0, 3.5, rgb.shape)
    photo = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    photo = photo.filter(ImageFilter.GaussianBlur(0.8))
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out.convert("RGB")


def binarize(img: Image.Image, threshold: int | None = None) -> Image.Image:
    """1-bit page; the threshold defaults to Otsu's."""
    dpi = _dpi_of(img)
    arr = np.asarray(img.convert("L"), dtype=np.uint8)
    if threshold is None:
        hist = np.bincount(arr.ravel(), minlength=256).astype(np.float64)
        total = arr.size
        cum = np.cumsum(hist)
        cum_mean = np.cumsum(hist * np.arange(256))
        mean = cum_mean[-1] / total
        between = (mean * cum - cum_mean) ** 2 / np.maximum(cum * (total - cum), 1)
        threshold = int(np.argmax(between))
    out = Image.fromarray(np.where(arr > threshold, 255, 0).astype(np.uint8)).convert("1", dither=Image.Dither.NONE)
    return _with_dpi(out, dpi)


# --- output ---------------------------------------------------------------------------------------


def save_png(img: Image.Image, path: str | Path, dpi: int | None = None) -> None:
    d = (dpi, dpi) if dpi else _dpi_of(img)
    img.save(path, "PNG", dpi=d, optimize=True)


def save_jpeg(img: Image.Image, path: str | Path, *, quality: int = 85, dpi: int | None = None) -> None:
    """JPEG; the dpi is *dpi*, else the image's own, else none is recorded (a phone photo)."""
    kwargs: dict = {"quality": quality, "optimize": True}
    if dpi:
        kwargs["dpi"] = (dpi, dpi)
    elif "dpi" in img.info:
        kwargs["dpi"] = _dpi_of(img)
    img.save(path, "JPEG", **kwargs)


def save_tiff(images: Sequence[Image.Image], path: str | Path, dpi: int) -> None:
    """Multi-page TIFF: CCITT G4 for 1-bit pages, Deflate for grayscale/colour."""
    mode = images[0].mode
    if any(im.mode != mode for im in images):
        raise ValueError("all TIFF pages must have the same mode")
    compression = "group4" if mode == "1" else "tiff_adobe_deflate"
    images[0].save(path, "TIFF", save_all=True, append_images=list(images[1:]), compression=compression, dpi=(dpi, dpi))


def _pdf_image_stream(img: Image.Image, quality: int) -> tuple[bytes, dict[str, str]]:
    if img.mode == "1":
        raw = img.tobytes()  # rows padded to bytes, 1 = white, as PDF DeviceGray 1-bit expects
        return zlib.compress(raw, 9), {
            "/ColorSpace": "/DeviceGray",
            "/BitsPerComponent": "1",
            "/Filter": "/FlateDecode",
        }
    if img.mode not in ("L", "RGB"):
        img = img.convert("L")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True)
    space = "/DeviceGray" if img.mode == "L" else "/DeviceRGB"
    return buf.getvalue(), {"/ColorSpace": space, "/BitsPerComponent": "8", "/Filter": "/DCTDecode"}


def save_pdf(images: Sequence[Image.Image], path: str | Path, dpi: int, *, quality: int = 70) -> None:
    """Image-only PDF, one image per page at *dpi* (page size follows from it).

    Grayscale pages are JPEG (DCTDecode), 1-bit pages Flate; no /Info, no /ID, no dates, so the
    file depends on the pixels only.
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # placeholders, filled below
    pages_obj = add(b"")
    kids = []
    for img in images:
        data, params = _pdf_image_stream(img, quality)
        w_pt = img.width * 72.0 / dpi
        h_pt = img.height * 72.0 / dpi
        head = (
            "<< /Type /XObject /Subtype /Image /Width %d /Height %d " % (img.width, img.height)
            + " ".join(f"{k} {v}" for k, v in params.items())
            + " /Length %d >>" % len(data)
        )
        image_obj = add(head.encode() + b"\nstream\n" + data + b"\nendstream")
        content = f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
        content_obj = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page = (
            f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 {w_pt:.4f} {h_pt:.4f}] "
            f"/Resources << /XObject << /Im0 {image_obj} 0 R >> >> /Contents {content_obj} 0 R >>"
        )
        kids.append(add(page.encode()))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    objects[pages_obj - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()
    Path(path).write_bytes(pdf_file(objects, root=catalog))


def pdf_file(objects: Sequence[bytes], *, root: int, version: str = "1.4", trailer_extra: str = "") -> bytes:
    """A PDF file of numbered objects (1, 2, ...) with its cross-reference table and trailer."""
    out = io.BytesIO()
    out.write(b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % version.encode())
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())
    return out.getvalue()
