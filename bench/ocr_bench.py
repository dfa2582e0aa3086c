"""OCR benchmark: how fast and how well dossier reads pages, against Tesseract on its own.

    .venv/bin/python bench/ocr_bench.py [--pages 16] [--rounds 5] [--only-degraded] [--out bench/results/ocr.md]

`make bench` runs it. Everything is measured side by side in one run, on this machine, and
written to bench/results/ocr.md (and printed):

1. Throughput, pages per minute on all cores, on the same pages (flatbed scans of the invented
   dossiers of tools/make_sample_scans.py, 200 and 300 dpi grayscale PNG files), four ways, in
   interleaved rounds so that a busy neighbour slows all of them alike:
   * raw CLI: `tesseract page.png stdout -l vie`, OMP_THREAD_LIMIT=1, one process per core;
   * pytesseract, the fallback engine (a tesseract process per page, through temporary files);
   * bare engine: one persistent tesserocr engine per worker process, no preprocessing;
   * pipeline: one worker process per core running rasterize + read (preprocessing on, cache off);
   the readers take turns on slices of 4 pages per core. Wall-clock pages/min is what the
   machine gave; pages/min from CPU time (CPU seconds per page, all cores busy) does not move
   with the neighbours' load, and is the steadier ratio on a shared machine.
2. Text layer: a born-digital PDF read through its trusted text layer against the same pages
   rendered and OCR'd.
3. Accuracy per degradation (clean, skew +3/-3 degrees, rotated 90/180, noise + JPEG, 150 dpi,
   phone photo) on rendered pages with ground truth: character error rate (CER) and word F1,
   bare engine against pipeline.
4. Names: full names printed in capitals on clean pages, exactly right as read and after the
   lexicon's post-correction.
5. The ../shared/corpus files with ground truth (skipped with a message when it is absent).
6. Real letters and degraded pages: the 10 pages of the scanned Đà Nẵng letters of ../shared/corpus
   (hand transcriptions in bench/ocr_truth/danang) and rendered citizen documents, each as scanned
   and under blur, uneven light, a lid border, fax and a phone photo (`DEGRADED`): word F1 and CER
   of plain `tesseract -l vie`, of the pipeline without correction or re-reading, and of the
   pipeline, in one run. Readings are cached in the temp folder by image and settings, so a rerun
   only reads what changed (`--fresh` to read everything again; `--only-degraded` for this part).

The tesserocr wheel bundles Tesseract 5.5.4; the `tesseract` command here is Debian's 5.3.0.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import functools
import hashlib
import multiprocessing
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

os.environ["OMP_THREAD_LIMIT"] = "1"  # every reader measured here runs one Tesseract thread per process
from bench.pdfkit import PdfPage, TextRun, write_pdf  # noqa: E402
from pipeline.archive import formats  # noqa: E402
from pipeline.config import LimitSettings, OcrSettings  # noqa: E402
from pipeline.domain import PageSource  # noqa: E402
from pipeline.stages import rasterize, read  # noqa: E402
from pipeline.stages.engines.tesseract import PytesseractEngine, TesserocrEngine  # noqa: E402
from pipeline.stages.vietnamese.names import correct_name  # noqa: E402
from pipeline.textnorm import nfc, words  # noqa: E402
from tools import make_sample_scans as samples  # noqa: E402
from tools import scanlib as sl  # noqa: E402
from tools.citizens import make_citizen, upper_vi  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "bench" / "results" / "ocr.md"
LANGUAGES = "vie"
TIMEOUT = 300.0
CORES = os.cpu_count() or 1
SETTINGS = OcrSettings(languages=LANGUAGES, timeout_seconds=TIMEOUT)
LIMITS = LimitSettings()


# --- measures ------------------------------------------------------------------------------------


def squash(text: str) -> str:
    return " ".join(nfc(text).split())


def cer(found: str, truth: str) -> float:
    truth = squash(truth)
    return Levenshtein.distance(squash(found), truth) / max(1, len(truth))


def word_f1(found: str, truth: str) -> float:
    a, b = collections.Counter(words(found)), collections.Counter(words(truth))
    hits = sum((a & b).values())
    if not hits:
        return 0.0
    precision, recall = hits / sum(a.values()), hits / sum(b.values())
    return 2 * precision * recall / (precision + recall)


# --- worker processes: one persistent engine each ------------------------------------------------

_ENGINE: TesserocrEngine | None = None
_FALLBACK: PytesseractEngine | None = None


def _init_worker() -> None:
    global _ENGINE, _FALLBACK
    _ENGINE, _FALLBACK = TesserocrEngine(), PytesseractEngine()
    blank = Image.new("L", (200, 100), 255)
    _ENGINE.recognize(blank, languages=LANGUAGES, timeout=TIMEOUT)  # load the model before timing


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the tesseract processes it ran)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(task: Callable[[str], str]) -> Callable[[str], float]:
    return functools.partial(_timed, task)


def _timed(task: Callable[[str], str], path: str) -> float:
    """CPU seconds one page cost: steady where wall-clock time follows the neighbours' load."""
    started = _cpu_seconds()
    task(path)
    return _cpu_seconds() - started


