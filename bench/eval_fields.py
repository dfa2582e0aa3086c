#!/usr/bin/env python3
"""Independent field-extraction evaluation of dossier on the held-out generated set.

    .venv/bin/python bench/eval_fields.py [--half dev|heldout|both] [--set DIR] [--seed N]
                                          [--keep DIR] [--limit N] [--files-per-half N]

For each half: a fresh data folder (`dossier init`), every file of the half filed with
`dossier ingest --json`, then everything read back through the CLI only — `batches --json`,
`show ID --json`, `search "<name without diacritics>" --json --limit 10` — and compared with the
truth written by bench/heldout/generate.py. The pipeline is a black box here: this file and the
generator were written without reading its code (see bench/heldout/README.md).

Writes bench/results/fields.md (heldout first) and bench/results/fields.json, and prints the table.
Standard library only (the generator, run as a subprocess, needs Pillow and numpy).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO / "bench" / "heldout" / "generate.py"
RESULTS = REPO / "bench" / "results"

MAIN_FIELDS = ["full_name", "date_of_birth", "id_number", "gender", "document_number", "issue_date"]
PERSON_FIELDS = ["spouse_name", "agent_name", "father_name", "mother_name", "requester_name", "beneficiary_name",
                 "co_holder_name", "head_of_household_name", "receiver_name"]
OTHER_FIELDS = ["dossier_code", "tax_code"]
NAME_FIELDS = ["full_name"] + PERSON_FIELDS
# Field names the README documents for a role the truth names differently: the requester on a
# birth registration form is `agent_name` there. A prediction under the alias is scored against
# the truth field when the document's truth has no field of the alias's own name.
ALIASES = {"requester_name": ["agent_name"]}
LEADER_RE = re.compile(r"\.\.|…|_{2,}|-{2,}|–{2,}|—{2,}|·{2,}")


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

def norm(value) -> str:
    """NFC and single spaces: the only normalisation before exact comparison."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(value))).strip()


