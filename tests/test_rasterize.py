"""Rasterize: every input kind becomes grayscale pages (or trusted text), within a memory bound;
bad inputs fail with a typed one-line reason and a remedy, never a crash."""

from __future__ import annotations

import io
import zlib
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from bench.pdfkit import PdfPage, TextRun, write_pdf
from pipeline.archive import formats
from pipeline.config import LimitSettings
from pipeline.errors import CorruptFile, EmptyFile, EncryptedFile, Stage, TooLarge
from pipeline.stages.rasterize import iter_pages
from tests.conftest import corpus_file
from tools import scanlib as sl

LIMITS = LimitSettings()
VIETNAMESE = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIẤY KHAI SINH",
    "Họ, chữ đệm, tên: NGUYỄN ĐỨC KIÊN", "Ngày, tháng, năm sinh: 14/03/2019", "Giới tính: Nam",
    "Dân tộc: Kinh. Quốc tịch: Việt Nam", "Nơi sinh: Bệnh viện Từ Dũ, Quận 1, Thành phố Hồ Chí Minh",
    "Quê quán: Xã Phước Lại, Huyện Cần Giuộc, Tỉnh Long An", "Số định danh cá nhân: 079219001234",
    "Họ, chữ đệm, tên người mẹ: ĐẶNG THỊ HẰNG", "Họ, chữ đệm, tên người cha: NGUYỄN VĂN AN",
    "Nơi cư trú: 410 Hoàng Văn Thụ, Phường 4, Quận Tân Bình", "Nơi đăng ký khai sinh: Ủy ban nhân dân Phường Bến Nghé",
    "Ngày, tháng, năm đăng ký: 01/04/2019", "Người đi khai sinh: Nguyễn Văn An, quan hệ: Cha",
    "Giấy tờ tùy thân: Căn cước công dân số 079086001122 do Cục Cảnh sát cấp",
    "Tôi cam đoan những lời khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật.",
]


@pytest.fixture(scope="module")
def scan() -> Image.Image:
    """A small grayscale scan (A6 at 150 dpi) with a few lines of text."""
    image, _ = sl.render_page([sl.para(line, size_pt=9) for line in VIETNAMESE[:6]], dpi=150,
                              size_mm=(105, 148), margins=sl.Margins(10, 10, 10, 10))
    return sl.scanner(image, seed=1)


def pages_of(path: Path, limits: LimitSettings = LIMITS, **kwargs) -> list:
    return list(iter_pages(path, formats.media_type_of(path), file_ordinal=0, dpi=300, limits=limits, **kwargs))


def text_layer(lines: list[str], top: float = 60.0) -> list[TextRun]:
    return [TextRun(line, 50, top + 16 * i, 10) for i, line in enumerate(lines)]


