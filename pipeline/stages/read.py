"""Read: a page source → its text, from a trusted embedded text layer or by preprocessing and OCR.

A page rasterize judged to have a trusted text layer arrives without an image and is taken as
it is. Every other page is measured (`preprocess.analyse`), turned upright, deskewed, flattened
and enlarged as needed (`preprocess.prepare`), and read by the process's persistent engine.

Orientation costs as little as possible on the common upright page: Tesseract's OSD (0.2 s a
page here, a third of an OCR pass) runs only when the page's own measurements hint at a turned
page, and again when a page reads with a low mean confidence (an upside-down page reads at about
50, an upright scan at 90 or more): a turned page is then read again unturned, an unturned one
turned as OSD says, and the better reading kept.

Results are cached by the hash of the page image and everything that shapes the reading (engine
and its language data, languages, preprocessing parameters), so reprocessing a batch after a
classifier or extractor change does not OCR again. Word boxes are given on the page as
rasterized, whatever turn or enlargement the engine saw.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import time
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from pipeline.config import OcrSettings
from pipeline.domain import OcrResult, PageSource, PageText, Word
from pipeline.stages import preprocess
from pipeline.stages.engines.tesseract import (
    MIN_OSD_CONFIDENCE,
    OEM_LSTM,
    PSM_AUTO,
    PSM_BLOCK,
    EngineReading,
    OcrEngine,
    Orientation,
    tessdata_dir,
)
from pipeline.stages.vietnamese import lm
from pipeline.stages.vietnamese.syllables import is_valid_syllable
from pipeline.textnorm import nfc, word_matches

# Bump when the preprocessing, reading or post-correction code changes what a page reads as:
# cached results are keyed by it (numeric parameters are part of the key already, see
# `_settings_fingerprint`). 4: names from the engine's alternatives, bilingual labels left English.
# 5: a page the layout pass reads as nothing is read as one block; a turned page read badly is read
# turned the other way round too. 6: a page is deskewed as it will be read, upright (preprocess.prepare).
# 7: a fax page that reads poorly is read again smoothed.
PREPROCESS_VERSION = "7"
LOW_CONFIDENCE = 60.0  # a page read below this mean word confidence gets its orientation checked


class OcrCache(Protocol):
    def get(self, key: str) -> OcrResult | None: ...

    def put(self, key: str, result: OcrResult) -> None: ...


def cache_key(image: Image.Image, *, engine: OcrEngine, languages: str, dpi: int = 0, max_pixels: int = 0,
              correct: bool = False, reread: bool = False, variant: str = "") -> str:
    """`variant`: the name of a second way of reading the page ("without_leaders"), "" for the first."""
    digest = hashlib.sha256()
    digest.update(f"{image.mode}|{image.size}|{dpi}|{max_pixels}|{languages}|{engine.version}|"
                  f"{_language_data_stamp(languages)}|{_settings_fingerprint()}|".encode())
    digest.update(f"correct={correct}:{_model_stamp() if correct else ''}|reread={reread}|".encode())
    if variant:
        digest.update(f"variant={variant}|".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def read_page(source: PageSource, *, engine: OcrEngine, settings: OcrSettings, languages: str | None = None,
              cache: OcrCache | None = None, max_pixels: int = 0) -> PageText:
    """The page's text; `languages` overrides settings.languages (a document type's own)."""
    details: dict[str, Any] = dict(source.details)
    if source.image is None:
        if source.text_layer is None:
            raise ValueError(f"page {source.file_page} has neither a trusted text layer nor an image")
        return PageText(file_ordinal=source.file_ordinal, file_page=source.file_page, text=nfc(source.text_layer),
                        confidence=100.0, method="text_layer", words=list(source.layer_words), details=details)
    languages = languages or settings.languages
    key = cache_key(source.image, engine=engine, languages=languages, dpi=source.dpi, max_pixels=max_pixels,
                    correct=settings.correct, reread=settings.reread) if cache else ""
    result = cache.get(key) if cache else None
    cached = result is not None
    started = time.monotonic()
    if result is None:
        result = ocr_image(source.image, dpi=source.dpi, engine=engine, languages=languages,
                           timeout=settings.timeout_seconds, max_pixels=max_pixels, correct=settings.correct,
                           reread=settings.reread)
        if cache:
            cache.put(key, result)
    details.update(result.details)
    details["ocr"] = {"engine": engine.version, "languages": languages, "cached": cached,
                      "ms": round((time.monotonic() - started) * 1000)}
    return PageText(file_ordinal=source.file_ordinal, file_page=source.file_page, text=result.text,
                    confidence=result.confidence, method="ocr", words=list(result.words), details=details)


def ocr_image(image: Image.Image, *, dpi: int, engine: OcrEngine, languages: str, timeout: float,
              max_pixels: int = 0, correct: bool = False, reread: bool = False) -> OcrResult:
    """Preprocess and OCR one page image. Word boxes are on `image`; `details` records the
    measurements, each preprocessing step with its parameters, the orientation decision, and,
    when asked, the re-reading of a poor page and the post-correction of Vietnamese."""
    vietnamese = "vie" in languages.split("+")
    correct = correct and vietnamese
    read_options = {"languages": languages, "timeout": timeout, "alternatives": correct}
    layout = preprocess.analyse(image)
    rotation, orientation = _orientation(engine, image, layout)
    prepared = preprocess.prepare(image, dpi=dpi, rotation=rotation, max_pixels=max_pixels,
                                  layout=None if rotation else layout)
    result, block = _layout_or_block_reading(engine, prepared, read_options)
    # A turned page that reads as nothing is read in the other orientations too: an ID card copy's
    # hint can be wrong.
    if result.confidence < LOW_CONFIDENCE and (result.words or rotation):
        others = _other_orientations(engine, prepared.image, rotation, orientation, result.confidence)
        for alternative, key in zip(others, ("second_reading", "third_reading")):
            turned = preprocess.prepare(image, dpi=dpi, rotation=alternative, max_pixels=max_pixels)
            second, second_block = _layout_or_block_reading(engine, turned, read_options)
            orientation[key] = {"rotation": alternative, "confidence": round(second.confidence, 1)}
            if second.confidence > result.confidence:
                rotation, prepared, result, block = alternative, turned, second, second_block
            if result.confidence >= LOW_CONFIDENCE:
                break
    orientation["applied"] = rotation
    details: dict[str, Any] = {"block": block} if block else {}
    if reread and vietnamese:
        prepared, result, details["reread"] = _reread(engine, image, prepared, result, read_options)
    result, words = _corrected_on_source(result, prepared, correct, details)
    details = {"preprocess": {"measured": layout.as_details(), "steps": prepared.steps, "dpi": prepared.dpi},
               "orientation": orientation, **details}
    return OcrResult(text=result.text, confidence=result.confidence, words=words, details=details)


# --- a page read without its dotted fill-in lines ----------------------------------------------
# A value handwritten on a form's dotted line is read with the dots as noise ("..... Z9 139 040 Z65")
# and often its line's label with it, so no crop of it is read again (`extract.reread` needs the
# label). On the development half's dotted forms the whole page read with its dots painted out held
# 11 of 36 birth dates and 13 of 30 IDs against 4 and 5 with them; but a page reading replaced moves
# every field (kept by score, it lost 19 values for 27). So this reading is a second one, asked for by
# the processing step only for a document missing a value, which takes from it only what is missing
# and confirmed (`extract.missing_from`).
#
# The third: the page read as one block of lines (psm 6), its dots painted out when it has any.
# Tesseract's layout pass can skip whole lines that are there: a form's body under a stamp on a phone
# photo, four lines of handwritten values over dots on a JPEG scan (the title, the lines above and
# below read; the name, birth date and ID lines gone, in either of the first two readings). Read as one
# block, no line is skipped. Asked for only when a value is still missing after the second reading.

WITHOUT_LEADERS = "without_leaders"
LEADER_DOT_SHARE = 0.2  # a leader's dot is at most this share of the page's text line height
MIN_DOT = 3.0  # px: the smallest `max_dot` (a page whose line height was not measured)


def read_without_leaders(source: PageSource, page: PageText, *, engine: OcrEngine, settings: OcrSettings,
                         cache: OcrCache | None = None, max_pixels: int = 0) -> PageText | None:
    """The page read again with its dotted fill-in lines painted out, turned as its first reading
    (`page`) was turned and in its languages; None when it shows no dotted line (or has no image)."""
    return _read_once_more(source, page, engine=engine, settings=settings, cache=cache, max_pixels=max_pixels,
                           as_block=False)


def read_as_block(source: PageSource, page: PageText, *, engine: OcrEngine, settings: OcrSettings,
                  cache: OcrCache | None = None, max_pixels: int = 0) -> PageText | None:
    """The page read again as one block of lines, its dotted fill-in lines painted out if it has any,
    turned as its first reading (`page`) was turned and in its languages; None when it has no image."""
    return _read_once_more(source, page, engine=engine, settings=settings, cache=cache, max_pixels=max_pixels,
                           as_block=True)


def _read_once_more(source: PageSource, page: PageText, *, engine: OcrEngine, settings: OcrSettings,
                    cache: OcrCache | None, max_pixels: int, as_block: bool) -> PageText | None:
    if source.image is None:
        return None
    languages = page.details.get("ocr", {}).get("languages") or settings.languages
    rotation = page.details.get("orientation", {}).get("applied", 0)
    variant = f"{WITHOUT_LEADERS}:{rotation}" + (":block" if as_block else "")
    key = cache_key(source.image, engine=engine, languages=languages, dpi=source.dpi, max_pixels=max_pixels,
                    correct=settings.correct, variant=variant) if cache else ""
    result = cache.get(key) if cache else None
    if result is None:
        result = _ocr_without_leaders(source.image, dpi=source.dpi, rotation=rotation, engine=engine,
                                      languages=languages, timeout=settings.timeout_seconds, max_pixels=max_pixels,
                                      correct=settings.correct, as_block=as_block)
        if cache:  # a page without dotted lines is cached too, as an empty reading that says so
            cache.put(key, result)
    if not as_block and not result.details.get(WITHOUT_LEADERS, {}).get("dots"):
        return None
    details = {**page.details, **result.details}
    return PageText(file_ordinal=source.file_ordinal, file_page=source.file_page, text=result.text,
                    confidence=result.confidence, method="ocr", words=list(result.words), details=details)


def _ocr_without_leaders(image: Image.Image, *, dpi: int, rotation: int, engine: OcrEngine, languages: str,
                         timeout: float, max_pixels: int, correct: bool, as_block: bool) -> OcrResult:
    """The page prepared as for its first reading, its dotted lines painted out, read by the layout pass;
    or, `as_block`, read as one block of lines whether it shows dotted lines or not."""
    layout = None if rotation else preprocess.analyse(image)
    prepared = preprocess.prepare(image, dpi=dpi, rotation=rotation, max_pixels=max_pixels, layout=layout)
    if layout is None:  # a turned page's lines are measured upright, on the image the engine reads
        line_height = preprocess.analyse(prepared.image, upright=True).line_height
    else:  # measured on the page as rasterized: enlarged with it
        line_height = layout.line_height * math.prod(
            step.get("factor", 1.0) for step in prepared.steps if step["step"] == "upscale")
    max_dot = max(MIN_DOT, LEADER_DOT_SHARE * line_height)
    undotted = preprocess.without_leaders(prepared.image, max_dot)
    record: dict[str, Any] = {"max_dot": round(max_dot, 1), "dots": undotted is not None}
    if as_block:
        record["psm"] = PSM_BLOCK
    elif undotted is None:
        return OcrResult(text="", confidence=0.0, words=[], details={WITHOUT_LEADERS: record})
    correct = correct and "vie" in languages.split("+")
    result = engine.recognize(prepared.image if undotted is None else undotted, dpi=prepared.dpi,
                              languages=languages, timeout=timeout, alternatives=correct,
                              psm=PSM_BLOCK if as_block else PSM_AUTO)
    result, words = _corrected_on_source(result, prepared, correct, record)
    return OcrResult(text=result.text, confidence=result.confidence, words=words, details={WITHOUT_LEADERS: record})


def _corrected_on_source(result: OcrResult, prepared: preprocess.Prepared, correct: bool,
                         details: dict[str, Any]) -> tuple[OcrResult, list[Word]]:
    """The reading of `prepared`, its Vietnamese post-corrected when `correct` (the changes recorded in
    `details["correction"]`), and its words with their boxes on the page as rasterized."""
    if correct and isinstance(result, EngineReading) and result.lines:
        result, details["correction"] = _correct(result)
    return result, [Word(w.text, w.confidence, *prepared.box_to_source(w.left, w.top, w.width, w.height))
                    for w in result.words]


# --- a page the layout pass reads as nothing ---------------------------------------------------
# Tesseract's page layout analysis can find no text block at all on a page that holds text: values
# handwritten on tight dotted fill-in lines (tests/test_read.py renders one) read as nothing, a failed
# batch; read as one block of lines, they read. (The development half's ID card copy that read as
# nothing was lying turned the wrong way: `_other_orientations` reads it.) A block reading is kept
# only when it reads as text: noise read as a block is hundreds of words at a mean confidence near 15,
# under half of them syllables, which the page's dossier must not file as a document.

BLOCK_MIN_CONFIDENCE = 30.0
BLOCK_MIN_VALID_SHARE = 0.6


def _layout_or_block_reading(engine: OcrEngine, prepared: preprocess.Prepared,
                             read_options: dict[str, Any]) -> tuple[OcrResult, dict[str, Any] | None]:
    """The page read by the layout pass; when that reads nothing, as one block if that reads as text.
    The second item records the block reading (None when none was tried)."""
    reading = engine.recognize(prepared.image, dpi=prepared.dpi, **read_options)
    if reading.words:
        return reading, None
    block = engine.recognize(prepared.image, dpi=prepared.dpi, psm=PSM_BLOCK, **read_options)
    quality = reading_quality(block)
    kept = quality["confidence"] >= BLOCK_MIN_CONFIDENCE and quality["valid_share"] >= BLOCK_MIN_VALID_SHARE
    return (block if kept else reading), {"psm": PSM_BLOCK, **quality, "kept": kept}


# --- re-reading a poor page -------------------------------------------------------------------
# A page is read again from a variant of its prepared image when it shows a fault a variant helps:
# blur (its ink edges are soft, see `preprocess.edge_sharpness`) is sharpened; a poor reading
# (low mean confidence or few valid syllables) of a page with dark bands along its edges is read
# with the bands painted white, and one of a page of black and white only (a fax) smoothed. The
# reading kept is the one with the highest `reading_score`, which needs no ground truth. Measured
# on rendered pages under blur, uneven light, a lid border, fax and phone photos
# (bench/results/ocr.md), sharpening raised word F1 on every blurred page and the score chose it
# each time; 2x upscaling, local (Sauvola) binarisation, another page segmentation mode (psm 6) and
# a page's ink alone never helped (upscaling and binarisation hurt; the ink alone, chosen by the
# score, lost 4 IDs and 2 birth dates of the development half), so they are not tried.

POOR_CONFIDENCE = 85.0  # mean word confidence below this: a poor reading
POOR_VALID_SHARE = 0.85  # share of plain words that are valid syllables below this: the same
BLURRED = 0.33  # edge sharpness below this: a blurred page
# A variant must beat the first reading's score by this share to be kept: sharpening won by 1.9 to
# 6 % on blurred pages; a near tie (an ID card copy with its border painted won by 1.1 % while
# reading worse) keeps the reading with fewer transformations.
MIN_GAIN = 0.015


def reading_quality(result: OcrResult) -> dict[str, float]:
    """Figures of a reading that need no ground truth: mean confidence, the share of its plain
    words (letters only) that are valid Vietnamese syllables, and the score readings of one page
    are ranked by: each word's confidence (0..1) counted for it when it is a valid syllable or
    holds a digit, against it when it is neither. A variant that reads more of the page right
    scores more; one that turns words into fragments, or drops text, scores less."""
    score = 0.0
    plain = valid = 0
    for word in result.words:
        cores = [m.group() for m in word_matches(word.text)]
        if not cores:
            continue
        weight = word.confidence / 100.0
        good = all(any(ch.isdigit() for ch in c) or is_valid_syllable(c) for c in cores)
        if len(cores) == 1 and cores[0].isalpha():
            plain += 1
            valid += good
        score += weight if good else -weight
    return {"confidence": round(result.confidence, 1), "valid_share": round(valid / plain, 3) if plain else 0.0,
            "words": len(result.words), "score": round(score, 2)}


def _is_poor(quality: dict[str, float]) -> bool:
    return quality["words"] > 0 and (quality["confidence"] < POOR_CONFIDENCE
                                     or quality["valid_share"] < POOR_VALID_SHARE)


def _faults(image: Image.Image, first: dict[str, float]) -> dict[str, Any]:
    """The faults of a page a variant may help, from the page as rasterized (sharpness is measured
    before any enlargement softens it) and its first reading."""
    faults: dict[str, Any] = {}
    if not first["words"]:
        return faults  # nothing read: a blank page, or one the engine cannot read; no variant invents text
    sharpness = preprocess.edge_sharpness(image)
    faults["sharpness"] = sharpness
    if sharpness is None or sharpness < BLURRED:
        faults["blurred"] = True
    if _is_poor(first):
        faults["poor"] = True
        if preprocess.is_bilevel(image):
            faults["bilevel"] = True
    return faults


def _variants(prepared: preprocess.Prepared, faults: dict[str, Any]) -> list[tuple[str, Any]]:
    """(name, how to make it) for the variants that help this page's faults."""
    image = prepared.image
    found: list[tuple[str, Any]] = []
    if faults.get("blurred"):
        found.append(("sharpen", lambda: preprocess.sharpened(image)))
    if faults.get("poor"):
        found.append(("border", lambda: preprocess.without_border(image)))
    if faults.get("bilevel"):
        found.append(("smooth", lambda: preprocess.smoothed(image)))
    return found


