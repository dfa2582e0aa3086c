"""A page read again without its dotted fill-in lines (read.read_without_leaders), and what a document
takes from that reading (extract.missing_from): only the citizen's values it lacks, and only confirmed."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG, OcrSettings
from pipeline.domain import ExtractedField, OcrResult, PageSource, PageText, Word
from pipeline.stages import read
from pipeline.stages.engines.tesseract import TesserocrEngine
from pipeline.stages.extract import Reading, missing_from, read_document, worth_reading_without_dots
from pipeline.stages.extract.layout import DOTTED_LEADER
from tests.test_preprocess import dotted_form

SETTINGS = OcrSettings(correct=False)


class RecordingEngine:
    """Reads every image as one word and keeps the images it was given."""

    name = "fake"
    version = "0"

    def __init__(self) -> None:
        self.images: list[Image.Image] = []

    def recognize(self, image, *, languages, timeout, psm=3, dpi=0, alternatives=False, characters=""):
        self.images.append(image)
        return OcrResult("079159554870", 90.0, [Word("079159554870", 90.0, 10, 20, 300, 40)])

    def detect_orientation(self, image):
        return None


def first_reading(image: Image.Image, rotation: int = 0) -> PageText:
    return PageText(0, 1, "Số định danh cá nhân: ...()891595548Z0......", 70.0, "ocr", [],
                    {"orientation": {"applied": rotation}, "ocr": {"languages": "vie"}})


class TestReadWithoutLeaders:
    def test_the_engine_reads_the_page_with_its_dotted_lines_painted_out(self) -> None:
        form, engine = dotted_form(), RecordingEngine()
        again = read.read_without_leaders(PageSource(0, 1, form, 300), first_reading(form), engine=engine,
                                          settings=SETTINGS)
        assert again is not None and again.text == "079159554870" and again.method == "ocr"
        assert again.details["without_leaders"]["dots"] > 0
        [seen] = engine.images
        ink = np.asarray(seen.convert("L")) < 128
        assert ink[:, 1200:1640].sum() == 0  # past every value: nothing but the leaders was there
        assert ink[:100].sum() > 1000  # the title stays
        assert again.words[0].left == 10  # boxes on the page as rasterized (nothing turned or enlarged here)

    def test_a_page_without_dotted_lines_is_not_read_again(self) -> None:
        plain, engine = Image.new("L", (1200, 800), 255), RecordingEngine()
        assert read.read_without_leaders(PageSource(0, 1, plain, 300), first_reading(plain), engine=engine,
                                         settings=SETTINGS) is None
        assert engine.images == []

    def test_the_page_is_turned_as_its_first_reading_was(self) -> None:
        form, engine = dotted_form(), RecordingEngine()
        upside_down = form.rotate(180)
        again = read.read_without_leaders(PageSource(0, 1, upside_down, 300), first_reading(upside_down, 180),
                                          engine=engine, settings=SETTINGS)
        assert again is not None
        title_ink = (np.asarray(engine.images[0].convert("L")) < 128)[:100].sum()
        assert title_ink > 1000  # the title back at the top

    def test_a_real_reading_holds_the_values_and_none_of_the_dots(self) -> None:
        form = dotted_form()
        source, engine = PageSource(0, 1, form, 300), TesserocrEngine()
        first = read.read_page(source, engine=engine, settings=SETTINGS)
        assert DOTTED_LEADER.search(first.text)
        again = read.read_without_leaders(source, first, engine=engine, settings=SETTINGS)
        assert again is not None and not DOTTED_LEADER.search(again.text)
        assert "1959" in again.text and "1959" not in first.text  # the year the dots hid
        assert "Phương" in again.text


class TestWhichPagesAreReadWithoutTheirDots:
    def scanned(self, text: str) -> PageText:
        return PageText(0, 1, text, 80.0, "ocr", [])

    def test_a_page_whose_reading_shows_a_dotted_line(self) -> None:
        assert worth_reading_without_dots(self.scanned("Họ và tên: .....Mg1/JUỄH...Frug\nNgày sinh: 12/03/1990"))

    def test_a_page_whose_reading_lost_every_labelled_line(self) -> None:
        assert worth_reading_without_dots(self.scanned("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐƠN ĐỀ NGHỊ"))

    def test_not_a_page_that_read_its_labels_and_no_dots(self) -> None:
        # an identity card copy: on a blurred one, marks passed for dots
        card = "CĂN CƯỚC CÔNG DÂN\nSố định danh cá nhân: 03606154685Z\nHọ và tên: NGUYỄN VĂN AN"
        assert not worth_reading_without_dots(self.scanned(card))

    def test_not_a_page_taken_from_its_text_layer(self) -> None:
        assert not worth_reading_without_dots(PageText(0, 1, "Họ và tên: .......", 100.0, "text_layer", []))


ID, BIRTH = "079159554870", "1959-05-04"
PERSON_FIELDS = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml").person_fields


def first_pages(text: str = "Số định danh cá nhân: ...()79 159.554.870.....") -> list[PageText]:
    """The pages of the first reading: by default, a line holding the ID's last nine digits."""
    return [PageText(0, 1, text, 70.0, "ocr", [])]


