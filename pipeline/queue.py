"""The durable job queue: batches in the database, claimed by worker processes.

A claim turns a `queued` batch whose `available_at` has come into a
`processing` one with an owner (`host/pid`) and a lease, in one short
transaction. Several workers and, on PostgreSQL, several daemons share one
queue: `FOR UPDATE SKIP LOCKED` hands every row to exactly one claimer, and
on SQLite `BEGIN IMMEDIATE` serialises the claimers. A worker renews its
lease while it works (`lease_kept`); a claim that is not renewed (the worker
died, the power failed) expires and goes back to the queue. A batch whose
worker died `max_attempts` times fails instead of killing workers forever.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.sql.elements import ColumnElement

from pipeline import logs
from pipeline.config import QueueSettings
from pipeline.errors import DossierError, StoreUnavailable
from pipeline.store.models import Batch, BatchStatus, utcnow
from pipeline.store.repository import Store

log = logs.get_logger("queue")

HOST: Final = socket.gethostname()[:100]
# A lease is renewed this many times per lease period, so one late renewal does not lose it.
RENEWALS_PER_LEASE: Final = 3


class WorkerLost(DossierError):
    """The process working on a batch died (killed, out of memory, power cut) too many times."""

    code = "worker_lost"


def owner_name(pid: int | None = None) -> str:
    """Who holds a claim: host and process id, so that a restart can tell its dead predecessors."""
    return f"{HOST}/{os.getpid() if pid is None else pid}"


def _dead_local_owner(owner: str | None) -> bool:
    host, _, pid = (owner or "").rpartition("/")
    if host != HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, run by another user
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    """A killed worker whose parent died too lingers as a zombie where nothing reaps orphans (containers)."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat_line.rpartition(")")[2].split()[0] == "Z"


def lease_expired(now: dt.datetime) -> ColumnElement[bool]:
    """A claim whose lease ran out (or was never set): its worker is gone, the batch goes back to the queue."""
    return or_(Batch.lease_expires_at < now, Batch.lease_expires_at.is_(None))