def _reread(engine: OcrEngine, image: Image.Image, prepared: preprocess.Prepared, result: OcrResult,
            read_options: dict[str, Any]) -> tuple[preprocess.Prepared, OcrResult, dict[str, Any]]:
    """The best reading of the page: the first, or one of the variants its faults call for."""
    first = reading_quality(result)
    faults = _faults(image, first)
    record: dict[str, Any] = {"first": first, **faults}
    variants = _variants(prepared, faults)
    if not variants:
        record["chosen"] = "first"
        return prepared, result, record
    best = (first["score"], "first", prepared, result)
    tried = []
    for name, make in variants:
        variant = make()
        if variant is None:
            continue
        candidate = prepared.then(variant.image, variant.step, variant.back, variant.dpi_factor)
        started = time.monotonic()
        reading = engine.recognize(candidate.image, dpi=candidate.dpi, **read_options)
        quality = reading_quality(reading)
        tried.append({"variant": name, **quality, "ms": round((time.monotonic() - started) * 1000)})
        if quality["score"] > best[0] + MIN_GAIN * abs(first["score"]):
            best = (quality["score"], name, candidate, reading)
    record.update(tried=tried, chosen=best[1])
    return best[2], best[3], record


# --- post-correction --------------------------------------------------------------------------

CHANGES_KEPT = 200  # changes listed in a page's details (the count is always whole)


