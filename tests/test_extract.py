"""Field extraction: the values operators search by, normalised, validated, with confidence and page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.domain import CHECK_DATE_IN_WORDS, CHECK_ZONE_DATE_IN_IDS_YEAR, PageText, Word
from pipeline.stages.extract import extract, read_document
from pipeline.stages.extract import values as V
from pipeline.stages.extract.layout import clean_line

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")


def page(text: str, *, confidence: float = 95.0, words: list[Word] | None = None) -> PageText:
    return PageText(0, 1, text, confidence, "ocr", words or [])


def fields_of(text: str | list[str], doc_type: str | None = None) -> dict[str, str]:
    pages = [page(t) for t in ([text] if isinstance(text, str) else text)]
    return {f.name: f.value for f in extract(pages, CATALOG.get(doc_type) if doc_type else None)}


class TestDates:
    @pytest.mark.parametrize("text, iso", [
        ("12/03/2021", "2021-03-12"), ("5-3-2021", "2021-03-05"), ("05.03.2021", "2021-03-05"),
        ("ngày 12 tháng 3 năm 2021", "2021-03-12"), ("Quận 1, ngày 05 tháng 02 năm 2019", "2019-02-05"),
        ("ngay 12 thang 3 nam 2021", "2021-03-12"), ("ngày 06-tháng 02 năm 2024", "2024-02-06"),
        ("2021-03-12", "2021-03-12"),
    ])
    def test_printed_dates_are_stored_iso(self, text, iso):
        assert V.normalise_date(text) == iso

    @pytest.mark.parametrize("text", ["31/02/2021", "ngày 40 tháng 3 năm 2021", "tháng 3", ""])
    def test_impossible_dates_are_refused(self, text):
        with pytest.raises(V.InvalidValue):
            V.normalise_date(text)

    @pytest.mark.parametrize("printed, iso", [
        ("Sinh ngày: .......14/10/1.974....................... Giới tính: Nữ", "1974-10-14"),  # a leader dot
        ("Ngày sinh: I2/03/l990", "1990-03-12"),  # letters for digits
        ("Ngày sinh: 05-3-19,80", "1980-03-05"),
    ])
    def test_a_labelled_birth_date_survives_look_alikes_and_a_dot_in_its_year(self, printed, iso):
        assert fields_of(f"TỜ KHAI\nHọ và tên: TRẦN THỊ BÌNH\n{printed}")["date_of_birth"] == iso

    @pytest.mark.parametrize("printed, iso", [
        ("Ngày sinh / Date of birth: 2202/1951", "1951-02-22"),  # the slash between day and month lost
        ("Ngày sinh: 22/021951", "1951-02-22"),  # the one before the year
        ("Ngày sinh: ..08,09. 1966 TH HH", "1966-09-08"),  # a dot read as a comma after the day
        ("Ngày, tháng, năm sinh: 3 I-08-1992 Ngày", "1992-08-31"),  # the day's narrow 1 set apart
        ("Sinh ngày: ...20.06.1 982 MA. .. Giới tính: Nữ", "1982-06-20"),  # the year's
    ])
    def test_a_labelled_birth_date_survives_a_lost_or_misread_separator(self, printed, iso):
        assert fields_of(f"TỜ KHAI\nHọ và tên: TRẦN THỊ BÌNH\n{printed}")["date_of_birth"] == iso

    def test_a_lost_separator_is_put_back_only_where_a_label_says_a_date_is(self):
        from pipeline.dates import find_date, find_misread_date
        assert find_date("2202/1951") is None
        assert find_misread_date("Số: 1234/2021") is None  # no day 12 of month 34
        found = find_misread_date("sinh 2202/1951 Giới")
        assert found.iso == "1951-02-22" and "sinh 2202/1951 Giới"[found.start:found.end] == "2202/1951"

    def test_a_day_set_apart_is_joined_and_its_span_holds_both_digits(self):
        from pipeline.dates import find_misread_date
        found = find_misread_date("sinh: 3 I-08-1992 Giới")
        assert found.iso == "1992-08-31" and "sinh: 3 I-08-1992 Giới"[found.start:found.end] == "3 I-08-1992"
        assert find_misread_date("sinh: 5 8-08-1992") is None  # day 58: the day is in doubt, not 8
        assert find_misread_date("2. 1-08-1992").iso == "1992-08-01"  # a numbered line's dot: no day of it
        found = find_misread_date("ngày 3 I-08-1 992 x")  # both at once
        assert found.iso == "1992-08-31" and "ngày 3 I-08-1 992 x"[found.start:found.end] == "3 I-08-1 992"

    def test_a_table_cells_border_glued_to_a_date_is_no_digit_of_it(self):
        from pipeline.dates import find_misread_date
        found = find_misread_date("sinh: [07/10/1996 19/05/1992")
        assert found.iso == "1996-10-07" and "sinh: [07/10/1996 19/05/1992"[found.start:found.end] == "07/10/1996"
        assert find_misread_date("|05/03/1990").iso == "1990-03-05"
        assert find_misread_date("|5/03/1990").iso == "1990-03-15"  # one digit after it: the bar is a 1

    def test_a_brace_before_a_digit_is_a_one_with_its_serif(self):
        from pipeline.dates import find_misread_date
        text = "TỜ KHAI\nHọ và tên: TRẦN TÚ HƯƠNG\nNgày, tháng, năm sinh: {1/06/2012... ghi bằng chữ: Ngày mười một"
        assert fields_of(text)["date_of_birth"] == "2012-06-11"  # not the 1st: the brace is the day's first digit
        assert find_misread_date("{07/10/1996").iso == "1996-10-07"  # before two digits: a cell's border
        assert find_misread_date("26/02/1990}").iso == "1990-02-26"  # a closing one is no digit

    def test_a_dot_in_a_year_is_taken_out_only_where_a_label_says_a_date_is(self):
        from pipeline.dates import find_date, find_misread_date
        assert find_date("14/10/1.974") is None
        found = find_misread_date("Sinh ngày: 14/10/1.974")
        assert found.iso == "1974-10-14" and "Sinh ngày: 14/10/1.974"[found.start:found.end] == "14/10/1.974"

    @pytest.mark.parametrize("text, years", [
        ("20,02.19Z5 cccvve,", [1925, 1975]),  # Z: a 2 upright, a 7 handwritten
        ("14/08 18950 Giới t", [1890, 1895, 1950]),  # a stray digit in the year, each left out
        ("2Z/l1⁄/19Z5", [1925, 1925, 1975, 1975]),  # day 22 or 27 as well
        ("1/0641", []), ("12/03/1990", [1990]),
    ])
    def test_a_date_read_with_ambiguous_letters_lists_what_it_may_be(self, text, years):
        from pipeline.dates import date_readings
        assert [date.year for date in date_readings(text)] == years

    @pytest.mark.parametrize("printed, id_number, iso", [
        ("Sinh ngày: 20,02.19Z5", "089175647933", "1975-02-20"),
        ("Sinh ngày: 20,02.19Z5", "089125647933", "1925-02-20"),
        ("Sinh ngày: 14/08 18950", "079150001234", "1950-08-14"),
        ("Sinh ngày: 14/08 18950", "079175001234", None),  # no reading carries the ID's year
    ])
    def test_the_ids_year_chooses_among_a_birth_dates_readings(self, printed, id_number, iso):
        text = f"ĐƠN ĐỀ NGHỊ\nHọ và tên: NGUYỄN LỆ LAN\n{printed}\nSố định danh cá nhân: {id_number}"
        assert fields_of(text, "application_letter").get("date_of_birth") == iso

    def test_a_birth_year_before_1900_is_a_misreading_and_the_id_is_not_judged_by_it(self):
        text = "ĐƠN ĐỀ NGHỊ\nHọ và tên: ĐẶNG ĐÌNH ANH\nSinh ngày: 18/10/1885\nSố định danh cá nhân: 075095526886"
        reading = read_document([page(text)], CATALOG.get("application_letter"))
        found = {f.name: f.value for f in reading.fields}
        assert "date_of_birth" not in found and found["id_number"] == "075095526886"
        assert "date_of_birth unreadable: read '18/10/1885' (not a living citizen's birth date)" in reading.unread

    @pytest.mark.parametrize("born, problem", [("1885-10-18", "before 1900"), ("2999-01-01", "in the future"),
                                               ("1900-01-01", None)])
    def test_a_birth_date_a_citizen_cannot_have_is_flagged_when_an_operator_types_it(self, born, problem):
        check = V.cross_check({"date_of_birth": born}).get("date_of_birth")
        assert (check.problems[0] if check else None) == problem

    @pytest.mark.parametrize("words, day_month", [
        ("s3 mồng mười, tháng bảy. năna.hai nghìn không trăm", (10, 7)),  # the year cut off: not needed
        ("Ngày hai mươi tư tháng mười hai năm một nghìn chín trăm", (24, 12)),
        ("mùng một tháng giêng năm hai nghìn", (1, 1)),
        ("ngày mười lăm, tháng năm, năm hai nghìn linh năm", (15, 5)),  # May, then the year
        ("ngày ba mươi mốt tháng tư năm", (31, 4)),
        ("ngày 39¿:z2%/3", None), ("ngày bốn mươi tháng hai", (None, 2)),  # no day 40: the month alone
        ("Ns¿V”!ö§ năm, tháng nưười, năm lại 0ghùt", (5, None)),  # a damaged numeral: the day alone
        ("ngày nưười tháng bảyy", None),  # neither reads
        # a ten beside a misread word may have gone on in it: "mười mội" is 11, "chí mười" maybe 20-29
        ("9% mòng.chí tháng.mười mội.năm hol.nghìn", None),
        ("ghi bằng chữ: mười tháng mười một năm", (10, 11)), ("chí mười một, tháng hai năm", (None, 2)),
    ])
    def test_a_date_in_words_gives_its_day_and_month(self, words, day_month):
        from pipeline.dates import date_in_words
        found = date_in_words(words)
        assert (found and (found.day, found.month)) == day_month

    @pytest.mark.parametrize("words, parts", [
        ("Ngày mông.ba tháng mười hai năm hai nghìn không trăm.linh.chín.........", (3, 12, 2009)),
        ("Ngày mười một, tháng tư, năm hai nghìn không trăm linh chín .....", (11, 4, 2009)),
        ("ngày hai mươi, tháng sáu, năm. hai. nghìn.không trăm.hai.mươi hai......", (20, 6, 2022)),
        ("ngày mồng năm, tháng năm, năm một nghìn chín trăm tám mươi lăm.", (5, 5, 1985)),
        ("mùng một tháng giêng năm hai nghìn linh năm, tại", (1, 1, 2005)),
        ("ngày mười tám tháng hai năm hai nghìn không trăm mười", (18, 2, 2010)),  # the line ends: closed
        # a year that runs on into a word or mark none of its may be cut short: not read
        ("ghi bằng chữ: Ngày mồng năm tháng sáu năm hai nghìn không trăm mứt....", (5, 6, None)),
        ("Ngày.mồng ba.tháng.tám. năm.hai.nghìn không trăm _¬", (3, 8, None)),
        ("ngày ba mươi tháng sáu năm hai nghìn không trăm.....", (30, 6, None)),  # ends at its hundreds
        ("Ngày mồng sáu tháng một năm hai nghìn không trăm hai", (6, 1, None)),  # "hai" alone: no year's end
        ("ngày 39¿:z2%/3 tháng nưười năm hai nghìn không trăm mười.", None),  # neither day nor month
    ])
    def test_a_date_in_words_gives_its_year_only_when_its_numeral_is_closed(self, words, parts):
        from pipeline.dates import date_in_words
        found = date_in_words(words, "Giới tính: Nữ")
        assert (found and (found.day, found.month, found.year)) == parts

    def test_a_year_in_words_wrapped_onto_the_next_line_is_read_across_it(self):
        from pipeline.dates import date_in_words
        assert date_in_words("Ngày mồng sáu tháng một năm hai nghìn không trăm hai", "mươi ba").year == 2023
        # the day and month are the words' line's own: a date on the next line is not theirs
        assert date_in_words("ghi bằng chữ: ksyie li", "Quận 5, ngày mười tháng tư năm hai nghìn") is None

    def test_the_date_in_words_chooses_among_the_digits_readings(self):
        # Z is a 2 or a 7: "tháng bảy" says July; no ID on the form to say anything
        text = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên: LÊ THANH HẢI PHÚC\n"
                "Ngày, tháng, năm sinh: 10/0Z/2010 ghi bằng chữ: mồng mười, tháng bảy, năm hai nghìn không trăm mười")
        assert fields_of(text, "birth_registration_form")["date_of_birth"] == "2010-07-10"
        # the words name a month neither reading has: nothing is chosen
        assert "date_of_birth" not in fields_of(text.replace("tháng bảy", "tháng tám"), "birth_registration_form")

    def test_a_birth_date_whose_day_in_words_contradicts_its_digits_is_missing(self):
        # "2/1/2023" for 05/10/2023; the words' month damaged ("nưười"), their day ("năm", 5) read
        text = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên: VÕ DUY HOÀNG ĐOÀN\nNgày, tháng, năm sinh: 2/1/2023 "
                "ghi bằng chữ: Ns¿V”!ö§ năm, tháng nưười, năm lại 0ghùt không trăm hai mươi ba")
        assert "date_of_birth" not in fields_of(text, "birth_registration_form")
        assert fields_of(text.replace("2/1/2023", "5/1/2023"), "birth_registration_form")["date_of_birth"] == "2023-01-05"

    def test_a_birth_date_its_words_contradict_is_missing_with_both_readings(self):
        text = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên: LÊ THANH HẢI PHÚC\n"
                "Ngày, tháng, năm sinh: 10/02/2010 ghi bằng chữ: mồng mười, tháng bảy, năm hai nghìn không trăm mười")
        reading = read_document([page(text)], CATALOG.get("birth_registration_form"))
        assert "date_of_birth" not in {f.name for f in reading.fields}
        assert reading.unread == ["date_of_birth unreadable: read '10/02/2010', in words day 10 month 7 year 2010 "
                                  "(the readings disagree)"]
        assert fields_of(text.replace("10/02/2010", "10/07/2010"), "birth_registration_form")["date_of_birth"] == "2010-07-10"

    def test_a_birth_date_whose_digits_read_as_none_is_read_from_its_words_for_review(self):
        # handwritten digits lost; the words on the line below, closed by their leader dots, read whole
        text = ("TRÍCH LỤC KHAI SINH\nHọ, chữ đệm và tên: NGUYỄN THỊ TỐ\n"
                "Ngày, tháng, năm sinh: ......)3. 12.29.................... - 5-5\n"
                "Ghi bằng chữ: Ngày mông.ba tháng mười hai năm hai nghìn không trăm.linh.chín.........\n"
                "Giới tính: Nữ")
        reading = read_document([page(text)], CATALOG.get("birth_certificate"))
        found = {f.name: f for f in reading.fields}
        assert found["date_of_birth"].value == "2009-12-03"
        assert found["date_of_birth"].details["check"] == CHECK_DATE_IN_WORDS
        # the year cut short, a misread word after it: no date
        cut = text.replace("không trăm.linh.chín.........", "không trăm mười xáu")
        assert "date_of_birth" not in fields_of(cut, "birth_certificate")
        # an ID read on the document whose birth-year digits say another year: no date
        with_id = text + "\nSố định danh cá nhân: 079319123456"
        assert "date_of_birth" not in fields_of(with_id, "birth_certificate")
        assert fields_of(with_id.replace("079319", "079309"), "birth_certificate")["date_of_birth"] == "2009-12-03"

    def test_a_birth_date_whose_year_in_words_contradicts_its_digits_is_missing(self):
        text = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên: LÊ THANH HẢI PHÚC\n"
                "Ngày, tháng, năm sinh: 10/07/2016 ghi bằng chữ: mồng mười, tháng bảy, năm hai nghìn không trăm "
                "mười chín.......")
        assert "date_of_birth" not in fields_of(text, "birth_registration_form")
        assert fields_of(text.replace("2016", "2019"), "birth_registration_form")["date_of_birth"] == "2019-07-10"

    def test_a_birth_date_two_readings_fit_stays_unread(self):
        # the ID's year picks 1975, but the day may be 22 or 27: nothing says which
        text = "ĐƠN ĐỀ NGHỊ\nHọ và tên: NGUYỄN LỆ LAN\nSinh ngày: 2Z/11/19Z5\nSố định danh cá nhân: 089175647933"
        reading = read_document([page(text)], CATALOG.get("application_letter"))
        assert "date_of_birth" not in {f.name for f in reading.fields}
        assert any(note.startswith("date_of_birth unreadable: read '2Z/11/19Z5'") for note in reading.unread)

    def test_the_place_and_date_line_gives_the_issue_date(self):
        found = fields_of("Số: 45/QĐ-UBND Quận 1, ngày 12 tháng 3 năm 2021\nQUYẾT ĐỊNH", "decision")
        assert found["issue_date"] == "2021-03-12"

    def test_a_date_line_wrapped_before_the_year_is_read_whole(self):
        found = fields_of("ĐƠN ĐỀ NGHỊ\nTôi tên là: LÊ VĂN AN\nLàm tại: Quận 10, ngày 23 tháng 11 năm\n2023\n",
                          "application_letter")
        assert found["issue_date"] == "2023-11-23"

    def test_dates_cited_in_the_body_are_not_the_document_date(self):
        text = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nBình Thạnh, ngày 2 tháng 1 năm 2024"
        assert fields_of(text, "decision")["issue_date"] == "2024-01-02"


class TestPersonalIdNumber:
    def test_a_valid_number_passes(self):
        assert V.check_id_number("079090001234", date_of_birth="1990-05-01", gender="Nam").ok

    @pytest.mark.parametrize("number, problem", [
        ("003090001234", "unknown province code 003"), ("079590001234", "century/gender digit 5"),
        ("07909000123", "not 12 digits"),
    ])
    def test_province_code_and_century_digit_are_checked(self, number, problem):
        assert any(problem in p for p in V.check_id_number(number).problems)

    @pytest.mark.parametrize("number, dob, gender, ok", [
        ("079190001234", "1990-05-01", "Nữ", True),  # 1: female, 1900s
        ("079290001234", "1990-05-01", "Nam", False),  # 2 says born in the 2000s
        ("079205001234", "2005-05-01", "Nam", True),
        ("079305001234", "2005-05-01", "Nam", False),  # 3 says female
        ("079091001234", "1990-05-01", "Nam", False),  # year digits 91 ≠ 1990
    ])
    def test_century_gender_digit_and_year_must_match_birth_date_and_gender(self, number, dob, gender, ok):
        assert V.check_id_number(number, date_of_birth=dob, gender=gender).ok is ok

    def test_a_birth_year_still_to_come_is_refused(self):
        """Century digit 2 and year 67 say born in 2067: a misread, whatever else fits."""
        today = dt.date(2026, 12, 7)
        assert V.check_id_number("079267001234", today=today).problems == ("birth year 2067 is in the future",)
        assert V.birth_year_of_id("079267001234", today=today) is None
        assert V.check_id_number("079226001234", today=today).ok  # born this year: IDs are given at birth
        assert V.birth_year_of_id("079226001234", today=today) == 2026

    def test_all_63_pre_2025_province_codes_are_known(self):
        assert len(V.PROVINCE_CODES) == 63 and "079" in V.PROVINCE_CODES and "003" not in V.PROVINCE_CODES

    def test_digits_split_by_spaces_or_misread_as_letters_are_joined(self):
        assert V.normalise_id_number("Số định danh: 079 090 0O1234") == "079090001234"
        assert V.digit_runs("CCCD số 079091894033 208039538") == ["079091894033", "208039538"]

    def test_an_id_that_contradicts_the_birth_date_is_missing_with_the_reading_for_review(self):
        text = "GIẤY KHAI SINH\nHọ, chữ đệm, tên: TRẦN VĂN BÌNH\nNgày, tháng, năm sinh: 12/03/2005\n" \
               "Giới tính: Nam\nSố định danh cá nhân: 079090001234"
        reading = read_document([page(text)], CATALOG.get("birth_certificate"))
        assert "id_number" not in {f.name for f in reading.fields}  # missing and flagged beats wrong
        assert reading.unread == ["id_number unreadable: read 079090001234 "
                                  "(does not match the date of birth 2005-03-12)"]

    @pytest.mark.parametrize(("printed", "born", "id_number"), [
        ("0Z9.082.901.921", "22/11/1982", "079082901921"),  # an italic 7 read as Z (a Z may be 2 or 7)
        ("| 0|7|9I0|9|1|5|10|9|13]4]5|", "02/05/1991", "079091509345"),  # boxes: lines read as | ] I 1
        ("O7 5095526886", "01/01/1995", "075095526886"),
    ])
    def test_an_id_with_look_alike_letters_takes_the_one_reading_the_birth_date_allows(self, printed, born, id_number):
        text = f"TỜ KHAI\nHọ và tên: LÊ VĂN AN\nNgày, tháng, năm sinh: {born}\nSố định danh cá nhân: {printed}"
        found = {f.name: f for f in extract([page(text)], CATALOG.get("application_letter"))}
        assert found["id_number"].value == id_number
        assert found["id_number"].confidence < 0.7
        assert found["id_number"].details["read_as"] == clean_line(printed)  # box lines are rules: gone

    def test_an_id_whose_readings_several_birth_dates_allow_is_missing_with_the_reading(self):
        # Born in 2000, a 3 (a woman born this century) or a 2 (a man) may follow the province code:
        # each of the 1, I read beside a box line may be a line or a digit; two readings fit.
        text = ("TỜ KHAI\nHọ và tên: LÊ THỊ AN\nNgày, tháng, năm sinh: 21/03/2000\n"
                "Số định danh cá nhân: | 0|5|6|3|0|0|9|1|2I5|4|5|")
        reading = read_document([page(text)], CATALOG.get("application_letter"))
        assert "id_number" not in {f.name for f in reading.fields}
        [note] = reading.unread
        assert note.startswith("id_number unreadable: read '0 5 6 3 0 0 9 1 2I5 4 5' (2 of its 2 ")

    def test_a_look_alike_with_one_reading_needs_no_birth_date(self):
        text = "TỜ KHAI\nHọ và tên: LÊ VĂN AN\nSố định danh cá nhân: 079 090 0O1234"
        assert fields_of(text, "application_letter")["id_number"] == "079090001234"

    def test_a_repaired_id_needs_a_birth_date_to_be_checked_against(self):
        text = "TỜ KHAI\nHọ và tên: LÊ VĂN AN\nSố định danh cá nhân: 0Z9.082.901.921"
        reading = read_document([page(text)], CATALOG.get("application_letter"))
        assert "id_number" not in {f.name for f in reading.fields}
        assert reading.unread == ["id_number unreadable: read '0Z9.082.901.921' (no birth date to choose among its readings)"]

    def test_look_alike_letters_never_make_an_id_of_words_or_a_date(self):
        assert V.id_readings("cấp ngày 21.03.2023 tại Cục Cảnh sát") == []
        assert V.id_readings("079091509345") == []  # digits alone are digit_runs' business
        assert V.id_readings("()891595548Z0") == []  # eleven positions: no 12-digit reading

    def test_a_number_below_a_label_that_names_its_paper_is_read_with_its_look_alikes(self):
        # the value "Căn cước công dân" holds no digit: the number is on the line below
        text = ("TỜ KHAI\nHọ và tên: NGUYỄN TRUNG CƯỜNG\nNgày, tháng, năm sinh: 20/02/1982\n"
                "Giấy tờ tùy thân: Căn cước công dân\n0Z9.082.901.921")
        assert fields_of(text, "application_letter")["id_number"] == "079082901921"

    def test_groups_parted_by_a_slash_are_one_number(self):
        # a dot written by hand between two groups, read as a slash: `digit_runs` leaves 9 digits and 3
        text = ("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ\n1. Họ, chữ đệm và tên: TRẦN CẨM NGỌC HIỀN\n"
                "2. Ngày, tháng, năm sinh: 21/02/1995\n"
                "4. Số định danh cá nhân: ........... 038.195 716/727... S1 1211121")
        assert fields_of(text, "residence_confirmation")["id_number"] == "038195716727"
        assert V.id_readings("0680 3419 9/7], ............ 5 c2121") == []  # a comma ends the number
        assert V.id_readings("ngày 12/07/2015, 13/08/2016") == []  # dates are no number's groups

    def test_the_word_after_a_number_lends_it_no_digit(self):
        # the G of "Giấy" would be a 6: the number would have thirteen positions and no reading
        assert V.id_readings("08606 144951 I Giấy tờ tùy thân: Số định danh cá nhân") == ["086061449511"]

    def test_a_number_beside_the_birth_date_it_carries_is_its_table_rows_person(self):
        # a residence confirmation lists the household's members, each with a birth date and an ID
        text = ("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ\n1. Họ, chữ đệm và tên: NGUYỄN HOÀNG GIA ỔN\n"
                "STT Họ, chữ đệm và tên Ngày, tháng, Giới Quan hệ với\n"
                "1 ĐẶNG THANH TRÂM 27/08/1975 Nữ 089175954288 Chủ hộ")
        assert "id_number" not in fields_of(text, "residence_confirmation")
        own_row = text.replace("ỔN\n", "ỔN\n2. Ngày, tháng, năm sinh: 27/08/1975\n")
        assert fields_of(own_row, "residence_confirmation")["id_number"] == "089175954288"

    def test_a_number_beside_an_issue_date_is_still_the_citizens(self):
        text = "ĐƠN ĐỀ NGHỊ\nHọ và tên: LÊ VĂN AN\nCăn cước 079190864632 cấp ngày 01/06/2021"
        assert fields_of(text, "application_letter")["id_number"] == "079190864632"

    def test_a_look_alike_beside_noise_digits_leaves_a_choice_not_its_first_digit(self):
        # the 22 is what a leader left: twelve positions in the number, fourteen with it; Z is a 2 or a 7
        assert V.id_readings("08Z301530Z89 22 csErerreree") == [
            "082301530289", "082301530789", "087301530289", "087301530789"]
        text = ("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\nHọ và tên: TRẦN ANH THƯ\nNgày, tháng, năm sinh: 09-06-2001\n"
                "Số CMND/CCCD: 08Z301530Z89 22")
        reading = read_document([page(text)], CATALOG.get("marital_status_certificate"))
        assert "id_number" not in {f.name for f in reading.fields}
        assert any("4 of its 4 possible readings" in note for note in reading.unread)

    def test_an_id_of_the_other_gender_is_missing_with_the_reading_for_review(self):
        # A man's ID (century digit 0) beside "Nữ": a relative's number, or a misread one.
        text = "GIẤY KHAI SINH\nHọ, chữ đệm, tên: TRẦN THỊ BÌNH\nNgày, tháng, năm sinh: 12/03/1990\n" \
               "Giới tính: Nữ\nSố định danh cá nhân: 079090001234"
        reading = read_document([page(text)], CATALOG.get("birth_certificate"))
        assert "id_number" not in {f.name for f in reading.fields}
        assert any("079090001234" in r and "does not match the gender Nữ" in r for r in reading.unread)
        # The same number beside "Nam" is his.
        found = fields_of(text.replace("Nữ", "Nam"), "birth_certificate")
        assert found["id_number"] == "079090001234"


class TestWhoseDataItIs:
    def test_a_birth_certificate_is_about_the_child_not_the_parents_or_declarant(self):
        text = """GIẤY KHAI SINH
