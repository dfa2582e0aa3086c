"""Split: the pages of a batch → documents.

Counters often scan a whole dossier at once (application, ID card copy,
certificate), so one PDF may hold several documents. A page starts a new
document when its head carries what only first pages carry: a catalog title
(or head keyword such as an official letter's "V/v"), or the national motto
"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM". Other pages continue the document before,
so the pages of one document stay together whether they come as one PDF or as
a folder of per-page images. A page number printed at the top ("- 2 -"), which
Decree 30/2020 puts on every page but the first, marks a continuation even
under a repeated motto.
"""

from __future__ import annotations

import re

from pipeline.catalog import Catalog
from pipeline.domain import PageText
from pipeline.stages.classify import head_lines, title_match
from pipeline.textnorm import fold

HEAD_LINES = 12  # first pages carry title and motto near the top; deeper lines are body text
MOTTO_LINES = 6
# OCR garbles the long motto in different places; any of these pieces is enough.
_MOTTO_PIECES = ("cong hoa xa hoi chu nghia", "xa hoi chu nghia viet nam", "doc lap - tu do", "doc lap tu do")
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?([2-9]|[1-9]\d)\s*(?:/\s*\d+)?[-–—\s]*$")


def has_motto(lines: list[str]) -> bool:
    return any(piece in fold(line) for line in lines[:MOTTO_LINES] for piece in _MOTTO_PIECES)


def has_continuation_number(lines: list[str]) -> bool:
    return any(_PAGE_NUMBER.match(fold(line)) for line in lines[:2])


def starts_document(page: PageText, catalog: Catalog) -> bool:
    lines = head_lines(page.text, HEAD_LINES)
    if title_match(lines, catalog) is not None:
        return True
    return has_motto(lines) and not has_continuation_number(lines)


def split(pages: list[PageText], catalog: Catalog) -> list[list[PageText]]:
    documents: list[list[PageText]] = []
    for page in pages:
        if not documents or starts_document(page, catalog):
            documents.append([page])
        else:
            documents[-1].append(page)
    return documents
