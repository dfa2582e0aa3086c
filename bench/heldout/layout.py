"""A small page-drawing kit for Vietnamese forms and certificates (Pillow only).

Why a kit of its own: the set must look like the real paper the counters scan — the national motto
header of Decree 30/2020, capital titles, dotted fill-in lines of the official blank forms
(`corpus/vn-form-templates`), values typed over or after the dots, written by hand on or above
them, on the next line, or in table cells, red seals over the signature — and not like the
pipeline's own test pages. Everything is measured in millimetres and drawn at the file's dpi.

`Canvas` holds the pages of one document and moves to a new page by itself when a line does not
fit, so page counts in the truth are whatever the drawing produced.
"""

from __future__ import annotations

import dataclasses
import math
import random

import numpy as np
from PIL import Image, ImageDraw

from . import fonts
from .vntext import title_vi

A4_MM = (210.0, 297.0)
INK_BLACK = (25, 25, 28)
INK_BLUE = (22, 45, 150)
INK_BLUE2 = (40, 40, 110)
SEAL_RED = (210, 30, 40)


@dataclasses.dataclass
class Style:
    """How one document is printed and filled in. Chosen once per document by the builder."""

    family: tuple[str, str]          # (regular face, bold face)
    italic_face: str                 # place-date lines, notes in parentheses
    size_pt: float                   # body size (Decree 30: 13–14 pt; forms often 12)
    fill: str                        # default value filling: inline | typed_dots | dots | dots_typed | next_line
    hand_face: str
    hand_color: tuple[int, int, int]
    hand_upper: bool                 # names written in capitals by hand (else Title Case)
    leader: str                      # "." or "…" — both occur in the official forms
    bold_values: bool                # certificates print names in bold capitals

    @staticmethod
    def pick(rng: random.Random, *, kind: str = "serif", fill: str | None = None) -> Style:
        family = rng.choice(fonts.PRINT_FAMILIES[kind])
        italic = rng.choice(["liberation-serif-italic", "termes-italic", "free-serif-italic"])
        return Style(
            family=family, italic_face=italic, size_pt=rng.choice([12, 12.5, 13, 13, 14]),
            fill=fill or rng.choice(["inline", "typed_dots", "dots", "dots_typed", "next_line"]),
            hand_face=rng.choice(fonts.HAND_FACES),
            hand_color=rng.choice([INK_BLUE, INK_BLUE, INK_BLUE2, INK_BLACK]),
            hand_upper=rng.random() < 0.5, leader=rng.choice([".", ".", "…"]),
            bold_values=rng.random() < 0.5)


class Page:
    """One A4 page (or a smaller card) being drawn: an RGB image plus seal overlays."""

    def __init__(self, dpi: int, size_mm: tuple[float, float] = A4_MM, tint=(255, 255, 255),
                 margins_mm=(30.0, 20.0, 18.0, 20.0)):
        self.dpi = dpi
        self.size_mm = size_mm
        w, h = (round(v * dpi / 25.4) for v in size_mm)
        self.img = Image.new("RGB", (w, h), tint)
        self.draw = ImageDraw.Draw(self.img)
        left, right, top, bottom = margins_mm
        self.left = self.mm(left)
        self.right = w - self.mm(right)
        self.top = self.mm(top)
        self.bottom = h - self.mm(bottom)
        self.y = self.top
        self.overlays: list[tuple[Image.Image, int, int]] = []   # multiplied over the page at the end

    @classmethod
    def from_image(cls, img: Image.Image, dpi: int) -> Page:
        """Wrap a finished page image so seals can be multiplied over it."""
        page = cls.__new__(cls)
        page.dpi = dpi
        page.size_mm = (img.width * 25.4 / dpi, img.height * 25.4 / dpi)
        page.img = img.convert("RGB")
        page.draw = ImageDraw.Draw(page.img)
        page.left, page.right = page.mm(20), img.width - page.mm(20)
        page.top, page.bottom = page.mm(15), img.height - page.mm(15)
        page.y = page.top
        page.overlays = []
        return page

    def mm(self, v: float) -> int:
        return round(v * self.dpi / 25.4)

    def pt(self, v: float) -> int:
        return round(v * self.dpi / 72.0)

    def finish(self) -> Image.Image:
        """The page with its seals: multiply blending, as ink over print (text stays visible).
        Only the seal's own rectangle is converted to floats (a whole 300 dpi page would be 100 MB)."""
        for layer, x, y in self.overlays:
            arr = np.asarray(layer, dtype=np.float32)
            h, w = arr.shape[:2]
            x0, y0 = max(0, x), max(0, y)
            x1, y1 = min(self.img.width, x + w), min(self.img.height, y + h)
            if x1 <= x0 or y1 <= y0:
                continue
            sub = arr[y0 - y:y1 - y, x0 - x:x1 - x]
            alpha = sub[..., 3:4] / 255.0
            tint = sub[..., :3] / 255.0
            region = np.asarray(self.img.crop((x0, y0, x1, y1)), dtype=np.float32)
            out = region * (1 - alpha + alpha * tint)
            self.img.paste(Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), "RGB"), (x0, y0))
        self.overlays = []
        return self.img


