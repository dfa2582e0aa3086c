"""The read stage's Vietnamese post-correction and re-reading, with the real Tesseract on rendered
and real pages: a wrong mark is corrected and recorded, digits are never changed, nothing is
invented on a page without text, a poorly read (blurred) page is read again from a variant and
the choice is recorded, and a page the engine cannot read still fails with its reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from pipeline.config import OcrSettings
from pipeline.domain import PageSource
from pipeline.errors import OcrTimeout
from pipeline.stages import preprocess, read
from pipeline.stages.engines.tesseract import EngineReading, TesserocrEngine
from tools import scanlib as sl


def word_f1(found: str, truth: str) -> float:
    from collections import Counter

    from pipeline.textnorm import words

    a, b = Counter(words(found)), Counter(words(truth))
    hits = sum((a & b).values())
    return 2 * hits / max(1, sum(a.values()) + sum(b.values()))

CORRECTING = OcrSettings(languages="vie", timeout_seconds=120, correct=True, reread=False)
PLAIN = OcrSettings(languages="vie", timeout_seconds=120, correct=False, reread=False)
REREADING = OcrSettings(languages="vie", timeout_seconds=120, correct=False, reread=True)
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
DANANG = CORPUS / "vn-admin-scans" / "VietAdmin-OCR-LLM-RAG"

# "quẩn lý" is printed for "quản lý": a wrong tone mark the language model knows is unlikely there.
WRONG_MARK = [
    "Ủy ban nhân dân phường có trách nhiệm quẩn lý hồ sơ hộ tịch của công dân.",
    "Công dân nộp hồ sơ tại bộ phận một cửa của Ủy ban nhân dân phường.",
]
NUMBERS = [
    "Số định danh cá nhân: 079188012345. Điện thoại: 0903 456 789",
    "Ngày cấp: 12/03/2021, có giá trị đến ngày 12/03/2036",
    "Quyết định số 1595/QĐ-UBND ngày 31 tháng 5 năm 2019",
    "Nơi thường trú: 68/20 Nguyễn Trãi, Phường Bến Thành, Quận 1",
]


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    return TesserocrEngine()


def render(lines: list[str], seed: int = 3, size_pt: float = sl.BODY_PT) -> Image.Image:
    image, _ = sl.render_page([sl.para(line, size_pt=size_pt) for line in lines], dpi=200, size_mm=(210, 120))
    return sl.scanner(image, seed=seed)


def source(image: Image.Image, dpi: int = 200) -> PageSource:
    return PageSource(file_ordinal=0, file_page=1, image=image, dpi=dpi)


def digits_of(text: str) -> list[str]:
    return re.findall(r"\d+", text)


class TestCorrection:
    def test_a_wrong_mark_is_corrected_and_recorded(self, engine) -> None:
        page = render(WRONG_MARK)
        plain = read.read_page(source(page), engine=engine, settings=PLAIN)
        assert "quẩn lý" in plain.text  # the engine reads what is printed
        corrected = read.read_page(source(page), engine=engine, settings=CORRECTING)
        assert "quản lý" in corrected.text and "quẩn" not in corrected.text
        record = corrected.details["correction"]
        assert record["changes"] >= 1 and {"before": "quẩn", "after": "quản"}.items() <= next(
            c for c in record["listed"] if c["before"] == "quẩn").items()
        assert any(w.text == "quản" for w in corrected.words)
        # everything else is as read, line breaks included
        assert corrected.text.replace("quản", "quẩn") == plain.text
        json.dumps(corrected.details)

    def test_digits_are_never_changed(self, engine) -> None:
        page = sl.add_noise_and_jpeg(render(NUMBERS, seed=7), 40, seed=7, sigma=8)
        plain = read.read_page(source(page), engine=engine, settings=PLAIN)
        corrected = read.read_page(source(page), engine=engine, settings=CORRECTING)
        assert digits_of(corrected.text) == digits_of(plain.text)
        assert "079188012345" in corrected.text
        for change in corrected.details["correction"]["listed"]:
            assert not any(ch.isdigit() for ch in change["before"] + change["after"])

    @pytest.mark.parametrize("kind", ["white", "specks"])
    def test_nothing_is_invented_on_a_page_without_text(self, engine, kind) -> None:
        page = Image.new("L", (1654, 1169), 246)
        if kind == "specks":  # dust, a stapler's holes, a fold's shadow
            draw = ImageDraw.Draw(page)
            for i in range(60):
                x, y = (i * 397) % 1600 + 20, (i * 613) % 1100 + 20
                draw.ellipse((x, y, x + 2 + i % 5, y + 2 + i % 3), fill=40)
            draw.line((0, 600, 1654, 604), fill=200, width=6)
        plain = read.read_page(source(page), engine=engine, settings=PLAIN)
        corrected = read.read_page(source(page), engine=engine, settings=CORRECTING)
        assert corrected.text == plain.text
        assert corrected.details.get("correction", {"changes": 0})["changes"] == 0

    def test_correction_can_be_switched_off(self, engine) -> None:
        text = read.read_page(source(render(WRONG_MARK)), engine=engine, settings=PLAIN)
        assert "correction" not in text.details and "quẩn lý" in text.text

    def test_the_engine_gives_lines_and_lstm_choices_for_the_corrector(self, engine) -> None:
        reading = engine.recognize(render(WRONG_MARK), languages="vie", timeout=60, dpi=200, alternatives=True)
        assert isinstance(reading, EngineReading) and len(reading.lines) == len(reading.words)
        assert sorted(set(reading.lines)) == [0, 1] and reading.lines == sorted(reading.lines)
        assert any(reading.choices) and all(len(c) >= 1 for c in reading.choices)


class TestRereading:
    def test_a_good_page_is_read_once(self, engine) -> None:
        text = read.read_page(source(render(WRONG_MARK)), engine=engine, settings=REREADING)
        record = text.details["reread"]
        assert record["chosen"] == "first" and "tried" not in record and record["sharpness"] >= read.BLURRED

    def test_a_blurred_page_is_read_again_and_the_choice_recorded(self, engine) -> None:
        page = render(NUMBERS + WRONG_MARK, seed=11, size_pt=9).filter(ImageFilter.GaussianBlur(2.0))
        plain = read.read_page(source(page), engine=engine, settings=PLAIN)
        again = read.read_page(source(page), engine=engine, settings=REREADING)
        record = again.details["reread"]
        assert record["blurred"] and (record["sharpness"] is None or record["sharpness"] < read.BLURRED)
        assert [t["variant"] for t in record["tried"]] == ["sharpen"]
        scores = {"first": record["first"]["score"], **{t["variant"]: t["score"] for t in record["tried"]}}
        assert record["chosen"] != "first" and scores[record["chosen"]] == max(scores.values())
        assert scores[record["chosen"]] >= scores["first"] * (1 + read.MIN_GAIN)
        assert read.reading_quality(again)["score"] > read.reading_quality(plain)["score"]
        chosen_step = next(s for s in again.details["preprocess"]["steps"] if s["step"] == record["chosen"])
        assert chosen_step  # the variant is one of the page's recorded preprocessing steps
        for word in again.words:  # boxes still on the page as rasterized
            assert word.left + word.width <= page.width and word.top + word.height <= page.height

    def test_a_fax_page_read_poorly_is_read_again_smoothed(self, engine) -> None:
        # a fax: half the resolution, black and white only, enlarged again without smoothing (staircase edges)
        page = render(NUMBERS + WRONG_MARK, seed=11, size_pt=10).convert("L")
        low = page.resize((page.width // 2, page.height // 2), Image.Resampling.BILINEAR).point(
            lambda level: 0 if level < 150 else 255)
        fax = low.resize(page.size, Image.Resampling.NEAREST).convert("1")
        record = read.read_page(source(fax), engine=engine, settings=REREADING).details["reread"]
        assert record["poor"] and record["bilevel"] and [t["variant"] for t in record["tried"]] == ["smooth"]
        assert record["chosen"] == "smooth" and record["tried"][0]["score"] > record["first"]["score"]

    def test_a_page_the_engine_cannot_read_still_fails_with_its_reason(self, engine) -> None:
        page = render(NUMBERS + WRONG_MARK).filter(ImageFilter.GaussianBlur(2.4))
        settings = OcrSettings(languages="vie", timeout_seconds=0.001, correct=True, reread=True)
        with pytest.raises(OcrTimeout) as caught:
            read.read_page(source(page), engine=engine, settings=settings)
        assert caught.value.transient and "ocr.timeout_seconds" in caught.value.remedy


class TestVariants:
    def test_a_lid_border_is_painted_white_and_the_page_kept_its_size(self) -> None:
        page = render(WRONG_MARK)
        bordered = page.copy()
        ImageDraw.Draw(bordered).rectangle((0, 0, 60, page.height), fill=15)
        variant = preprocess.without_border(bordered)
        assert variant is not None and variant.image.size == page.size and variant.step["painted"]["left"] >= 60
        assert preprocess.without_border(page) is None

    def test_local_binarisation_keeps_text_in_a_shadow(self) -> None:
        page = render(WRONG_MARK)
        shaded = Image.eval(page, lambda v: v // 3)  # the whole page in deep shadow
        binary = preprocess.binarized_locally(shaded, 30).image
        assert binary.mode == "L"
        pixels = binary.tobytes()  # one byte a pixel in mode L (getdata is deprecated in Pillow 12)
        assert set(pixels) <= {0, 255}
        ink = pixels.count(0) / (page.width * page.height)
        assert 0.005 < ink < 0.2  # the letters, not the whole shadow


@pytest.mark.skipif(not DANANG.is_dir(), reason="../shared/corpus is absent (real Đà Nẵng letters)")
class TestRealLetter:
    def test_a_real_letter_is_corrected_without_touching_its_numbers(self, engine) -> None:
        from pipeline.archive import formats
        from pipeline.config import LimitSettings
        from pipeline.stages import rasterize

        (page,) = rasterize.iter_pages(DANANG / "1.pdf", formats.PDF, file_ordinal=0, dpi=300,
                                       limits=LimitSettings(), pages={2})
        plain = read.read_page(page, engine=engine, settings=PLAIN)
        corrected = read.read_page(page, engine=engine, settings=CORRECTING)
        assert digits_of(corrected.text) == digits_of(plain.text)
        changes = corrected.details["correction"]["listed"]
        truth = (Path(__file__).resolve().parents[1] / "bench/ocr_truth/danang/1-p2.txt").read_text(encoding="utf-8")
        right = sum(c["after"].strip(".,;:") in truth.split() or c["after"].strip(".,;:") + ";" in truth.split()
                    for c in changes)
        assert changes and right > len(changes) / 2  # most changes make the printed word
        assert word_f1(corrected.text, truth) > word_f1(plain.text, truth)
