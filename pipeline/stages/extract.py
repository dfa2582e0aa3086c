"""Extract: a document's pages → normalised fields with confidences.

First version: labelled values ("Họ, chữ đệm, tên: …"), 12-digit personal ID
numbers, dates written "12/03/2021" or "ngày 12 tháng 3 năm 2021".
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.domain import ExtractedField, PageText
from pipeline.textnorm import fold, nfc, squash_spaces

_NAME_LABELS = ("ho, chu dem, ten", "ho, chu dem va ten", "ho va ten", "ho ten", "full name", "toi ten la")
_DOB_LABELS = ("ngay, thang, nam sinh", "ngay sinh", "date of birth", "sinh ngay")
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b")
_DATE_WORDS = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_ID12 = re.compile(r"(?<!\d)(\d{12})(?!\d)")
_NAME_VALUE = re.compile(r"[^\W\d_]+(?:\s+[^\W\d_]+){1,5}")


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _value_after(line: str, folded: str, labels: tuple[str, ...]) -> str | None:
    """The text after the first label found in a line (original spelling kept)."""
    for label in labels:
        at = folded.find(label)
        if at >= 0:
            rest = line[at + len(label):]
            colon = rest.find(":")
            return rest[colon + 1:] if colon >= 0 else rest
    return None


def _word_confidence(page: PageText, value: str) -> float:
    tokens = set(value.split())
    confs = [w.confidence for w in page.words if w.text in tokens]
    return (sum(confs) / len(confs) / 100) if confs else page.confidence / 100


def extract(pages: list[PageText]) -> list[ExtractedField]:
    found: dict[str, ExtractedField] = {}

    def keep(name: str, value: str, page_no: int, page: PageText, validation: float = 1.0) -> None:
        if name not in found:
            confidence = round(min(1.0, _word_confidence(page, value)) * validation, 3)
            found[name] = ExtractedField(name, value, confidence, page_no)

    for page_no, page in enumerate(pages, start=1):
        for line in page.text.splitlines():
            line = nfc(line)
            folded = fold(line)
            name_part = _value_after(line, folded, _NAME_LABELS)
            if name_part is not None:
                match = _NAME_VALUE.search(name_part)
                if match and match.group(0).isupper():
                    keep("full_name", squash_spaces(match.group(0)), page_no, page)
            dob_part = _value_after(line, folded, _DOB_LABELS)
            if dob_part is not None:
                match = _DATE_NUMERIC.search(dob_part) or _DATE_WORDS.search(fold(dob_part))
                if match and (iso := _iso(*match.groups())):
                    keep("date_of_birth", iso, page_no, page)
            if (match := _ID12.search(line.replace(" ", ""))) is not None:
                keep("id_number", match.group(1), page_no, page)
            if (match := _DATE_WORDS.search(folded)) is not None and "sinh" not in folded:
                if iso := _iso(*match.groups()):
                    keep("issue_date", iso, page_no, page)
    return list(found.values())
