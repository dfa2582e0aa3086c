"""The layout of a form's lines: fill-in leaders and rules removed, values looked for below their label.

Official forms print every fill-in line as dots ("Họ và tên: ........"), tables as rules, and OCR
reads both as runs of dots, underscores, dashes or ellipses, sometimes glued to the value typed
over them (`NGÔ VĂN LỘC..........-`, `TRẦN..THÀNH ẤN`). None of that is ever part of a value: a
leader run becomes a space, and a token made of punctuation only is dropped (a colon is kept: it
ends a label).

When a label ends its line, its value is on the next line, left-aligned with the label or in the
table cell below it; the engine's word boxes say which words of the next line sit under it.
"""

from __future__ import annotations

import math
import re

from pipeline.domain import PageText, Word
from pipeline.textnorm import nfc

# Two or more leader characters, spaced or not ("....", ". . . .", "……", "____", "----", "····").
LEADER = re.compile(r"(?:[.…·•_‥⋯]\s?){2,}|…|(?:[-–—_=~]\s?){2,}|[|¦]")
_PUNCTUATION_ONLY = re.compile(r"^[-–—_.,;'\"`~|!*•·…‥=+^/\\]+$")
LEADER_CHARS = frozenset("…_·•‥⋯|¦")
DOTTED_LEADER = re.compile(r"\.{2,}|[…‥⋯]")  # a fill-in line printed as dots (not a rule)


def clean_line(line: str) -> str:
    """A line without leaders, rules or stray punctuation tokens; single spaces."""
    line = LEADER.sub(" ", nfc(line))
    tokens = line.split()
    kept = []
    for index, token in enumerate(tokens):
        if _PUNCTUATION_ONLY.match(token):
            joins_numbers = (token in ("-", "/", "–") and kept and kept[-1][-1:].isdigit()
                             and index + 1 < len(tokens) and tokens[index + 1][:1].isdigit())
            if not joins_numbers:  # "H29.22-240312 - 0004" keeps its hyphen
                continue
        kept.append(token)
    return " ".join(kept)


def has_leader(value: str) -> bool:
    """A value that still holds a leader or rule character (never stored)."""
    return bool(LEADER.search(value)) or any(ch in LEADER_CHARS for ch in value)


# --- lines from word boxes ------------------------------------------------------------------


def word_lines(page: PageText) -> list[list[Word]]:
    """The page's words grouped into lines by vertical overlap, each left to right.

    Word boxes are on the page as scanned: on a skewed page its lines slope, and a long word's
    enclosing box is taller than its text by its width times the slope (a 400-pixel leader at 4.5°:
    32 pixels, a line's height), enough to join three lines into one. Words are grouped along the
    slope the deskew step measured, each by the height its text has."""
    slope = math.tan(math.radians(deskew_angle(page)))
    words = [w for w in page.words if w.text.strip()]
    placed = sorted(((_level(w, slope), _text_height(w, slope), w) for w in words),
                    key=lambda item: (item[0], item[2].left))
    lines: list[tuple[list[Word], list[float]]] = []  # words, [top, bottom] along the slope
    for middle, height, word in placed:
        for line, band in reversed(lines[-3:]):
            if band[0] <= middle <= band[1]:
                line.append(word)
                band[0], band[1] = min(band[0], middle - height / 2), max(band[1], middle + height / 2)
                break
        else:
            lines.append(([word], [middle - height / 2, middle + height / 2]))
    return [sorted(line, key=lambda w: w.left) for line, _ in lines]


def deskew_angle(page: PageText) -> float:
    """The angle the read stage turned the page by to deskew it (0 when it did not)."""
    steps = page.details.get("preprocess", {}).get("steps", ()) if page.details else ()
    return next((float(step.get("angle", 0.0)) for step in steps if step.get("step") == "deskew"), 0.0)


def _level(word: Word, slope: float) -> float:
    """The word's middle, measured across the sloping lines (its height on a line through x = 0)."""
    return word.top + word.height / 2 - (word.left + word.width / 2) * slope


def _text_height(word: Word, slope: float) -> float:
    """The height of the word's text: its box's height less what the slope adds across its width."""
    return max(word.height - word.width * abs(slope), word.height / 3)


CELL_GAP = 2.5  # a gap this many word heights wide separates two table cells (or columns)


def boxes_of(page: PageText, line: str) -> list[Word] | None:
    """The word boxes of a (cleaned) text line's words; None when the page has no word boxes or the
    line is not found among them."""
    return _boxes_among(word_lines(page), line)


def _boxes_among(lines: list[list[Word]], line: str) -> list[Word] | None:
    """`boxes_of` over a page's word lines already grouped."""
    wanted = [clean_line(t) for t in line.split()]
    wanted = [t for t in wanted if t]
    if not wanted:
        return None
    for boxes in lines:
        words = [(clean_line(w.text), w) for w in boxes]
        words = [(t, w) for t, w in words if t]
        texts = [t for t, _ in words]
        for start in range(len(texts) - len(wanted) + 1):
            if texts[start:start + len(wanted)] == wanted:
                return [w for _, w in words[start:start + len(wanted)]]
    return None


def cells(page: PageText, line: str) -> list[str] | None:
    """The table cells of a (cleaned) text line, split where its words' boxes leave a wide gap;
    None when the page has no word boxes or the line is not found among them."""
    run = boxes_of(page, line)
    if run is None:
        return None
    height = sorted(w.height for w in run)[len(run) // 2] or 1
    out, current = [], [run[0]]
    for before, word in zip(run, run[1:]):
        if word.left - (before.left + before.width) > CELL_GAP * height:
            out.append(current)
            current = []
        current.append(word)
    out.append(current)
    return [" ".join(clean_line(w.text) for w in cell) for cell in out]


FULL_LINE_SLACK = 0.15  # of the text's width: a line whose last word ends this close to the margin is full
_MARGIN_MIN_WORDS = 4  # lines of this many words or more say where the text's margins are


def fills_its_line(page: PageText, line: str) -> bool:
    """Whether a (cleaned) text line's last word reaches the right margin of the page's text, as a
    line the typesetter wrapped does (its margins: the 10th and 90th percentiles of the edges of the
    page's lines of several words, a stamp or a wide table row aside). A line whose value ends
    before its dotted fill-in line or blank paper does not; leaders are not words here."""
    grouped = word_lines(page)  # once: the line's boxes and the margins both come from it
    run = _boxes_among(grouped, line)
    if run is None:
        return False
    lines = [[w for w in boxes if clean_line(w.text)] for boxes in grouped]
    lines = [boxes for boxes in lines if len(boxes) >= _MARGIN_MIN_WORDS]
    if not lines:
        return False
    lefts = sorted(boxes[0].left for boxes in lines)
    rights = sorted(boxes[-1].left + boxes[-1].width for boxes in lines)
    left, right = lefts[len(lefts) // 10], rights[(len(rights) * 9) // 10]
    end = run[-1].left + run[-1].width
    return end >= right - FULL_LINE_SLACK * max(right - left, 1)
