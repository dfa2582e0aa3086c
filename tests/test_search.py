"""Search behaves the same on SQLite and PostgreSQL: every test here runs on both backends.

The store is a small "ward": documents filed one batch each, in the order of
WARD (so later entries are newer), through Store.file_documents as the
pipeline files them. Tests that only search share one ward per backend (a
module-scoped store); tests that change it get their own.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from pipeline.domain import Classification, DocumentResult, ExtractedField, PageText
from pipeline.search import SearchQuery, search
from pipeline.search import index as search_index
from pipeline.store.models import Document, Field
from pipeline.store.repository import NewFile, Store
from pipeline.textnorm import fold
from tests.conftest import event_log_unguarded, indexed_store

pytestmark = pytest.mark.postgres

HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Paper:
    doc_type: str
    district: str
    issued: str
    name: str
    body: str = ""
    fields: dict[str, str] = field(default_factory=dict)


WARD = {
    "an_birth": Paper("birth_certificate", "Q1", "2019-03-12", "NGUYỄN VĂN AN",
                      "Số định danh cá nhân: 079203001234\nNgày, tháng, năm sinh: 01/05/2003",
                      {"id_number": "079203001234", "date_of_birth": "2003-05-01"}),
    "an_card": Paper("citizen_id_card", "Q3", "2021-06-01", "NGUYỄN VĂN AN",
                     "Số định danh cá nhân: 079203001234", {"id_number": "079203001234"}),
    "an_is_father": Paper("birth_certificate", "Q1", "2020-01-15", "NGUYỄN MINH KHOA",
                          "Họ, chữ đệm, tên người cha: NGUYỄN VĂN AN"),
    "words_apart": Paper("residence_confirmation", "Q1", "2018-07-01", "TRẦN VĂN BÌNH",
                         "Ông Nguyễn Hữu Tài đề nghị xác nhận văn bản về an toàn phòng cháy."),
    "ha_grave": Paper("birth_certificate", "Q10", "2017-02-03", "ĐẶNG THỊ HÀ", "Nơi sinh: Bệnh viện Hùng Vương"),
    "ha_dot": Paper("birth_certificate", "Q10", "2017-02-04", "ĐẶNG THỊ HẠ", "Nơi sinh: Bệnh viện Từ Dũ"),
    "ha_plain": Paper("citizen_id_card", "Q10", "2017-02-05", "DANG THI HA", "Quê quán: Nam Định"),
    "mai_ocr": Paper("residence_confirmation", "Q3", "2022-09-09", "TRẦN THỊ MAl",
                     "Nơi cư trú: 45 Lê Lợi. Văn bản này xác nhận nơi cư trú."),
    "hung_ocr": Paper("application_letter", "Q3", "2023-10-10", "LÊ VĂN HUHC", "Kính gửi Ủy ban nhân dân"),
    "duc": Paper("marriage_certificate", "Q1", "2024-04-04", "PHẠM VĂN ĐỨC",
                 "Họ, chữ đệm, tên người kia: VÕ THỊ THU", {"spouse_name": "VÕ THỊ THU"}),
}


def _result(paper: Paper) -> DocumentResult:
    page = PageText(0, 1, f"{HEADER}\n{paper.doc_type}\nHọ, chữ đệm, tên: {paper.name}\n{paper.body}", 90.0, "ocr")
    fields = [ExtractedField("full_name", paper.name, 0.9, 1), ExtractedField("issue_date", paper.issued, 0.9, 1)]
    fields += [ExtractedField(k, v, 0.9, 1) for k, v in paper.fields.items()]
    return DocumentResult([page], Classification(paper.doc_type, 0.9), fields)


def file_papers(store: Store, papers: dict[str, Paper]) -> dict[str, int]:
    ids = {}
    for number, (key, paper) in enumerate(papers.items()):
        sha = f"{number:064x}"
        batch_id, _, _ = store.record_batch(source=f"{key}.pdf", kind="file", district=paper.district, sha256=sha,
                                            files=[NewFile(f"{key}.pdf", sha, 100, "application/pdf")])
        [ids[key]] = store.file_documents(batch_id, [_result(paper)], stage_ms={})
    return ids


@dataclass
class Ward:
    store: Store
    ids: dict[str, int]

    def find(self, text: str = "", **filters) -> list[str]:
        """Keys of the documents found, in ranked order."""
        return self.keys(search(self.store, SearchQuery(text=text, **filters)).hits)

    def keys(self, hits) -> list[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id[h.document_id] for h in hits]


def open_store(url: str) -> Store:
    store = indexed_store(url)
    store.init_schema()
    return store


@pytest.fixture
def fresh_ward(store_url) -> Ward:
    store = open_store(store_url)
    yield Ward(store, file_papers(store, WARD))
    store.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ward(request, tmp_path_factory) -> Ward:
    """One ward per backend for the tests that only search (read-only: do not file into it)."""
    if request.param == "sqlite":
        store = open_store(f"sqlite:///{tmp_path_factory.mktemp('ward') / 'ward.sqlite3'}")
        yield Ward(store, file_papers(store, WARD))
        store.dispose()
        return
    admin = create_engine(request.getfixturevalue("pg_server"), isolation_level="AUTOCOMMIT")
    name = f"dossier_test_ward_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    store = open_store(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        yield Ward(store, file_papers(store, WARD))
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- accents ---------------------------------------------------------------------------------------

class TestAccents:
    def test_a_name_typed_without_diacritics_finds_every_spelling(self, ward):
        assert set(ward.find("dang thi ha")) == {"ha_grave", "ha_dot", "ha_plain"}

    def test_d_with_stroke_is_found_as_d_and_d_finds_it(self, ward):
        assert set(ward.find("dang")) == {"ha_grave", "ha_dot", "ha_plain"}
        assert set(ward.find("Đặng")) == {"ha_grave", "ha_dot", "ha_plain"}
        assert ward.find("duc") == ["duc"]

    def test_a_query_with_diacritics_ranks_exact_diacritics_first(self, ward):
        assert ward.find("Đặng Thị Hà")[0] == "ha_grave"
        assert ward.find("Đặng Thị Hạ")[0] == "ha_dot"
        assert ward.find("ĐẶNG THỊ HÀ")[0] == "ha_grave"  # case does not matter

    def test_ha_with_grave_and_with_dot_are_different_words_for_ranking(self, ward):
        grave, dot = ward.find("Hà"), ward.find("Hạ")
        assert grave[0] == "ha_grave" and dot[0] == "ha_dot"
        assert set(grave) == set(dot) == set(ward.find("ha"))

    def test_decomposed_input_matches_like_precomposed(self, ward):
        assert ward.find(unicodedata.normalize("NFD", "Đặng Thị Hà")) == ward.find("Đặng Thị Hà")


# --- names and phrases -----------------------------------------------------------------------------

class TestRanking:
    def test_documents_about_a_person_come_before_documents_naming_them_elsewhere(self, ward):
        found = ward.find("nguyen van an")
        assert found[:2] == ["an_card", "an_birth"]  # full_name; newest filed first
        assert found[2:] == ["an_is_father"]  # the words in sequence, in the text

    def test_words_only_apart_are_left_out_when_some_document_holds_them_in_sequence(self, ward):
        assert ward.find("xac nhan van ban") == ["words_apart"]  # mai_ocr has them apart
        assert ward.find('"văn bản về an toàn"') == ["words_apart"]  # quotes change nothing

    def test_words_apart_are_found_when_no_document_holds_them_in_sequence(self, ward):
        assert ward.find("van ban xac nhan") == ["mai_ocr", "words_apart"]
        assert ward.find("an nguyen") == ["words_apart", "an_is_father", "an_card", "an_birth"]

    def test_words_with_digits_are_all_found_sequence_first(self, ward):
        assert ward.find("079203001234 ngay") == ["an_birth"]
        assert ward.find("tên 079203001234") == ["an_card", "an_birth"]

    def test_every_word_typed_must_be_in_the_document(self, ward):
        assert ward.find("nguyen van an hung vuong") == []

    def test_results_carry_the_cli_contract(self, ward):
        results = search(ward.store, SearchQuery(text="079203001234"))
        hit = results.hits[0].as_json()
        assert set(hit) == {"document_id", "batch_id", "source", "doc_type", "doc_type_confidence", "fields",
                            "pages", "snippet", "score", "office"}
        assert hit["source"] == "an_card.pdf" and hit["pages"] == 1
        assert hit["fields"]["full_name"] == "NGUYỄN VĂN AN"
        assert "079203001234" in hit["snippet"]

    def test_snippets_mark_the_matched_words(self, ward):
        [hit] = search(ward.store, SearchQuery(text="Đặng Thị Hà", limit=1)).hits
        marked = [hit.snippet[s:e] for s, e in hit.highlights]
        assert marked == ["ĐẶNG", "THỊ", "HÀ"]


# --- numbers ---------------------------------------------------------------------------------------

class TestNumbers:
    def test_an_id_number_finds_its_documents(self, ward):
        assert ward.find("079203001234") == ["an_card", "an_birth"]

    def test_a_half_remembered_id_number_is_a_prefix_with_a_star(self, ward):
        assert ward.find("0792030*") == ["an_card", "an_birth"]
        assert ward.find("0792030") == []

    def test_a_date_typed_as_printed_finds_the_document(self, ward):
        assert ward.find("01/05/2003") == ["an_birth"]


# --- filters ---------------------------------------------------------------------------------------

class TestFilters:
    def test_type_and_district(self, ward):
        assert ward.find("nguyen van an", doc_type="citizen_id_card") == ["an_card"]
        assert ward.find("nguyen van an", district="Q1") == ["an_birth", "an_is_father"]
        assert ward.find("nguyen", district="Q1") == ["words_apart", "an_is_father", "an_birth"]

    def test_issue_dates_are_inclusive_bounds(self, ward):
        assert ward.find("nguyen van an", since=dt.date(2019, 3, 12), until=dt.date(2020, 1, 15)) == \
            ["an_birth", "an_is_father"]
        assert ward.find("dang thi ha", until=dt.date(2017, 2, 3)) == ["ha_grave"]

    def test_whole_months_and_years_are_bounds_too(self, ward):
        assert ward.find("nguyen van an", since=dt.date(2020, 1, 1), until=dt.date(2020, 12, 31)) == ["an_is_father"]
        assert ward.find("an", since=dt.date(2021, 6, 1), until=dt.date(2021, 6, 30)) == ["an_card"]
        assert ward.find("dang", since=dt.date(2017, 2, 4)) == ["ha_plain", "ha_dot"]

    def test_filing_dates_are_local_days(self, ward):
        today = dt.datetime.now().astimezone().date()
        assert len(ward.find(since=today, by_filing_date=True)) == len(WARD)
        assert ward.find(until=today - dt.timedelta(days=1), by_filing_date=True) == []

    def test_field_values_compare_as_normalised(self, ward):
        assert ward.find(fields={"id_number": "079 203 001 234"}) == ["an_card", "an_birth"]
        assert ward.find(fields={"date_of_birth": "01/05/2003"}) == ["an_birth"]
        assert ward.find(fields={"date_of_birth": "2003-05-01"}) == ["an_birth"]
        assert ward.find(fields={"full_name": "nguyen van an"}) == ["an_card", "an_birth"]
        assert ward.find(fields={"full_name": "nguyen van"}) == []

    def test_filters_combine_with_words_and_each_other(self, ward):
        assert ward.find("nguyen", fields={"id_number": "079203001234"}, doc_type="birth_certificate") == \
            ["an_birth"]

    def test_filters_alone_list_the_newest_first(self, ward):
        assert ward.find(doc_type="birth_certificate") == ["ha_dot", "ha_grave", "an_is_father", "an_birth"]


class TestPaging:
    def test_pages_follow_each_other_and_the_total_does_not_change(self, ward):
        everything = ward.find("van", limit=50)
        assert len(everything) == 7
        pages = [search(ward.store, SearchQuery(text="van", limit=3, offset=o)) for o in (0, 3, 6, 9)]
        assert [ward.keys(p.hits) for p in pages] == [everything[0:3], everything[3:6], everything[6:], []]
        assert {p.total for p in pages} == {7}

    def test_a_name_pages_the_same_way(self, ward):
        everything = ward.find("nguyen van an")
        pages = [search(ward.store, SearchQuery(text="nguyen van an", limit=1, offset=o)) for o in range(4)]
        assert [key for p in pages for key in ward.keys(p.hits)] == everything
        assert {p.total for p in pages} == {len(everything)} == {3}


# --- the fuzzy fallback ----------------------------------------------------------------------------

class TestFuzzy:
    def test_a_name_with_one_ocr_error_is_found_and_flagged(self, ward):
        results = search(ward.store, SearchQuery(text="tran thi mai"))
        assert ward.keys(results.hits) == ["mai_ocr"] and results.fuzzy and results.total == 1

    def test_a_name_with_two_ocr_errors_is_found(self, ward):
        assert ward.find("le van hung") == ["hung_ocr"]

    def test_three_errors_are_too_many(self, ward):
        assert ward.find("le van hang") == []

    def test_names_found_exactly_do_not_bring_approximate_ones(self, ward):
        results = search(ward.store, SearchQuery(text="dang thi ha"))
        assert not results.fuzzy

    def test_approximate_names_rank_after_exact_ones(self, fresh_ward):
        ward = fresh_ward
        ward.ids.update(file_papers(ward.store, {
            "mai_exact": Paper("birth_certificate", "Q1", "2015-01-01", "TRẦN THỊ MAI")}))
        results = search(ward.store, SearchQuery(text="tran thi mai"))
        assert ward.keys(results.hits) == ["mai_exact", "mai_ocr"] and results.fuzzy

    def test_the_fallback_can_be_switched_off(self, ward):
        assert search(ward.store, SearchQuery(text="tran thi mai", fuzzy_below=0)).hits == []

    def test_damaged_copies_of_a_common_name_come_after_its_exact_matches_and_namesakes_stay_out(self, fresh_ward):
        """NGUYỄN VĂN AN already finds three documents: a lost mark is the same name, a letter no syllable
        is spelled with is OCR damage (found last), another syllable is another person (not found)."""
        ward = fresh_ward
        ward.ids.update(file_papers(ward.store, {
            "an_glued": Paper("application_letter", "Q1", "2024-05-01", "WGUYỄN VĂN AN"),
            "an_lost_mark": Paper("citizen_id_card", "Q1", "2024-05-02", "NGUYẺN VĂN AN"),
            "an_namesake": Paper("citizen_id_card", "Q1", "2024-05-03", "NGUYỄN VĂN ANH")}))
        results = search(ward.store, SearchQuery(text="nguyen van an"))
        assert ward.keys(results.hits) == ["an_lost_mark", "an_card", "an_birth", "an_is_father", "an_glued"]
        assert results.fuzzy and results.total == 5
        assert ward.find("Nguyễn Văn An") == ["an_card", "an_birth", "an_is_father", "an_lost_mark", "an_glued"]
        assert ward.find("nguyen van an", fuzzy_below=0) == ["an_lost_mark", "an_card", "an_birth", "an_is_father"]
        paged = [search(ward.store, SearchQuery(text="nguyen van an", limit=2, offset=o)) for o in (0, 2, 4)]
        assert [k for p in paged for k in ward.keys(p.hits)] == ward.keys(results.hits)
        assert {p.total for p in paged} == {5}

    def test_a_name_read_a_syllable_short_is_found_after_the_whole_and_the_damaged_ones(self, fresh_ward):
        """OCR lost a syllable at either end of "TRẦN TÚ HƯƠNG"; "TÚ" alone is no name, and a name with a
        middle syllable lost ("TRẦN HƯƠNG") is someone else's."""
        ward = fresh_ward
        ward.ids.update(file_papers(ward.store, {
            "huong_short_end": Paper("birth_registration_form", "Q1", "2024-07-01", "TRẦN TÚ"),
            "huong": Paper("citizen_id_card", "Q1", "2024-07-02", "TRẦN TÚ HƯƠNG"),
            "huong_short_start": Paper("death_certificate", "Q1", "2024-07-03", "TÚ HƯƠNG"),
            "huong_damaged": Paper("application_letter", "Q1", "2024-07-04", "TRẦN TÚ HƯƠHG"),
            "huong_someone_else": Paper("application_letter", "Q1", "2024-07-05", "TRẦN HƯƠNG")}))
        results = search(ward.store, SearchQuery(text="tran tu huong"))
        assert ward.keys(results.hits) == ["huong", "huong_damaged", "huong_short_start", "huong_short_end"]
        assert results.fuzzy and results.total == 4
        # two syllables typed: the name, and the three in sequence; nothing shorter is looked up ("TRẦN TÚ" is not "tu")
        assert ward.find("tu huong") == ["huong_short_start", "huong"]
        assert ward.find("tran tu huong", fuzzy_below=0) == ["huong"]

    def test_a_name_with_one_syllable_turned_to_noise_is_found_when_nothing_else_is_the_closest_noise_first(
            self, fresh_ward):
        """A stamp or blur turned one syllable of "VÕ DUY HOÀNG ĐOÀN" to letters no syllable is spelled with,
        past two errors; its other three read as typed. A real syllable in its place is someone else."""
        ward = fresh_ward
        ward.ids.update(file_papers(ward.store, {
            "doan_noise_far": Paper("birth_certificate", "Q1", "2024-08-01", "VÕ DUY XŒQ ĐOÀN"),
            "doan_noise": Paper("birth_registration_form", "Q1", "2024-08-02", "VÕ DLIYX HOÀNG ĐOÀN"),
            "doan_someone_else": Paper("application_letter", "Q1", "2024-08-05", "VÕ MINH HOÀNG ĐOÀN"),
            "doan_two_damaged": Paper("application_letter", "Q1", "2024-08-06", "VÕ DLIYX HOÀNG ĐXŒQ")}))
        results = search(ward.store, SearchQuery(text="vo duy hoang doan"))
        # "dliyx" is three edits from "duy", "xœq" five from "hoang"
        assert ward.keys(results.hits) == ["doan_noise", "doan_noise_far"]
        assert results.fuzzy and results.total == 2
        assert ward.find("vo duy hoang doan", fuzzy_below=0) == []
        # a last resort: once the name finds a document, exactly or a syllable short, no noise is looked through
        ward.ids.update(file_papers(ward.store, {
            "doan_short": Paper("application_letter", "Q1", "2024-08-04", "VÕ DUY HOÀNG")}))
        assert ward.find("vo duy hoang doan") == ["doan_short"]
        ward.ids.update(file_papers(ward.store, {"doan": Paper("citizen_id_card", "Q1", "2024-08-03",
                                                               "VÕ DUY HOÀNG ĐOÀN")}))
        assert ward.find("vo duy hoang doan") == ["doan", "doan_short"]
        # three syllables typed: two read as typed beside noise are any damaged name of that pair
        ward.ids.update(file_papers(ward.store, {"hy_noise": Paper("birth_certificate", "Q1", "2024-08-07",
                                                                   "XŒQ KIM HỶ")}))
        assert ward.find("ngo kim hy") == []

    def test_a_name_a_syllable_short_and_damaged_in_what_is_left_is_found_when_nothing_else_is(self, fresh_ward):
        """A stamp took the last syllable of "VÕ THỊ HỶ" and blurred the first into no syllable ("VQ"); a
        real syllable there ("VÂN THỊ") is another name."""
        ward = fresh_ward
        ward.ids.update(file_papers(ward.store, {
            "hy_short_damaged": Paper("death_certificate", "Q1", "2024-09-01", "VQ THỊ"),
            "hy_other_syllable": Paper("application_letter", "Q1", "2024-09-03", "VÂN THỊ")}))
        results = search(ward.store, SearchQuery(text="vo thi hy"))
        assert ward.keys(results.hits) == ["hy_short_damaged"] and results.fuzzy
        ward.ids.update(file_papers(ward.store, {"hy_short": Paper("birth_certificate", "Q1", "2024-09-02",
                                                                   "THỊ HỶ")}))
        assert ward.find("vo thi hy") == ["hy_short"]

    def test_a_common_name_brings_no_names_with_a_syllable_turned_to_noise(self, fresh_ward):
        ward = fresh_ward
        ward.ids.update(file_papers(ward.store, {
            "an_noise": Paper("birth_registration_form", "Q1", "2024-08-01", "NGUYỄN XŒQ AN")}))
        assert ward.find("nguyen van an") == ["an_card", "an_birth", "an_is_father"]

    def test_a_common_name_brings_no_names_a_syllable_short(self, fresh_ward):
        # NGUYỄN VĂN AN is held by enough documents: "NGUYỄN VĂN" and "VĂN AN" would be anybody's
        ward = fresh_ward
        ward.ids.update(file_papers(ward.store, {
            "an_short_end": Paper("birth_registration_form", "Q1", "2024-07-01", "NGUYỄN VĂN"),
            "an_short_start": Paper("death_certificate", "Q1", "2024-07-02", "VĂN AN")}))
        assert ward.find("nguyen van an") == ["an_card", "an_birth", "an_is_father"]
        # a name fewer documents hold does bring them
        ward.ids.update(file_papers(ward.store, {
            "binh_short_end": Paper("birth_registration_form", "Q1", "2024-07-03", "TRẦN VĂN")}))
        assert "binh_short_end" in ward.find("tran van binh")

    def test_a_changed_mark_is_found_after_the_typed_spelling(self, fresh_ward):
        ward = fresh_ward
        ward.ids.update(file_papers(ward.store, {
            "thuy_plain": Paper("citizen_id_card", "Q1", "2024-06-01", "LÊ THỊ THUY"),
            "thuy": Paper("birth_certificate", "Q1", "2024-06-02", "LÊ THỊ THÙY"),
            "thuy_hook": Paper("birth_certificate", "Q1", "2024-06-03", "LÊ THỊ THỦY")}))
        assert ward.find("Lê Thị Thùy")[0] == "thuy"
        assert set(ward.find("Lê Thị Thùy")) == set(ward.find("le thi thuy")) == {"thuy", "thuy_plain", "thuy_hook"}

    def test_a_query_of_thirty_words_is_no_name_to_look_up_fuzzily(self, ward):
        typed = " ".join(["nguyen", "van", "an", "tran", "thi", "mai"] * 5)
        results = search(ward.store, SearchQuery(text=typed))
        assert results.hits == [] and not results.fuzzy