class Canvas:
    """The pages of one document, with a text cursor and the drawing primitives forms need."""

    def __init__(self, rng: random.Random, dpi: int, style: Style, *, tint=(255, 255, 255),
                 border: bool = False, size_mm=A4_MM, margins_mm=(30.0, 20.0, 18.0, 20.0),
                 page: Page | None = None):
        self.rng = rng
        self.dpi = dpi
        self.style = style
        self.tint = tint
        self.border = border
        self.size_mm = size_mm
        self.margins_mm = margins_mm
        self.pages: list[Page] = []
        if page is not None:      # draw on an existing page (stamps added by a degradation)
            self.pages.append(page)
        else:
            self.new_page()

    # -- pages ----------------------------------------------------------------------------------
    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> Page:
        page = Page(self.dpi, self.size_mm, self.tint, self.margins_mm)
        if self.border:
            self._frame(page)
        self.pages.append(page)
        return page

    def _frame(self, page: Page) -> None:
        """Decorative double frame of certificates (giấy khai sinh, giấy chứng nhận...)."""
        d = page.draw
        w, h = page.img.size
        m1, m2 = page.mm(9), page.mm(11)
        col = self.rng.choice([(150, 60, 60), (60, 90, 150), (70, 120, 80), (120, 90, 40)])
        d.rectangle([m1, m1, w - m1, h - m1], outline=col, width=max(2, page.mm(0.8)))
        d.rectangle([m2, m2, w - m2, h - m2], outline=col, width=max(1, page.mm(0.3)))

    def need(self, height_px: int) -> None:
        if self.page.y + height_px > self.page.bottom:
            self.new_page()

    def space(self, mm: float) -> None:
        self.page.y += self.page.mm(mm)

    # -- fonts and measures ---------------------------------------------------------------------
    def face(self, bold=False, italic=False) -> str:
        if italic:
            return self.style.italic_face
        return self.style.family[1 if bold else 0]

    def fnt(self, bold=False, italic=False, size_pt=None):
        return fonts.font(self.face(bold, italic), self.page.pt(size_pt or self.style.size_pt))

    def line_h(self, size_pt=None) -> int:
        return round(self.page.pt(size_pt or self.style.size_pt) * self.rng.uniform(1.45, 1.6))

    def width(self, text: str, bold=False, italic=False, size_pt=None) -> float:
        return self.fnt(bold, italic, size_pt).getlength(text)

    # -- printed text ---------------------------------------------------------------------------
    def text_at(self, x: float, baseline: float, text: str, *, bold=False, italic=False, size_pt=None,
                fill=INK_BLACK, anchor="ls") -> float:
        f = self.fnt(bold, italic, size_pt)
        self.page.draw.text((x, baseline), text, font=f, fill=fill, anchor=anchor)
        return f.getlength(text)

    def line(self, text: str = "", *, align="left", bold=False, italic=False, size_pt=None,
             underline=False, indent_mm=0.0, x0=None, x1=None) -> None:
        """One printed line at the cursor, wrapped when longer than the column."""
        p = self.page
        x0 = p.left + p.mm(indent_mm) if x0 is None else x0
        x1 = p.right if x1 is None else x1
        for chunk in self._wrap(text, x1 - x0, bold, italic, size_pt):
            lh = self.line_h(size_pt)
            self.need(lh)
            p = self.page
            base = p.y + round(lh * 0.75)
            w = self.width(chunk, bold, italic, size_pt)
            x = {"left": x0, "center": (x0 + x1 - w) / 2, "right": x1 - w}[align]
            self.text_at(x, base, chunk, bold=bold, italic=italic, size_pt=size_pt)
            if underline:
                uy = base + p.pt(3)
                p.draw.line([x, uy, x + w, uy], fill=INK_BLACK, width=max(1, p.pt(0.8)))
            p.y += lh

    def _wrap(self, text: str, width: float, bold=False, italic=False, size_pt=None) -> list[str]:
        words = text.split(" ")
        lines, cur = [], ""
        for word in words:
            trial = (cur + " " + word) if cur else word
            if self.width(trial, bold, italic, size_pt) <= width or not cur:
                cur = trial
            else:
                lines.append(cur)
                cur = word
        lines.append(cur)
        return lines

    def para(self, text: str, *, indent_first_mm=10.0, italic=False, bold=False) -> None:
        """A body paragraph, first line indented as Decree 30 prescribes."""
        p = self.page
        first = True
        remaining = text
        while remaining:
            x0 = p.left + (p.mm(indent_first_mm) if first else 0)
            chunk = self._wrap(remaining, p.right - x0, bold, italic)[0]
            self.line(chunk, x0=x0, italic=italic, bold=bold)
            p = self.page
            remaining = remaining[len(chunk):].strip()
            first = False

    # -- handwriting ----------------------------------------------------------------------------
    def hand_text(self, x: float, baseline: float, text: str, *, size_pt=None, color=None,
                  max_width: float | None = None) -> float:
        """Text written by hand: a calligraphic or italic face, larger than print, each letter on
        its own jittered baseline, the whole value slightly rotated. Returns the width drawn."""
        rng = self.rng
        p = self.page
        size = p.pt((size_pt or self.style.size_pt) * rng.uniform(1.1, 1.3))
        f = fonts.font(self.style.hand_face, size)
        if max_width:
            full = f.getlength(text) * 1.09
            if full > max_width:
                size = max(p.pt(8), int(size * max_width / full))
                f = fonts.font(self.style.hand_face, size)
        color = color or self.style.hand_color
        pad = size
        width = int(f.getlength(text) * 1.1) + 2 * pad
        layer = Image.new("L", (width, int(size * 2.6)), 0)
        d = ImageDraw.Draw(layer)
        cx, base = pad, int(size * 1.7)
        drift = 0.0
        for ch in text:
            drift = max(-0.12 * size, min(0.12 * size, drift + rng.uniform(-0.05, 0.05) * size))
            d.text((cx, base + drift), ch, font=f, fill=255, anchor="ls")
            cx += f.getlength(ch) * rng.uniform(0.97, 1.08)
        angle = rng.uniform(-1.8, 1.8)
        layer = layer.rotate(angle, resample=Image.BICUBIC, expand=False)
        ink = Image.new("RGB", layer.size, color)
        p.img.paste(ink, (int(x - pad), int(baseline - base)), layer)
        return cx - pad

    def signature(self, cx: float, cy: float, width_mm: float = 30) -> None:
        """A scribbled signature: a few connected loops in ink."""
        rng = self.rng
        p = self.page
        w = p.mm(width_mm * rng.uniform(0.7, 1.1))
        h = p.mm(rng.uniform(6, 11))
        pts = []
        n = rng.randint(14, 26)
        for i in range(n):
            t = i / (n - 1)
            x = cx - w / 2 + t * w + rng.uniform(-0.05, 0.05) * w
            y = cy + math.sin(t * math.pi * rng.uniform(2, 5)) * h / 2 + rng.uniform(-0.2, 0.2) * h
            pts.append((x, y))
        p.draw.line(pts, fill=self.style.hand_color, width=max(2, p.pt(1.1)), joint="curve")
        p.draw.line([pts[-1], (pts[-1][0] + w * 0.15, pts[-1][1] - h * 0.6)], fill=self.style.hand_color,
                    width=max(2, p.pt(1.0)))

    # -- filled fields --------------------------------------------------------------------------
    def _shown(self, value: str, kind: str, hand: bool) -> str:
        if hand and kind == "name" and not self.style.hand_upper:
            return title_vi(value)
        return value

    def dots(self, x0: float, x1: float, baseline: float) -> None:
        f = self.fnt()
        unit = f.getlength(self.style.leader)
        if unit <= 0 or x1 - x0 < unit:
            return
        n = int((x1 - x0) / unit)
        self.page.draw.text((x0, baseline), self.style.leader * n, font=f, fill=INK_BLACK, anchor="ls")

    def field(self, label: str, value: str | None, *, kind: str = "text", mode: str | None = None,
              x0=None, x1=None, bold_value: bool | None = None, advance: bool = True,
              indent_mm: float = 0.0) -> None:
        """'Label: value' in one of the ways real forms are filled:

        inline       Label: VALUE                      (certificates printed by software)
        typed_dots   Label: VALUE.....................  (Word form filled on a computer)
        dots         Label: ....VALUE (by hand)......  (blank form filled by hand, on/above the dots)
        dots_typed   Label: ...VALUE (printer)......   (paper form fed through a printer)
        next_line    Label:                             (value on the line below)
                        VALUE
        A None value leaves the dotted line blank (optional field not filled). A value too long
        for the line goes on onto continuation lines, as people write a long address; only where
        the line cannot grow (several fields on one row) is it shrunk to fit."""
        mode = mode or self.style.fill
        lh = self.line_h()
        self.need(lh * (2 if mode == "next_line" else 1))
        p = self.page
        x0 = p.left + p.mm(indent_mm) if x0 is None else x0
        x1 = p.right if x1 is None else x1
        base = p.y + round(lh * 0.75)
        lw = self.text_at(x0, base, label) if label else 0
        vx = x0 + lw + (self.width(" ") if label else 0)
        bold_value = self.style.bold_values if bold_value is None else bold_value
        bold_value = bold_value and kind == "name"
        hand = mode == "dots" or (mode == "next_line" and self.rng.random() < 0.5)
        shown = self._shown(value, kind, hand) if value else None
        if mode == "next_line":
            if advance:
                p.y += lh
                base = p.y + round(lh * 0.75)
            else:
                base = base + lh
            vx = x0 + p.mm(8)
            mode = "hand_plain" if hand else "inline"
        chunks = [shown] if shown else [None]
        if shown and advance and " " in shown:
            chunks = self._split_value(shown, vx, x0, x1, hand, bold_value)
        for k, chunk in enumerate(chunks):
            if k:
                p.y += lh
                self.need(lh)
                p = self.page
                base = p.y + round(lh * 0.75)
                vx = x0 + p.mm(self.rng.uniform(0, 4))
            self._fill(mode, vx, x1, base, chunk, bold_value)
        if advance:
            p.y += lh

    def _natural_width(self, text: str, hand: bool, bold: bool) -> float:
        if hand:
            size = self.page.pt(self.style.size_pt * 1.2)
            return fonts.font(self.style.hand_face, size).getlength(text) * 1.08 + size * 0.3
        return self.width(text, bold=bold)

    def _split_value(self, text: str, vx: float, x0: float, x1: float, hand: bool, bold: bool) -> list[str]:
        """Words of a value split over the label line and continuation lines."""
        words = text.split(" ")
        chunks, cur, avail = [], "", x1 - vx
        for word in words:
            trial = (cur + " " + word) if cur else word
            if self._natural_width(trial, hand, bold) <= avail or not cur:
                cur = trial
            else:
                chunks.append(cur)
                cur, avail = word, x1 - x0
        chunks.append(cur)
        return chunks

    def _fill(self, mode: str, vx: float, x1: float, base: float, shown: str | None, bold: bool) -> None:
        """One line's value part, drawn the way `mode` says."""
        p = self.page
        if mode == "inline":
            if shown:
                self._typed_value(vx, base, shown, x1, bold)
        elif mode == "hand_plain":
            if shown:
                self.hand_text(vx, base, shown, max_width=x1 - vx)
        elif mode == "typed_dots":
            end = self._typed_value(vx, base, shown, x1, bold) if shown else vx
            self.dots(end + (self.width(" ") if shown else 0), x1, base)
        elif mode in ("dots", "dots_typed"):
            self.dots(vx, x1, base)
            if shown:
                lift = self.rng.uniform(0.0, 0.35) * p.pt(self.style.size_pt)
                room = (x1 - vx) - self._natural_width(shown, mode == "dots", bold)
                start = vx + self.rng.uniform(0.02, 0.25) * max(0.0, room)
                if mode == "dots":
                    self.hand_text(start, base - lift, shown, max_width=x1 - start)
                else:
                    self._typed_value(start, base - lift * 0.6, shown, x1, bold)
        else:
            raise ValueError(mode)

    def _typed_value(self, x: float, base: float, value: str, x1: float, bold: bool) -> float:
        """Print a value; shrink it to fit the space left (long addresses) rather than overflow."""
        size = self.style.size_pt
        while self.width(value, bold=bold, size_pt=size) > (x1 - x) and size > 7:
            size -= 0.5
        w = self.text_at(x, base, value, bold=bold, size_pt=size)
        return x + w

    def fields_row(self, items: list[tuple[str, str | None, str]], *, mode: str | None = None,
                   fracs: list[float] | None = None) -> None:
        """Several short fields on one line: 'Giới tính: Nam   Dân tộc: Kinh   Quốc tịch: Việt Nam'."""
        p = self.page
        lh = self.line_h()
        self.need(lh)
        p = self.page
        fracs = fracs or [1 / len(items)] * len(items)
        x = p.left
        span = p.right - p.left
        m = mode or self.style.fill
        if m == "next_line":
            m = "inline"
        for (label, value, kind), frac in zip(items, fracs):
            x1 = x + span * frac - p.mm(2)
            self.field(label, value, kind=kind, mode=m, x0=x, x1=x1, advance=False)
            x = x + span * frac
        p.y += lh

    def id_boxes(self, label: str, digits: str | None, *, hand: bool) -> None:
        """'Số định danh cá nhân: [0][7][9]...' — twelve printed boxes, one digit in each (as on
        the CC01 form and the birth registration forms)."""
        p = self.page
        lh = self.line_h()
        self.need(lh + p.mm(2))
        p = self.page
        base = p.y + round(lh * 0.75)
        x = p.left + self.text_at(p.left, base, label) + self.width(" ")
        box = p.mm(6.2)
        top = base - box + p.mm(1.2)
        f = self.fnt(size_pt=self.style.size_pt * 1.05)
        for i in range(12):
            p.draw.rectangle([x, top, x + box, top + box], outline=INK_BLACK, width=max(1, p.pt(0.6)))
            if digits:
                ch = digits[i]
                if hand:
                    self.hand_text(x + box * 0.25, top + box * 0.82, ch, size_pt=self.style.size_pt * 0.9)
                else:
                    p.draw.text((x + box / 2, top + box * 0.82), ch, font=f, fill=INK_BLACK, anchor="ms")
            x += box
        p.y += lh + p.mm(2)

    # -- tables ---------------------------------------------------------------------------------
    def table(self, headers: list[str], rows: list[list[str]], fracs: list[float], *,
              hand_cols: set[int] = frozenset(), name_cols: set[int] = frozenset(),
              header_bold=True, size_pt=None) -> None:
        """A ruled table; cells wrap. Values in hand_cols are written by hand."""
        size_pt = size_pt or self.style.size_pt * 0.92
        p = self.page
        span = p.right - p.left
        widths = [span * f for f in fracs]
        lw = max(1, p.pt(0.7))
        for r, row in enumerate([headers] + rows):
            is_head = r == 0
            cells = []
            for c, text in enumerate(row):
                shown = text
                if not is_head and c in hand_cols and c in name_cols and not self.style.hand_upper:
                    shown = title_vi(text)
                cells.append(self._wrap(shown, widths[c] - p.mm(3), bold=is_head and header_bold,
                                        size_pt=size_pt) if shown else [""])
            lh = round(p.pt(size_pt) * 1.45)
            row_h = max(len(c) for c in cells) * lh + p.mm(2.5)
            self.need(row_h)
            p = self.page
            x = p.left
            for c, lines in enumerate(cells):
                p.draw.rectangle([x, p.y, x + widths[c], p.y + row_h], outline=INK_BLACK, width=lw)
                for k, ln in enumerate(lines):
                    base = p.y + p.mm(1.2) + round(lh * (k + 0.78))
                    if not is_head and c in hand_cols:
                        self.hand_text(x + p.mm(1.5), base, ln, size_pt=size_pt, max_width=widths[c] - p.mm(3))
                    elif is_head:
                        w = self.width(ln, bold=header_bold, size_pt=size_pt)
                        self.text_at(x + (widths[c] - w) / 2, base, ln, bold=header_bold, size_pt=size_pt)
                    else:
                        self.text_at(x + p.mm(1.5), base, ln, size_pt=size_pt)
                x += widths[c]
            p.y += row_h
        p.y += p.mm(2)

    # -- headers, signatures, seals -------------------------------------------------------------
    def motto_header(self, agency: list[str] | None, number: str | None, place_date: str | None,
                     *, motto_only_center: bool = False) -> None:
        """The Decree 30 header: agency and 'Số: …' on the left, the national motto on the right,
        the place-date line under the motto. Forms filed by citizens have the motto centred."""
        p = self.page
        size = self.style.size_pt
        if motto_only_center or not agency:
            self.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True, size_pt=size)
            self.line(self.rng.choice(["Độc lập - Tự do - Hạnh phúc", "Độc lập – Tự do – Hạnh phúc"]),
                      align="center", bold=True, underline=True, size_pt=size)
            if number:
                self.line(number, align="center", size_pt=size)
            if place_date:
                self.space(2)
                self.line(place_date, align="right", italic=True)
            return
        mid = p.left + (p.right - p.left) * 0.40
        y0 = p.y
        left_size = size - 1
        for i, text in enumerate(agency):
            self.line(text, align="center", bold=i > 0, size_pt=left_size, x0=p.left - p.mm(12), x1=mid,
                      underline=i == len(agency) - 1)
        if number:
            self.space(1.5)
            self.line(number, align="center", size_pt=left_size, x0=p.left - p.mm(12), x1=mid)
        y_left = self.page.y
        p.y = y0
        self.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True, size_pt=size - 0.5,
                  x0=mid, x1=p.right + p.mm(5))
        self.line("Độc lập - Tự do - Hạnh phúc", align="center", bold=True, size_pt=size, x0=mid,
                  x1=p.right + p.mm(5), underline=True)
        if place_date:
            self.space(2)
            self.line(place_date, align="center", italic=True, x0=mid, x1=p.right + p.mm(5))
        p.y = max(p.y, y_left) + p.mm(4)

    def title(self, text: str, subtitle: str | None = None, *, size_pt=None) -> None:
        """Capital title, centred, bold, larger; optional 'Về việc …' line under it."""
        size_pt = size_pt or self.style.size_pt + self.rng.choice([1, 2, 3, 4])
        self.space(3)
        for ln in text.split("\n"):
            self.line(ln, align="center", bold=True, size_pt=size_pt)
        if subtitle:
            self.line(subtitle, align="center", bold=self.rng.random() < 0.6)
        self.space(3)

    def signature_block(self, titles: list[str], name: str | None, *, x_frac=(0.5, 1.0),
                        note: str | None = None, seal_text: str | None = None, sign: bool = True,
                        name_by_hand: bool = False, advance: bool = True) -> None:
        """Bottom block: title lines in bold capitals, '(Ký, ghi rõ họ tên)', signature, the name;
        a red round seal over the left half of the signature for officials."""
        lh = self.line_h()
        self.need(lh * (len(titles) + 5))
        p = self.page
        y0 = p.y
        span = p.right - p.left
        xa, xb = p.left + span * x_frac[0] - p.mm(8), p.left + span * x_frac[1] + p.mm(8)
        for t in titles:
            self.line(t, align="center", bold=True, x0=xa, x1=xb)
        if note:
            self.line(note, align="center", italic=True, x0=xa, x1=xb, size_pt=self.style.size_pt - 1)
        sig_y = self.page.y + p.mm(9)
        if sign:
            self.signature((xa + xb) / 2 + p.mm(self.rng.uniform(-6, 6)), sig_y)
        if seal_text:
            self.seal((xa + xb) / 2 - p.mm(self.rng.uniform(10, 22)), sig_y - p.mm(self.rng.uniform(0, 6)),
                      radius_mm=self.rng.uniform(17, 20), ring=seal_text)
        self.page.y += p.mm(self.rng.uniform(20, 26))
        if name:
            if name_by_hand:
                shown = self._shown(name, "name", True)
                room = xb - xa - p.mm(4)
                w = min(self._natural_width(shown, True, False), room)
                self.hand_text((xa + xb - w) / 2, self.page.y + round(lh * 0.75), shown, max_width=room)
                self.page.y += lh
            else:
                self.line(name if self.rng.random() < 0.8 else title_vi(name), align="center", bold=True,
                          x0=xa, x1=xb)
        if not advance:
            self.page.y = y0

    def seal(self, cx: float, cy: float, *, radius_mm: float = 18, ring: str = "ỦY BAN NHÂN DÂN",
             center: str | None = None, color=SEAL_RED, strength: float | None = None) -> None:
        """A red round seal: two rings, the agency name around, a star in the middle. Drawn on an
        overlay multiplied over the page, so the text beneath shows through as with real ink."""
        rng = self.rng
        p = self.page
        r = p.mm(radius_mm)
        size = 2 * r + 8
        layer = Image.new("L", (size, size), 0)
        d = ImageDraw.Draw(layer)
        c = size / 2
        d.ellipse([c - r, c - r, c + r, c + r], outline=255, width=max(2, p.mm(0.9)))
        r2 = r * 0.66
        d.ellipse([c - r2, c - r2, c + r2, c + r2], outline=255, width=max(1, p.mm(0.45)))
        # text around the ring
        f = fonts.font(self.style.family[1], int(r * 0.17))
        text = ring.upper() + " ★ "
        total = sum(f.getlength(ch) for ch in text)
        rr = r * 0.83
        angle = -math.pi / 2 - (total / rr) / 2
        for ch in text:
            w = f.getlength(ch)
            a = angle + (w / 2) / rr
            glyph = Image.new("L", (int(r * 0.3), int(r * 0.3)), 0)
            ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=f, fill=255, anchor="mm")
            glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
            gx = c + rr * math.cos(a) - glyph.width / 2
            gy = c + rr * math.sin(a) - glyph.height / 2
            layer.paste(255, (int(gx), int(gy)), glyph)
            angle += w / rr
        # star in the middle, or centre text
        if center:
            cf = fonts.font(self.style.family[1], int(r * 0.2))
            d.text((c, c), center, font=cf, fill=255, anchor="mm")
        else:
            pts = []
            for k in range(10):
                a = -math.pi / 2 + k * math.pi / 5
                rad = r * (0.3 if k % 2 == 0 else 0.12)
                pts.append((c + rad * math.cos(a), c + rad * math.sin(a)))
            d.polygon(pts, fill=255)
        layer = layer.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC)
        strength = strength if strength is not None else rng.uniform(0.55, 0.9)
        alpha = np.asarray(layer, dtype=np.float32) * strength
        # patchy ink: real seals never print evenly
        noise = np.random.default_rng(rng.randrange(2**32)).uniform(0.6, 1.0, alpha.shape)
        alpha = (alpha * noise).astype(np.uint8)
        rgba = np.zeros((size, size, 4), dtype=np.uint8)
        rgba[..., :3] = color
        rgba[..., 3] = alpha
        p.overlays.append((Image.fromarray(rgba, "RGBA"), int(cx - c), int(cy - c)))

    def box_stamp(self, cx: float, cy: float, lines: list[str], *, color=SEAL_RED) -> None:
        """A rectangular rubber stamp ('SAO Y BẢN CHÍNH', 'BẢN SAO'), multiplied over the page."""
        p = self.page
        f = fonts.font(self.style.family[1], p.pt(self.style.size_pt + 2))
        w = int(max(f.getlength(t) for t in lines) + p.mm(8))
        lh = int(p.pt(self.style.size_pt + 2) * 1.4)
        h = lh * len(lines) + p.mm(5)
        layer = Image.new("L", (w, h), 0)
        d = ImageDraw.Draw(layer)
        d.rectangle([1, 1, w - 2, h - 2], outline=255, width=max(2, p.mm(0.7)))
        for i, t in enumerate(lines):
            d.text((w / 2, p.mm(2.5) + lh * (i + 0.75)), t, font=f, fill=255, anchor="ms")
        layer = layer.rotate(self.rng.uniform(-12, 12), expand=True, resample=Image.BICUBIC)
        alpha = (np.asarray(layer, dtype=np.float32) * self.rng.uniform(0.55, 0.85)).astype(np.uint8)
        rgba = np.zeros(alpha.shape + (4,), dtype=np.uint8)
        rgba[..., :3] = color
        rgba[..., 3] = alpha
        p.overlays.append((Image.fromarray(rgba, "RGBA"), int(cx - layer.width / 2), int(cy - layer.height / 2)))

    def emblem(self, cx: float, cy: float, radius_mm: float = 10) -> None:
        """A simplified national emblem (red disc, yellow star, rim): certificates carry it on top."""
        p = self.page
        r = p.mm(radius_mm)
        d = p.draw
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(200, 40, 40), outline=(200, 160, 40), width=p.mm(1.2))
        pts = []
        for k in range(10):
            a = -math.pi / 2 + k * math.pi / 5
            rad = r * (0.6 if k % 2 == 0 else 0.24)
            pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
        d.polygon(pts, fill=(240, 200, 40))

    def finish(self) -> list[Image.Image]:
        return [p.finish() for p in self.pages]
