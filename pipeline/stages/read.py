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
    OcrEngine,
    Orientation,
    tessdata_dir,
)
from pipeline.textnorm import nfc

# Bump when the preprocessing or reading code changes what the engine sees: cached results are
# keyed by it (its numeric parameters are part of the key already, see `_settings_fingerprint`).
PREPROCESS_VERSION = "3"
LOW_CONFIDENCE = 60.0  # a page read below this mean word confidence gets its orientation checked


class OcrCache(Protocol):
    def get(self, key: str) -> OcrResult | None: ...

    def put(self, key: str, result: OcrResult) -> None: ...


def cache_key(image: Image.Image, *, engine: OcrEngine, languages: str, dpi: int = 0, max_pixels: int = 0) -> str:
    digest = hashlib.sha256()
    digest.update(f"{image.mode}|{image.size}|{dpi}|{max_pixels}|{languages}|{engine.version}|"
                  f"{_language_data_stamp(languages)}|{_settings_fingerprint()}|".encode())
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
    key = cache_key(source.image, engine=engine, languages=languages, dpi=source.dpi,
                    max_pixels=max_pixels) if cache else ""
    result = cache.get(key) if cache else None
    cached = result is not None
    started = time.monotonic()
    if result is None:
        result = ocr_image(source.image, dpi=source.dpi, engine=engine, languages=languages,
                           timeout=settings.timeout_seconds, max_pixels=max_pixels)
        if cache:
            cache.put(key, result)
    details.update(result.details)
    details["ocr"] = {"engine": engine.version, "languages": languages, "cached": cached,
                      "ms": round((time.monotonic() - started) * 1000)}
    return PageText(file_ordinal=source.file_ordinal, file_page=source.file_page, text=result.text,
                    confidence=result.confidence, method="ocr", words=list(result.words), details=details)


def ocr_image(image: Image.Image, *, dpi: int, engine: OcrEngine, languages: str, timeout: float,
              max_pixels: int = 0) -> OcrResult:
    """Preprocess and OCR one page image. Word boxes are on `image`; `details` records the
    measurements, each preprocessing step with its parameters, and the orientation decision."""
    layout = preprocess.analyse(image)
    rotation, orientation = _orientation(engine, image, layout)
    prepared = preprocess.prepare(image, dpi=dpi, rotation=rotation, max_pixels=max_pixels,
                                  layout=None if rotation else layout)
    result = engine.recognize(prepared.image, languages=languages, timeout=timeout, dpi=prepared.dpi)
    if result.confidence < LOW_CONFIDENCE and result.words:
        alternative = _second_orientation(engine, prepared.image, rotation, orientation, result.confidence)
        if alternative is not None:
            turned = preprocess.prepare(image, dpi=dpi, rotation=alternative, max_pixels=max_pixels)
            second = engine.recognize(turned.image, languages=languages, timeout=timeout, dpi=turned.dpi)
            orientation["second_reading"] = {"rotation": alternative, "confidence": round(second.confidence, 1)}
            if second.confidence > result.confidence:
                rotation, prepared, result = alternative, turned, second
    orientation["applied"] = rotation
    words = [Word(w.text, w.confidence, *prepared.box_to_source(w.left, w.top, w.width, w.height))
             for w in result.words]
    details = {"preprocess": {"measured": layout.as_details(), "steps": prepared.steps, "dpi": prepared.dpi},
               "orientation": orientation}
    return OcrResult(text=result.text, confidence=result.confidence, words=words, details=details)


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


def _second_orientation(engine: OcrEngine, prepared: Image.Image, rotation: int, orientation: dict[str, Any],
                        confidence: float) -> int | None:
    """The other turn worth a second reading of a page read with low confidence, or None.

    A turned page reading badly was probably upright all along: small print on a mostly blank
    page (an ID card copy) fools both the page's own hint and OSD, so it is read unturned. An
    unturned one is asked of OSD, unless OSD was asked already.
    """
    if rotation:
        return 0
    if "osd" in orientation:
        return None
    osd = engine.detect_orientation(prepared)
    orientation["osd_after_low_confidence"] = _osd_details(osd, confidence)
    if osd and osd.degrees and osd.confidence >= MIN_OSD_CONFIDENCE:
        return osd.degrees
    return None


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
    parameters.update(version=PREPROCESS_VERSION, low_confidence=LOW_CONFIDENCE, osd=MIN_OSD_CONFIDENCE,
                      psm=PSM_AUTO, oem=OEM_LSTM)
    return hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest()[:16]


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