def _correct(result: EngineReading) -> tuple[OcrResult, dict[str, Any]]:
    """The reading with its Vietnamese syllables corrected by the syllable language model
    (vietnamese/lm.py), the text keeping its layout, and the record of every change."""
    started = time.monotonic()
    order: dict[int, list[int]] = {}
    for index, line in enumerate(result.lines):
        order.setdefault(line, []).append(index)
    groups = list(order.values())
    with_choices = any(result.choices)
    tokens = []
    for group in groups:
        line_tokens = []
        for index in group:
            word = result.words[index]
            choices = result.choices[index] if index < len(result.choices) else ()
            alternatives = lm.lstm_alternatives(word.text, word.confidence, choices) if choices else ()
            line_tokens.append(lm.OcrToken(word.text, word.confidence, alternatives))
        tokens.append(line_tokens)
    settings = CORRECTION_WITH_ALTERNATIVES if with_choices else lm.DEFAULT_SETTINGS
    page = lm.correct_page(tokens, settings=settings)
    replaced: dict[int, str] = {}
    for change in page.changes:
        replaced[groups[change.line][change.position]] = change.after
    words = [Word(replaced.get(i, w.text), w.confidence, w.left, w.top, w.width, w.height)
             for i, w in enumerate(result.words)]
    text, applied = _replace_in_text(result.text, result.words, replaced)
    changes = [{"before": c.before, "after": c.after, "line": c.line, "reason": c.reason, "margin": c.margin}
               for c in page.changes if groups[c.line][c.position] in applied]
    record = {"changes": len(changes), "listed": changes[:CHANGES_KEPT], "alternatives": with_choices,
              "valid_share_before": page.summary.valid_share_before, "valid_share_after": page.summary.valid_share,
              "ms": round((time.monotonic() - started) * 1000)}
    return OcrResult(text=text, confidence=result.confidence, words=words), record


