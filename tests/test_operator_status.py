"""What the admin sees of the daemon (issue 15): `dossier status` (running or not, each worker's batch and
page, queue, last filed and failed), `reprocess --queue` warning when no daemon runs, `batches` paging,
and the rejection message naming every format that is read."""

from __future__ import annotations

import datetime as dt
import signal

from conftest import indexed_store
from daemon_support import encrypted_pdf_bytes, office, record, trained_model, wait_until  # noqa: F401 - fixtures
from sqlalchemy import update

from pipeline.archive import formats
from pipeline.store.models import WorkerStatus, utcnow


def test_status_without_a_daemon_and_reprocess_queue_warns(dossier, tmp_path):
    text = dossier("status")
    assert text.code == 0, text.err
    assert "daemon     not running" in text.out and "last filed none yet" in text.out
    data = dossier("status", "--json").json()
    assert data["running"] is False and data["workers"] == [] and data["queue_depth"] == 0

    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf_bytes())
    assert dossier("ingest", str(locked)).code == 1  # failed, its original archived
    queued = dossier("reprocess", "B1", "--queue", "--json")
    assert queued.json()[0]["status"] == "queued"
    assert "no daemon is running for office Q1" in queued.err  # on stderr: the JSON stays clean
    assert dossier("status", "--json").json()["queue_depth"] == 1


def test_status_shows_each_worker_on_its_batch_and_page(dossier):
    store = indexed_store(f"sqlite:///{dossier.data_dir / 'dossier.sqlite3'}")
    batch_id = record(store, 1)
    store.announce("host-a/100", role="daemon", office="Q1", version="0.1.0")
    store.announce("host-a/101", role="worker", office="Q1", version="0.1.0")
    store.heartbeat("host-a/101", batch_id=batch_id, source="ho_so.pdf", stage="ocr", page=2, pages=4)
    store.announce("host-b/7", role="worker", office="Q3", version="0.1.0")  # another office's
    shown = dossier("status")
    assert shown.code == 0, shown.err
    assert "daemon     running" in shown.out and "workers    1" in shown.out
    assert f"B{batch_id} ocr page 2 of 4" in shown.out and "host-b/7" not in shown.out
    worker = dossier("status", "--json").json()["workers"][0]
    assert (worker["batch_id"], worker["page"], worker["pages"], worker["alive"]) == (batch_id, 2, 4, True)

    # A daemon that stopped writing its heartbeat (killed) is not taken for a running one.
    with store.session() as session:
        session.execute(update(WorkerStatus).values(seen_at=utcnow() - dt.timedelta(minutes=10)))
    store.dispose()
    stale = dossier("status")
    assert "daemon     not running" in stale.out and "stopped without saying so" in stale.out
    assert dossier("status", "--json").json()["running"] is False


def test_status_of_a_real_daemon_then_stopped(office):
    o = office()
    daemon = o.start()
    status = wait_until(lambda: (s := o.cli("status", "--json").json())["running"] and len(
        [w for w in s["workers"] if w["alive"]]) == 2 and s, timeout=120, what="two workers", daemon=daemon)
    assert status["local_daemon"]["pid"] == daemon.process.pid and status["local_daemon"]["version"] == "0.1.0"
    assert status["local_daemon"]["since"].endswith("+00:00")
    assert f"pid {daemon.process.pid}" in o.cli("status").out
    daemon.signal(signal.SIGTERM)
    assert daemon.wait(timeout=60) == 0
    after = o.cli("status", "--json").json()
    assert after["running"] is False and after["daemons"] == [] and after["workers"] == []  # rows removed


def test_batches_page_through_with_limit_and_offset(dossier):
    store = indexed_store(f"sqlite:///{dossier.data_dir / 'dossier.sqlite3'}")
    ids = [record(store, n) for n in range(5)]
    store.dispose()
    page = dossier("batches", "--limit", "2", "--offset", "1")
    assert page.code == 0, page.err
    shown = [line.split()[0] for line in page.out.splitlines() if line.startswith("B")]
    assert shown == [f"B{ids[1]}", f"B{ids[2]}"]
    assert "showing 2-3 of 5" in page.out and "more: --offset 3" in page.out
    assert [b["batch_id"] for b in dossier("batches", "--json", "--limit", "2").json()] == ids[:2]
    assert "no batches past --offset 9" in dossier("batches", "--offset", "9").out


def test_the_rejection_message_names_every_format_that_is_read(dossier, tmp_path):
    note = tmp_path / "ghi_chu.txt"
    note.write_text("không phải bản quét", encoding="utf-8")
    failed = dossier("ingest", str(note), "--json")
    assert failed.code == 1
    [batch] = failed.json()["batches"]
    assert batch["status"] == "failed"  # as it ended
    remedy = failed.json()["failed"][0]["reason"]
    names = {formats.PDF: "PDF", formats.TIFF: "TIFF", formats.JPEG: "JPEG", formats.PNG: "PNG",
             formats.BMP: "BMP", formats.WEBP: "WebP", formats.GIF: "GIF", formats.HEIC: "HEIC"}
    assert set(names) == set(formats.SUPPORTED)
    assert all(name in remedy for name in names.values()), remedy


def test_status_watch_refreshes_one_json_object_a_line(dossier):
    import json
    import subprocess
    import sys

    from conftest import ROOT

    command = [sys.executable, "-m", "pipeline", "--data-dir", str(dossier.data_dir), "status", "--watch", "--json"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as watching:
        try:
            first, second = (json.loads(watching.stdout.readline()) for _ in range(2))
        finally:
            watching.terminate()
    assert first["running"] is False and second["at"] >= first["at"]


def test_status_rows_work_alike_on_both_stores(store):
    """The status rows are in the store so that a citywide PostgreSQL store shows every machine's daemons."""
    store.announce("host-a/100", role="worker", office="Q1", version="0.1.0")
    store.announce("host-a/100", role="worker", office="Q1", version="0.1.0")  # a restart with the same pid
    store.heartbeat("host-a/100", batch_id=7, source="a.pdf", stage="ocr", page=3, pages=9)
    store.heartbeat("nobody/1", page=1)  # a process that never announced itself (an operator's ingest): ignored
    [row] = store.processes(office="Q1")
    assert (row.owner, row.host, row.pid, row.batch_id, row.page, row.pages) == ("host-a/100", "host-a", 100, 7, 3, 9)
    assert store.processes(office="Q3") == []
    store.forget_process("host-a/100")
    assert store.processes(office=None) == []