Số: 125/2021/KS
Họ, chữ đệm, tên: NGUYỄN GIA HUY
Ngày, tháng, năm sinh: 02/04/2021
Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam
Số định danh cá nhân: 079221001122
Họ, chữ đệm, tên người mẹ: TRẦN THỊ MAI
Năm sinh: 1993 Dân tộc: Kinh
Nơi cư trú: 12 Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh
Họ, chữ đệm, tên người đi khai sinh: NGUYỄN VĂN HÙNG
Giấy tờ tùy thân: Căn cước công dân số 079090001234
Ngày, tháng, năm đăng ký: 20/04/2021"""
        assert fields_of(text, "birth_certificate") == {
            "full_name": "NGUYỄN GIA HUY", "date_of_birth": "2021-04-02", "gender": "Nam",
            "id_number": "079221001122", "document_number": "125/2021/KS", "issue_date": "2021-04-20",
            "mother_name": "TRẦN THỊ MAI", "agent_name": "NGUYỄN VĂN HÙNG"}  # each person their own field

    def test_a_declarants_id_after_a_dotted_so_stays_the_declarants(self):
        # The deceased's own lines did not read; the declarant's ID, written "số.0791…" on a dotted
        # fill-in line, looks like the "Số: …" an identity card prints its holder's ID after.
        text = """TRÍCH LỤC KHAI TỬ