def _replace_in_text(text: str, words: list[Word], replaced: dict[int, str]) -> tuple[str, set[int]]:
    """The page text with the words at the given indices replaced, found in order so that the
    same word elsewhere on the page is untouched and the text's line breaks stay as read."""
    out, cursor, applied = [], 0, set()
    for index, word in enumerate(words):
        at = text.find(word.text, cursor)
        if at < 0:
            continue  # the engine's text and its words disagree here: leave it
        if index in replaced:
            out.append(text[cursor:at] + replaced[index])
            applied.add(index)
        else:
            out.append(text[cursor:at + len(word.text)])
        cursor = at + len(word.text)
    out.append(text[cursor:])
    return "".join(out), applied


# Calibrated by bench/lm_bench.py --calibrate with Tesseract's LSTM alternatives (bench/results/lm.md).
CORRECTION_WITH_ALTERNATIVES = lm.CorrectorSettings(confusion_cost=1.5, alternative_cost=0.0)


def _orientation(engine: OcrEngine, image: Image.Image, layout: preprocess.Layout) -> tuple[int, dict[str, Any]]:
    """The clockwise turn to undo: the page's own hint, confirmed or overruled by OSD."""
    hint = layout.orientation_hint
    record: dict[str, Any] = {"hint": hint}
    if not hint:
        return 0, record
    osd = engine.detect_orientation(image)
    record["osd"] = _osd_details(osd)
    if osd and osd.confidence >= MIN_OSD_CONFIDENCE:
        return osd.degrees, record
    return hint, record  # OSD unsure (little text): the measurements were right on every page we tried


