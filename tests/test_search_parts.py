"""The parts search is built from, one by one: words and keys, fuzzy names, snippets, index rows."""

import datetime as dt
import unicodedata
from itertools import product

import pytest
from conftest import indexed_store
from sqlalchemy import text

from pipeline.cli.search import highlight
from pipeline.search.fuzzy import candidate_names, is_damaged, spreads, word_budget
from pipeline.search.index import entry_for
from pipeline.search.match import NO_ISSUE_DATE, TextMatch, issued_words
from pipeline.search.sqlite import exact_words, folded_words, packed, word_pairs
from pipeline.search.snippets import SNIPPET_CHARS, make_snippet
from pipeline.search.terms import field_key, name_key, parse_date, query_words, words


class TestWords:
    def test_words_are_nfc_case_folded_letters_and_digits(self):
        decomposed = unicodedata.normalize("NFD", "Số: 125/2021/KS — ĐẶNG Thị Hà")
        assert words(decomposed) == ["số", "125", "2021", "ks", "đặng", "thị", "hà"]

    def test_a_query_keeps_words_and_drops_syntax(self):
        typed = query_words('"nguyen van" AND (an OR -binh) NEAR; DROP TABLE x; 0792*')
        assert [(w.exact, w.prefix) for w in typed] == [
            ("nguyen", False), ("van", False), ("an", False), ("binh", False), ("drop", False), ("table", False),
            ("x", False), ("0792", True)]

    def test_query_words_carry_exact_and_folded_forms(self):
        [word] = query_words("Đặng")
        assert (word.exact, word.folded) == ("đặng", "dang")

    def test_name_keys_are_words_joined_by_single_spaces(self):
        assert name_key("  NGUYỄN   Văn An ") == ("nguyễn văn an", "nguyen van an")


class TestFieldKeys:
    def test_dates_in_any_operator_spelling_meet_the_stored_iso_date(self):
        stored = field_key("1990-05-01")
        assert field_key("01/05/1990") == field_key("1.5.1990") == field_key("01-05-1990") == stored

    def test_id_numbers_lose_their_grouping(self):
        assert field_key("079 203 001 234") == field_key("079203001234") == "079203001234"

    def test_names_ignore_accents_case_and_spacing(self):
        assert field_key("nguyen  van an") == field_key("NGUYỄN VĂN AN")

    def test_impossible_dates_are_not_dates(self):
        assert parse_date("31/02/2020") is None
        assert parse_date("2020-02-29") == dt.date(2020, 2, 29)
        assert parse_date("hôm qua") is None


class TestFuzzyNames:
    VOCABULARY = ["nguyen", "nguycn", "van", "vau", "an", "anh", "mai", "mal", "tran", "thi", "hung", "huhc"]

    def test_short_words_allow_fewer_edits(self):
        assert [word_budget(w) for w in ("a", "an", "mai", "hung", "nguyen")] == [0, 1, 1, 2, 2]

    def test_candidates_stay_within_two_edits_in_all_and_exclude_the_typed_name(self):
        found = dict(candidate_names(["nguyen", "van", "an"], self.VOCABULARY))
        assert "nguyen van an" not in found
        assert found["nguycn van an"] == 1 and found["nguycn vau an"] == 2
        assert "nguycn vau anh" not in found  # three edits
        assert all(1 <= errors <= 2 for errors in found.values())

    def test_a_name_already_found_looks_only_for_damaged_words(self):
        """"anh" is one letter from "an" and a real syllable: another person, not OCR damage."""
        vocabulary = self.VOCABULARY + ["wguyen"]
        found = dict(candidate_names(["nguyen", "van", "an"], vocabulary, damaged_only=True))
        assert found["wguyen van an"] == found["nguycn van an"] == 1
        assert not any("anh" in name.split() for name in found)
        assert "nguyen van anh" in dict(candidate_names(["nguyen", "van", "an"], vocabulary))
        assert [is_damaged(w) for w in ("wguyen", "nguycn", "mal", "huhc", "nguyen", "anh", "truong")] == \
            [True, True, True, True, False, False, False]

    def test_errors_are_spread_over_the_words_without_enumerating_every_budget(self):
        assert spreads(3, 1) == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
        assert len(spreads(30, 2)) == 30 + 30 * 29 // 2  # 465, where a product of budgets is 3**30
        assert sorted(spreads(4, 2)) == sorted(s for s in product(range(3), repeat=4) if sum(s) == 2)

    def test_more_words_than_a_name_has_are_not_looked_up(self):
        assert candidate_names(["nguyen", "van"] * 15, self.VOCABULARY) == []
        assert candidate_names(["nguyen", "van", "an"] * 2, self.VOCABULARY)  # six words still are

    def test_fewest_edits_come_first(self):
        errors = [e for _, e in candidate_names(["tran", "thi", "mai"], self.VOCABULARY)]
        assert errors == sorted(errors) and errors[0] == 1