def bare_read(path: str) -> str:
    """The engine alone: decode the file, OCR it as it is."""
    with Image.open(path) as image:
        dpi = rasterize._dpi_of(image)
        return _ENGINE.recognize(image.convert("L"), languages=LANGUAGES, timeout=TIMEOUT, dpi=dpi).text


def fallback_read(path: str) -> str:
    """The fallback engine: pytesseract, a tesseract process per page (as in the issue's 132 pages/min)."""
    with Image.open(path) as image:
        dpi = rasterize._dpi_of(image)
        return _FALLBACK.recognize(image.convert("L"), languages=LANGUAGES, timeout=TIMEOUT, dpi=dpi).text


def pipeline_read(path: str) -> str:
    """What a dossier worker does with a file: rasterize, preprocess, OCR (no cache)."""
    file = Path(path)
    pages = rasterize.iter_pages(file, formats.media_type_of(file), file_ordinal=0, dpi=300, limits=LIMITS)
    return "\n\n".join(read.read_page(page, engine=_ENGINE, settings=SETTINGS, max_pixels=LIMITS.max_page_pixels).text
                       for page in pages)


def cli_read(path: str) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    out = subprocess.run(["tesseract", path, "stdout", "-l", LANGUAGES, "--psm", "3", "--oem", "1"],
                         capture_output=True, text=True, env=env, check=True)
    return out.stdout


def _pipeline_pair(args: tuple[Image.Image, int]) -> tuple[str, float, str, float]:
    """(bare text, seconds, pipeline text, seconds) for one degraded page image."""
    image, dpi = args
    started = time.perf_counter()
    bare = _ENGINE.recognize(image, languages=LANGUAGES, timeout=TIMEOUT, dpi=dpi).text
    middle = time.perf_counter()
    source = PageSource(file_ordinal=0, file_page=1, image=image, dpi=dpi)
    piped = read.read_page(source, engine=_ENGINE, settings=SETTINGS, max_pixels=LIMITS.max_page_pixels).text
    return bare, middle - started, piped, time.perf_counter() - middle


def _read_with(args: tuple[Image.Image, int, str]) -> str:
    image, dpi, languages = args
    source = PageSource(file_ordinal=0, file_page=1, image=image, dpi=dpi)
    return read.read_page(source, engine=_ENGINE, settings=OcrSettings(languages=languages, timeout_seconds=TIMEOUT),
                          max_pixels=LIMITS.max_page_pixels).text


def _bare_with(args: tuple[Image.Image, int, str]) -> str:
    image, dpi, languages = args
    return _ENGINE.recognize(image, languages=languages, timeout=TIMEOUT, dpi=dpi).text


# --- the pages -----------------------------------------------------------------------------------


def clean_pages() -> list[tuple[str, sl.RenderedPage]]:
    """(document type, page) for the clean, upright pages of the sample dossiers (200 dpi; the
    ID card copy at 300)."""
    return [(doc.type, page) for sample in samples.build_samples() for doc in sample.docs for page in doc.pages]


def dpi_of(image: Image.Image) -> int:
    return int(round(image.info.get("dpi", (sl.DEFAULT_DPI, 0))[0]))


DEGRADATIONS: dict[str, Callable[[Image.Image, int], tuple[Image.Image, int]]] = {
    "clean": lambda im, s: (sl.scanner(im, seed=s), dpi_of(im)),
    "skew +3°": lambda im, s: (sl.skew(sl.scanner(im, seed=s), 3), dpi_of(im)),
    "skew -3°": lambda im, s: (sl.skew(sl.scanner(im, seed=s), -3), dpi_of(im)),
    "rotated 90°": lambda im, s: (sl.rotate(sl.scanner(im, seed=s), 90), dpi_of(im)),
    "rotated 180°": lambda im, s: (sl.rotate(sl.scanner(im, seed=s), 180), dpi_of(im)),
    "noise + JPEG": lambda im, s: (sl.add_noise_and_jpeg(sl.scanner(im, seed=s), 60, seed=s, sigma=10), dpi_of(im)),
    "150 dpi": lambda im, s: (sl.downsample(sl.scanner(im, seed=s), dpi_of(im), 150), 150),
    "phone photo": lambda im, s: (sl.phone_photo(im, seed=s, short_side=900), 0),
}


# --- degradations of real and rendered pages ------------------------------------------------------
# Each takes a grayscale page and its resolution and gives the degraded page and its resolution
# (0: unknown, as for a phone photo). Parameters were set from what such copies look like, before
# any reading was scored.


