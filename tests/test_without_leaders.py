"""A page read again without its dotted fill-in lines (read.read_without_leaders), and what a document
takes from that reading (extract.missing_from): only the citizen's values it lacks, and only confirmed."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG, OcrSettings
from pipeline.domain import CHECK_BLOCK_NAME, ExtractedField, OcrResult, PageSource, PageText, Word
from pipeline.stages import read
from pipeline.stages.engines.tesseract import TesserocrEngine
from pipeline.stages.engines.tesseract import PSM_BLOCK
from pipeline.stages.extract import (
    BLOCK_READING,
    Reading,
    missing_from,
    read_document,
    worth_reading_without_dots,
)
from pipeline.stages.extract.layout import DOTTED_LEADER
from tests.test_preprocess import dotted_form

SETTINGS = OcrSettings(correct=False)


class RecordingEngine:
    """Reads every image as one word and keeps the images it was given, and how it was asked to read them."""

    name = "fake"
    version = "0"

    def __init__(self) -> None:
        self.images: list[Image.Image] = []
        self.modes: list[int] = []

    def recognize(self, image, *, languages, timeout, psm=3, dpi=0, alternatives=False, characters=""):
        self.images.append(image)
        self.modes.append(psm)
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


class TestReadAsBlock:
    def test_the_page_is_read_as_one_block_with_its_dotted_lines_painted_out(self) -> None:
        form, engine = dotted_form(), RecordingEngine()
        again = read.read_as_block(PageSource(0, 1, form, 300), first_reading(form), engine=engine, settings=SETTINGS)
        assert again is not None and again.text == "079159554870"
        assert engine.modes == [PSM_BLOCK]
        ink = np.asarray(engine.images[0].convert("L")) < 128
        assert ink[:, 1200:1640].sum() == 0  # the leaders are gone, as in the reading without them

    def test_a_page_without_dotted_lines_is_read_as_a_block_too(self) -> None:
        # the layout pass skips lines on pages with no dots too (a stamp over a form's body)
        plain, engine = Image.new("L", (1200, 800), 255), RecordingEngine()
        again = read.read_as_block(PageSource(0, 1, plain, 300), first_reading(plain), engine=engine,
                                   settings=SETTINGS)
        assert again is not None and engine.modes == [PSM_BLOCK]
        assert again.details["without_leaders"] == {"max_dot": again.details["without_leaders"]["max_dot"],
                                                    "dots": False, "psm": PSM_BLOCK}

    def test_a_page_without_an_image_is_not_read(self) -> None:
        layer = PageSource(0, 1, None, 0, text_layer="Họ và tên: NGUYỄN VĂN AN")
        assert read.read_as_block(layer, first_reading(Image.new("L", (10, 10))), engine=RecordingEngine(),
                                  settings=SETTINGS) is None


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

    def test_from_a_block_reading_an_id_needs_a_reader_other_than_the_block_text(self) -> None:
        # the block's own text gave the ID: it cannot confirm it; its value crops read again, or the
        # readings before it, can
        other = Reading([found("id_number", ID), found("date_of_birth", BIRTH)])
        block = [PageText(0, 1, f"Số định danh cá nhân: {ID}", 80.0, "ocr", [])]
        nothing_else = first_pages("Số định danh cá nhân: ......")
        taken = missing_from(Reading([]), other, PERSON_FIELDS, nothing_else, crops=block, source=BLOCK_READING)
        assert [f.name for f in taken.fields] == ["date_of_birth"]
        assert taken.fields[0].details["from"] == "page read as one block"
        block[0].details["values_read_again"] = [{"kind": "identity", "read": "......", "again": [ID, "07915955487O"],
                                                  "readers": ["vie:7", "eng:7"]}]
        taken = missing_from(Reading([]), other, PERSON_FIELDS, nothing_else, crops=block, source=BLOCK_READING)
        assert [f.name for f in taken.fields] == ["date_of_birth", "id_number"]

    def test_a_birth_date_read_first_with_a_choice_left_is_left_to_the_dossier(self) -> None:
        # "20,02.19Z5" first; the block reading guessed the Z as a 2 in the date and in the ID alike,
        # which then fit each other: the dossier's ID chooses instead (reconcile)
        first = Reading([], candidates={"date_of_birth": ["1925-02-20", "1975-02-20"]})
        other = Reading([found("date_of_birth", "1925-02-20"), found("id_number", "089125647933")])
        pages = first_pages("Số định danh cá nhân: ()89 125 647 933")
        assert missing_from(first, other, PERSON_FIELDS, pages, source=BLOCK_READING) is first  # nor the ID it fits
        taken = missing_from(Reading([]), other, PERSON_FIELDS, pages)  # without a choice left: both taken
        assert [f.name for f in taken.fields] == ["date_of_birth", "id_number"]

    def test_a_name_from_a_block_reading_is_checked_for_that_reason(self) -> None:
        taken = missing_from(Reading([]), Reading([found("full_name", "PHẠM TUYẾT PHƯƠNG")]), PERSON_FIELDS,
                             first_pages(), source=BLOCK_READING, check=CHECK_BLOCK_NAME)
        assert taken.fields[0].details == {"from": "page read as one block",
                                           "check": "read only from the page read as one block of lines"}

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


def application_under_a_stamp(path) -> None:
    """An application typed without dotted lines, the office's round stamp over its body: the page pass
    reads the title and loses the lines under and beside the stamp (the test below checks that it does)."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 30)
    image = Image.new("L", (1700, 1500), 255)
    draw = ImageDraw.Draw(image)
    draw.text((520, 40), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=font, fill=0)
    draw.text((560, 90), "Độc lập - Tự do - Hạnh phúc", font=font, fill=0)
    draw.text((640, 170), "ĐƠN ĐỀ NGHỊ", font=font, fill=0)
    lines = ["Kính gửi: Ủy ban nhân dân Phường Bến Nghé", "Họ, chữ đệm và tên: NGUYỄN THỊ LAN",
             "Ngày, tháng, năm sinh: 17/08/1987", "Số định danh cá nhân: 075187407342",
             "Nơi cư trú: 12 Lê Lợi, Phường Bến Nghé, Quận 1", "Số điện thoại: 0903123456",
             "Nay tôi làm đơn này kính đề nghị quý cơ quan xem xét, giải quyết",
             "cho tôi theo quy định của pháp luật.", "Lý do: hoàn cảnh gia đình khó khăn.",
             "Tôi xin cam đoan những lời khai trên là đúng sự thật và xin chịu",
             "trách nhiệm trước pháp luật.", "Xin chân thành cảm ơn!"]
    for row, line in enumerate(lines):
        draw.text((80, 260 + 58 * row), line, font=font, fill=0)
    for ring in range(3):  # a stamp in red ink, grey once scanned: three rings and a star
        radius = 220 - 22 * ring
        draw.ellipse((700 - radius, 420 - radius, 700 + radius, 420 + radius), outline=150, width=6)
    draw.regular_polygon((700, 420, 50), 5, fill=150)
    image.save(path, dpi=(300, 300))


def test_a_birth_date_the_page_pass_lost_under_a_stamp_is_filed_from_the_page_read_as_one_block(dossier, tmp_path):
    scan = tmp_path / "don.png"
    application_under_a_stamp(scan)
    source, engine = PageSource(0, 1, Image.open(scan), 300), TesserocrEngine()
    first = read.read_page(source, engine=engine, settings=OcrSettings())
    assert "1987" not in first.text  # the line is lost on the first reading
    assert read.read_without_leaders(source, first, engine=engine, settings=OcrSettings()) is None  # no dots

    assert dossier("ingest", str(scan)).code == 0
    [batch] = dossier("batches", "--json").json()
    shown = dossier("show", str(batch["documents"][0]), "--json").json()
    assert shown["doc_type"] == "application_letter"
    assert shown["fields"]["date_of_birth"] == "1987-08-17"
    # its ID read on the block's text alone, with no second reader: not filed
    assert "id_number" not in shown["fields"]