class TestPdf:
    def test_mixed_pages_a_trusted_text_page_is_not_rendered_and_a_scanned_page_is(self, tmp_path, scan) -> None:
        path = tmp_path / "mixed.pdf"
        write_pdf(path, [PdfPage(text=text_layer(VIETNAMESE)),
                         PdfPage(width=297.6, height=419.5, image=scan, encoding="dct")])
        digital, scanned = pages_of(path)
        assert digital.image is None and digital.details["text_layer"]["used"]
        assert digital.text_layer.startswith("CỘNG HÒA XÃ HỘI") and digital.layer_words
        assert digital.layer_words[0].text == "CỘNG" and digital.layer_words[0].left == round(50 * 300 / 72)
        assert scanned.image is not None and scanned.image.mode == "L"
        assert scanned.details["text_layer"]["reason"] == "no text layer"

    def test_a_scan_is_rendered_at_its_own_resolution_not_blown_up(self, tmp_path, scan) -> None:
        path = tmp_path / "scan150.pdf"
        write_pdf(path, [PdfPage(width=297.6, height=419.5, image=scan, encoding="dct")])
        (page,) = pages_of(path)
        assert page.dpi == 150 and page.details["source"]["scan_ppi"] == 150
        assert abs(page.image.width - scan.width) <= 2

    def test_a_one_bit_ccitt_scan_keeps_its_pixels(self, tmp_path, scan) -> None:
        bilevel = sl.binarize(scan)
        path = tmp_path / "ccitt.pdf"
        write_pdf(path, [PdfPage(width=297.6, height=419.5, image=bilevel, encoding="ccitt")])
        (page,) = pages_of(path)
        ink_in, ink_out = np.asarray(bilevel.convert("L")) < 128, np.asarray(page.image) < 128
        assert ink_out.shape == ink_in.shape and (ink_in == ink_out).mean() > 0.99

    def test_a_jbig2_scan_from_a_real_scanner_is_rendered(self) -> None:
        path = corpus_file("vn-admin-scans/RAG_TongHopVBHC/pdf/2191_CT-CS.pdf")
        (page,) = pages_of(path, pages={2})  # page 2: one 1-bit JBIG2 image, no text layer
        ink = (np.asarray(page.image) < 128).mean()
        assert page.dpi == 200 and 0.01 < ink < 0.3

    def test_pages_can_be_asked_for_by_number(self, tmp_path, scan) -> None:
        path = tmp_path / "three.pdf"
        write_pdf(path, [PdfPage(width=297.6, height=419.5, image=scan)] * 3)
        assert [p.file_page for p in pages_of(path, pages={2, 3})] == [2, 3]

    def test_an_encrypted_pdf_with_an_empty_user_password_opens(self, tmp_path) -> None:
        path = tmp_path / "owner-only.pdf"
        write_pdf(path, [PdfPage(text=text_layer(VIETNAMESE))], user_password="")
        (page,) = pages_of(path)
        assert page.details["text_layer"]["used"] and "NGUYỄN ĐỨC KIÊN" in page.text_layer

    def test_an_encrypted_pdf_needing_a_password_fails_with_the_way_out(self, tmp_path) -> None:
        path = tmp_path / "secret.pdf"
        write_pdf(path, [PdfPage(text=text_layer(VIETNAMESE))], user_password="secret")
        with pytest.raises(EncryptedFile) as caught:
            pages_of(path)
        assert caught.value.stage is Stage.RASTERIZE and "qpdf --decrypt" in caught.value.remedy
        assert caught.value.path is None  # processing names the file the operator knows
        # The command the remedy gives is installed by `make` (Makefile APT_PACKAGES), and does remove the password.
        command = caught.value.remedy.rpartition(": ")[2].split()
        makefile = (Path(__file__).parent.parent / "Makefile").read_text()
        assert command[0] in makefile.split("APT_PACKAGES :=")[1].splitlines()[0].split()
        opened = tmp_path / "opened.pdf"
        command = [{"--password=PASSWORD": "--password=secret", "in.pdf": str(path),
                                          "out.pdf": str(opened)}.get(w, w) for w in command]
        subprocess.run(command, check=True, capture_output=True)
        (page,) = pages_of(opened)
        assert "NGUYỄN ĐỨC KIÊN" in page.text_layer

    def test_a_real_password_protected_pdf_fails_as_encrypted(self) -> None:
        with pytest.raises(EncryptedFile):
            pages_of(corpus_file("paperless-ngx/documents/tests/samples/password-is-test.pdf"))

    def test_a_real_signed_pdf_encrypted_for_the_owner_only_opens(self) -> None:
        pages = pages_of(corpus_file("paperless-ngx/paperless/tests/samples/tesseract/signed.pdf"))
        assert len(pages) == 1 and "digitally signed PDF" in pages[0].text_layer