def _other_orientations(engine: OcrEngine, prepared: Image.Image, rotation: int, orientation: dict[str, Any],
                        confidence: float) -> list[int]:
    """The other turns worth reading a page read with low confidence, the likelier first.

    A turned page reading badly was probably upright all along: small print on a mostly blank
    page (an ID card copy) fools both the page's own hint and OSD, so it is read unturned. Or it
    was turned the wrong way round: the hint measures which way its lines run, not which end is up,
    so it is read turned the other way too (an ID card copy of the development half lay at 270°, its
    hint said 90° and OSD was unsure). An unturned one is asked of OSD, unless OSD was asked already.
    """
    if rotation:
        return [0, (rotation + 180) % 360]
    if "osd" in orientation:
        return []
    osd = engine.detect_orientation(prepared)
    orientation["osd_after_low_confidence"] = _osd_details(osd, confidence)
    if osd and osd.degrees and osd.confidence >= MIN_OSD_CONFIDENCE:
        return [osd.degrees]
    return []


def _osd_details(osd: Orientation | None, confidence_before: float | None = None) -> dict[str, Any]:
    record: dict[str, Any] = ({"degrees": osd.degrees, "confidence": round(osd.confidence, 2)} if osd
                              else {"found": False})
    if confidence_before is not None:
        record["confidence_before"] = round(confidence_before, 1)
    return record


