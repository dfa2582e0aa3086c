"""Evaluate classification, field extraction and splitting on labelled documents nobody tuned on.

    .venv/bin/python bench/eval_classify.py            # everything; writes bench/results/classify.md
    .venv/bin/python bench/eval_classify.py --no-ocr   # clean-text parts only (seconds, not minutes)

Labelled sets, each reported on its own:
1. generated, clean text: tools/make_labelled_set.py's "eval" split: every catalog type in the
   held-out wording (never in the shipped training examples) with held-out people (seeds), the
   ground-truth text of the rendered pages. Multi-document files are made by concatenating them.
2. generated, real OCR: part of the same documents rendered, degraded like a flatbed scan and read
   by the pipeline's read stage (Tesseract), then split, classified and extracted.
3. sample_scans/: the colleague-made scans (phone photo, skew, upside down, 1-bit TIFF, a 4-document
   PDF, a folder of page images), through the real `dossier ingest`; truth in EXPECTED.json.
4. ../shared/corpus (skipped with a message when absent): the real scanned administrative letters
   of vn-admin-scans/RAG_TongHopVBHC (labels.csv; first 3 pages read), and the 65 official citizen
   form texts of vn-form-templates, labelled by their file name (FORM_LABELS below).

The classifier used is the one `dossier train` builds from the shipped examples (trained here).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.catalog import OTHER, load_catalog  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.domain import PageText  # noqa: E402
from pipeline.stages import classify, extract, split, training  # noqa: E402
from pipeline.textnorm import nfc  # noqa: E402
from tools import make_labelled_set as labelled  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "classify.md"
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLES = ROOT / "sample_scans"
OCR_SEEDS = range(3)  # the first three seeds of the split are also scanned and OCR'd
MULTI_FILES_CLEAN = 60
MULTI_FILES_OCR = 30
ADMIN_LABELS = {"CONG_VAN": "official_letter", "VAN_BAN_HOP_NHAT": OTHER, "NGHI_DINH": OTHER,
                "NOT_ADMINISTRATIVE": OTHER}
CORPUS_PAGES = {1, 2, 3}
# vn-form-templates: the type each blank form is filed under, from its file name and printed title.
# Forms outside the catalog (commitments, an income letter, a vehicle register) are `other`.
FORM_LABELS = {
    "00": "report", "01": OTHER, "04": "submission", "09": "notice", "11": "birth_registration_form",
    "34": OTHER, "37": "construction_permit", "38": "power_of_attorney", "41": "notice", "44": "decision",
    "47": "notice", "56": "death_certificate", "61": OTHER, "62": OTHER,
}
FORM_APPLICATIONS = {f"{n:02d}" for n in (2, 3, 6, 8, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26,
                                          27, 28, 29, 30, 31, 32, 33, 35, 36, 40, 42, 43, 45, 46, 49, 50, 51, 52,
                                          53, 54, 55, 57, 58, 59, 60, 63, 64)}


# --- what the pipeline makes of some pages -------------------------------------------------------


@dataclass
class Predicted:
    pages: list[int]  # 1-based positions in the file
    doc_type: str
    confidence: float
    fields: dict[str, str]


@dataclass
class Gold:
    pages: list[int]
    doc_type: str
    fields: dict[str, str]


@dataclass
class Part:
    name: str
    text_source: str  # "clean text" | "real OCR"
    documents: list[tuple[Gold, Predicted | None]] = field(default_factory=list)  # gold vs the prediction on its pages
    files: list[tuple[list[list[int]], list[list[int]]]] = field(default_factory=list)  # multi-doc: gold vs predicted
    single_files: list[bool] = field(default_factory=list)  # multi-page single documents kept whole
    notes: list[str] = field(default_factory=list)


def analyse(pages: list[PageText], catalog, model, min_confidence: float) -> list[Predicted]:
    """split → classify → extract, as pipeline.office.processing runs them."""
    out, position = [], 1
    for group in split.split(pages, catalog):
        text = "\n\n".join(p.text for p in group)
        result = classify.classify(text, catalog, min_confidence=min_confidence, model=model)
        fields = {f.name: f.value for f in extract.extract(group, catalog.get(result.doc_type))}
        out.append(Predicted(list(range(position, position + len(group))), result.doc_type, result.confidence,
                             fields))
        position += len(group)
    return out


def page_texts(texts: list[str], method: str = "ocr") -> list[PageText]:
    return [PageText(0, i, t, 90.0, method) for i, t in enumerate(texts, start=1)]


def score_file(part: Part, golds: list[Gold], predicted: list[Predicted]) -> None:
    """Record a file: each gold document against the prediction covering its first page; the boundaries."""
    for gold in golds:
        match = next((p for p in predicted if gold.pages[0] in p.pages), None)
        part.documents.append((gold, match))
    gold_groups = [g.pages for g in golds]
    predicted_groups = [p.pages for p in predicted]
    if len(golds) > 1:
        part.files.append((gold_groups, predicted_groups))
    elif len(golds[0].pages) > 1:
        part.single_files.append(gold_groups == predicted_groups)


# --- the labelled sets ------------------------------------------------------------------------------


def generated(catalog, model, min_conf: float, *, with_ocr: bool, engine, split_name: str) -> list[Part]:
    docs = labelled.documents(split_name)
    ocr_seeds = {s for s in (labelled.EVAL_SEEDS if split_name == "eval" else labelled.DEV_SEEDS)[:len(OCR_SEEDS)]}
    clean = Part("generated (held-out wording and people)", "clean text")
    for d in docs:
        pages = page_texts([p.text for p in d.pages])
        score_file(clean, [Gold(list(range(1, len(pages) + 1)), d.type, d.fields)],
                   analyse(pages, catalog, model, min_conf))
    _multi(clean, [(d, [p.text for p in d.pages]) for d in docs], MULTI_FILES_CLEAN, catalog, model, min_conf)
    parts = [clean]
    if with_ocr:
        ocr = Part("generated, scanned and OCR'd", "real OCR")
        read: list[tuple[labelled.LabelledDoc, list[str]]] = []
        for d in docs:
            if d.seed in ocr_seeds:
                texts = labelled.ocr_pages(d, engine, seed=d.seed * 7)
                read.append((d, texts))
                score_file(ocr, [Gold(list(range(1, len(texts) + 1)), d.type, d.fields)],
                           analyse(page_texts(texts), catalog, model, min_conf))
        _multi(ocr, read, MULTI_FILES_OCR, catalog, model, min_conf)
        parts.append(ocr)
    return parts


def _multi(part: Part, docs, count: int, catalog, model, min_conf: float) -> None:
    """Files holding several documents, as counters scan a whole dossier at once."""
    rng = random.Random(20240312 + count)
    scored = Part("", "")
    for _ in range(count):
        chosen = rng.sample(docs, rng.randint(2, 4))
        texts, golds, position = [], [], 1
        for d, doc_texts in chosen:
            golds.append(Gold(list(range(position, position + len(doc_texts))), d.type, d.fields))
            texts += doc_texts
            position += len(doc_texts)
        score_file(scored, golds, analyse(page_texts(texts), catalog, model, min_conf))
    part.files += scored.files


def sample_scans(model_file: Path) -> Part | None:
    expected_path = SAMPLES / "EXPECTED.json"
    if not expected_path.exists():
        return None
    expected = json.loads(expected_path.read_text(encoding="utf-8"))["dossiers"]
    part = Part("sample_scans/ through `dossier ingest`", "real OCR")
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from pipeline.store.models import BatchFile, Document
    from pipeline.store.repository import Store

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        command = [sys.executable, "-m", "pipeline", "--data-dir", str(data)]
        subprocess.run([*command, "init"], check=True, capture_output=True, cwd=ROOT)
        (data / "models").mkdir(parents=True, exist_ok=True)
        shutil.copy(model_file, data / "models" / training.MODEL_FILE)  # the model evaluated everywhere here
        result = subprocess.run([*command, "ingest", "--json", *[str(SAMPLES / d["source"]) for d in expected]],
                                capture_output=True, text=True, cwd=ROOT)
        report = json.loads(result.stdout)
        for failure in report["failed"]:
            part.notes.append(f"failed: {failure['reason']}")
        store = Store(f"sqlite:///{data / 'dossier.sqlite3'}")
        with store.session() as session:
            documents = session.scalars(select(Document).options(selectinload(Document.pages),
                                                                 selectinload(Document.fields),
                                                                 selectinload(Document.batch))).all()
            files = {f.id: f for f in session.scalars(select(BatchFile))}
            by_source: dict[str, list] = defaultdict(list)
            for d in documents:
                by_source[Path(d.batch.source).name].append(d)
            for dossier in expected:
                filed = sorted(by_source.get(dossier["source"], []), key=lambda d: d.ordinal)
                offsets = _page_offsets([p for d in filed for p in d.pages], files)
                predicted = [Predicted(sorted(offsets[(files[p.batch_file_id].ordinal, p.file_page)] for p in d.pages),
                                       d.doc_type, d.doc_type_confidence, {f.name: f.value for f in d.fields})
                             for d in filed]
                golds = [Gold(g["pages"], g["type"], g["fields"]) for g in dossier["documents"]]
                if not predicted:
                    part.documents += [(g, None) for g in golds]
                    continue
                score_file(part, golds, predicted)
        store.dispose()
    return part


def _page_offsets(pages, files) -> dict[tuple[int, int], int]:
    """(file ordinal, page in file) → 1-based page of the dossier (a folder's files in order)."""
    keys = sorted({(files[p.batch_file_id].ordinal, p.file_page) for p in pages})
    return {key: i for i, key in enumerate(keys, start=1)}


def corpus_admin(catalog, model, min_conf: float, engine, settings) -> Part | None:
    folder = CORPUS / "vn-admin-scans" / "RAG_TongHopVBHC"
    if not folder.is_dir():
        return None
    from pipeline.archive import formats
    from pipeline.stages import rasterize, read

    part = Part("vn-admin-scans (real scans; first 3 pages)", "real OCR / text layer")
    with (folder / "labels.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        label = ADMIN_LABELS.get(row["doc_type"])
        path = folder / row["file"]
        if label is None:
            continue
        sources = rasterize.iter_pages(path, formats.media_type_of(path), file_ordinal=0, dpi=settings.ocr.dpi,
                                       limits=settings.limits, pages=CORPUS_PAGES)
        pages = [read.read_page(s, engine=engine, settings=settings.ocr, max_pixels=settings.limits.max_page_pixels)
                 for s in sources]
        predicted = analyse(pages, catalog, model, min_conf)
        part.documents.append((Gold([1], label, {}), predicted[0]))
        part.notes.append(f"{path.name}: {label} → {predicted[0].doc_type} ({predicted[0].confidence:.2f})"
                          + (f"; split into {len(predicted)} documents" if len(predicted) > 1 else ""))
    return part


def corpus_forms(catalog, model, min_conf: float) -> Part | None:
    folder = CORPUS / "vn-form-templates" / "KLTN-DocFilling" / "Text" / "Công dân All" / "Input"
    if not folder.is_dir():
        return None
    part = Part("vn-form-templates (65 official blank forms)", "text (18 of them not NFC)")
    for path in sorted(folder.glob("*.txt")):
        number = path.name[:2]
        label = FORM_LABELS.get(number) or ("application_letter" if number in FORM_APPLICATIONS else OTHER)
        text = nfc(path.read_text(encoding="utf-8", errors="replace"))
        result = classify.classify(text, catalog, min_confidence=min_conf, model=model)
        part.documents.append((Gold([1], label, {}), Predicted([1], result.doc_type, result.confidence, {})))
        if result.doc_type != label:
            part.notes.append(f"{path.name}: {label} → {result.doc_type} ({result.confidence:.2f})")
    return part


# --- metrics ----------------------------------------------------------------------------------------


def type_scores(part: Part) -> tuple[dict[str, tuple[float, float, float, int]], float, float]:
    """Per gold type (precision, recall, F1, support); macro-F1 over the gold types; accuracy."""
    pairs = [(g.doc_type, p.doc_type if p else "(none)") for g, p in part.documents]
    types = sorted({g for g, _ in pairs})
    scores = {}
    for t in types:
        tp = sum(1 for g, p in pairs if g == t and p == t)
        fp = sum(1 for g, p in pairs if g != t and p == t)
        fn = sum(1 for g, p in pairs if g == t and p != t)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[t] = (precision, recall, f1, tp + fn)
    macro = sum(s[2] for s in scores.values()) / len(scores) if scores else 0.0
    accuracy = sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else 0.0
    return scores, macro, accuracy


def field_scores(part: Part) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for gold, predicted in part.documents:
        for name, value in gold.fields.items():
            counts[name][1] += 1
            if predicted and predicted.fields.get(name) == value:
                counts[name][0] += 1
    return {name: (c[0], c[1]) for name, c in sorted(counts.items())}


def field_misses(part: Part, limit: int = 12) -> list[str]:
    out = []
    for gold, predicted in part.documents:
        for name, value in gold.fields.items():
            got = predicted.fields.get(name) if predicted else None
            if got != value and len(out) < limit:
                out.append(f"{gold.doc_type}.{name}: expected {value!r}, got {got!r}")
    return out


def calibration(part: Part, bins: int = 5) -> tuple[float, list[tuple[str, int, float, float]]]:
    """Expected calibration error of the type confidence, and the reliability table.

    Over documents filed under a catalog type: there the confidence claims "this type is right".
    A document filed as `other` below the threshold carries its best guess's confidence instead.
    """
    pairs = [(p.confidence, g.doc_type == p.doc_type) for g, p in part.documents if p and p.doc_type != OTHER]
    if not pairs:
        return 0.0, []
    table, ece = [], 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        if inside:
            mean_conf = sum(c for c, _ in inside) / len(inside)
            accuracy = sum(ok for _, ok in inside) / len(inside)
            ece += len(inside) / len(pairs) * abs(mean_conf - accuracy)
            table.append((f"{low:.1f}-{high:.1f}", len(inside), mean_conf, accuracy))
    return ece, table


def split_accuracy(part: Part) -> tuple[int, int]:
    return sum(1 for gold, predicted in part.files if gold == predicted), len(part.files)


def split_misses(part: Part) -> list[str]:
    return [f"split: pages {gold} filed as {predicted}" for gold, predicted in part.files if gold != predicted]


# --- report -----------------------------------------------------------------------------------------


def render(parts: list[Part], model_info: dict, seconds: float, command: str) -> str:
    lines = ["# Classification, field extraction and splitting", "",
             f"Produced by `{command}` on {dt.date.today().isoformat()} ({platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}) in {seconds:.0f} s.", "",
             f"Classifier: learned model trained on {model_info['examples']} shipped examples "
             f"(`dossier train`; wordings 0-1 of tools/make_labelled_set.py) combined with the catalog rules; "
             f"combination weights {model_info['weights']}; cross-validated accuracy on held-out wording "
             f"{model_info.get('held_out_accuracy')}.", "",
             "Targets (issue 5): macro-F1 ≥ 0.95; id_number exact ≥ 99 %; date_of_birth ≥ 98 %; "
             "full_name ≥ 95 %; split boundaries exact in ≥ 95 % of multi-document files.", "",
             "## Summary", "",
             "| set | text | documents | accuracy | macro-F1 | id_number | date_of_birth | full_name | split exact | ECE¹ |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for part in parts:
        _, macro, accuracy = type_scores(part)
        fields = field_scores(part)
        ok, total = split_accuracy(part)
        ece, _ = calibration(part)

        def pct(name: str) -> str:
            hit, n = fields.get(name, (0, 0))
            return f"{hit}/{n} ({100 * hit / n:.1f} %)" if n else "–"

        lines.append(f"| {part.name} | {part.text_source} | {len(part.documents)} | {accuracy:.3f} | {macro:.3f} | "
                     f"{pct('id_number')} | {pct('date_of_birth')} | {pct('full_name')} | "
                     f"{f'{ok}/{total} ({100 * ok / total:.1f} %)' if total else '–'} | {ece:.3f} |")
    lines += ["", "¹ expected calibration error of the type confidence, over documents filed under a catalog type "
              "(5 bins). Field figures count a field as right only when the value stored equals the printed one "
              "exactly (the document's predicted type decides which fields are kept)."]
    for part in parts:
        scores, macro, accuracy = type_scores(part)
        lines += ["", f"## {part.name} ({part.text_source})", "",
                  "| type | precision | recall | F1 | documents |", "| --- | ---: | ---: | ---: | ---: |"]
        lines += [f"| {t} | {p:.3f} | {r:.3f} | {f:.3f} | {n} |" for t, (p, r, f, n) in scores.items()]
        fields = field_scores(part)
        if fields:
            lines += ["", "| field | exact | of documents carrying it |", "| --- | ---: | ---: |"]
            lines += [f"| {name} | {100 * hit / n:.1f} % | {hit}/{n} |" for name, (hit, n) in fields.items()]
        ok, total = split_accuracy(part)
        if total:
            lines += ["", f"Split: boundaries exactly right in {ok}/{total} multi-document files."]
        if part.single_files:
            kept = sum(part.single_files)
            lines += [f"Multi-page single documents kept whole: {kept}/{len(part.single_files)}."]
        ece, table = calibration(part)
        lines += ["", f"Calibration of the confidence of documents filed under a catalog type (ECE {ece:.3f}):", "",
                  "| confidence | documents | mean confidence | accuracy |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {b} | {n} | {c:.3f} | {a:.3f} |" for b, n, c, a in table]
        misses = split_misses(part) + field_misses(part)
        if misses or part.notes:
            lines += ["", "Notes and misses:", ""] + [f"- {m}" for m in part.notes + misses]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-ocr", action="store_true", help="skip the parts that need Tesseract")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--split", choices=("eval", "dev"), default="eval",
                    help="dev: the seeds looked at while developing (eval is kept unseen)")
    ap.add_argument("--skip", nargs="*", default=[], choices=("generated", "samples", "corpus"),
                    help="leave parts out")
    args = ap.parse_args(argv)
    started = time.monotonic()
    settings = load_settings()
    catalog = load_catalog(settings.catalog_path)
    min_conf = settings.catalog.min_confidence
    print("training the classifier from the shipped examples …", file=sys.stderr)
    model = training.fit(training.shipped_examples(), catalog)
    engine = None
    if not args.no_ocr:
        from pipeline.stages.engines.tesseract import make_engine

        engine = make_engine(settings.ocr.engine)
    parts = [] if "generated" in args.skip else generated(catalog, model, min_conf, with_ocr=not args.no_ocr,
                                                          engine=engine, split_name=args.split)
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / training.MODEL_FILE
        training.save(model, model_file)
        if not args.no_ocr and "samples" not in args.skip:
            print("ingesting sample_scans/ …", file=sys.stderr)
            if (part := sample_scans(model_file)) is not None:
                parts.append(part)
    if not CORPUS.is_dir():
        print(f"skipping the corpus parts: {CORPUS} is absent", file=sys.stderr)
    elif "corpus" not in args.skip:
        if not args.no_ocr and (part := corpus_admin(catalog, model, min_conf, engine, settings)):
            parts.append(part)
        if part := corpus_forms(catalog, model, min_conf):
            parts.append(part)
    command = "make bench" if not argv and not args.no_ocr else "python bench/eval_classify.py " + " ".join(argv or sys.argv[1:])
    report = render(parts, model.info, time.monotonic() - started, command.strip())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
