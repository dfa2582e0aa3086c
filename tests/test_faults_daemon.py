"""The daemon under faults: odd inbox entries, a full disk, a store that goes away mid-batch.

Real watchdog, Tesseract, SQLite and PostgreSQL, the daemon as a subprocess. Each test asserts
that every input ends filed or failed with its reason, exactly once; that recovery does not wait
for a lease to run out; and that an outage is logged when it starts and ends, not at every retry.
"""

from __future__ import annotations

import os
import socket
import stat
import time
from collections import Counter

import pytest
from daemon_support import (  # noqa: F401 - `office`, `trained_model` are fixtures
    drop_all,
    office,
    pdf_bytes,
    scan_bytes,
    trained_model,
    wait_until,
)
from fault_support import NON_UTF8_NAME, TcpProxy, fill, small_disk
from sqlalchemy import make_url

from tests.conftest import indexed_store

pytestmark = pytest.mark.slow

ONE_WORKER = {"queue": {"workers": 1}}


def warnings_about(log: str, words: str) -> list[str]:
    return [line for line in log.splitlines() if "WARNING" in line and words in line]


def test_odd_inbox_entries_each_end_once_with_a_reason_and_empty_folders_are_left_alone(office, tmp_path):
    o = office({**ONE_WORKER, "inbox": {"quiet_seconds": 0.5}})
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the inbox: never to be read")
    inbox = o.inbox
    (inbox / NON_UTF8_NAME).write_bytes(scan_bytes("Căn cước công dân Nguyễn Văn An"))  # not a UTF-8 name
    (inbox / "link.png").symlink_to(secret)
    os.mkfifo(inbox / "fifo.png")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(inbox / "socket.png"))
    (inbox / "trong").mkdir()  # an empty folder: it may still be filling
    folder = inbox / "ho-so"
    folder.mkdir()
    (folder / "trang-1.png").write_bytes(scan_bytes("Trang một"))
    (folder / "trang-2.png").symlink_to(secret)
    (folder / "READY").write_text("")

    result = o.cli("watch", "--once", timeout=300)
    listener.close()
    assert result.code == 1 and "left alone: trong: an empty folder" in result.out, result.out + result.err
    rows = {row["source"]: row for row in o.batches()}
    assert {source: row["status"] for source, row in rows.items()} == {
        "cccd_\\xff\\xfe.png": "done", "link.png": "failed", "fifo.png": "failed", "socket.png": "failed",
        "ho-so": "failed"}
    assert all("not a regular file: refused" in rows[s]["reason"] for s in ("link.png", "fifo.png", "socket.png"))
    assert rows["ho-so"]["reason"].startswith("ho-so/trang-2.png: intake: a symbolic link")
    assert sorted(p.name for p in inbox.iterdir()) == ["trong"]  # each taken once, the links themselves removed
    assert secret.exists() and secret.read_bytes() not in {p.read_bytes() for p in
                                                           (o.data_dir / "archive").glob("??/??/*")}
    assert "Traceback" not in result.err and "cannot take" not in result.err
    assert result.err.count("an empty folder: left alone") == 1
    stats = o.cli("stats", "--json").json()
    assert (stats["inbox_waiting"], stats["inbox_empty_folders"]) == (0, 1)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
