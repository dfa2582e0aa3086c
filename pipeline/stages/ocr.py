"""OCR engines: Tesseract, kept alive in-process (tesserocr) or one process per page (pytesseract).

Tesseract's OpenMP threads fight each other when several workers run at once:
measured here, leaving OMP_THREAD_LIMIT unset made it 5.8x slower. The limit is
set for the whole process in `pipeline/__init__.py`, before any engine loads.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from pipeline.domain import Word
from pipeline.errors import ConfigError, OcrTimeout, Stage
from pipeline.textnorm import nfc

_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


@dataclass
class OcrResult:
    text: str
    confidence: float  # 0..100, mean over words
    words: list[Word] = field(default_factory=list)


class OcrEngine(Protocol):
    name: str

    @property
    def version(self) -> str: ...

    def recognize(self, image: Image.Image, *, languages: str, timeout: float, psm: int = 3) -> OcrResult: ...


@functools.cache
def tessdata_dir() -> str:
    """Folder with the traineddata files (the wheel of tesserocr does not know Debian's)."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env, os.path.join(env, "tessdata")] if env else []) + list(_TESSDATA_CANDIDATES)
    for candidate in candidates:
        if candidate and any(Path(candidate, f"{lang}.traineddata").exists() for lang in ("vie", "eng", "osd")):
            return candidate
    raise ConfigError("Tesseract language data not found", stage=Stage.OCR,
                      remedy="install tesseract-ocr-vie and tesseract-ocr-osd (make run does), or set TESSDATA_PREFIX")


def check_languages(languages: str) -> None:
    folder = Path(tessdata_dir())
    missing = [lang for lang in languages.split("+") if not (folder / f"{lang}.traineddata").exists()]
    if missing:
        raise ConfigError(f"Tesseract language data missing: {', '.join(missing)}", stage=Stage.OCR,
                          remedy=f"apt-get install {' '.join('tesseract-ocr-' + m for m in missing)}")


def _words_from_rows(rows: list[tuple[str, float, int, int, int, int]]) -> OcrResult:
    words = [Word(nfc(t), c, x, y, w, h) for t, c, x, y, w, h in rows if t.strip() and c >= 0]
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    return OcrResult(text="", confidence=confidence, words=words)


class TesserocrEngine:
    """One Tesseract instance per language set, reused for every page of this process."""

    name = "tesserocr"

    def __init__(self) -> None:
        import tesserocr  # imported here: the fallback engine must work without it

        self._tesserocr = tesserocr
        self._apis: dict[tuple[str, int], Any] = {}

    @property
    def version(self) -> str:
        return "tesserocr-" + self._tesserocr.tesseract_version().split()[1]

    def _api(self, languages: str, psm: int) -> Any:
        key = (languages, psm)
        if key not in self._apis:
            check_languages(languages)
            self._apis[key] = self._tesserocr.PyTessBaseAPI(
                path=tessdata_dir(), lang=languages, psm=psm, oem=self._tesserocr.OEM.LSTM_ONLY
            )
        return self._apis[key]

    def recognize(self, image: Image.Image, *, languages: str, timeout: float, psm: int = 3) -> OcrResult:
        tess = self._tesserocr
        api = self._api(languages, psm)
        api.SetImage(image)
        if not api.Recognize(timeout=int(timeout * 1000)):
            api.Clear()
            raise OcrTimeout(f"OCR did not finish within {timeout:g} s", stage=Stage.OCR,
                             remedy="it will be retried; raise ocr.timeout_seconds for very dense pages")
        text = api.GetUTF8Text()
        rows = []
        iterator = api.GetIterator()
        level = tess.RIL.WORD
        for word in tess.iterate_level(iterator, level):
            box = word.BoundingBox(level)
            token = word.GetUTF8Text(level)
            if box is None or token is None:
                continue
            x1, y1, x2, y2 = box
            rows.append((token, word.Confidence(level), x1, y1, x2 - x1, y2 - y1))
        api.Clear()
        result = _words_from_rows(rows)
        result.text = nfc(text)
        return result


class PytesseractEngine:
    """A tesseract process per page: slower, but needs only the tesseract command."""

    name = "pytesseract"

    def __init__(self) -> None:
        if shutil.which("tesseract") is None:
            raise ConfigError("the tesseract command is not installed", stage=Stage.OCR,
                              remedy="apt-get install tesseract-ocr tesseract-ocr-vie (make run does)")
        import pytesseract

        self._pt = pytesseract

    @property
    def version(self) -> str:
        return "tesseract-" + str(self._pt.get_tesseract_version())

    def recognize(self, image: Image.Image, *, languages: str, timeout: float, psm: int = 3) -> OcrResult:
        check_languages(languages)
        config = f"--psm {psm} --oem 1"
        try:
            data = self._pt.image_to_data(image, lang=languages, config=config, timeout=timeout,
                                          output_type=self._pt.Output.DICT)
        except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
            if "timeout" in str(exc).lower():
                raise OcrTimeout(f"OCR did not finish within {timeout:g} s", stage=Stage.OCR,
                                 remedy="it will be retried; raise ocr.timeout_seconds for very dense pages") from None
            raise
        rows = []
        lines: dict[tuple[int, int, int], list[str]] = {}
        for i, token in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if not token.strip() or conf < 0:
                continue
            rows.append((token, conf, data["left"][i], data["top"][i], data["width"][i], data["height"][i]))
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(token)
        result = _words_from_rows(rows)
        result.text = nfc("\n".join(" ".join(tokens) for tokens in lines.values()))
        return result


def make_engine(name: str) -> OcrEngine:
    """The configured engine; falls back to pytesseract when tesserocr cannot load."""
    if name == "tesserocr":
        try:
            return TesserocrEngine()
        except ImportError:
            return PytesseractEngine()
    if name == "pytesseract":
        return PytesseractEngine()
    raise ConfigError(f"unknown OCR engine {name!r}", remedy="set ocr.engine to tesserocr or pytesseract")


def tesseract_cli_version() -> str | None:
    """Version of the tesseract command, for diagnostics (`dossier doctor`)."""
    if shutil.which("tesseract") is None:
        return None
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).split("\n", 1)[0].strip()