def take(first: Reading, other: Reading, pages: list[PageText] | None = None) -> Reading:
    return missing_from(first, other, PERSON_FIELDS, first_pages() if pages is None else pages)


def found(name: str, value: str, **details) -> ExtractedField:
    return ExtractedField(name, value, 0.8, 1, dict(details))


class TestMissingFrom:
    def test_an_id_and_a_birth_date_that_fit_each_other_fill_what_is_missing(self) -> None:
        first = Reading([found("full_name", "PHẠM TUYẾT PHƯƠNG")], unread=["id_number unreadable: ()891595548Z0"])
        other = Reading([found("id_number", ID), found("date_of_birth", BIRTH), found("gender", "Nữ")])
        taken = take(first, other)
        values = {f.name: f.value for f in taken.fields}
        assert values == {"full_name": "PHẠM TUYẾT PHƯƠNG", "id_number": ID, "date_of_birth": BIRTH, "gender": "Nữ"}
        assert all(f.details.get("from") == "page without dotted lines" for f in taken.fields[1:])
        assert not any("check" in f.details for f in taken.fields)  # the validators confirmed these
        assert taken.unread == []  # the note of the value now read goes

    def test_an_id_is_taken_when_it_fits_the_birth_date_read_first(self) -> None:
        first = Reading([found("date_of_birth", BIRTH)])
        taken = take(first, Reading([found("id_number", ID), found("date_of_birth", "1959-05-07")]))
        assert {f.name: f.value for f in taken.fields} == {"date_of_birth": BIRTH, "id_number": ID}

    def test_an_id_no_other_reading_holds_is_not_taken_and_its_birth_date_is(self) -> None:
        # the birth date confirms the ID's century and year digits; its serial needs a second reader
        other = Reading([found("id_number", ID), found("date_of_birth", BIRTH), found("gender", "Nữ")])
        elsewhere = first_pages("Số định danh cá nhân: ...()79 159.554.870.....\n(ký tên)")
        assert [f.name for f in take(Reading([]), other, elsewhere).fields] == ["date_of_birth", "gender", "id_number"]
        taken = take(Reading([]), other, first_pages("Số định danh cá nhân: ...()79 159.554.670....."))
        assert [f.name for f in taken.fields] == ["date_of_birth"]
        read_again = PageText(0, 1, "Số định danh cá nhân: ......", 70.0, "ocr", [],
                              {"values_read_again": [{"kind": "identity", "read": "......",
                                                      "again": ["", "fe 079 159.554 870."], "readers": ["a", "b"]}]})
        assert "id_number" in {f.name for f in take(Reading([]), other, [read_again]).fields}

    def test_an_id_that_does_not_fit_the_birth_date_is_not_taken(self) -> None:
        first = Reading([found("date_of_birth", "1960-05-04")])
        assert take(first, Reading([found("id_number", ID)])) is first

    def test_an_id_of_the_other_gender_than_the_one_read_is_not_taken(self) -> None:
        first = Reading([found("date_of_birth", BIRTH), found("gender", "Nam")])
        assert take(first, Reading([found("id_number", ID)])) is first

    def test_an_id_alone_or_a_birth_date_alone_confirms_nothing(self) -> None:
        assert take(Reading([]), Reading([found("id_number", ID)])).fields == []
        assert take(Reading([]), Reading([found("date_of_birth", BIRTH)])).fields == []

    def test_a_name_is_taken_only_when_it_reads_as_a_vietnamese_name(self) -> None:
        taken = take(Reading([]), Reading([found("full_name", "PHẠM TUYẾT PHƯƠNG")]))
        assert [f.value for f in taken.fields] == ["PHẠM TUYẾT PHƯƠNG"]
        assert taken.fields[0].details["check"]  # only the lexicon confirms it: an operator compares it
        doubtful = found("full_name", "PHGM TUYẾT PHƯƠNG", validation="PHGM is not a Vietnamese syllable")
        assert take(Reading([]), Reading([doubtful])).fields == []

    def test_a_name_the_first_reading_gave_another_person_is_not_the_citizens(self) -> None:
        # a death certificate's declarant, read first with a letter lost, read again whole under no role
        first = Reading([found("agent_name", "RẦN BÍCH HUỲNH")])
        assert take(first, Reading([found("full_name", "TRẦN BÍCH HUỲNH")])) is first
        taken = take(first, Reading([found("full_name", "NGUYỄN THU TRÂM")]))
        assert [f.value for f in taken.fields] == ["RẦN BÍCH HUỲNH", "NGUYỄN THU TRÂM"]

    @pytest.mark.parametrize("name", ["full_name", "id_number", "date_of_birth"])
    def test_a_value_read_first_is_never_replaced(self, name: str) -> None:
        first = Reading([found("full_name", "PHẠM TUYẾT PHƯƠNG"), found("id_number", ID), found("date_of_birth", BIRTH)])
        other = Reading([found("full_name", "PHẠM TUYẾT PHƯỢNG"), found("id_number", "079159554871"),
                         found("date_of_birth", "1959-05-05")])
        assert take(first, other) is first


