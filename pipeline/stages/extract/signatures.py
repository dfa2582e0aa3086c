"""Signature blocks: the name written under each signer's caption, and whose it is.

Forms end with one signature block per signer, side by side: a caption saying who signs
("NGƯỜI LÀM ĐƠN", "NGƯỜI ĐƯỢC ỦY QUYỀN   NGƯỜI ỦY QUYỀN"), a note under it ("(Ký, ghi rõ họ
tên)"), room for the signature, and the signer's name. OCR reads side-by-side blocks as one line
("Nguyễn Hồng Phượng Anh Phạm Tuyết Phương"), so the page's word boxes say which words stand in
which column: a block's column is where its note was printed.

This module only finds the blocks: each caption's role and the text lines in its column below the
note. Which of those lines is a name, and whether it may stand for a value the labels did not give,
is extraction's decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.catalog import Role
from pipeline.domain import PageText, Word
from pipeline.stages.extract.labels import role_of_signer
from pipeline.stages.extract.layout import clean_line, word_lines
from pipeline.textnorm import fold

# "(Ký, ghi rõ họ tên)", "(Ký và ghi rõ họ tên)", "(Kỷ, 8hi nỗ họ…)": an opening bracket and a K
# that OCR reads with any mark, or the note's "ghi rõ" when the bracket is lost.
_NOTE = re.compile(r"\(\s*k[yie]\b|\bghi ro\b")
LINES_BELOW = 4  # a signature, a stamp, then the name: the name is within this many lines of the note
# A caption is the line above its note, unless a neighbour's caption or note wraps onto more lines
# ("NGƯỜI KÝ GIẤY CHỨNG" / "NHẬN KẾT HÔN" / "(Ghi rõ họ, chữ đệm, tên, đóng dấu)"): OCR then reads
# those lines between, empty in this column, and the caption is the nearest line above with letters in it.
CAPTION_LINES_ABOVE = 4
COLUMN_MARGIN = 0.5  # a column reaches past its note's ends by this share of the note's width


@dataclass(frozen=True)
class Signature:
    """One signer's block: its caption, the role the caption names (None: nobody's data, an
    official), and the text of each line below the note within the block's column, top down."""

    caption: str
    role: Role | None
    lines_below: tuple[str, ...]


def signatures(page: PageText) -> list[Signature]:
    """The signature blocks of a page, left to right within each row of blocks."""
    lines = word_lines(page)
    found: list[Signature] = []
    for index, line in enumerate(lines):
        columns = _note_columns(line)
        if not columns:
            continue
        above = lines[max(0, index - CAPTION_LINES_ABOVE):index][::-1]  # nearest first
        below = lines[index + 1:index + 1 + LINES_BELOW]
        for left, right in columns:
            caption = next((text for row in above if _has_letters(text := _text_within(row, left, right))), "")
            found.append(Signature(caption, role_of_signer(caption),
                                   tuple(text for row in below if (text := _text_within(row, left, right)))))
    return found


def _note_columns(line: list[Word]) -> list[tuple[float, float]]:
    """The x-ranges of the columns whose notes this line holds, left to right; [] when it holds none.
    A note starts at a word opening with a bracket; each column reaches halfway to its neighbour's
    note at most, and past its own note's ends by `COLUMN_MARGIN` of its width."""
    notes: list[list[Word]] = []
    for word in line:
        if word.text.startswith("(") or not notes:
            notes.append([])
        notes[-1].append(word)
    spans = [(note[0].left, note[-1].left + note[-1].width) for note in notes
             if _NOTE.search(fold(" ".join(w.text for w in note)))]
    columns = []
    for index, (start, end) in enumerate(spans):
        margin = (end - start) * COLUMN_MARGIN
        left, right = start - margin, end + margin
        if index:
            left = max(left, (spans[index - 1][1] + start) / 2)
        if index + 1 < len(spans):
            right = min(right, (end + spans[index + 1][0]) / 2)
        columns.append((left, right))
    return columns


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _text_within(line: list[Word], left: float, right: float) -> str:
    """The cleaned text of the line's words whose middle lies between left and right."""
    inside = [w.text for w in line if left <= w.left + w.width / 2 <= right]
    return clean_line(" ".join(inside))
