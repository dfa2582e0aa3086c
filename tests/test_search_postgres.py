"""PostgreSQL finds the newest documents by two plans, whichever suits how many match: through the
GIN index, or walking the documents backwards checking their words. Both must give the same answer."""

from __future__ import annotations

import pytest
from test_search import QUERIES, WARD, file_papers, open_store

from pipeline.search import SearchQuery, postgres, search


@pytest.mark.postgres
def test_walking_the_newest_documents_finds_what_the_index_finds(pg_url, monkeypatch):
    store = open_store(pg_url)
    file_papers(store, WARD)
    queries = [SearchQuery(text=q, limit=4) for q in QUERIES] + [
        SearchQuery(text=q, doc_type="birth_certificate", district="Q1", limit=4)
        for q in ("nguyen van an", "nguyen", "Nguyễn Văn An", "nguy* van")]
    through_the_index = [[h.document_id for h in search(store, q).hits] for q in queries]
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 0)  # every match counts as many: the walk for all
    walked = [[h.document_id for h in search(store, q).hits] for q in queries]
    assert walked == through_the_index
    assert any(through_the_index)
    store.dispose()
