"""Rasterize: an original file → its pages, one at a time, within a memory bound.

PDF pages come with their embedded text layer (if any) so the read stage can
decide whether to trust it; images come as grayscale Pillow images.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline import formats
from pipeline.config import LimitSettings
from pipeline.domain import PageSource
from pipeline.errors import CorruptFile, EncryptedFile, NoContent, Stage, TooLarge

PDF_TOOL_TIMEOUT = 120


def iter_pages(path: Path, media_type: str, *, file_ordinal: int, dpi: int,
               limits: LimitSettings) -> Iterator[PageSource]:
    if path.stat().st_size > limits.max_file_mb * 1024 * 1024:
        raise TooLarge(f"file is larger than {limits.max_file_mb:g} MB", stage=Stage.RASTERIZE,
                       remedy="split the scan into smaller files or raise limits.max_file_mb")
    if media_type == formats.PDF:
        yield from _pdf_pages(path, file_ordinal=file_ordinal, dpi=dpi, limits=limits)
    else:
        yield from _image_pages(path, file_ordinal=file_ordinal, limits=limits)


# --- PDF ---------------------------------------------------------------------


def pdf_page_count(path: Path) -> int:
    result = _run(["pdfinfo", str(path)], path)
    if result.returncode != 0:
        message = result.stderr.strip()
        if "Incorrect password" in message or "encrypted" in message.lower():
            raise EncryptedFile(
                "the PDF is protected by a password", stage=Stage.RASTERIZE,
                remedy="ask the sender for an unprotected copy, or remove the password: qpdf --decrypt --password=PASS in.pdf out.pdf",
            )
        raise CorruptFile(f"the PDF cannot be read ({_first_line(message)})", stage=Stage.RASTERIZE,
                          remedy="scan the document again")
    match = re.search(r"^Pages:\s+(\d+)", result.stdout, re.MULTILINE)
    if not match:
        raise CorruptFile("the PDF has no page count", stage=Stage.RASTERIZE,
                          remedy="scan the document again")
    return int(match.group(1))


def _pdf_pages(path: Path, *, file_ordinal: int, dpi: int, limits: LimitSettings) -> Iterator[PageSource]:
    count = pdf_page_count(path)
    if count == 0:
        raise NoContent("the PDF has no pages", stage=Stage.RASTERIZE,
                        remedy="scan the document again")
    if count > limits.max_pages:
        raise TooLarge(f"the PDF has {count} pages, more than the limit of {limits.max_pages}",
                       stage=Stage.RASTERIZE, remedy="split it, or raise limits.max_pages")
    for number in range(1, count + 1):
        text = _pdf_text(path, number)
        image = _pdf_render(path, number, dpi)
        yield PageSource(file_ordinal=file_ordinal, file_page=number, image=image, dpi=dpi, text_layer=text)


def _pdf_text(path: Path, number: int) -> str:
    result = _run(["pdftotext", "-f", str(number), "-l", str(number), "-layout", "-enc", "UTF-8", str(path), "-"], path)
    return result.stdout if result.returncode == 0 else ""


def _pdf_render(path: Path, number: int, dpi: int) -> Image.Image:
    result = subprocess.run(
        ["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), "-gray", str(path)],
        capture_output=True, timeout=PDF_TOOL_TIMEOUT, check=False,
    )
    if result.returncode != 0 or not result.stdout:
        raise CorruptFile(f"page {number} cannot be rendered ({_first_line(result.stderr.decode(errors='replace'))})",
                          stage=Stage.RASTERIZE, remedy="scan the document again")
    from io import BytesIO

    image = Image.open(BytesIO(result.stdout))
    image.load()
    return image


def _run(args: list[str], path: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, capture_output=True, text=True, errors="replace",
                              timeout=PDF_TOOL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise CorruptFile(f"{args[0]} did not finish within {PDF_TOOL_TIMEOUT} s", stage=Stage.RASTERIZE,
                          remedy="the PDF is probably malformed; scan it again") from None


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no detail"


# --- images ------------------------------------------------------------------


def _image_pages(path: Path, *, file_ordinal: int, limits: LimitSettings) -> Iterator[PageSource]:
    try:
        with Image.open(path) as image:
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if number > limits.max_pages:
                    raise TooLarge(f"the image has more than {limits.max_pages} pages", stage=Stage.RASTERIZE,
                                   remedy="split it, or raise limits.max_pages")
                dpi = _dpi_of(frame)
                page = frame.convert("L")
                yield PageSource(file_ordinal=file_ordinal, file_page=number, image=page, dpi=dpi)
    except Image.DecompressionBombError as exc:
        raise TooLarge(f"the image is too large to open safely ({exc})", stage=Stage.RASTERIZE,
                       remedy="scan at 300 dpi or less") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile(f"the image cannot be decoded ({exc})", stage=Stage.RASTERIZE,
                          remedy="scan the document again") from None


def _dpi_of(image: Image.Image) -> int:
    dpi = image.info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else 0
    except (TypeError, ValueError):
        value = 0
    # Missing or absurd DPI (phones write 72): assume a typical scan.
    return value if 100 <= value <= 1200 else 0
