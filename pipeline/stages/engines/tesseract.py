"""Tesseract: kept alive in-process (tesserocr) or one process per page (pytesseract).

Both give, per page image: the text, the mean word confidence and every word with its box and
confidence; both detect a page's orientation with Tesseract's OSD. A reused engine in-process
read 198 pages/min on 2 cores where a new tesseract process per page read 132, so tesserocr is
the default and pytesseract the fallback where the Python binding cannot load.

Tesseract's OpenMP threads fight each other when several workers run at once:
measured here, leaving OMP_THREAD_LIMIT unset made it 5.8x slower. Each engine sets
the limit for its process before Tesseract's library loads (`_one_thread_per_process`).
"""

from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from pipeline.domain import OcrResult, Word
from pipeline.errors import ConfigError, OcrTimeout, Stage, ToolMissing
from pipeline.textnorm import nfc

_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


PSM_AUTO = 3  # fully automatic page segmentation, no OSD: orientation is the read stage's job
PSM_BLOCK = 6  # the page as one uniform block of text lines
OEM_LSTM = 1
# Below this OSD confidence Tesseract's own documentation calls the result a guess.
MIN_OSD_CONFIDENCE = 2.0
_TIMEOUT_REMEDY = "it will be retried; raise ocr.timeout_seconds for very dense pages"


@dataclass(frozen=True)
class Orientation:
    degrees: int  # clockwise quarter-turn the page content has had: 0, 90, 180 or 270
    confidence: float  # Tesseract OSD's orientation confidence


SymbolChoices = tuple[tuple[tuple[str, float], ...], ...]  # per symbol of a word: (symbol, rating), best first


@dataclass
class EngineReading(OcrResult):
    """An OcrResult with what post-correction needs and the cache does not keep: the line of each
    word (an index growing through the page, in the words' order) and, when asked for, each word's
    LSTM symbol choices (Tesseract's `lstm_choice_mode=2`; empty for the pytesseract engine)."""

    lines: list[int] = field(default_factory=list)
    choices: list[SymbolChoices] = field(default_factory=list)


class OcrEngine(Protocol):
    name: str

    @property
    def version(self) -> str: ...

    def recognize(self, image: Image.Image, *, languages: str, timeout: float, psm: int = PSM_AUTO,
                  dpi: int = 0, alternatives: bool = False, characters: str = "") -> OcrResult:
        """`characters`: the only characters the engine may read ("" for any), for a number or a
        machine-readable zone read again on its own."""
        ...

    def detect_orientation(self, image: Image.Image) -> Orientation | None: ...


@functools.cache
def tessdata_dir() -> str:
    """Folder with the traineddata files (the wheel of tesserocr does not know Debian's)."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env, os.path.join(env, "tessdata")] if env else []) + list(_TESSDATA_CANDIDATES)
    for candidate in candidates:
        if candidate and any(Path(candidate, f"{lang}.traineddata").exists() for lang in ("vie", "eng", "osd")):
            return candidate
    raise ToolMissing("Tesseract language data not found", stage=Stage.OCR,
                      remedy="install tesseract-ocr-vie and tesseract-ocr-osd (make run does), or set TESSDATA_PREFIX")


def check_languages(languages: str) -> None:
    folder = Path(tessdata_dir())
    missing = [lang for lang in languages.split("+") if not (folder / f"{lang}.traineddata").exists()]
    if missing:
        raise ConfigError(f"Tesseract language data missing: {', '.join(missing)}", stage=Stage.OCR,
                          remedy=f"apt-get install {' '.join('tesseract-ocr-' + m for m in missing)}")


Row = tuple[str, float, int, int, int, int, int, SymbolChoices]  # text, confidence, box, line, choices


def _words_from_rows(rows: list[Row]) -> EngineReading:
    kept = [row for row in rows if row[0].strip() and row[1] >= 0]
    words = [Word(nfc(t), c, x, y, w, h) for t, c, x, y, w, h, _, _ in kept]
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    return EngineReading(text="", confidence=confidence, words=words, lines=[row[6] for row in kept],
                         choices=[row[7] for row in kept])


def _set_image(api: Any, image: Image.Image) -> None:
    """Hand Tesseract the raw pixels. tesserocr's SetImage encodes the image first, as PNG when
    it was opened from a PNG file (84 ms for a 200 dpi page here) or else as BMP (9 ms)."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("L")
    channels = 1 if image.mode == "L" else 3
    api.SetImageBytes(image.tobytes(), image.width, image.height, channels, image.width * channels)