def test_a_device_in_the_inbox_is_refused_without_being_read(office):
    o = office(ONE_WORKER)
    os.mknod(o.inbox / "zero.png", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero
    result = o.cli("watch", "--once", timeout=120)
    assert result.code == 1
    [row] = o.batches()
    assert row["status"] == "failed" and "a character device, not a regular file" in row["reason"]
    assert not list((o.data_dir / "archive" / "tmp").glob("*"))


def test_a_full_disk_holds_intake_without_losing_anything_and_it_resumes_when_space_returns(office, tmp_path):
    with small_disk(tmp_path / "office" / "data", size="24m") as disk:
        inbox = tmp_path / "inbox"  # on another disk, as an office's share is
        o = office({**ONE_WORKER, "inbox": {"path": str(inbox)}}, name="office")  # `init` creates it
        daemon = o.start()
        filler = fill(disk)
        scan = tmp_path / "quay.png"
        scan.write_bytes(scan_bytes("Đơn đề nghị Trần Thị Mai nộp tại quầy"))
        ingested = o.cli("ingest", str(scan))  # an operator at the counter, meanwhile
        assert ingested.code == 1 and "Traceback" not in ingested.err, ingested.err
        assert "no space left on the disk" in ingested.err or "disk holding the store is full" in ingested.err

        files = {f"day-{n}.png": scan_bytes(f"Tờ khai số {n} Phạm Thị Cúc") for n in range(3)}
        drop_all(inbox, files, tmp_path / "staging")
        wait_until(lambda: warnings_about(daemon.log, "inbox intake paused"), timeout=60,
                   what="intake to notice the full disk", daemon=daemon)
        time.sleep(6)  # several back-off periods: still one warning, every file still in the inbox
        assert len(warnings_about(daemon.log, "paused")) == 1, daemon.log
        assert sorted(p.name for p in inbox.iterdir()) == sorted(files) and o.batches() == []

        filler.unlink()
        freed = time.monotonic()
        rows = wait_until(lambda: o.settled(3), timeout=120, what="the files to be filed", daemon=daemon)
        assert time.monotonic() - freed < 60
        assert Counter(r["source"] for r in rows) == Counter(files.keys())
        assert Counter(r["status"] for r in rows) == {"done": 3}
        assert "inbox intake resumed" in daemon.log
        assert not list((o.data_dir / "archive" / "tmp").iterdir())
        daemon.kill_everything()


@pytest.mark.postgres
def test_a_store_outage_mid_batch_drains_within_a_minute_of_recovery_without_waiting_for_leases(
        pg_url, office, tmp_path):
    target = make_url(pg_url)
    proxy = TcpProxy((target.host, target.port or 5432))
    try:
        o = office({"queue": {"workers": 1, "lease_seconds": 600.0, "retry_base_seconds": 1.0},
                    "store": {"url": proxy.url(pg_url), "connect_timeout_seconds": 2,
                              "statement_timeout_seconds": 2}})
        o.store.dispose()
        o.store = indexed_store(pg_url)  # the test looks at the database directly, never through the proxy
        daemon = o.start()
        first = {"nhieu-trang.pdf": pdf_bytes(*[f"Trang {n} Nguyễn Văn An" for n in range(8)]),
                 "don.png": scan_bytes("Đơn đề nghị Võ Văn Dũng")}
        drop_all(o.inbox, first, tmp_path / "staging")
        wait_until(lambda: any(r["status"] == "processing" for r in o.batches()), timeout=90,
                   what="a batch in progress", daemon=daemon, every=0.1)

        proxy.cut()  # the database goes away while the worker is reading pages
        later = {f"sau-{n}.png": scan_bytes(f"Tờ khai số {n} sau sự cố") for n in range(3)}
        drop_all(o.inbox, later, tmp_path / "staging-later")
        time.sleep(8)  # an outage of several back-off periods
        assert sorted(p.name for p in o.inbox.iterdir()) == sorted(later)  # waiting, not lost
        proxy.forward()
        recovered = time.monotonic()

        files = first | later
        rows = wait_until(lambda: o.settled(len(files)), timeout=120, what="the queue to drain", daemon=daemon)
        assert time.monotonic() - recovered < 60  # not the 600 s lease
        assert Counter(r["source"] for r in rows) == Counter(files.keys())  # each input exactly one batch
        assert Counter(r["status"] for r in rows) == {"done": len(files)}, rows
        assert all(len(r["documents"]) >= 1 for r in rows)
        # One warning per process and state change, not one per attempt and file.
        assert 1 <= len(warnings_about(daemon.log, "paused")) <= 3, daemon.log  # intake, upkeep, worker
        assert len(warnings_about(daemon.log, "")) <= 12, daemon.log
    finally:
        proxy.close()

