"""The OCR engines: a persistent tesserocr engine and the pytesseract fallback read Vietnamese
with the same output (text, mean confidence, word boxes), detect orientation, and fail typed."""

from __future__ import annotations

import sys

import pytest
from PIL import Image

from pipeline.errors import ConfigError, OcrTimeout
from pipeline.stages.engines import tesseract as ocr
from pipeline.stages.engines.tesseract import PytesseractEngine, TesserocrEngine, make_engine
from tools import scanlib as sl

HEADER = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Họ và tên: Đặng Thị Hằng"]
BODY = [
    "Họ, chữ đệm, tên: NGUYỄN ĐỨC KIÊN", "Ngày, tháng, năm sinh: 14/03/2019. Giới tính: Nam",
    "Dân tộc: Kinh. Quốc tịch: Việt Nam", "Nơi sinh: Bệnh viện Từ Dũ, Quận 1, Thành phố Hồ Chí Minh",
    "Quê quán: Xã Phước Lại, Huyện Cần Giuộc, Tỉnh Long An", "Số định danh cá nhân: 079219001234",
]


@pytest.fixture(scope="module")
def lines() -> Image.Image:
    image, _ = sl.render_page([sl.para(line) for line in HEADER], dpi=300, size_mm=(150, 40),
                              margins=sl.Margins(8, 8, 8, 8))
    return image


@pytest.fixture(scope="module")
def half_page() -> Image.Image:
    image, _ = sl.render_page([sl.para(line) for line in HEADER + BODY], dpi=150, size_mm=(210, 148))
    return image


ENGINES = [TesserocrEngine, PytesseractEngine]


@pytest.fixture(scope="module", params=ENGINES, ids=lambda e: e.name)
def engine(request):
    return request.param()


class TestReading:
    def test_vietnamese_is_read_with_its_diacritics(self, engine, lines) -> None:
        result = engine.recognize(lines, languages="vie", timeout=60, dpi=300)
        assert [line for line in result.text.splitlines() if line.strip()] == HEADER

    def test_every_word_has_a_box_on_the_image_and_a_confidence(self, engine, lines) -> None:
        result = engine.recognize(lines, languages="vie", timeout=60, dpi=300)
        assert " ".join(w.text for w in result.words).split() == " ".join(HEADER).split()
        for word in result.words:
            assert 0 <= word.left and word.left + word.width <= lines.width
            assert 0 <= word.top and word.top + word.height <= lines.height
            assert 0 < word.confidence <= 100
        assert result.confidence == pytest.approx(sum(w.confidence for w in result.words) / len(result.words))

    def test_a_blank_page_reads_as_no_text(self, engine) -> None:
        result = engine.recognize(Image.new("L", (400, 300), 255), languages="vie", timeout=60)
        assert (result.text.strip(), result.confidence, result.words) == ("", 0.0, [])

    def test_the_version_names_the_engine_and_tesseract(self, engine) -> None:
        assert engine.version.startswith(engine.name if engine.name == "tesserocr" else "tesseract-")
        assert engine.version.split("-")[1][0] == "5"

    def test_several_languages_can_be_joined(self, engine, lines) -> None:
        assert "VIỆT NAM" in engine.recognize(lines, languages="vie+eng", timeout=60).text.upper()


class TestOrientation:
    @pytest.mark.parametrize("turn", [90, 180])
    def test_osd_tells_the_turn_of_a_page(self, engine, half_page, turn) -> None:
        found = engine.detect_orientation(sl.rotate(half_page, turn))
        assert found is not None and found.degrees == turn and found.confidence >= ocr.MIN_OSD_CONFIDENCE

    def test_a_blank_page_has_no_orientation(self, engine) -> None:
        assert engine.detect_orientation(Image.new("L", (800, 600), 255)) is None


class TestFailures:
    def test_a_page_over_its_time_fails_as_a_transient_timeout(self, engine, half_page) -> None:
        with pytest.raises(OcrTimeout) as caught:
            engine.recognize(half_page, languages="vie", timeout=0.001)
        assert caught.value.transient and "ocr.timeout_seconds" in caught.value.remedy

    def test_a_missing_language_says_which_package_to_install(self, engine, lines) -> None:
        with pytest.raises(ConfigError, match="klingon") as caught:
            engine.recognize(lines, languages="vie+klingon", timeout=60)
        assert "tesseract-ocr-klingon" in caught.value.remedy


class TestChoosingTheEngine:
    def test_tesserocr_is_the_persistent_engine(self) -> None:
        assert isinstance(make_engine("tesserocr"), TesserocrEngine)

    def test_pytesseract_can_be_chosen(self) -> None:
        assert isinstance(make_engine("pytesseract"), PytesseractEngine)

    def test_pytesseract_takes_over_when_tesserocr_cannot_load(self, monkeypatch) -> None:
        monkeypatch.setitem(sys.modules, "tesserocr", None)  # import fails
        assert isinstance(make_engine("tesserocr"), PytesseractEngine)

    def test_an_unknown_engine_is_a_configuration_error(self) -> None:
        with pytest.raises(ConfigError, match="unknown OCR engine"):
            make_engine("abbyy")

    def test_the_persistent_engine_is_built_once_per_language_set(self, lines) -> None:
        engine = TesserocrEngine()
        engine.recognize(lines, languages="vie", timeout=60)
        first = engine._api("vie", ocr.PSM_AUTO)
        engine.recognize(lines, languages="vie", timeout=60)
        assert engine._api("vie", ocr.PSM_AUTO) is first