class TesserocrEngine:
    """One Tesseract instance per language set, reused for every page of this process."""

    name = "tesserocr"

    def __init__(self) -> None:
        _one_thread_per_process()
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
            oem = self._tesserocr.OEM.TESSERACT_ONLY if languages == "osd" else self._tesserocr.OEM.LSTM_ONLY
            self._apis[key] = self._tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=languages, psm=psm, oem=oem)
        return self._apis[key]

    def detect_orientation(self, image: Image.Image) -> Orientation | None:
        try:
            api = self._api("osd", self._tesserocr.PSM.OSD_ONLY)
        except (ConfigError, ToolMissing):
            return None  # no osd.traineddata: the read stage keeps its own estimate
        _set_image(api, image)
        found = api.DetectOrientationScript()
        api.Clear()
        if not found:
            return None
        return Orientation(int(found["orient_deg"]) % 360, float(found["orient_conf"]))

    def recognize(self, image: Image.Image, *, languages: str, timeout: float, psm: int = PSM_AUTO,
                  dpi: int = 0, alternatives: bool = False, characters: str = "") -> EngineReading:
        tess = self._tesserocr
        api = self._api(languages, psm)
        # The LSTM's per-symbol choices cost about 15% more time and leave the text as it was.
        api.SetVariable("lstm_choice_mode", "2" if alternatives else "0")
        # Set on every call: the API is kept per language and mode, and a page read must not
        # inherit the character list of the number read before it.
        api.SetVariable("tessedit_char_whitelist", characters)
        _set_image(api, image)
        if dpi >= 70:  # otherwise Tesseract estimates it from the text size
            api.SetSourceResolution(dpi)
        if not api.Recognize(timeout=int(timeout * 1000)):
            api.Clear()
            raise OcrTimeout(f"OCR did not finish within {timeout:g} s", stage=Stage.OCR, remedy=_TIMEOUT_REMEDY)
        text = api.GetUTF8Text()
        rows: list[Row] = []
        iterator = api.GetIterator()
        level = tess.RIL.WORD
        line = -1
        for word in tess.iterate_level(iterator, level):
            if line < 0 or word.IsAtBeginningOf(tess.RIL.TEXTLINE):
                line += 1
            box = word.BoundingBox(level)
            try:
                token = word.GetUTF8Text(level)
            except RuntimeError:  # "No text returned": the one empty region of a blank page
                continue
            if box is None or token is None:
                continue
            x1, y1, x2, y2 = box
            choices: SymbolChoices = ()
            if alternatives:
                found = word.GetBestLSTMSymbolChoices() or []
                choices = tuple(tuple((nfc(s), float(r)) for s, r in step) for step in found)
            rows.append((token, word.Confidence(level), x1, y1, x2 - x1, y2 - y1, line, choices))
        api.Clear()
        result = _words_from_rows(rows)
        result.text = nfc(text)
        return result


class PytesseractEngine:
    """A tesseract process per page: slower, but needs only the tesseract command."""

    name = "pytesseract"

    def __init__(self) -> None:
        if shutil.which("tesseract") is None:
            raise ToolMissing("the tesseract command is not installed", stage=Stage.OCR,
                              remedy="apt-get install tesseract-ocr tesseract-ocr-vie (make run does)")
        _one_thread_per_process()
        import pytesseract

        self._pt = pytesseract

    @property
    def version(self) -> str:
        return "tesseract-" + str(self._pt.get_tesseract_version())

    def detect_orientation(self, image: Image.Image) -> Orientation | None:
        if not (Path(tessdata_dir()) / "osd.traineddata").exists():
            return None
        try:
            found = self._pt.image_to_osd(image, config="--psm 0", output_type=self._pt.Output.DICT)
        except self._pt.TesseractError:  # "Too few characters": a blank or nearly blank page
            return None
        return Orientation(int(found["orientation"]) % 360, float(found["orientation_conf"]))

    def recognize(self, image: Image.Image, *, languages: str, timeout: float, psm: int = PSM_AUTO,
                  dpi: int = 0, alternatives: bool = False, characters: str = "") -> EngineReading:
        """`alternatives` is accepted and ignored: the command does not give the LSTM's choices."""
        check_languages(languages)
        config = (f"--psm {psm} --oem {OEM_LSTM}" + (f" --dpi {dpi}" if dpi >= 70 else "")
                  + (f" -c tessedit_char_whitelist={characters}" if characters else ""))
        try:
            data = self._pt.image_to_data(image, lang=languages, config=config, timeout=timeout,
                                          output_type=self._pt.Output.DICT)
        except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
            if "timeout" in str(exc).lower():
                raise OcrTimeout(f"OCR did not finish within {timeout:g} s", stage=Stage.OCR,
                                 remedy=_TIMEOUT_REMEDY) from None
            raise
        rows = []
        lines: dict[tuple[int, int, int], list[str]] = {}
        for i, token in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if not token.strip() or conf < 0:
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(token)
            rows.append((token, conf, data["left"][i], data["top"][i], data["width"][i], data["height"][i],
                         list(lines).index(key), ()))
        result = _words_from_rows(rows)
        result.text = nfc("\n".join(" ".join(tokens) for tokens in lines.values()))
        return result


def _one_thread_per_process() -> None:
    """Before Tesseract's library loads (or its command starts): one OpenMP thread.

    Every dossier process that OCRs is one of several running at once (a worker per
    core), and Tesseract's threads would only fight over the same cores.
    """
    os.environ["OMP_THREAD_LIMIT"] = "1"


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
