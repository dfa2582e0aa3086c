"""Review: which documents need a human, and the corrections operators make.

`review_reasons` is the one rule for "needs review" (the type is uncertain, a
required field is missing, a value failed validation), applied when a document
is filed and again after every correction. `relabel` and `set_field` change a
document in one transaction that also records the event (who, what, before,
after) and re-indexes it for search. Relabelled documents are the operators'
labelled examples that `dossier train` learns from (`operator_examples`).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.catalog import FIELD_NAMES, OTHER, Catalog
from pipeline.domain import Classification, ExtractedField, OperatorCorrection, PageText, Word
from pipeline.errors import NotFound, UsageError
from pipeline.search.index import index_document
from pipeline.stages import extract
from pipeline.stages.fields import values
from pipeline.store.models import Document, Field
from pipeline.store.repository import Store
from pipeline.training import OPERATOR_WEIGHT, Example

CLASSIFIER, OPERATOR = "classifier", "operator"
EXTRACTED = "extracted"


def review_reasons(catalog: Catalog, doc_type: str, confidence: float,
                   fields: Iterable[tuple[str, dict[str, Any]]], *, type_source: str = CLASSIFIER) -> list[str]:
    """Why a document needs a human; empty when it does not. `fields`: (name, details) pairs."""
    fields = list(fields)
    reasons = []
    if doc_type == OTHER and type_source == CLASSIFIER:
        reasons.append(f"type uncertain (confidence {confidence:.2f})")
    present = {name for name, _ in fields}
    missing = [name for name in catalog.get(doc_type).required if name not in present]
    if missing:
        reasons.append(f"required field(s) missing: {', '.join(missing)}")
    for name, details in fields:
        problems = details.get("validation")
        if problems:
            reasons.append(f"{name} failed validation: {'; '.join(problems)}")
    return reasons


@dataclass(frozen=True)
class Correction:
    document_id: int
    what: str  # "doc_type" or the field name
    before: str | None
    after: str
    review_reasons: list[str]


def documents_to_review(store: Store, *, doc_type: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Documents waiting for a human, oldest first (they have waited longest)."""
    with store.session() as session:
        query = (select(Document).options(selectinload(Document.batch), selectinload(Document.fields))
                 .where(Document.needs_review.is_(True)).order_by(Document.filed_at, Document.id).limit(limit))
        if doc_type:
            query = query.where(Document.doc_type == doc_type)
        return [{
            "document_id": d.id,
            "batch_id": d.batch_id,
            "source": d.batch.source,
            "doc_type": d.doc_type,
            "doc_type_confidence": d.doc_type_confidence,
            "best_guess": (d.details.get("classification") or {}).get("best_guess"),
            "review_reasons": list(d.review_reasons),
            "fields": {f.name: f.value for f in d.fields},
            "filed_at": d.filed_at.isoformat(timespec="seconds"),
        } for d in session.scalars(query)]


def relabel(store: Store, catalog: Catalog, document_id: int, doc_type: str) -> Correction:
    """Set the type by hand; fields are extracted again for the new type (operators' values are kept)."""
    if doc_type not in catalog:
        raise UsageError(f"unknown document type {doc_type!r}", remedy="see `dossier types` for the catalog ids")
    with store.session(immediate=True) as session:
        document = _document(session, document_id)
        before = document.doc_type
        document.doc_type, document.doc_type_source, document.doc_type_confidence = doc_type, OPERATOR, 1.0
        operator_fields = {f.name for f in document.fields if f.source == OPERATOR}
        for old in [f for f in document.fields if f.source != OPERATOR]:
            document.fields.remove(old)
        pages = [_page_text(p) for p in document.pages]
        for found in extract.extract(pages, catalog.get(doc_type)):
            if found.name not in operator_fields:
                document.fields.append(Field(name=found.name, value=found.value, confidence=found.confidence,
                                             page=found.page, source=EXTRACTED, details=found.details))
        return _finish(session, store, catalog, document, "relabel", "doc_type", before, doc_type)