class TestSnippets:
    def test_a_spelling_typed_with_marks_is_the_one_marked_and_cut_around(self):
        page = "Tên gọi khác: Đặng Thị Hạ. Họ, chữ đệm, tên: ĐẶNG THỊ HÀ"
        words = {"dang", "thi", "ha"}
        snippet = make_snippet([page], words, sequence=["dang", "thi", "ha"],
                               marked={"dang": "đặng", "thi": "thị", "ha": "hà"})
        assert [snippet.text[s:e] for s, e in snippet.spans] == ["Đặng", "Thị", "ĐẶNG", "THỊ", "HÀ"]
        plain = make_snippet([page], words, sequence=["dang", "thi", "ha"])
        assert [plain.text[s:e] for s, e in plain.spans] == ["Đặng", "Thị", "Hạ", "ĐẶNG", "THỊ", "HÀ"]
        elsewhere = make_snippet(["Đặng Thị Hạ"], words, marked={"ha": "hà"})
        assert [elsewhere.text[s:e] for s, e in elsewhere.spans] == ["Đặng", "Thị", "Hạ"]

    def test_the_typed_words_in_sequence_are_preferred_over_a_first_mention(self):
        pages = ["Nguyễn là họ phổ biến. " + "x " * 100, "Họ, chữ đệm, tên: NGUYỄN VĂN AN"]
        snippet = make_snippet(pages, {"nguyen", "van", "an"}, sequence=["nguyen", "van", "an"])
        assert [snippet.text[s:e] for s, e in snippet.spans] == ["NGUYỄN", "VĂN", "AN"]

    def test_a_long_page_is_cut_around_the_match_at_word_boundaries(self):
        page = "mở đầu " * 60 + "Số định danh 079203001234 " + "kết thúc " * 60
        snippet = make_snippet([page], {"079203001234"})
        assert snippet.text.startswith("…") and snippet.text.endswith("…")
        assert len(snippet.text) <= SNIPPET_CHARS + 2
        [(start, end)] = snippet.spans
        assert snippet.text[start:end] == "079203001234"

    def test_prefixes_are_marked_and_no_match_shows_the_start(self):
        assert make_snippet(["số 0792030 và 0793"], set(), prefixes={"0792"}).spans == ((3, 10),)
        assert make_snippet(["Giấy   khai\nsinh"], {"zzz"}).text == "Giấy khai sinh"

    def test_marks_are_brackets_in_pipes_and_bold_on_terminals(self):
        assert highlight("tên: HÀ AN", ((5, 7), (8, 10)), bold=False) == "tên: [HÀ] [AN]"
        assert highlight("HÀ", ((0, 2),), bold=True) == "\033[1mHÀ\033[0m"


