"""A batch's lifecycle: every change of its status happens here, each recorded as an event.

    intake ─┬→ queued ⇄ processing → done
            ├→ duplicate                 ↘ failed ─(reprocess)→ queued | processing
            └→ failed                     (retry: back to queued with a delay)
                 failed ─(dismiss)→ dismissed ─(reprocess BATCH)→ queued | processing

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
from pipeline.domain import BatchStatus, DossierProcedure
from pipeline.errors import DossierError
from pipeline.logs import mask_ids
from pipeline.roles import os_account
from pipeline.store import audit
from pipeline.store.models import Batch, Event, utcnow

PROGRAM = f"dossier {__version__} {socket.gethostname()}"[:100]


def program() -> str:
    """Which program did it: version, host, process and OS account, as events record it."""
    return f"{PROGRAM} pid {os.getpid()} user {os_account()}"[:128]


def record_event(session: Session, action: str, outcome: str = "ok", *, batch: Batch,
                 document_id: int | None = None, detail: str | None = None, duration_ms: int | None = None,
                 pages: int | None = None, at: dt.datetime | None = None) -> None:
    """An event of `batch`, carrying its office (the office's figures are counted from its events).

    `at`: when it happened, if not now (a dossier was received when it finished arriving).
    """
    audit.add(session, Event(action=action, outcome=outcome, office=batch.office, batch_id=batch.id,
                             document_id=document_id, detail=detail, duration_ms=duration_ms, pages=pages,
                             program=program(), at=at or utcnow()))


def queue(session: Session, batch: Batch, *, action: str, outcome: str = "ok", delay_seconds: float = 0.0,
          detail: str | None = None) -> None:
    """Into the queue, unclaimed: any worker may take the batch `delay_seconds` from now."""
    batch.status, batch.available_at = BatchStatus.QUEUED, utcnow() + dt.timedelta(seconds=delay_seconds)
    batch.lease_owner = batch.lease_expires_at = None
    record_event(session, action, outcome, batch=batch, detail=detail)


def claim(session: Session, batch: Batch, *, owner: str, lease_seconds: float, attempts: int) -> None:
    """`owner` processes the batch until its lease expires (the queue renews it meanwhile)."""
    batch.status, batch.stage, batch.attempts = BatchStatus.PROCESSING, None, attempts
    batch.lease_owner = owner
    batch.lease_expires_at = utcnow() + dt.timedelta(seconds=lease_seconds)
    record_event(session, "processing", "info", batch=batch, detail=f"attempt {attempts} by {owner}")


def retry(session: Session, batch: Batch, error: DossierError, *, delay_seconds: float) -> None:
    """A transient failure: back in the queue after a delay, the reason kept for the admin."""
    _keep_reason(batch, error)
    queue(session, batch, action="retry", outcome="retry", delay_seconds=delay_seconds,
          detail=f"{reason_of(error)}; next attempt in {delay_seconds:.0f} s")


def fail(session: Session, batch: Batch, error: DossierError) -> None:
    """For good: the stage and reason stay on the batch until it is reprocessed."""
    batch.status = BatchStatus.FAILED
    _keep_reason(batch, error)
    batch.lease_owner = batch.lease_expires_at = None
    record_event(session, "failed", "error", batch=batch, detail=reason_of(error))


def finish(session: Session, batch: Batch, *, detail: str, duration_ms: int, pages: int) -> None:
    """Filed: nothing about a past failure remains on the batch (its events keep the history)."""
    batch.status, batch.stage, batch.reason, batch.error_code = BatchStatus.DONE, None, None, None
    batch.lease_owner = batch.lease_expires_at = None
    record_event(session, "done", batch=batch, detail=detail, duration_ms=duration_ms, pages=pages)


def dismiss(session: Session, batch: Batch, *, reason: str) -> None:
    """A failed batch an operator gave up on: out of `reprocess --failed`, its reason and original kept."""
    batch.status = BatchStatus.DISMISSED
    record_event(session, "dismissed", "info", batch=batch, detail=reason)


def mark_duplicate(session: Session, batch: Batch, original: Batch) -> None:
    batch.status, batch.duplicate_of = BatchStatus.DUPLICATE, original.id
    record_event(session, "duplicate", "info", batch=batch, detail=f"same content as batch {original.id}")


def receive(session: Session, batch: Batch, files: list[tuple[str, str, int]]) -> None:
    """A dossier received (at its arrival time) and its originals archived; the procedure it was
    handed in for, if whoever handed it in said."""
    record_event(session, "received", batch=batch, detail=batch.source, at=batch.received_at)
    for name, sha256, size in files:
        record_event(session, "archived", batch=batch, detail=f"{name} sha256={sha256} size={size}")
    if batch.procedure:
        record_event(session, "procedure", "info", batch=batch,
                     detail=DossierProcedure(batch.procedure, batch.procedure_source).describe(filed=False))


def settle_procedure(session: Session, batch: Batch, found: DossierProcedure) -> None:
    """The dossier's procedure and the documents it lacks (none: complete), recorded when it changes."""
    missing = list(found.missing) or None
    if (batch.procedure, batch.procedure_source, batch.missing_documents) == (found.procedure, found.source, missing):
        return
    batch.procedure, batch.procedure_source, batch.missing_documents = found.procedure, found.source, missing
    record_event(session, "procedure", "info", batch=batch, detail=found.describe())


def enter_stage(batch: Batch, stage: str) -> None:
    """A claimed batch moves on to the next stage (shown by `batches` and `stats`)."""
    batch.status, batch.stage = BatchStatus.PROCESSING, stage


def reason_of(error: DossierError) -> str:
    """A failure's reason as stored and shown (`batches`, `stats`, events): its one line, ID numbers
    masked (a file name often carries one; the batch's source keeps the name itself)."""
    return mask_ids(error.one_line())


def _keep_reason(batch: Batch, error: DossierError) -> None:
    batch.stage = error.stage.value if error.stage else batch.stage
    batch.reason, batch.error_code = reason_of(error), error.code