class TestHighlights:
    @pytest.fixture
    def both_spellings(self, fresh_ward):
        fresh_ward.ids.update(file_papers(fresh_ward.store, {
            "ha_both": Paper("birth_certificate", "Q10", "2017-02-06", "ĐẶNG THỊ HÀ", "Tên gọi khác: Hạ, Ha")}))
        return fresh_ward

    @staticmethod
    def marked(ward, text: str, key: str) -> list[str]:
        [hit] = [h for h in search(ward.store, SearchQuery(text=text)).hits if h.document_id == ward.ids[key]]
        return [hit.snippet[s:e] for s, e in hit.highlights]

    def test_a_word_typed_with_marks_highlights_that_spelling_only(self, both_spellings):
        assert self.marked(both_spellings, "Hà", "ha_both") == ["HÀ"]
        assert self.marked(both_spellings, "Hạ", "ha_both") == ["Hạ"]
        assert self.marked(both_spellings, "Đặng Thị Hà", "ha_both") == ["ĐẶNG", "THỊ", "HÀ"]

    def test_a_word_typed_without_marks_highlights_every_spelling(self, both_spellings):
        assert self.marked(both_spellings, "ha", "ha_both") == ["HÀ", "Hạ", "Ha"]

    def test_a_document_holding_another_spelling_only_highlights_it(self, both_spellings):
        assert self.marked(both_spellings, "Đặng Thị Hà", "ha_dot") == ["ĐẶNG", "THỊ", "HẠ"]