def _noisy(pixels: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    return pixels + np.random.default_rng(seed).normal(0, sigma, pixels.shape)


def _gray(pixels: np.ndarray, like: Image.Image) -> Image.Image:
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    image.info["dpi"] = like.info.get("dpi", (0, 0))
    return image


def degrade_blur(image: Image.Image, dpi: int, seed: int) -> tuple[Image.Image, int]:
    """An out-of-focus scan: Gaussian blur of 2 px at 200 dpi (a stroke's width)."""
    return image.filter(ImageFilter.GaussianBlur(2.0 * (dpi or 200) / 200)), dpi


def degrade_uneven_light(image: Image.Image, dpi: int, seed: int) -> tuple[Image.Image, int]:
    """A lamp to one side: the light falls to 45% in the far corner; a shadow band along the bottom."""
    h, w = image.height, image.width
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.55 * np.clip((xx / w + yy / h) / 2, 0, 1) ** 1.5
    light *= 1.0 - 0.45 * np.clip(1 - (h - yy) / (0.12 * h), 0, 1) ** 1.5
    return _gray(_noisy(np.asarray(image, dtype=np.float32) * light, 5, seed), image), dpi


def degrade_lid_border(image: Image.Image, dpi: int, seed: int) -> tuple[Image.Image, int]:
    """A book or a thick sheet scanned with the lid open: black bands along two edges, a dark
    shadow fading into the page beside them, the page a little turned."""
    w, h = image.size
    rng = np.random.default_rng(seed)
    top, left = int(h * rng.uniform(0.03, 0.05)), int(w * rng.uniform(0.04, 0.07))
    turned = image.rotate(float(rng.uniform(-0.8, 0.8)), resample=Image.Resampling.BILINEAR, fillcolor=255)
    page = np.asarray(turned, dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    fade = 0.06 * w
    shadow = 1 - 0.7 * np.clip(1 - (xx - left) / fade, 0, 1) ** 2
    shadow *= 1 - 0.5 * np.clip(1 - (yy - top) / (0.5 * fade), 0, 1) ** 2
    pixels = page * shadow
    pixels[:top, :] = 20
    pixels[:, :left] = 20
    return _gray(_noisy(pixels, 4, seed), image), dpi


def degrade_fax(image: Image.Image, dpi: int, seed: int) -> tuple[Image.Image, int]:
    """Fax fine mode: 200 x 100 dpi, 1 bit at a fixed threshold, speckle, printed back at 200 dpi."""
    w200, h200 = round(image.width * 200 / (dpi or 200)), round(image.height * 200 / (dpi or 200))
    half = image.resize((w200, h200 // 2), Image.Resampling.BOX)
    noisy = _noisy(np.asarray(half, dtype=np.float32), 18, seed)
    bits = noisy > 150
    bits ^= np.random.default_rng(seed + 1).random(bits.shape) < 0.0015
    one_bit = Image.fromarray((bits * 255).astype(np.uint8), "L").resize((w200, h200), Image.Resampling.NEAREST)
    return one_bit, 200


def degrade_phone_photo(image: Image.Image, dpi: int, seed: int) -> tuple[Image.Image, int]:
    """A page photographed on a desk (tools/scanlib.phone_photo): a trapezoid of paper, uneven light,
    defocus and JPEG, 1500 px on the short side (about 150 dpi for the sheet), no resolution."""
    return sl.phone_photo(image, seed=seed, short_side=1500), 0


DEGRADED: dict[str, Callable[[Image.Image, int, int], tuple[Image.Image, int]]] = {
    "as scanned": lambda image, dpi, seed: (image, dpi),
    "blur": degrade_blur,
    "uneven light": degrade_uneven_light,
    "lid border": degrade_lid_border,
    "fax": degrade_fax,
    "phone photo": degrade_phone_photo,
}


# --- 1. throughput -------------------------------------------------------------------------------


@dataclass
class Throughput:
    name: str
    seconds: list[float]  # wall clock, per round
    cpu: list[float]  # CPU seconds, per round
    pages: int

    @property
    def pages_per_minute(self) -> float:
        return self.pages / statistics.median(self.seconds) * 60

    @property
    def cpu_pages_per_minute(self) -> float:
        """Pages per minute on all cores if nothing else ran: from CPU time alone."""
        return self.pages / statistics.median(self.cpu) * 60 * CORES


def throughput(pages: list[sl.RenderedPage], count: int, rounds: int, folder: Path) -> list[Throughput]:
    files = []
    for n, page in enumerate((pages * (count // len(pages) + 1))[:count]):
        path = folder / f"page{n:03d}.png"
        sl.save_png(sl.scanner(page.image, seed=n), path, dpi=dpi_of(page.image))
        files.append(str(path))
    cli_read(files[0])  # language data into the page cache before anything is timed
    results = {name: Throughput(name, [], [], len(files))
               for name in ("raw tesseract CLI", "pytesseract (fallback engine)", "bare engine", "pipeline")}
    # Slices, the readers one after the other on each: the load of a shared machine changes
    # within a minute, and must weigh on all of them alike.
    slices = [files[i:i + 4 * CORES] for i in range(0, len(files), 4 * CORES)]
    with multiprocessing.Pool(CORES, initializer=_init_worker) as pool, ThreadPoolExecutor(CORES) as threads:
        pool.map(bare_read, files[:CORES], chunksize=1)  # warm every worker

        def cli(chunk: list[str]) -> float:
            started = _cpu_seconds()  # the tesseract processes are this process's children
            list(threads.map(cli_read, chunk))
            return _cpu_seconds() - started

        readers = {"raw tesseract CLI": cli,
                   "pytesseract (fallback engine)":
                       lambda chunk: sum(pool.map(timed(fallback_read), chunk, chunksize=1)),
                   "bare engine": lambda chunk: sum(pool.map(timed(bare_read), chunk, chunksize=1)),
                   "pipeline": lambda chunk: sum(pool.map(timed(pipeline_read), chunk, chunksize=1))}
        for _ in range(rounds):
            wall, cpu = dict.fromkeys(readers, 0.0), dict.fromkeys(readers, 0.0)
            for chunk in slices:
                for name, run in readers.items():
                    started = time.perf_counter()
                    cpu[name] += run(chunk)
                    wall[name] += time.perf_counter() - started
            for name in readers:
                results[name].seconds.append(wall[name])
                results[name].cpu.append(cpu[name])
    return list(results.values())


# --- 2. text layer -------------------------------------------------------------------------------


def text_layer_speed(pages: list[tuple[str, sl.RenderedPage]], folder: Path) -> list[tuple[str, int, float, float]]:
    """(document, pages, text-layer pages/min, OCR pages/min) for born-digital PDFs."""
    engine = TesserocrEngine()
    rows = []
    generated = folder / "searchable.pdf"
    # The bilingual ID card is left out: its layer is half English, rightly not trusted as Vietnamese.
    searchable = [_searchable_page(p) for kind, p in pages if kind != "citizen_id_card"]
    write_pdf(generated, searchable[:12])
    documents = [(f"generated searchable scans (page image + good OCR layer), {len(searchable[:12])} pages", generated)]
    decree = CORPUS / "vn-admin-scans/RAG_TongHopVBHC/pdf/45_2026_ND-CP_616621 nghi dinh thay the 73 82 04Text.pdf"
    if decree.exists():
        documents.append(("corpus: Nghị định 45/2026/NĐ-CP (Word), 55 pages", decree))
    for label, path in documents:
        started = time.perf_counter()
        read_pages = [read.read_page(s, engine=engine, settings=SETTINGS)
                      for s in rasterize.iter_pages(path, formats.PDF, file_ordinal=0, dpi=300, limits=LIMITS)]
        layer_seconds = time.perf_counter() - started
        trusted = sum(p.method == "text_layer" for p in read_pages)
        sample = min(3, len(read_pages))
        started = time.perf_counter()
        for number in range(1, sample + 1):  # the same pages, rendered and OCR'd as if the layer were bad
            image = rasterize._pdf_render(path, number, 300, LIMITS)
            read.read_page(PageSource(0, number, image, 300), engine=engine, settings=SETTINGS)
        ocr_seconds = (time.perf_counter() - started) / sample * len(read_pages)
        rows.append((f"{label} ({trusted} trusted)", len(read_pages), len(read_pages) / layer_seconds * 60,
                     len(read_pages) / ocr_seconds * 60))
    return rows


def _searchable_page(page: sl.RenderedPage) -> PdfPage:
    """A scanned page with a good OCR text layer over it, one text run per printed line."""
    width, height = page.image.width * 72 / dpi_of(page.image), page.image.height * 72 / dpi_of(page.image)
    lines = [line for line in page.text.splitlines() if line.strip()]
    step = (height - 100) / max(1, len(lines))
    runs = [TextRun(line, 50, 60 + i * step, 10) for i, line in enumerate(lines)]
    return PdfPage(width=width, height=height, image=page.image, encoding="dct", text=runs)


# --- 3. accuracy per degradation -----------------------------------------------------------------


@dataclass
class Accuracy:
    name: str
    bare_cer: float
    bare_f1: float
    pipe_cer: float
    pipe_f1: float
    bare_ms: float
    pipe_ms: float


def accuracy(pages: list[sl.RenderedPage], count: int) -> list[Accuracy]:
    chosen = pages[:count]
    jobs, keys = [], []
    for name, degrade in DEGRADATIONS.items():
        for n, page in enumerate(chosen):
            jobs.append(degrade(page.image, n))
            keys.append((name, page.text))
    with multiprocessing.Pool(CORES, initializer=_init_worker) as pool:
        results = pool.map(_pipeline_pair, jobs, chunksize=1)
    table = []
    for name in DEGRADATIONS:
        rows = [(truth, r) for (n, truth), r in zip(keys, results) if n == name]
        mean = lambda values: sum(values) / len(values)  # noqa: E731
        table.append(Accuracy(
            name,
            mean([cer(r[0], t) for t, r in rows]), mean([word_f1(r[0], t) for t, r in rows]),
            mean([cer(r[2], t) for t, r in rows]), mean([word_f1(r[2], t) for t, r in rows]),
            mean([r[1] for _, r in rows]) * 1000, mean([r[3] for _, r in rows]) * 1000))
    return table


# --- 4. names ------------------------------------------------------------------------------------

NAME_LABEL = "Họ, chữ đệm, tên"


def names(count: int, per_page: int = 8) -> tuple[int, int, int, list[tuple[str, str, str]]]:
    """(names, exactly right as read, exactly right after correction, misses) on clean 200 dpi pages.

    Each person takes three lines of a form (name, birth date, address), so that the labels do not
    line up into a column of their own, which Tesseract would read apart from the values."""
    rng = random.Random(4)
    citizens = [make_citizen(rng) for _ in range(count)]
    people = [upper_vi(c.full_name) for c in citizens]
    jobs = []
    for start in range(0, len(people), per_page):
        lines = []
        for citizen, name in zip(citizens[start:start + per_page], people[start:start + per_page]):
            lines += [sl.field(NAME_LABEL, name),
                      sl.field("Ngày, tháng, năm sinh", f"{citizen.date_of_birth:%d/%m/%Y}"),
                      sl.field("Nơi cư trú", citizen.address.full, bold_value=False), sl.spacer(3)]
        image, _ = sl.render_page(lines)
        jobs.append((sl.scanner(image, seed=start), sl.DEFAULT_DPI, LANGUAGES))
    with multiprocessing.Pool(CORES, initializer=_init_worker) as pool:
        texts = pool.map(_read_with, jobs, chunksize=1)
    raw_hits = fixed_hits = 0
    misses = []
    for page_number, text in enumerate(texts):
        found = [squash(line.split(":", 1)[1]) for line in text.splitlines()
                 if ":" in line and line.split(":", 1)[0].strip().endswith("tên")]
        for truth in people[page_number * per_page:(page_number + 1) * per_page]:
            # the line read for this name: the closest one on its page (a lost line is a miss)
            read_as = min(found, key=lambda f: Levenshtein.distance(f, truth), default="")
            fixed = correct_name(read_as).name
            raw_hits += read_as == truth
            fixed_hits += fixed == truth
            if fixed != truth:
                misses.append((truth, read_as, fixed))
    return len(people), raw_hits, fixed_hits, misses


# --- 5. corpus files with ground truth -----------------------------------------------------------

TESSERACT_TEST = [  # (file, ground truth file or text, languages)
    ("phototest.tif", "phototest.txt", "eng"),
    ("phototest-rotated-180.png", "phototest.txt", "eng"),
    ("phototest-rotated-L.png", "phototest.txt", "eng"),
    ("phototest-rotated-R.png", "phototest.txt", "eng"),
    ("eurotext.tif", "eurotext.txt", "eng"),
    ("8087_054.3B.tif", "8087_054.3B.txt", "eng"),
    ("viet.tif", "viet.gt.txt", "vie"),
]
PAPERLESS = [  # (file, expected substrings, languages) from paperless-ngx/GROUND_TRUTH.md
    ("paperless/tests/samples/tesseract/simple.png", ["This is a test document."], "eng"),
    ("paperless/tests/samples/tesseract/simple-alpha.png", ["This is a test document."], "eng"),
    ("paperless/tests/samples/tesseract/simple.gif", ["This is a test document."], "eng"),
    ("paperless/tests/samples/tesseract/simple.heic", ["pizza"], "eng"),
    ("paperless/tests/samples/tesseract/document.webp", ["webp document, created 11/14/2022."], "eng"),
    ("paperless/tests/samples/tesseract/rotated.pdf",
     ["This is the text that appears on the first page.", "Even if the pages are rotated, OCRmyPDF still gets the job",
      "This is a really weird file with lots of nonsense text.", "If you read this"], "eng"),
    ("paperless/tests/samples/tesseract/multi-page-images.tiff", ["page 1", "page 2", "page 3"], "eng"),
]


def corpus_ground_truth() -> tuple[list[tuple[str, float, float]], list[tuple[str, int, int, int]]]:
    """CER of bare engine and pipeline on tesseract-test images; substrings found in paperless files."""
    folder = CORPUS / "tesseract-test"
    jobs, truths = [], []
    for name, truth, languages in TESSERACT_TEST:
        with Image.open(folder / name) as image:
            jobs.append((image.convert("L"), rasterize._dpi_of(image), languages))
        truths.append((name, (folder / truth).read_text(encoding="utf-8")))
    with multiprocessing.Pool(CORES, initializer=_init_worker) as pool:
        bare = pool.map(_bare_with, jobs, chunksize=1)
        piped = pool.map(_read_with, jobs, chunksize=1)
        cer_rows = [(name, cer(b, t), cer(p, t)) for (name, t), b, p in zip(truths, bare, piped)]
        found_rows = []
        for name, expected, languages in PAPERLESS:
            path = CORPUS / "paperless-ngx" / name
            page_jobs = [(s.image, s.dpi, languages) for s in
                         rasterize.iter_pages(path, formats.media_type_of(path), file_ordinal=0, dpi=300,
                                              limits=LIMITS)]
            bare_text = " ".join(pool.map(_bare_with, page_jobs, chunksize=1)).lower()
            pipe_text = " ".join(pool.map(_read_with, page_jobs, chunksize=1)).lower()
            found_rows.append((Path(name).name, len(expected), sum(e.lower() in squash(bare_text) for e in expected),
                               sum(e.lower() in squash(pipe_text) for e in expected)))
    return cer_rows, found_rows


def text_layer_decisions() -> list[tuple[str, int, int, str]]:
    """(file, pages, pages trusted, reasons) for the corpus PDFs with a text layer of some kind."""
    rows = []
    for relative in ("vn-admin-scans/VietAdmin-OCR-LLM-RAG/1.pdf", "vn-admin-scans/VietAdmin-OCR-LLM-RAG/3.pdf",
                     "vn-admin-scans/RAG_TongHopVBHC/pdf/2191_CT-CS.pdf",
                     "vn-admin-scans/RAG_TongHopVBHC/pdf/464-ttg.signed.pdf",
                     "vn-admin-scans/RAG_TongHopVBHC/pdf/Bai_Thuc_Hanh_LTM-So2.pdf",
                     "vn-form-templates/KLTN-DocFilling/PDF/cccd.pdf"):
        path = CORPUS / relative
        verdicts = [verdict.as_details() for _, _, verdict in rasterize.judge_pdf_pages(path, LIMITS)]
        reasons = collections.Counter(v["reason"].split(":")[0].split("(")[0].strip() for v in verdicts)
        rows.append((Path(relative).name, len(verdicts), sum(v["used"] for v in verdicts),
                     "; ".join(f"{r} ×{n}" for r, n in reasons.most_common())))
    return rows


# --- 6. real letters and degraded pages: the pipeline beside plain tesseract ---------------------

DANANG = CORPUS / "vn-admin-scans" / "VietAdmin-OCR-LLM-RAG"
DANANG_TRUTH = ROOT / "bench" / "ocr_truth" / "danang"
READINGS = Path(tempfile.gettempdir()) / "dossier-ocr-bench"  # cached readings: reruns are quick
READERS = ("plain tesseract", "pipeline, no correction or re-reading", "pipeline")


@dataclass(frozen=True)
class TruthPage:
    set: str  # "real letters" or "rendered citizen documents"
    name: str
    image: Image.Image
    dpi: int
    truth: str


def danang_pages() -> list[TruthPage]:
    """The 10 pages of the three Đà Nẵng letters with hand transcriptions, as the pipeline
    rasterizes them (their text layers are judged garbled, so every page is an image)."""
    pages = []
    for number in (1, 2, 3):
        for page in rasterize.iter_pages(DANANG / f"{number}.pdf", formats.PDF, file_ordinal=0, dpi=300,
                                         limits=LIMITS):
            truth = DANANG_TRUTH / f"{number}-p{page.file_page}.txt"
            pages.append(TruthPage("real letters", truth.stem, page.image.convert("L"), page.dpi,
                                   truth.read_text(encoding="utf-8")))
    return pages


def citizen_pages(count: int) -> list[TruthPage]:
    """Rendered citizen documents of the sample dossiers, through a flatbed scanner."""
    return [TruthPage("rendered citizen documents", f"{kind} {n}", sl.scanner(page.image, seed=n), dpi_of(page.image),
                      page.text) for n, (kind, page) in enumerate(clean_pages()[:count])]


def _normalised(text: str) -> str:
    """The transcriptions write … and curly quotes; a scan cannot tell them from ... and straight ones."""
    return nfc(text).replace("…", "...").replace("“", '"').replace("”", '"')


def _reading_path(kind: str, image: Image.Image, dpi: int, extra: str = "") -> Path:
    digest = hashlib.sha256(f"{kind}|{image.size}|{image.mode}|{dpi}|{extra}|".encode() + image.tobytes())
    return READINGS / f"{digest.hexdigest()[:32]}.txt"


def _read_degraded(job: tuple[str, Image.Image, int]) -> tuple[str, float]:
    """(text, seconds) of one reader on one page image; cached on disk by image and reader."""
    reader, image, dpi = job
    if reader == "plain tesseract":
        path = _reading_path("cli", image, dpi, _tesseract_cli_version())
    else:
        settings = SETTINGS if reader == "pipeline" else dataclasses.replace(SETTINGS, correct=False, reread=False)
        key = read.cache_key(image, engine=_ENGINE, languages=LANGUAGES, dpi=dpi, max_pixels=LIMITS.max_page_pixels,
                             correct=settings.correct, reread=settings.reread)
        path = READINGS / f"{key[:32]}.txt"
    timing = path.with_suffix(".seconds")
    if path.exists() and timing.exists():
        return path.read_text(encoding="utf-8"), float(timing.read_text())
    started = time.perf_counter()
    if reader == "plain tesseract":
        with tempfile.TemporaryDirectory() as tmp:
            png = Path(tmp) / "page.png"
            image.save(png, dpi=(dpi, dpi)) if dpi else image.save(png)
            text = cli_read(str(png))
    else:
        text = read.read_page(PageSource(0, 1, image, dpi), engine=_ENGINE, settings=settings,
                              max_pixels=LIMITS.max_page_pixels).text
    seconds = time.perf_counter() - started
    READINGS.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    timing.write_text(f"{seconds:.3f}")
    return text, seconds


@dataclass
class Degraded:
    set: str
    degradation: str
    pages: int
    f1: dict[str, float]  # reader → mean word F1
    cer: dict[str, float]
    seconds: dict[str, float]  # reader → mean seconds per page


def degraded_accuracy(pages: list[TruthPage]) -> list[Degraded]:
    jobs, keys = [], []
    for n, page in enumerate(pages):
        for name, degrade in DEGRADED.items():
            image, dpi = degrade(page.image, page.dpi, n)
            for reader in READERS:
                jobs.append((reader, image, dpi))
                keys.append((page.set, name, reader, page.truth))
    with multiprocessing.Pool(CORES, initializer=_init_worker) as pool:
        results = pool.map(_read_degraded, jobs, chunksize=1)
    rows: dict[tuple[str, str], Degraded] = {}
    scores: dict[tuple[str, str, str], list[tuple[float, float, float]]] = collections.defaultdict(list)
    for (kind, name, reader, truth), (text, seconds) in zip(keys, results):
        found, expected = _normalised(text), _normalised(truth)
        scores[(kind, name, reader)].append((word_f1(found, expected), cer(found, expected), seconds))
    for (kind, name, reader), values in scores.items():
        row = rows.setdefault((kind, name), Degraded(kind, name, len(values), {}, {}, {}))
        row.f1[reader] = statistics.mean(v[0] for v in values)
        row.cer[reader] = statistics.mean(v[1] for v in values)
        row.seconds[reader] = statistics.mean(v[2] for v in values)
    table = list(rows.values())
    for kind in dict.fromkeys(r.set for r in table):  # the overall row of each set, and of its degraded pages
        for label, members in (("**all degraded**", [r for r in table if r.set == kind and r.degradation != "as scanned"]),
                               ("**all**", [r for r in table if r.set == kind])):
            total = sum(r.pages for r in members)
            table.append(Degraded(kind, label, total,
                                  *({reader: sum(getattr(r, part)[reader] * r.pages for r in members) / total
                                     for reader in READERS} for part in ("f1", "cer", "seconds"))))
    return sorted(table, key=lambda r: (r.set != "real letters", r.degradation.startswith("**")))


def degraded_report(table: list[Degraded]) -> list[str]:
    lines = ["## Real letters and degraded pages: the pipeline beside plain tesseract", "",
             f"Word F1 (bag of words) and CER against the printed text, mean per page. *plain tesseract* is "
             f"`{_tesseract_cli_version()}` run as `tesseract page.png stdout -l vie --psm 3` on the same page "
             "image; *no correction or re-reading* is the pipeline with `ocr.correct` and `ocr.reread` off; "
             "*pipeline* is the default. Real letters: the 10 pages of the three scanned Đà Nẵng letters "
             "(../shared/corpus, transcribed by hand in bench/ocr_truth/danang), rasterized as the pipeline "
             "does; rendered citizen documents: the sample dossiers' pages through a flatbed scanner. "
             "Degradations (bench/ocr_bench.py `DEGRADED`) are applied to both. `…` and curly quotes are "
             "normalised before scoring. Seconds per page on a shared 2-core machine, all readers in one pool.",
             "",
             "| set | degradation | pages | F1 plain | F1 no corr. | F1 pipeline | CER plain | CER no corr. "
             "| CER pipeline | s/page plain | s/page pipeline |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    plain, bare, full = READERS
    for r in table:
        lines.append(f"| {r.set} | {r.degradation} | {r.pages} | {r.f1[plain]:.3f} | {r.f1[bare]:.3f} | "
                     f"{r.f1[full]:.3f} | {r.cer[plain]:.2%} | {r.cer[bare]:.2%} | {r.cer[full]:.2%} | "
                     f"{r.seconds[plain]:.1f} | {r.seconds[full]:.1f} |")
    lines += ["", "Targets: word F1 on real letters ≥ 0.95, on degraded pages ≥ 0.93 with every degradation "
              "≥ 0.88.", ""]
    return lines


# --- report --------------------------------------------------------------------------------------


def report(args, pages_used, speed, layer_rows, acc, name_result, corpus_rows, decisions, seconds,
           degraded: list[str]) -> str:
    lines = [
        "# OCR benchmark results",
        "",
        f"Produced by `{' '.join(['.venv/bin/python', 'bench/ocr_bench.py', *sys.argv[1:]])}` on "
        f"{dt.date.today().isoformat()}, {CORES} CPU cores ({platform.processor() or platform.machine()}), "
        f"in {seconds / 60:.1f} min. Engines: tesserocr {TesserocrEngine().version.split('-')[1]} (the bundled "
        f"Tesseract of the wheel) in-process; `{_tesseract_cli_version()}` (Debian) for the raw CLI. "
        "The two Tesseract versions differ, so the CLI ratio mixes the cost of a process per page with "
        "version differences. The machine is shared: figures are ratios measured side by side in "
        "interleaved rounds, medians of the rounds.",
        "",
        f"## Throughput ({args.pages} pages: flatbed scans of the sample dossiers, 200/300 dpi PNG, {args.rounds} "
        "interleaved rounds, all cores)",
        "",
        "| reader | pages/min (wall clock) | vs bare engine | vs raw CLI | pages/min (CPU time) | vs bare engine "
        "| vs raw CLI |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    bare = next(t for t in speed if t.name == "bare engine")
    cli = next(t for t in speed if t.name.startswith("raw"))
    for t in speed:
        lines.append(f"| {t.name} | {t.pages_per_minute:.0f} | {t.pages_per_minute / bare.pages_per_minute:.2f} | "
                     f"{t.pages_per_minute / cli.pages_per_minute:.2f} | {t.cpu_pages_per_minute:.0f} | "
                     f"{t.cpu_pages_per_minute / bare.cpu_pages_per_minute:.2f} | "
                     f"{t.cpu_pages_per_minute / cli.cpu_pages_per_minute:.2f} |")
    lines += ["", "Targets: pipeline ≥ 0.90 of the bare engine and ≥ 1.40 of the raw CLI.", "",
              "## Trusted text layer against OCR of the same pages", "",
              "| document | pages | text layer pages/min | OCR pages/min | speed-up |", "|---|---:|---:|---:|---:|"]
    for label, count, layer_ppm, ocr_ppm in layer_rows:
        lines.append(f"| {label} | {count} | {layer_ppm:.0f} | {ocr_ppm:.1f} | {layer_ppm / ocr_ppm:.0f}x |")
    lines += ["", "Target: ≥ 50x for born-digital PDFs. Both columns on one core; OCR pages/min from the first "
              "3 pages rendered at 300 dpi and read by the pipeline; the text-layer column includes running "
              "pdfinfo, pdfimages and pdftotext once per file.", "",
              f"## Accuracy per degradation ({pages_used} rendered pages with ground truth each, `vie`)", "",
              "| degradation | CER bare | CER pipeline | pipeline CER / clean | word F1 bare | word F1 pipeline "
              "| ms/page bare | ms/page pipeline |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    clean = acc[0].pipe_cer
    for a in acc:
        lines.append(f"| {a.name} | {a.bare_cer:.2%} | {a.pipe_cer:.2%} | {a.pipe_cer / max(clean, 1e-9):.2f} | "
                     f"{a.bare_f1:.3f} | {a.pipe_f1:.3f} | {a.bare_ms:.0f} | {a.pipe_ms:.0f} |")
    lines += ["", "Target: CER on skewed or rotated pages within 1.5x of the clean page. CER counts reading "
              "order too (a two-column header read in another order costs characters).", "",
              "## Names on clean pages", ""]
    total, raw_hits, fixed_hits, misses = name_result
    lines += [f"{total} invented full names in capitals (`{NAME_LABEL}: NGUYỄN VĂN AN`), 200 dpi, "
              f"8 people to a page (name, birth date, address): exactly right as read {raw_hits / total:.1%}, "
              f"after post-correction "
              f"{fixed_hits / total:.1%} (target ≥ 98%).", ""]
    if misses:
        shown = "; ".join(f"{t} → {r} → {f}" for t, r, f in misses[:10])
        lines += [f"Still wrong (truth → read → corrected): {shown}", ""]
    if corpus_rows is None:
        lines += ["## Corpus files with ground truth", "", "Skipped: ../shared/corpus is absent.", ""]
    else:
        cer_rows, found_rows = corpus_rows
        lines += ["## Corpus files with ground truth (../shared/corpus)", "",
                  "| tesseract-test image | CER bare | CER pipeline |", "|---|---:|---:|"]
        lines += [f"| {name} | {b:.2%} | {p:.2%} |" for name, b, p in cer_rows]
        lines += ["", "| paperless-ngx file | expected strings | found bare | found pipeline |", "|---|---:|---:|---:|"]
        lines += [f"| {name} | {n} | {b} | {p} |" for name, n, b, p in found_rows]
        lines += ["", "| corpus PDF | pages | text layer trusted | verdicts |", "|---|---:|---:|---|"]
        lines += [f"| {name} | {n} | {t} | {r} |" for name, n, t, r in decisions]
        lines.append("")
    lines += degraded
    return "\n".join(lines)


def _tesseract_cli_version() -> str:
    """Version of the `tesseract` command the raw-CLI readers run (Debian's, not the wheel's)."""
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).split("\n", 1)[0].strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=16, help="pages in the throughput set")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the throughput test")
    parser.add_argument("--accuracy-pages", type=int, default=6, help="rendered pages per degradation")
    parser.add_argument("--citizen-pages", type=int, default=8, help="rendered citizen pages beside the real letters")
    parser.add_argument("--names", type=int, default=200, help="full names in the names test")
    parser.add_argument("--only-degraded", action="store_true",
                        help="only section 6 (real letters and degraded pages), written to --out")
    parser.add_argument("--fresh", action="store_true", help=f"ignore the cached readings in {READINGS}")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.fresh and READINGS.exists():
        shutil.rmtree(READINGS)
    truth_pages = citizen_pages(args.citizen_pages)
    if CORPUS.is_dir():
        truth_pages = danang_pages() + truth_pages
    else:
        print("../shared/corpus is absent: the real letters are skipped", flush=True)
    print("real letters and degraded pages ...", flush=True)
    degraded = degraded_report(degraded_accuracy(truth_pages))
    if args.only_degraded:
        text = "\n".join(["# OCR benchmark: real letters and degraded pages", "",
                          f"Produced by `{' '.join(['.venv/bin/python', 'bench/ocr_bench.py', *sys.argv[1:]])}` on "
                          f"{dt.date.today().isoformat()}, {CORES} CPU cores, in "
                          f"{(time.perf_counter() - started) / 60:.1f} min (readings cached in {READINGS}).", "",
                          *degraded])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(text)
        return 0
    typed_pages = clean_pages()
    pages = [page for _, page in typed_pages]
    with tempfile.TemporaryDirectory() as tmp:
        print("throughput ...", flush=True)
        speed = throughput(pages, args.pages, args.rounds, Path(tmp))
        print("text layer ...", flush=True)
        layer_rows = text_layer_speed(typed_pages, Path(tmp))
    print("accuracy ...", flush=True)
    acc = accuracy(pages, args.accuracy_pages)
    print("names ...", flush=True)
    name_result = names(args.names)
    corpus_rows = decisions = None
    if CORPUS.is_dir():
        print("corpus ...", flush=True)
        corpus_rows, decisions = corpus_ground_truth(), text_layer_decisions()
    else:
        print("../shared/corpus is absent: corpus files skipped", flush=True)
    text = report(args, min(args.accuracy_pages, len(pages)), speed, layer_rows, acc, name_result, corpus_rows,
                  decisions, time.perf_counter() - started, degraded)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

