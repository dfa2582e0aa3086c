"""The job queue in the database, on SQLite and on PostgreSQL: each batch goes to one worker,
retries wait for their time, and claims of workers that are gone come back to the queue.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
import time

import pytest
from daemon_support import record
from sqlalchemy import select, update

from pipeline.config import QueueSettings
from pipeline.errors import OcrTimeout, Stage
from pipeline.office.queue import JobQueue, owner_name
from pipeline.store.models import Batch, Event, utcnow
from pipeline.store.repository import Store

pytestmark = pytest.mark.postgres

SETTINGS = QueueSettings(max_attempts=3, lease_seconds=60.0)


def _row(store: Store, batch_id: int) -> Batch:
    with store.session() as session:
        batch = session.get(Batch, batch_id)
        session.expunge(batch)
        return batch


def _set(store: Store, batch_id: int, **values) -> None:
    with store.session() as session:
        session.execute(update(Batch).where(Batch.id == batch_id).values(**values))


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


# --- claiming ------------------------------------------------------------------------


def test_due_batches_are_claimed_oldest_first_and_only_once(store):
    queue = JobQueue(store, SETTINGS)
    ids = [record(store, n) for n in range(3)]
    assert [queue.claim_next("w1") for _ in range(4)] == [*ids, None]
    claimed = _row(store, ids[0])
    assert (claimed.status, claimed.lease_owner, claimed.attempts) == ("processing", "w1", 1)
    assert claimed.lease_expires_at > utcnow() + dt.timedelta(seconds=50)


def test_a_batch_waiting_for_its_retry_is_not_claimed_before_its_time(store):
    queue = JobQueue(store, SETTINGS)
    batch_id = record(store, 1)
    assert queue.claim_next("w1") == batch_id
    store.retry_later(batch_id, OcrTimeout("OCR did not finish", stage=Stage.OCR), delay_seconds=3600)
    assert queue.claim_next("w1") is None
    _set(store, batch_id, available_at=utcnow() - dt.timedelta(seconds=1))
    assert queue.claim_next("w1") == batch_id
    assert _row(store, batch_id).attempts == 2


@pytest.mark.parametrize("claimers", [2, 4])
def test_concurrent_claimers_never_get_the_same_batch(store, claimers):
    ids = {record(store, n) for n in range(40)}
    got: list[list[int]] = [[] for _ in range(claimers)]
    start = threading.Barrier(claimers)

    def claim_all(index: int) -> None:
        own_store = Store(store.url)  # its own connections, as a separate worker process has
        queue = JobQueue(own_store, SETTINGS)
        start.wait()
        try:
            while (batch_id := queue.claim_next(f"w{index}")) is not None:
                got[index].append(batch_id)
        finally:
            own_store.dispose()

    threads = [threading.Thread(target=claim_all, args=(i,)) for i in range(claimers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    everything = [batch_id for mine in got for batch_id in mine]
    assert sorted(everything) == sorted(ids)  # all handed out, none twice
    with store.session() as session:
        owners = dict(session.execute(select(Batch.id, Batch.lease_owner)).all())
    assert all(owners[b] == f"w{i}" for i, mine in enumerate(got) for b in mine)


def test_an_office_claims_only_its_own_district_on_a_shared_store(store):
    queue = JobQueue(store, SETTINGS)
    theirs, ours = record(store, 1, district="Q3"), record(store, 2, district="Q1")
    assert queue.claim_next("q1-worker", district="Q1") == ours
    assert queue.claim_next("q1-worker", district="Q1") is None  # Q3's original is in Q3's archive
    assert queue.claim_next("q3-worker", district="Q3") == theirs


def test_a_batch_recorded_with_a_claim_is_never_offered_to_the_daemon(store):
    queue = JobQueue(store, SETTINGS)
    batch_id = record(store, 1, claim_owner="ingest-7", lease_seconds=60)
    assert queue.claim_next("daemon") is None
    assert _row(store, batch_id).lease_owner == "ingest-7"


# --- holding and losing a claim --------------------------------------------------------


def test_only_the_owner_renews_a_lease(store):
    queue = JobQueue(store, SETTINGS)
    batch_id = record(store, 1)
    queue.claim_next("w1")
    _set(store, batch_id, lease_expires_at=utcnow() + dt.timedelta(seconds=5))
    assert not queue.renew(batch_id, "w2")
    assert queue.renew(batch_id, "w1")
    assert _row(store, batch_id).lease_expires_at > utcnow() + dt.timedelta(seconds=50)


def test_a_lease_is_kept_alive_while_the_work_lasts(store):
    queue = JobQueue(store, QueueSettings(lease_seconds=0.6))
    batch_id = record(store, 1)
    queue.claim_next("w1")
    with queue.lease_kept(batch_id, "w1"):
        time.sleep(1.5)  # longer than the lease itself
        assert _row(store, batch_id).lease_expires_at > utcnow()
    assert queue.release_expired() == []


def test_an_expired_claim_goes_back_to_the_queue_and_counts_as_an_attempt(store):
    queue = JobQueue(store, SETTINGS)
    batch_id = record(store, 1)
    queue.claim_next("w1")
    _set(store, batch_id, lease_expires_at=utcnow() - dt.timedelta(seconds=1))
    assert queue.release_expired() == [batch_id]
    row = _row(store, batch_id)
    assert (row.status, row.lease_owner, row.attempts) == ("queued", None, 1)
    assert not queue.renew(batch_id, "w1")  # the late worker learns that it lost the claim
    assert queue.claim_next("w2") == batch_id


def test_a_batch_that_keeps_killing_its_worker_fails_instead_of_looping(store):
    queue = JobQueue(store, SETTINGS)
    batch_id = record(store, 1)
    for attempt in range(SETTINGS.max_attempts):
        assert queue.claim_next(f"w{attempt}") == batch_id
        _set(store, batch_id, lease_expires_at=utcnow() - dt.timedelta(seconds=1))
        queue.release_expired()
    row = _row(store, batch_id)
    assert (row.status, row.error_code) == ("failed", "worker_lost")
    assert "3 times" in row.reason


def test_claims_of_dead_processes_on_this_host_are_released_at_once(store):
    queue = JobQueue(store, SETTINGS)
    dead, alive, elsewhere = (record(store, n) for n in range(3))
    queue.claim_next(owner_name(_dead_pid()))
    queue.claim_next(owner_name())  # this very process: alive
    queue.claim_next("another-host/1")  # cannot be checked from here: waits for its lease
    assert queue.release_dead_owners() == [dead]
    assert [_row(store, b).status for b in (dead, alive, elsewhere)] == ["queued", "processing", "processing"]


def test_a_graceful_release_does_not_count_the_interrupted_attempt(store):
    queue = JobQueue(store, SETTINGS)
    batch_id = record(store, 1)
    queue.claim_next("w1")
    assert queue.release("w1", reason="the daemon stopped") == [batch_id]
    row = _row(store, batch_id)
    assert (row.status, row.attempts) == ("queued", 0)
    with store.session() as session:
        details = session.scalars(select(Event.detail).where(Event.action == "released")).all()
    assert details == ["released: the daemon stopped"]


# --- reopening for reprocessing -----------------------------------------------------------


def test_a_finished_batch_is_reopened_claimed_or_queued_but_a_waiting_one_is_left_alone(store):
    queue = JobQueue(store, SETTINGS)
    failed, done, waiting = (record(store, n) for n in range(3))
    for batch_id, status in ((failed, "failed"), (done, "done")):
        _set(store, batch_id, status=status, attempts=5)
    reopenable = ("failed", "done")
    assert queue.reopen(failed, from_statuses=reopenable, claim_owner="admin") == "failed"
    assert queue.reopen(done, from_statuses=reopenable) == "done"
    assert queue.reopen(waiting, from_statuses=reopenable) is None
    assert [(_row(store, b).status, _row(store, b).attempts) for b in (failed, done, waiting)] == [
        ("processing", 1), ("queued", 0), ("queued", 0)]