class TestFiltersAsWords:
    def test_a_date_range_is_whole_years_and_the_months_at_its_ends(self):
        assert issued_words(dt.date(2019, 11, 5), dt.date(2021, 2, 1)) == (
            "issued__201911", "issued__201912", "issued__2020", "issued__202101", "issued__202102")
        assert issued_words(dt.date(2019, 1, 1), dt.date(2019, 12, 31)) == ("issued__2019",)

    def test_an_empty_range_is_a_word_no_document_has(self):
        assert issued_words(dt.date(2020, 1, 1), dt.date(2019, 1, 1)) == (NO_ISSUE_DATE,)

    def test_filter_words_cannot_be_mistaken_for_pairs(self):
        entry = entry_for(1, ["district q1"], [], doc_type="other", district="Q1", issue_date=None,
                          person_fields={"full_name"})
        assert "district_q1" in entry.pairs and "district__q1" in entry.meta


class TestIndexRows:
    def test_a_document_is_indexed_by_its_pages_and_field_values(self):
        entry = entry_for(7, ["Giấy khai sinh"], [("full_name", "ĐỖ THỊ LAN"), ("id_number", "079203001234")],
                          doc_type="birth_certificate", district="Q1", issue_date=dt.date(2019, 3, 12),
                          person_fields={"full_name"})
        assert entry.exact == ["giấy", "khai", "sinh", "_", "đỗ", "thị", "lan", "_", "079203001234"]
        assert entry.folded[:3] == ["giay", "khai", "sinh"]
        assert entry.pairs[:4] == ["giay_khai", "khai_sinh", "_", "_"]  # no sequence across a page end
        assert entry.pairs[4] == "do_thi"
        assert entry.name_terms == {"do", "thi", "lan"}
        [name, number] = entry.fields
        assert (name.person, name.exact, name.key) == (True, "đỗ thị lan", "do thi lan")
        assert (number.person, number.exact) == (False, None)
        assert entry.meta == ["type__birth_certificate", "district__q1", "issued__2019", "issued__201903"]

    def test_the_stored_exact_words_give_back_every_column_sqlite_indexed(self):
        """A contentless FTS5 row is deleted by giving it its words again: they must derive exactly."""
        entry = entry_for(7, ["Giấy khai sinh\nHà Nội"], [("full_name", "ĐỖ THỊ LAN")], doc_type="birth_certificate",
                          district="Q1", issue_date=None, person_fields={"full_name"})
        kept = packed(entry.exact)
        assert exact_words(kept).split() == entry.exact
        assert folded_words(kept).split() == entry.folded
        assert word_pairs(kept).split() == entry.pairs

    @pytest.mark.postgres
    def test_postgresql_derives_the_lexemes_python_would(self, pg_url):
        """The GIN index's SQL function and pipeline.search.match must agree on every lexeme."""
        store = indexed_store(pg_url)
        store.init_schema()
        entry = entry_for(7, ["Giấy khai sinh", "Hà Nội  Hà"], [("full_name", "ĐỖ THỊ LAN"), ("id_number", "0792")],
                          doc_type="birth_certificate", district="Q1", issue_date=dt.date(2019, 3, 12),
                          person_fields={"full_name"})
        expected = ({w for w in entry.folded + entry.pairs if w != "_"} | {f"={w}" for w in entry.exact if w != "_"}
                    | {f"#{w}" for w in entry.meta})
        with store.engine.connect() as conn:
            lexemes = conn.scalar(text("SELECT tsvector_to_array(dossier_search_lexemes(:f, :e, :m))"),
                                  {"f": " " + " ".join(entry.folded) + " ", "e": " " + " ".join(entry.exact) + " ",
                                   "m": " " + " ".join(entry.meta) + " "})
        store.dispose()
        assert set(lexemes) == expected

    def test_a_sequence_of_whole_words_is_found_as_its_pairs(self):
        whole = TextMatch(tuple(query_words("Nguyễn Văn An")), exact=True, sequence=True)
        assert whole.by_pairs and whole.pairs() == ["nguyen_van", "van_an"]  # pairs are indexed folded only
        assert not TextMatch(tuple(query_words("nguyen van an*")), exact=False, sequence=True).by_pairs
        assert not TextMatch(tuple(query_words("nguyen van")), exact=False, sequence=False).by_pairs
