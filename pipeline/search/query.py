"""Search: accent-insensitive matching over document text and fields.

First version: folds every document in Python. Correct on small stores, and
replaced by indexed backends (FTS5 / PostgreSQL) for real volumes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pipeline.store.models import Document
from pipeline.textnorm import fold

if TYPE_CHECKING:  # the store imports the search index: avoid the cycle at run time
    from pipeline.store.repository import Store

SNIPPET_CHARS = 160


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    doc_type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    district: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    batch_id: int
    source: str
    doc_type: str
    doc_type_confidence: float
    fields: dict[str, str]
    pages: int
    snippet: str
    score: float

    def as_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id, "batch_id": self.batch_id, "source": self.source,
            "doc_type": self.doc_type, "doc_type_confidence": self.doc_type_confidence,
            "fields": self.fields, "pages": self.pages, "snippet": self.snippet, "score": self.score,
        }


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: list[SearchHit]
    fuzzy: bool = False  # the fallback for OCR-damaged names was used


def search(store: "Store", query: SearchQuery) -> SearchResults:
    terms = fold(query.text).split()
    hits: list[SearchHit] = []
    with store.session() as session:
        statement = select(Document).options(selectinload(Document.pages), selectinload(Document.fields),
                                             selectinload(Document.batch)).order_by(Document.id)
        if query.doc_type:
            statement = statement.where(Document.doc_type == query.doc_type)
        if query.district:
            statement = statement.where(Document.district == query.district)
        for document in session.scalars(statement):
            fields = {f.name: f.value for f in document.fields}
            if any(fields.get(k) != v for k, v in query.fields.items()):
                continue
            text = "\n".join(p.text for p in document.pages)
            haystack = fold(text + "\n" + " ".join(fields.values()))
            if not all(term in haystack for term in terms):
                continue
            score = float(sum(haystack.count(term) for term in terms))
            hits.append(SearchHit(document.id, document.batch_id, document.batch.source, document.doc_type,
                                  document.doc_type_confidence, fields, len(document.pages),
                                  _snippet(text, terms), score))
    hits.sort(key=lambda h: (-h.score, h.document_id))
    return SearchResults(total=len(hits), hits=hits[query.offset:query.offset + query.limit])


def _snippet(text: str, terms: list[str]) -> str:
    for line in text.splitlines():
        if terms and terms[0] in fold(line):
            return " ".join(line.split())[:SNIPPET_CHARS]
    return " ".join(text.split())[:SNIPPET_CHARS]
