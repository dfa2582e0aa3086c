"""Corrections: what operators see to review, and what they set by hand.

`relabel` and `set_field` change a document in one transaction of the store
that also re-indexes it and records the event (what, before, after; who: the
store's actor, `pipeline.roles.operator_name`); the
document is validated again and its review reasons recomputed by the same rule
as at filing (`stages.review`). Relabelled documents are the operators'
labelled examples that `dossier train` learns from (`operator_examples`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pipeline.catalog import Catalog
from pipeline.domain import EXTRACTED, OPERATOR, ExtractedField
from pipeline.i18n import _
from pipeline.errors import UsageError
from pipeline.operations.scope import require_in_scope
from pipeline.procedures import Procedures
from pipeline.stages import extract, procedure
from pipeline.stages.extract import values
from pipeline.stages.review import review_reasons
from pipeline.stages.training import OPERATOR_WEIGHT, Example
from pipeline.store.repository import DocumentRevision, DocumentState, Store


@dataclass(frozen=True)
class Correction:
    document_id: int
    what: str  # "doc_type" or the field name
    before: str | None
    after: str
    review_reasons: list[str]


def documents_to_review(store: Store, *, doc_type: str | None = None, limit: int = 50,
                        office: str | None = None) -> list[dict[str, Any]]:
    """Documents waiting for a human, oldest first (they have waited longest); of `office` when given."""
    return [{
        "kind": "document",
        "office": d.office,
        "document_id": d.id,
        "batch_id": d.batch_id,
        "source": d.batch.source,
        "doc_type": d.doc_type,
        "doc_type_confidence": d.doc_type_confidence,
        "best_guess": _best_guess(d),
        "name": _person_name(d.fields),
        "title": (d.details.get("classification") or {}).get("title"),  # as printed on the document
        "review_reasons": list(d.review_reasons),
        "fields": {f.name: f.value for f in d.fields},
        "filed_at": d.filed_at.isoformat(timespec="seconds"),
    } for d in store.documents_to_review(doc_type=doc_type, limit=limit, office=office)]


def _best_guess(document) -> str | None:
    """The classifier's best guess for a document it could not type, while it still says something:
    not once an operator chose the type, nor when it is the type the document has."""
    guess = (document.details.get("classification") or {}).get("best_guess")
    if document.doc_type_source == OPERATOR or guess == document.doc_type:
        return None
    return guess


def _person_name(fields) -> str | None:
    """Whose document it is: the full name, else the first other name read (a spouse, a parent)."""
    names = {f.name: f.value for f in fields}
    return names.get("full_name") or next((v for k, v in names.items() if k.endswith("_name") and v), None)


def dossiers_to_complete(store: Store, procedures: Procedures, *, office: str | None = None,
                         limit: int = 50) -> list[dict[str, Any]]:
    """Filed dossiers lacking a document their procedure requires, oldest first: the counter asks the
    citizen for it, or an operator relabels a document that was misread."""
    rows = []
    for batch in store.incomplete_dossiers(office=office, limit=limit):
        found = procedures.find(batch.procedure)
        name = found.name_vi if found else batch.procedure
        rows.append({
            "kind": "dossier",
            "office": batch.office,
            "batch_id": batch.id,
            "source": batch.source,
            "procedure": batch.procedure,
            "procedure_name": name,
            "missing_documents": list(batch.missing_documents or []),
            "documents": [d.id for d in batch.documents],
            "review_reasons": [f"incomplete dossier for {name}: no {', '.join(batch.missing_documents or [])}"],
            "filed_at": batch.updated_at.isoformat(timespec="seconds"),
        })
    return rows


def relabel(store: Store, catalog: Catalog, document_id: int, doc_type: str, *,
            procedures: Procedures | None = None, scope: str | None = None) -> Correction:
    """Set the type by hand; fields are extracted again for the new type (operators' values are kept),
    and the dossier's completeness is checked again against its procedure."""
    if doc_type not in catalog:
        raise UsageError(_("unknown document type '{type}'").format(type=doc_type),
                         remedy=_("see `dossier types` for the catalog ids"))

    def revise(document: DocumentState) -> DocumentRevision:
        require_in_scope(document.office, scope, what=_("document {id}").format(id=document_id))
        typed = [f for f in document.fields if f.source == OPERATOR]
        kept = {f.name for f in typed}
        found = [replace(f, source=EXTRACTED) for f in extract.extract(document.pages, catalog.get(doc_type))
                 if f.name not in kept]
        revision = _revision(catalog, doc_type, OPERATOR, 1.0, typed + found, "relabel",
                             (("doc_type", document.doc_type, doc_type),))
        if procedures is None:
            return revision
        return replace(revision, dossier=procedure.recheck(procedures, document.dossier,
                                                           [doc_type, *document.other_types]))

    return _correction(store.revise_document(document_id, revise), document_id)


def set_field(store: Store, catalog: Catalog, document_id: int, name: str, text: str, *,
              scope: str | None = None) -> Correction:
    """Set one field by hand, normalised and validated like an extracted one."""
    return set_fields(store, catalog, document_id, [(name, text)], scope=scope)[0]


def set_fields(store: Store, catalog: Catalog, document_id: int, assignments: list[tuple[str, str]], *,
               scope: str | None = None) -> list[Correction]:
    """Set fields by hand, all or nothing: every value is checked before any is stored, then all are
    stored in one transaction (a wrong second value must not leave the first one saved)."""
    typed = {name: (text, _typed_value(catalog, name, text)) for name, text in assignments}

    def revise(document: DocumentState) -> DocumentRevision:
        require_in_scope(document.office, scope, what=_("document {id}").format(id=document_id))
        before = {f.name: f.value for f in document.fields}
        fields = [f for f in document.fields if f.name not in typed] + [
            ExtractedField(name, value, 1.0, None, {"typed": text}, source=OPERATOR) for name, (text, value) in typed.items()]
        changes = tuple((name, before.get(name), value) for name, (_text, value) in typed.items())
        return _revision(catalog, document.doc_type, document.doc_type_source, document.doc_type_confidence,
                         fields, "set_field", changes)

    revision = store.revise_document(document_id, revise)
    return [Correction(document_id, what, before, after, revision.review_reasons)
            for what, before, after in revision.changes]


def _typed_value(catalog: Catalog, name: str, text: str) -> str:
    """An operator's value, normalised like an extracted one; a UsageError saying why when it is not valid."""
    if name not in catalog.fields:
        raise UsageError(_("unknown field '{name}'").format(name=name),
                         remedy=_("fields: {names}").format(names=", ".join(catalog.fields)))
    try:
        return values.normalise(catalog.field(name).kind, text)
    except values.InvalidValue as exc:
        raise UsageError(f"{name}: {exc}", remedy=_("type the {name} as printed on the document; nothing was changed")
                         .format(name=name)) from None


def _revision(catalog: Catalog, doc_type: str, type_source: str, confidence: float, fields: list[ExtractedField],
              action: str, changes: tuple[tuple[str, str | None, str], ...]) -> DocumentRevision:
    """The document after a correction: validated again, its review reasons recomputed."""
    checks = values.cross_check({f.name: f.value for f in fields})
    checked = []
    for f in fields:
        problems = checks.get(f.name)
        key = "validation" if f.source != OPERATOR else "warning"  # an operator's value is final
        details = {k: v for k, v in f.details.items() if k not in ("validation", "warning")}
        if problems and not problems.ok:
            details[key] = list(problems.problems)
        checked.append(replace(f, details=details))
    reasons = review_reasons(catalog, doc_type, confidence, [(f.name, f.details) for f in checked],
                             type_source=type_source)
    return DocumentRevision(doc_type, type_source, confidence, checked, reasons, action, changes)


def _correction(revision: DocumentRevision, document_id: int) -> Correction:
    [(what, before, after)] = revision.changes
    return Correction(document_id, what, before, after, revision.review_reasons)


def operator_examples(store: Store, *, office: str | None = None) -> list[Example]:
    """Documents whose type an operator set (of `office` when given): real, misread documents to learn from."""
    return [Example(text, doc_type, "operator", OPERATOR_WEIGHT)
            for text, doc_type in store.operator_labelled(office=office)]