Số: 11/2023/KT
Giấy tờ tùy thân: Căn cướợđ€ð
Họ, chữ đệm, tên người đi khai tử: .... TRẦN BÍCH HUỲNH.......
Giấy tờ tùy thân: .Căn.cước.công dân. số.079189397931..do.Cục. Cảnh sát. QLHC về......"""
        found = fields_of(text, "death_certificate")
        assert "id_number" not in found and found["document_number"] == "11/2023/KT"

    def test_a_marriage_table_gives_each_spouse_the_id_in_their_own_column(self):
        # the husband's number wrapped below his label, before the wife's label on the same line
        text = """GIẤY CHỨNG NHẬN KẾT HÔN
Họ, chữ đệm, tên chồng: Họ, chữ đệm, tên vợ:
HUỲNH GIA DUY TRẦN NHƯ HẢO
Ngày, tháng, năm sinh: 15/03/1961 Ngày, tháng, năm sinh: 18/04/1997
Giấy tờ tùy thân: Thẻ căn cước số
08606 144951 I Giấy tờ tùy thân: Số định danh cá nhân
077197245912"""
        found = fields_of(text, "marriage_certificate")
        assert (found["full_name"], found["spouse_name"]) == ("HUỲNH GIA DUY", "TRẦN NHƯ HẢO")
        assert found["id_number"] == "086061449511"  # not the wife's 077197245912

    def test_a_table_read_column_by_column_keeps_the_first_persons_id_over_the_second_ones_misread_label(self):
        # the column headers misread ("Bên vụ"), no two-person header: every cell reads as the husband's
        # block; the wife's ID, misread with an I, must not set his whole one aside as a choice among its readings
        text = """GIẤY CHỨNG NHẬN KẾT HÔN
Biên chồng
Bên vụ
Họ. chữ đệm, tên
NGUYỄN VĂN THIÊN NAM
PHẠM THỊ MAI
Ngày, tháng. năm sinh: 14.04.1983
Giấy tờ tùy thân
Số định danh cá nhân 079 083
465502
Số định danh cá nhân
0791 8503 I730"""
        found = fields_of(text, "marriage_certificate")
        assert (found["full_name"], found["id_number"]) == ("NGUYỄN VĂN THIÊN NAM", "079083465502")

    @pytest.mark.parametrize("labels", [
        "Giấy tờ tùy thân: Căn cước công dân số Chứng minh nhân dân số",
        "Giấy tờ tùy thân: Căn cước công dân số Giấy tờ tùy thân: Chứng minh nhân dân số"])
    def test_the_left_persons_id_label_takes_the_first_number_of_the_line_below(self, labels):
        text = f"""GIẤY CHỨNG NHẬN KẾT HÔN
Họ, chữ đệm, tên chồng: Họ, chữ đệm, tên vợ:
HUỲNH MINH VIỆT ĐỖ THỊ NGÂN
Ngày, tháng, năm sinh: 01/05/1991 18/04/1991
{labels}
079091894033 079191894034"""
        assert fields_of(text, "marriage_certificate")["id_number"] == "079091894033"

    def test_an_id_label_naming_its_paper_is_one_label_and_a_wrapped_number_stays_in_its_column(self):
        # "Giấy tờ tùy thân: Thẻ căn cước số 051" is one label (the paper's name is a label too); the
        # husband's number wraps to the next line, where the wife's label and number follow
        text = """GIẤY CHỨNG NHẬN KẾT HÔN
