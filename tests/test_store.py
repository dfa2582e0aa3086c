"""The store behaves the same on SQLite and PostgreSQL: schema by migration, batches, documents, events."""

import pytest
from sqlalchemy import select

from pipeline.domain import Classification, DocumentResult, ExtractedField, PageText, Word
from pipeline.errors import CorruptFile, Stage, StoreError
from pipeline.store.models import Event
from pipeline.store.repository import NewFile, Store
from tests.conftest import indexed_store, batch_rows

pytestmark = pytest.mark.postgres


def _store(url: str) -> Store:
    store = indexed_store(url)
    store.init_schema()
    return store


def _file(sha: str = "a" * 64) -> NewFile:
    return NewFile(name="giấy khai sinh.pdf", sha256=sha, size=10, media_type="application/pdf")


def _document(name: str = "NGUYỄN VĂN AN") -> DocumentResult:
    page = PageText(0, 1, f"GIẤY KHAI SINH\nHọ, chữ đệm, tên: {name}", 91.5, "ocr",
                    [Word("GIẤY", 95.0, 10, 10, 50, 20)], {"ocr": {"engine": "x"}})
    return DocumentResult([page], Classification("birth_certificate", 0.9),
                          [ExtractedField("full_name", name, 0.9, 1)])


def test_a_store_must_be_initialised_before_use(store_url):
    with pytest.raises(StoreError, match="dossier init"):
        Store(store_url).check_schema()
    store = _store(store_url)
    store.check_schema()
    store.init_schema()  # idempotent


def test_batch_lifecycle_is_recorded_as_events(store_url):
    store = _store(store_url)
    batch_id, status, _ = store.record_batch(source="ks.pdf", kind="file", district="Q1", sha256="a" * 64,
                                             files=[_file()], claim_owner="test", lease_seconds=60)
    assert status == "queued"
    [doc_id] = store.file_documents(batch_id, [_document()], stage_ms={"ocr": 1200})
    [row] = batch_rows(store)
    assert row["status"] == "done" and row["documents"] == [doc_id] and row["attempts"] == 1
    document = store.document(doc_id)
    assert document.fields[0].value == "NGUYỄN VĂN AN"
    assert document.pages[0].words[0] == ["GIẤY", 95.0, 10, 10, 50, 20]
    with store.session() as session:
        actions = [e.action for e in session.scalars(select(Event).order_by(Event.id))]
    assert actions[:3] == ["received", "archived", "queued"]
    assert {"processing", "filed", "ocr", "done"} <= set(actions)


def test_filing_again_replaces_the_batch_documents(store_url):
    store = _store(store_url)
    batch_id, _, _ = store.record_batch(source="ks.pdf", kind="file", district="Q1", sha256="a" * 64,
                                        files=[_file()])
    [first_id] = store.file_documents(batch_id, [_document("LÊ THỊ HÀ")], stage_ms={})
    [same_id] = store.file_documents(batch_id, [_document("NGUYỄN VĂN AN")], stage_ms={})
    assert same_id == first_id  # the same pages: the same document, read again (issue 15)
    assert [f.value for f in store.document(same_id).fields] == ["NGUYỄN VĂN AN"]
    two_pages = _document("NGUYỄN VĂN AN")
    two_pages.pages.append(PageText(0, 2, "trang 2", 90.0, "ocr"))
    [doc_id] = store.file_documents(batch_id, [two_pages], stage_ms={})
    [row] = batch_rows(store)
    assert row["documents"] == [doc_id]
    assert doc_id > first_id  # an id an operator noted never comes back as another document


def test_same_content_is_recorded_as_a_duplicate(store_url):
    store = _store(store_url)
    first, _, _ = store.record_batch(source="a.pdf", kind="file", district="Q1", sha256="b" * 64,
                                     files=[_file("b" * 64)])
    second, status, original = store.record_batch(source="copy.pdf", kind="file", district="Q1",
                                                  sha256="b" * 64, files=[_file("b" * 64)])
    assert (status, original) == ("duplicate", first)


def test_failure_keeps_stage_and_reason(store_url):
    store = _store(store_url)
    batch_id, _, _ = store.record_batch(source="x.pdf", kind="file", district="Q1", sha256="c" * 64,
                                        files=[_file("c" * 64)])
    store.fail_batch(batch_id, CorruptFile("the PDF cannot be read", stage=Stage.RASTERIZE, path="x.pdf"))
    [row] = batch_rows(store, status="failed")
    assert row["stage"] == "rasterize"
    assert row["reason"] == "x.pdf: rasterize: the PDF cannot be read"
