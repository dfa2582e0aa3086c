"""Fixity: `dossier verify` re-hashes every archived original and finds what is damaged, missing or unrecorded;
the daemon does it on its schedule and logs the result. Real files, the real command, the real daemon."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from conftest import SAMPLES
from daemon_support import office, trained_model, wait_until  # noqa: F401 - `office`, `trained_model` are fixtures

MARRIAGE = SAMPLES / "giay_chung_nhan_ket_hon_huynh_minh_viet_do_thi_ngan.pdf"
BIRTH = SAMPLES / "giay_khai_sinh_nguyen_duc_kien.pdf"
LONG_AGO = time.time() - 2 * 86_400  # older than the hour an intake in progress may take to record its file


def archived(data_dir: Path, source: Path) -> Path:
    import hashlib

    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    return data_dir / "archive" / sha[:2] / sha[2:4] / sha


def flip_one_byte(path: Path) -> None:
    os.chmod(path, 0o640)  # archived originals are read-only: rot does not ask
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.fixture
def filed(dossier):
    result = dossier("ingest", str(MARRIAGE), str(BIRTH))
    assert result.code == 0, result.err
    return dossier


def test_an_intact_archive_verifies_and_the_run_is_remembered(filed):
    result = filed("verify")
    assert result.code == 0, result.err
    assert "2 archived original(s) re-hashed" in result.out and "0 damaged, 0 missing, 0 orphan(s)" in result.out
    state = json.loads((filed.data_dir / "verify.json").read_text())
    assert state["ok"] is True and state["checked"] == 2 and state["finished_at"]


def test_a_flipped_byte_is_found_and_the_file_named(filed):
    damaged = archived(filed.data_dir, MARRIAGE)
    flip_one_byte(damaged)
    result = filed("verify")
    assert result.code == 1
    assert "1 damaged, 0 missing" in result.out
    line = next(line for line in result.out.splitlines() if line.strip().startswith("damaged"))
    assert str(damaged) in line and MARRIAGE.name in line  # where it is, and which dossier it was
    report = filed("verify", "--json").json()
    assert report["ok"] is False and report["damaged"] == 1
    [problem] = report["problems"]
    assert problem["kind"] == "damaged" and problem["path"] == str(damaged) and problem["name"] == MARRIAGE.name


def test_missing_and_orphan_files_are_reported_recent_ones_are_an_intake_in_progress(filed):
    gone = archived(filed.data_dir, BIRTH)
    gone.unlink()
    stray_sha = "ab" * 32
    stray = filed.data_dir / "archive" / "ab" / "ab" / stray_sha
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"no batch records me")
    os.utime(stray, (LONG_AGO, LONG_AGO))
    out_of_place = filed.data_dir / "archive" / "notes.txt"
    out_of_place.write_text("someone left this here")
    recent = filed.data_dir / "archive" / "cd" / "cd" / ("cd" * 32)
    recent.parent.mkdir(parents=True)
    recent.write_bytes(b"archived a moment ago, its batch not yet committed")

    report = filed("verify", "--json")
    assert report.code == 1
    shown = report.json()
    assert (shown["damaged"], shown["missing"], shown["orphan"], shown["in_flight"]) == (0, 1, 2, 1)
    kinds = {p["path"]: p["kind"] for p in shown["problems"]}
    assert kinds == {str(gone): "missing", str(stray): "orphan", str(out_of_place): "orphan"}
    human = filed("verify")
    assert human.code == 1 and str(gone) in human.out and BIRTH.name in human.out


def test_verify_is_for_admins_of_an_initialised_store(tmp_path):
    from conftest import Dossier

    result = Dossier(data_dir=tmp_path / "nothing")("verify")
    assert result.code == 5 and "dossier init" in result.err


@pytest.mark.slow
def test_the_daemon_verifies_on_its_schedule_and_logs_what_is_wrong(office):
    site = office({"verify": {"every_days": 7}, "queue": {"workers": 1}})
    assert site.cli("ingest", str(MARRIAGE)).code == 0
    flip_one_byte(archived(site.data_dir, MARRIAGE))
    daemon = site.start()  # never verified: due at once
    wait_until(lambda: "fixity checked" in daemon.log, timeout=120, what="the scheduled fixity check",
               daemon=daemon)
    log = daemon.log
    damaged = next(line for line in log.splitlines() if "archive damaged" in line)
    # The path itself may be partly masked (a run of 9 or 12 digits in a SHA-256 looks like an ID number):
    # the dossier's name and batch say which it is, and `dossier verify` prints the paths whole.
    assert f"name={MARRIAGE.name}" in damaged and "batch=1" in damaged and "/archive/" in damaged
    assert "ok=False" in log and "damaged=1" in log
    state = json.loads((site.data_dir / "verify.json").read_text())
    assert state["ok"] is False
    daemon.signal(signal.SIGTERM)
    assert daemon.wait(timeout=60) == 0

    again = site.start()  # run a moment ago: not due for 7 days, across the restart
    time.sleep(5)  # several rounds of the chores (inbox.rescan_seconds = 2 s in the tests)
    assert again.log.count("fixity checked") == 1
    again.signal(signal.SIGTERM)
    assert again.wait(timeout=60) == 0