Họ, chữ đệm, tên chồng: Họ, chữ đệm, tên vợ:
NGUYỄN TUỆ NGUYỄN HỒNG HẠ
Ngày, tháng, năm sinh: 04/07/1971 Ngày, tháng, năm sinh: 27/06/1982
Giấy tờ tùy thân; Thẻ căn cước số 051 Minh
071654191 Giấy tờ tùy thân: CCCD số 0511 8208
3363"""
        found = fields_of(text, "marriage_certificate")
        assert found["id_number"] == "051071654191" and "old_id_number" not in found

    def test_a_wife_printed_first_takes_her_own_readings_with_her(self):
        # her birth date read with a Z is chosen by her ID once she is the document's person
        text = """GIẤY CHỨNG NHẬN KẾT HÔN
Họ, chữ đệm, tên vợ: TRẦN NHƯ HẢO
Ngày, tháng, năm sinh: 18/04/19Z7
Giấy tờ tùy thân: Căn cước công dân số 077177245912
Họ, chữ đệm, tên chồng: HUỲNH GIA DUY
Ngày, tháng, năm sinh: 15/03/1961
Giấy tờ tùy thân: Căn cước công dân số 086061449511"""
        found = fields_of(text, "marriage_certificate")
        assert (found["full_name"], found["spouse_name"]) == ("TRẦN NHƯ HẢO", "HUỲNH GIA DUY")
        assert (found["id_number"], found["date_of_birth"]) == ("077177245912", "1977-04-18")

    def test_a_birth_registration_form_names_the_child_and_who_asked_for_it(self):
        text = """TỜ KHAI ĐĂNG KÝ KHAI SINH
Họ, chữ đệm, tên người yêu cầu: NGUYỄN ĐỨC CƯỜNG
Giấy tờ tùy thân: Căn cước công dân số 051093585964
Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:
Họ, chữ đệm, tên: NGUYỄN CÔNG ĐẠT........
Ngày tháng, năm sinh: 02/04/2024.........
Giới tính: Nam Dân tộc: Kinh"""
        found = fields_of(text, "birth_registration_form")
        assert found["full_name"] == "NGUYỄN CÔNG ĐẠT" and found["agent_name"] == "NGUYỄN ĐỨC CƯỜNG"
        assert found["date_of_birth"] == "2024-04-02"
        assert "id_number" not in found  # the requester's ID is not the child's

    def test_an_application_made_for_a_child_keeps_the_child_apart(self):
        text = """ĐƠN ĐỀ NGHỊ
Tôi tên là: HUỲNH THỊ TỐ
Sinh ngày: 12/03/1980
Số định danh cá nhân: 079180001234
Nay tôi làm đơn này kính đề nghị quý cơ quan xem xét giải quyết cho con tôi là:
Họ và tên: VŨ THÙY HOÀI OANH
Sinh ngày: 05/06/2012
Số định danh cá nhân: 079312005678"""
        found = fields_of(text, "application_letter")
        assert (found["full_name"], found["beneficiary_name"]) == ("HUỲNH THỊ TỐ", "VŨ THÙY HOÀI OANH")
        assert (found["date_of_birth"], found["id_number"]) == ("1980-03-12", "079180001234")
        # the child's values first: still the child's, and the applicant's own come from her labels
        child_first = text.replace("Tôi tên là: HUỲNH THỊ TỐ\nSinh ngày: 12/03/1980\nSố định danh cá nhân: 079180001234\n", "")
        found = fields_of(child_first, "application_letter")
        assert "full_name" not in found and "id_number" not in found and found["beneficiary_name"] == "VŨ THÙY HOÀI OANH"

    @pytest.mark.parametrize("request_line", [
        "Nay tôi làm đơn này kính đề nghị quý cơ quan xem xét giải quyết cho người thân\ncủa tôi là: - ˆ",
        "Nay tôi làm đơn này kính đề nghị quý cơ quan xem xét giải\nquyết cho con tôi là: - ˆ",
        "Nay tôi làm đơn này kính đề nghị quý cơ quan xem xét giải quyết cho ông/bà:",
    ])
    def test_a_request_for_a_relative_wrapped_or_trailed_by_stray_marks_still_keeps_them_apart(self, request_line):
        text = ("ĐƠN ĐỀ NGHỊ\nTôi tên là: HUỲNH THỊ TỐ\nSinh ngày: 12/03/1980\n" + request_line
                + "\nHọ và tên: VŨ THÙY HOÀI OANH\nSinh ngày: 05/06/2012")
        found = fields_of(text, "application_letter")
        assert (found["full_name"], found["beneficiary_name"]) == ("HUỲNH THỊ TỐ", "VŨ THÙY HOÀI OANH")
        assert found["date_of_birth"] == "1980-03-12"

    def test_a_land_use_certificate_keeps_the_second_holder_apart(self):
        text = """GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT
I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất
Bà: NGUYỄN KIM NHƯ
Năm sinh: 1991 Số định danh cá nhân: 079 191 875 976
và chồng: Ông: NGUYỄN VĂN THIÊN QUÝ
Năm sinh: 1994 CCCD số: 048 094 567 321"""
        found = fields_of(text, "land_use_certificate")
        assert (found["full_name"], found["co_holder_name"]) == ("NGUYỄN KIM NHƯ", "NGUYỄN VĂN THIÊN QUÝ")
        assert found["id_number"] == "079191875976"
        # the holder's own ID unread: the second holder's is not taken for it
        found = fields_of(text.replace("079 191 875 976", "......"), "land_use_certificate")
        assert "id_number" not in found

    def test_a_power_of_attorney_separates_principal_and_agent(self):
        text = """GIẤY ỦY QUYỀN
I. NGƯỜI ỦY QUYỀN:
Họ và tên: HỒ HỮU HUY Sinh ngày: 03/02/1952
Số căn cước công dân: 079052001234
Nơi cư trú: 12 Võ Văn Tần, Phường 6, Quận 3, Thành phố Hồ Chí Minh
II. NGƯỜI ĐƯỢC ỦY QUYỀN:
Họ và tên: ĐINH THỊ THU Sinh ngày: 05/06/1985
Số căn cước công dân: 079185009876
III. NỘI DUNG ỦY QUYỀN:
Người được ủy quyền thay mặt người ủy quyền nhận lương hưu hằng tháng."""
        found = fields_of(text, "power_of_attorney")
        assert found["full_name"] == "HỒ HỮU HUY" and found["agent_name"] == "ĐINH THỊ THU"
        assert found["id_number"] == "079052001234" and found["date_of_birth"] == "1952-02-03"
        assert found["address"] == "12 Võ Văn Tần, Phường 6, Quận 3, Thành phố Hồ Chí Minh"

    def test_a_marriage_certificate_table_gives_husband_and_wife(self):
        text = """GIẤY CHỨNG NHẬN KẾT HÔN
Số: 131/2022/KH
Thông tin người chồng Thông tin người vợ
Họ, chữ đệm, tên: HUỲNH MINH VIỆT ĐỖ THỊ NGÂN
Ngày, tháng, năm 01/05/1991 18/04/1991
sinh:
Giấy tờ tùy thân: Căn cước công dân số Chứng minh nhân dân số
079091894033 208039538"""
        found = fields_of(text, "marriage_certificate")
        assert (found["full_name"], found["spouse_name"]) == ("HUỲNH MINH VIỆT", "ĐỖ THỊ NGÂN")
        assert (found["date_of_birth"], found["id_number"]) == ("1991-05-01", "079091894033")

    @pytest.mark.parametrize("name_label, date_label", [
        (("Họ, chữ đệm, HUỲNH THANH THÀNH LƯU XUÂN ÚT", "tên"), ("Ngày, tháng, 04/06/1997 14/11/1978", "năm sinh")),
        (("Họ, chữ đệm, tên: HUỲNH THANH THÀNH LƯU XUÂN ÚT",), ("Ngày, tháng, năm 04/06/1997 14/11/1978", "sinh:")),
        (("Họ, chữ đệm,tên HUỲNH THANH THÀNH LƯU XUÂN ÚT",), ("Ngày, tháng,năm [04/06/1997 14/11/1978", "sinh")),
    ])
    def test_labels_a_narrow_table_cell_wrapped_still_give_their_values(self, name_label, date_label):
        # the certificate's label column wraps "Họ, chữ đệm, tên" and "Ngày, tháng, năm sinh" after any word
        text = "\n".join(["GIẤY CHỨNG NHẬN KẾT HÔN", "Thông tin Bên chồng Bên vợ", *name_label, *date_label,
                         "Dân tộc Mường Hoa"])
        found = fields_of(text, "marriage_certificate")
        assert (found["full_name"], found["spouse_name"]) == ("HUỲNH THANH THÀNH", "LƯU XUÂN ÚT")
        assert found["date_of_birth"] == "1997-06-04"

    def test_a_label_a_narrow_cell_wrapped_above_its_value_gives_the_value_below_its_end(self):
        # the table read cell by cell, one per line: the label's last word, then the husband's date
        text = "\n".join(["GIẤY CHỨNG NHẬN KẾT HÔN", "Họ, chữ đệm, tên", "NGUYỄN VĂN THIÊN NAM", "PHẠM THỊ MAI",
                         "Ngày, tháng. năm", "sinh", "14.04.1983", "30.04.1985", "Dân tộc"])
        found = fields_of(text, "marriage_certificate")
        assert (found["full_name"], found["date_of_birth"]) == ("NGUYỄN VĂN THIÊN NAM", "1983-04-14")

    @pytest.mark.parametrize("line, after, first_words", [
        ("ho, chu dem, huynh thanh thanh", "ten", "ho, chu dem"),
        ("ngay, thang, 04/06/1997 14/11/1978", "nam sinh", "ngay, thang"),
        ("ngay, thang, nam 04/06/1997", "sinh:", "ngay, thang, nam"),
        ("ngay, thang,nam [07/10/1996 19/05/1992", "sinh", "ngay, thang,nam"),  # a comma glued the words
        ("so dinh danh 079 097 852 671", "ca nhan", "so dinh danh"),
        ("ho, chu dem,", "ten", "ho, chu dem"),  # the label alone: its value below its end
        ("ho, chu dem", "ten:", "ho, chu dem"),
        ("ngay, thang, nam sinh: 04/06/1997", "dan toc: kinh", ""),  # a whole label, then another line
        ("ngay 5 thang 3 nam 2020", "sinh", ""),  # a date, not a label's first words
        ("ho ten", "nguyen van an", ""),  # a whole label, its value below
        ("ho, chu dem, nguyen van an", "ten nguoi me", ""),  # the next line is more than the label's end
    ])
    def test_a_label_cut_by_its_cell_is_its_first_words_with_the_next_line_its_last(self, line, after, first_words):
        from pipeline.stages.extract.labels import label_cut_by_its_cell

        assert line[:label_cut_by_its_cell(line, after)] == first_words

    def test_a_table_rows_birth_date_after_a_misread_one_is_the_other_spouses(self):
        text = """GIẤY CHỨNG NHẬN KẾT HÔN
