"""Daemon benchmark: how many pages per minute `dossier watch` files, by number of worker processes.

    .venv/bin/python bench/daemon_bench.py [--rounds 2] [--pages 24] [--out bench/results/daemon.md]

The dossiers of sample_scans/ (11 inputs, 16 pages: PDF, PNG, TIFF, JPEG, a folder dossier) and
`--pages` generated A4 pages of Vietnamese text (200 dpi PNG, ~30 lines each, every page different so
that the OCR cache never answers) go into a fresh office's inbox and `dossier watch --once` files them: intake, queue, worker
processes, real OCR, SQLite. Each configuration runs in interleaved rounds (1 worker, then one per
core, then the other way round), so that a busy neighbour slows both alike; the figures are the
medians. Two rates are reported:

* processing: pages filed per minute from the first claim to the last filed batch (the pool at work);
* end to end: pages per minute of the whole command, including start-up, the inbox quiet period
  (0.5 s here) and the worker processes' start.

Beside them, in every round, the same pure-Python CPU task runs on 1 process and on one per core:
its speed-up is what this machine could give a second worker at that moment (other jobs share it),
the ceiling for the workers' ratio.

The classification model is trained once beforehand and copied into every fresh office, as a
running office has one; its training time is not part of either figure.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from pipeline.catalog import load_catalog  # noqa: E402
from pipeline.store.models import as_utc  # noqa: E402
from pipeline.stages import training  # noqa: E402
from pipeline.store.models import Event  # noqa: E402
from pipeline.store.repository import Store  # noqa: E402

SAMPLES = ROOT / "sample_scans"
RESULTS = ROOT / "bench" / "results" / "daemon.md"
NOT_DOSSIERS = {"README.md", "EXPECTED.json"}
TRAINING_TEXT = ROOT.parent / "shared" / "corpus" / "tesseract-langdata-vie" / "langdata" / "vie.training_text"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass(frozen=True)
class Run:
    workers: int
    pages: int
    batches: int
    wall_s: float
    processing_s: float

    @property
    def processing_ppm(self) -> float:
        return self.pages / self.processing_s * 60

    @property
    def end_to_end_ppm(self) -> float:
        return self.pages / self.wall_s * 60


def _burn(_: int) -> None:
    total = 0
    for i in range(3_000_000):
        total += i * i


def cpu_speedup(processes: int) -> float:
    """Throughput of `processes` processes over one, on a pure CPU task, measured now."""
    def rate(n: int) -> float:
        with multiprocessing.get_context("spawn").Pool(n) as pool:
            pool.map(abs, range(n))  # the processes are up before the clock starts
            started = time.perf_counter()
            pool.map(_burn, range(n * 2), chunksize=2)
            return n * 2 / (time.perf_counter() - started)

    return rate(processes) / rate(1)


def text_pages(count: int, folder: Path) -> list[Path]:
    """Dense A4 pages of Vietnamese words (Tesseract's own training text when the corpus is there)."""
    words = (TRAINING_TEXT.read_text(encoding="utf-8").split() if TRAINING_TEXT.exists()
             else "Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc giấy khai sinh".split())
    font = ImageFont.truetype(FONT, 30)
    rng = random.Random(20261126)
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for number in range(1, count + 1):
        page = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(page)
        draw.text((120, 120), f"Trang {number}", font=font, fill=0)
        for line in range(30):
            draw.text((120, 200 + line * 66), " ".join(rng.choice(words) for _ in range(9)), font=font, fill=0)
        pages.append(folder / f"trang-{number:03d}.png")
        page.save(pages[-1], dpi=(200, 200))
    return pages


def run_once(workers: int, model: Path, work: Path, pages: list[Path]) -> Run:
    office = Path(tempfile.mkdtemp(prefix=f"w{workers}-", dir=work))
    data, config = office / "data", office / "office.toml"
    config.write_text(f'[catalog]\npath = "{ROOT / "configs" / "catalog.toml"}"\n'
                      f"[inbox]\nquiet_seconds = 0.5\n[queue]\nworkers = {workers}\n", encoding="utf-8")
    command = [sys.executable, "-m", "pipeline", "--data-dir", str(data), "--config", str(config)]
    subprocess.run([*command, "init"], check=True, capture_output=True, cwd=ROOT)
    (data / "models").mkdir(exist_ok=True)
    shutil.copy2(model, data / "models" / model.name)
    for entry in [*SAMPLES.iterdir(), *pages]:
        if entry.name not in NOT_DOSSIERS:
            (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, data / "inbox" / entry.name)
    started = time.monotonic()
    result = subprocess.run([*command, "watch", "--once"], capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"watch --once failed ({result.returncode}):\n{result.stderr[-3000:]}")
    store = Store(f"sqlite:///{data / 'dossier.sqlite3'}")
    with store.session() as session:
        first_claim = session.scalar(select(func.min(Event.at)).where(Event.action == "processing"))
        pages, batches, last_done = session.execute(
            select(func.sum(Event.pages), func.count(), func.max(Event.at)).where(Event.action == "done")).one()
    store.dispose()
    shutil.rmtree(office)
    window = (as_utc(last_done) - as_utc(first_claim)).total_seconds()
    return Run(workers, int(pages or 0), batches, wall, window)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", type=int, default=24, help="generated text pages besides sample_scans/")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    configs = sorted({1, cores})
    with tempfile.TemporaryDirectory(prefix="dossier-daemon-bench-") as tmp:
        work = Path(tmp)
        models = work / "models"
        training.current_model(models, load_catalog(ROOT / "configs" / "catalog.toml"))
        model = training.model_path(models)
        pages = text_pages(args.pages, work / "pages")
        runs: list[Run] = []
        cpu = []
        for round_no in range(args.rounds):
            cpu.append(cpu_speedup(cores))
            for workers in (configs if round_no % 2 == 0 else list(reversed(configs))):
                run = run_once(workers, model, work, pages)
                runs.append(run)
                print(f"round {round_no + 1}: {workers} worker(s): {run.pages} pages, {run.batches} batches, "
                      f"{run.processing_ppm:.1f} pages/min processing, {run.end_to_end_ppm:.1f} end to end",
                      flush=True)
    median = {w: (statistics.median(r.processing_ppm for r in runs if r.workers == w),
                  statistics.median(r.end_to_end_ppm for r in runs if r.workers == w)) for w in configs}
    base = median[1]
    lines = [
        "# Daemon throughput",
        "",
        f"`.venv/bin/python bench/daemon_bench.py --rounds {args.rounds} --pages {args.pages}` "
        f"on {cores} core(s), "
        f"{time.strftime('%Y-%m-%d')}; sample_scans/ and generated pages ({runs[0].batches} batches, "
        f"{runs[0].pages} pages), "
        "medians of interleaved rounds.",
        "",
        f"Ceiling: in the same rounds a pure CPU task did {statistics.median(cpu):.2f}x the work per second on "
        f"{cores} processes that it did on 1 (other jobs share this machine).",
        "",
        "| workers | processing pages/min | ratio | end-to-end pages/min | ratio |",
        "| --- | --- | --- | --- | --- |",
    ]
    for w in configs:
        ppm, e2e = median[w]
        lines.append(f"| {w} | {ppm:.1f} | {ppm / base[0]:.2f}x | {e2e:.1f} | {e2e / base[1]:.2f}x |")
    report = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print("\n" + report)


if __name__ == "__main__":
    main()
