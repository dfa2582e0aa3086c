"""Figures for `dossier stats`: is the office keeping up, is anything stuck, and what fails?

Read-only, for one office (district) or the whole store. Queue depth per state, what is due now and what waits for a
retry, claims whose worker is gone, throughput (pages per minute over the
last hour, from the `done` events), failures grouped by reason code, and the
entries still waiting in the inbox (files that are never picked up show here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy import func, select

from pipeline.inbox import inbox_entries
from pipeline.queue import lease_expired
from pipeline.store.models import Batch, BatchStatus, Event, utcnow
from pipeline.store.repository import Store

THROUGHPUT_WINDOW: Final = dt.timedelta(hours=1)


@dataclass(frozen=True)
class FailureGroup:
    code: str
    count: int
    latest_reason: str  # one example, so that the admin sees what the code means here


@dataclass(frozen=True)
class Stats:
    by_status: dict[str, int]
    due_now: int  # queued and available: waiting for a free worker
    waiting_retry: int  # queued with a backoff still running
    next_retry_at: dt.datetime | None
    oldest_due_at: dt.datetime | None  # how far behind the workers are
    stale_claims: int  # processing with an expired lease: their worker is gone (the daemon requeues them)
    pages_last_hour: int
    batches_last_hour: int
    failures: list[FailureGroup]
    inbox_waiting: int | None  # None: the inbox folder cannot be read

    @property
    def pages_per_minute(self) -> float:
        return round(self.pages_last_hour / (THROUGHPUT_WINDOW.total_seconds() / 60), 2)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["pages_per_minute"] = self.pages_per_minute
        for key in ("next_retry_at", "oldest_due_at"):
            data[key] = data[key].isoformat(timespec="seconds") if data[key] else None
        return data


def collect(store: Store, *, district: str | None, inbox: Path, marker: str,
            now: dt.datetime | None = None) -> Stats:
    """The figures of `district`'s batches (None: every district) and of `inbox`."""
    now = now or utcnow()
    office = [Batch.district == district] if district is not None else []
    queued = Batch.status == BatchStatus.QUEUED
    with store.session() as session:
        counts = dict(session.execute(select(Batch.status, func.count()).where(*office).group_by(Batch.status)).all())
        due_now, oldest_due = session.execute(select(func.count(), func.min(Batch.available_at))
                                              .where(*office, queued, Batch.available_at <= now)).one()
        waiting, next_retry = session.execute(select(func.count(), func.min(Batch.available_at))
                                              .where(*office, queued, Batch.available_at > now)).one()
        stale = session.scalar(select(func.count()).where(
            *office, Batch.status == BatchStatus.PROCESSING, lease_expired(now)))
        pages, batches = session.execute(
            select(func.coalesce(func.sum(Event.pages), 0), func.count()).join(Batch, Event.batch_id == Batch.id)
            .where(*office, Event.action == "done", Event.at >= now - THROUGHPUT_WINDOW)).one()
        failures = _failures(session, office)
    return Stats(
        by_status={status: counts.get(status, 0) for status in BatchStatus.ALL},
        due_now=due_now, waiting_retry=waiting, next_retry_at=as_utc(next_retry), oldest_due_at=as_utc(oldest_due),
        stale_claims=stale, pages_last_hour=int(pages), batches_last_hour=batches, failures=failures,
        inbox_waiting=_inbox_waiting(inbox, marker),
    )


def _failures(session, office: list) -> list[FailureGroup]:
    failed = Batch.status == BatchStatus.FAILED
    groups = session.execute(select(Batch.error_code, func.count(), func.max(Batch.id)).where(*office, failed)
                             .group_by(Batch.error_code).order_by(func.count().desc(), Batch.error_code)).all()
    reasons = dict(session.execute(select(Batch.id, Batch.reason).where(Batch.id.in_([g[2] for g in groups]))).all())
    return [FailureGroup(code or "unknown", count, reasons.get(latest) or "") for code, count, latest in groups]


def as_utc(value: dt.datetime | str | None) -> dt.datetime | None:
    """Aggregates bypass the column type on SQLite (naive datetimes or strings come back): make them UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _inbox_waiting(inbox: Path, marker: str) -> int | None:
    try:
        return len(inbox_entries(inbox, marker=marker))
    except OSError:
        return None


def batch_statuses(store: Store, batch_ids: list[int]) -> dict[int, str]:
    """Where these batches stand now."""
    with store.session() as session:
        return dict(session.execute(select(Batch.id, Batch.status).where(Batch.id.in_(batch_ids))).all())
