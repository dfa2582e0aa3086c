"""Pages and ids an operator can trust (issue 15): which pages of which file a document came from,
one page as an image, a document's own pages as a searchable PDF, ids that survive reprocessing,
and failed batches dismissed or exported for fixing. Through the real CLI, with real OCR."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
import subprocess

import pytest
from conftest import SAMPLES, Dossier, indexed_store
from daemon_support import encrypted_pdf_bytes
from PIL import Image

from pipeline.domain import Classification, DocumentResult, PageText
from pipeline.store.repository import NewFile

DOSSIER_PDF = SAMPLES / "ho_so_cap_the_bhyt_tre_em_doan_thi_lan.pdf"  # four pages, four documents


@pytest.fixture(scope="module")
def filed(tmp_path_factory) -> Dossier:
    """The four-page dossier PDF, ingested once (real OCR) for the tests that only read it."""
    runner = Dossier(data_dir=tmp_path_factory.mktemp("pages") / "data")
    assert runner("init").code == 0
    ingested = runner("ingest", str(DOSSIER_PDF), "--json")
    assert ingested.code == 0, ingested.err
    # `ingest --json` says how each batch ended, not how intake left it (it said "queued").
    assert [b["status"] for b in ingested.json()["batches"]] == ["done"]
    assert ingested.json()["filed"][0]["documents"] == [1, 2, 3, 4]
    return runner


def test_show_names_the_source_file_and_pages_and_ids_carry_their_letter(filed):
    shown = filed("show", "D2")
    assert shown.code == 0, shown.err
    assert shown.out.startswith("Document D2 ")
    assert f"from file {DOSSIER_PDF.name}, page 2" in shown.out and "batch B1" in shown.out
    assert filed("show", "2", "--json").json()["origin"] == [{"file": DOSSIER_PDF.name, "pages": [2]}]
    assert filed("show", "B2").code == 2  # a batch id is not a document id


def test_page_writes_one_page_as_archived_and_as_read_never_over_a_file(filed, tmp_path):
    archived, read = tmp_path / "archived.png", tmp_path / "read.png"
    written = filed("page", "D2", "1", "--to", str(archived))
    assert written.code == 0, written.err
    assert f"file {DOSSIER_PDF.name}, page 2" in written.out
    with Image.open(archived) as image:
        # The pipeline's rasterization of page 2 of the original: the stored word boxes land on it.
        words = filed("show", "2", "--json").json()
        assert image.format == "PNG" and image.width > 1000
        document_text = " ".join(words["page_texts"])
        assert document_text.strip()
    reference = tmp_path / "reference"
    dpi = words["page_details"][0]["source"]["dpi"]
    subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", str(dpi), "-gray", "-png", str(DOSSIER_PDF),
                    str(reference)], check=True)
    [rendered] = tmp_path.glob("reference*.png")
    with Image.open(archived) as mine, Image.open(rendered) as theirs:
        assert mine.size == theirs.size
    assert stat.S_IMODE(archived.stat().st_mode) == 0o600  # citizens' data: the owner's only

    assert filed("page", "D2", "1", "--as-read", "--to", str(read)).code == 0
    with Image.open(read) as image:
        assert image.mode == "L"  # what the reader was given: grayscale, prepared

    again = filed("page", "D2", "1", "--to", str(archived))
    assert again.code == 2 and "would overwrite" in again.err
    beyond = filed("page", "D2", "2", "--to", str(tmp_path / "two.png"))
    assert beyond.code == 2 and "has 1 page(s)" in beyond.err and not (tmp_path / "two.png").exists()


def test_export_pages_writes_only_the_document_pages_with_its_words_searchable(filed, tmp_path):
    target = tmp_path / "d2.pdf"
    exported = filed("export", "D2", "--pages", "--to", str(target))
    assert exported.code == 0, exported.err
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info  # the original has four
    searchable = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    id_number = filed("show", "2", "--json").json()["fields"]["id_number"]
    assert id_number in searchable.replace(" ", "")  # the number read, findable in any PDF reader
    own = " ".join(filed("show", "2", "--json").json()["page_texts"])
    accented = {w for w in own.split() if not w.isascii() and w.isalpha()}
    assert accented and accented <= set(searchable.split())  # every Vietnamese word, diacritics intact
    other = set(filed("show", "1", "--json").json()["page_texts"][0].split()) - set(own.split())
    assert not {w for w in other if len(w) > 5} & set(searchable.split())  # nothing of the other pages
    again = filed("export", "D2", "--pages", "--to", str(target))
    assert again.code == 2 and "would overwrite" in again.err


def test_a_reprocessed_batch_keeps_its_document_ids_and_a_superseded_one_points_to_its_successor(tmp_path):
    dossier = Dossier(data_dir=tmp_path / "data")
    assert dossier("init").code == 0
    copy = tmp_path / DOSSIER_PDF.name
    shutil.copy(DOSSIER_PDF, copy)
    assert dossier("ingest", str(copy)).code == 0
    again = dossier("reprocess", "B1", "--json")
    assert again.code == 0, again.err
    assert again.json()[0]["documents"] == [1, 2, 3, 4]  # before this issue: 5, 6, 7, 8
    assert dossier("show", "2").code == 0

    # The split changes (as after a catalog change): document 2 held pages 2-3, the new split has page 2 alone.
    with sqlite3.connect(tmp_path / "data" / "dossier.sqlite3") as db:
        file_id, = db.execute("SELECT batch_file_id FROM page WHERE document_id = 2").fetchone()
        db.execute("INSERT INTO page (document_id, number, batch_file_id, file_page, text, confidence, method, "
                   "details, words) VALUES (2, 2, ?, 3, '', 0, 'ocr', '{}', '[]')", (file_id,))
    assert dossier("reprocess", "1", "--json").json()[0]["documents"] == [1, 5, 3, 4]
    gone = dossier("show", "D2")
    assert gone.code == 3
    assert "no longer exists" in gone.err and "now in document D5" in gone.err and "dossier show 5" in gone.err
    assert dossier("show", "5").code == 0
    exported = dossier("export", "2", "--to", str(tmp_path / "old.pdf"))
    assert exported.code == 3 and "now in document D5" in exported.err


def test_reprocessing_keeps_ids_on_both_stores_when_the_pages_match(store):
    """The store's matching alone: same file and page range keeps the id; otherwise superseded."""
    batch_id, _, _ = store.record_batch(source="x.pdf", kind="file", district="Q1", sha256="a" * 64,
                                        files=[NewFile("x.pdf", "b" * 64, 10, "application/pdf")])

    def result(*numbers: int) -> DocumentResult:
        pages = [PageText(0, n, f"trang {n}", 90.0, "ocr") for n in numbers]
        return DocumentResult(pages, Classification("birth_certificate", 0.9), [])

    first = store.file_documents(batch_id, [result(1), result(2, 3)], stage_ms={})
    kept = store.file_documents(batch_id, [result(1), result(2, 3)], stage_ms={})
    assert kept == first
    resplit = store.file_documents(batch_id, [result(1), result(2), result(3)], stage_ms={})
    assert resplit[0] == first[0] and first[1] not in resplit
    superseded = store.superseded(first[1])
    assert superseded.successor_id == resplit[1] and superseded.pages == "x.pdf p. 2-3"
    assert store.superseded(first[0]) is None


