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


# How each supported file starts (HEIC's brand comes after a 4-byte box size; PDF's header may
# follow junk): what a copy that has just begun may still grow into.
SIGNATURES = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM",
              b"RIFF", b"GIF87a", b"GIF89a", b"%PDF-")


def may_still_be_supported(head: bytes) -> bool:
    """Whether the first bytes of a file still being written could start a supported file."""
    if not head.strip(b"\0") or b"%" in head or len(head) <= 4:
        return True  # zeros a copy has yet to fill; junk before %PDF; a HEIC's box size
    if b"ftyp".startswith(head[4:8]):
        return True
    return any(signature.startswith(head[:len(signature)]) for signature in SIGNATURES)


def sniff(head: bytes) -> str | None:
    """Media type from the first bytes of a file, or None when unknown."""
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return TIFF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"BM") and len(head) >= 26:
        return BMP
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
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
            remedy="drop PDF, TIFF, JPEG, PNG, BMP, WebP or HEIC scans only",
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
