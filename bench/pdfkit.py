"""Build small PDFs whose every byte we control, for tests and benchmarks of rasterize/read.

    from bench.pdfkit import PdfPage, TextRun, write_pdf
    write_pdf(path, [PdfPage(image=scan, encoding="ccitt"),
                     PdfPage(text=[TextRun("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 72, 72)])])

What scanners and word processors put in PDFs, without any PDF library:

* page images encoded as DCT (JPEG), Flate or CCITT Group 4 (Pillow's libtiff encoder). JBIG2
  is not offered: a generic region coded with MMR (the Group 4 code) decoded wrongly in poppler
  from the second vertical-mode row on, so JBIG2 is tested on a real scanner's file of the corpus;
* a text layer in any language: invisible text (render mode 3, as OCR layers are) in a Type 0
  font whose character codes are the Unicode code points, mapped back by a ToUnicode CMap,
  so `pdftotext` returns exactly the text given, diacritics included;
* optionally, encryption with the standard security handler (RC4, 128-bit, revision 3) and a
  user password, empty or not: the file opens without asking when it is empty.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from tools.scanlib import pdf_file

_PASSWORD_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


@dataclass
class TextRun:
    text: str
    x: float  # points from the left edge
    y: float  # points from the top edge (baseline)
    size: float = 11.0


@dataclass
class PdfPage:
    width: float = 595.0  # points (A4)
    height: float = 842.0
    image: Image.Image | None = None  # stretched over the whole page
    encoding: str = "dct"  # dct | flate | ccitt (1-bit)
    text: list[TextRun] = field(default_factory=list)


def write_pdf(path: str | Path, pages: Sequence[PdfPage], *, user_password: str | None = None,
              owner_password: str = "owner") -> None:
    """Write the pages; with `user_password` (may be "") the file is RC4-encrypted."""
    objects: list[bytes | None] = [None, None]  # 1 catalog, 2 page tree
    streams: set[int] = set()

    def add(body: bytes, *, stream: bool = False) -> int:
        objects.append(body)
        if stream:
            streams.add(len(objects))
        return len(objects)

    font = _add_font(add) if any(p.text for p in pages) else None
    kids = []
    for page in pages:
        resources = []
        content = b""
        if page.image is not None:
            image_id = add(_image_object(page.image, page.encoding), stream=True)
            resources.append(f"/XObject << /Im0 {image_id} 0 R >>")
            content += f"q {page.width:.2f} 0 0 {page.height:.2f} 0 0 cm /Im0 Do Q\n".encode()
        if page.text:
            resources.append(f"/Font << /F1 {font} 0 R >>")
            for run in page.text:
                hex_text = run.text.encode("utf-16-be").hex().upper()
                content += (f"BT /F1 {run.size:.1f} Tf 3 Tr {run.x:.2f} {page.height - run.y:.2f} Td "
                            f"<{hex_text}> Tj ET\n").encode()
        content_id = add(_stream(b"", content), stream=True)
        kids.append(add((f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page.width:.2f} {page.height:.2f}] "
                         f"/Resources << {' '.join(resources)} >> /Contents {content_id} 0 R >>").encode()))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()

    trailer_extra = ""
    if user_password is not None:
        file_id = hashlib.md5(bytes(str(path), "utf-8")).digest()
        key, o_value, u_value, permissions = _rc4_keys(user_password, owner_password, file_id)
        for number in streams:
            objects[number - 1] = _encrypt_stream(objects[number - 1], key, number)
        encrypt_id = len(objects) + 1
        objects.append(f"<< /Filter /Standard /V 2 /R 3 /Length 128 /P {permissions} "
                       f"/O <{o_value.hex()}> /U <{u_value.hex()}> >>".encode())
        trailer_extra = f" /Encrypt {encrypt_id} 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]"

    Path(path).write_bytes(pdf_file(objects, root=1, version="1.5", trailer_extra=trailer_extra))


# --- images ------------------------------------------------------------------------------------


def _stream(head: bytes, data: bytes) -> bytes:
    return b"<< " + head + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _image_object(image: Image.Image, encoding: str) -> bytes:
    w, h = image.size
    size = f"/Type /XObject /Subtype /Image /Width {w} /Height {h}"
    if encoding == "dct":
        buf = io.BytesIO()
        gray = image.convert("L")
        gray.save(buf, "JPEG", quality=80)
        return _stream(f"{size} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode".encode(),
                       buf.getvalue())
    if encoding == "flate":
        gray = image.convert("L")
        return _stream(f"{size} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode".encode(),
                       zlib.compress(gray.tobytes()))
    bilevel = image if image.mode == "1" else image.convert("L").point(lambda v: 255 if v > 128 else 0).convert("1")
    group4 = g4_encode(bilevel)
    if encoding == "ccitt":
        params = f"/DecodeParms << /K -1 /Columns {w} /Rows {h} /BlackIs1 false >>"
        return _stream(f"{size} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode {params}".encode(),
                       group4)
    raise ValueError(f"unknown image encoding {encoding!r}")


def g4_encode(bilevel: Image.Image) -> bytes:
    """CCITT Group 4 (T.6) data of a 1-bit image, white runs first, as in a fax or a scanner's TIFF."""
    buf = io.BytesIO()
    # libtiff codes runs of 0 bits as "white" runs; in Pillow's mode "1" a 0 bit is black, so invert.
    inverted = Image.eval(bilevel.convert("L"), lambda v: 255 - v).convert("1")
    inverted.save(buf, "TIFF", compression="group4", tiffinfo={278: bilevel.height})  # one strip
    tiff = Image.open(io.BytesIO(buf.getvalue()))
    offsets, counts = tiff.tag_v2[273], tiff.tag_v2[279]
    raw = buf.getvalue()
    return b"".join(raw[o:o + c] for o, c in zip(offsets, counts))