# --- safety ----------------------------------------------------------------------------------------

HOSTILE = ['"', '"nguyen', "nguyen AND", "OR", "NEAR(an van)", "an*", "*", "-an", "(", ")", "an -van", "'",
           "'; DROP TABLE document; --", "an:van", "folded: an", "^an", "an + van", "{exact}", "\\", "\x00",
           "&", "|", "!", "<->", ":*", "nguyen & van", "đ" * 300, "9" * 5000, "NOT", " ", "\u0301", "ｎｇｕｙｅｎ"]


class TestSafety:
    @pytest.mark.parametrize("text", HOSTILE)
    def test_operators_quotes_and_sql_are_words_or_nothing(self, ward, text):
        results = search(ward.store, SearchQuery(text=text))
        assert results.total >= len(results.hits)

    def test_any_string_returns_results_or_nothing(self, ward):
        @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(st.text(alphabet=st.sampled_from(list('anguyeđĐvà "*()-:^+\'{}&|!<>AND OR NEAR 07;\\')),
                       max_size=40) | st.text(max_size=40))
        def holds(text):
            results = search(ward.store, SearchQuery(text=text, limit=5))
            assert len(results.hits) <= 5 and results.total >= len(results.hits)

        holds()


# --- keeping the index in step ---------------------------------------------------------------------

