"""The district-office daemon end to end: real watchdog, real files, real Tesseract and SQLite,
the daemon as a subprocess (`python -m pipeline ... watch`), killed and restarted as in real life.

Every input must end exactly once as a filed batch, a failed batch with a reason, or a
duplicate; nothing is taken half-written; nothing is lost when the daemon dies.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections import Counter

import pytest

from pipeline.logs import mask_ids
from conftest import corpus_file
from daemon_support import (  # noqa: F401 - `office`, `trained_model` are fixtures
    drop_all,
    encrypted_pdf_bytes,
    office,
    scan_bytes,
    sha256,
    trained_model,
    wait_until,
)
from sqlalchemy import select

from pipeline.store.models import Batch, Event

pytestmark = pytest.mark.slow

ONE_WORKER = {"queue": {"workers": 1}}  # for a file or two: starts faster than a pool of two


# --- files are taken only when complete ------------------------------------------


def test_a_file_written_in_chunks_over_several_seconds_is_never_taken_early(office):
    o = office(ONE_WORKER)
    daemon = o.start()
    data = scan_bytes("Giấy khai sinh Trần Văn Bình gửi chậm qua mạng")
    target = o.inbox / "gui-cham.png"
    cuts = [0, 200, 400, 800, 1200, len(data) - 40, len(data)]
    # Pauses shorter than the quiet period (1 s), and one longer: only the format check can tell that
    # a PNG without its last chunk is still being copied.
    pauses = [0.4, 0.4, 0.4, 2.5, 0.4, 0]
    with target.open("wb") as fh:
        for start, end, pause in zip(cuts, cuts[1:], pauses):
            fh.write(data[start:end])
            fh.flush()
            os.fsync(fh.fileno())
            time.sleep(pause)
            assert target.exists() and o.batches() == [], "taken before the copy was complete"
    [batch] = wait_until(lambda: o.settled(1), timeout=60, what="the file to be filed", daemon=daemon)
    assert batch["status"] == "done"
    assert o.archived() == {sha256(data)}  # no partial copy was ever archived
    assert not target.exists()


def test_a_folder_dossier_is_taken_when_its_marker_arrives_with_every_page(office):
    o = office(ONE_WORKER)
    daemon = o.start()
    folder = o.inbox / "ho-so-nguyen-van-an"
    folder.mkdir()
    pages = {f"trang-{n}.png": scan_bytes(f"Hồ sơ Nguyễn Văn An trang {n}") for n in (1, 2, 3)}
    for name, data in pages.items():
        (folder / name).write_bytes(data)
        time.sleep(1.5)  # longer than the quiet period: without the marker the folder must still wait
        assert o.batches() == [], "a folder was taken before its marker (or its quiet period)"
    (folder / "READY").write_text("")
    [batch] = wait_until(lambda: o.settled(1), timeout=60, what="the folder to be filed", daemon=daemon)
    assert batch["status"] == "done" and batch["source"] == "ho-so-nguyen-van-an"
    assert o.archived() == {sha256(d) for d in pages.values()}
    assert not folder.exists()


# --- volume ------------------------------------------------------------------------


def test_two_hundred_files_dropped_at_once_are_all_filed(office, tmp_path):
    o = office()
    daemon = o.start()
    files = {f"ho-so-{n:03d}.png": scan_bytes(f"Hồ sơ số {n:03d} Nguyễn Văn An") for n in range(200)}
    drop_all(o.inbox, files, tmp_path / "staging")
    rows = wait_until(lambda: o.settled(200), timeout=240, what="200 batches to settle", daemon=daemon, every=1)
    assert Counter(r["status"] for r in rows) == {"done": 200}
    assert sorted(r["source"] for r in rows) == sorted(files)
    assert all(len(r["documents"]) == 1 for r in rows)
    assert list(o.inbox.iterdir()) == []
    filed_lines = [line for line in daemon.log.splitlines() if " filed batch=" in line]
    assert len(filed_lines) == 200 and all(" stage=index ms=" in line for line in filed_lines)


# --- crashes -------------------------------------------------------------------------


def test_kill_9_at_any_moment_then_restart_accounts_for_every_input_exactly_once(office, tmp_path):
    o = office()
    files = {f"kill-{n:02d}.png": scan_bytes(f"Tờ khai số {n:02d} Phạm Thị Cúc") for n in range(40)}
    drop_all(o.inbox, files, tmp_path / "staging")

    daemon = o.start()  # killed while taking the inbox: some entries recorded, maybe not yet removed
    wait_until(lambda: o.batches(), timeout=60, what="the first batch to be recorded", daemon=daemon, every=0.05)
    daemon.kill_everything()

    daemon = o.start()  # killed while workers hold claims
    wait_until(lambda: any(r["status"] == "processing" for r in o.batches())
               and sum(r["status"] == "done" for r in o.batches()) >= 3,
               timeout=120, what="workers to be busy", daemon=daemon, every=0.05)
    daemon.kill_everything()
    assert any(r["status"] == "processing" for r in o.batches())  # claims of dead workers remain...

    daemon = o.start()  # ...and the restart releases them at once, without waiting for the leases
    rows = wait_until(lambda: len(o.batches()) == len(files) and not list(o.inbox.iterdir()) and o.settled(len(files)),
                      timeout=180, what="every input to be settled", daemon=daemon, every=0.5)
    assert Counter(r["source"] for r in rows) == Counter(files.keys())  # each input exactly one batch
    assert Counter(r["status"] for r in rows) == {"done": len(files)}
    assert all(len(r["documents"]) == 1 for r in rows)  # none filed twice
    assert o.archived() == {sha256(d) for d in files.values()}


def test_sigterm_stops_within_the_grace_period_and_nothing_is_left_claimed(office, tmp_path):
    o = office({"queue": {"shutdown_seconds": 3.0}})
    files = {f"term-{n:02d}.png": scan_bytes(f"Đơn đề nghị số {n:02d} Võ Văn Dũng") for n in range(30)}
    daemon = o.start()
    drop_all(o.inbox, files, tmp_path / "staging")
    wait_until(lambda: any(r["status"] == "processing" for r in o.batches()), timeout=60,
               what="work in progress", daemon=daemon, every=0.05)
    started = time.monotonic()
    daemon.signal(signal.SIGTERM)
    assert daemon.wait(timeout=30) == 0
    assert time.monotonic() - started < 3.0 + 10  # the grace period plus the entry being archived
    # No worker left behind (multiprocessing's helper process exits a moment after the daemon).
    deadline = time.monotonic() + 10
    while daemon.group_left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert daemon.group_left() == []
    assert not any(r["status"] == "processing" for r in o.batches())

    result = o.cli("watch", "--once")  # the next start finishes the rest
    assert result.code == 0, result.err
    rows = o.batches()
    assert Counter(r["source"] for r in rows) == Counter(files.keys())
    assert Counter(r["status"] for r in rows) == {"done": len(files)}


# --- a citywide store ------------------------------------------------------------------


@pytest.mark.postgres
def test_offices_sharing_one_postgresql_store_each_process_their_own_batches_once(pg_url, office, tmp_path):
    offices = {district: office({**ONE_WORKER, "store": {"url": pg_url}, "office": {"district": district}},
                                name=district) for district in ("Q1", "Q3")}
    daemons = {district: o.start() for district, o in offices.items()}
    for district, o in offices.items():
        files = {f"{district}-{n:02d}.png": scan_bytes(f"Hồ sơ {district} số {n:02d} Nguyễn Văn An")
                 for n in range(12)}
        drop_all(o.inbox, files, tmp_path / f"staging-{district}")
    store = offices["Q1"].store  # the one database both offices write to
    rows = wait_until(lambda: offices["Q1"].settled(24), timeout=180,
                      what="both offices' batches to settle", daemon=daemons["Q1"], every=0.5)
    assert Counter(r["status"] for r in rows) == {"done": 24}
    assert Counter(r["district"] for r in rows) == {"Q1": 12, "Q3": 12}
    assert all(r["source"].startswith(r["district"]) for r in rows)
    worker_pids = {district: set(re.findall(r"worker started pid=(\d+)", d.log)) for district, d in daemons.items()}
    with store.session() as session:
        claims = session.execute(select(Batch.district, Event.detail).join(Batch, Event.batch_id == Batch.id)
                                 .where(Event.action == "processing")).all()
    assert len(claims) == 24  # one claim per batch: none processed twice
    assert all(detail.rsplit("/", 1)[1] in worker_pids[district] for district, detail in claims)


# --- bad input ---------------------------------------------------------------------------


def test_bad_files_fail_with_a_reason_while_the_daemon_keeps_going(office, tmp_path):
    o = office({"logging": {"format": "json"}})
    daemon = o.start()
    bad = {
        "hong.pdf": b"%PDF-1.4\n1 0 obj\n<< garbage >>\nendobj\ntrailer\n<< >>\n%%EOF\n",  # corrupt
        "khoa.pdf": encrypted_pdf_bytes(),  # password-protected
        "rong.pdf": b"",  # zero bytes
        "trang-loi.pdf": b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>\n" * 30,  # wrong extension
        "ghi-chu.docx": b"PK\x03\x04" + os.urandom(2048),  # not a document
        "cccd_079219001234.png": scan_bytes("CCCD 079219001234 Nguyễn Văn An")[:-30],  # truncated for good
    }
    drop_all(o.inbox, bad, tmp_path / "staging")
    good = scan_bytes("Giấy khai sinh Lê Thị Hà sau các tệp hỏng")
    (o.inbox / "tot.pdf").write_bytes(good)  # a PNG named .pdf: the extension is only a hint
    rows = wait_until(lambda: o.settled(len(bad) + 1), timeout=120, what="every file to settle", daemon=daemon)
    by_source = {r["source"]: r for r in rows}
    expected_codes = {"hong.pdf": "corrupt", "khoa.pdf": "encrypted", "rong.pdf": "empty",
                      "trang-loi.pdf": "unsupported", "ghi-chu.docx": "unsupported",
                      "cccd_079219001234.png": "corrupt"}
    failed = {r["source"]: r for r in o.cli("batches", "--status", "failed", "--json").json()}
    assert set(failed) == set(expected_codes)
    # Each reason names its file; reasons are stored with ID numbers masked, file names included.
    assert {source: row["reason"].split(":")[0] for source, row in failed.items()} == {s: mask_ids(s) for s in failed}
    assert o.error_codes() == expected_codes
    assert by_source["tot.pdf"]["status"] == "done"
    assert daemon.alive() and list(o.inbox.iterdir()) == []

    lines = [json.loads(line) for line in daemon.log.splitlines() if line.startswith("{")]
    assert lines and all({"time", "level", "message"} <= set(line) for line in lines)
    assert "079219001234" not in daemon.log and "079******234" in daemon.log


def test_the_corpus_encrypted_pdf_fails_as_encrypted(office):
    sample = corpus_file("paperless-ngx/paperless/tests/samples/tesseract/encrypted.pdf")
    o = office(ONE_WORKER)
    (o.inbox / "encrypted.pdf").write_bytes(sample.read_bytes())
    result = o.cli("watch", "--once")
    assert result.code == 1
    [row] = o.batches()
    assert row["status"] == "failed" and "password" in row["reason"]


# --- duplicates ----------------------------------------------------------------------------


def test_the_same_content_dropped_again_is_recorded_as_a_duplicate_and_not_filed_twice(office):
    o = office(ONE_WORKER)
    daemon = o.start()
    data = scan_bytes("Giấy chứng nhận kết hôn Đỗ Văn Em")
    (o.inbox / "ket-hon.png").write_bytes(data)
    [first] = wait_until(lambda: o.settled(1), timeout=60, what="the first copy", daemon=daemon)
    (o.inbox / "ket-hon (copy).png").write_bytes(data)  # another name
    (o.inbox / "ket-hon.png").write_bytes(data)  # the same name, dropped again later
    rows = wait_until(lambda: o.settled(3), timeout=60, what="the copies", daemon=daemon)
    assert first["status"] == "done"
    copies = [r for r in rows if r["batch_id"] != first["batch_id"]]
    assert [(r["status"], r["duplicate_of"]) for r in copies] == [("duplicate", first["batch_id"])] * 2
    assert sum(len(r["documents"]) for r in rows) == 1
    assert list(o.inbox.iterdir()) == []