# --- text --------------------------------------------------------------------------------------


def _add_font(add) -> int:
    """A Type 0 font whose 2-byte codes are UTF-16 code units, and a ToUnicode CMap saying so."""
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF]
    blocks = [ranges[i:i + 100] for i in range(0, len(ranges), 100)]
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            + "".join(f"{len(b)} beginbfrange\n" + "\n".join(b) + "\nendbfrange\n" for b in blocks)
            + "endcmap CMapName currentdict /CMap defineresource pop end end").encode()
    to_unicode = add(_stream(b"", cmap), stream=True)
    descendant = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLess "
                     b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                     b"/FontDescriptor << /Type /FontDescriptor /FontName /GlyphLess /Flags 4 "
                     b"/FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 "
                     b"/StemV 80 >> /DW 500 /CIDToGIDMap /Identity >>")
    return add(f"<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLess /Encoding /Identity-H "
               f"/DescendantFonts [{descendant} 0 R] /ToUnicode {to_unicode} 0 R >>".encode())


# --- encryption (standard security handler, RC4 128-bit, revision 3) ---------------------------


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _padded(password: str) -> bytes:
    return (password.encode("latin-1") + _PASSWORD_PAD)[:32]


def _rc4_keys(user: str, owner: str, file_id: bytes) -> tuple[bytes, bytes, bytes, int]:
    permissions = -44  # print and copy allowed, change not
    owner_key = hashlib.md5(_padded(owner)).digest()
    for _ in range(50):
        owner_key = hashlib.md5(owner_key).digest()
    o_value = _rc4(owner_key, _padded(user))
    for i in range(1, 20):
        o_value = _rc4(bytes(b ^ i for b in owner_key), o_value)
    digest = hashlib.md5(_padded(user) + o_value + struct.pack("<i", permissions) + file_id).digest()
    for _ in range(50):
        digest = hashlib.md5(digest).digest()
    key = digest[:16]
    u_value = _rc4(key, hashlib.md5(_PASSWORD_PAD + file_id).digest())
    for i in range(1, 20):
        u_value = _rc4(bytes(b ^ i for b in key), u_value)
    return key, o_value, u_value + bytes(16), permissions


def _encrypt_stream(body: bytes, key: bytes, number: int) -> bytes:
    head, rest = body.split(b"stream\n", 1)
    data = rest[: -len(b"\nendstream")]
    object_key = hashlib.md5(key + struct.pack("<I", number)[:3] + b"\x00\x00").digest()[:min(16, len(key) + 5)]
    encrypted = _rc4(object_key, data)
    head = head.replace(b"/Length %d" % len(data), b"/Length %d" % len(encrypted))
    return head + b"stream\n" + encrypted + b"\nendstream"
