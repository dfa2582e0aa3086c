"""Keeping the search index in step with the documents table.

`index_document` is called inside the transaction that files, relabels or
corrects a document, so the index never lags behind what is filed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from pipeline.store.models import Document


def index_document(session: Session, document: Document) -> None:
    """First version: search folds document text at query time, nothing to maintain."""
