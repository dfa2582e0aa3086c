"""The event log as evidence: append-only, hash-chained, and who did it.

Every event carries `prev_hash` (the hash of the event before it, in id order;
`GENESIS` for the first) and `hash`, the SHA-256 of its own canonical form,
which covers its content and `prev_hash`. Changing, removing or inserting an
event anywhere breaks the chain from there on, and `verify_chain` finds the
first broken link. Triggers in the database (revision 0005) refuse UPDATE and
DELETE on `event`; the chain catches what goes around them (a raw edit with the
triggers dropped, a file edited on disk).

This module is the one place that links events: the code that records them
(`lifecycle`, the audit of reads) hands them to `add`, and the store links every
pending event of a transaction in `link_pending`, just before it commits, while
it holds the chain's lock: SQLite's write lock (the transaction is IMMEDIATE),
PostgreSQL's transaction-level advisory lock, so that concurrent writers
citywide can never fork the chain. Revision 0005 computes the same canonical
form (frozen copy) to chain the events recorded before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pipeline.store.models import Batch, Event

GENESIS = "0" * 64  # the prev_hash of the first event
CHAIN_LOCK = 0x646F7373_69657201  # pg_advisory_xact_lock key of the event chain ("dossier" 1)
ACTOR_LENGTH = 64
_PENDING = "dossier_pending_events"


def canonical(event: Event, prev_hash: str) -> bytes:
    """The bytes an event's hash covers: every column but `id` and `hash`, in a fixed order."""
    at = event.at.astimezone(dt.UTC) if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
    values = [at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), event.office, event.batch_id, event.document_id,
              event.action, event.outcome, event.detail, event.duration_ms, event.pages, event.program,
              event.actor, prev_hash]
    return json.dumps(values, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def event_hash(event: Event, prev_hash: str) -> str:
    return hashlib.sha256(canonical(event, prev_hash)).hexdigest()


def add(session: Session, event: Event) -> None:
    """Record `event` with the transaction of `session`: linked to the chain when it commits."""
    session.info.setdefault(_PENDING, []).append(event)


def pending(session: Session) -> list[Event]:
    return list(session.info.get(_PENDING, ()))


def link_pending(session: Session, *, actor: str) -> None:
    """Link the transaction's new events to the chain and insert them; called just before commit.

    Everything else the transaction changes is flushed first, and the batches the
    events name are locked FOR KEY SHARE (what inserting them would take anyway):
    once the chain's lock is held, inserting the events waits for nothing, so no
    transaction holding the chain's lock ever waits for one that wants it.
    """
    events = session.info.pop(_PENDING, [])
    if not events:
        return
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        batch_ids = sorted({e.batch_id for e in events if e.batch_id is not None})
        if batch_ids:
            session.execute(select(Batch.id).where(Batch.id.in_(batch_ids)).order_by(Batch.id)
                            .with_for_update(key_share=True))
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    elif not session.info.get("immediate"):  # a deferred SQLite transaction cannot take the write lock safely
        raise RuntimeError("events must be recorded in an immediate transaction (Store.session(immediate=True))")
    head = session.scalar(select(Event.hash).order_by(Event.id.desc()).limit(1)) or GENESIS
    for event in events:
        event.actor = (event.actor or actor)[:ACTOR_LENGTH] or None
        event.prev_hash = head
        event.hash = head = event_hash(event, head)
        session.add(event)
        session.flush()  # in chain order: ids follow the chain


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    reason: str  # one line: what is wrong with this event


@dataclass(frozen=True)
class ChainVerdict:
    events: int  # how many were checked
    head: str  # the hash of the last event (note it down: a truncated log shows as another head)
    broken: BrokenLink | None  # the first broken link, or None: the chain is intact

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_rows(events: Iterable[Event]) -> ChainVerdict:
    """Walk the chain in id order; the first event whose link or content does not hold."""
    previous, count, previous_id = GENESIS, 0, None
    for event in events:
        count += 1
        after = f"event {previous_id}" if previous_id is not None else "the start of the log"
        if event.prev_hash != previous:
            return ChainVerdict(count, previous, BrokenLink(
                event.id, f"does not follow {after}: an event was removed, inserted or changed before it"))
        if event.hash != event_hash(event, event.prev_hash):
            return ChainVerdict(count, previous, BrokenLink(
                event.id, "its content was changed after it was recorded (its hash does not match)"))
        previous, previous_id = event.hash, event.id
    return ChainVerdict(count, previous, None)
