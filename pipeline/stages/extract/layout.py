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

import re

from pipeline.domain import PageText, Word
from pipeline.textnorm import nfc

# Two or more leader characters, spaced or not ("....", ". . . .", "……", "____", "----", "····").
LEADER = re.compile(r"(?:[.…·•_‥⋯]\s?){2,}|…|(?:[-–—_=~]\s?){2,}|[|¦]")
_PUNCTUATION_ONLY = re.compile(r"^[-–—_.,;'\"`~|!*•·…‥=+^/\\]+$")
LEADER_CHARS = frozenset("…_·•‥⋯|¦")


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
    """The page's words grouped into lines by vertical overlap, each left to right."""
    words = sorted((w for w in page.words if w.text.strip()), key=lambda w: (w.top + w.height / 2, w.left))
    lines: list[list[Word]] = []
    for word in words:
        middle = word.top + word.height / 2
        for line in reversed(lines[-3:]):
            top = min(w.top for w in line)
            bottom = max(w.top + w.height for w in line)
            if top <= middle <= bottom:
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.left) for line in lines]


def words_below(page: PageText, label_words: list[str], value_start_hint: int | None = None) -> str | None:
    """The text of the line below the label `label_words` (its last words), from the label's left edge
    to the next large gap (the next table cell); None when the label is not found in the boxes."""
    lines = word_lines(page)
    wanted = [nfc(w).strip(" :.") .lower() for w in label_words if w.strip(" :.")]
    if not wanted:
        return None
    for index, line in enumerate(lines[:-1]):
        texts = [nfc(w.text).strip(" :.").lower() for w in line]
        for i in range(len(texts) - len(wanted) + 1):
            if texts[i:i + len(wanted)] == wanted:
                left = line[max(0, i - 3)].left if i else line[0].left
                below = lines[index + 1]
                height = sum(w.height for w in below) / len(below)
                picked = []
                for word in below:
                    if word.left + word.width < left - height:
                        continue
                    if picked and word.left - (picked[-1].left + picked[-1].width) > 2.5 * height:
                        break  # the next cell
                    picked.append(word)
                return " ".join(w.text for w in picked) if picked else None
    return None
