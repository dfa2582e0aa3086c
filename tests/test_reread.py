"""Re-reading unread labelled values from their line alone: which lines are read again, what is kept
on the page, and what extraction accepts (only what two readings or the validators confirm)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.domain import CHECK_NAME_OF_NOISE, OcrResult, PageText, Word
from pipeline.stages.extract import read_document, reread
from pipeline.stages.extract.labels import Kind

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")


def words_of(lines: list[str]) -> list[Word]:
    """Word boxes for lines of text: 20 px a character, 50 px a line."""
    words = []
    for row, line in enumerate(lines):
        left = 100
        for token in line.split():
            words.append(Word(token, 90.0, left, 100 + 50 * row, 20 * len(token), 30))
            left += 20 * (len(token) + 1)
    return words


def page_of(lines: list[str]) -> PageText:
    return PageText(0, 1, "\n".join(lines), 80.0, "ocr", words_of(lines))


class FakeEngine:
    """Answers each crop with the next prepared reading (nothing once they run out); records the crops,
    languages and segmentation modes asked for."""

    name = "fake"
    version = "0"

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[tuple[int, int], str, int]] = []
        self.characters: list[str] = []
        self.crops: list = []

    def recognize(self, image, *, languages, timeout, psm=3, dpi=0, alternatives=False, characters=""):
        self.asked.append((image.size, languages, psm))
        self.crops.append(image)
        self.characters.append(characters)
        return OcrResult(self.answers.pop(0) if self.answers else "", 80.0, [])

    def detect_orientation(self, image):
        return None


LETTER = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: TRẦN THỊ BÌNH", "Ngày sinh: 12/03/1990 Giới tính: Nữ",
          "Số định danh cá nhân: ...()791595548Z0.......", "Số điện thoại: 0903123456"]


class TestWhichLinesAreReadAgain:
    def test_only_an_id_or_birth_date_label_whose_value_reads_as_none(self):
        lines = reread.unread_value_lines(page_of(LETTER))
        assert [(line.kind, line.read) for line in lines] == [(Kind.IDENTITY, "...()791595548Z0.......")]
        left, top, right, bottom = lines[0].box
        assert top == 250 and bottom == 280 and left > 100  # the value's words, not the label's

    def test_an_id_with_look_alike_letters_is_read_again_though_its_digits_make_twelve(self):
        page = page_of([line.replace("()791595548Z0", "07919Z123456") for line in LETTER])
        assert [line.read for line in reread.unread_value_lines(page)] == ["...07919Z123456......."]

    def test_nine_digits_under_a_personal_id_label_are_read_again(self):
        # an old card's number, or a personal ID whose first group was lost: a second look decides
        page = page_of([line.replace("()791595548Z0", "2. 061 316 586") for line in LETTER])
        assert [line.read for line in reread.unread_value_lines(page)] == ["...2. 061 316 586......."]

    def test_a_page_whose_values_read_needs_nothing(self):
        page = page_of([line.replace("()791595548Z0", "079190123456") for line in LETTER])
        assert reread.unread_value_lines(page) == []
        assert reread.reread_page(page, Image.new("L", (1200, 600), 255), engine=FakeEngine([]), timeout=5) is page

    def test_a_number_is_read_by_both_models_as_a_line_and_as_a_raw_line_and_kept_on_the_page(self):
        engine = FakeEngine(["079190123456", "079190123456", "", "07919012345"])
        page = reread.reread_page(page_of(LETTER), Image.new("L", (1200, 600), 255), engine=engine, timeout=5)
        assert [(languages, psm) for _, languages, psm in engine.asked] == [
            ("vie", 7), ("eng", 7), ("vie", 13), ("eng", 13), ("vie", 13), ("eng", 13), ("vie", 7), ("eng", 7)]
        assert page.details["values_read_again"] == [{
            "kind": "identity", "read": "...()791595548Z0.......",
            "again": ["079190123456", "079190123456", "", "07919012345", "", "", "", ""],
            "readers": ["vie:7", "eng:7", "vie:13", "eng:13", "vie:13", "eng:13", "vie:7", "eng:7"]}]

    def test_a_number_is_read_again_at_twice_its_size_by_the_same_readers(self):
        engine = FakeEngine([])
        reread.reread_page(page_of(LETTER), Image.new("L", (1200, 600), 255), engine=engine, timeout=5)
        (width, height), *_ = engine.asked[0]
        assert [size for size, _, _ in engine.asked[6:]] == [(width * 2, height * 2)] * 2
        # a reading of the large crop agrees with nothing its reader read at the usual size
        lines = [line for line in LETTER if not line.startswith("Ngày sinh")]
        answers = ["079190123456", "", "", "", "", "", "079190123456", ""]
        reading = read_document([reread_letter(answers, lines)], CATALOG.get("application_letter"))
        assert "id_number" not in {f.name for f in reading.fields}
        answers[7] = "079190123456"  # the English model, another reader, read the large crop alike
        reading = read_document([reread_letter(answers, lines)], CATALOG.get("application_letter"))
        assert {f.name: f.value for f in reading.fields}["id_number"] == "079190123456"

    def test_a_number_is_read_twice_more_with_only_its_ink_kept(self):
        # grey leader dots and a tint gone, strokes solid black: the last two crops are black and white only
        image = Image.new("L", (1200, 600), 200)
        engine = FakeEngine([])
        reread.reread_page(page_of(LETTER), image, engine=engine, timeout=5)
        assert [np.unique(np.asarray(crop.convert("L"))).tolist() for crop in engine.crops[4:6]] == [[255], [255]]
        assert [np.unique(np.asarray(crop.convert("L"))).tolist() for crop in engine.crops[:4]] == [[200]] * 4

    def test_a_number_the_page_read_with_box_lines_is_read_twice_more_without_them_digits_only(self):
        boxed = [line.replace("...()791595548Z0.......", "|0|7|9|1|9|5|5|4|8|7|0") for line in LETTER]
        image = boxes_image("079159554870")
        engine = FakeEngine([])
        reread.reread_page(page_of(boxed), image, engine=engine, timeout=5)
        assert [(languages, psm) for _, languages, psm in engine.asked][8:] == [("eng", 7), ("eng", 13)]
        assert engine.characters == [""] * 8 + ["0123456789"] * 2

    def test_without_box_lines_in_the_image_a_number_is_read_the_eight_usual_ways(self):
        boxed = [line.replace("...()791595548Z0.......", "|0|7|9|1|9|5|5|4|8|7|0") for line in LETTER]
        engine = FakeEngine([])
        reread.reread_page(page_of(boxed), Image.new("L", (1200, 600), 255), engine=engine, timeout=5)
        assert engine.characters == [""] * 8

    def test_a_name_is_read_by_the_vietnamese_model_alone_as_a_line_and_as_a_raw_line_its_ink_and_twice_its_size(self):
        lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: ..tlUƑNH THỊ KHU.........."]
        engine = FakeEngine(["", "HUỲNH THỊ KHUÊ"])
        page = reread.reread_page(page_of(lines), Image.new("L", (1200, 600), 255), engine=engine, timeout=5,
                                  reads_as_name=lambda value: False)
        assert [(languages, psm) for _, languages, psm in engine.asked] == [("vie", 7), ("vie", 13), ("vie", 13),
                                                                            ("vie", 13)]
        (width, height), *_ = engine.asked[0]
        assert engine.asked[3][0] == (width * 2, height * 2)
        [entry] = page.details["values_read_again"]
        assert entry["again"] == ["", "HUỲNH THỊ KHUÊ", "", ""] and entry["readers"] == ["vie:7"] + ["vie:13"] * 3

    def test_a_name_on_a_dotted_line_is_read_twice_more_without_its_dots(self):
        lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: ..tlUƑNH THỊ KHU.........."]
        image = Image.new("L", (1200, 600), 255)
        image.paste(dotted_line("Huỳnh Thị Khuê", size=(560, 70)), (290, 120))  # over the value's words
        engine = FakeEngine([])
        reread.reread_page(page_of(lines), image, engine=engine, timeout=5, reads_as_name=lambda value: False)
        assert [(languages, psm) for _, languages, psm in engine.asked][4:] == [("vie", 7), ("vie", 13)]


def reread_letter(answers: list[str], lines: list[str] = LETTER) -> PageText:
    return reread.reread_page(page_of(lines), Image.new("L", (1200, 600), 255), engine=FakeEngine(answers), timeout=5)


class TestWhatExtractionAccepts:
    def test_an_id_the_birth_date_confirms_is_taken_and_marked(self):
        reading = read_document([reread_letter(["079190123456", "0791 9012"])], CATALOG.get("application_letter"))
        found = {f.name: f for f in reading.fields}
        assert found["id_number"].value == "079190123456"
        assert found["id_number"].details["reread"] and found["id_number"].confidence < 0.7

    def test_an_id_that_contradicts_the_birth_date_is_not_taken(self):
        reading = read_document([reread_letter(["079185123456", "079185123456"])], CATALOG.get("application_letter"))
        assert "id_number" not in {f.name for f in reading.fields}

    def test_without_a_birth_date_two_readings_must_agree(self):
        lines = [line for line in LETTER if not line.startswith("Ngày sinh")]
        one = read_document([reread_letter(["079190123456", "079190128456"], lines)], CATALOG.get("application_letter"))
        assert "id_number" not in {f.name for f in one.fields}
        both = read_document([reread_letter(["079190123456", "079190123456"], lines)],
                             CATALOG.get("application_letter"))
        assert {f.name: f.value for f in both.fields}["id_number"] == "079190123456"

    def test_a_crop_and_its_ink_alone_read_alike_by_one_reader_are_one_reading(self):
        # The Vietnamese model in raw-line mode read the crop and its ink alone alike; nothing else read
        # it: one reader's errors are the same twice, so nothing agrees
        lines = [line for line in LETTER if not line.startswith("Ngày sinh")]
        answers = ["", "", "079190123456", "", "079190123456", ""]
        reading = read_document([reread_letter(answers, lines)], CATALOG.get("application_letter"))
        assert "id_number" not in {f.name for f in reading.fields}
        answers[0] = "0791 9012 3456"  # now the same model as a line, another reader, read it too
        reading = read_document([reread_letter(answers, lines)], CATALOG.get("application_letter"))
        assert {f.name: f.value for f in reading.fields}["id_number"] == "079190123456"

    def test_a_page_read_again_before_readers_were_kept_counts_each_reading_as_its_own(self):
        lines = [line for line in LETTER if not line.startswith("Ngày sinh")]
        page = reread_letter(["", "", "079190123456", "", "079190123456"], lines)
        [entry] = page.details["values_read_again"]
        del entry["readers"]
        assert [r.reader for r in reread.readings_of(page, Kind.IDENTITY, entry["read"])] == [
            f"reading {index}" for index in range(8)]
        reading = read_document([page], CATALOG.get("application_letter"))
        assert {f.name: f.value for f in reading.fields}["id_number"] == "079190123456"

    def test_a_birth_date_is_taken_when_both_readings_give_it_or_the_id_year_confirms_it(self):
        lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: TRẦN THỊ BÌNH", "Ngày sinh: ..1Z/0S/19Z0....",
                 "Số định danh cá nhân: 079190123456"]
        agreed = read_document([reread_letter(["12/03/1990", "12/03/1990"], lines)], CATALOG.get("application_letter"))
        assert {f.name: f.value for f in agreed.fields}["date_of_birth"] == "1990-03-12"
        by_id = read_document([reread_letter(["12/03/1990", "12/08/1970"], lines)], CATALOG.get("application_letter"))
        assert {f.name: f.value for f in by_id.fields}["date_of_birth"] == "1990-03-12"
        neither = read_document([reread_letter(["12/03/1980", "12/08/1970"], lines)],
                                CATALOG.get("application_letter"))
        assert "date_of_birth" not in {f.name for f in neither.fields}


    def test_a_birth_date_two_readers_agree_on_wins_over_a_reading_cut_short_in_the_same_year(self):
        lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: TRẦN THỊ BÌNH", "Ngày sinh: 3 I-03- ¡979 3.",
                 "Số định danh cá nhân: 079179123456"]
        answers = ["31-03-1979 3. Giới tính", "31-03-1979 3. Gidi tinh", "", "", "1-03-1979 4 Giitnh", ""]
        reading = read_document([reread_letter(answers, lines)], CATALOG.get("application_letter"))
        assert {f.name: f.value for f in reading.fields}["date_of_birth"] == "1979-03-31"

    def test_a_birth_date_whose_line_of_words_runs_on_past_the_text_line_finds_its_readings(self):
        # The word boxes joined the date in words written under it to the date's line: the crop read
        # "26/9 uụ trăm …", the page's text line holds "26/9" alone
        lines = ["TỜ KHAI ĐĂNG KÝ KHAI SINH", "Họ, chữ đệm, tên: TRẦN THỊ BÌNH", "Ngày, tháng, năm sinh: 26/9"]
        page = reread_letter(["26/01/2023 ghi bằng chữ", "(2601/2023 ghi bing"], lines)
        [entry] = page.details["values_read_again"]
        entry["read"] += " uụ trăm lai tfới bự"
        assert len(reread.readings_of(page, Kind.DATE_OF_BIRTH, "26/9")) == len(entry["again"])
        assert reread.readings_of(page, Kind.DATE_OF_BIRTH, "26/8") == []  # another value's line: none
        reading = read_document([page], CATALOG.get("birth_registration_form"))
        assert {f.name: f.value for f in reading.fields}["date_of_birth"] == "2023-01-26"

    def test_a_birth_date_two_readers_agree_on_is_not_taken_against_the_ids_year(self):
        lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: TRẦN THỊ BÌNH", "Ngày sinh: ..1Z/0S/19Z0....",
                 "Số định danh cá nhân: 079190123456"]
        reading = read_document([reread_letter(["12/03/1980", "12/03/1980"], lines)],
                                CATALOG.get("application_letter"))
        assert "date_of_birth" not in {f.name for f in reading.fields}


class TestNamesReadAgain:
    LINES = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: ..tlUƑNH THỊ KHU.......... Sinh ngày: 14-10-1985",
             "Số định danh cá nhân: 034185907624"]

    def read(self, answers: list[str], lines: list[str] | None = None):
        from pipeline.stages.extract import read_again

        page = read_again(page_of(lines or self.LINES), Image.new("L", (1400, 600), 255),
                          engine=FakeEngine(answers), timeout=5)
        return {f.name: f for f in read_document([page], CATALOG.get("application_letter")).fields}

    def test_a_name_that_is_no_name_is_replaced_by_a_second_reading_the_lexicon_knows(self):
        found = self.read(["HUỲNH THỊ KHUÊ Sinh ngày: 14-10-1985"])
        assert found["full_name"].value == "HUỲNH THỊ KHUÊ" and found["full_name"].details["reread"]

    @pytest.mark.parametrize("answer", [
        "HUỲNH THI KHUÊ",  # a correction needed: not as read
        "HUỲNH KHUÊ",  # a syllable fewer than the first reading: another reading of the line
        "HUỲNH THỊ XYZQ",  # not a name
    ])
    def test_a_second_reading_that_is_not_plainly_a_name_of_as_many_syllables_is_not_taken(self, answer):
        found = self.read([answer])
        assert found["full_name"].value != name_part(answer)
        assert "validation" in found["full_name"].details  # the first reading stays, flagged

    @pytest.mark.parametrize("answers, name", [
        # "TRẦN THUIẬM": two syllables read as one; the line mode and the raw-line mode each read three
        (["TRẦN THỊ TÂM _..", "TRẦN THỊ.TÂM......."], "TRẦN THỊ TÂM"),
        (["TRẦN HỒNG ỔN", "TRẦN HỒNG ỔN TQ HH"], "TRẦN HỒNG ỔN"),  # a given name the lexicon lacks
    ])
    def test_a_name_two_readers_read_alike_is_taken_with_a_syllable_more_or_less(self, answers, name):
        lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: TRẦN THUIẬM.............. Sinh ngày: 14-10-1985",
                 "Số định danh cá nhân: 034185907624"]
        found = self.read(answers, lines)
        assert found["full_name"].value == name
        assert found["full_name"].details["reread"] == "read alike again by two readers"
        assert "check" not in found["full_name"].details  # the page read a name there, misread

    @pytest.mark.parametrize("answers", [
        ["", "TRẦN THỊ TÂM", "TRẦN THỊ TÂM", "TRẦN THỊ TÂM"],  # one reader (raw line: the crop, its ink, twice its size)
        ["TRẦN THỊ TÂM", "TRẦN THỊ TÂM X Y", "TRẦN THỊ TÁM", "TRẦN THỊ TÁM", "TRẦN THỊ TÁM"],  # two names, each twice
        ["TRẦN THỊ", "TRẦN THỊ"],  # agreed, but no name (no given name): flagged as read
        ["TRẦN VĂN THỊ TÂM AN", "TRẦN VĂN THỊ TÂM AN"],  # agreed, three syllables more than the line read
        ["TRÊN VĂN BỔN", "TRÊN VĂN BỔN"],  # agreed, but Trên is no family name
        ["BHẠM THLANH", "BHẠM THLANH"],  # agreed, but only the lexicon's repairs of letters make it a name
    ])
    def test_two_readers_must_agree_on_one_name_within_a_syllable_of_the_first_reading(self, answers):
        lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: TRẦN THUIẬM.............. Sinh ngày: 14-10-1985",
                 "Số định danh cá nhân: 034185907624"]
        found = self.read(answers, lines)
        assert found["full_name"].value == "TRẦN THUIẬM" and "validation" in found["full_name"].details

    def test_a_name_that_reads_is_not_read_again(self):
        lines = [line.replace("tlUƑNH THỊ KHU", "HUỲNH THỊ KHUÊ") for line in self.LINES]
        assert self.read([], lines)["full_name"].value == "HUỲNH THỊ KHUÊ"  # the engine was not asked

    def test_a_name_label_with_too_few_characters_for_a_name_is_not_read_again(self):
        from pipeline.stages.extract import lines_to_read_again

        lines = ["ĐƠN ĐỀ NGHỊ", "Họ tên: ........... //;0./. n", "Số định danh cá nhân: 034185907624"]
        assert lines_to_read_again(page_of(lines)) == []
        assert [line.kind for line in lines_to_read_again(page_of(self.LINES))] == [Kind.NAME]

    def test_a_name_label_whose_value_gives_no_name_at_all_is_read_again(self):
        from pipeline.stages.extract import lines_to_read_again

        lines = ["ĐƠN ĐỀ NGHỊ", "Họ tên: ........... //;00./. 0.086 nn", "Số định danh cá nhân: 034185907624"]
        [line] = lines_to_read_again(page_of(lines))
        assert line.kind is Kind.NAME and line.read == "........... //;00./. 0.086 nn"

    BELOW = ["GIẤY KHAI SINH", "Họ, chữ đệm, tên:", "2 NG 771 13M", "Ngày, tháng, năm sinh: 27/01/2015",
             "Giới tính: Nữ"]

    def test_the_line_under_a_name_label_that_ends_its_line_is_read_again_when_it_gives_no_name(self):
        from pipeline.stages.extract import lines_to_read_again

        [line] = lines_to_read_again(page_of(self.BELOW))
        # the whole line below: its words "2", "NG", "771", "13M" on the third row of `words_of`
        assert (line.kind, line.read, line.box) == (Kind.NAME, "2 NG 771 13M", (100, 200, 340, 230))

    @pytest.mark.parametrize("below", ["ĐẶNG THỊ TÂM",  # a name: nothing to read again
                                       "Ngày, tháng, năm sinh: 27/01/2015"])  # a label: the name's line was lost
    def test_the_line_under_a_name_label_is_not_read_again_when_it_reads_or_holds_a_label(self, below):
        from pipeline.stages.extract import lines_to_read_again

        assert lines_to_read_again(page_of(["GIẤY KHAI SINH", "Họ, chữ đệm, tên:", below])) == []

    def test_a_birth_date_after_an_unread_name_on_its_line_is_read_again_from_its_own_crop(self):
        from pipeline.stages.extract import lines_to_read_again

        lines = ["ĐƠN ĐỀ NGHỊ", "Họ tên: . ZŒZ£N'2ư Sinh ngày: 22/11⁄7956", "Số định danh cá nhân: 082156344161"]
        found = lines_to_read_again(page_of(lines))
        assert [(line.kind, line.read) for line in found] == [(Kind.DATE_OF_BIRTH, "22/11⁄7956"),
                                                               (Kind.NAME, ". ZŒZ£N'2ư")]
        assert found[0].box[0] > found[1].box[0]  # the date's crop starts at the date

    def test_unread_numbers_and_dates_come_before_names_within_a_pages_cap(self):
        from pipeline.stages.extract import lines_to_read_again

        names = [f"Họ, chữ đệm, tên người {who}: 2 NG 771 13M" for who in ("mẹ", "cha", "làm chứng", "nhận")]
        lines = ["TỜ KHAI", "Họ, chữ đệm, tên: 2 NG 771 13M", *names, "Ngày, tháng, năm sinh: 2?/0l/20l5x",
                 "Số định danh cá nhân: ...()791595548Z0......."]
        found = lines_to_read_again(page_of(lines))
        assert len(found) == reread.MAX_LINES_PER_PAGE
        assert [line.kind for line in found[:2]] == [Kind.DATE_OF_BIRTH, Kind.IDENTITY]

    @pytest.mark.parametrize("lines", [BELOW, ["ĐƠN ĐỀ NGHỊ", "Họ và tên: ..... 2 NG 771 13M ........",
                                               "Ngày sinh: 27/01/2015"]])
    def test_a_value_that_gave_no_name_takes_the_name_two_readers_read_alike(self, lines):
        found = self.read(["ĐẶNG THỊ TÂM", "ĐẶNG THỊ TÂM"], lines)
        assert found["full_name"].value == "ĐẶNG THỊ TÂM"
        assert found["full_name"].details["reread"] == "read alike again by two readers"
        # for an operator to compare with the scan: the line may be another person's
        assert found["full_name"].details["check"] == CHECK_NAME_OF_NOISE

    def test_a_name_read_again_on_a_dotted_line_loses_a_leaders_dot_under_a_letter(self):
        # the dots under the value read as the nặng tone (NẠM): the rule the page's own reading applies
        lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: .....LIL7U.KHẮC.ANH.NẠM..........", "Ngày sinh: 27/01/1980"]
        found = self.read(["....LƯU.KHẮC.ANH.NẠM........", "....LƯU.KHẮC.ANH.NẠM........."], lines)
        assert found["full_name"].value == "LƯU KHẮC ANH NAM"

    @pytest.mark.parametrize("answers", [
        ["ĐẶNG THỊ TÂM"],  # one reader, though a name the lexicon knows: no evidence against noise
        ["", "ĐẶNG THỊ TÂM", "ĐẶNG THỊ TÂM", "ĐẶNG THỊ TÂM"],  # one reader: the raw line, its ink, twice its size
        ["ĐẶNG THỊ", "ĐẶNG THỊ"],  # agreed, but its given name lost
    ])
    def test_a_value_that_gave_no_name_takes_none_unless_two_readers_agree_on_a_whole_name(self, answers):
        assert "full_name" not in self.read(answers, self.BELOW)


def name_part(text: str) -> str:
    return text.split(" Sinh")[0]



def boxes_image(digits: str, *, left: int = 540, top: int = 244, box: int = 30) -> Image.Image:
    """A page with `digits` in a row of boxes where LETTER's ID value stands (box lines 2 px wide)."""
    image = Image.new("L", (1200, 600), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 20)
    for index, digit in enumerate(digits):
        draw.rectangle((left + index * box, top, left + (index + 1) * box, top + box + 6), outline=0, width=2)
        draw.text((left + index * box + 8, top + 6), digit, font=font, fill=0)
    return image


