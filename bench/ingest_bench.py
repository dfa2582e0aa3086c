"""Ingest benchmark: `dossier ingest` on every core, beside raw Tesseract on the same pages, in one run.

    .venv/bin/python bench/ingest_bench.py [--rounds 2] [--pages 24] [--pdf-pages 20] [--out bench/results/ingest.md]

Two comparisons, each timed in interleaved rounds (A B, then B A, ...) so that a busy neighbour
on this shared machine slows both sides alike; the figures are medians and ratios of one run:

1. `dossier ingest` of `--pages` one-page scans (generated A4 pages of Vietnamese text, 200 dpi
   PNG, every page different so that the OCR cache never answers; the generator of
   bench/daemon_bench.py) into a fresh office, against the raw `tesseract` command run on the same
   files, one process per page and one per core at a time (`tesseract page.png - -l <languages>`),
   `OMP_THREAD_LIMIT=1` for both. Whole command times: ingest's include its start, archiving,
   classification, extraction and filing.
2. A `--pdf-pages`-page scanned PDF (the same kind of pages, image only) filed by `dossier ingest`
   with `queue.workers = 1` (its pages read one after the other in one process) and with one
   worker per core (its pages read by a page-reader process per core).

Then, where the time of a page goes, in this process, one page after another, on a few of the
pages: the raw command, the persistent engine on the page as rasterized, and the read stage
(measurements, orientation, preprocessing, OCR). The classification model is trained once
beforehand and copied into every fresh office, as a running office has one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

os.environ["OMP_THREAD_LIMIT"] = "1"  # for this process's engine and every command it starts

from PIL import Image  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from daemon_bench import cpu_speedup, text_pages  # noqa: E402
from pipeline.catalog import load_catalog  # noqa: E402
from pipeline.config import OcrSettings  # noqa: E402
from pipeline.stages import read, training  # noqa: E402
from pipeline.stages.engines.tesseract import make_engine  # noqa: E402
from pipeline.store.models import Event, Page  # noqa: E402
from pipeline.store.repository import Store  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "ingest.md"
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


@dataclass(frozen=True)
class Timing:
    kind: str
    seconds: float


def fresh_office(work: Path, model: Path, name: str, workers: int | None = None) -> list[str]:
    office = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=work))
    config = office / "office.toml"
    config.write_text(f'[catalog]\npath = "{ROOT / "configs" / "catalog.toml"}"\n'
                      + (f"[queue]\nworkers = {workers}\n" if workers else ""), encoding="utf-8")
    command = [sys.executable, "-m", "pipeline", "--data-dir", str(office / "data"), "--config", str(config)]
    subprocess.run([*command, "init"], check=True, capture_output=True, cwd=ROOT, env=ENV)
    (office / "data" / "models").mkdir(exist_ok=True)
    shutil.copy2(model, office / "data" / "models" / model.name)
    return command


def time_ingest(command: list[str], inputs: list[Path]) -> float:
    started = time.monotonic()
    result = subprocess.run([*command, "ingest", "--json", *map(str, inputs)], capture_output=True, text=True,
                            cwd=ROOT, env=ENV)
    seconds = time.monotonic() - started
    report = json.loads(result.stdout or "{}")
    if result.returncode != 0 or report.get("failed") or len(report.get("filed", [])) != len(inputs):
        raise SystemExit(f"ingest failed ({result.returncode}): {result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return seconds


def time_raw_tesseract(pages: list[Path], languages: str, processes: int) -> float:
    def one(page: Path) -> None:
        subprocess.run(["tesseract", str(page), "-", "-l", languages], check=True, capture_output=True, env=ENV)

    started = time.monotonic()
    with ThreadPoolExecutor(processes) as pool:
        list(pool.map(one, pages))
    return time.monotonic() - started


def stage_seconds(command: list[str]) -> dict[str, float]:
    """Seconds per stage, summed over the batches of the office (from its events)."""
    data = Path(command[command.index("--data-dir") + 1])
    store = Store(f"sqlite:///{data / 'dossier.sqlite3'}")
    with store.session() as session:
        rows = session.execute(select(Event.action, func.sum(Event.duration_ms))
                               .where(Event.action.in_(["rasterize", "ocr", "split", "classify", "extract",
                                                        "index", "done"]))
                               .group_by(Event.action)).all()
        details = list(session.scalars(select(Page.details)))
    store.dispose()
    seconds = {action: (ms or 0) / 1000 for action, ms in rows}
    seconds["pages"] = len(details)
    seconds["osd"] = sum(1 for d in details if "osd" in d.get("orientation", {})
                         or "osd_after_low_confidence" in d.get("orientation", {}))
    seconds["second_reading"] = sum(1 for d in details if "second_reading" in d.get("orientation", {}))
    steps = Counter(step.get("step", step.get("name", "?")) if isinstance(step, dict) else str(step)
                    for d in details for step in d.get("preprocess", {}).get("steps", []))
    seconds["steps"] = dict(steps)
    seconds["readers"] = len({d.get("reader_pid") for d in details if d.get("reader_pid")})
    return seconds


def scanned_pdf(pages: list[Path], path: Path) -> Path:
    images = [Image.open(p).convert("L") for p in pages]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=200.0)
    return path


def per_page_costs(pages: list[Path], languages: str) -> dict[str, float]:
    """Seconds per page in one process, one page after another: where a page's time goes."""
    engine = make_engine("tesserocr")
    settings = OcrSettings()
    images = [Image.open(p).convert("L") for p in pages]
    engine.recognize(images[0], languages=languages, timeout=300)  # the language data loaded once, as in a worker
    costs: dict[str, list[float]] = {"raw tesseract command": [], "engine only (persistent)": [],
                                     "read stage (measure, orient, preprocess, OCR)": []}
    for page, image in zip(pages, images, strict=True):
        mark = time.monotonic()
        subprocess.run(["tesseract", str(page), "-", "-l", languages], check=True, capture_output=True, env=ENV)
        costs["raw tesseract command"].append(time.monotonic() - mark)
        mark = time.monotonic()
        engine.recognize(image, languages=languages, timeout=300, dpi=200)
        costs["engine only (persistent)"].append(time.monotonic() - mark)
        mark = time.monotonic()
        read.ocr_image(image, dpi=200, engine=engine, languages=languages, timeout=settings.timeout_seconds)
        costs["read stage (measure, orient, preprocess, OCR)"].append(time.monotonic() - mark)
    return {name: statistics.median(values) for name, values in costs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", type=int, default=24, help="one-page scans for the ingest/raw comparison")
    parser.add_argument("--pdf-pages", type=int, default=20)
    parser.add_argument("--sample", type=int, default=4, help="pages timed one by one for the cost breakdown")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    languages = OcrSettings().languages
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="dossier-ingest-bench-") as tmp:
        work = Path(tmp)
        models = work / "models"
        training.current_model(models, load_catalog(ROOT / "configs" / "catalog.toml"))
        model = training.model_path(models)
        pages = text_pages(args.pages, work / "pages")
        pdf_pages = text_pages(args.pages + args.pdf_pages, work / "pdf-pages")[args.pages:]  # other pages
        pdf = scanned_pdf(pdf_pages, work / "dossier.pdf")
        breakdown: dict[str, dict] = {}
        ceiling: list[float] = []
        for round_no in range(args.rounds):
            ceiling.append(cpu_speedup(cores))
            print(f"round {round_no + 1}: a pure CPU task does {ceiling[-1]:.2f}x on {cores} processes", flush=True)
            steps = ["ingest", "raw", "pdf-1", f"pdf-{cores}"]
            for kind in steps if round_no % 2 == 0 else list(reversed(steps)):
                if kind == "ingest":
                    command = fresh_office(work, model, "ingest")
                    seconds = time_ingest(command, pages)
                    breakdown["ingest"] = stage_seconds(command)
                elif kind == "raw":
                    seconds = time_raw_tesseract(pages, languages, cores)
                else:
                    workers = int(kind.split("-")[1])
                    command = fresh_office(work, model, kind, workers=workers)
                    seconds = time_ingest(command, [pdf])
                    breakdown[kind] = stage_seconds(command)
                timings.append(Timing(kind, seconds))
                print(f"round {round_no + 1}: {kind}: {seconds:.1f} s", flush=True)
        costs = per_page_costs(pages[:args.sample], languages)
    median = {kind: statistics.median(t.seconds for t in timings if t.kind == kind)
              for kind in dict.fromkeys(t.kind for t in timings)}
    def paired(numerator: str, denominator: str) -> list[float]:
        """The ratio within each round (the two ran minutes apart, under the same neighbours)."""
        tops = [t.seconds for t in timings if t.kind == numerator]
        bottoms = [t.seconds for t in timings if t.kind == denominator]
        return [top / bottom for top, bottom in zip(tops, bottoms, strict=True)]

    speedups = paired("raw", "ingest")
    pdf_ratios = paired(f"pdf-{cores}", "pdf-1")
    speedup, pdf_ratio = statistics.median(speedups), statistics.median(pdf_ratios)
    command_line = (f"`.venv/bin/python bench/ingest_bench.py --rounds {args.rounds} --pages {args.pages} "
                    f"--pdf-pages {args.pdf_pages}`")
    lines = [
        "# Ingest on every core",
        "",
        f"{command_line} on {cores} core(s), {time.strftime('%Y-%m-%d')}, `OMP_THREAD_LIMIT=1` everywhere, "
        f"languages `{languages}`; medians of {args.rounds} interleaved rounds on a machine shared with other jobs "
        "(only the ratios mean anything).",
        "",
        f"Ceiling: in the same rounds a pure CPU task did {statistics.median(ceiling):.2f}x the work per second on "
        f"{cores} processes that it did on 1 (per round: {', '.join(f'{c:.2f}' for c in ceiling)}): what a second "
        "core was worth at that moment, with the other jobs of this machine.",
        "",
        f"## {args.pages} one-page scans: `dossier ingest` vs raw `tesseract`, one process per core",
        "",
        "| run | median s | per round |",
        "| --- | --- | --- |",
        f"| `dossier ingest` ({cores} workers) | {median['ingest']:.1f} | "
        f"{', '.join(f'{t.seconds:.1f}' for t in timings if t.kind == 'ingest')} |",
        f"| raw `tesseract`, {cores} at a time | {median['raw']:.1f} | "
        f"{', '.join(f'{t.seconds:.1f}' for t in timings if t.kind == 'raw')} |",
        "",
        f"**ingest is {speedup:.2f}x as fast as raw tesseract** (median of the rounds' ratios: "
        f"{', '.join(f'{r:.2f}' for r in speedups)}; target 1.8x).",
        "",
        f"## A {args.pdf_pages}-page scanned PDF: {cores} workers (page readers) vs 1",
        "",
        "| workers | median s | per round |",
        "| --- | --- | --- |",
        f"| 1 | {median['pdf-1']:.1f} | {', '.join(f'{t.seconds:.1f}' for t in timings if t.kind == 'pdf-1')} |",
        f"| {cores} | {median[f'pdf-{cores}']:.1f} | "
        f"{', '.join(f'{t.seconds:.1f}' for t in timings if t.kind == f'pdf-{cores}')} |",
        "",
        f"**{cores} workers take {pdf_ratio:.2f}x the time of 1** (median of the rounds' ratios: "
        f"{', '.join(f'{r:.2f}' for r in pdf_ratios)}; target at most 0.6x; at best 1/{cores} = {1 / cores:.2f}x "
        f"on {cores} free cores, and 1/ceiling = {1 / statistics.median(ceiling):.2f}x on what this machine gave).",
        "",
        "## Where the time goes",
        "",
        "Stage seconds summed over the batches of the last run of each kind (OCR time with page readers is the "
        "time spent waiting for them):",
        "",
        "| run | pages | rasterize | ocr | classify | extract | index | OSD runs | second readings | "
        "preprocessing steps | reader processes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind, b in breakdown.items():
        lines.append(f"| {kind} | {b['pages']} | {b.get('rasterize', 0):.1f} | {b.get('ocr', 0):.1f} | "
                     f"{b.get('classify', 0):.1f} | {b.get('extract', 0):.1f} | {b.get('index', 0):.1f} | "
                     f"{b['osd']} | {b['second_reading']} | {b['steps'] or 'none'} | {b['readers'] or '-'} |")
    lines += ["", f"One page after another in one process (median of {args.sample} pages, seconds per page):", "",
              "| what | s/page |", "| --- | --- |"]
    lines += [f"| {name} | {value:.2f} |" for name, value in costs.items()]
    report = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print("\n" + report)


if __name__ == "__main__":
    main()
