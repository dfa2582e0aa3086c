"""The read stage: a trusted text layer is taken as it is; every other page is preprocessed and
OCR'd, turned the right way up, with its decisions recorded and word boxes on the page as
rasterized; results are cached by image and settings; a document type's own languages are used."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from pipeline.config import OcrSettings
from pipeline.domain import OcrResult, PageSource, Word
from pipeline.stages import preprocess, read
from pipeline.stages.engines.tesseract import Orientation, TesserocrEngine
from pipeline.store.models import Page
from pipeline.store.repository import Store
from tests.conftest import SAMPLES, indexed_store
from tools import scanlib as sl

LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
    "Họ, chữ đệm và tên: Nguyễn Thị Hồng Nhung", "Ngày, tháng, năm sinh: 12/03/1988. Giới tính: Nữ",
    "Số định danh cá nhân: 079188012345", "Nơi thường trú: 12 Nguyễn Trãi, Phường Bến Thành, Quận 1",
    "Thành phố Hồ Chí Minh. Quan hệ với chủ hộ: Vợ", "Lý do xác nhận: bổ sung hồ sơ đăng ký khai sinh",
]
SETTINGS = OcrSettings(languages="vie", timeout_seconds=120)


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    return TesserocrEngine()


@pytest.fixture(scope="module")
def page() -> Image.Image:
    image, _ = sl.render_page([sl.para(line) for line in LINES], dpi=200, size_mm=(210, 148))
    return sl.scanner(image, seed=5)


def source(image: Image.Image, dpi: int = 200, **kwargs) -> PageSource:
    return PageSource(file_ordinal=0, file_page=1, image=image, dpi=dpi, **kwargs)


class CountingEngine:
    """The real engine, counting how often it is asked to read."""

    def __init__(self, engine: TesserocrEngine) -> None:
        self._engine, self.reads = engine, 0
        self.name, self.version = engine.name, engine.version

    def recognize(self, image, **kwargs):
        self.reads += 1
        return self._engine.recognize(image, **kwargs)

    def detect_orientation(self, image):
        return self._engine.detect_orientation(image)


class BlindOnItsSide(CountingEngine):
    """The real engine, reading nothing on a portrait image: the test page is landscape, so it reads
    nothing of it lying on its side."""

    def recognize(self, image, **kwargs):
        if image.height > image.width:
            self.reads += 1
            return OcrResult("", 0.0, [])
        return super().recognize(image, **kwargs)


class DictCache:
    def __init__(self) -> None:
        self.entries: dict[str, OcrResult] = {}

    def get(self, key):
        return self.entries.get(key)

    def put(self, key, result) -> None:
        self.entries[key] = result


class TestTrustedTextLayer:
    def test_the_layer_is_taken_as_it_is_without_ocr(self, engine) -> None:
        words = [Word("Hà", 100.0, 10, 10, 40, 20), Word("Nội", 100.0, 60, 10, 40, 20)]
        layer = PageSource(0, 3, image=None, dpi=300, text_layer="Ha\u0300 Nội", layer_words=words,
                           details={"text_layer": {"used": True, "reason": "good Vietnamese text"}})
        text = read.read_page(layer, engine=engine, settings=SETTINGS)
        assert (text.method, text.text, text.confidence, text.file_page) == ("text_layer", "Hà Nội", 100.0, 3)
        assert text.words == words and text.details["text_layer"]["used"]


class TestOcr:
    def test_an_upright_scan_is_read_and_nothing_is_done_to_it(self, engine, page) -> None:
        text = read.read_page(source(page), engine=engine, settings=SETTINGS)
        assert text.method == "ocr" and "Nguyễn Thị Hồng Nhung" in text.text and text.confidence > 80
        assert text.details["preprocess"]["steps"] == [] and text.details["orientation"] == {"hint": 0, "applied": 0}
        assert text.details["ocr"] == {"engine": engine.version, "languages": "vie", "cached": False,
                                       "ms": text.details["ocr"]["ms"]}
        json.dumps(text.details)  # stored as JSON

    def test_an_upside_down_page_is_turned_and_its_boxes_land_on_the_page_as_scanned(self, engine, page) -> None:
        upside_down = sl.rotate(page, 180)
        text = read.read_page(source(upside_down), engine=engine, settings=SETTINGS)
        assert "079188012345" in text.text and "Nguyễn Thị Hồng Nhung" in text.text
        assert text.details["orientation"]["applied"] == 180 and text.details["orientation"]["osd"]["degrees"] == 180
        cong = next(w for w in text.words if w.text == "CỘNG")
        # upright, the national motto heads the page; upside down, it is at the bottom, to the right
        assert cong.top > upside_down.height / 2 and cong.left + cong.width <= upside_down.width

    def test_a_page_turned_on_its_side_is_read(self, engine, page) -> None:
        text = read.read_page(source(sl.rotate(page, 90)), engine=engine, settings=SETTINGS)
        assert text.details["orientation"]["applied"] == 90 and "079188012345" in text.text

    @pytest.mark.parametrize("degrees", [3, -3])
    def test_a_skewed_page_is_deskewed_and_read_whole(self, engine, page, degrees) -> None:
        text = read.read_page(source(sl.skew(page, degrees)), engine=engine, settings=SETTINGS)
        (deskew,) = [s for s in text.details["preprocess"]["steps"] if s["step"] == "deskew"]
        assert deskew["angle"] == pytest.approx(degrees, abs=0.3)
        for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "079188012345", "Lý do xác nhận"):
            assert line in text.text

    def test_a_turn_the_measurements_missed_is_caught_by_the_low_confidence(self, engine, page, monkeypatch) -> None:
        measured = preprocess.analyse

        def fooled_once(image):  # the first measurement says "upright"; later ones are honest
            monkeypatch.setattr(preprocess, "analyse", measured)
            layout = measured(image)
            return dataclasses.replace(layout, upright_score=abs(layout.upright_score))

        monkeypatch.setattr(preprocess, "analyse", fooled_once)
        text = read.read_page(source(sl.rotate(page, 180)), engine=engine, settings=SETTINGS)
        second_look = text.details["orientation"]["osd_after_low_confidence"]
        assert second_look["degrees"] == 180 and second_look["confidence_before"] < read.LOW_CONFIDENCE
        assert text.details["orientation"]["applied"] == 180 and "079188012345" in text.text

    def test_a_wrong_turn_is_undone_when_the_turned_page_reads_badly(self, engine, page, monkeypatch) -> None:
        # An ID card copy in small print fooled both the page's hint and OSD into turning an upright page.
        measured = preprocess.analyse

        def fooled_once(image):
            monkeypatch.setattr(preprocess, "analyse", measured)
            return dataclasses.replace(measured(image), upright_score=-1.0)

        monkeypatch.setattr(preprocess, "analyse", fooled_once)
        monkeypatch.setattr(engine, "detect_orientation", lambda image: Orientation(180, 10.0))
        text = read.read_page(source(page), engine=engine, settings=SETTINGS)
        second = text.details["orientation"]["second_reading"]
        assert second["rotation"] == 0 and second["confidence"] >= read.LOW_CONFIDENCE
        assert text.details["orientation"]["applied"] == 0 and "079188012345" in text.text

    def test_a_turned_page_that_reads_as_nothing_is_read_unturned(self, engine, page, monkeypatch) -> None:
        # On the development half the hint turned an ID card copy on its side, where the engine found no
        # text at all (a failed batch); unturned, it reads.
        turns = iter([(90, {"hint": 90})])
        monkeypatch.setattr(read, "_orientation", lambda engine, image, layout: next(turns))

        text = read.read_page(source(page), engine=BlindOnItsSide(engine), settings=SETTINGS)
        assert text.details["orientation"]["second_reading"]["rotation"] == 0
        assert text.details["orientation"]["applied"] == 0 and "079188012345" in text.text
        assert "block" not in text.details  # the unturned page read without one

    def test_a_page_turned_the_wrong_way_round_is_read_turned_the_other_way(self, engine, page, monkeypatch) -> None:
        # The hint measures which way the lines run, not which end is up: told 270 for a page lying at
        # 90 (OSD unsure), it reads upside down, then (here) nothing unturned, then well the other way.
        turns = iter([(270, {"hint": 270})])
        monkeypatch.setattr(read, "_orientation", lambda engine, image, layout: next(turns))
        text = read.read_page(source(sl.rotate(page, 90)), engine=BlindOnItsSide(engine), settings=SETTINGS)
        orientation = text.details["orientation"]
        assert orientation["second_reading"] == {"rotation": 0, "confidence": 0.0}
        assert orientation["third_reading"]["rotation"] == 90 and orientation["applied"] == 90
        assert "079188012345" in text.text

    def test_the_languages_of_a_document_type_replace_the_office_default(self, engine, page) -> None:
        text = read.read_page(source(page), engine=engine, settings=SETTINGS, languages="vie+eng")
        assert text.details["ocr"]["languages"] == "vie+eng"


def dotted_block() -> Image.Image:
    """Values written in an italic hand on tight dotted fill-in lines, and nothing else on the page:
    Tesseract's layout pass finds no text block in it."""
    label_font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 30)
    hand = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed-Italic.ttf", 40)
    image = Image.new("L", (1400, 360), 255)
    draw = ImageDraw.Draw(image)
    for row, (label, value) in enumerate([("Họ, chữ đệm, tên: ", "Phạm Tuyết Phương"), ("Ngày sinh: ", "04.05.1959"),
                                          ("Số định danh cá nhân: ", "089159554870"),
                                          ("Nơi cư trú: ", "43 Lý Thường Kiệt")]):
        y = 60 + 48 * row
        draw.text((40, y), label, font=label_font, fill=0)
        x = 40 + draw.textlength(label, font=label_font)
        draw.text((x, y + 16), "." * 60, font=label_font, fill=0)
        draw.text((x + 30, y - 6), value, font=hand, fill=0)
    return image


