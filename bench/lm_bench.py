"""Benchmark of the Vietnamese post-OCR corrector (pipeline/stages/vietnamese/lm.py): what it gains, what it costs.

    .venv/bin/python bench/lm_bench.py [--pages 6] [--calibrate] [--out bench/results/lm.md]

Needs ../shared/corpus (the texts the model was NOT built from) and writes bench/results/lm.md.

1. Pages: the texts tools/build_syllable_lm.py holds out of the model (Luật Cư trú 68/2020 and a
   fifth of the citizen forms), laid out on A4 pages at 200 dpi with DejaVu Serif or Sans 11 pt
   (headings in capitals set bold), so every printed line is known exactly. Pages are numbered
   within each text; even pages are for calibration (`--calibrate`), odd pages for the report, so
   the settings are never chosen on the pages they are judged on.
2. Degradations: clean, blur, uneven light, JPEG, low resolution (100 dpi), fax-like 1-bit.
3. OCR: tesserocr in-process (the bundled Tesseract), `vie`, one thread (OMP_THREAD_LIMIT=1),
   read twice: plainly, and with `lstm_choice_mode=2` for the per-symbol LSTM alternatives
   (`word_tokens` below is the recipe). Readings are cached in the temp folder by image hash, so a
   rerun only pays for the correction.
4. Scores against the printed lines, before and after correction: word F1 (bag of words, as
   bench/ocr_bench.py), WER (word edit distance over words, punctuation ignored) and CER
   (characters, spaces squashed). Each change is classed by aligning the words with the truth:
   fixed (now right), broken (was right), or wrong either way.
5. Cost: ms of correction per page (model loaded), and ms of OCR per page with and without the
   LSTM alternatives, timed apart on the blurred report pages in interleaved rounds.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import io
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"  # before tesserocr loads: measured 5.8x slower on 2 cores without it

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline.stages.vietnamese import lm  # noqa: E402
from pipeline.textnorm import nfc, words  # noqa: E402
from tools.build_syllable_lm import Text, held_out_texts, strip_markup  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "bench" / "results" / "lm.md"
CACHE = Path(tempfile.gettempdir()) / "dossier-lm-bench"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
DPI = 200
PAGE_PX = (1654, 2339)  # A4 at 200 dpi
MARGIN_PX = 160
FONT_PT = 10
TESSDATA = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata")


# --- pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str  # source text and page number
    lines: tuple[str, ...]  # the printed lines: the ground truth
    image: Image.Image = field(compare=False, repr=False)


def _font(bold: bool, serif: bool) -> ImageFont.FreeTypeFont:
    name = ("DejaVuSerif" if serif else "DejaVuSans") + ("-Bold" if bold else "") + ".ttf"
    return ImageFont.truetype(str(FONTS / name), round(FONT_PT / 72 * DPI))


def paragraphs(text: Text) -> list[str]:
    """The printable lines of a held-out text: markdown, footnote marks and tabs out."""
    out = []
    for raw in strip_markup(text.text).replace("|", " ").splitlines():
        line = " ".join(raw.replace("**", "").lstrip("#> ").split())
        if line and not line.startswith("---"):
            out.append(line)
    return out


def layout(text: Text, *, serif: bool) -> list[Page]:
    """Lay a text out on A4 pages, wrapping at the margin; capitals-only lines are set bold."""
    body, bold = _font(False, serif), _font(True, serif)
    width = PAGE_PX[0] - 2 * MARGIN_PX
    step = round(body.size * 1.45)
    per_page = (PAGE_PX[1] - 2 * MARGIN_PX) // step
    printed: list[tuple[str, bool]] = []
    for paragraph in paragraphs(text):
        heading = paragraph.isupper()
        font = bold if heading else body
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}".strip()
            if current and font.getlength(trial) > width:
                printed.append((current, heading))
                current = word
            else:
                current = trial
        printed.append((current, heading))
    pages = []
    short = text.name.rsplit("/", 1)[-1]
    for number, start in enumerate(range(0, len(printed), per_page)):
        chunk = printed[start:start + per_page]
        image = Image.new("L", PAGE_PX, 255)
        draw = ImageDraw.Draw(image)
        for row, (line, heading) in enumerate(chunk):
            draw.text((MARGIN_PX, MARGIN_PX + row * step), line, font=bold if heading else body, fill=0)
        image.info["dpi"] = (DPI, DPI)
        pages.append(Page(f"{short} p{number + 1}", tuple(line for line, _ in chunk), image))
    return pages


def bench_pages(corpus: Path, count: int, *, calibration: bool) -> list[Page]:
    """`count` pages of the held-out texts, two law pages for each form page, spread evenly: the
    law's even pages (0, 2, ...) and the even-numbered held-out forms for calibration, the odd ones
    for the report. Form pages with fewer than 60 words (a signature block) are skipped."""
    texts = held_out_texts(corpus)
    law, forms = texts[0], texts[1:]
    side = 0 if calibration else 1
    law_pages = [p for i, p in enumerate(layout(law, serif=True)) if i % 2 == side]
    form_pages = [p for n, t in enumerate(forms) if n % 2 == side for p in layout(t, serif=n % 4 < 2)
                  if len(words(" ".join(p.lines))) >= 60]
    n_law = min(len(law_pages), math.ceil(count * 2 / 3))
    n_form = min(len(form_pages), count - n_law)
    return _spread(law_pages, n_law) + _spread(form_pages, n_form)


def _spread(items: list[Page], n: int) -> list[Page]:
    if n <= 0:
        return []
    stride = len(items) / n
    return [items[int(i * stride)] for i in range(n)]


# --- degradations ------------------------------------------------------------------------------


def _noise(image: Image.Image, sigma: float, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, sigma, (image.height, image.width))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")


def blur(image: Image.Image, seed: int) -> tuple[Image.Image, int]:
    return image.filter(ImageFilter.GaussianBlur(2.2)), DPI


def uneven_light(image: Image.Image, seed: int) -> tuple[Image.Image, int]:
    """A lamp off to one side: light falls to 40% in the far corner, the paper shows grain."""
    h, w = image.height, image.width
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.6 * np.clip((xx / w + yy / h) / 2, 0, 1) ** 1.5
    pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float32) * light
    return _noise(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L"), 6, seed), DPI


def jpeg(image: Image.Image, seed: int) -> tuple[Image.Image, int]:
    """A mail-sized scan: 150 dpi, sensor noise, JPEG quality 8."""
    small = image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.Resampling.BOX)
    buffer = io.BytesIO()
    _noise(small, 10, seed).save(buffer, "JPEG", quality=8)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L"), DPI * 3 // 4


def low_resolution(image: Image.Image, seed: int) -> tuple[Image.Image, int]:
    """80 dpi, as a thumbnail or a phone screenshot of a page."""
    return image.resize((image.width * 2 // 5, image.height * 2 // 5), Image.Resampling.BOX), DPI * 2 // 5


def fax(image: Image.Image, seed: int) -> tuple[Image.Image, int]:
    """Fax fine mode: 200 x 100 dpi, 1 bit with a fixed threshold, speckle, printed back at 200 dpi."""
    half = image.resize((image.width, image.height // 2), Image.Resampling.BOX)
    noisy = np.asarray(_noise(half, 20, seed))
    bits = noisy > 150
    rng = np.random.default_rng(seed + 1)
    bits ^= rng.random(bits.shape) < 0.002
    one_bit = Image.fromarray((bits * 255).astype(np.uint8), "L").convert("1")
    return one_bit.resize((image.width, image.height), Image.Resampling.NEAREST).convert("L"), DPI


DEGRADATIONS: dict[str, Callable[[Image.Image, int], tuple[Image.Image, int]]] = {
    "clean": lambda image, seed: (image, DPI),
    "blur": blur,
    "uneven light": uneven_light,
    "JPEG (150 dpi, q8)": jpeg,
    "low resolution (80 dpi)": low_resolution,
    "fax 1-bit": fax,
}


# --- OCR ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrWord:
    text: str
    confidence: float
    choices: tuple[tuple[tuple[str, float], ...], ...] = ()  # per symbol: (symbol, rating), chosen first


@dataclass(frozen=True)
class OcrReading:
    lines: tuple[tuple[OcrWord, ...], ...]
    ms: float


def word_tokens(api, *, with_choices: bool) -> list[list[OcrWord]]:
    """The recipe for Tesseract's alternatives through tesserocr: after
    `api.SetVariable("lstm_choice_mode", "2")` and `api.Recognize()`, walk the words with
    `iterate_level(api.GetIterator(), RIL.WORD)`; for each word `GetBestLSTMSymbolChoices()` gives
    one list per symbol of (symbol, rating), rating = summed -log P of the symbol's LSTM timesteps
    (lower is better; Tesseract's confidence is 100 - 5 * rating). The ChoiceIterator at
    RIL.SYMBOL holds the same symbols but gives every alternative a confidence of 0 (clipped), so
    it cannot rank them. Lines are cut where the iterator starts a new RIL.TEXTLINE."""
    from tesserocr import RIL, iterate_level

    lines: list[list[OcrWord]] = []
    for word in iterate_level(api.GetIterator(), RIL.WORD):
        try:
            text = word.GetUTF8Text(RIL.WORD)
        except RuntimeError:  # an empty region
            continue
        if not text or not text.strip():
            continue
        if not lines or word.IsAtBeginningOf(RIL.TEXTLINE):
            lines.append([])
        choices: tuple = ()
        if with_choices:
            found = word.GetBestLSTMSymbolChoices() or []
            choices = tuple(tuple((nfc(s), float(r)) for s, r in step) for step in found)
        lines[-1].append(OcrWord(nfc(text), float(word.Confidence(RIL.WORD)), choices))
    return lines


class Reader:
    """Two persistent engines: plain, and with the LSTM choices switched on."""

    def __init__(self) -> None:
        import tesserocr

        path = next(p for p in [os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA]
                    if p and Path(p, "vie.traineddata").exists())
        self.version = tesserocr.tesseract_version().split()[1]
        self._apis = {}
        for with_choices in (False, True):
            api = tesserocr.PyTessBaseAPI(path=path, lang="vie", psm=tesserocr.PSM.AUTO,
                                          oem=tesserocr.OEM.LSTM_ONLY)
            if with_choices:
                api.SetVariable("lstm_choice_mode", "2")
            self._apis[with_choices] = api

    def read(self, image: Image.Image, dpi: int, *, with_choices: bool, use_cache: bool) -> OcrReading:
        digest = hashlib.sha1(image.tobytes() + f"{image.size}{dpi}{with_choices}{self.version}".encode()).hexdigest()
        cached = CACHE / f"{digest}.json"
        if use_cache and cached.exists():
            return _reading_from_json(json.loads(cached.read_text(encoding="utf-8")))
        api = self._apis[with_choices]
        started = time.perf_counter()
        api.SetImage(image)
        api.SetSourceResolution(dpi)
        api.Recognize()
        lines = word_tokens(api, with_choices=with_choices)
        ms = (time.perf_counter() - started) * 1000
        api.Clear()
        reading = OcrReading(tuple(tuple(line) for line in lines), ms)
        CACHE.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(dataclasses.asdict(reading), ensure_ascii=False), encoding="utf-8")
        return reading


def _reading_from_json(data: dict) -> OcrReading:
    lines = tuple(tuple(OcrWord(w["text"], w["confidence"], tuple(tuple((s, r) for s, r in step)
                                                                      for step in w["choices"]))
                        for w in line) for line in data["lines"])
    return OcrReading(lines, data["ms"])


def as_tokens(reading: OcrReading, *, alternatives: bool) -> list[list[lm.OcrToken]]:
    return [[lm.OcrToken(w.text, w.confidence,
                         lm.lstm_alternatives(w.text, w.confidence, w.choices) if alternatives else ())
             for w in line] for line in reading.lines]


# --- scores ------------------------------------------------------------------------------------


def page_text(lines: Sequence[Sequence[lm.OcrToken]]) -> str:
    return "\n".join(" ".join(t.text for t in line) for line in lines)


def cer(found: str, truth: str) -> float:
    """Character error rate over the words only: the dot leaders of blank forms ("........") are
    read with more or fewer dots, which would swamp what the corrector can change."""
    a, b = " ".join(words(found)), " ".join(words(truth))
    return Levenshtein.distance(a, b) / max(1, len(b))


def word_errors(found: str, truth: str) -> tuple[int, int]:
    """(word edits, words in the truth)."""
    a, b = words(found), words(truth)
    return Levenshtein.distance(a, b), len(b)


def word_f1(found: str, truth: str) -> float:
    a, b = Counter(words(found)), Counter(words(truth))
    hits = sum((a & b).values())
    if not hits:
        return 0.0
    precision, recall = hits / sum(a.values()), hits / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def classify_changes(before: Sequence[Sequence[lm.OcrToken]], changes: Sequence[lm.Change],
                     truth: str) -> Counter[str]:
    """fixed / broken / still wrong, by aligning the words read with the printed ones."""
    read: list[str] = []
    where: dict[tuple[int, int], int] = {}
    for line_no, line in enumerate(before):
        for position, token in enumerate(line):
            found = words(token.text)
            if len(found) == 1:
                where[(line_no, position)] = len(read)
            read.extend(found)
    printed = words(truth)
    aligned: dict[int, int] = {}
    for op in Levenshtein.opcodes(read, printed):
        if op.tag in ("equal", "replace") and op.src_end - op.src_start == op.dest_end - op.dest_start:
            for k in range(op.src_end - op.src_start):
                aligned[op.src_start + k] = op.dest_start + k
    outcome: Counter[str] = Counter()
    for change in changes:
        i = where.get((change.line, change.position))
        j = aligned.get(i) if i is not None else None
        after = words(change.after)
        if j is None or len(after) != 1:
            outcome["unaligned"] += 1
        elif printed[j] == after[0]:
            outcome["fixed"] += 1
        elif printed[j] == read[i]:
            outcome["broken"] += 1
        else:
            outcome["still wrong"] += 1
    return outcome


@dataclass
class Tally:
    pages: int = 0
    f1_before: list[float] = field(default_factory=list)
    f1_after: list[float] = field(default_factory=list)
    cer_before: list[float] = field(default_factory=list)
    cer_after: list[float] = field(default_factory=list)
    edits_before: int = 0
    edits_after: int = 0
    truth_words: int = 0
    outcome: Counter[str] = field(default_factory=Counter)
    correct_ms: list[float] = field(default_factory=list)
    ocr_ms: list[float] = field(default_factory=list)
    valid_before: list[float] = field(default_factory=list)  # per page: PageSummary of the reading as read
    logprob_before: list[float] = field(default_factory=list)
    changes_per_word: list[float] = field(default_factory=list)
    wer_before: list[float] = field(default_factory=list)  # per page, for the correlations

    def add(self, truth: str, before: list[list[lm.OcrToken]], result: lm.PageCorrection, ms: float,
            ocr_ms: float) -> None:
        old, new = page_text(before), page_text(result.lines)
        self.pages += 1
        self.f1_before.append(word_f1(old, truth))
        self.f1_after.append(word_f1(new, truth))
        self.cer_before.append(cer(old, truth))
        self.cer_after.append(cer(new, truth))
        edits_old, n = word_errors(old, truth)
        self.edits_before += edits_old
        self.edits_after += word_errors(new, truth)[0]
        self.truth_words += n
        self.outcome.update(classify_changes(before, result.changes, truth))
        self.correct_ms.append(ms)
        self.ocr_ms.append(ocr_ms)
        as_read = lm.page_summary(before)
        self.valid_before.append(as_read.valid_share)
        self.logprob_before.append(as_read.logprob_per_word)
        self.changes_per_word.append(result.summary.changes / max(1, result.summary.words))
        self.wer_before.append(edits_old / max(1, n))


def evaluate(readings: Sequence[tuple[str, str, OcrReading]], settings: lm.CorrectorSettings, *,
             alternatives: bool) -> dict[str, Tally]:
    """Correct every (degradation, truth, reading) and tally the scores per degradation."""
    model = lm.load_model()
    tallies: dict[str, Tally] = {}
    for degradation, truth, reading in readings:
        before = as_tokens(reading, alternatives=alternatives)
        started = time.perf_counter()
        result = lm.correct_page(before, model=model, settings=settings)
        ms = (time.perf_counter() - started) * 1000
        tallies.setdefault(degradation, Tally()).add(truth, before, result, ms, reading.ms)
    return tallies


def net_gain(tallies: dict[str, Tally]) -> int:
    """Word edits saved, a broken word (right as read, wrong after) counted three times: the
    corrector is meant to be conservative, and a regression costs a user more than a miss."""
    saved = sum(t.edits_before - t.edits_after for t in tallies.values())
    return saved - BROKEN_PENALTY * sum(t.outcome["broken"] for t in tallies.values())


# --- calibration -------------------------------------------------------------------------------

BROKEN_PENALTY = 2
# sure_confidence starts at 93: a known syllable read that surely stays whatever the search says.
GRID: dict[str, tuple[float, ...]] = {
    "change_cost": (0.0, 0.5, 1.0, 2.0, 3.0),
    "confidence_cost": (0.0, 1.0, 2.0, 4.0, 6.0),
    "mark_cost": (0.25, 0.5, 1.0, 2.0),
    "margin": (1.0, 1.5, 2.0, 3.0),
    "invalid_bonus": (0.0, 1.0, 2.0, 4.0),
    "unknown_bonus": (0.0, 1.0, 2.0),
    "confusion_cost": (1.5, 2.5, 4.0),
    "edit_cost": (2.0, 3.0, 4.0, 6.0),
    "alternative_cost": (0.0, 1.0, 2.0),
    "sure_confidence": (93.0, 96.0, 98.0),
}


def calibrate(readings: Sequence[tuple[str, str, OcrReading]], *,
              alternatives: bool) -> tuple[lm.CorrectorSettings, list[str]]:
    """Coordinate search over GRID, two passes, from the module's defaults, maximising
    `net_gain` on the calibration pages (ties keep the earlier value)."""
    settings = lm.DEFAULT_SETTINGS
    log = []
    best = net_gain(evaluate(readings, settings, alternatives=alternatives))
    log.append(f"start {best}")
    for _ in range(2):
        for name, values in GRID.items():
            for value in values:
                trial = dataclasses.replace(settings, **{name: value})
                gain = net_gain(evaluate(readings, trial, alternatives=alternatives))
                if gain > best:
                    best, settings = gain, trial
                    log.append(f"{name}={value}: {gain}")
    return settings, log


# --- report ------------------------------------------------------------------------------------


def read_all(reader: Reader, pages: Sequence[Page], *, with_choices: bool,
             use_cache: bool) -> list[tuple[str, str, OcrReading]]:
    out = []
    for n, page in enumerate(pages):
        for k, (name, degrade) in enumerate(DEGRADATIONS.items()):
            image, dpi = degrade(page.image, 1000 * n + k)
            reading = reader.read(image, dpi, with_choices=with_choices, use_cache=use_cache)
            out.append((name, "\n".join(page.lines), reading))
        print(f"  {page.name}: read", flush=True)
    return out


def time_choices(reader: Reader, pages: Sequence[Page], *, rounds: int) -> tuple[float, float]:
    """Median ms/page of OCR without and with the LSTM choices, plain and choices taking turns on
    the same images so that a busy neighbour slows both alike."""
    times: dict[bool, list[float]] = {False: [], True: []}
    images = [blur(page.image, 0)[0] for page in pages]
    for r in range(rounds):
        for image in images:
            for with_choices in ((False, True) if r % 2 == 0 else (True, False)):
                times[with_choices].append(reader.read(image, DPI, with_choices=with_choices, use_cache=False).ms)
    return statistics.median(times[False]), statistics.median(times[True])


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    ranks_a = np.argsort(np.argsort(a, kind="stable"), kind="stable")
    ranks_b = np.argsort(np.argsort(b, kind="stable"), kind="stable")
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1])


def within_page(tallies: dict[str, Tally], measure: str) -> float:
    """Mean over the pages of the rank correlation between `measure` and the WER across the
    readings of one page (every tally holds one value per page, in page order)."""
    pages = len(next(iter(tallies.values())).wer_before)
    found = [spearman([getattr(t, measure)[k] for t in tallies.values()], [t.wer_before[k] for t in tallies.values()])
             for k in range(pages)]
    return float(np.nanmean(found))


def table(tallies: dict[str, Tally]) -> list[str]:
    rows = ["| degradation | pages | word F1 before | after | WER before | after | CER before | after "
            "| changes | fixed | broken | still wrong | ms/page correction |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    total = Tally()
    for name, t in tallies.items():
        rows.append(_row(name, t))
        for f in dataclasses.fields(Tally):
            value = getattr(t, f.name)
            setattr(total, f.name, getattr(total, f.name) + value)
    rows.append(_row("**all**", total))
    return rows


def _row(name: str, t: Tally) -> str:
    changes = sum(t.outcome.values())
    return (f"| {name} | {t.pages} | {statistics.mean(t.f1_before):.3f} | {statistics.mean(t.f1_after):.3f} | "
            f"{t.edits_before / t.truth_words:.2%} | {t.edits_after / t.truth_words:.2%} | "
            f"{statistics.mean(t.cer_before):.2%} | {statistics.mean(t.cer_after):.2%} | {changes} | "
            f"{t.outcome['fixed']} | {t.outcome['broken']} | {t.outcome['still wrong'] + t.outcome['unaligned']} | "
            f"{statistics.median(t.correct_ms):.0f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6, help="pages in the report (as many again to calibrate)")
    parser.add_argument("--calibrate", action="store_true", help="search the settings on the calibration pages")
    parser.add_argument("--no-cache", action="store_true", help="OCR again even where a cached reading exists")
    parser.add_argument("--timing-rounds", type=int, default=2, help="rounds of the OCR cost comparison")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent: the benchmark needs the held-out texts of the development corpus", file=sys.stderr)
        return 2
    started = time.perf_counter()
    use_cache = not args.no_cache
    load_started = time.perf_counter()
    lm.load_model.cache_clear()
    lm.load_model()
    load_ms = (time.perf_counter() - load_started) * 1000
    reader = Reader()
    sections: list[str] = []
    settings = {False: lm.DEFAULT_SETTINGS, True: lm.DEFAULT_SETTINGS}
    if args.calibrate:
        print("calibration pages ...", flush=True)
        calibration_pages = bench_pages(CORPUS, args.pages, calibration=True)
        sections += ["## Calibration", "",
                     f"On other held-out pages ({', '.join(p.name for p in calibration_pages)}), coordinate search "
                     "from the module's defaults over `GRID`; the figure is the net number of word edits saved, a "
                     f"broken word counted {1 + BROKEN_PENALTY} times.", ""]
        for alternatives in (False, True):
            readings = read_all(reader, calibration_pages, with_choices=alternatives, use_cache=use_cache)
            found, log = calibrate(readings, alternatives=alternatives)
            settings[alternatives] = found
            sections += [f"Calibration {'with' if alternatives else 'without'} LSTM alternatives on "
                         f"{len(calibration_pages)} pages x {len(DEGRADATIONS)} degradations: " + "; ".join(log),
                         "", f"`{found}`", ""]
            print("\n".join(sections[-3:]), flush=True)
    print("report pages ...", flush=True)
    pages = bench_pages(CORPUS, args.pages, calibration=False)
    plain = read_all(reader, pages, with_choices=False, use_cache=use_cache)
    chosen = read_all(reader, pages, with_choices=True, use_cache=use_cache)
    without = evaluate(plain, settings[False], alternatives=False)
    with_alternatives = evaluate(chosen, settings[True], alternatives=True)
    same_text = sum(page_text(as_tokens(a, alternatives=False)) == page_text(as_tokens(b, alternatives=False))
                    for (_, _, a), (_, _, b) in zip(plain, chosen))
    print("timing the alternatives ...", flush=True)
    ocr_plain, ocr_choices = time_choices(reader, pages, rounds=args.timing_rounds)
    quality = [(statistics.mean(t.valid_before), statistics.mean(t.logprob_before),
                statistics.mean(t.changes_per_word), t.edits_before / t.truth_words) for t in without.values()]
    per_page = {name: [x for t in without.values() for x in getattr(t, name)]
                for name in ("valid_before", "logprob_before", "changes_per_word", "wer_before")}
    lines = [
        "# Vietnamese post-OCR correction: benchmark results",
        "",
        f"Produced by `{' '.join(['.venv/bin/python', 'bench/lm_bench.py', *sys.argv[1:]])}` "
        f"on {dt.date.today().isoformat()}, {os.cpu_count()} CPU cores ({platform.machine()}), "
        f"in {(time.perf_counter() - started) / 60:.1f} min. Tesseract {reader.version} (tesserocr, `vie`, "
        "one thread). Model: `pipeline/data/vi_syllable_lm.tsv.gz`, loaded in "
        f"{load_ms:.0f} ms.",
        "",
        f"Pages: {len(pages)} pages the model was not built from ({', '.join(p.name for p in pages)}), "
        f"rendered at {DPI} dpi, each read under {len(DEGRADATIONS)} degradations. WER and CER are "
        "totals over the pages; word F1 is the mean per page. A change is *fixed* when the word is now "
        "the printed one, *broken* when it was the printed one before.",
        "",
        "## Engine confidences only",
        "",
        f"Settings: `{settings[False]}`",
        "",
        *table(without),
        "",
        "## With Tesseract's LSTM alternatives (lstm_choice_mode=2)",
        "",
        f"Settings: `{settings[True]}`",
        "",
        *table(with_alternatives),
        "",
        f"OCR cost of the alternatives, timed apart ({len(pages)} blurred pages, {args.timing_rounds} interleaved "
        f"rounds, uncached, one thread): median {ocr_plain:.0f} ms/page plain, {ocr_choices:.0f} ms/page with "
        f"`lstm_choice_mode=2` ({ocr_choices / ocr_plain:.2f}x). The recognised text was identical on "
        f"{same_text} of {len(plain)} page images.",
        "",
        "## Page quality without ground truth",
        "",
        "What `page_summary` says of the reading as read (share of valid syllables among plain words, the "
        "model's ln P per word) and the share of words the corrector changed, against the true WER:",
        "",
        "| degradation | valid share | ln P per word | changes per word | WER |",
        "|---|---:|---:|---:|---:|",
        *[f"| {name} | {v:.3f} | {lp:.2f} | {c:.3f} | {w:.2%} |" for name, (v, lp, c, w) in zip(without, quality)],
        "",
        f"Rank correlation with the WER over the {len(per_page['wer_before'])} page images (Spearman; a good "
        "quality measure is strongly negative for the first two, positive for the third): valid share "
        f"{spearman(per_page['valid_before'], per_page['wer_before']):+.2f}, ln P per word "
        f"{spearman(per_page['logprob_before'], per_page['wer_before']):+.2f}, changes per word "
        f"{spearman(per_page['changes_per_word'], per_page['wer_before']):+.2f}. What a re-reading step needs is "
        f"to rank readings of one page: within each page (its {len(without)} readings), mean over the pages: valid "
        f"share {within_page(without, 'valid_before'):+.2f}, ln P per word {within_page(without, 'logprob_before'):+.2f}, "
        f"changes per word {within_page(without, 'changes_per_word'):+.2f}.",
        "",
        *sections,
    ]
    text = "\n".join(lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