class TestImages:
    @pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "WEBP", "GIF", "TIFF", "HEIF"])
    def test_every_image_format_becomes_a_grayscale_page(self, tmp_path, scan, fmt) -> None:
        path = tmp_path / f"page.{fmt.lower()}"
        scan.convert("RGB").save(path, fmt, **({"dpi": (150, 150)} if fmt in ("PNG", "JPEG", "TIFF") else {}))
        (page,) = pages_of(path)
        assert page.image.mode == "L" and page.image.size == scan.size
        assert page.details["source"]["kind"] in (fmt.lower(), "heif")
        assert page.dpi == (150 if fmt in ("PNG", "JPEG", "TIFF") else 0)  # unknown: measured later
        assert np.abs(np.asarray(page.image, dtype=int) - np.asarray(scan, dtype=int)).mean() < 12

    def test_a_multi_page_tiff_gives_every_page(self, tmp_path, scan) -> None:
        path = tmp_path / "two.tif"
        sl.save_tiff([scan, sl.rotate(scan, 180)], path, dpi=150)
        pages = pages_of(path)
        assert [p.file_page for p in pages] == [1, 2] and all(p.dpi == 150 for p in pages)
        first, second = (np.asarray(p.image) for p in pages)  # each page keeps its own pixels
        assert (first == np.asarray(scan)).all() and (second == np.asarray(sl.rotate(scan, 180))).all()

    def test_a_one_bit_ccitt_tiff_becomes_grayscale_pages(self, tmp_path, scan) -> None:
        path = tmp_path / "g4.tif"
        sl.save_tiff([sl.binarize(scan)] * 2, path, dpi=150)
        pages = pages_of(path)
        assert len(pages) == 2 and pages[0].image.mode == "L" and pages[0].details["source"]["mode"] == "1"

    def test_a_phone_photo_is_turned_upright_by_its_exif_orientation(self, tmp_path, scan) -> None:
        path = tmp_path / "phone.jpg"
        stored = scan.transpose(Image.Transpose.ROTATE_90)  # the camera stores it on its side ...
        exif = Image.Exif()
        exif[0x0112] = 8  # ... and says: turn it 90° clockwise to view
        stored.save(path, "JPEG", exif=exif)
        (page,) = pages_of(path)
        assert page.image.size == scan.size and page.details["source"]["exif_orientation"] == 8

    def test_a_transparent_png_is_laid_on_white_paper(self, tmp_path) -> None:
        path = tmp_path / "alpha.png"
        image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
        ImageDraw.Draw(image).text((10, 40), "Hà Nội", fill=(0, 0, 0, 255))
        image.save(path)
        (page,) = pages_of(path)
        pixels = np.asarray(page.image)
        assert pixels[0, 0] == 255 and pixels.min() < 100
        assert page.details["source"]["converted"] == "RGBA on white"