def _index_rows(store: Store, document_ids: list[int]) -> int:
    ids = ",".join(map(str, document_ids))
    tables = ["search_document", "search_field"] + (["search_fts"] if store.dialect == "sqlite" else [])
    with store.engine.connect() as conn:
        return sum(conn.scalar(text(f"SELECT count(*) FROM {table} WHERE "
                                    f"{'rowid' if table == 'search_fts' else 'document_id'} IN ({ids})"))
                   for table in tables)


class TestIndexMaintenance:
    def test_reprocessing_a_batch_leaves_no_stale_index_rows(self, fresh_ward):
        store, old_id = fresh_ward.store, fresh_ward.ids["mai_ocr"]
        reread = Paper("residence_confirmation", "Q3", "2022-09-09", "TRẦN THỊ MAI")
        [new_id] = store.file_documents(store.document(old_id).batch_id, [_result(reread)], stage_ms={})
        assert new_id == old_id  # found again on the same pages, it keeps its id (issue 15)
        assert [h.document_id for h in search(store, SearchQuery(text="tran thi mai")).hits] == [new_id]
        assert search(store, SearchQuery(text="mal", fuzzy_below=0)).hits == []  # the old reading's words are gone
        with store.engine.connect() as conn:  # replaced, not added to
            assert conn.scalar(text(f"SELECT count(*) FROM search_document WHERE document_id = {new_id}")) == 1

    def test_a_corrected_field_is_found_once_reindexed(self, fresh_ward):
        with fresh_ward.store.session() as session:  # what a set-field command does
            document = session.get(Document, fresh_ward.ids["hung_ocr"])
            next(f for f in document.fields if f.name == "full_name").value = "LÊ VĂN HÙNG"
            fresh_ward.store.indexer.index(session, document)
        assert fresh_ward.find("le van hung", fuzzy_below=0) == ["hung_ocr"]
        assert fresh_ward.find(fields={"full_name": "Lê Văn Hùng"}) == ["hung_ocr"]

    def test_a_relabelled_document_is_found_under_its_new_type(self, fresh_ward):
        with fresh_ward.store.session() as session:  # what a relabel command does
            document = session.get(Document, fresh_ward.ids["an_is_father"])
            document.doc_type = "application_letter"
            fresh_ward.store.indexer.index(session, document)
        assert fresh_ward.find("nguyen van an", doc_type="application_letter") == ["an_is_father"]
        assert "an_is_father" not in fresh_ward.find("nguyen van an", doc_type="birth_certificate")

    def test_the_index_can_be_rebuilt_from_the_documents(self, fresh_ward, monkeypatch):
        monkeypatch.setattr(search_index, "REBUILD_CHUNK", 3)  # several chunks
        store = fresh_ward.store
        with store.session() as session:
            search_index.text_index(store.dialect).clear(session.connection())
            session.execute(text("DELETE FROM search_field"))
        assert fresh_ward.find("nguyen van an") == []
        with store.session() as session:
            assert store.indexer.rebuild(session.connection()) == len(WARD)
        assert fresh_ward.find("nguyen van an") == ["an_card", "an_birth", "an_is_father"]
        assert fresh_ward.find("le van hung") == ["hung_ocr"]

    def test_documents_deleted_with_their_batch_leave_no_index_rows(self, fresh_ward):
        # Batches are never deleted (their events would lose them: the log is append-only); lifted for the test.
        with event_log_unguarded(fresh_ward.store), fresh_ward.store.session() as session:
            session.execute(text("DELETE FROM batch"))
        assert _index_rows(fresh_ward.store, list(fresh_ward.ids.values())) == 0
        assert search(fresh_ward.store, SearchQuery(text="nguyen")).total == 0


