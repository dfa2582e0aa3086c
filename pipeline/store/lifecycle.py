"""A batch's lifecycle: every change of its status happens here, each recorded as an event.

    intake ─┬→ queued ⇄ processing → done
            ├→ duplicate                 ↘ failed ─(reprocess)→ queued | processing
            └→ failed                     (retry: back to queued with a delay)

A transition sets every column that belongs to the new state together (status,
stage, reason, error code, lease) so that no two places can disagree on what,
say, "back in the queue" means. The functions work on a row inside the
caller's transaction: the repository opens it, the transition and its event
commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from sqlalchemy.orm import Session

from pipeline import __version__
from pipeline.domain import BatchStatus
from pipeline.errors import DossierError
from pipeline.store.models import Batch, Event, utcnow

PROGRAM = f"dossier {__version__} {socket.gethostname()}"[:100]


def program() -> str:
    """Which program did it: version, host and process, as events record it."""
    return f"{PROGRAM} pid {os.getpid()}"


def record_event(session: Session, action: str, outcome: str = "ok", *, batch_id: int | None = None,
                 document_id: int | None = None, detail: str | None = None, duration_ms: int | None = None,
                 pages: int | None = None) -> None:
    session.add(Event(action=action, outcome=outcome, batch_id=batch_id, document_id=document_id,
                      detail=detail, duration_ms=duration_ms, pages=pages, program=program()))


def queue(session: Session, batch: Batch, *, action: str, outcome: str = "ok", delay_seconds: float = 0.0,
          detail: str | None = None) -> None:
    """Into the queue, unclaimed: any worker may take the batch `delay_seconds` from now."""
    batch.status, batch.available_at = BatchStatus.QUEUED, utcnow() + dt.timedelta(seconds=delay_seconds)
    batch.lease_owner = batch.lease_expires_at = None
    record_event(session, action, outcome, batch_id=batch.id, detail=detail)


def claim(session: Session, batch: Batch, *, owner: str, lease_seconds: float, attempts: int) -> None:
    """`owner` processes the batch until its lease expires (the queue renews it meanwhile)."""
    batch.status, batch.stage, batch.attempts = BatchStatus.PROCESSING, None, attempts
    batch.lease_owner = owner
    batch.lease_expires_at = utcnow() + dt.timedelta(seconds=lease_seconds)
    record_event(session, "processing", "info", batch_id=batch.id, detail=f"attempt {attempts} by {owner}")


def retry(session: Session, batch: Batch, error: DossierError, *, delay_seconds: float) -> None:
    """A transient failure: back in the queue after a delay, the reason kept for the admin."""
    _keep_reason(batch, error)
    queue(session, batch, action="retry", outcome="retry", delay_seconds=delay_seconds,
          detail=f"{error.one_line()}; next attempt in {delay_seconds:.0f} s")


def fail(session: Session, batch: Batch, error: DossierError) -> None:
    """For good: the stage and reason stay on the batch until it is reprocessed."""
    batch.status = BatchStatus.FAILED
    _keep_reason(batch, error)
    batch.lease_owner = batch.lease_expires_at = None
    record_event(session, "failed", "error", batch_id=batch.id, detail=error.one_line())


def finish(session: Session, batch: Batch, *, detail: str, duration_ms: int, pages: int) -> None:
    """Filed: nothing about a past failure remains on the batch (its events keep the history)."""
    batch.status, batch.stage, batch.reason, batch.error_code = BatchStatus.DONE, None, None, None
    batch.lease_owner = batch.lease_expires_at = None
    record_event(session, "done", batch_id=batch.id, detail=detail, duration_ms=duration_ms, pages=pages)


def mark_duplicate(session: Session, batch: Batch, original: Batch) -> None:
    batch.status, batch.duplicate_of = BatchStatus.DUPLICATE, original.id
    record_event(session, "duplicate", "info", batch_id=batch.id, detail=f"same content as batch {original.id}")


def enter_stage(batch: Batch, stage: str) -> None:
    """A claimed batch moves on to the next stage (shown by `batches` and `stats`)."""
    batch.status, batch.stage = BatchStatus.PROCESSING, stage


def _keep_reason(batch: Batch, error: DossierError) -> None:
    batch.stage = error.stage.value if error.stage else batch.stage
    batch.reason, batch.error_code = error.one_line(), error.code
