"""Rasterize: an original file → its pages, one at a time, within a memory bound.

PDF pages (poppler's command-line tools, each run under a memory limit):
* the embedded text layer of every page is read once, with word positions, and judged by
  `textlayer.judge`; a trusted page is handed on as text only and never rendered (a born-digital
  page costs milliseconds instead of seconds of OCR);
* other pages are rendered in grayscale at the resolution of the scan they hold (a 200 dpi scan
  is not blown up to 300 dpi: the OCR would only take longer), at most `ocr.dpi`, and lower when
  the page would exceed `limits.max_page_pixels`; 1-bit CCITT and JBIG2 scans and encrypted PDFs
  that open without a password are poppler's business;
* a PDF that needs a password fails as `EncryptedFile`, with the command that removes it.

Images (Pillow, pillow-heif for HEIC): every frame of a multi-page TIFF or GIF is a page; phone
photos are turned upright by their EXIF orientation; pages above `limits.max_page_pixels` are
decoded at a reduced scale (JPEG) or reduced after decoding, and refused beyond twice the bound,
so a decompression bomb ends as a failed batch with its reason, never as a crashed worker.
Pages come out as 8-bit grayscale: a colour page would hold three times the memory while it
waits for OCR.

Errors name the problem and the remedy, not the file: processing adds the name the operator knows.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from pipeline.archive import formats
from pipeline.config import LimitSettings
from pipeline.domain import LayerPage, PageSource, Word
from pipeline.errors import CorruptFile, EmptyFile, NoContent, Stage, TooLarge
from pipeline.stages import preprocess, textlayer
from pipeline.stages.engines import poppler
from pipeline.stages.engines.poppler import RESCAN, PdfPageInfo

MIN_RENDER_DPI = 72  # a page that only fits the pixel bound below this is refused, not rendered
DECODE_HEADROOM = 2  # non-JPEG images are decoded whole: refused above this many times the pixel bound


def iter_pages(path: Path, media_type: str, *, file_ordinal: int, dpi: int, limits: LimitSettings,
               pages: Collection[int] | None = None) -> Iterator[PageSource]:
    """The pages of one file, in order; `pages` (1-based) restricts them, e.g. to re-read a few."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile("the file is empty (0 bytes)", stage=Stage.RASTERIZE, remedy=RESCAN)
    if size > limits.max_file_mb * 1024 * 1024:
        raise TooLarge(f"file is larger than {limits.max_file_mb:g} MB", stage=Stage.RASTERIZE,
                       remedy="split the scan into smaller files or raise limits.max_file_mb")
    if media_type == formats.PDF:
        yield from _pdf_pages(path, file_ordinal=file_ordinal, dpi=dpi, limits=limits, wanted=pages)
    else:
        yield from _image_pages(path, file_ordinal=file_ordinal, limits=limits, wanted=pages)


def page_count(path: Path, media_type: str, *, limits: LimitSettings) -> int:
    """How many pages a file has, without rendering any (a progress display's "of M")."""
    if media_type == formats.PDF:
        return len(poppler.page_infos(path, limits))
    _register_heif()
    try:
        with Image.open(path) as image:
            return getattr(image, "n_frames", 1)
    except _DECODE_ERRORS as exc:
        raise CorruptFile(f"the image cannot be decoded ({exc or type(exc).__name__})", stage=Stage.RASTERIZE,
                          remedy=RESCAN) from None


def page_image(path: Path, media_type: str, number: int, *, dpi: int, limits: LimitSettings,
               as_read: bool = False) -> tuple[Image.Image, int]:
    """Page `number` (1-based) of an original as the pipeline rasterized it: the same size, so that
    stored word boxes land on it, and (image, its dpi). Images keep their colours unless `as_read`
    (8-bit grayscale, what the reader was handed); PDF pages are rendered as for OCR."""
    if media_type == formats.PDF:
        infos = {info.number: info for info in poppler.page_infos(path, limits)}
        if number not in infos:
            raise NoContent(f"the PDF has no page {number} (it has {len(infos)})", stage=Stage.RASTERIZE,
                            remedy="give a page number of the document")
        images = poppler.image_coverage(path, [infos[number]], limits)
        render_dpi, _ = _render_plan(images.get(number, infos[number]), dpi, limits)
        return poppler.render_page(path, number, render_dpi, limits), render_dpi
    for found, frame, source in _decoded_frames(path, limits, {number}):
        if found == number:
            image = preprocess.grayscale(frame)[0] if as_read else frame
            return image, source["dpi"]
    raise NoContent(f"the image has no page {number}", stage=Stage.RASTERIZE, remedy="give a page number of the document")


