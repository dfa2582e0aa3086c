"""Classify: a document's text → one catalog type with a calibrated confidence.

Two kinds of evidence are combined:

* catalog rules (configs/catalog.toml): a printed title at the start of an
  upper-case head line (the longest matching title wins, so "TỜ KHAI ĐĂNG KÝ
  KHAI SINH" beats "TỜ KHAI"), head keywords for types printed without a title
  (the "V/v" line of an official letter), and without either a marker line
  only one type prints (the ID card's machine-readable zone), all three as the
  title; the type symbol in the document number ("45/QĐ-UBND"), and body keywords;
* a learned model (pipeline.stages.training): character n-grams of the folded text,
  trained from labelled examples and operators' corrections.

For every catalog type a score z = w · (title, symbol, keywords, model
probability) is computed and the scores are turned into probabilities with a
softmax. The weights w are fitted by `dossier train` on predictions for
held-out wording, which is what makes the confidence calibrated. A type added
to the catalog after the model was trained still competes on its rule evidence.
Below [catalog] min_confidence the document is `other` and needs review.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Protocol

from pipeline.catalog import OTHER, Catalog
from pipeline.domain import Classification
from pipeline.textnorm import fold, nfc, strip_marks

HEAD_LINES = 20
# Weights of (title, symbol, keywords, model) when no trained model supplies fitted ones:
# a printed title decides, keywords break ties. Used for rules-only classification.
RULE_ONLY_WEIGHTS = (6.0, 1.5, 3.0, 0.0)
FEATURES = ("title", "symbol", "keywords", "model")
# Below min_confidence a type is still kept (and the document still reviewed) when the model names it
# first, this share of its keywords is printed, and it is this many times as likely as the next type.
AGREEMENT_KEYWORDS = 0.5
AGREEMENT_MARGIN = 4.0
_UPPER_SHARE = 0.75  # titles are printed in capitals; body sentences are not
_LEADING_NOISE = re.compile(r"^[^\w(]+")  # anything before a line's first letter or digit, but "(" of "(Ký...)"
_NUMBER_SYMBOL = re.compile(r"(?:^|\s)s[oôố6]\s*[:.]?\s*[0-9][\w.]*(?:/\d+)*/([A-Za-zĐđ]+)", re.IGNORECASE)


class TypeModel(Protocol):
    """What classify needs from a trained model (see pipeline.stages.training.TrainedModel)."""

    weights: tuple[float, ...]

    def probabilities(self, text: str) -> dict[str, float]: ...


@dataclass(frozen=True)
class Evidence:
    """Rule evidence for one document."""

    title: tuple[str, str] | None  # (type id, matched title, head keyword or marker)
    symbol: str | None  # type symbol of the document number, accents stripped
    keyword_share: dict[str, float]  # per type: share of its keywords found (capped at 1)


def head_lines(text: str, count: int = HEAD_LINES) -> list[str]:
    """The first `count` non-empty lines, without the specks OCR reads before a line (", CĂN CƯỚC",
    "`GIẤY KHAI SINH") and the leaders and rules around it."""
    lines = [_LEADING_NOISE.sub("", nfc(line)).strip(" .-*_|\t") for line in text.splitlines()]
    return [line for line in lines if line][:count]


def _mostly_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) / len(letters) >= _UPPER_SHARE


def _starts_with(folded: str, phrase: str) -> bool:
    return folded.startswith(phrase) and (len(folded) == len(phrase) or not folded[len(phrase)].isalnum())


def title_match(lines: list[str], catalog: Catalog) -> tuple[str, str] | None:
    """The (type id, title) printed at the start of a head line; the longest title wins.

    A line ending in ":" is a section heading ("QUYẾT ĐỊNH:" before Điều 1), not a title.
    A long title wraps ("GIẤY CHỨNG NHẬN" / "QUYỀN SỬ DỤNG ĐẤT"), so an upper-case line is
    also tried joined with the upper-case line below it.
    """
    best: tuple[str, str] | None = None
    for index, line in enumerate(lines):
        if line.endswith(":"):
            continue
        upper = _mostly_upper(line)
        candidates = [fold(line)]
        if upper and index + 1 < len(lines) and _mostly_upper(lines[index + 1]):
            candidates.append(fold(f"{line} {lines[index + 1]}"))
        for folded in candidates:
            for doc_type in catalog.types:
                phrases = (doc_type.folded_titles if upper else ()) + doc_type.folded_head_keywords
                for phrase in phrases:
                    if _starts_with(folded, phrase) and (best is None or len(phrase) > len(best[1])):
                        best = (doc_type.id, phrase)
    return best


def marker_match(text: str, catalog: Catalog) -> tuple[str, str] | None:
    """The (type id, text matched) of the first catalog marker a line of the document prints, spaces
    left out: OCR spaces a machine-readable zone's run of characters ("33VNM<< <<<") at random."""
    packed = [nfc(line).replace(" ", "") for line in text.splitlines()]
    for doc_type in catalog.types:
        for marker in doc_type.compiled_markers:
            for line in packed:
                if match := marker.search(line):
                    return doc_type.id, match.group(0)
    return None