Thông tin Bên vợ Bên chồng
Họ, chữ đệm, tên: PHẠM KIM NGỞI NGUYỄN TRUNG HƯNG
Ngày, tháng năm sinh: | 77-02-1964 11-03-1985
Giấy tờ tùy thân Thẻ căn cước số 033 184 753949 | Thẻ căn cước số 079 085 753942"""
        found = fields_of(text, "marriage_certificate")
        assert found["full_name"] == "PHẠM KIM NGỞI" and "date_of_birth" not in found  # not her husband's
        assert found["id_number"] == "033184753949"
        # read whole, each date is its own column's; a date misread in the second column leaves the first
        assert fields_of(text.replace("77-02-1964", "17-02-1984"), "marriage_certificate")["date_of_birth"] == \
            "1984-02-17"
        assert fields_of(text.replace("77-02-1964 11-03-1985", "17-02-1984 1l-O3-I9B5"),
                         "marriage_certificate")["date_of_birth"] == "1984-02-17"

    def test_a_receipt_gives_the_dossier_code_and_the_submitter_without_honorific(self):
        text = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: H29.22-240312 - 0004\n" \
               "Tiếp nhận hồ sơ của: Bà ĐOÀN THỊ LAN\nĐịa chỉ: 452/2/7 Đinh Bộ Lĩnh, Phường 22, Quận Bình Thạnh, " \
               "Thành\nphố Hồ Chí Minh\nSố điện thoại: 0919798378"
        assert fields_of(text, "dossier_receipt") == {
            "full_name": "ĐOÀN THỊ LAN", "dossier_code": "H29.22-240312-0004",
            "address": "452/2/7 Đinh Bộ Lĩnh, Phường 22, Quận Bình Thạnh, Thành phố Hồ Chí Minh"}

    @pytest.mark.parametrize(("printed", "code"), [
        ("Mã hồ sơ: 000.00.12.H29-241127-8719", "000.00.12.H29-241127-8719"),  # the agency's four-level code
        ("Mã hồ sơ: 000.23. 12.H29 - 241127 - 8719", "000.23.12.H29-241127-8719"),
        ("Mã hồ sơ: H29.13-240312-0001", "H29.13-240312-0001"),
    ])
    def test_a_dossier_code_keeps_its_whole_agency_code(self, printed, code):
        text = f"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\n{printed}\nTiếp nhận hồ sơ của: Ông TRẦN VĂN AN"
        assert fields_of(text, "dossier_receipt")["dossier_code"] == code

    def test_an_id_card_reads_the_bilingual_labels_and_the_name_on_the_next_line(self):
        text = """CĂN CƯỚC CÔNG DÂN
Số / No.: 079094840469
Họ và tên / Full name:
ĐẶNG ĐĂNG LỘC
Ngày sinh / Date of birth: 17/11/1994
Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam
Ngày, tháng, năm / Date, month, year: 12/04/2021"""
        assert fields_of(text, "citizen_id_card") == {
            "id_number": "079094840469", "full_name": "ĐẶNG ĐĂNG LỘC", "date_of_birth": "1994-11-17",
            "gender": "Nam", "issue_date": "2021-04-12"}

    @pytest.mark.parametrize("label", ["Hy và tên / Full name:", "Họ và tên /-Full name:"])
    def test_a_damaged_bilingual_name_label_still_gives_the_name_below(self, label):
        text = f"CĂN CƯỚC CÔNG DÂN\nSố / No.: 079094840469\n{label}\nĐẶNG ĐĂNG LỘC\n" \
               "Ngày sinh / Date of birth: 17/11/1994"
        assert fields_of(text, "citizen_id_card")["full_name"] == "ĐẶNG ĐĂNG LỘC"

    def test_the_id_confirmed_by_the_machine_readable_zone_repairs_a_misread_birth_year(self):
        # The zone's first line reads the ID twice (card number = its last nine digits); its second
        # line's birth date is unreadable, the printed year is 1986 for the ID's 1966.
        text = """CĂN CƯỚC CÔNG DÂN
