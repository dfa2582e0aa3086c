"""Split: the pages of a batch → documents.

Counters often scan a whole dossier at once (application, ID card copy,
certificate). A page whose head carries a catalog title starts a new
document; other pages continue the one before.
"""

from __future__ import annotations

from pipeline.catalog import Catalog
from pipeline.domain import PageText
from pipeline.stages.classify import head_lines, title_match


def split(pages: list[PageText], catalog: Catalog) -> list[list[PageText]]:
    documents: list[list[PageText]] = []
    for page in pages:
        starts_new = not documents or title_match(head_lines(page.text), catalog) is not None
        if starts_new:
            documents.append([page])
        else:
            documents[-1].append(page)
    return documents
