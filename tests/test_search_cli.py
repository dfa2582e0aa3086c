"""`dossier search` as operators and scripts run it: the real command in a subprocess."""

import pytest
from test_search import WARD, file_papers

from tests.conftest import indexed_store


@pytest.fixture
def filed(dossier):
    store = indexed_store(f"sqlite:///{dossier.data_dir / 'dossier.sqlite3'}")
    file_papers(store, WARD)
    store.dispose()
    return lambda *args: dossier(*args, "--all-offices")  # the ward's papers were filed by several offices


def test_results_show_the_matched_words_in_brackets_when_not_on_a_terminal(filed):
    result = filed("search", "Đặng Thị Hà")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "3 document(s), showing 1-3"
    assert "ĐẶNG THỊ HÀ" in lines[1] and "ha_grave.pdf" in lines[1]
    assert "[ĐẶNG] [THỊ] [HÀ]" in lines[2]


def test_json_follows_the_cli_contract(filed):
    result = filed("search", "nguyen van an", "--json", "--limit", "2")
    data = result.json()
    assert (data["total"], data["total_exact"], data["fuzzy"]) == (3, True, False) and len(data["results"]) == 2
    assert set(data["results"][0]) == {"document_id", "batch_id", "source", "doc_type", "doc_type_confidence",
                                       "fields", "pages", "snippet", "score", "office"}
    assert data["results"][0]["fields"]["id_number"] == "079203001234"


def test_filters_and_paging_from_the_command_line(filed):
    result = filed("search", "--type", "birth_certificate", "--since", "01/01/2019", "--field",
                   "full_name=nguyen van an", "--json")
    assert [r["source"] for r in result.json()["results"]] == ["an_birth.pdf"]
    result = filed("search", "van", "--limit", "2", "--offset", "2")
    assert "showing 3-4" in result.out and "more: --offset 4" in result.out


def test_hostile_queries_end_normally(filed):
    for query in ['"; DROP TABLE document; --', "NEAR(", "*", '"']:
        result = filed("search", query)
        assert result.code == 0 and "Traceback" not in result.err, (query, result.err)
    assert filed("search", "zzzz qqqq").out.strip() == "no documents found"


def test_bad_options_are_usage_errors_naming_the_problem(filed):
    result = filed("search", "an", "--since", "31/02/2020")
    assert result.code == 2 and "'31/02/2020' is not a date" in result.err
    result = filed("search", "--field", "id_number")
    assert result.code == 2 and "--field expects NAME=VALUE" in result.err