def set_field(store: Store, catalog: Catalog, document_id: int, name: str, text: str) -> Correction:
    """Set one field by hand, normalised and validated like an extracted one."""
    if name not in FIELD_NAMES:
        raise UsageError(f"unknown field {name!r}", remedy=f"fields: {', '.join(FIELD_NAMES)}")
    try:
        value = values.normalise(name, text)
    except values.InvalidValue as exc:
        raise UsageError(str(exc), remedy=f"type the {name} as printed on the document") from None
    with store.session(immediate=True) as session:
        document = _document(session, document_id)
        current = [f for f in document.fields if f.name == name]
        before = current[0].value if current else None
        for old in current:
            document.fields.remove(old)
        document.fields.append(Field(name=name, value=value, confidence=1.0, page=None, source=OPERATOR,
                                     details={"typed": text}))
        if name == "issue_date":
            document.issue_date = dt.date.fromisoformat(value)
        return _finish(session, store, catalog, document, "set_field", name, before, value)


def _finish(session: Session, store: Store, catalog: Catalog, document: Document, action: str, what: str,
            before: str | None, after: str) -> Correction:
    """Validate again, recompute the review reasons, re-index and record the event: one transaction."""
    checks = values.cross_check({f.name: f.value for f in document.fields})
    for f in document.fields:
        problems = checks.get(f.name)
        key = "validation" if f.source != OPERATOR else "warning"  # an operator's value is final
        details = {k: v for k, v in (f.details or {}).items() if k not in ("validation", "warning")}
        if problems and not problems.ok:
            details[key] = list(problems.problems)
        f.details = details
    reasons = review_reasons(catalog, document.doc_type, document.doc_type_confidence,
                             [(f.name, f.details) for f in document.fields], type_source=document.doc_type_source)
    document.review_reasons, document.needs_review = reasons, bool(reasons)
    session.flush()
    index_document(session, document)
    store.add_event(session, action, batch_id=document.batch_id, document_id=document.id,
                    detail=f"{what}: {before!r} → {after!r} by {_operator()}")
    return Correction(document.id, what, before, after, reasons)


def operator_type(catalog: Catalog, classification: Classification,
                  correction: OperatorCorrection) -> Classification:
    """The classifier's answer, overruled by the type an operator chose earlier (if still in the catalog)."""
    if correction.doc_type is None or correction.doc_type not in catalog:
        return classification
    evidence = {**classification.evidence, "classifier": [classification.doc_type, classification.confidence]}
    return Classification(correction.doc_type, 1.0, evidence, source=OPERATOR)


def operator_fields(fields: list[ExtractedField], correction: OperatorCorrection) -> list[ExtractedField]:
    """Extracted fields, with the values operators typed earlier in place of the extracted ones."""
    typed = {f.name for f in correction.fields}
    return [f for f in fields if f.name not in typed] + list(correction.fields)


def operator_examples(store: Store) -> list[Example]:
    """Documents whose type an operator set: real, misread documents to learn from."""
    with store.session() as session:
        query = (select(Document).options(selectinload(Document.pages))
                 .where(Document.doc_type_source == OPERATOR).order_by(Document.id))
        return [Example("\n\n".join(p.text for p in d.pages), d.doc_type, "operator", OPERATOR_WEIGHT)
                for d in session.scalars(query)]


def _document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id, options=[selectinload(Document.fields),
                                                            selectinload(Document.pages)])
    if document is None:
        raise NotFound(f"document {document_id} does not exist", remedy="find documents with `dossier review`")
    return document


def _page_text(page) -> PageText:
    return PageText(file_ordinal=0, file_page=page.file_page, text=page.text, confidence=page.confidence,
                    method=page.method, words=[Word.from_row(r) for r in page.words or []])


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service account without one)
        return "unknown"
