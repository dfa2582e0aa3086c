"""The learned half of the classifier: training it, saving it, finding the one to use.

Where the model lives, and why:
* labelled examples ship with the code (pipeline/data/labelled_examples.jsonl.gz,
  written by tools/make_labelled_set.py): every district starts from the same ones;
* operators' corrections (`dossier relabel`) live in each district's store;
* `dossier train` fits a model on both and writes <data-dir>/models/classifier.joblib.
  The model is derived data: deleting it is safe, it is rebuilt.
When no model has been trained yet, the first document trains one from the shipped
examples (a few seconds) and saves it, so a fresh install classifies with the
learned model from the start. If even that fails, classification falls back to
the catalog rules alone.

The model: TF-IDF of character 2-4-grams of the folded text (accent-free, so OCR
that drops a diacritic changes little) and a logistic regression. The weights that
combine it with the catalog rules (pipeline.stages.classify) are fitted on
predictions for wording the model did not see (cross-validation grouped by
template wording), so the combined confidence is calibrated for new documents.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gzip
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.catalog import Catalog
from pipeline.errors import ConfigError
from pipeline.privacy import FILE_MODE, make_private_dir
from pipeline.stages.classify import FEATURES, RULE_ONLY_WEIGHTS, evidence, feature_rows, softmax_scores
from pipeline.textnorm import fold

log = logging.getLogger("dossier.training")

SHIPPED_EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "labelled_examples.jsonl.gz"
MODEL_FILE = "classifier.joblib"
MODEL_FORMAT = 1
MODEL_CHARS = 4000  # the head and first body of a document characterise it; a 55-page decree need not be read whole
OPERATOR_WEIGHT = 3.0  # a correction outweighs a generated example: it is a real document that was misread
_CV_FOLDS = 3
# Combination weights before any fitting: the rules' own, plus the model as strong as a title.
DEFAULT_WEIGHTS = RULE_ONLY_WEIGHTS[:3] + (6.0,)


@dataclass(frozen=True)
class Example:
    text: str
    doc_type: str
    group: str  # template wording (or "operator"): cross-validation never splits a group
    weight: float = 1.0


def model_text(text: str) -> str:
    """What the model reads: folded, digits masked (numbers identify people, not types), capped."""
    return re.sub(r"\d", "0", " ".join(fold(text[:MODEL_CHARS * 2]).split()))[:MODEL_CHARS]


def _shipped_rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def shipped_examples(path: Path = SHIPPED_EXAMPLES) -> list[Example]:
    return [Example(r["text"], r["type"], r["group"]) for r in _shipped_rows(path) if "text" in r]


def shipped_weights(path: Path = SHIPPED_EXAMPLES) -> tuple[float, ...] | None:
    """Combination weights fitted on the shipped examples when they were written (the file's header row)."""
    for row in _shipped_rows(path):
        if "weights" in row:
            return tuple(float(row["weights"][name]) for name in FEATURES)
    return None


@dataclass
class TrainedModel:
    """A fitted text model plus the rule-combination weights; what classify() calls `model`."""

    pipeline: Any  # sklearn Pipeline: TfidfVectorizer → LogisticRegression
    weights: tuple[float, ...]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def classes(self) -> list[str]:
        return list(self.pipeline.classes_)

    def probabilities(self, text: str) -> dict[str, float]:
        row = self.pipeline.predict_proba([model_text(text)])[0]
        return dict(zip(self.classes, (float(p) for p in row)))


def _new_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2, max_features=60000),
        LogisticRegression(C=20.0, max_iter=2000),
    )


def fit(examples: list[Example], catalog: Catalog, *, cross_validate: bool = True,
        weights: tuple[float, ...] | None = None) -> TrainedModel:
    """Fit the text model on all examples; fit the combination weights on held-out-wording predictions.

    Without cross-validation the given weights are used (a first-use model takes the ones fitted
    on the shipped examples: the same data, a third of the time).
    """
    examples = [e for e in examples if e.doc_type in catalog]
    if len({e.doc_type for e in examples}) < 2:
        raise ConfigError("too few labelled examples to train the classifier",
                          remedy="reinstall dossier (the shipped examples are missing) or relabel documents")
    texts = [model_text(e.text) for e in examples]
    labels = [e.doc_type for e in examples]
    sample_weights = [e.weight for e in examples]
    pipeline = _new_pipeline()
    pipeline.fit(texts, labels, logisticregression__sample_weight=sample_weights)

    combination = weights or DEFAULT_WEIGHTS
    held_out_accuracy = None
    if cross_validate:
        held_out = _held_out_probabilities(examples, texts, labels, sample_weights)
        if held_out is not None:
            rows = [feature_rows(evidence(e.text, catalog), catalog, p) for e, p in zip(examples, held_out)]
            combination = fit_weights(rows, labels, sample_weights)
            predicted = [max(scores, key=scores.__getitem__)
                         for scores in (softmax_scores(row, combination) for row in rows)]
            held_out_accuracy = sum(p == y for p, y in zip(predicted, labels)) / len(labels)
    info = {
        "format": MODEL_FORMAT,
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "examples": len(examples),
        "operator_examples": sum(1 for e in examples if e.group == "operator"),
        "types": sorted(set(labels)),
        "catalog": catalog.fingerprint,
        "sklearn": _sklearn_version(),
        "weights": dict(zip(FEATURES, (round(w, 3) for w in combination))),
    }
    if held_out_accuracy is not None:
        info["held_out_accuracy"] = round(held_out_accuracy, 4)
    return TrainedModel(pipeline, tuple(combination), info)