class JobQueue:
    def __init__(self, store: Store, settings: QueueSettings) -> None:
        self.store = store
        self.lease_seconds = settings.lease_seconds
        self.max_attempts = settings.max_attempts

    # --- claiming ------------------------------------------------------------

    def claim_next(self, owner: str, *, district: str | None = None) -> int | None:
        """Claim the next batch that is due, or None when there is nothing to do now.

        `district`: only that office's batches. On a citywide database every
        office's daemon reads originals from its own archive, so it must not
        take another office's batches.
        """
        now = utcnow()
        due = (Batch.status == BatchStatus.QUEUED, Batch.available_at <= now,
               *([Batch.district == district] if district is not None else []))
        # A plain read first: idle workers must not take SQLite's write lock every second.
        with self.store.session() as session:
            if session.scalar(select(Batch.id).where(*due).limit(1)) is None:
                return None
        with self.store.session(immediate=True) as session:
            batch = session.scalar(select(Batch).where(*due).order_by(Batch.available_at, Batch.id)
                                   .limit(1).with_for_update(skip_locked=True))
            if batch is None:
                return None
            Store.claim_row(session, batch, owner=owner, lease_seconds=self.lease_seconds,
                            attempts=batch.attempts + 1)
            return batch.id

    def reopen(self, batch_id: int, *, from_statuses: tuple[str, ...],
               claim_owner: str | None = None) -> str | None:
        """Start a batch over (reprocess): claimed by `claim_owner` at once, or queued for the daemon.

        Returns the status it had, or None when it was not in `from_statuses` (left untouched).
        """
        with self.store.session(immediate=True) as session:
            batch = session.scalar(select(Batch).where(Batch.id == batch_id).with_for_update())
            if batch is None or batch.status not in from_statuses:
                return None
            previous = batch.status
            Store.add_event(session, "reprocess", "info", batch_id=batch_id,
                            detail=f"was {previous}" + (f": {batch.reason}" if batch.reason else ""))
            if claim_owner:
                Store.claim_row(session, batch, owner=claim_owner, lease_seconds=self.lease_seconds, attempts=1)
            else:
                batch.attempts = 0
                Store.queue_row(session, batch, action="queued")
            return previous

    # --- holding a claim -------------------------------------------------------

    def renew(self, batch_id: int, owner: str) -> bool:
        """Extend the lease; False when the claim was lost (expired and released meanwhile)."""
        with self.store.session(immediate=True) as session:
            batch = session.get(Batch, batch_id)
            if batch is None or batch.status != BatchStatus.PROCESSING or batch.lease_owner != owner:
                return False
            batch.lease_expires_at = utcnow() + dt.timedelta(seconds=self.lease_seconds)
            return True

    @contextmanager
    def lease_kept(self, batch_id: int, owner: str) -> Iterator[None]:
        """Renew the claim in the background while the body works on the batch (pages can take minutes)."""
        stop = threading.Event()

        def renew_until_stopped() -> None:
            while not stop.wait(self.lease_seconds / RENEWALS_PER_LEASE):
                try:
                    if not self.renew(batch_id, owner):
                        logs.log_event(log, "lease lost", level=30, batch=batch_id, owner=owner)
                        return
                except StoreUnavailable as error:  # try again at the next renewal
                    logs.log_event(log, "lease not renewed", level=30, batch=batch_id, reason=error.one_line())

        keeper = threading.Thread(target=renew_until_stopped, name=f"lease-{batch_id}", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            stop.set()
            keeper.join()

    # --- giving claims back ----------------------------------------------------

    def release(self, owner: str, *, reason: str) -> list[int]:
        """Give back what `owner` holds after a graceful stop: the interrupted attempt does not count."""
        return self._release(Batch.lease_owner == owner, reason=reason, count_attempt=False)

    def release_expired(self) -> list[int]:
        """Claims whose lease ran out (their worker is gone) go back to the queue."""
        return self._release(lease_expired(utcnow()), reason="its lease expired", count_attempt=True)

    def release_dead_owners(self) -> list[int]:
        """Claims of processes of this host that no longer run: a restart need not wait for their leases."""
        with self.store.session() as session:
            owners = set(session.scalars(select(Batch.lease_owner).distinct().where(
                Batch.status == BatchStatus.PROCESSING, Batch.lease_owner.like(f"{HOST}/%"))))
        dead = [owner for owner in owners if _dead_local_owner(owner)]
        if not dead:
            return []
        return self._release(Batch.lease_owner.in_(dead), reason="its worker process is gone",
                             count_attempt=True)

    def _release(self, condition, *, reason: str, count_attempt: bool) -> list[int]:
        released = []
        with self.store.session(immediate=True) as session:
            batches = session.scalars(select(Batch).where(Batch.status == BatchStatus.PROCESSING, condition)
                                      .order_by(Batch.id).with_for_update(skip_locked=True)).all()
            for batch in batches:
                stage = batch.stage
                batch.lease_owner = batch.lease_expires_at = None
                if not count_attempt:
                    batch.attempts = max(0, batch.attempts - 1)
                elif batch.attempts >= self.max_attempts:
                    error = WorkerLost(
                        f"the worker stopped {batch.attempts} times while processing it (last at stage {stage})",
                        remedy="check the log and memory of the machine; `dossier reprocess` it once fixed")
                    batch.status, batch.reason, batch.error_code = BatchStatus.FAILED, error.one_line(), error.code
                    Store.add_event(session, "failed", "error", batch_id=batch.id, detail=error.one_line())
                    logs.log_event(log, "failed", level=30, batch=batch.id, stage=stage, reason=error.one_line())
                    continue
                Store.queue_row(session, batch, action="released", outcome="retry", detail=f"released: {reason}")
                logs.log_event(log, "released", batch=batch.id, stage=stage, reason=reason)
                released.append(batch.id)
        return released