Họ và tên / Full name:
NGUYỄN QUANG HIẾU
Ngày sinh / Date of birth: 24/01/1986
Giới tính / Sex: Nam
IDVNM06676 70822079066 767082<<6
6691244M2601244VNM<<<<<<<<<<<8"""
        reading = read_document([page(text)], CATALOG.get("citizen_id_card"))
        found = {f.name: f for f in reading.fields}
        assert found["id_number"].value == "079066767082"
        assert found["date_of_birth"].value == "1966-01-24"
        assert found["date_of_birth"].details["printed"] == "1986-01-24"
        assert found["date_of_birth"].confidence < found["full_name"].confidence

    def test_a_name_on_a_dotted_line_loses_the_leader_dots_under_its_letters_and_between_its_words(self):
        text = "GIẤY ỦY QUYỀN\nHọ và tên: ......TRẦN,THỤ.MINH.GIẠNG......................"
        assert fields_of(text)["full_name"] == "TRẦN THU MINH GIANG"

    def test_a_name_on_a_line_of_leader_dots_loses_a_dot_below_though_no_dot_is_left_beside_it(self):
        # The dots before and after the name are gone from the line read, the one under VÂN's N is not
        text = "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\nHọ và tên: .............. NGÔ ÁNH VẬN,..................."
        assert fields_of(text, "marital_status_certificate")["full_name"] == "NGÔ ÁNH VÂN"
        # without a leader nothing says the dot is not the writer's: a syllable read as printed stays
        assert fields_of(text.replace(".", ""), "marital_status_certificate")["full_name"] == "NGÔ ÁNH VẬN"
        # nor is a rule of dashes a dotted line
        ruled = text.replace(".", "-")
        assert fields_of(ruled, "marital_status_certificate")["full_name"] == "NGÔ ÁNH VẬN"

    def test_a_name_in_title_case_whose_first_syllable_the_engine_split_is_read_whole(self):
        text = "TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên: ........... : N guyễn. Ngân ng HH ng HH"
        assert fields_of(text, "birth_registration_form")["full_name"] == "NGUYỄN NGÂN"

    def test_a_name_in_title_case_cut_by_noise_before_more_of_it_is_none(self):
        # "Kim" read as "Kị rnì": "VÕ KỊ" would drop a syllable silently
        text = "TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên người yêu cầu: ....... V o Kị rnì. Hảo......."
        assert "requester_name" not in fields_of(text, "birth_registration_form")

    @pytest.mark.parametrize("name", ["Nguyễn Quốc Phúc", "Trần Hoài Nam"])
    def test_a_decision_names_its_citizen_in_running_text_wrapped_before_the_birth_date(self, name):
        # Quốc and Nam are names here, not the first words of "Quốc tịch" and "Năm sinh"
        text = ("QUYẾT ĐỊNH\nVề việc trợ cấp xã hội hằng tháng\nĐiều 1. Trợ cấp xã hội hằng tháng đối với "
                f"ông {name}, sinh\nngày 25/5/1980, số định danh cá nhân 040080293819; thường trú tại 13 Bà Hạt,")
        found = fields_of(text, "decision")
        assert found["full_name"] == name.upper() and found["date_of_birth"] == "1980-05-25"

    def test_a_gender_not_read_is_the_one_the_id_number_carries(self):
        text = ("ĐƠN ĐỀ NGHỊ\nHọ và tên: TRẦN THỊ BÌNH\nSinh ngày: 12/03/1990 Giới tính: N/fH,......\n"
                "Số định danh cá nhân: 079190123456")
        reading = extract([page(text)], CATALOG.get("application_letter"))
        gender = {f.name: f for f in reading}["gender"]
        assert gender.value == "Nữ" and gender.details == {"from": "id_number"}
        printed = fields_of(text.replace("N/fH", "Nam"), "application_letter")
        assert printed["gender"] == "Nam"  # what is printed stands (and the ID's check flags the contradiction)
        contradicted = fields_of(text.replace("12/03/1990", "12/03/1985"), "application_letter")
        assert "gender" not in contradicted  # an ID that fails its checks gives nothing

    @pytest.mark.parametrize("lines", [
        "Giấy tờ tùy thân: Thẻ căn cước số 079 190\n123 456 do Cục Cảnh sát QLHC về TTXH cấp",
        # two columns: a word of the other column after the first digits, its digits after the rest
        "Giấy tờ tùy thân: Thẻ căn cước số 079 Minh\n190123456 Giấy tờ tùy thân: CCCD số 0511 8208",
    ])
    def test_an_id_a_narrow_column_wrapped_is_joined_across_the_lines(self, lines):
        text = f"ĐƠN ĐỀ NGHỊ\nHọ và tên: TRẦN THỊ BÌNH\nSinh ngày: 12/03/1990\n{lines}\nNơi cư trú: 12 Lê Lợi"
        assert fields_of(text, "application_letter")["id_number"] == "079190123456"

    def test_nine_digits_of_a_twelve_digit_card_are_the_start_of_its_wrapped_number(self):
        # two columns: the husband's number wraps after nine digits, the wife's label follows his rest
        text = ("GIẤY CHỨNG NHẬN KẾT HÔN\nHọ, chữ đệm, tên chồng: NGUYỄN ĐÌNH ẤN\nNgày, tháng, năm sinh: 03/02/1986\n"
                "Giấy tờ tùy thân: CCCD số 068 086 844 Hồ Chí Minh\n708, cấp ngày 23.12.2022 Giấy tờ tùy thân: CCCD số")
        assert fields_of(text, "marriage_certificate")["id_number"] == "068086844708"
        # an old card (CMND) has nine digits: an address below does not lengthen it
        cmnd = "ĐƠN ĐỀ NGHỊ\nHọ và tên: NGUYỄN ĐÌNH ẤN\nSố CMND: 068 086 844\n708 Lê Lợi, Quận 1"
        found = fields_of(cmnd, "application_letter")
        assert found["old_id_number"] == "068086844" and "id_number" not in found

    def test_a_dash_between_two_letters_of_a_name_splits_its_words(self):
        text = "GIẤY KHAI SINH\nHọ, chữ đệm, tên: ........CHẬU-THIỆN.LONG....................... 22-25 2222"
        assert fields_of(text)["full_name"] == "CHÂU THIỆN LONG"

    @pytest.mark.parametrize("line, kind", [
        ("Tôi tên à: NGUYỄN TÚ HẢO", "name"),  # a letter lost
        ("Giấy từ tùy thân số: 079190001234", "identity"),  # a letter misread
        ("Nam sinb: 1990", "stop"),  # the closest label, whichever it is
        ("Sinli ngày: 11/6/2001", "date_of_birth"),  # h read as li: one letter, not two edits
        ("Số clịnh clanh cá nhân: 079190001234", "identity"),  # each d read as cl
    ])
    def test_a_label_misread_by_a_letter_is_still_a_label(self, line, kind):
        from pipeline.stages.extract.labels import scan
        assert [segment.kind.value for segment in scan(line)] == [kind]

    @pytest.mark.parametrize("line", ["Ngày, tháếữ, “Thăm Sinh: 20/07/1946", "Ngày, thág, năm sinh: 20/07/1946"])
    def test_a_birth_date_label_garbled_between_its_first_and_last_word_is_still_one(self, line):
        # the second: "năm sinh" (a parent's birth year) would otherwise be read inside it
        assert fields_of(f"QUYẾT ĐỊNH\nHọ và tên: LÊ VĂN AN\n{line}", "decision")["date_of_birth"] == "1946-07-20"

    @pytest.mark.parametrize("line", ["Ngày đi khai sinh: 12/05/2009", "Ngày cấp giấy khai sinh: 12/05/2009"])
    def test_a_registrations_date_is_no_birth_date(self, line):
        assert "date_of_birth" not in fields_of(f"TRÍCH LỤC KHAI SINH\nHọ và tên: LÊ VĂN AN\n{line}", "birth_certificate")

    @pytest.mark.parametrize("line", ["Ghi chú: abc", "Lý do: bổ sung hồ sơ", "Ngày cấp: 12/03/2020", "Sẽ: 12"])
    def test_text_before_a_colon_far_from_every_label_is_no_label(self, line):
        from pipeline.stages.extract.labels import scan
        assert scan(line) == []

    def test_an_old_nine_digit_id_card_number_is_kept_apart(self):
        found = fields_of("GIẤY CHỨNG MINH NHÂN DÂN\nSố: 025123456\nHọ tên: LÊ VĂN TÁM", "citizen_id_card")
        assert found["old_id_number"] == "025123456" and "id_number" not in found

    def test_only_the_fields_the_type_carries_are_kept(self):
        text = "QUYẾT ĐỊNH\nSố: 12/QĐ-UBND\nMã số thuế: 0312345678\nQuận 1, ngày 2 tháng 3 năm 2024"
        assert fields_of(text, "official_letter") == {"document_number": "12/QĐ-UBND", "issue_date": "2024-03-02"}


class TestTheIdentityCardsZone:
    def test_a_letter_in_one_reading_of_the_number_takes_the_digit_of_the_other(self):
        from pipeline.stages.extract.mrz import read_mrz

        zone = read_mrz(["IOVNMG869425533079086942553<<6", "8601199M4601100VNM<<<<<<<<<<<1"])
        assert (zone.id_number, zone.date_of_birth) == ("079086942553", "1986-01-19")

    @pytest.mark.parametrize("line, name", [
        ("\\_ TU<<PHUC<XUYEN<< <<< J", "TU PHUC XUYEN"),  # the card's edge before it, a speck after
        ("'THAN<<THOA<<<<<<<<<<<<<<<<<<<<", "THAN THOA"),
        ("NGUYEN<<THI<THU<<NGOC", None),  # a second filler inside: the name would be cut short
        ("NGUYEN<<THI<THU<NGOC<<<<AB", None),  # two letters after the filler may be a syllable of it
    ])
    def test_the_name_line_is_read_past_marks_around_it_never_cut_short(self, line, name):
        from pipeline.stages.extract.mrz import read_mrz

        zone = read_mrz(["IDVNM1747161577068174716157<<4", "7406255F3406255VNM<<<<<<<<<<<1", line])
        assert zone.name == name and zone.id_number == "068174716157"

    def test_a_card_whose_printed_name_is_unread_takes_the_zones_with_marks_restored_for_review(self):
        text = ("CĂN CƯỚC CÔNG DÂN\nHọ, chữ đệm và tên khai sinh / Surname, middle and given\n"
                "IDVNM1747161577068174716157<<4\n7406255F3406255VNM<<<<<<<<<<<1\n'THAN<<THOA<<<<<<<<<<<<<<<<<<<<")
        found = {f.name: f for f in read_document([page(text)], CATALOG.get("citizen_id_card")).fields}
        assert found["full_name"].value == "THÂN THOA" and found["full_name"].details["from"] == "mrz"

    def test_the_zones_birth_date_confirmed_by_the_printed_id_wins_over_a_misread_printed_date(self):
        # The zone's number disagrees with itself (8 and 3: two digits), but its birth digits agree
        # with the printed ID's year: the year read twice, in two places, over the printed 1906.
        text = ("CĂN CƯỚC CÔNG DÂN\nSố / No.: 079086942553\nHọ và tên / Full name:\nHUỲNH QUỐC KHƯƠNG\n"
                "Ngày sinh / Date of birth: 19/01/1906\nGiới tính / Sex: Nam\n"
                "IDVNM0869425583079086942553<<6\n8601199M4601100VNM<<<<<<<<<<<1")
        found = {f.name: f for f in read_document([page(text)], CATALOG.get("citizen_id_card")).fields}
        assert found["date_of_birth"].value == "1986-01-19"
        assert found["date_of_birth"].details["printed"] == "1906-01-19"
        assert found["id_number"].value == "079086942553"

    # The zone's first line reads the ID's last nine digits twice (its province 679: misread), the
    # second line's year 89 for the ID's 69 and a slashed zero (Ø); the printed date did not read.
    _MISREAD_ZONE = ("CĂN CƯỚC CÔNG DÂN\nSố / No. 079169356451\nHọ và tên / Full name:\nĐINH ÁNH THẢO\n"
                     "Ngày srt) Date of beim\n|IDVNM1693564511679169356451<<9|\n__89Ø3099F2993099VNM<<<<<<<<<<<6|")

    def test_the_zones_day_and_month_are_taken_in_the_year_of_the_printed_id_it_read_twice_for_review(self):
        found = {f.name: f for f in read_document([page(self._MISREAD_ZONE)], CATALOG.get("citizen_id_card")).fields}
        assert found["date_of_birth"].value == "1969-03-09"
        assert found["date_of_birth"].details["check"] == CHECK_ZONE_DATE_IN_IDS_YEAR
        assert found["date_of_birth"].details["read_as"] == "890309"
        assert found["id_number"].value == "079169356451"

    def test_a_zone_whose_birth_line_did_not_read_leaves_the_printed_birth_date_as_read(self):
        text = self._MISREAD_ZONE.replace("Ngày srt) Date of beim", "Ngày sinh / Date of birth: 09/03/1969")
        text = text.replace("__89Ø3099F2993099VNM<<<<<<<<<<<6|", "DINH<<ANH<THAO<<<<<<<<<<<<<<<<")
        found = {f.name: f.value for f in read_document([page(text)], CATALOG.get("citizen_id_card")).fields}
        assert found["date_of_birth"] == "1969-03-09" and found["id_number"] == "079169356451"

    @pytest.mark.parametrize(("change", "why"), [
        (("No. 079169356451", "No. 079169356457"), "the zone read other last digits than the printed ID"),
        (("1693564511679169356451", "1693564511679169356457"), "the zone's two readings of the ID disagree"),
        (("Ngày srt) Date of beim", "Ngày sinh / Date of birth: 09/03/1989"),
         "a printed date in the zone's year: that year read twice"),
        (("89Ø309", "89Ø339"), "the zone's day and month are no date"),
    ])
    def test_the_zones_day_and_month_are_not_taken_in_the_ids_year_without_the_id_read_twice(self, change, why):
        text = self._MISREAD_ZONE.replace(*change)
        found = {f.name: f.value for f in read_document([page(text)], CATALOG.get("citizen_id_card")).fields}
        assert found.get("date_of_birth") != "1969-03-09", why


    def test_the_zones_name_misread_is_repaired_like_a_printed_name(self):
        # the printed name was not found under its label; the zone's third line gives it, a T glued on
        text = ("CĂN CƯỚC\nSố định danh cá nhân / Personal identification number:\n079088999059\n"
                "Ngay, thang, nam sinh / Date of birth: 26/11/1988\n"
                "IDVNM0889990599079088999059<<8\n8811266M4811266VNM<<<<<<<<<<<4\nNGUYEN<<GTIA<LAM<<<<<<<<<<<<<<<")
        found = {f.name: f for f in read_document([page(text)], CATALOG.get("citizen_id_card")).fields}
        assert found["full_name"].value == "NGUYỄN GIA LÂM" and found["full_name"].details["from"] == "mrz"

class TestNamesInEveryPlace:
    @pytest.mark.parametrize(("printed", "name"), [
        ("Họ và tên: ÔNG DIỄM NHƯ", "ÔNG DIỄM NHƯ"),  # Ông is a family name too: no family name follows it
        ("Họ và tên: Ông NGUYỄN VĂN AN", "NGUYỄN VĂN AN"),
        ("Họ và tên: ÔNG NGUYỄN VĂN AN", "NGUYỄN VĂN AN"),
        ("Họ và tên: Bà LÊ THỊ HOA", "LÊ THỊ HOA"),
    ])
    def test_an_honorific_is_dropped_but_the_family_name_ong_is_kept(self, printed, name):
        assert fields_of(f"ĐƠN ĐỀ NGHỊ\n{printed}", "application_letter")["full_name"] == name

    @pytest.mark.parametrize("label", ["Họ và tên / Ful nam", "Họ và tên / Full name:", "Họ và tên /-Full name:"])
    def test_a_name_on_the_line_below_a_bilingual_label_whose_english_half_is_misread(self, label):
        text = f"CĂN CƯỚC CÔNG DÂN\nSố: 001198424052\n{label}\nNGUYỄN DIỄM HOA\nNgày sinh / Date of birth: 17/10/1998"
        assert fields_of(text, "citizen_id_card")["full_name"] == "NGUYỄN DIỄM HOA"

    @pytest.mark.parametrize("label", ["Hệ và tần / Full nam;", "- Họ và lên/ Fulí name", "Họ và tin; Fưi name"])
    def test_a_line_that_is_only_a_label_misread_in_both_halves_gives_the_name_below(self, label):
        text = f"CĂN CƯỚC CÔNG DÂN\nSố: 001085820255\n{label}\nVÕ HUY\nQuê quán: Tỉnh Thanh Hóa"
        assert fields_of(text, "citizen_id_card")["full_name"] == "VÕ HUY"

    def test_a_short_line_that_is_no_label_gives_no_name_below(self):
        text = "CĂN CƯỚC CÔNG DÂN\nSố: 001085820255\nĐặc điểm nhân dạng\nVÕ HUY\nQuê quán: Tỉnh Thanh Hóa"
        assert "full_name" not in fields_of(text, "citizen_id_card")

    def test_the_line_below_a_name_label_is_not_taken_when_it_holds_more_than_a_name(self):
        text = "ĐƠN ĐỀ NGHỊ\nHọ và tên: ....20/ 70...\nTRẦN VĂN AN đề nghị cấp lại giấy tờ"
        assert "full_name" not in fields_of(text, "application_letter")

    def test_a_name_in_running_text_is_checked_and_corrected_like_a_labelled_one(self):
        text = ("QUYẾT ĐỊNH\nVề việc trợ cấp xã hội\nĐiều 1. Trợ cấp xã hội hằng tháng đối với ông "
                "NGUYÊN VĂN KIÊN, sinh năm 1947")
        found = {f.name: f for f in extract([page(text)], CATALOG.get("decision"))}
        assert found["full_name"].value == "NGUYỄN VĂN KIÊN"  # NGUYÊN is no family name
        assert found["full_name"].details["corrected_from"] == "NGUYÊN VĂN KIÊN"
        assert found["full_name"].confidence <= 0.6  # found without a label

    def test_a_name_in_running_text_wrapped_at_the_line_end_keeps_its_last_syllable(self):
        text = ("QUYẾT ĐỊNH\nĐiều 1. Trợ cấp xã hội hằng tháng đối với ông PHAN KHẮC\n"
                "KIÊN, sinh ngày 28/01/1987, số định danh cá nhân 083 087 750 557")
        assert fields_of(text, "decision")["full_name"] == "PHAN KHẮC KIÊN"
        # a name that ends with a comma, or in title case, is whole: the next line starts a sentence
        assert fields_of(text.replace("KHẮC\n", "KHẮC,\n"), "decision")["full_name"] == "PHAN KHẮC"
        titled = "QUYẾT ĐỊNH\nĐiều 1. Trợ cấp xã hội hằng tháng đối với ông Phan Khắc Kiên\nUBND Phường chi trả"
        assert fields_of(titled, "decision")["full_name"] == "PHAN KHẮC KIÊN"  # not "… KIÊN UBND"


    def test_a_name_whose_syllable_a_leaders_dot_split_is_whole_and_a_mark_after_it_dropped(self):
        # "......PHẠM.HUỲ.NH.CHI.....Ề :": the dots split HUỲNH; the Ề sat at the dotted line's end
        found = {f.name: f for f in extract([page("TỜ KHAI\nHọ, chữ đệm, tên: ......PHẠM.HUỲ.NH.CHI"
                                                  "..........................Ề :")], CATALOG.get("death_certificate"))}
        assert found["full_name"].value == "PHẠM HUỲNH CHI" and found["full_name"].details["dropped"] == "Ề"
        assert fields_of("TỜ KHAI\nHọ và tên: HOÀNG THỊ Y", "application_letter")["full_name"] != "HOÀNG THỊ"

    def test_a_word_of_three_vowel_runs_after_a_name_is_left_out_and_kept_beside_it(self):
        # "Ly. GIA BINH Summoma x": no syllable, nor two glued, has three runs of vowels
        found = {f.name: f for f in extract([page("ĐƠN ĐỀ NGHỊ\nHọ và tên: Ly. GIA BINH Summoma x")],
                                            CATALOG.get("application_letter"))}
        assert found["full_name"].value == "LÝ GIA BÌNH" and found["full_name"].details["dropped"] == "SUMMOMA"
        glued = fields_of("ĐƠN ĐỀ NGHỊ\nHọ và tên: TRẦN MỸ THUNGỌC", "application_letter")["full_name"]
        assert glued == "TRẦN MỸ THU NGỌC"  # two runs: two syllables read as one, cut

    def test_the_person_who_asked_for_a_certificate_is_not_its_person(self):
        # "Xét đề nghị của bà X … cho người có tên dưới đây": X asked; the person's label was misread
        text = ("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\nXét đề nghị của bà NGUYỄN TÚ DUNG về việc xác nhận tình trạng "
                "hôn nhân\ncho người có tên dưới đây,\nHỘ và (Ên;..... TRAN ANH.......\nNgày, tháng, năm sinh: 09-06-2001")
        assert "full_name" not in fields_of(text, "marital_status_certificate")
        decision = "QUYẾT ĐỊNH\nĐiều 1. Trợ cấp xã hội hằng tháng đối với bà NGUYỄN TÚ DUNG, sinh năm 1947"
        assert fields_of(decision, "decision")["full_name"] == "NGUYỄN TÚ DUNG"

    def test_a_name_whose_words_the_engine_set_far_apart_is_read_whole(self):
        # word boxes 30 px high: the gap after TRẦN is wider than a table cell's (2.5 heights)
        line = "Họ tên: TRẦN BÍCH HÀ Giới tính: Nữ"
        lefts = {"Họ": 0, "tên:": 60, "TRẦN": 140, "BÍCH": 300, "HÀ": 380, "Giới": 460, "tính:": 530, "Nữ": 600}
        words = [Word(token, 90, lefts[token], 100, 50, 30) for token in line.split()]
        found = extract([page("GIẤY XÁC NHẬN\n" + line, words=words)], CATALOG.get("marital_status_certificate"))
        assert {f.name: f.value for f in found}["full_name"] == "TRẦN BÍCH HÀ"

    def test_a_documents_recipients_are_not_its_person(self):
        # "Nơi nhận: - Chủ đầu tư; - Lưu: VT.": the list a permit ends with, after the signature
        ending = "\nNơi nhận: TM. ỦY BAN NHÂN DÂN\n- Chủ đầu tư;\n- Lưu: VT.\nNGUYỄN THẾ HẢI PHONG"
        assert "full_name" not in fields_of("GIẤY PHÉP XÂY DỰNG\nSố: 138/2022/GPXD" + ending, "construction_permit")
        body = "GIẤY PHÉP XÂY DỰNG\nCấp cho: Chủ đầu tư: QUÁCH THÙY DUNG\nĐịa chỉ: 12 Lê Lợi"
        assert fields_of(body + ending, "construction_permit")["full_name"] == "QUÁCH THÙY DUNG"
        assert fields_of("ĐƠN ĐỀ NGHỊ\nHọ tên; LÊ ANH NGHĨA\nSinh ngày: 09/11/1967", "application_letter")[
            "full_name"] == "LÊ ANH NGHĨA"  # a colon read as a semicolon

    def test_a_registrations_values_before_its_person_block_are_the_requesters(self):
        # the requester's name label unread ("L;N@/77/1/ BE NAM"): their ID is not the child's
        form = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nKính gửi: Ủy ban nhân dân Thị trấn Nhà Bè\n{requester}\n"
                "Số định danh cá nhân: 064075059589\nQuan hệ với người được khai sinh: Mẹ\n"
                "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:\nHọ, chữ đệm, tên: NGUYỄN ÁNH ÁI\n"
                "Ngày, tháng, năm sinh: 01/09/2009")
        found = fields_of(form.format(requester="L;N@/77/1/ BE NAM"), "birth_registration_form")
        assert (found["full_name"], found["date_of_birth"]) == ("NGUYỄN ÁNH ÁI", "2009-09-01")
        assert "id_number" not in found
        # the child's birth date unread: nothing else would have told the parent's ID from the child's
        unread = fields_of(form.format(requester="L;N@/77/1/ BE NAM").replace("01/09/2009", "....."),
                           "birth_registration_form")
        assert unread["full_name"] == "NGUYỄN ÁNH ÁI" and "id_number" not in unread
        named = fields_of(form.format(requester="Họ, chữ đệm, tên: TRẦN THỊ LAN"), "birth_registration_form")
        assert (named["full_name"], named["agent_name"]) == ("NGUYỄN ÁNH ÁI", "TRẦN THỊ LAN")
        assert "id_number" not in named

    @pytest.mark.parametrize("heading", ["Đề nghị cdquan đăng ký khai sinh cho người dưới đây:",
                                         "Đề nghị cơ-quan đăng ký khai sinh cho người dưới đây:"])
    def test_a_registrations_person_block_starts_at_its_heading_read_with_a_letter_or_two_wrong(self, heading):
        form = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nÁi su Đ {{UQOÊc d CC Là\nNgày. tháng. năm sinh: 13/01/1999\n"
                "Giấy tờ tùy thân: Số định danh cá nhân 086199855632\n{heading}\n"
                "Họ, chữ đệm, tên: NGUYỄN KHÁNH HIỀN\nNgày, tháng, năm sinh: 21/11/2022")
        found = fields_of(form.format(heading=heading), "birth_registration_form")
        assert (found["full_name"], found["date_of_birth"]) == ("NGUYỄN KHÁNH HIỀN", "2022-11-21")
        assert "id_number" not in found  # the requester's
        # a heading misread further, or a line of another heading's words, starts no block
        for other in ("Đề nghị cdquan đăng kỷ khai xinh cho người dưới đây:",
                      "Đề nghị cấp bản sao trích lục khai sinh:"):
            assert fields_of(form.format(heading=other), "birth_registration_form")["date_of_birth"] == "1999-01-13"

    def test_the_spouse_printed_first_is_full_name_when_it_is_the_wife(self):
        text = ("GIẤY CHỨNG NHẬN KẾT HÔN\nHọ, chữ đệm, tên vợ: TRẦN HUỲNH NHƯ\nNgày, tháng, năm sinh: 18/02/1969\n"
                "Giấy tờ tùy thân: CCCD số 074 169 732 908\nHọ, chữ đệm, tên chồng: NGUYỄN HOÀNG THẮNG\n"
                "Ngày, tháng, năm sinh: 09/12/1974\nGiấy tờ tùy thân: CCCD số 089 074 561 352")
        found = fields_of(text, "marriage_certificate")
        assert (found["full_name"], found["spouse_name"]) == ("TRẦN HUỲNH NHƯ", "NGUYỄN HOÀNG THẮNG")
        assert (found["date_of_birth"], found["id_number"]) == ("1969-02-18", "074169732908")

    def test_the_wife_printed_first_keeps_her_id_read_from_look_alikes(self):
        text = ("GIẤY CHỨNG NHẬN KẾT HÔN\nHọ, chữ đệm, tên vợ: TRẦN HUỲNH NHƯ\nNgày, tháng, năm sinh: 18/02/1969\n"
                "Giấy tờ tùy thân: CCCD số 0Z9 169 732 908\nHọ, chữ đệm, tên chồng: NGUYỄN HOÀNG THẮNG\n"
                "Ngày, tháng, năm sinh: 09/12/1974\nGiấy tờ tùy thân: CCCD số 089 074 561 352")
        found = fields_of(text, "marriage_certificate")
        assert (found["full_name"], found["id_number"]) == ("TRẦN HUỲNH NHƯ", "079169732908")  # 029: no province


def laid_out(lines: list[str], *, left: int = 100, char: int = 20) -> PageText:
    """A page whose word boxes sit as typed: each line from `left`, `char` pixels a character."""
    words = []
    for row, line in enumerate(lines):
        x = left
        for token in line.split():
            words.append(Word(token, 90, x, 100 + 50 * row, char * len(token), 30))
            x += char * (len(token) + 1)
    return page("\n".join(lines), words=words)


class TestNamesWrappedAtTheMargin:
    BODY = ["GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
            "Công an Phường 5 xác nhận thông tin về cư trú của công dân như sau đây",
            "1. Họ, chữ đệm và tên: TRẦN VĂN AN   Giới tính: Nam   Dân tộc: Kinh"]

    def read(self, lines: list[str], doc_type: str = "residence_confirmation") -> dict[str, str]:
        return {f.name: f.value for f in extract([laid_out(self.BODY + lines)], CATALOG.get(doc_type))}

    def test_a_name_that_fills_its_line_ends_at_the_start_of_the_next(self):
        # the line as long as the body's: the typesetter wrapped TRUNG to the next line
        found = self.read(["12. Họ, chữ đệm và tên chủ hộ của người này: NGUYỄN VIẾT MINH", "TRUNG",
                           "13. Quan hệ với chủ hộ: Con"])
        assert found["head_of_household_name"] == "NGUYỄN VIẾT MINH TRUNG"
        decision = ["QUYẾT ĐỊNH", "Điều 1. Trợ cấp xã hội hằng tháng đối với ông: LA CÔNG",
                    "KHOA, sinh ngày 13/09/1980, số định danh cá nhân 079080503652"]
        assert {f.name: f.value for f in extract([laid_out(decision)], CATALOG.get("decision"))}["full_name"] == (
            "LA CÔNG KHOA")

    @pytest.mark.parametrize("lines", [
        ["12. Họ và tên chủ hộ: NGUYỄN VIẾT MINH", "TRUNG"],  # ends before the margin: whole as read
        ["12. Họ, chữ đệm và tên chủ hộ của người này: NGUYỄN VIẾT MINH", "TRUNG TÂM Y TẾ QUẬN"],  # not a name's end
        ["12. Họ, chữ đệm và tên chủ hộ của người này: NGUYỄN VIẾT MINH", "GIỚI TÍNH: Nam"],  # a label
        ["12. Họ, chữ đệm và tên chủ hộ của người này: NGUYỄN VIẾT MINH", "Trung tâm hành chính"],
    ])
    def test_a_name_is_not_lengthened_by_a_line_that_does_not_continue_it(self, lines):
        assert self.read(lines)["head_of_household_name"] == "NGUYỄN VIẾT MINH"

    def test_without_word_boxes_nothing_says_the_line_was_full(self):
        text = "\n".join(self.BODY + ["12. Họ, chữ đệm và tên chủ hộ của người này: NGUYỄN VIẾT MINH", "TRUNG"])
        assert fields_of(text, "residence_confirmation")["head_of_household_name"] == "NGUYỄN VIẾT MINH"

    def test_a_name_wrapped_in_its_table_cell_ends_in_its_own_column(self):
        table = ["GIẤY CHỨNG NHẬN KẾT HÔN", "Thông tin Bên vợ Bên chồng",
                 "Họ, chữ đệm, tên KHƯƠNG THU BẢO PHAN KHẮC THIÊN ĐẠT"]
        wife = laid_out(table + ["Ngày, tháng, năm sinh 05/05/2001 20/02/1961"])
        # PHƯƠNG under KHƯƠNG (x = 100 + 17 characters), then under PHAN (x = 100 + 32 characters)
        for x, names in ((440, ("KHƯƠNG THU BẢO PHƯƠNG", "PHAN KHẮC THIÊN ĐẠT")),
                         (740, ("KHƯƠNG THU BẢO", "PHAN KHẮC THIÊN ĐẠT PHƯƠNG"))):
            words = wife.words[:-6] + [Word("PHƯƠNG", 90, x, 250, 120, 30)] + [
                dataclasses.replace(w, top=w.top + 50) for w in wife.words[-6:]]
            text = "\n".join(table + ["PHƯƠNG", "Ngày, tháng, năm sinh 05/05/2001 20/02/1961"])
            found = {f.name: f.value for f in extract([page(text, words=words)], CATALOG.get("marriage_certificate"))}
            assert (found["full_name"], found["spouse_name"]) == names


class TestConfidenceAndPage:
    def test_confidence_comes_from_the_ocr_words_of_the_value(self):
        words = [Word("Họ,", 96, 0, 0, 1, 1), Word("tên:", 96, 0, 0, 1, 1), Word("LÊ", 40, 0, 0, 1, 1),
                 Word("VĂN", 50, 0, 0, 1, 1), Word("AN", 60, 0, 0, 1, 1), Word("Giới", 95, 0, 0, 1, 1)]
        text = "ĐƠN XIN\nHọ, tên: LÊ VĂN AN\nGiới tính: Nam"
        found = {f.name: f for f in extract([page(text, words=words)], CATALOG.get("application_letter"))}
        assert found["full_name"].confidence == pytest.approx(0.5, abs=0.01)

    def test_each_field_keeps_the_page_it_came_from(self):
        pages = [page("GIẤY ỦY QUYỀN\nI. NGƯỜI ỦY QUYỀN:\nHọ và tên: HỒ HỮU HUY"),
                 page("Quận 3, ngày 8 tháng 8 năm 2023")]
        found = {f.name: f for f in extract(pages, CATALOG.get("power_of_attorney"))}
        assert (found["full_name"].page, found["issue_date"].page) == (1, 2)

    def test_embedded_text_is_trusted_fully(self):
        text_layer = PageText(0, 1, "ĐƠN XIN\nTôi tên là: LÊ VĂN AN", 100.0, "text_layer", [])
        assert extract([text_layer], CATALOG.get("application_letter"))[0].confidence == 1.0


class TestNormalisation:
    def test_names_are_nfc_capitals_as_printed(self):
        decomposed = "Tôi tên là: Nguye\u0302\u0303n Va\u0306n An, sinh ngày 01/01/1990"
        assert fields_of(decomposed, "application_letter")["full_name"] == "NGUYỄN VĂN AN"

    @pytest.mark.parametrize("name, text, value", [
        ("gender", "nữ", "Nữ"), ("gender", "Male", "Nam"), ("document_number", "Số 125 / 2021 / KS.", "125/2021/KS"),
        ("tax_code", "0312 345678-001", "0312345678-001"), ("full_name", "Ông nguyễn văn an", "NGUYỄN VĂN AN"),
        ("old_id_number", "025 123 456", "025123456"),
    ])
    def test_values_typed_or_read_get_one_stored_form(self, name, text, value):
        assert V.normalise(CATALOG.field(name).kind, text) == value


def test_real_form_text_with_decomposed_diacritics_is_read(tmp_path: Path):
    """A third-party form (vn-form-templates): blank, so no values, but no crash on mixed NFC/NFD text."""
    from tests.conftest import corpus_file

    path = corpus_file("vn-form-templates/KLTN-DocFilling/Text/Công dân All/Input/11_dang_ky_khai_sinh.txt")
    text = path.read_text(encoding="utf-8").replace("Họ, chữ đệm, tên:", "Họ, chữ đệm, tên: LÊ THỊ HOA")
    assert fields_of(text, "birth_registration_form")["full_name"] == "LÊ THỊ HOA"


def _reading(unread: tuple[str, ...] = (), **values: str):
    from pipeline.domain import ExtractedField
    from pipeline.stages.extract import Reading

    return Reading([ExtractedField(name, value, 0.8, 1) for name, value in values.items()], unread=list(unread))


def test_a_card_read_again_in_vie_eng_keeps_the_marks_vie_read_on_the_same_letters():
    from pipeline.stages.extract import with_names_of

    names = CATALOG.person_fields
    bilingual = _reading(full_name="NGUYỄN HUỲNH KIM THỦY", id_number="079190000001", date_of_birth="1990-01-02")
    office = _reading(full_name="NGUYỄN HUỲNH KIM THỤY", id_number="079190000007", date_of_birth="1990-01-03")
    fields = {f.name: f for f in with_names_of(bilingual, office, names).fields}
    assert fields["full_name"].value == "NGUYỄN HUỲNH KIM THỤY"
    assert fields["full_name"].details == {"marks_from": "office languages", "read_as": "NGUYỄN HUỲNH KIM THỦY"}
    # numbers and dates stay as the type's own languages read them
    assert fields["id_number"].value == "079190000001" and fields["date_of_birth"].value == "1990-01-02"
    # Đ is a letter of its own that eng reads as D: "DOÃN" and "ĐOÀN" fold alike
    fields = with_names_of(_reading(full_name="DOÃN MINH CHI"), _reading(full_name="ĐOÀN MINH CHI"), names).fields
    assert fields[0].value == "ĐOÀN MINH CHI"


def test_a_name_the_office_reading_spells_otherwise_or_not_as_a_name_is_left_as_read():
    from pipeline.stages.extract import with_names_of

    names = CATALOG.person_fields
    cases = [("TRƯƠNG VĂN TÀI", "O TRƯƠNG VĂN TÀI"),   # other letters
             ("KIỀU QUANG ĐỊNH", None),                # the office reading found no name
             ("LÊ VIẾT ANH", "LÊ VỈỂT ANH")]           # same letters, but no Vietnamese syllable
    for read, office in cases:
        office_reading = _reading(full_name=office) if office else _reading()
        [kept] = with_names_of(_reading(full_name=read), office_reading, names).fields
        assert kept.value == read and "marks_from" not in kept.details


def test_a_name_that_is_no_vietnamese_name_takes_the_office_readings_that_is():
    from pipeline.stages.extract import with_names_of

    # the card's zone read "NGUYEN<<VTET<GTA<TOAN" where the bilingual reading lost the printed name
    bilingual = _reading(full_name="NGUYỄN VTET GTA TOÀN", id_number="079080144193")
    [name, number] = with_names_of(bilingual, _reading(full_name="NGUYỄN VIẾT GIA TOÀN"), CATALOG.person_fields).fields
    assert name.value == "NGUYỄN VIẾT GIA TOÀN"
    assert name.details == {"from": "office languages", "read_as": "NGUYỄN VTET GTA TOÀN"}
    assert number.value == "079080144193"


def test_a_name_only_the_office_reading_read_is_taken_from_it_and_no_longer_unread():
    from pipeline.stages.extract import with_names_of

    names = CATALOG.person_fields
    bilingual = _reading(unread=("full_name unreadable: read 'HO4NG TH! Y3N'",), id_number="079190000001")
    taken = with_names_of(bilingual, _reading(full_name="HOÀNG THỊ YẾN", id_number="079190000007"), names)
    fields = {f.name: f for f in taken.fields}
    assert fields["full_name"].value == "HOÀNG THỊ YẾN" and fields["full_name"].details == {"from": "office languages"}
    assert fields["id_number"].value == "079190000001" and taken.unread == []
    # never a number or date the bilingual reading lacks, nor a name that is no Vietnamese name
    taken = with_names_of(_reading(), _reading(full_name="HQÀNG TH! YÉN", id_number="079190000007"), names)
    assert taken.fields == []