@functools.cache
def _settings_fingerprint() -> str:
    """Every numeric parameter of preprocessing and of this module, and the engine settings."""
    parameters = {f"preprocess.{k}": v for k, v in vars(preprocess).items()
                  if k.isupper() and isinstance(v, (int, float))}
    parameters.update({f"read.{k}": v for k, v in globals().items()
                       if k.isupper() and isinstance(v, (int, float)) and not isinstance(v, bool)})
    parameters.update(version=PREPROCESS_VERSION, low_confidence=LOW_CONFIDENCE, osd=MIN_OSD_CONFIDENCE,
                      psm=PSM_AUTO, oem=OEM_LSTM, correction=repr(CORRECTION_WITH_ALTERNATIVES))
    return hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest()[:16]


@functools.cache
def _model_stamp() -> str:
    """Size and date of the syllable model: a rebuilt model corrects differently."""
    stat = lm.MODEL_FILE.stat() if lm.MODEL_FILE.exists() else None
    return f"{stat.st_size}:{int(stat.st_mtime)}" if stat else "-"


@functools.cache
def _language_data_stamp(languages: str) -> str:
    """Size and date of the traineddata files: an updated language pack reads differently."""
    folder = Path(tessdata_dir())
    stamps = []
    for lang in [*languages.split("+"), "osd"]:
        path = folder / f"{lang}.traineddata"
        stat = path.stat() if path.exists() else None
        stamps.append(f"{lang}:{stat.st_size}:{int(stat.st_mtime)}" if stat else f"{lang}:-")
    return ",".join(stamps)
