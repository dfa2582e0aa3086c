"""What kind of file is this? Decided from its first bytes, never from its name.

Scanners and counter PCs name files freely ("scan0001", "hoso.PDF.pdf"), and a
file called .pdf may be an HTML error page; the extension is only a hint for
the operator's message.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import EmptyFile, Stage, UnsupportedFile

PDF = "application/pdf"
TIFF = "image/tiff"
JPEG = "image/jpeg"
PNG = "image/png"
BMP = "image/bmp"
WEBP = "image/webp"
GIF = "image/gif"
HEIC = "image/heic"

SUPPORTED = (PDF, TIFF, JPEG, PNG, BMP, WEBP, GIF, HEIC)
IMAGE_TYPES = tuple(t for t in SUPPORTED if t != PDF)

# Some scanners and mail gateways put junk or a UTF-8 BOM before %PDF; PDF
# readers accept the header anywhere in the first kilobyte, so do we.
_PDF_HEADER_WINDOW = 1024
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")


# How each supported file starts. HEIC's brand comes after a 4-byte box size; PDF's header may
# follow junk (_PDF_HEADER_WINDOW).
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_BMP_MAGIC = b"BM"
_RIFF_MAGIC = b"RIFF"  # WebP: "RIFF", size, "WEBP"
_GIF_MAGIC = (b"GIF87a", b"GIF89a")
_PDF_MAGIC = b"%PDF-"
# What a copy that has just begun may still grow into.
SIGNATURES = (*_TIFF_MAGIC, _JPEG_MAGIC, _PNG_MAGIC, _BMP_MAGIC, _RIFF_MAGIC, *_GIF_MAGIC, _PDF_MAGIC)


def may_still_be_supported(head: bytes) -> bool:
    """Whether the first bytes of a file still being written could start a supported file."""
    if not head.strip(b"\0") or b"%" in head or len(head) <= 4:
        return True  # zeros a copy has yet to fill; junk before %PDF; a HEIC's box size
    if b"ftyp".startswith(head[4:8]):
        return True
    return any(signature.startswith(head[:len(signature)]) for signature in SIGNATURES)


def sniff(head: bytes) -> str | None:
    """Media type from the first bytes of a file, or None when unknown."""
    if head.startswith(_TIFF_MAGIC):
        return TIFF
    if head.startswith(_JPEG_MAGIC):
        return JPEG
    if head.startswith(_PNG_MAGIC):
        return PNG
    if head.startswith(_BMP_MAGIC) and len(head) >= 26:
        return BMP
    if head[:4] == _RIFF_MAGIC and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(_GIF_MAGIC):
        return GIF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    if _PDF_MAGIC in head[:_PDF_HEADER_WINDOW]:
        return PDF
    return None


def media_type_of(path: Path) -> str:
    """Media type of a supported file, or a typed error naming the file."""
    with path.open("rb") as fh:
        head = fh.read(_PDF_HEADER_WINDOW)
    if not head:
        raise EmptyFile("the file is empty (0 bytes)", stage=Stage.INTAKE, path=str(path),
                        remedy="scan the document again")
    media_type = sniff(head)
    if media_type is None:
        raise UnsupportedFile(
            f"not a PDF or image file ({_describe(head)})", stage=Stage.INTAKE, path=str(path),
            remedy="drop PDF, TIFF, JPEG, PNG, BMP, WebP, GIF or HEIC scans only",
        )
    return media_type


def _describe(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive or Office document"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    try:
        head.decode("utf-8")
        return "plain text"
    except UnicodeDecodeError:
        return "unknown binary data"
