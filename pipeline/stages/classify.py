"""Classify: a document's text → one catalog type with a confidence.

First version: catalog rules only. A title printed at the start of a line in
the page head is the strongest evidence (the longest matching title wins, so
"TỜ KHAI ĐĂNG KÝ KHAI SINH" beats "TỜ KHAI"); body keywords add support.
"""

from __future__ import annotations

from pipeline.catalog import OTHER, Catalog
from pipeline.domain import Classification
from pipeline.textnorm import fold

HEAD_LINES = 15
TITLE_WEIGHT = 0.65
KEYWORD_WEIGHT = 0.35


def head_lines(text: str, count: int = HEAD_LINES) -> list[str]:
    lines = [fold(line).strip(" .:-*_|") for line in text.splitlines()]
    return [line for line in lines if line][:count]


def title_match(lines: list[str], catalog: Catalog) -> tuple[str, str] | None:
    """The (type id, title) whose printed title starts a head line; longest title wins."""
    best: tuple[str, str] | None = None
    for doc_type in catalog.types:
        for title in doc_type.folded_titles:
            if any(line.startswith(title) and len(line) <= len(title) + 60 for line in lines):
                if best is None or len(title) > len(best[1]):
                    best = (doc_type.id, title)
    return best


def classify(text: str, catalog: Catalog, *, min_confidence: float) -> Classification:
    folded = fold(text)
    title = title_match(head_lines(text), catalog)
    scores: dict[str, float] = {}
    for doc_type in catalog.types:
        if doc_type.id == OTHER:
            continue
        keywords = doc_type.folded_keywords
        hits = sum(1 for k in keywords if k in folded)
        keyword_score = min(1.0, hits / max(1, min(len(keywords), 4)))
        title_score = 1.0 if title and title[0] == doc_type.id else 0.0
        scores[doc_type.id] = TITLE_WEIGHT * title_score + KEYWORD_WEIGHT * keyword_score
    best = max(scores, key=scores.__getitem__, default=OTHER)
    confidence = round(scores.get(best, 0.0), 3)
    evidence = {"title": title[1] if title else None,
                "scores": {k: round(v, 3) for k, v in sorted(scores.items(), key=lambda kv: -kv[1])[:3]}}
    if confidence < min_confidence:
        return Classification(OTHER, confidence, {**evidence, "best_guess": best})
    return Classification(best, confidence, evidence)