def test_upgrading_a_filled_store_indexes_its_documents(store_url):
    """`dossier init` backfills documents filed by a dossier that had no search index."""
    from alembic import command

    from pipeline.store import db

    store = indexed_store(store_url)
    config = db._alembic_config(store.engine)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with store.session() as session:  # documents as revision 0001 stored them: no index rows
        session.execute(text("INSERT INTO batch (id, source, kind, district, sha256, status, attempts, "
                             "available_at, created_at, updated_at) VALUES (1, 'old.pdf', 'file', 'Q1', :sha, "
                             "'done', 1, :now, :now, :now)"), {"sha": "e" * 64, "now": dt.datetime(2024, 1, 1)})
        session.execute(text("INSERT INTO batch_file (id, batch_id, ordinal, name, sha256, size, media_type) "
                             "VALUES (1, 1, 0, 'old.pdf', :sha, 1, 'application/pdf')"), {"sha": "e" * 64})
        session.execute(text("INSERT INTO document (id, batch_id, ordinal, district, doc_type, doc_type_confidence, "
                             "doc_type_source, needs_review, review_reasons, page_count, filed_at, details) VALUES "
                             "(1, 1, 1, 'Q1', 'birth_certificate', 0.9, 'classifier', false, '[]', 1, :now, '{}')"),
                        {"now": dt.datetime(2024, 1, 1)})
        session.execute(text("INSERT INTO page (document_id, number, batch_file_id, file_page, text, confidence, "
                             "method, details, words) VALUES (1, 1, 1, 1, 'Họ, chữ đệm, tên: ĐỖ THỊ LAN', 90, "
                             "'ocr', '{}', '[]')"))
        session.add(Field(document_id=1, name="full_name", value="ĐỖ THỊ LAN", confidence=0.9, page=1, details={}))
    store.init_schema()
    assert [h.document_id for h in search(store, SearchQuery(text="do thi lan")).hits] == [1]
    assert search(store, SearchQuery(text="do thi lam")).fuzzy  # the name vocabulary was backfilled too
    store.dispose()