class TestBoxLines:
    def test_the_lines_of_a_row_of_boxes_are_painted_out_and_the_digits_kept(self):
        crop = boxes_image("079159554871").crop((520, 230, 920, 292))
        unboxed = reread.without_box_lines(crop)
        assert unboxed is not None
        ink = np.asarray(unboxed) < reread.INK_LEVEL
        assert ink.any()                                  # the digits are still there, "1" included,
        assert ink.sum(axis=0).max() < 0.6 * 36          # and no column is inked as tall as a box
        assert np.asarray(unboxed)[:, 540 - 520].min() == 255  # the first box's left line is gone

    def test_a_line_of_letters_shows_no_boxes(self):
        image = Image.new("L", (700, 70), 255)
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 28)
        ImageDraw.Draw(image).text((10, 15), "Họ và tên: HILL IIIII lilli 1111", font=font, fill=0)
        assert reread.without_box_lines(image) is None

    def test_boxes_too_few_to_be_a_number_are_not_a_row_of_boxes(self):
        assert reread.without_box_lines(boxes_image("0791").crop((520, 230, 700, 292))) is None


def dotted_line(text: str, *, size: tuple[int, int] = (900, 70), dot: int = 2, step: int = 9,
                dots: bool = True) -> Image.Image:
    """A value written in italics on a dotted fill-in line, as forms print them: round dots `dot` px in
    radius every `step` px along the line the writing sits on (`dots` False: the writing alone)."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    row = 52
    for x in range(6, size[0] - 6, step) if dots else ():
        draw.ellipse((x - dot, row - dot, x + dot, row + dot), fill=0)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf", 30)
    draw.text((60, 52), text, font=font, fill=0, anchor="ls")
    return image


class TestLeaderDots:
    def test_the_dots_of_a_fill_in_line_are_painted_out_and_the_writing_kept(self):
        image = dotted_line("Nguyễn Thị Hạnh")
        undotted = reread.without_leader_dots(image, 46)
        assert undotted is not None
        writing = np.asarray(dotted_line("Nguyễn Thị Hạnh", dots=False)) < reread.INK_LEVEL
        before, after = np.asarray(image) < reread.INK_LEVEL, np.asarray(undotted) < reread.INK_LEVEL
        columns = np.flatnonzero(writing.any(axis=0))
        apart = np.ones(writing.shape[1], dtype=bool)
        apart[columns.min() - 12:columns.max() + 13] = False  # a dot beside a letter touches it
        assert before[:, apart].sum() > 0 and after[:, apart].sum() == 0  # the dots gone (not those letters touch)
        assert (after & writing).sum() == writing.sum()  # every stroke and mark of the writing kept, dots below too

    def test_the_dotted_line_is_read_again_without_its_dots_by_the_first_four_readers(self):
        lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: TRẦN THỊ BÌNH", "Số định danh cá nhân: ...()791595548Z0......."]
        page = page_of(lines)  # the ID's words at x 540-1000, y 200-230 (words_of)
        image = Image.new("L", (1200, 600), 255)
        image.paste(dotted_line("079159554870", size=(480, 70)), (530, 170))
        engine = FakeEngine([])
        reread.reread_page(page, image, engine=engine, timeout=5)
        assert [(languages, psm) for _, languages, psm in engine.asked][8:] == [
            ("vie", 7), ("eng", 7), ("vie", 13), ("eng", 13)]
        first, undotted = (np.asarray(engine.crops[index]) for index in (0, 8))
        assert (undotted < reread.INK_LEVEL).sum() < (first < reread.INK_LEVEL).sum()

    def test_a_line_without_dots_shows_none(self):
        image = Image.new("L", (700, 70), 255)
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 28)
        ImageDraw.Draw(image).text((10, 15), "Họ và tên: NGUYỄN THỊ HẠNH", font=font, fill=0)
        assert reread.without_leader_dots(image, 46) is None
        assert reread.without_leader_dots(Image.new("L", (300, 60), 255), 36) is None


class TestZone:
    CARD = ["CĂN CƯỚC CÔNG DÂN", "IDVNM3007206788079300720678<<9", "0010144F3010144VNM<<<<<<<<<<<3",
            "BUI<<THUY<MY<UYEN<<<<<<<<<<<<<"]

    def test_a_zone_that_confirms_the_id_and_the_birth_date_is_not_read_again(self):
        assert reread.unread_value_lines(page_of(self.CARD)) == []

    def test_a_zone_that_confirms_neither_is_read_again_as_one_block_of_its_lines(self):
        card = [line.replace("079300720678", "079306720678") for line in self.CARD]  # the two numbers disagree
        [line] = reread.unread_value_lines(page_of(card))
        assert line.kind == reread.ZONE and line.read.splitlines() == card[1:]
        left, top, right, bottom = line.box
        assert (top, bottom) == (150, 280)  # the zone's three lines, not the heading
        engine = FakeEngine(["IDVNM3007206788079300720678<<9\n0010144F3010144VNM<<<<<<<<<<<3"])
        page = reread.reread_page(page_of(card), Image.new("L", (1200, 600), 255), engine=engine, timeout=5)
        assert [(languages, psm) for _, languages, psm in engine.asked] == [("eng", reread.PSM_BLOCK)]
        assert engine.characters == [reread.ZONE_CHARACTERS]
        assert reread.zone_read_again(page) == ["IDVNM3007206788079300720678<<9\n0010144F3010144VNM<<<<<<<<<<<3"]
        found = {f.name: f.value for f in read_document([page], CATALOG.get("citizen_id_card")).fields}
        assert (found["id_number"], found["date_of_birth"]) == ("079300720678", "2000-10-14")

    def test_a_page_without_a_zone_has_none_to_read_again(self):
        assert reread.unread_value_lines(page_of(["GIẤY KHAI SINH", "Số: 12/2020 << xem mặt sau >>"])) == []