def test_a_document_read_from_an_undotted_reading_gets_its_values_through_extraction() -> None:
    # the pieces together: extraction of an undotted page's text gives what missing_from takes
    page = PageText(0, 1, "TỜ KHAI\nHọ, chữ đệm và tên: PHẠM TUYẾT PHƯƠNG\nNgày, tháng, năm sinh: 04/05/1959\n"
                          f"Số định danh cá nhân: {ID}", 90.0, "ocr", [])
    taken = take(Reading([]), read_document([page]))
    values = {f.name: f.value for f in taken.fields}
    assert values.items() >= {"full_name": "PHẠM TUYẾT PHƯƠNG", "id_number": ID, "date_of_birth": BIRTH}.items()


def application_on_dotted_lines(path) -> None:
    """An application whose values are written in an italic hand on the form's dotted lines: the page
    pass reads its title and loses every line of the body (tests below check that it does)."""
    label_font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 30)
    hand = ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeSerifItalic.ttf", 42)
    image = Image.new("L", (1700, 900), 255)
    draw = ImageDraw.Draw(image)
    draw.text((520, 40), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=label_font, fill=0)
    draw.text((640, 100), "ĐƠN ĐỀ NGHỊ", font=label_font, fill=0)
    for row, (label, value) in enumerate([("Họ, chữ đệm và tên: ", "Nguyễn Thị Lan"),
                                          ("Ngày, tháng, năm sinh: ", "17/08/1987"),
                                          ("Số định danh cá nhân: ", "075187407342"), ("Dân tộc: ", "Kinh"),
                                          ("Nơi cư trú: ", "12 Lê Lợi, Phường Bến Nghé")]):
        y = 220 + 90 * row
        draw.text((60, y), label, font=label_font, fill=0)
        x = 60 + draw.textlength(label, font=label_font)
        draw.text((x, y + 6), "." * int((1640 - x) / draw.textlength(".", font=label_font)), font=label_font, fill=0)
        draw.text((x + 30, y - 6), value, font=hand, fill=0)
    image.save(path, dpi=(300, 300))


def test_a_name_the_page_pass_lost_on_a_dotted_line_is_filed_from_the_page_read_without_its_dots(dossier, tmp_path):
    scan = tmp_path / "don.png"
    application_on_dotted_lines(scan)
    first = read.read_page(PageSource(0, 1, Image.open(scan), 300), engine=TesserocrEngine(), settings=OcrSettings())
    assert "Lan" not in first.text and "LAN" not in first.text  # the body is lost on the first reading

    assert dossier("ingest", str(scan)).code == 0
    [batch] = dossier("batches", "--json").json()
    shown = dossier("show", str(batch["documents"][0]), "--json").json()
    assert shown["doc_type"] == "application_letter"
    assert shown["fields"]["full_name"] == "NGUYỄN THỊ LAN"
    assert "full_name to check: read only from the page without its dotted lines" in shown["review_reasons"]
