"""Schema revisions upgrade stores that already hold data, on both backends, and lose none of it."""

from __future__ import annotations

import datetime as dt

from alembic import command
from conftest import indexed_store
from sqlalchemy import inspect, text

from pipeline.search import SearchQuery, search
from pipeline.store import db

FILED = dt.datetime(2025, 6, 30, 9, 15)  # a Monday morning, before wards had offices of their own


def _at_revision(store, revision: str, action=command.upgrade) -> None:
    config = db._alembic_config(store.engine)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)


def _fill_revision_0003(store) -> None:
    """Two offices' batches, a filed document with its page and field, events and an index row, as 0003 kept them."""
    sqlite = store.dialect == "sqlite"
    with store.engine.begin() as conn:
        for batch_id, district, status in ((1, "Q3", "done"), (2, "Q1", "failed")):
            conn.execute(text(
                "INSERT INTO batch (id, source, kind, district, sha256, status, attempts, available_at, created_at, "
                "updated_at) VALUES (:id, :source, 'file', :district, :sha, :status, 1, :at, :at, :at)"),
                {"id": batch_id, "source": f"scan{batch_id}.pdf", "district": district, "sha": f"{batch_id:064x}",
                 "status": status, "at": FILED})
            conn.execute(text("INSERT INTO batch_file (id, batch_id, ordinal, name, sha256, size, media_type) "
                              "VALUES (:id, :id, 0, :name, :sha, 10, 'application/pdf')"),
                         {"id": batch_id, "name": f"scan{batch_id}.pdf", "sha": f"{batch_id:064x}"})
            for action in ("received", "queued", status):
                conn.execute(text("INSERT INTO event (at, batch_id, action, outcome, program) "
                                  "VALUES (:at, :batch, :action, 'ok', 'dossier 0.1.0 test')"),
                             {"at": FILED, "batch": batch_id, "action": action})
        conn.execute(text(
            "INSERT INTO document (id, batch_id, ordinal, district, doc_type, doc_type_confidence, doc_type_source, "
            "needs_review, review_reasons, page_count, filed_at, details) VALUES (1, 1, 1, 'Q3', "
            "'birth_certificate', 0.9, 'classifier', false, '[]', 1, :at, '{}')"), {"at": FILED})
        conn.execute(text("INSERT INTO page (document_id, number, batch_file_id, file_page, text, confidence, method, "
                          "details, words) VALUES (1, 1, 1, 1, 'GIẤY KHAI SINH Họ, chữ đệm, tên: ĐỖ THỊ LAN', 90, "
                          "'ocr', '{}', '[]')"))
        conn.execute(text("INSERT INTO field (document_id, name, value, confidence, page, source, details) "
                          "VALUES (1, 'full_name', 'ĐỖ THỊ LAN', 0.9, 1, 'extracted', '{}')"))
        if sqlite:  # the index of revision 0002, as its code wrote it
            conn.execute(text("INSERT INTO search_fts (rowid, exact, folded, pairs, exact_pairs, meta) VALUES "
                              "(1, 'đỗ thị lan', 'do thi lan', 'do_thi thi_lan', 'đỗ_thị thị_lan', 'district__q3')"))
        else:
            conn.execute(text("INSERT INTO search_document (document_id, words) VALUES (1, 'do:1 thi:2 lan:3')"))
        conn.execute(text("INSERT INTO store_meta (key, value) VALUES ('search_index', '1')"))


def test_revision_0004_upgrades_a_store_holding_data_and_keeps_all_of_it(store_url):
    store = indexed_store(store_url)
    _at_revision(store, "0003")
    _fill_revision_0003(store)

    store.init_schema()  # what `dossier init` does after the upgrade: migrate, then rebuild the index

    assert db.current_revision(store.engine) == db.head_revision()
    with store.engine.connect() as conn:
        batches = conn.execute(text("SELECT id, office, status, received_at, first_copy, procedure FROM batch "
                                    "ORDER BY id")).all()
        events = conn.execute(text("SELECT batch_id, office, action FROM event ORDER BY id")).all()
        document_office = conn.scalar(text("SELECT office FROM document WHERE id = 1"))
    assert [(b.id, b.office, b.status, b.first_copy, b.procedure) for b in batches] == [
        (1, "Q3", "done", None, None), (2, "Q1", "failed", None, None)]
    assert all(b.received_at is not None for b in batches)  # arrival taken from when the batch was recorded
    assert document_office == "Q3"
    assert [(e.batch_id, e.office) for e in events] == [(1, "Q3")] * 3 + [(2, "Q1")] * 3
    assert [b.id for b in store.batches(office="Q3")] == [1]
    [hit] = search(store, SearchQuery(text="do thi lan")).hits  # the index was rebuilt from the documents
    assert hit.document_id == 1
    assert search(store, SearchQuery(text="do thi lan", district="Q1")).hits == []
    store.dispose()


def test_revision_0004_downgrades_to_0003_and_upgrades_again(store_url):
    store = indexed_store(store_url)
    _at_revision(store, "0003")
    _fill_revision_0003(store)
    store.init_schema()

    _at_revision(store, "0003", command.downgrade)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT id, district FROM batch ORDER BY id")).all() == [(1, "Q3"), (2, "Q1")]
        assert conn.scalar(text("SELECT district FROM document")) == "Q3"
    store.init_schema()
    assert [hit.document_id for hit in search(store, SearchQuery(text="đỗ thị lan")).hits] == [1]
    store.dispose()


def test_revision_0006_adds_superseded_documents_and_worker_status_and_downgrades(store_url):
    store = indexed_store(store_url)
    _at_revision(store, "0003")
    _fill_revision_0003(store)
    store.init_schema()  # to the newest revision: 0006 adds two empty tables beside the data
    assert db.current_revision(store.engine) == db.head_revision() == "0006"
    with store.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM superseded_document")) == 0
        assert conn.scalar(text("SELECT count(*) FROM worker_status")) == 0
        assert conn.scalar(text("SELECT value FROM field")) == "ĐỖ THỊ LAN"
    store.announce("host/1", role="daemon", office="Q1", version="0.1.0")

    _at_revision(store, "0004", command.downgrade)
    with store.engine.connect() as conn:
        assert conn.scalar(text("SELECT office FROM document")) == "Q3"  # revision 0004's data kept
        assert "worker_status" not in inspect(conn).get_table_names()
        assert "superseded_document" not in inspect(conn).get_table_names()
    store.init_schema()
    assert [hit.document_id for hit in search(store, SearchQuery(text="đỗ thị lan")).hits] == [1]
    store.dispose()
