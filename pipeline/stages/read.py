"""Read: a page source → its text, from a trusted embedded text layer or by OCR.

This first version OCRs every page; the text-layer trust decision and the
preprocessing steps are recorded in `details` so reviewers can see why.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from PIL import Image

from pipeline.config import OcrSettings
from pipeline.domain import PageSource, PageText, Word
from pipeline.errors import Stage
from pipeline.stages.ocr import OcrEngine, OcrResult

# Bump when preprocessing changes what the engine sees: cached OCR results are
# keyed by it, so they are not reused across such changes.
PREPROCESS_VERSION = "1"


class OcrCache(Protocol):
    def get(self, key: str) -> OcrResult | None: ...

    def put(self, key: str, result: OcrResult) -> None: ...


def cache_key(image: Image.Image, *, engine: OcrEngine, languages: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{image.mode}|{image.size}|{engine.version}|{languages}|{PREPROCESS_VERSION}|".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def read_page(source: PageSource, *, engine: OcrEngine, settings: OcrSettings,
              cache: OcrCache | None = None) -> PageText:
    details: dict = {"text_layer": {"used": False, "reason": "not evaluated"}}
    if source.image is None:
        raise ValueError(f"page {source.file_page} has neither a trusted text layer nor an image")
    image = source.image
    key = cache_key(image, engine=engine, languages=settings.languages)
    result = cache.get(key) if cache else None
    details["ocr"] = {"engine": engine.version, "languages": settings.languages, "cached": result is not None}
    if result is None:
        result = engine.recognize(image, languages=settings.languages, timeout=settings.timeout_seconds)
        if cache:
            cache.put(key, result)
    return PageText(file_ordinal=source.file_ordinal, file_page=source.file_page, text=result.text,
                    confidence=result.confidence, method="ocr", words=list(result.words), details=details)


__all__ = ["read_page", "cache_key", "OcrCache", "Word", "Stage"]