# --- one behaviour, two backends -------------------------------------------------------------------

QUERIES = ["nguyen van an", "Nguyễn Văn An", "dang thi ha", "Hà", "Hạ", "ha", "van", "an", "079203001234",
           "0792*", "tran thi mai", "le van hung", '"an toàn"', "thi", "nam dinh", "benh vien", "vo thi thu",
           "pham van duc", "xác nhận", "'; DROP TABLE batch; --", "NEAR(an)"]


WARD_WORDS = sorted({w for paper in WARD.values() for w in (paper.name + " " + paper.body).split() if w.isalpha()})


def test_both_backends_return_the_same_documents_in_the_same_order(tmp_path, pg_url):
    stores = [open_store(f"sqlite:///{tmp_path / 'same.sqlite3'}"), open_store(pg_url)]
    for store in stores:
        file_papers(store, WARD)

    def same(query: SearchQuery) -> None:
        sqlite, postgres = (search(store, query) for store in stores)
        assert [h.as_json() for h in sqlite.hits] == [h.as_json() for h in postgres.hits], query
        assert (sqlite.total, sqlite.fuzzy, sqlite.total_capped) == \
            (postgres.total, postgres.fuzzy, postgres.total_capped), query

    filters = [{}, {"doc_type": "birth_certificate"}, {"district": "Q1"}, {"since": dt.date(2019, 1, 1)},
               {"until": dt.date(2019, 3, 12)}, {"limit": 2, "offset": 1}]
    for query_text in QUERIES:
        for extra in filters:
            same(SearchQuery(text=query_text, **extra))

    @settings(max_examples=120, deadline=None)
    @given(st.lists(st.sampled_from(WARD_WORDS), min_size=1, max_size=4), st.booleans(),
           st.sampled_from(filters))
    def any_words_of_the_ward(words, strip_accents, extra):
        text_typed = " ".join(words)
        same(SearchQuery(text=fold(text_typed) if strip_accents else text_typed, **extra))

    any_words_of_the_ward()
    for store in stores:
        store.dispose()