class TestMemoryBound:
    def test_a_large_jpeg_is_decoded_at_a_reduced_scale(self, tmp_path) -> None:
        path = tmp_path / "big.jpg"
        Image.new("L", (4000, 3000), 255).save(path, quality=50, dpi=(400, 400))
        (page,) = pages_of(path, LimitSettings(max_page_pixels=2_000_000))
        assert page.image.width * page.image.height <= 2_000_000 * 1.2  # JPEG scales by eighths
        assert page.details["source"]["downsampled"]["reason"] == "limits.max_page_pixels"
        assert page.dpi == 400 * page.image.width // 4000

    def test_a_png_a_little_over_the_bound_is_reduced(self, tmp_path) -> None:
        path = tmp_path / "big.png"
        Image.new("L", (2000, 1500), 255).save(path)
        (page,) = pages_of(path, LimitSettings(max_page_pixels=2_000_000))
        assert page.image.width * page.image.height <= 2_000_000

    def test_a_decompression_bomb_is_refused_with_a_reason(self, tmp_path) -> None:
        path = tmp_path / "bomb.png"
        path.write_bytes(_png_bomb(40_000, 40_000))  # 1.6 gigapixels in a file of a few kB
        assert path.stat().st_size < 300_000
        with pytest.raises(TooLarge) as caught:
            pages_of(path)
        assert caught.value.stage is Stage.RASTERIZE and caught.value.remedy

    def test_an_image_far_over_the_bound_is_refused_before_decoding(self, tmp_path) -> None:
        path = tmp_path / "huge.png"
        Image.new("1", (6000, 6000), 1).save(path)
        with pytest.raises(TooLarge, match="6000 x 6000 pixels"):
            pages_of(path, LimitSettings(max_page_pixels=10_000_000))

    def test_a_huge_pdf_page_is_rendered_coarser_to_fit(self, tmp_path) -> None:
        path = tmp_path / "a2.pdf"
        write_pdf(path, [PdfPage(width=1191, height=1684)])  # A2, no text layer: it must be rendered
        (page,) = pages_of(path, LimitSettings(max_page_pixels=5_000_000))
        assert page.dpi < 300 and page.details["source"]["downsampled"]["from_dpi"] == 300
        assert page.image.width * page.image.height <= 5_000_000

    def test_a_pdf_page_too_large_even_at_low_resolution_is_refused(self, tmp_path) -> None:
        path = tmp_path / "poster.pdf"
        write_pdf(path, [PdfPage(width=14400, height=14400)])  # 5 m square
        with pytest.raises(TooLarge, match="508 x 508 cm"):
            pages_of(path, LimitSettings(max_page_pixels=60_000_000))

    def test_too_many_pages_are_refused(self, tmp_path, scan) -> None:
        path = tmp_path / "long.pdf"
        write_pdf(path, [PdfPage(width=297.6, height=419.5, image=scan)] * 3)
        with pytest.raises(TooLarge, match="more than the limit of 2"):
            pages_of(path, LimitSettings(max_pages=2))


class TestBadInput:
    def test_an_empty_file_is_empty(self, tmp_path) -> None:
        path = tmp_path / "empty.pdf"
        path.write_bytes(b"")
        with pytest.raises(EmptyFile):
            list(iter_pages(path, formats.PDF, file_ordinal=0, dpi=300, limits=LIMITS))

    def test_a_pdf_with_garbage_inside_is_corrupt(self, tmp_path) -> None:
        path = tmp_path / "garbage.pdf"
        path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
        with pytest.raises(CorruptFile) as caught:
            pages_of(path)
        assert caught.value.remedy and caught.value.path is None

    def test_a_truncated_jpeg_is_corrupt(self, tmp_path, scan) -> None:
        buf = io.BytesIO()
        scan.save(buf, "JPEG")
        path = tmp_path / "cut.jpg"
        path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
        with pytest.raises(CorruptFile, match="cannot be decoded"):
            pages_of(path)

    def test_a_truncated_png_is_corrupt(self, tmp_path, scan) -> None:
        buf = io.BytesIO()
        scan.save(buf, "PNG")
        path = tmp_path / "cut.png"
        path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 3])
        with pytest.raises(CorruptFile):
            pages_of(path)

    def test_a_truncated_pdf_is_corrupt_or_recovered_never_a_crash(self, tmp_path, scan) -> None:
        path = tmp_path / "cut.pdf"
        write_pdf(path, [PdfPage(width=297.6, height=419.5, image=scan)] * 2)
        path.write_bytes(path.read_bytes()[:4000])
        try:
            pages = pages_of(path)
        except CorruptFile as error:
            assert error.stage is Stage.RASTERIZE and error.remedy
        else:  # poppler rebuilt what it could: whatever came out is a page
            assert all(p.image is not None or p.text_layer for p in pages)

    def test_the_real_three_byte_pdf_is_corrupt_should_it_get_past_intake(self) -> None:
        path = corpus_file("vn-admin-scans/RAG_TongHopVBHC/broken/v2_1780206532_new.pdf")
        with pytest.raises(CorruptFile):
            list(iter_pages(path, formats.PDF, file_ordinal=0, dpi=300, limits=LIMITS))


def _png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of the given size whose pixels compress to almost nothing."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
