#!/usr/bin/env python3
"""Generate the held-out evaluation set for dossier's field extraction.

    python bench/heldout/generate.py --out DIR --seed N [--files-per-half 120] [--jobs 2]

Writes DIR/dev/ and DIR/heldout/ (scanned-looking files plus truth.json in each) and DIR/truth.json
(both halves and the set's composition). The same seed and size always give the same bytes.

The set is written from the public conventions of Vietnamese documents (FIELDS.md, the corpus's
real blank forms, Decree 30/2020) without reading the pipeline — see README.md beside this file.
Files are planned first (which document types or dossier template each holds), split into the two
halves by a seeded, type-stratified assignment of whole files, then rendered in parallel.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # run as a script: make `heldout` importable as a package (its modules use relative imports)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "heldout"

try:
    import numpy  # noqa: F401
    import PIL  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the interpreter used
    sys.exit(f"error: {exc.name} is missing: run the generator with the project's venv "
             f"(.venv/bin/python bench/heldout/generate.py ...)")

from heldout import fonts
from heldout.doctypes import BUILDERS
from heldout.dossiers import TEMPLATES

GENERATOR_VERSION = 1
HALVES = ("dev", "heldout")


def plan(seed: int, files_per_half: int, multi_fraction: float) -> list[dict]:
    """Which files the set holds and which half each goes to.

    Single-document files cycle through the 15 types (each round shuffled) so every type is
    present in about equal numbers; multi-document files cycle through the dossier templates.
    Whole files are then assigned to halves per stratum (type or template), alternating from a
    seeded start, so both halves get the same mix without any file being split between them."""
    rng = random.Random(f"plan:{seed}")
    total = 2 * files_per_half
    n_multi = round(total * multi_fraction)
    specs = []
    templates = sorted(TEMPLATES)
    order: list[str] = []
    while len(order) < n_multi:
        block = templates[:]
        rng.shuffle(block)
        order.extend(block)
    specs += [{"kind": "multi", "what": t} for t in order[:n_multi]]
    types = sorted(BUILDERS)
    order = []
    while len(order) < total - n_multi:
        block = types[:]
        rng.shuffle(block)
        order.extend(block)
    specs += [{"kind": "single", "what": t} for t in order[:total - n_multi]]
    for uid, spec in enumerate(specs):
        spec["uid"] = uid
        spec["key"] = f"{seed}:{uid}"

    strata = collections.defaultdict(list)
    for spec in specs:
        strata[(spec["kind"], spec["what"])].append(spec)
    counts = {h: 0 for h in HALVES}
    for stratum in sorted(strata):
        members = strata[stratum]
        rng.shuffle(members)
        # start with the half that is behind overall, so odd strata even out
        first = min(HALVES, key=lambda h: (counts[h], rng.random()))
        other = HALVES[1] if first == HALVES[0] else HALVES[0]
        for i, spec in enumerate(members):
            spec["half"] = first if i % 2 == 0 else other
            counts[spec["half"]] += 1
    # exactly files_per_half in each half: move surplus files of the largest strata if needed
    for half in HALVES:
        other = HALVES[1] if half == HALVES[0] else HALVES[0]
        while counts[half] > files_per_half:
            movable = [s for s in specs if s["half"] == half]
            spec = rng.choice(movable)
            spec["half"] = other
            counts[half] -= 1
            counts[other] += 1
    for half in HALVES:
        members = [s for s in specs if s["half"] == half]
        rng.shuffle(members)
        for n, spec in enumerate(members, 1):
            spec["file"] = f"hs_{n:04d}"
    return specs


def composition(files: list[dict]) -> dict:
    """Counts that describe a half (or the whole set): for the README and the final report."""
    types = collections.Counter(d["type"] for f in files for d in f["documents"])
    degr = collections.Counter("+".join(f["degradations"]) for f in files)
    return {
        "files": len(files), "documents": sum(len(f["documents"]) for f in files),
        "pages": sum(f["pages"] for f in files),
        "multi_document_files": sum(1 for f in files if len(f["documents"]) > 1),
        "formats": dict(sorted(collections.Counter(f["format"] for f in files).items())),
        "colors": dict(sorted(collections.Counter(f["color"] for f in files).items())),
        "dpi": dict(sorted(collections.Counter(str(f["dpi"]) for f in files).items())),
        "types": dict(sorted(types.items())),
        "degradations": dict(sorted(degr.items())),
        "handwritten_documents": sum(1 for f in files for d in f["documents"] if d["layout"].get("fill") == "dots"),
        # people are invented per file, so two files may share a name by chance: counted here
        "repeated_full_names": sum(n - 1 for n in collections.Counter(
            d["fields"]["full_name"] for f in files for d in f["documents"] if d["fields"].get("full_name")
            and not (f["dossier"])).values() if n > 1),
    }


def generate(out: Path, seed: int, files_per_half: int = 120, multi_fraction: float = 0.2,
             jobs: int = 2, quiet: bool = False) -> dict:
    from heldout.render import render_file

    fonts.check_fonts()
    t0 = time.time()
    specs = plan(seed, files_per_half, multi_fraction)
    for half in HALVES:
        (out / half).mkdir(parents=True, exist_ok=True)
    jobs_list = [dict(spec, dir=str(out / spec["half"])) for spec in specs]
    results = []
    if jobs > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            for i, res in enumerate(pool.imap_unordered(render_file, jobs_list, chunksize=1), 1):
                results.append(res)
                if not quiet and i % 20 == 0:
                    print(f"  {i}/{len(jobs_list)} files", file=sys.stderr)
    else:
        for job in jobs_list:
            results.append(render_file(job))
    results.sort(key=lambda r: (r["half"], r["file"]))
    meta = {"generator": "bench/heldout", "version": GENERATOR_VERSION, "seed": seed,
            "files_per_half": files_per_half, "multi_fraction": multi_fraction}
    halves = {}
    for half in HALVES:
        files = [r for r in results if r["half"] == half]
        truth = dict(meta, half=half, composition=composition(files), files=files)
        (out / half / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        halves[half] = truth
    whole = dict(meta, composition={"all": composition(results), **{h: halves[h]["composition"] for h in HALVES}},
                 halves={h: f"{h}/truth.json" for h in HALVES},
                 files=[dict(r, path=f"{r['half']}/{r['file']}") for r in results])
    (out / "truth.json").write_text(json.dumps(whole, ensure_ascii=False, indent=1), encoding="utf-8")
    if not quiet:
        c = whole["composition"]["all"]
        print(f"wrote {c['files']} files, {c['documents']} documents, {c['pages']} pages to {out} "
              f"in {time.time() - t0:.0f} s", file=sys.stderr)
    return whole


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path, help="output folder (created)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files-per-half", type=int, default=120, help="files in each half (default 120)")
    ap.add_argument("--multi-fraction", type=float, default=0.2, help="share of multi-document files")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    args = ap.parse_args(argv)
    try:
        generate(args.out, args.seed, args.files_per_half, args.multi_fraction, args.jobs)
    except fonts.MissingFontError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
