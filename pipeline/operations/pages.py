"""A document's own pages (`dossier page`, `dossier export --pages`) and where they came from (`show`).

The archived originals are canonical and never cut; these are views of them. A
page image is rasterized from the original exactly as the pipeline rasterized it
(so the stored word boxes land on it), or, `as_read`, as the reader saw it after
preprocessing (turned upright, deskewed, flattened, enlarged). A document's pages
export as a PDF of those page images, each with the words the pipeline read laid
over it as invisible text (PDF text render mode 3, as OCR'd PDFs do): any PDF
reader finds and copies the text dossier found, without reading the page again.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from pipeline.errors import NotFound, SystemFailure, ToolMissing, UsageError, from_os_error, printable
from pipeline.i18n import _
from pipeline.office.app import App
from pipeline.operations.scope import require_in_scope, require_originals_here
from pipeline.stages import preprocess, rasterize
from pipeline.store.models import BatchFile, Document, Page

# The text layer's font: it must hold every Vietnamese letter (fonts-dejavu-core, installed by `make`).
TEXT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ASSUMED_DPI = 300  # a photo that does not say its resolution: its page size in the PDF is a guess anyway


@dataclass(frozen=True)
class Origin:
    """Which pages of which original file a document was read from."""

    file: str  # name of the original in the dossier
    pages: tuple[int, ...]  # 1-based within that file

    @property
    def span(self) -> str:
        """"2–3", "2", or "1, 3" for pages that do not follow each other."""
        first, last = self.pages[0], self.pages[-1]
        if len(self.pages) == 1:
            return str(first)
        if list(self.pages) == list(range(first, last + 1)):
            return f"{first}–{last}"
        return ", ".join(map(str, self.pages))

    def as_json(self) -> dict:
        return {"file": self.file, "pages": list(self.pages)}


def find_document(app: App, document_id: int, *, scope: str | None) -> Document:
    """The document, in this command's scope; one that reprocessing superseded is refused naming its successor."""
    try:
        document = app.store.document(document_id)
    except NotFound:
        gone = app.store.superseded(document_id)
        if gone is None:
            raise
        require_in_scope(gone.office, scope, what=_("document {id}").format(id=document_id), offices=app.offices)
        if gone.successor_id:
            raise NotFound(_("document D{id} no longer exists: batch B{batch} was reprocessed on {at:%Y-%m-%d} "
                             "and its pages ({pages}) are now in document D{successor}").format(
                id=document_id, batch=gone.batch_id, at=gone.superseded_at, pages=gone.pages,
                successor=gone.successor_id),
                remedy=_("dossier show {successor}").format(successor=gone.successor_id)) from None
        raise NotFound(_("document D{id} no longer exists: batch B{batch} was reprocessed on {at:%Y-%m-%d} and "
                         "found no document on its pages ({pages})").format(
            id=document_id, batch=gone.batch_id, at=gone.superseded_at, pages=gone.pages),
            remedy=_("dossier batches to see the batch")) from None
    require_in_scope(document.office, scope, what=_("document {id}").format(id=document_id), offices=app.offices)
    return document


def origins(document: Document, files: list[BatchFile]) -> list[Origin]:
    """The document's pages grouped by the original file they came from, in page order."""
    names = {f.id: f.name for f in files}
    grouped: dict[int, list[int]] = {}
    for page in document.pages:
        grouped.setdefault(page.batch_file_id, []).append(page.file_page)
    return [Origin(names.get(file_id, "?"), tuple(pages)) for file_id, pages in grouped.items()]


def write_page_image(app: App, document_id: int, number: int, destination: Path, *, scope: str | None,
                     as_read: bool = False) -> tuple[Page, str]:
    """Write page `number` (1-based within the document) as PNG to `destination`, a new file.

    Returns the page and a note on what was written (a page taken from its text layer was never
    preprocessed: `as_read` then writes it as rasterized, and says so)."""
    document, files = _readable(app, document_id, scope, action="show the pages of")
    if not 1 <= number <= len(document.pages):
        raise UsageError(_("document D{id} has {count} page(s), not a page {number}").format(
            id=document_id, count=len(document.pages), number=number), remedy=_("give a page number from 1"))
    _refuse_existing(destination)
    page = document.pages[number - 1]
    image = _page_picture(app, files, page, as_read=as_read)
    note = ""
    if as_read:
        if page.method == "text_layer":
            note = _("read from the PDF's own text layer, not by OCR: no preprocessing was applied")
        else:
            image = _as_read(app, page, image)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    write_new_file(destination, buffer.getvalue())
    return page, note


