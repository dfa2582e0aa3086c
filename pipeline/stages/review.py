"""Review: the one rule for "this document needs a human", and how operators' corrections overrule the pipeline.

The type is uncertain (the classifier filed it as `other`), a required field of
its type is missing, a value failed validation, or a value came from a reading
that asks for it to be checked (`details.check`). Applied when a document is
filed and again after every operator correction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.catalog import OTHER, Catalog
from pipeline.domain import CLASSIFIER, OPERATOR, Classification, ExtractedField, OperatorCorrection


def review_reasons(catalog: Catalog, doc_type: str, confidence: float,
                   fields: Iterable[tuple[str, dict[str, Any]]], *, type_source: str = CLASSIFIER,
                   min_confidence: float = 0.0, unread: Iterable[str] = ()) -> list[str]:
    """Why a document needs a human; empty when it does not. `fields`: (name, details) pairs.
    `min_confidence`: a classifier's type below it (kept because all evidence agrees) is uncertain too;
    `unread`: values extraction saw but could not read, each with its raw reading."""
    fields = list(fields)
    reasons = []
    if type_source == CLASSIFIER and (doc_type == OTHER or confidence < min_confidence):
        reasons.append(f"type uncertain (confidence {confidence:.2f})")
    present = {name for name, _ in fields}
    missing = [name for name in catalog.get(doc_type).required if name not in present]
    if missing:
        reasons.append(f"required field(s) missing: {', '.join(missing)}")
    reasons.extend(unread)
    for name, details in fields:
        problems = details.get("validation")
        if problems:
            raw = f" (read {details['read']})" if details.get("read") else ""
            reasons.append(f"{name} failed validation: {'; '.join(problems)}{raw}")
        elif details.get("check"):  # a value only a weaker reading gave, for a human to compare with the scan
            reasons.append(f"{name} to check: {details['check']}")
    return reasons


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
