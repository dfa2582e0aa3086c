"""Split: the pages of a batch → documents.

Counters often scan a whole dossier at once (application, ID card copy,
certificate), so one PDF may hold several documents. A page starts a new
document when its head carries what only first pages carry: a catalog title
(or head keyword such as an official letter's "V/v"), or the national motto
"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (read allowing a few OCR letter errors:
"GỘNG HÒA ... VIỆT HÀM"), or a printed "Trang 1/2". Other pages continue the
document before, so the pages of one document stay together whether they come
as one PDF or as a folder of per-page images. A page number printed at the top
("- 2 -"), which Decree 30/2020 puts on every page but the first, or "Trang 2/3"
at either end, marks a continuation even under a repeated motto.

An identity card copy is often the last page of a dossier, small on an A4
sheet, and its title and motto are the first things OCR garbles. Its machine-
readable zone ("IDVNM0790...<<<") survives: a page holding one starts a
document, unless the document before is an identity card still waiting for its
back (its front on one page, its back on the next).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.catalog import Catalog
from pipeline.domain import PageText
from pipeline.stages.classify import head_lines, title_match
from pipeline.textnorm import fold

HEAD_LINES = 12  # first pages carry title and motto near the top; deeper lines are body text
MOTTO_LINES = 6
NUMBER_LINES = 2  # a page number is printed in the first or the last lines of a page
# OCR garbles the long motto in different places; any of these pieces is enough.
_MOTTO_PIECES = ("cong hoa xa hoi chu nghia", "xa hoi chu nghia viet nam", "doc lap - tu do", "doc lap tu do")
# "- 2 -" (Decree 30/2020, every page but the first), "Trang 2", "Trang 1/2", "2/3" (forms' footers).
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?([1-9]\d?)\s*(?:/\s*([1-9]\d?))?[-–—\s]*$")
_TRANG_NUMBER = re.compile(r"\btrang\s*[:.]?\s*([1-9]\d?)\s*(?:/|tren)\s*([1-9]\d?)\b")


MOTTO_SIMILARITY = 88.0  # rapidfuzz partial ratio: a 25-letter piece with up to three letters misread
# The machine-readable zone of an identity card's back: lines of capitals, digits and "<" fillers
# ("IDVNM0790...<<3", "9109066F5109066VNM<<<<<<<<<<9"), nearly all of them such characters
# (dotted leaders read as "<<<<" come with dots and small letters, and are no MRZ).
MRZ_MIN_CHARS = 20
MRZ_SHARE = 0.9
_MRZ_CHARS = re.compile(r"[A-Z0-9<«]")
_MRZ_MARK = re.compile(r"DVNM|VNM<|<<")


def has_motto(lines: list[str]) -> bool:
    """The national motto in the first lines, whole or with a few letters misread."""
    for line in lines[:MOTTO_LINES]:
        folded = fold(line)
        for piece in _MOTTO_PIECES:
            if piece in folded:
                return True
            if len(folded) >= len(piece) - 2 and fuzz.partial_ratio(piece, folded) >= MOTTO_SIMILARITY:
                return True
    return False


def has_machine_readable_zone(text: str) -> bool:
    for line in text.splitlines():
        packed = line.replace(" ", "")
        if (len(packed) >= MRZ_MIN_CHARS and _MRZ_MARK.search(packed)
                and len(_MRZ_CHARS.findall(packed)) >= MRZ_SHARE * len(packed)):
            return True
    return False


def printed_page_number(text: str) -> int | None:
    """The page number printed in the first or last lines of a page, or None.

    A bare number counts only at the top ("- 2 -"): at the foot it may be anything.
    "Trang 1/2" counts at either end, and is ignored when the number exceeds the count
    (a misread). "1/2" alone on a line counts only with a count no smaller than it.
    """
    lines = [fold(line) for line in text.splitlines() if line.strip(" .-*_|\t")]
    ends = lines[:NUMBER_LINES] + lines[-NUMBER_LINES:]
    for index, line in enumerate(ends):
        found = _TRANG_NUMBER.search(line)
        if found and int(found.group(1)) <= int(found.group(2)):
            return int(found.group(1))
        match = _PAGE_NUMBER.match(line.strip())
        if not match:
            continue
        number, count = int(match.group(1)), match.group(2)
        if count is not None and number <= int(count):
            return number
        if count is None and index < NUMBER_LINES and number > 1:
            return number  # "- 2 -" at the top; a bare "1" tells nothing
    return None


def starts_document(page: PageText, catalog: Catalog) -> bool:
    """A catalog title at the head, a printed "page 1", or the motto on a page not numbered 2 or more."""
    lines = head_lines(page.text, HEAD_LINES)
    if title_match(lines, catalog) is not None:
        return True
    number = printed_page_number(page.text)
    if number == 1:
        return True
    return has_motto(lines) and (number is None or number == 1)


def _awaits_its_back(document: list[PageText], catalog: Catalog) -> bool:
    """An identity card's front without a machine-readable zone yet: its back may follow."""
    found = title_match(head_lines(document[0].text, HEAD_LINES), catalog)
    return (found is not None and catalog.get(found[0]).group == "identity"
            and not any(has_machine_readable_zone(page.text) for page in document))


def split(pages: list[PageText], catalog: Catalog) -> list[list[PageText]]:
    documents: list[list[PageText]] = []
    for page in pages:
        if (not documents or starts_document(page, catalog)
                or (has_machine_readable_zone(page.text) and not _awaits_its_back(documents[-1], catalog))):
            documents.append([page])
        else:
            documents[-1].append(page)
    return documents