def fold(text: str) -> str:
    """Strip marks, đ→d, lowercase: a name as typed without a Vietnamese keyboard."""
    text = unicodedata.normalize("NFD", norm(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()


# ---------------------------------------------------------------------------------------------
# The CLI, as a black box
# ---------------------------------------------------------------------------------------------

class Dossier:
    """Runs `dossier` with one data folder. Uses the repo's venv command when present."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        exe = REPO / ".venv" / "bin" / "dossier"
        self.base = [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline"]

    def run(self, *args: str, check: bool = True, timeout: float | None = None) -> subprocess.CompletedProcess:
        cmd = self.base + ["--data-dir", str(self.data_dir)] + list(args)
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False)
        if check and proc.returncode not in (0,):
            raise RuntimeError(f"{' '.join(cmd[:6])}… exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
        return proc

    def json(self, *args: str):
        return json.loads(self.run(*args, "--json").stdout)


# ---------------------------------------------------------------------------------------------
# Set generation
# ---------------------------------------------------------------------------------------------

def ensure_set(set_dir: Path, seed: int, files_per_half: int) -> dict:
    """Generate the set into set_dir unless a set of that seed and size is already there."""
    truth_path = set_dir / "truth.json"
    if truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth.get("seed") == seed and truth.get("files_per_half") == files_per_half:
            return truth
        raise SystemExit(f"{set_dir} holds a set of seed {truth.get('seed')} / {truth.get('files_per_half')} files "
                         f"per half, not seed {seed} / {files_per_half}: pass another --set or the matching --seed")
    py = REPO / ".venv" / "bin" / "python"
    py = str(py) if py.exists() else sys.executable
    print(f"generating the set (seed {seed}, {files_per_half} files per half) into {set_dir} …", file=sys.stderr)
    proc = subprocess.run([py, str(GENERATOR), "--out", str(set_dir), "--seed", str(seed),
                           "--files-per-half", str(files_per_half)], cwd=REPO, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"the generator failed (exit {proc.returncode})")
    return json.loads(truth_path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Running one half
# ---------------------------------------------------------------------------------------------

def run_half(half: str, files: list[dict], half_dir: Path, data_dir: Path, jobs: int, chunk: int) -> dict:
    """Ingest the files into a fresh store and read back batches, documents and name searches."""
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    cli = Dossier(data_dir)
    cli.run("init")
    t0 = time.time()
    ingest_reports, exit_codes = [], []
    paths = [str(half_dir / f["file"]) for f in files]
    for i in range(0, len(paths), chunk):
        part = paths[i:i + chunk]
        proc = cli.run("ingest", "--json", *part, check=False)
        exit_codes.append(proc.returncode)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"ingest exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
        try:
            ingest_reports.append(json.loads(proc.stdout))
        except json.JSONDecodeError:
            ingest_reports.append({"unparsed_stdout": proc.stdout[-2000:]})
        print(f"  [{half}] ingested {min(i + chunk, len(paths))}/{len(paths)} files "
              f"({time.time() - t0:.0f} s)", file=sys.stderr)
    ingest_seconds = time.time() - t0
    return {**read_back(cli, files, jobs), "ingest_seconds": ingest_seconds,
            "ingest_exit_codes": exit_codes, "ingest_reports": ingest_reports}


def read_back(cli: "Dossier", files: list[dict], jobs: int) -> dict:
    """Batches, documents and name searches of a filed store, through the CLI only."""
    batches = cli.json("batches", "--limit", "10000")  # `batches` shows 50 at a time by default
    by_file: dict[str, dict] = {}
    for b in sorted(batches, key=lambda b: b["batch_id"]):
        by_file[Path(b["source"]).name] = b          # the latest batch of a file wins

    doc_ids = [d for b in by_file.values() for d in (b.get("documents") or [])]

    def show(doc_id):
        return doc_id, cli.json("show", str(doc_id))

    docs: dict[int, dict] = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for doc_id, data in pool.map(show, doc_ids):
            data.pop("page_texts", None)        # large and not needed for scoring
            docs[doc_id] = data

    queries = sorted({fold(d["fields"]["full_name"]) for f in files for d in f["documents"]
                      if d["fields"].get("full_name")})

    def search(q):
        return q, cli.json("search", q, "--limit", "10")

    searches = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for q, res in pool.map(search, queries):
            searches[q] = [r["document_id"] for r in res.get("results", [])]
    return {"batches": by_file, "documents": docs, "searches": searches}


# ---------------------------------------------------------------------------------------------
# Alignment of predicted documents with the truth
# ---------------------------------------------------------------------------------------------

def predicted_ranges(batch: dict | None, docs: dict[int, dict], file_name: str) -> list[tuple[int, int, int]]:
    """(start, end, document_id) per predicted document of a file, 1-based pages.
    Uses `source_pages` when the pipeline gives it, else cumulative page counts in order."""
    if not batch or batch.get("status") not in ("done", None):
        return []
    out, cursor = [], 1
    for doc_id in batch.get("documents") or []:
        d = docs.get(doc_id, {})
        sp = d.get("source_pages")
        if sp:
            pages = sorted(int(p["page"]) for p in sp if Path(str(p.get("file", file_name))).name == file_name
                           or "file" not in p)
            if pages:
                out.append((pages[0], pages[-1], doc_id))
                cursor = pages[-1] + 1
                continue
        n = int(d.get("pages") or 1)
        out.append((cursor, cursor + n - 1, doc_id))
        cursor += n
    return out


def pred_value(pred: dict, truth_fields: dict, field: str) -> str:
    value = norm(pred.get(field))
    if not value:
        for alias in ALIASES.get(field, []):
            if alias not in truth_fields and norm(pred.get(alias)):
                return norm(pred.get(alias))
    return value


def aliased_away(pred_fields: dict, truth_fields: dict, field: str) -> bool:
    """A prediction under `field` that is scored as another field through ALIASES."""
    return any(field in aliases and target in truth_fields and field not in truth_fields
               and not norm(pred_fields.get(target))
               for target, aliases in ALIASES.items())


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------

def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()


def wrong_person(pred: str, right: str, others: list[dict]) -> dict | None:
    """The other person of the document whose name the prediction is: fold-equal, or at least 0.8
    similar and more similar than to the right person (OCR-damaged copy of the wrong name)."""
    best, best_sim = None, 0.0
    for person in others:
        if fold(person["name"]) == fold(right):
            continue
        sim = similarity(pred, person["name"])
        if sim > best_sim:
            best, best_sim = person, sim
    if best is None:
        return None
    if best_sim == 1.0 or (best_sim >= 0.8 and best_sim > similarity(pred, right)):
        return best
    return None


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def score_half(truth_files: list[dict], run: dict) -> dict:
    """All figures for one half, plus per-document details for inspection."""
    docs, searches = run["documents"], run["searches"]
    fields = MAIN_FIELDS + PERSON_FIELDS + OTHER_FIELDS
    per_field = {f: collections.Counter() for f in fields}
    failures = collections.Counter()
    failure_examples = collections.defaultdict(list)
    split = collections.Counter()
    type_pairs = []
    recall = collections.Counter()
    by_degr = collections.defaultdict(collections.Counter)
    by_recipe = collections.defaultdict(collections.Counter)
    by_type = collections.defaultdict(collections.Counter)
    wrong_id = collections.Counter()
    details = []
    failed_batches = []

    for f in truth_files:
        batch = run["batches"].get(f["file"])
        if not batch or batch.get("status") != "done":
            failed_batches.append({"file": f["file"], "status": batch.get("status") if batch else "missing",
                                   "reason": batch.get("reason") if batch else None})
        pranges = predicted_ranges(batch, docs, f["file"])
        truth_ranges = [tuple(d["pages"]) for d in f["documents"]]
        exact = [(a, b) for a, b, _ in pranges] == truth_ranges
        multi = len(f["documents"]) > 1
        split["files"] += 1
        split["exact"] += exact
        if multi:
            split["multi_files"] += 1
            split["multi_exact"] += exact
        if not exact:
            failures["8_split_wrong"] += 1
            failure_examples["8_split_wrong"].append({"file": f["file"], "truth": truth_ranges,
                                                      "predicted": [(a, b) for a, b, _ in pranges]})
        recipe = "+".join(f["degradations"])
        for idx, td in enumerate(f["documents"]):
            start = td["pages"][0]
            match = next((doc_id for a, b, doc_id in pranges if a <= start <= b), None)
            pd = docs.get(match, {}) if match is not None else {}
            pfields = pd.get("fields") or {}
            tf = td["fields"]
            unscored = set(td.get("unscored", []))
            ptype = pd.get("doc_type") if match is not None else "<none>"
            type_pairs.append((td["type"], ptype))
            bt = by_type[td["type"]]
            bt["documents"] += 1
            bt["type_correct"] += ptype == td["type"]
            record = {"file": f["file"], "doc": idx + 1, "type": td["type"], "pred_type": ptype,
                      "pred_document_id": match, "degradations": f["degradations"], "fields": {}}
            for field in fields:
                if field in unscored:
                    continue
                t = norm(tf.get(field))
                p = pred_value(pfields, tf, field)
                if field not in tf and aliased_away(pfields, tf, field):
                    p = ""
                c = per_field[field]
                if t:
                    c["truth"] += 1
                    c["correct"] += p == t
                if p:
                    c["predicted"] += 1
                    if not t:
                        c["spurious"] += 1
                if t or p:
                    record["fields"][field] = {"truth": t or None, "pred": p or None, "ok": p == t}
                # failure classes
                if p and LEADER_RE.search(p):
                    failures["1_leader_chars"] += 1
                    failure_examples["1_leader_chars"].append({"file": f["file"], "field": field, "pred": p})
                if field in NAME_FIELDS and t and p and p != t:
                    ft, fp = fold(t), fold(p)
                    tt, pt = ft.split(), fp.split()
                    if len(pt) < len(tt) and tt[:len(pt)] == pt:
                        failures["2_name_truncated"] += 1
                        failure_examples["2_name_truncated"].append({"file": f["file"], "field": field, "truth": t, "pred": p})
                    elif fp.replace(" ", "").startswith(ft.replace(" ", "")) and len(fp) > len(ft):
                        failures["2_name_glued"] += 1
                        failure_examples["2_name_glued"].append({"file": f["file"], "field": field, "truth": t, "pred": p})
                    if ft == fp:
                        failures["5_diacritics"] += 1
                        failure_examples["5_diacritics"].append({"file": f["file"], "field": field, "truth": t, "pred": p})
            # (3) the wrong person: the predicted full_name is another person's name of the document,
            # exactly or as OCR damaged it (closer to theirs than to the right person's)
            others = [pp for pp in td.get("persons", []) if pp["role"] != "subject"]
            pname = norm(pfields.get("full_name"))
            if pname and pname != norm(tf.get("full_name")):
                hit = wrong_person(pname, tf.get("full_name", ""), others)
                if hit:
                    failures["3_wrong_person_name"] += 1
                    failure_examples["3_wrong_person_name"].append({"file": f["file"], "type": td["type"],
                                                                    "role": hit["role"], "pred": pname})
            pid = norm(pfields.get("id_number"))
            if pid and pid != norm(tf.get("id_number")) and any(pp.get("id_number") == pid for pp in others):
                failures["3_wrong_person_id"] += 1
            # (4) expected fields, none predicted
            expected = [x for x in MAIN_FIELDS if tf.get(x) and x not in unscored]
            if expected and not any(norm(pfields.get(x)) for x in MAIN_FIELDS):
                failures["4_no_fields"] += 1
                failure_examples["4_no_fields"].append({"file": f["file"], "type": td["type"], "pred_type": ptype})
            # (6), (7) missing date of birth / ID
            if tf.get("date_of_birth") and "date_of_birth" not in unscored and not norm(pfields.get("date_of_birth")):
                failures["6_dob_missing"] += 1
            if tf.get("id_number") and "id_number" not in unscored:
                wrong_id["with_id"] += 1
                if not pid:
                    failures["7_id_missing"] += 1
                elif pid != tf["id_number"]:
                    wrong_id["wrong"] += 1
            elif pid and "id_number" not in unscored:
                wrong_id["spurious"] += 1
            # per degradation / type
            for key, bucket in [(d, by_degr) for d in f["degradations"]] + [(recipe, by_recipe)]:
                c = bucket[key]
                c["documents"] += 1
                for field in ("full_name", "id_number"):
                    if tf.get(field) and field not in unscored:
                        c[f"{field}_truth"] += 1
                        c[f"{field}_correct"] += norm(pfields.get(field)) == tf[field]
            for field in ("full_name", "id_number", "date_of_birth"):
                if tf.get(field) and field not in unscored:
                    bt[f"{field}_truth"] += 1
                    bt[f"{field}_correct"] += norm(pfields.get(field)) == tf[field]
            # name recall@10
            if tf.get("full_name"):
                recall["queries"] += 1
                found = match is not None and match in searches.get(fold(tf["full_name"]), [])
                recall["hits"] += found
                record["search_hit"] = found
            details.append(record)

    # type accuracy and macro-F1 over the truth's types
    labels = sorted({t for t, _ in type_pairs})
    f1s = {}
    for lab in labels:
        tp = sum(1 for t, p in type_pairs if t == lab and p == lab)
        fp = sum(1 for t, p in type_pairs if t != lab and p == lab)
        fn = sum(1 for t, p in type_pairs if t == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s[lab] = round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0
    confusion = collections.Counter(f"{t} -> {p}" for t, p in type_pairs if t != p)

    field_table = {}
    for field, c in per_field.items():
        if c["truth"] or c["predicted"]:
            field_table[field] = {"truth": c["truth"], "correct": c["correct"], "predicted": c["predicted"],
                                  "spurious": c["spurious"], "accuracy": _ratio(c["correct"], c["truth"]),
                                  "precision": _ratio(c["correct"], c["predicted"])}

    def degr_table(bucket):
        return {k: {"documents": c["documents"],
                    "full_name": f"{c['full_name_correct']}/{c['full_name_truth']}",
                    "full_name_accuracy": _ratio(c["full_name_correct"], c["full_name_truth"]),
                    "id_number": f"{c['id_number_correct']}/{c['id_number_truth']}",
                    "id_number_accuracy": _ratio(c["id_number_correct"], c["id_number_truth"])}
                for k, c in sorted(bucket.items())}

    return {
        "files": len(truth_files), "documents": len(type_pairs), "pages": sum(f["pages"] for f in truth_files),
        "failed_batches": failed_batches,
        "fields": field_table,
        "wrong_id": {"documents_with_id": wrong_id["with_id"], "wrong": wrong_id["wrong"],
                     "rate": _ratio(wrong_id["wrong"], wrong_id["with_id"]), "spurious_on_docs_without_id": wrong_id["spurious"]},
        "split": {"files": split["files"], "exact": split["exact"], "exact_rate": _ratio(split["exact"], split["files"]),
                  "multi_files": split["multi_files"], "multi_exact": split["multi_exact"],
                  "multi_exact_rate": _ratio(split["multi_exact"], split["multi_files"])},
        "types": {"accuracy": _ratio(sum(t == p for t, p in type_pairs), len(type_pairs)),
                  "macro_f1": round(sum(f1s.values()) / len(f1s), 4) if f1s else None, "f1": f1s,
                  "confusions": dict(confusion.most_common())},
        "name_recall_at_10": {"queries": recall["queries"], "hits": recall["hits"],
                              "recall": _ratio(recall["hits"], recall["queries"])},
        "failures": dict(sorted(failures.items())),
        "failure_examples": {k: v[:8] for k, v in sorted(failure_examples.items())},
        "by_degradation": degr_table(by_degr),
        "by_recipe": degr_table(by_recipe),
        "by_type": {k: {"documents": c["documents"], "type_accuracy": _ratio(c["type_correct"], c["documents"]),
                        "full_name": f"{c['full_name_correct']}/{c['full_name_truth']}",
                        "id_number": f"{c['id_number_correct']}/{c['id_number_truth']}",
                        "date_of_birth": f"{c['date_of_birth_correct']}/{c['date_of_birth_truth']}"}
                    for k, c in sorted(by_type.items())},
        "details": details,
    }


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


FAILURE_LABELS = {
    "1_leader_chars": "(1) value with leader/rule characters (.. … __ --)",
    "2_name_truncated": "(2) name missing its last syllable(s)",
    "2_name_glued": "(2) name with extra glued letters/words",
    "3_wrong_person_name": "(3) full_name is another person of the document (exact or OCR-damaged)",
    "3_wrong_person_id": "(3) id_number is another person's ID",
    "4_no_fields": "(4) document with expected fields, none predicted",
    "5_diacritics": "(5) name with diacritics lost or changed",
    "6_dob_missing": "(6) date_of_birth missing",
    "7_id_missing": "(7) id_number missing",
    "8_split_wrong": "(8) file split at the wrong page (files)",
}


def render_markdown(report: dict) -> str:
    lines = ["# Field extraction on the independent held-out set (`bench/eval_fields.py`)", "",
             (f"Set: `bench/heldout` generator v{report['generator_version']}, seed {report['seed']}, "
             f"{report['files_per_half']} files per half{' (limited to ' + str(report['limit']) + ')' if report.get('limit') else ''}. "
             f"Run {report['started']} on {os.cpu_count()} cores; `{report.get('dossier_version', 'dossier ?')}`."), "",
             ("Exact match after NFC and whitespace squashing. Accuracy: correct / documents whose truth has the "
             "field. Precision: correct / documents where the field was predicted (fields marked unscored in the "
             "truth excluded from both)."), ""]
    for half in report["order"]:
        r = report["halves"][half]
        lines += [f"## {half}", "",
                  (f"{r['files']} files, {r['documents']} documents, {r['pages']} pages; ingest {r['ingest_seconds']:.0f} s, "
                  f"whole half {r['wall_seconds']:.0f} s; failed or missing batches: {len(r['failed_batches'])}."), "",
                  "| field | truth | correct | predicted | accuracy | precision |", "|---|---:|---:|---:|---:|---:|"]
        for field in MAIN_FIELDS + PERSON_FIELDS + OTHER_FIELDS:
            c = r["fields"].get(field)
            if c:
                lines.append(f"| {field} | {c['truth']} | {c['correct']} | {c['predicted']} | {_pct(c['accuracy'])} | "
                             f"{_pct(c['precision'])} |")
        w, s, t, n = r["wrong_id"], r["split"], r["types"], r["name_recall_at_10"]
        lines += ["", "| measure | figure |", "|---|---:|",
                  f"| wrong-ID rate (non-empty wrong id_number / documents with an ID) | {_pct(w['rate'])} ({w['wrong']}/{w['documents_with_id']}) |",
                  f"| id_number predicted on documents without one | {w['spurious_on_docs_without_id']} |",
                  f"| split exact, all files | {_pct(s['exact_rate'])} ({s['exact']}/{s['files']}) |",
                  f"| split exact, multi-document files | {_pct(s['multi_exact_rate'])} ({s['multi_exact']}/{s['multi_files']}) |",
                  f"| type accuracy | {_pct(t['accuracy'])} |",
                  f"| type macro-F1 | {t['macro_f1']:.3f} |" if t["macro_f1"] is not None else "| type macro-F1 | – |",
                  f"| name recall@10, full_name typed without diacritics | {_pct(n['recall'])} ({n['hits']}/{n['queries']}) |",
                  "", "| failure class | count |", "|---|---:|"]
        for key, label in FAILURE_LABELS.items():
            lines.append(f"| {label} | {r['failures'].get(key, 0)} |")
        lines += ["", "| degradation (files may have several) | documents | full_name | id_number |", "|---|---:|---:|---:|"]
        for k, c in r["by_degradation"].items():
            lines.append(f"| {k} | {c['documents']} | {c['full_name']} ({_pct(c['full_name_accuracy'])}) | "
                         f"{c['id_number']} ({_pct(c['id_number_accuracy'])}) |")
        lines += ["", "| type | documents | type correct | full_name | id_number | date_of_birth |", "|---|---:|---:|---:|---:|---:|"]
        for k, c in r["by_type"].items():
            lines.append(f"| {k} | {c['documents']} | {_pct(c['type_accuracy'])} | {c['full_name']} | {c['id_number']} | "
                         f"{c['date_of_birth']} |")
        if t["confusions"]:
            lines += ["", "Type confusions: " + "; ".join(f"{k} ({v})" for k, v in list(t["confusions"].items())[:12]) + "."]
        if r["failed_batches"]:
            lines += ["", "Failed batches: " + "; ".join(f"{b['file']}: {b['status']} {b['reason'] or ''}".strip()
                                                         for b in r["failed_batches"][:10]) + "."]
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--half", choices=["dev", "heldout", "both"], default="both")
    ap.add_argument("--set", type=Path, help="folder of the set: used if it holds one of this seed, else generated there")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files-per-half", type=int, default=120)
    ap.add_argument("--keep", type=Path, help="keep the data folders (and the set if generated) under this folder")
    ap.add_argument("--limit", type=int, help="only the first N files of each half (smoke tests)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel `show`/`search` calls")
    ap.add_argument("--chunk", type=int, default=40, help="files per `ingest` call")
    ap.add_argument("--results", type=Path, default=RESULTS, help="where fields.md and fields.json go")
    ap.add_argument("--rescore", action="store_true",
                    help="score the CLI answers saved by an earlier run with the same --keep, without running dossier")
    args = ap.parse_args(argv)

    tmp_root = Path(tempfile.mkdtemp(prefix="eval_fields_"))
    keep = args.keep.resolve() if args.keep else None
    try:
        set_dir = args.set.resolve() if args.set else (keep / "set" if keep else tmp_root / "set")
        whole = ensure_set(set_dir, args.seed, args.files_per_half)
        halves = ["heldout", "dev"] if args.half == "both" else [args.half]
        version = Dossier(tmp_root).run("--version", check=False).stdout.strip()
        report = {"generator_version": whole.get("version"), "seed": args.seed, "files_per_half": args.files_per_half,
                  "limit": args.limit, "started": time.strftime("%Y-%m-%d %H:%M"), "dossier_version": version,
                  "order": halves, "halves": {}}
        for half in halves:
            t0 = time.time()
            truth = json.loads((set_dir / half / "truth.json").read_text(encoding="utf-8"))
            files = sorted(truth["files"], key=lambda f: f["file"])
            if args.limit:
                files = files[:args.limit]
            data_dir = (keep / f"data-{half}") if keep else (tmp_root / f"data-{half}")
            saved = keep / f"run-{half}.json" if keep else None
            if args.rescore:
                if not saved or not saved.exists():
                    raise SystemExit(f"--rescore needs --keep DIR holding run-{half}.json from an earlier run")
                run = json.loads(saved.read_text(encoding="utf-8"))
                run["documents"] = {int(k): v for k, v in run["documents"].items()}
            else:
                run = run_half(half, files, set_dir / half, data_dir, args.jobs, args.chunk)
                if saved:   # the raw answers of the CLI, to re-score without re-running the pipeline
                    saved.write_text(json.dumps(dict(run, wall_seconds=time.time() - t0), ensure_ascii=False),
                                     encoding="utf-8")
            scored = score_half(files, run)
            scored["ingest_seconds"] = run["ingest_seconds"]
            scored["wall_seconds"] = run.get("wall_seconds", time.time() - t0)
            scored["ingest_exit_codes"] = run["ingest_exit_codes"]
            report["halves"][half] = scored
            print(f"[{half}] done in {scored['wall_seconds']:.0f} s", file=sys.stderr)
        md = render_markdown(report)
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "fields.md").write_text(md, encoding="utf-8")
        (args.results / "fields.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(md)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