def _held_out_probabilities(examples, texts, labels, weights) -> list[dict[str, float]] | None:
    from sklearn.model_selection import GroupKFold

    groups = [e.group for e in examples]
    folds = min(_CV_FOLDS, len(set(groups)))
    if folds < 2:
        return None
    out: list[dict[str, float]] = [{} for _ in examples]
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(texts, labels, groups):
        if len({labels[i] for i in train_idx}) < 2:
            continue
        pipeline = _new_pipeline()
        pipeline.fit([texts[i] for i in train_idx], [labels[i] for i in train_idx],
                     logisticregression__sample_weight=[weights[i] for i in train_idx])
        probabilities = pipeline.predict_proba([texts[i] for i in test_idx])
        for i, row in zip(test_idx, probabilities):
            out[i] = dict(zip(pipeline.classes_, (float(p) for p in row)))
    return out


def fit_weights(rows: list[dict[str, tuple]], labels: list[str], sample_weights: list[float]) -> tuple[float, ...]:
    """Weights of the softmax over catalog types that maximise the likelihood of the true types."""
    import numpy as np
    from scipy.optimize import minimize

    types = list(rows[0])
    x = np.array([[row[t] for t in types] for row in rows])  # examples × types × features
    y = np.array([types.index(label) for label in labels])
    sw = np.array(sample_weights)
    l2 = 0.01

    def loss(w):
        z = x @ w
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return -(sw * log_p[np.arange(len(y)), y]).sum() / sw.sum() + l2 * (w @ w)

    result = minimize(loss, np.array(DEFAULT_WEIGHTS), method="L-BFGS-B",
                      bounds=[(0.0, 40.0)] * x.shape[2])
    return tuple(float(v) for v in result.x)


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


# --- storing and finding the model ---------------------------------------------------------


def model_path(models_dir: Path) -> Path:
    return models_dir / MODEL_FILE


def save(model: TrainedModel, path: Path) -> None:
    """Written to a temporary file and renamed: workers loading it never see half a model."""
    import joblib

    make_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".classifier-", suffix=".tmp")
    os.fchmod(fd, FILE_MODE)  # the office group's workers read it; nobody else
    os.close(fd)
    try:
        joblib.dump({"pipeline": model.pipeline, "weights": model.weights, "info": model.info}, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load(path: Path) -> TrainedModel | None:
    """The saved model, or None when it is missing or was written by another scikit-learn."""
    import joblib

    if not path.exists():
        return None
    try:
        data = joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - a damaged model is rebuilt, never fatal
        log.warning("ignoring unreadable classifier model %s: %s", path, exc)
        return None
    info = data.get("info", {})
    if info.get("format") != MODEL_FORMAT or info.get("sklearn") != _sklearn_version():
        return None
    return TrainedModel(data["pipeline"], tuple(data["weights"]), info)


_loaded: dict[Path, tuple[float, TrainedModel | None]] = {}


@contextlib.contextmanager
def _lock(path: Path):
    make_private_dir(path.parent)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_model(models_dir: Path, catalog: Catalog) -> TrainedModel | None:
    """The model this process classifies with: loaded once, reloaded when `dossier train` replaces it.

    With no usable model, one is trained from the shipped examples and saved; rules alone
    are the last resort (the reason is logged).
    """
    path = model_path(models_dir)
    mtime = path.stat().st_mtime if path.exists() else -1.0
    cached = _loaded.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    model = load(path)
    if model is None:
        try:
            # Every worker of a fresh data folder gets here at once: one trains, the others
            # wait on the lock and then load its model instead of training their own.
            with _lock(path.with_name(path.name + ".lock")):
                model = load(path)
                if model is None:
                    model = fit(shipped_examples(), catalog, cross_validate=False, weights=shipped_weights())
                    save(model, path)
            mtime = path.stat().st_mtime
        except Exception as exc:  # noqa: BLE001 - classification must go on with the rules
            log.warning("classifying with catalog rules only: no model could be trained (%s)", exc)
            model = None
    _loaded[path] = (mtime, model)
    return model
