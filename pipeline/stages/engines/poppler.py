"""poppler-utils, the PDF tools: page sizes, images, text layers and page renderings.

Each program runs as its own process under a memory limit (`RLIMIT_AS`) and a time limit,
so a PDF built to explode (a huge JBIG2 or Flate image on a small page) fails with a reason
instead of exhausting a modest machine; pdf2image allows neither bound. The programs'
output is parsed here and handed on as plain data; what to make of it is rasterize's job.
"""

from __future__ import annotations

import re
import resource
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image

from pipeline.config import LimitSettings
from pipeline.domain import LayerPage, LayerWord
from pipeline.errors import CorruptFile, EncryptedFile, Stage, TooLarge, ToolMissing

PDF_TOOL_TIMEOUT = 120
# Virtual memory allowed to one poppler process: 16 bytes per pixel of the page bound, at least 1 GiB.
TOOL_MEMORY_BYTES_PER_PIXEL = 16
MIN_TOOL_MEMORY = 1 << 30
RESCAN = "scan the document again"
_XML_JUNK = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class PdfPageInfo:
    number: int
    width: float  # points
    height: float
    image_share: float = 0.0  # share of the page area covered by raster images
    image_ppi: int = 0  # resolution of the page's largest image; 0 when it has none


def page_infos(path: Path, limits: LimitSettings) -> list[PdfPageInfo]:
    result = run(["pdfinfo", "-f", "1", "-l", str(limits.max_pages + 1), str(path)], limits)
    if result.returncode != 0:
        message = result.stderr.strip()
        if "Incorrect password" in message or "encrypted" in message.lower():
            raise EncryptedFile(
                "the PDF is protected by a password", stage=Stage.RASTERIZE,
                remedy="ask the sender for an unprotected copy, or remove the password: "
                       "qpdf --decrypt --password=PASSWORD in.pdf out.pdf",
            )
        raise CorruptFile(f"the PDF cannot be read ({first_line(message)})", stage=Stage.RASTERIZE, remedy=RESCAN)
    count = re.search(r"^Pages:\s+(\d+)", result.stdout, re.MULTILINE)
    if not count:
        raise CorruptFile("the PDF has no page count", stage=Stage.RASTERIZE, remedy=RESCAN)
    sizes = {int(n): (float(w), float(h)) for n, w, h in
             re.findall(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", result.stdout, re.MULTILINE)}
    rotations = {int(n): int(r) for n, r in re.findall(r"^Page\s+(\d+) rot:\s+(\d+)", result.stdout, re.MULTILINE)}
    infos = []
    for number in range(1, int(count.group(1)) + 1):
        width, height = sizes.get(number, (595.0, 842.0))  # beyond the pages listed: A4, counted only
        if rotations.get(number, 0) % 180:
            width, height = height, width
        infos.append(PdfPageInfo(number, width, height))
    return infos


def image_coverage(path: Path, infos: list[PdfPageInfo], limits: LimitSettings) -> dict[int, PdfPageInfo]:
    """Per page: the share of its area under raster images, and the resolution of the largest."""
    result = run(["pdfimages", "-list", str(path)], limits)
    areas: dict[int, float] = {}
    largest: dict[int, tuple[float, int]] = {}
    for line in result.stdout.splitlines()[2:]:
        cols = line.split()
        # page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
        if len(cols) < 14 or cols[2] != "image" or not cols[0].isdigit():
            continue
        try:
            page, width, height, x_ppi, y_ppi = int(cols[0]), int(cols[3]), int(cols[4]), int(cols[12]), int(cols[13])
        except ValueError:
            continue
        if x_ppi <= 0 or y_ppi <= 0:
            continue
        area = (width / x_ppi * 72) * (height / y_ppi * 72)
        areas[page] = areas.get(page, 0.0) + area
        if area > largest.get(page, (0.0, 0))[0]:
            largest[page] = (area, min(x_ppi, y_ppi))
    found = {}
    for info in infos:
        if info.number in areas:
            share = min(1.0, areas[info.number] / max(1.0, info.width * info.height))
            found[info.number] = PdfPageInfo(info.number, info.width, info.height, share, largest[info.number][1])
    return found


def text_layers(path: Path, limits: LimitSettings) -> dict[int, LayerPage]:
    """Every page's text layer, from one run of pdftotext: text in reading order, words with boxes."""
    result = run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"], limits, text=False)
    if result.returncode != 0 or not result.stdout:
        return {}
    try:
        root = ET.fromstring(_XML_JUNK.sub(b"", result.stdout))
    except ET.ParseError:
        return {}  # an unreadable layer is no layer: the pages are OCR'd
    layers = {}
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        words: list[LayerWord] = []
        blocks = []
        for block in page.iter(f"{_XHTML}block"):
            lines = []
            for line in block.iter(f"{_XHTML}line"):
                tokens = []
                for word in line.iter(f"{_XHTML}word"):
                    text = (word.text or "").strip()
                    if text:
                        tokens.append(text)
                        words.append(LayerWord(text, *(float(word.get(k, 0)) for k in
                                                                 ("xMin", "yMin", "xMax", "yMax"))))
                if tokens:
                    lines.append(" ".join(tokens))
            if lines:
                blocks.append("\n".join(lines))
        layers[number] = LayerPage(text="\n\n".join(blocks), words=words,
                                             width=float(page.get("width", 0)), height=float(page.get("height", 0)))
    return layers


def render_page(path: Path, number: int, dpi: int, limits: LimitSettings) -> Image.Image:
    result = run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), "-gray", str(path)],
                  limits, text=False)
    if result.returncode != 0 or not result.stdout:
        detail = first_line(result.stderr.decode(errors="replace"))
        if result.returncode < 0 or "memory" in detail.lower() or "alloc" in detail.lower():
            raise TooLarge(f"page {number} needs more memory to render than allowed ({detail})",
                           stage=Stage.RASTERIZE,
                           remedy="the PDF holds an oversized image: scan the document again at 300 dpi or less")
        raise CorruptFile(f"page {number} cannot be rendered ({detail})", stage=Stage.RASTERIZE, remedy=RESCAN)
    image = Image.open(BytesIO(result.stdout))
    image.load()
    return image


def run(args: list[str], limits: LimitSettings, *, text: bool = True) -> subprocess.CompletedProcess:
    memory = max(MIN_TOOL_MEMORY, TOOL_MEMORY_BYTES_PER_PIXEL * limits.max_page_pixels)

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    try:
        if text:
            return subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=PDF_TOOL_TIMEOUT,
                                  check=False, preexec_fn=limit_memory)
        return subprocess.run(args, capture_output=True, timeout=PDF_TOOL_TIMEOUT, check=False,
                              preexec_fn=limit_memory)
    except FileNotFoundError:
        raise ToolMissing(f"the {args[0]} command is not installed", stage=Stage.RASTERIZE,
                          remedy="apt-get install poppler-utils (make run does)") from None
    except subprocess.TimeoutExpired:
        raise CorruptFile(f"{args[0]} did not finish within {PDF_TOOL_TIMEOUT} s", stage=Stage.RASTERIZE,
                          remedy="the PDF is probably malformed; scan it again") from None


def first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no detail"