# --- PDF ---------------------------------------------------------------------


def judge_pdf_pages(path: Path,
                    limits: LimitSettings) -> list[tuple[PdfPageInfo, LayerPage, textlayer.Verdict]]:
    """Every page of a PDF with its text layer and the verdict on it, without rendering any."""
    infos = poppler.page_infos(path, limits)
    if not infos:
        raise NoContent("the PDF has no pages", stage=Stage.RASTERIZE, remedy=RESCAN)
    if len(infos) > limits.max_pages:
        raise TooLarge(f"the PDF has {len(infos)} pages, more than the limit of {limits.max_pages}",
                       stage=Stage.RASTERIZE, remedy="split it, or raise limits.max_pages")
    images = poppler.image_coverage(path, infos, limits)
    layers = poppler.text_layers(path, limits)
    judged = []
    for info in infos:
        info = images.get(info.number, info)
        layer = layers.get(info.number) or LayerPage("", [], info.width, info.height)
        layer.image_share = info.image_share
        judged.append((info, layer, textlayer.judge(layer)))
    return judged


def _pdf_pages(path: Path, *, file_ordinal: int, dpi: int, limits: LimitSettings,
               wanted: Collection[int] | None) -> Iterator[PageSource]:
    for info, layer, verdict in judge_pdf_pages(path, limits):
        if wanted is not None and info.number not in wanted:
            continue
        render_dpi, source = _render_plan(info, dpi, limits)
        details: dict[str, Any] = {"source": source, "text_layer": verdict.as_details()}
        if verdict.trusted:
            scale = render_dpi / 72
            words = [Word(w.text, 100.0, round(w.x0 * scale), round(w.y0 * scale),
                          max(1, round((w.x1 - w.x0) * scale)), max(1, round((w.y1 - w.y0) * scale)))
                     for w in layer.words]
            yield PageSource(file_ordinal=file_ordinal, file_page=info.number, image=None, dpi=render_dpi,
                             text_layer=layer.text, details=details, layer_words=words)
        else:
            image = poppler.render_page(path, info.number, render_dpi, limits)
            yield PageSource(file_ordinal=file_ordinal, file_page=info.number, image=image, dpi=render_dpi,
                             text_layer=layer.text or None, details=details)


def _render_plan(info: PdfPageInfo, dpi: int, limits: LimitSettings) -> tuple[int, dict[str, Any]]:
    """The resolution to render a page at, and the record of why."""
    source: dict[str, Any] = {"kind": "pdf", "size_pt": [round(info.width, 1), round(info.height, 1)]}
    chosen = dpi
    if info.image_share >= textlayer.SCANNED_IMAGE_SHARE and info.image_ppi:
        chosen = min(dpi, max(MIN_RENDER_DPI, info.image_ppi))  # the scan's own resolution
        source["scan_ppi"] = info.image_ppi
    fitting = math.floor(72 * math.sqrt(limits.max_page_pixels / max(1.0, info.width * info.height)))
    if fitting < chosen:
        if fitting < MIN_RENDER_DPI:
            raise TooLarge(f"page {info.number} measures {info.width / 72 * 2.54:.0f} x "
                           f"{info.height / 72 * 2.54:.0f} cm: even at {MIN_RENDER_DPI} dpi it exceeds "
                           f"limits.max_page_pixels", stage=Stage.RASTERIZE,
                           remedy="print and scan it at A3 or smaller, or raise limits.max_page_pixels")
        source["downsampled"] = {"from_dpi": chosen, "reason": "limits.max_page_pixels"}
        chosen = fitting
    source["dpi"] = chosen
    return chosen, source


# --- images ------------------------------------------------------------------