def test_a_failed_batch_is_dismissed_out_of_reprocess_failed_and_its_original_exported(dossier, tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf_bytes())
    assert dossier("ingest", str(locked)).code == 1
    assert dossier("reprocess", "--failed", "--json").json()[0]["status"] == "failed"  # retried, fails again

    out = tmp_path / "to_fix"
    exported = dossier("export", "--batch", "B1", "--to", str(out))
    assert exported.code == 0, exported.err
    assert (out / "locked.pdf").read_bytes() == locked.read_bytes()

    dismissed = dossier("dismiss", "B1", "--reason", "encrypted; the citizen brings a paper copy")
    assert dismissed.code == 0, dismissed.err
    assert "B1 dismissed" in dismissed.out
    assert dossier("reprocess", "--failed", "--json").json() == []
    listed = dossier("batches").out
    assert "B1" in listed and "dismissed" in listed
    events = dossier("batches", "--json").json()[0]
    assert events["status"] == "dismissed" and events["reason"]  # the failure's reason stays with it
    assert hashlib.sha256(locked.read_bytes()).hexdigest() in {
        p.name for p in (tmp_path / "data" / "archive").glob("??/??/*")}  # original kept
    twice = dossier("dismiss", "1", "--reason", "again")
    assert twice.code == 2 and "only a failed batch" in twice.err
    assert dossier("dismiss", "B1").code == 2  # --reason is required
    taken_up = dossier("reprocess", "B1", "--json")  # named by id, a dismissed batch is processed again
    assert taken_up.json()[0]["status"] == "failed"


def test_a_relabelled_document_shows_no_best_guess_equal_to_its_type_and_review_shows_name_and_title(dossier):
    store = indexed_store(f"sqlite:///{dossier.data_dir / 'dossier.sqlite3'}")
    batch_id, _, _ = store.record_batch(source="scan.png", kind="file", district="Q1", sha256="c" * 64,
                                        files=[NewFile("scan.png", "d" * 64, 10, "image/png")])
    from pipeline.domain import ExtractedField

    page = PageText(0, 1, "GIẤY KHAI SINH\nHọ và tên: NGUYỄN VĂN AN", 50.0, "ocr")
    guess = Classification("other", 0.3, {"best_guess": "birth_certificate", "title": "GIẤY KHAI SINH"})
    [document_id] = store.file_documents(batch_id, [DocumentResult(
        [page], guess, [ExtractedField("full_name", "NGUYỄN VĂN AN", 0.9, 1)], ["uncertain type"])], stage_ms={})
    store.dispose()
    before = dossier("review")
    assert "(best guess birth_certificate)" in before.out
    assert "NGUYỄN VĂN AN" in before.out and "title: GIẤY KHAI SINH" in before.out
    assert dossier("review", "--json").json()[0]["name"] == "NGUYỄN VĂN AN"

    assert dossier("relabel", f"D{document_id}", "--type", "birth_certificate").code == 0
    [after] = [row for row in dossier("review", "--json").json() if row["kind"] == "document"]
    assert after["doc_type"] == "birth_certificate" and after["best_guess"] is None  # still to review, no guess
    assert "best guess" not in dossier("review").out
    set_by_hand = dossier("set-field", str(document_id), "full_name=NGUYỄN VĂN BÌNH")
    assert set_by_hand.code == 0, set_by_hand.err
    shown = dossier("show", str(document_id)).out
    assert "page None" not in shown and "set by hand" in shown