class TestPageTheLayoutPassReadsAsNothing:
    def test_it_is_read_as_one_block_of_lines(self, engine) -> None:
        image = dotted_block()
        assert engine.recognize(image, languages="vie", timeout=60, dpi=300).words == []  # the engine's fault
        result = read.ocr_image(image, dpi=300, engine=engine, languages="vie", timeout=120)
        assert "089159554870" in result.text and "Phạm Tuyết" in result.text
        assert result.details["block"]["kept"] is True and result.words

    def test_noise_read_as_a_block_is_not_kept(self, engine) -> None:
        noise = np.random.default_rng(0).normal(235, 12, (800, 1200)).clip(0, 255).astype("uint8")
        result = read.ocr_image(Image.fromarray(noise), dpi=300, engine=engine, languages="vie", timeout=120)
        assert result.details["block"]["kept"] is False and result.details["block"]["words"] > 100
        assert result.text == "" and result.words == []


class TestCache:
    def test_a_page_read_once_is_not_read_again(self, engine, page) -> None:
        counting, cache = CountingEngine(engine), DictCache()
        first = read.read_page(source(page), engine=counting, settings=SETTINGS, cache=cache)
        again = read.read_page(source(page.copy()), engine=counting, settings=SETTINGS, cache=cache)
        assert counting.reads == 1 and again.details["ocr"]["cached"] and not first.details["ocr"]["cached"]
        assert (again.text, again.words, again.details["preprocess"]) == (first.text, first.words,
                                                                          first.details["preprocess"])

    def test_the_key_follows_the_image_languages_engine_and_preprocessing(self, engine, page, monkeypatch) -> None:
        key = read.cache_key(page, engine=engine, languages="vie", dpi=200)
        assert read.cache_key(page.copy(), engine=engine, languages="vie", dpi=200) == key
        assert read.cache_key(page, engine=engine, languages="vie+eng", dpi=200) != key
        assert read.cache_key(page.rotate(180), engine=engine, languages="vie", dpi=200) != key
        other_engine = type("Other", (), {"version": "tesseract-5.3.0"})()
        assert read.cache_key(page, engine=other_engine, languages="vie", dpi=200) != key
        monkeypatch.setattr(preprocess, "MIN_DESKEW", 0.3)
        read._settings_fingerprint.cache_clear()
        try:
            assert read.cache_key(page, engine=engine, languages="vie", dpi=200) != key
        finally:
            monkeypatch.undo()
            read._settings_fingerprint.cache_clear()

    def test_the_store_keeps_text_words_and_details(self, store_url) -> None:
        store = indexed_store(store_url)
        store.init_schema()
        result = OcrResult("Hà Nội", 91.5, [Word("Hà", 90.0, 1, 2, 3, 4)],
                           {"preprocess": {"steps": [{"step": "deskew", "angle": 3.0}]}, "orientation": {"applied": 0}})
        store.cache_put("k" * 64, result)
        store.cache_put("k" * 64, result)  # a second worker with the same page: no error
        assert store.cache_get("k" * 64) == result and store.cache_get("x" * 64) is None
        store.dispose()


@pytest.mark.slow
class TestDocumentTypeLanguages:
    def test_an_id_card_copy_is_read_again_in_vietnamese_and_english(self, dossier, tmp_path) -> None:
        card = tmp_path / "cccd.png"
        shutil.copy(SAMPLES / "can_cuoc_cong_dan_dang_dang_loc.png", card)
        result = dossier("ingest", str(card))
        assert result.code == 0, result.err
        store = Store(f"sqlite:///{dossier.data_dir / 'dossier.sqlite3'}")
        with store.session() as session:
            pages = list(session.scalars(select(Page)))
        assert [p.details["ocr"]["languages"] for p in pages] == ["vie+eng"]
        store.dispose()
