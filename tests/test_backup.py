"""Backup → restore → verify, on SQLite and PostgreSQL: the real command, real files, real pg_dump/pg_restore."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import IN_CI, PG_ADMIN_URL, SAMPLES, Dossier

from pipeline.privacy import readable_by_others

MARRIAGE = SAMPLES / "giay_chung_nhan_ket_hon_huynh_minh_viet_do_thi_ngan.pdf"
BIRTH = SAMPLES / "giay_khai_sinh_nguyen_duc_kien.pdf"


def filed_office(runner: Dossier) -> dict:
    assert runner("init").code == 0
    ingested = runner("ingest", str(MARRIAGE), str(BIRTH), "--json")
    assert ingested.code == 0, ingested.err
    return {f["source"]: f["documents"] for f in ingested.json()["filed"]}


def round_trip(original: Dossier, restored: Dossier, tmp_path: Path) -> None:
    documents = filed_office(original)
    before = original("search", "huynh minh viet", "--json").json()
    backup = tmp_path / "backup"
    made = original("backup", str(backup))
    assert made.code == 0, made.err
    assert "2 original(s)" in made.out
    # The manifest is the usual format: the usual tool checks it too.
    checked = subprocess.run(["sha256sum", "--strict", "-c", "MANIFEST.sha256"], cwd=backup, capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not [p for p in backup.parent.iterdir() if ".partial-" in p.name]  # nothing half written left
    assert readable_by_others(backup) == []

    again = original("backup", str(backup))  # never over another backup
    assert again.code == 2 and "not empty" in again.err

    result = restored("restore", str(backup), "--json")
    assert result.code == 0, result.err + result.out
    report = result.json()
    assert report["verify"]["ok"] is True and report["verify"]["checked"] == 2
    assert report["files_checked"] >= 4  # backup.json, the store, two originals

    after = restored("search", "huynh minh viet", "--json").json()
    assert [r["document_id"] for r in after["results"]] == [r["document_id"] for r in before["results"]]
    [marriage_id] = documents[str(MARRIAGE)]
    exported = restored("export", str(marriage_id), "--to", str(tmp_path / "exported.pdf"))
    assert exported.code == 0, exported.err
    assert (tmp_path / "exported.pdf").read_bytes() == MARRIAGE.read_bytes()
    assert restored("verify").code == 0
    assert readable_by_others(restored.data_dir) == []

    refused = restored("restore", str(backup))  # the data folder now holds a store: never mixed
    assert refused.code == 2 and "not empty" in refused.err


def test_backup_restore_verify_round_trip_on_sqlite(tmp_path):
    round_trip(Dossier(data_dir=tmp_path / "office"), Dossier(data_dir=tmp_path / "restored"), tmp_path)


def test_a_damaged_or_tampered_backup_is_refused_and_nothing_is_restored(tmp_path):
    office = Dossier(data_dir=tmp_path / "office")
    filed_office(office)
    backup = tmp_path / "backup"
    assert office("backup", str(backup)).code == 0
    [original] = [p for p in (backup / "archive").rglob("*") if p.is_file()][:1]
    os.chmod(original, 0o640)
    data = bytearray(original.read_bytes())
    data[100] ^= 0x01
    original.write_bytes(bytes(data))

    restored = Dossier(data_dir=tmp_path / "restored")
    result = restored("restore", str(backup))
    assert result.code == 1 and "does not match its manifest" in result.err and original.name in result.err
    assert not restored.data_dir.exists()  # nothing restored

    original.unlink()
    original.symlink_to(MARRIAGE)  # a link in the backup is never followed
    linked = restored("restore", str(backup))
    assert linked.code == 1 and "a link" in linked.err and not restored.data_dir.exists()

    not_a_backup = restored("restore", str(tmp_path))
    assert not_a_backup.code == 2 and "no dossier backup" in not_a_backup.err


def test_backup_of_a_damaged_archive_says_so_and_does_not_copy_the_damage(tmp_path):
    office = Dossier(data_dir=tmp_path / "office")
    filed_office(office)
    sha = hashlib.sha256(BIRTH.read_bytes()).hexdigest()
    archived = office.data_dir / "archive" / sha[:2] / sha[2:4] / sha
    os.chmod(archived, 0o640)
    archived.write_bytes(b"rotten")
    result = office("backup", str(tmp_path / "backup"), "--json")
    assert result.code == 1
    assert result.json()["damaged"] == [sha] and result.json()["originals"] == 1
    info = json.loads((tmp_path / "backup" / "backup.json").read_text())
    assert info["complete"] is False


def _pg_tools() -> None:
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (postgresql-client: `make test-deps` installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def second_pg_url(pg_server):
    """Another fresh, empty database: the one a backup is restored into."""
    from sqlalchemy import create_engine, text

    name = f"dossier_restore_{uuid.uuid4().hex[:12]}"
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def test_backup_restore_verify_round_trip_on_postgresql(pg_url, second_pg_url, tmp_path):
    _pg_tools()
    round_trip(Dossier(data_dir=tmp_path / "office", db_url=pg_url),
               Dossier(data_dir=tmp_path / "restored", db_url=second_pg_url), tmp_path)
    # Into a database that is not empty (here: the original one): refused, with the reason.
    into_used = Dossier(data_dir=tmp_path / "another", db_url=pg_url)("restore", str(tmp_path / "backup"))
    assert into_used.code == 2 and "database is not empty" in into_used.err
    assert not (tmp_path / "another").exists()


def test_a_backup_taken_while_dossiers_are_being_filed_restores_whole(tmp_path):
    """The store snapshot and the originals it records go together: nothing missing, nothing unrecorded."""
    import sys

    from conftest import ROOT

    office = Dossier(data_dir=tmp_path / "office")
    filed_office(office)
    scans = [p for p in SAMPLES.iterdir() if p.suffix in (".png", ".jpg", ".tif")]
    filing = subprocess.Popen([sys.executable, "-m", "pipeline", "--data-dir", str(office.data_dir), "ingest",
                               *map(str, scans)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        backups = []
        while filing.poll() is None or not backups:
            backup = tmp_path / f"backup-{len(backups)}"
            made = office("backup", str(backup))
            assert made.code == 0, made.err
            backups.append(backup)
    finally:
        filing.wait(timeout=900)
    for backup in backups:
        restored = Dossier(data_dir=tmp_path / f"restored-{backup.name}")
        result = restored("restore", str(backup), "--json")
        assert result.code == 0, result.err + result.out
        fixity = result.json()["verify"]
        # (A restored file is new: one the store did not record would count as in flight, not as an orphan.)
        assert (fixity["damaged"], fixity["missing"], fixity["orphan"], fixity["in_flight"]) == (0, 0, 0, 0)
