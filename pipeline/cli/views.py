"""The JSON shapes of the CLI contract (`--json`), built from store rows: English keys, ISO dates, UTC."""

from __future__ import annotations

from typing import Any

from pipeline.search.snippets import make_snippet
from pipeline.store.models import Batch, Document


def batch_view(batch: Batch) -> dict[str, Any]:
    """`batches --json`: one object per batch."""
    return {
        "batch_id": batch.id,
        "source": batch.source,
        "status": batch.status,
        "stage": batch.stage,
        "reason": batch.reason,
        "attempts": batch.attempts,
        "documents": [d.id for d in batch.documents],
        "duplicate_of": batch.duplicate_of,
        "first_copy": batch.first_copy,  # the batch of another office that received this content first
        "office": batch.office,
        "district": batch.office,  # its former name, kept for scripts
        "received_at": batch.received_at.isoformat(timespec="seconds") if batch.received_at else None,
        "procedure": batch.procedure,
        "procedure_source": batch.procedure_source,
        "missing_documents": list(batch.missing_documents or []),
        "created_at": batch.created_at.isoformat(timespec="seconds"),
        "updated_at": batch.updated_at.isoformat(timespec="seconds"),
    }


def document_view(document: Document) -> dict[str, Any]:
    """`show --json`: the keys of a search result plus page texts and field details."""
    return {
        "document_id": document.id,
        "batch_id": document.batch_id,
        "source": document.batch.source,
        "doc_type": document.doc_type,
        "doc_type_confidence": document.doc_type_confidence,
        "fields": {f.name: f.value for f in document.fields},
        "pages": len(document.pages),
        "snippet": make_snippet([p.text for p in document.pages[:1]], ()).text,
        "score": None,
        "office": document.office,
        "district": document.office,  # its former name, kept for scripts
        "needs_review": document.needs_review,
        "review_reasons": list(document.review_reasons),
        "page_texts": [p.text for p in document.pages],
        # How each page was read: text layer or OCR, preprocessing steps, orientation.
        "page_details": [{"page": p.number, "method": p.method, "confidence": p.confidence, **p.details}
                         for p in document.pages],
        "field_details": [{"name": f.name, "value": f.value, "confidence": f.confidence, "page": f.page,
                           "source": f.source} for f in document.fields],
    }