# What Pillow and its plugins raise on damaged or truncated data.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError)


def _image_pages(path: Path, *, file_ordinal: int, limits: LimitSettings,
                 wanted: Collection[int] | None) -> Iterator[PageSource]:
    for number, frame, source in _decoded_frames(path, limits, wanted):
        page, converted = preprocess.grayscale(frame)
        if converted:
            source["converted"] = converted
        yield PageSource(file_ordinal=file_ordinal, file_page=number, image=page, dpi=source["dpi"],
                         details={"source": source})


def _decoded_frames(path: Path, limits: LimitSettings,
                    wanted: Collection[int] | None) -> Iterator[tuple[int, Image.Image, dict[str, Any]]]:
    """(page number, decoded frame, record) for each frame; Pillow's errors become typed ones."""
    _register_heif()
    try:
        with warnings.catch_warnings():
            # Pillow warns above 89 megapixels and refuses above twice that; pages are bounded by
            # limits.max_page_pixels here (and refused with a reason), so its warning is only noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(path)
        with opened as image:
            kind = image.format or "image"
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if number > limits.max_pages:
                    raise TooLarge(f"the image has more than {limits.max_pages} pages", stage=Stage.RASTERIZE,
                                   remedy="split it, or raise limits.max_pages")
                if wanted is not None and number not in wanted:
                    continue
                # Frames of a multi-page file share one image object that the next seek rewrites:
                # each page handed on must be a copy of its own.
                detach = getattr(image, "n_frames", 1) > 1
                yield number, *_decode_frame(frame, kind, number, limits, detach=detach)
    except Image.DecompressionBombError as exc:
        raise TooLarge(f"the image is too large to open safely ({exc})", stage=Stage.RASTERIZE,
                       remedy="scan at 300 dpi or less") from None
    except _DECODE_ERRORS as exc:
        raise CorruptFile(f"the image cannot be decoded ({exc or type(exc).__name__})", stage=Stage.RASTERIZE,
                          remedy=RESCAN) from None


@functools.cache
def _register_heif() -> None:
    """HEIC photos from phones: Pillow reads them once pillow-heif's opener is registered."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - pillow-heif is a dependency; HEIC then fails as undecodable
        return
    register_heif_opener()


def _decode_frame(frame: Image.Image, kind: str, number: int, limits: LimitSettings, *,
                  detach: bool = False) -> tuple[Image.Image, dict[str, Any]]:
    original = frame
    width, height = frame.size
    dpi = _dpi_of(frame)
    source: dict[str, Any] = {"kind": kind.lower(), "size_px": [width, height], "mode": frame.mode}
    pixels = width * height
    bound = limits.max_page_pixels
    if pixels > bound and kind == "JPEG":
        # The JPEG decoder scales by 1/2, 1/4 or 1/8 while decoding: the full image is never in memory.
        scale = math.sqrt(bound / pixels)
        frame.draft("L", (math.ceil(width * scale), math.ceil(height * scale)))
    elif pixels > bound * DECODE_HEADROOM:
        raise TooLarge(f"page {number} has {width} x {height} pixels, more than twice limits.max_page_pixels "
                       f"({bound:,})", stage=Stage.RASTERIZE,
                       remedy="scan at 300 dpi or less, or raise limits.max_page_pixels")
    frame.load()
    if frame.width * frame.height > bound:
        factor = math.ceil(math.sqrt(frame.width * frame.height / bound))
        frame = frame.reduce(factor)
    if frame.size != (width, height):
        source["downsampled"] = {"to_px": list(frame.size), "reason": "limits.max_page_pixels"}
        dpi = round(dpi * frame.width / width) if dpi else 0
    orientation = frame.getexif().get(0x0112, 1)  # phones store the photo as shot, with this tag
    if orientation != 1:
        frame = ImageOps.exif_transpose(frame)
        source["exif_orientation"] = orientation
    source["dpi"] = dpi
    return (frame.copy() if detach and frame is original else frame), source


def _dpi_of(image: Image.Image) -> int:
    dpi = image.info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    # Missing or absurd DPI (phones write 72): unknown; preprocessing measures the text instead.
    return value if 100 <= value <= 1200 else 0
