"""`dossier stats`: queue depth per state, what is stuck, throughput over the last hour,
and failures grouped by reason, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import event_log_unguarded
from daemon_support import record
from sqlalchemy import update

from pipeline.config import QueueSettings
from pipeline.domain import Classification, DocumentResult, PageText
from pipeline.errors import CorruptFile, EncryptedFile, OcrTimeout, Stage
from pipeline.office.queue import JobQueue
from pipeline.operations.stats import collect
from pipeline.store.models import Batch, Event, utcnow


def _pages(count: int) -> DocumentResult:
    pages = [PageText(0, n, "Giấy khai sinh", 90.0, "ocr") for n in range(1, count + 1)]
    return DocumentResult(pages, Classification("birth_certificate", 0.9), [])


@pytest.mark.postgres
def test_stats_show_queue_depth_stuck_claims_throughput_and_failures(store, tmp_path):
    queue = JobQueue(store, QueueSettings(lease_seconds=60))
    ids = [record(store, n) for n in range(8)]
    # filed: 3 + 2 pages within the hour, 7 pages two hours ago
    for batch_id, pages in zip(ids[:3], (3, 2, 7)):
        queue.claim_next("w")
        store.file_documents(batch_id, [_pages(pages)], stage_ms={"ocr": 100})
    with event_log_unguarded(store), store.session() as session:  # backdated: the log is append-only otherwise
        session.execute(update(Event).where(Event.batch_id == ids[2]).values(at=utcnow() - dt.timedelta(hours=2)))
        # one of the two filed within the hour was filed half an hour ago: not in the last 5 minutes
        session.execute(update(Event).where(Event.batch_id == ids[1]).values(at=utcnow() - dt.timedelta(minutes=30)))
    # failed: two corrupt, one encrypted
    for batch_id, error in ((ids[3], CorruptFile("bad", stage=Stage.RASTERIZE, path="3.pdf")),
                            (ids[4], EncryptedFile("locked", stage=Stage.RASTERIZE, path="4.pdf")),
                            (ids[5], CorruptFile("worse", stage=Stage.RASTERIZE, path="5.pdf"))):
        store.fail_batch(batch_id, error)
    # waiting for a retry, and a claim whose worker is gone
    queue.claim_next("w")
    store.retry_later(ids[6], OcrTimeout("slow", stage=Stage.OCR), delay_seconds=600)
    queue.claim_next("dead-worker")
    with store.session() as session:
        session.execute(update(Batch).where(Batch.id == ids[7])
                        .values(lease_expires_at=utcnow() - dt.timedelta(minutes=1)))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("cho.pdf", "Thumbs.db", "dang-chep.pdf.part"):
        (inbox / name).write_bytes(b"x")

    record(store, 99, district="Q3")  # another office on the same (citywide) store
    stats = collect(store, district="Q1", inbox=inbox, marker="READY")

    assert stats.by_status == {"received": 0, "archived": 0, "queued": 1, "processing": 1, "done": 3,
                               "failed": 3, "duplicate": 0, "dismissed": 0}
    assert (stats.due_now, stats.waiting_retry, stats.stale_claims) == (0, 1, 1)
    assert stats.next_retry_at > utcnow() + dt.timedelta(minutes=9)
    assert (stats.pages_last_hour, stats.batches_last_hour, stats.pages_per_minute) == (5, 2, round(5 / 60, 2))
    assert (stats.pages_last_5_minutes, stats.batches_last_5_minutes) == (3, 1)
    assert stats.pages_per_minute_last_5_minutes == round(3 / 5, 2)  # the busy last minutes, not diluted
    assert [(g.code, g.count) for g in stats.failures] == [("corrupt", 2), ("encrypted", 1)]
    assert stats.failures[0].latest_reason == "5.pdf: rasterize: worse"
    assert stats.inbox_waiting == 1  # junk and partial copies are not waiting dossiers
    assert stats.as_json()["next_retry_at"].endswith("+00:00")


def test_stats_on_the_command_line(dossier):
    dossier.data_dir.joinpath("inbox", "cho.pdf").write_bytes(b"%PDF-1.4")
    text = dossier("stats")
    assert text.code == 0
    assert "queue      queued 0  processing 0  done 0" in text.out and "inbox      1 waiting" in text.out
    data = dossier("stats", "--json").json()
    assert data["by_status"]["queued"] == 0 and data["inbox_waiting"] == 1 and data["pages_per_minute"] == 0
    assert data["pages_per_minute_last_5_minutes"] == 0 and "last 5 min " in text.out and "last hour " in text.out
