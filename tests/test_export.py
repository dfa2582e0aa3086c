"""`dossier export` gives back the original file(s) of a document, byte for byte, verified by SHA-256."""

import hashlib
import os
from pathlib import Path

import pytest
from conftest import SAMPLES, corpus_file, indexed_store

from pipeline.archive.export import export_originals
from pipeline.archive.originals import Archive
from pipeline.domain import Classification, DocumentResult, PageText
from pipeline.errors import ArchiveError, UsageError
from pipeline.store.repository import NewFile


def test_an_ingested_document_exports_as_its_original_file(dossier, tmp_path):
    original = corpus_file("paperless-ngx/documents/tests/samples/simple.pdf")
    ingested = dossier("ingest", str(original), "--json")
    assert ingested.code == 0, ingested.err
    [filed] = ingested.json()["filed"]
    [document_id] = filed["documents"]
    sha256 = hashlib.sha256(original.read_bytes()).hexdigest()

    exported = dossier("export", str(document_id), "--to", str(tmp_path / "copy.pdf"))
    assert exported.code == 0, exported.err
    assert (tmp_path / "copy.pdf").read_bytes() == original.read_bytes()
    assert sha256 in exported.out and "verified" in exported.out

    again = dossier("export", str(document_id), "--to", str(tmp_path / "copy.pdf"))
    assert again.code == 2 and "would overwrite" in again.err  # never overwrites
    missing = dossier("export", "999", "--to", str(tmp_path / "x.pdf"))
    assert missing.code == 3 and "document 999 does not exist" in missing.err


class FolderDossier:
    """A filed folder dossier: page1.jpg and page2.jpg archived, one document read from both."""

    def __init__(self, tmp_path: Path) -> None:
        self.archive = Archive(tmp_path / "archive")
        self.store = indexed_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
        self.store.init_schema()
        self.originals, files = {}, []
        for name in ("page1.jpg", "scans/page2.jpg"):
            source = tmp_path / "inbox" / name
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_bytes(f"JPEG bytes of {name}".encode())
            archived = self.archive.put(source)
            self.originals[name] = archived.sha256
            files.append(NewFile(name, archived.sha256, archived.size, "image/jpeg"))
        batch_id, _, _ = self.store.record_batch(source="ho_so_le_thi_ha", kind="folder", district="Q1",
                                                 sha256="f" * 64, files=files)
        pages = [PageText(ordinal, 1, f"trang {ordinal + 1}", 90.0, "ocr") for ordinal in (0, 1)]
        [self.document_id] = self.store.file_documents(
            batch_id, [DocumentResult(pages, Classification("birth_certificate", 0.9), [])], stage_ms={})

    def export(self, destination: Path):
        # What `dossier export` does (pipeline.operations.export): the originals the document's pages came from.
        document = self.store.document(self.document_id)
        _, files = self.store.batch_files(document.batch_id)
        used = {page.batch_file_id for page in document.pages}
        return export_originals(self.archive, [(f.name, f.sha256) for f in files if f.id in used], destination)


def test_a_document_read_from_several_files_exports_them_all_into_a_folder(tmp_path):
    folder = FolderDossier(tmp_path)
    exported = folder.export(tmp_path / "out")
    assert [(f.name, f.path.relative_to(tmp_path / "out").as_posix()) for f in exported] == [
        ("page1.jpg", "page1.jpg"), ("scans/page2.jpg", "scans/page2.jpg")]
    for f in exported:
        assert hashlib.sha256(f.path.read_bytes()).hexdigest() == folder.originals[f.name] == f.sha256


def test_several_files_cannot_go_to_one_file(tmp_path):
    folder = FolderDossier(tmp_path)
    (tmp_path / "taken.jpg").write_bytes(b"x")
    with pytest.raises(UsageError, match="must be a folder"):
        folder.export(tmp_path / "taken.jpg")


def test_a_damaged_archive_copy_is_refused_and_nothing_is_left_behind(tmp_path):
    folder = FolderDossier(tmp_path)
    damaged = folder.archive.path_for(folder.originals["scans/page2.jpg"])
    os.chmod(damaged, 0o644)
    damaged.write_bytes(b"bit rot")
    with pytest.raises(ArchiveError, match="missing or damaged"):
        folder.export(tmp_path / "out")
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []  # page1.jpg was taken back


def test_export_never_writes_through_a_link_nor_over_an_existing_file(dossier, tmp_path):
    """`--to X` with `X.part` a link to another file: refused, the other file untouched (it was overwritten once)."""
    scan = SAMPLES / "giay_chung_nhan_ket_hon_huynh_minh_viet_do_thi_ngan.pdf"
    ingested = dossier("ingest", str(scan), "--json")
    assert ingested.code == 0, ingested.err
    [document_id] = ingested.json()["filed"][0]["documents"]
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file")

    (out / "copy.pdf.part").symlink_to(victim)
    through_part = dossier("export", str(document_id), "--to", str(out / "copy.pdf"))
    assert through_part.code == 2 and "copy.pdf.part is in the way" in through_part.err
    assert victim.read_text() == "someone else's file"
    assert not (out / "copy.pdf").exists() and (out / "copy.pdf.part").is_symlink()  # theirs: left as it was

    (out / "linked.pdf").symlink_to(victim)  # the target itself a link: not followed, not replaced
    through_link = dossier("export", str(document_id), "--to", str(out / "linked.pdf"))
    assert through_link.code == 2 and "would overwrite" in through_link.err
    (out / "dangling.pdf").symlink_to(tmp_path / "nowhere.pdf")  # a link to nothing yet: still not written through
    dangling = dossier("export", str(document_id), "--to", str(out / "dangling.pdf"))
    assert dangling.code == 2 and not (tmp_path / "nowhere.pdf").exists()
    assert victim.read_text() == "someone else's file"

    fine = dossier("export", str(document_id), "--to", str(out / "fine.pdf"))
    assert fine.code == 0, fine.err
    assert (out / "fine.pdf").read_bytes() == scan.read_bytes() and not (out / "fine.pdf.part").exists()
    assert os.stat(out / "fine.pdf").st_mode & 0o777 == 0o640
    existing = dossier("export", str(document_id), "--to", str(out / "fine.pdf"))
    assert existing.code == 2 and "would overwrite" in existing.err


def test_a_folder_dossier_is_never_exported_through_a_linked_subfolder(tmp_path):
    folder = FolderDossier(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "scans").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="is a link"):
        folder.export(tmp_path / "out")
    assert list(elsewhere.iterdir()) == [] and not (tmp_path / "out" / "page1.jpg").exists()
