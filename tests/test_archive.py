"""The archive keeps every original once, read-only, verified by SHA-256."""

import hashlib
import os

import pytest

from pipeline.archive.originals import Archive
from pipeline.errors import ArchiveError


def test_put_stores_content_addressed_read_only_copy(tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.4 fake")
    archived = Archive(tmp_path / "archive").put(source)
    assert archived.sha256 == hashlib.sha256(b"%PDF-1.4 fake").hexdigest()
    stored = tmp_path / "archive" / archived.sha256[:2] / archived.sha256[2:4] / archived.sha256
    assert stored.read_bytes() == b"%PDF-1.4 fake"
    assert not os.stat(stored).st_mode & 0o222  # nobody may alter an original
    assert source.exists()  # the inbox entry is the caller's to remove, after the database commit


def test_same_content_is_stored_once(tmp_path):
    archive = Archive(tmp_path / "archive")
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(b"same bytes")
    assert archive.put(tmp_path / "a.png") == archive.put(tmp_path / "b.png")
    assert len([p for p in (tmp_path / "archive").rglob("*") if p.is_file()]) == 1


def test_verify_detects_a_damaged_copy(tmp_path):
    archive = Archive(tmp_path / "archive")
    (tmp_path / "x").write_bytes(b"original")
    sha = archive.put(tmp_path / "x").sha256
    assert archive.verify(sha)
    stored = archive.path_for(sha)
    os.chmod(stored, 0o644)
    stored.write_bytes(b"bit rot")
    assert not archive.verify(sha)
    with pytest.raises(ArchiveError):
        archive.export(sha, tmp_path / "out")


def test_a_damaged_copy_is_replaced_when_the_original_arrives_again(tmp_path):
    archive = Archive(tmp_path / "archive")
    (tmp_path / "x").write_bytes(b"original")
    sha = archive.put(tmp_path / "x").sha256
    os.chmod(archive.path_for(sha), 0o644)
    archive.path_for(sha).write_bytes(b"bit rot")
    archive.put(tmp_path / "x")
    assert archive.verify(sha)


def test_export_writes_a_verified_copy(tmp_path):
    archive = Archive(tmp_path / "archive")
    (tmp_path / "x").write_bytes(b"original")
    sha = archive.put(tmp_path / "x").sha256
    out = archive.export(sha, tmp_path / "copy.pdf")
    assert out.read_bytes() == b"original"