def number_symbol(lines: list[str]) -> str | None:
    """The type part of the document number: "Số: 45/QĐ-UBND" → "QD" (accents stripped, case kept)."""
    for line in lines:
        match = _NUMBER_SYMBOL.search(line)
        if match:
            return strip_marks(match.group(1))
    return None


def evidence(text: str, catalog: Catalog) -> Evidence:
    lines = head_lines(text)
    folded = fold(text)
    shares = {}
    for doc_type in catalog.types:
        keywords = doc_type.folded_keywords
        if keywords:
            hits = sum(1 for k in keywords if k in folded)
            shares[doc_type.id] = min(1.0, hits / min(len(keywords), 4))
    # A printed title first; without one (a stamp over it, OCR lost it), a line only one type prints
    title = title_match(lines, catalog) or marker_match(text, catalog)
    return Evidence(title, number_symbol(lines), shares)


def feature_rows(ev: Evidence, catalog: Catalog, model_probabilities: dict[str, float]) -> dict[str, tuple]:
    """Per catalog type: the feature values (title, symbol, keywords, model) the weights apply to."""
    rows = {}
    for doc_type in catalog.types:
        rows[doc_type.id] = (
            1.0 if ev.title and ev.title[0] == doc_type.id else 0.0,
            1.0 if ev.symbol and ev.symbol in doc_type.bare_symbols else 0.0,
            ev.keyword_share.get(doc_type.id, 0.0),
            model_probabilities.get(doc_type.id, 0.0),
        )
    return rows


def softmax_scores(rows: dict[str, tuple], weights: tuple[float, ...]) -> dict[str, float]:
    scores = {t: sum(w * x for w, x in zip(weights, row)) for t, row in rows.items()}
    top = max(scores.values())
    exp = {t: math.exp(s - top) for t, s in scores.items()}
    total = sum(exp.values())
    return {t: v / total for t, v in exp.items()}


def _evidence_agrees(best: str, ranked: list[tuple[str, float]], ev: Evidence,
                     model_probabilities: dict[str, float]) -> bool:
    """The type below the threshold that every kind of evidence names: the learned model's first
    choice, at least half its keywords printed, and AGREEMENT_MARGIN times the next type's probability."""
    if not model_probabilities or max(model_probabilities, key=model_probabilities.__getitem__) != best:
        return False
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return ev.keyword_share.get(best, 0.0) >= AGREEMENT_KEYWORDS and ranked[0][1] >= AGREEMENT_MARGIN * runner_up


def classify(text: str, catalog: Catalog, *, min_confidence: float,
             model: TypeModel | None = None) -> Classification:
    ev = evidence(text, catalog)
    model_probabilities = model.probabilities(text) if model else {}
    weights = model.weights if model else RULE_ONLY_WEIGHTS
    probabilities = softmax_scores(feature_rows(ev, catalog, model_probabilities), weights)
    ranked = sorted(probabilities.items(), key=lambda kv: -kv[1])
    best, confidence = ranked[0]
    details = {
        "title": ev.title[1] if ev.title else None,
        "symbol": ev.symbol,
        "model": "learned" if model else "rules only",
        "top": {t: round(p, 3) for t, p in ranked[:3]},
    }
    if model_probabilities:
        top_model = max(model_probabilities, key=model_probabilities.__getitem__)
        details["model_top"] = [top_model, round(model_probabilities[top_model], 3)]
    if best != OTHER and confidence < min_confidence:
        if _evidence_agrees(best, ranked, ev, model_probabilities):
            # No title (a stamp over it, OCR lost it) spreads the probabilities, but the
            # learned model, the keywords and the margin all name one type: keep it, uncertain.
            return Classification(best, round(confidence, 3), {**details, "below_threshold": True})
        return Classification(OTHER, round(confidence, 3), {**details, "best_guess": best})
    return Classification(best, round(confidence, 3), details)