def export_pages_pdf(app: App, document_id: int, destination: Path, *, scope: str | None) -> int:
    """Write the document's own pages as a searchable PDF to `destination` (a new file); returns the page count."""
    from reportlab.pdfgen import canvas

    document, files = _readable(app, document_id, scope, action="export")
    _refuse_existing(destination)
    font = _text_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pageCompression=1)
    pdf.setTitle(f"D{document.id} {document.doc_type}")
    pdf.setCreator("dossier")
    for page in document.pages:
        image = _page_picture(app, files, page, as_read=False)
        _draw_page(pdf, image, page, font)
    pdf.save()
    write_new_file(destination, buffer.getvalue())
    return len(document.pages)


# --- helpers ---------------------------------------------------------------------


def _readable(app: App, document_id: int, scope: str | None, *, action: str) -> tuple[Document, list[BatchFile]]:
    document = find_document(app, document_id, scope=scope)
    require_originals_here(document.office, app.settings.office.code, what=_("document {id}").format(id=document_id),
                           offices=app.offices, action=action)
    _batch, files = app.store.batch_files(document.batch_id)
    return document, files


def _page_picture(app: App, files: list[BatchFile], page: Page, *, as_read: bool) -> Image.Image:
    """The page rasterized from its archived original at the resolution the pipeline used."""
    original = next(f for f in files if f.id == page.batch_file_id)
    path = app.archive.path_for(original.sha256)
    if not app.archive.verify(original.sha256):
        raise NotFound(_("the archived original of {name} is missing or damaged").format(name=original.name),
                       remedy=_("restore the archive folder from backup"))
    dpi = int((page.details or {}).get("source", {}).get("dpi") or app.settings.ocr.dpi)
    image, _dpi = rasterize.page_image(path, original.media_type, page.file_page, dpi=dpi,
                                       limits=app.settings.limits, as_read=as_read)
    return image


def _as_read(app: App, page: Page, image: Image.Image) -> Image.Image:
    """The page after preprocessing, turned as the reader finally read it."""
    rotation = int((page.details or {}).get("orientation", {}).get("applied") or 0)
    dpi = int((page.details or {}).get("source", {}).get("dpi") or 0)
    return preprocess.prepare(image, dpi=dpi, rotation=rotation, max_pixels=app.settings.limits.max_page_pixels).image


def _draw_page(pdf, image: Image.Image, page: Page, font: str) -> None:
    """One PDF page: the image at its real size, the stored words over it, invisible, each in its box."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase.pdfmetrics import stringWidth

    dpi = int((page.details or {}).get("source", {}).get("dpi") or 0) or ASSUMED_DPI
    scale = 72 / dpi  # image pixels → PDF points
    width, height = image.width * scale, image.height * scale
    pdf.setPageSize((width, height))
    pdf.drawImage(ImageReader(image if image.mode in ("1", "L", "RGB") else image.convert("RGB")),
                  0, 0, width=width, height=height)
    text = pdf.beginText()
    text.setTextRenderMode(3)  # invisible: found, selected and copied, never drawn
    for row in page.words or []:
        word, _conf, left, top, box_width, box_height = row
        word = str(word).strip()
        if not word or box_width <= 0 or box_height <= 0:
            continue
        size = max(1.0, box_height * scale)
        natural = stringWidth(word, font, size)
        text.setFont(font, size)
        text.setHorizScale(100.0 * box_width * scale / natural if natural else 100.0)
        text.setTextOrigin(left * scale, height - (top + box_height) * scale + 0.2 * size)
        text.textOut(word + " ")
    pdf.drawText(text)
    pdf.showPage()


def _text_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "DejaVuSans"
    if name not in pdfmetrics.getRegisteredFontNames():
        if not TEXT_FONT.is_file():
            raise ToolMissing(_("the font {path} is not installed").format(path=TEXT_FONT),
                              remedy=_("apt-get install fonts-dejavu-core (make run does)"))
        pdfmetrics.registerFont(TTFont(name, str(TEXT_FONT)))
    return name


def _refuse_existing(destination: Path) -> None:
    """Checked before any work: nothing is ever overwritten (the write itself is exclusive too)."""
    if os.path.lexists(destination):
        raise UsageError(_("would overwrite {path}").format(path=printable(str(destination))),
                         remedy=_("choose another --to or move the file away"))
    if not destination.parent.is_dir():
        raise UsageError(_("the folder {path} does not exist").format(path=printable(str(destination.parent))),
                         remedy=_("create it first"))


def write_new_file(destination: Path, data: bytes) -> None:
    """Create `destination` exclusively (never over an existing file or through a link), readable by its
    owner only (citizens' data); all or nothing."""
    try:
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise UsageError(_("would overwrite {path}").format(path=printable(str(destination))),
                         remedy=_("choose another --to or move the file away")) from None
    except OSError as exc:
        raise _cannot_write(exc, destination) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        destination.unlink(missing_ok=True)
        raise _cannot_write(exc, destination) from None


def _cannot_write(exc: OSError, destination: Path) -> SystemFailure:
    error = from_os_error(exc, path=printable(str(destination)))
    error.message = _("cannot write there: {reason}").format(reason=error.message)
    return error
