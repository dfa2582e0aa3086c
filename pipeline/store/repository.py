"""Data access: every read and write of the store goes through `Store`.

Transactions are short (one batch transition each) so that several worker
processes and an operator's commands can share one SQLite file. Rows leave
the store as plain data or detached rows; the search index is kept in step by
the indexer the store is given (`pipeline.search.index`), inside the
transaction that changes a document, without the store knowing how it indexes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Connection, Engine, delete, func, literal, or_, select
from sqlalchemy.exc import DatabaseError, DataError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from pipeline.domain import (
    OPERATOR,
    BatchStatus,
    DocumentResult,
    DossierProcedure,
    ExtractedField,
    OcrResult,
    OperatorCorrection,
    PageText,
    Word,
    issue_date_of,
)
from pipeline.errors import DossierError, NotFound, StoreError, UsageError, WorkerLost
from pipeline.i18n import _
from pipeline.roles import os_account
from pipeline.store import audit, db, lifecycle
from pipeline.store.models import (
    Batch,
    BatchFile,
    Document,
    Event,
    Field,
    OcrCacheEntry,
    Page,
    StoreMeta,
    SupersededDocument,
    WorkerStatus,
    as_utc,
    utcnow,
)

SEARCH_INDEX_KEY = "search_index"  # StoreMeta: the format of the search index the store holds


class DocumentIndexer(Protocol):
    """Keeps the search index in step with documents (pipeline.search.index.SearchIndexer)."""

    version: str  # the index format: a store holding another is rebuilt by `dossier init`

    def attach(self, engine: Engine) -> None: ...

    def index(self, session: Session, document: Document) -> None: ...

    def rebuild(self, connection: Connection) -> int: ...


@dataclass(frozen=True)
class NewFile:
    name: str  # NFC, relative to the batch source
    sha256: str
    size: int
    media_type: str


@dataclass(frozen=True)
class DocumentState:
    """A filed document as a correction sees it."""

    document_id: int
    batch_id: int
    doc_type: str
    doc_type_source: str
    doc_type_confidence: float
    pages: list[PageText]
    fields: list[ExtractedField]
    office: str = ""
    dossier: DossierProcedure | None = None  # its batch's procedure as filed
    other_types: tuple[str, ...] = ()  # the types of the other documents of its batch


@dataclass(frozen=True)
class DocumentRevision:
    """What a correction makes of a document, and the event that records it."""

    doc_type: str
    doc_type_source: str
    doc_type_confidence: float
    fields: list[ExtractedField]
    review_reasons: list[str]
    action: str  # relabel | set_field
    changes: tuple[tuple[str, str | None, str], ...]  # (what: "doc_type" or a field's name, before, after)
    dossier: DossierProcedure | None = None  # the batch's procedure after the correction (None: unchanged)


@dataclass(frozen=True)
class FailureGroup:
    code: str
    count: int
    latest_reason: str  # one example, so that the admin sees what the code means here


@dataclass(frozen=True)
class QueueFigures:
    """How an office's batches stand (`dossier stats`)."""

    by_status: dict[str, int]
    due_now: int  # queued and available: waiting for a free worker
    waiting_retry: int  # queued with a backoff still running
    next_retry_at: dt.datetime | None
    oldest_due_at: dt.datetime | None  # how far behind the workers are
    stale_claims: int  # processing with an expired lease: their worker is gone (the daemon requeues them)
    pages_last_hour: int
    batches_last_hour: int
    failures: list[FailureGroup] = field(default_factory=list)
    by_office: dict[str, dict[str, int]] = field(default_factory=dict)  # office → status → batches
    # The last few minutes apart: right after a busy minute the hourly average says little.
    pages_last_5_minutes: int = 0
    batches_last_5_minutes: int = 0


@dataclass(frozen=True)
class Receipt:
    """One batch as the citywide report counts it (`dossier report`)."""

    batch_id: int
    office: str
    procedure: str | None
    status: str
    received_at: dt.datetime  # when it finished arriving
    searchable_at: dt.datetime | None  # its first `done` event: filed and indexed in that transaction
    missing: tuple[str, ...]  # required document types it lacks (filed but incomplete when any)


@dataclass(frozen=True)
class Waiting:
    """What waits for a human in one office and procedure: documents to review, incomplete dossiers."""

    office: str
    procedure: str | None
    documents: int
    dossiers: int
    oldest: dt.datetime | None  # when the longest-waiting of them was filed


THROUGHPUT_WINDOW = dt.timedelta(hours=1)
RECENT_WINDOW = dt.timedelta(minutes=5)


def lease_expired(now: dt.datetime) -> ColumnElement[bool]:
    """A claim whose lease ran out (or was never set): its worker is gone, the batch goes back to the queue."""
    return or_(Batch.lease_expires_at < now, Batch.lease_expires_at.is_(None))


class Store:
    def __init__(self, url: str, *, indexer: DocumentIndexer | None = None,
                 timeouts: db.Timeouts = db.DEFAULT_TIMEOUTS, actor: str | None = None) -> None:
        self.url = url
        self.timeouts = timeouts
        self.actor = actor or os_account()  # who the events this store records name
        self.engine = db.make_engine(url, timeouts)
        self.indexer = indexer
        if indexer is not None:
            indexer.attach(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- schema and derived data ------------------------------------------------

    def init_schema(self) -> int | None:
        """Migrate to the newest schema, then rebuild the search index if its format changed.

        Returns how many documents were indexed again (None: the index was current).
        """
        # Migrations and index rebuilds may rightly run long: their statements are not time-bounded.
        maintenance = Store(self.url, indexer=self.indexer, timeouts=self.timeouts.unbounded(), actor=self.actor)
        try:
            db.upgrade(maintenance.engine)
            if self.indexer is None or maintenance._index_version() == self.indexer.version:
                return None
            with maintenance.session(immediate=True) as session:
                count = self.indexer.rebuild(session.connection())
                session.merge(StoreMeta(key=SEARCH_INDEX_KEY, value=self.indexer.version))
                return count
        finally:
            maintenance.dispose()

    def check_schema(self) -> None:
        """Refuse to work on a store whose schema, or search index, is not this dossier's."""
        db.check_current(self.engine)
        if self.indexer is not None and self._index_version() != self.indexer.version:
            raise StoreError("the search index was built by another version of dossier",
                             remedy="run `dossier init` to rebuild it")

    def _index_version(self) -> str | None:
        with self.session() as session:
            meta = session.get(StoreMeta, SEARCH_INDEX_KEY)
            return meta.value if meta else None

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self, *, immediate: bool = False) -> Iterator[Session]:
        """A transaction; `immediate` takes SQLite's write lock up front.

        Every transaction that reads and then writes needs it when several
        processes share a SQLite file: WAL mode refuses to turn a read into a
        write once another writer has committed ("database is locked" at once,
        without waiting for the busy timeout).

        The events the transaction recorded are linked to the event chain just
        before it commits (`audit.link_pending`).
        """
        try:
            with self._sessions() as session, session.begin():
                session.info["immediate"] = immediate
                if immediate and self.dialect == "sqlite":
                    session.connection(execution_options={"sqlite_immediate": True})
                yield session
                audit.link_pending(session, actor=self.actor)
        except OperationalError as exc:
            raise db.unavailable(self.engine, exc) from exc
        except (IntegrityError, ProgrammingError, DataError):
            raise  # our own mistake, not the store's state: a bug to report
        except DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
            detail = str(exc.orig or exc).strip().splitlines()[0]
            raise StoreError(f"the store at {self.engine.url.render_as_string(hide_password=True)} is damaged: "
                             f"{detail}", remedy="restore it from backup (see the admin guide)") from exc

    def _batch(self, session: Session, batch_id: int, *, for_update: bool = False) -> Batch:
        statement = select(Batch).where(Batch.id == batch_id)
        batch = session.scalar(statement.with_for_update() if for_update else statement)
        if batch is None:
            raise NotFound(_("batch {id} does not exist").format(id=batch_id),
                           remedy=_("list batches with `dossier batches`"))
        return batch

    # --- intake -----------------------------------------------------------------

    def record_batch(self, *, source: str, kind: str, district: str, sha256: str, files: list[NewFile],
                     failure: DossierError | None = None, claim_owner: str | None = None,
                     lease_seconds: float = 0.0, received_at: dt.datetime | None = None,
                     procedure: str | None = None, procedure_source: str | None = None) -> tuple[int, str, int | None]:
        """Record an archived dossier as a receipt of office `district`: queued, a duplicate of one
        this office already has, or failed at intake.

        Content is deduplicated within the office: another office's copy is that
        office's receipt, and this one is processed and filed here all the same,
        linked to the first copy in the city (`first_copy`). With `claim_owner`, a
        queued batch is claimed for that owner in the same transaction (`dossier
        ingest` processes its own batches: no daemon sharing the store may take them
        meanwhile); it is still reported as queued. `received_at`: when the dossier
        finished arriving (default now). Returns (batch id, status, id of the batch it duplicates).
        """
        with self.session(immediate=True) as session:
            original = first_copy = None
            if failure is None:
                holding = Batch.status.in_([BatchStatus.DONE, BatchStatus.QUEUED, BatchStatus.PROCESSING])
                original = session.scalar(select(Batch).where(Batch.office == district, Batch.sha256 == sha256,
                                                              holding).order_by(Batch.id).limit(1))
                if original is None:
                    first_copy = session.scalar(select(func.min(Batch.id)).where(
                        Batch.sha256 == sha256, Batch.office != district, holding))
            batch = Batch(source=source, kind=kind, office=district, sha256=sha256, status=BatchStatus.RECEIVED,
                          received_at=received_at or utcnow(), first_copy=first_copy, procedure=procedure,
                          procedure_source=procedure_source if procedure else None,
                          files=[BatchFile(ordinal=i, name=f.name, sha256=f.sha256, size=f.size,
                                           media_type=f.media_type) for i, f in enumerate(files)])
            session.add(batch)
            session.flush()
            lifecycle.receive(session, batch, [(f.name, f.sha256, f.size) for f in files])
            if first_copy:
                lifecycle.record_event(session, "first_copy", "info", batch=batch,
                                       detail=f"same content as batch {first_copy} of another office")
            if failure:
                lifecycle.fail(session, batch, failure)
            elif original:
                lifecycle.mark_duplicate(session, batch, original)
            else:
                lifecycle.queue(session, batch, action="queued")
                if claim_owner:
                    lifecycle.claim(session, batch, owner=claim_owner, lease_seconds=lease_seconds, attempts=1)
            status = BatchStatus.QUEUED if batch.status == BatchStatus.PROCESSING else batch.status
            return batch.id, status, batch.duplicate_of

    def find_recorded(self, *, office: str, source: str, sha256: str,
                      since: dt.datetime) -> tuple[int, str] | None:
        """(id, status) of a batch of `office` recorded at or after `since` from this source with this content.

        An inbox entry that outlived a crash between the commit and its removal
        is recognised by this: it changed last before its batch was recorded. Only
        this office's: the same file dropped into another office's inbox at the
        same time is that office's receipt, not this one's.
        """
        with self.session() as session:
            row = session.execute(select(Batch.id, Batch.status).where(
                Batch.office == office, Batch.source == source, Batch.sha256 == sha256, Batch.created_at >= since)
                .order_by(Batch.id).limit(1)).first()
            return (row.id, row.status) if row else None

    # --- the queue --------------------------------------------------------------

    def claim_next(self, owner: str, *, lease_seconds: float, district: str | None = None) -> int | None:
        """Claim the next batch that is due (of `district` only, when given), or None."""
        now = utcnow()
        due = (Batch.status == BatchStatus.QUEUED, Batch.available_at <= now,
               *([Batch.office == district] if district is not None else []))
        # A plain read first: idle workers must not take SQLite's write lock every second.
        with self.session() as session:
            if session.scalar(select(Batch.id).where(*due).limit(1)) is None:
                return None
        with self.session(immediate=True) as session:
            batch = session.scalar(select(Batch).where(*due).order_by(Batch.available_at, Batch.id)
                                   .limit(1).with_for_update(skip_locked=True))
            if batch is None:
                return None
            lifecycle.claim(session, batch, owner=owner, lease_seconds=lease_seconds, attempts=batch.attempts + 1)
            return batch.id

    def claim(self, batch_id: int, owner: str, *, lease_seconds: float) -> bool:
        """Claim this batch if it is queued (whether due or not); False when it is not queued."""
        with self.session(immediate=True) as session:
            batch = session.scalar(select(Batch).where(Batch.id == batch_id, Batch.status == BatchStatus.QUEUED)
                                   .with_for_update(skip_locked=True))
            if batch is None:
                return False
            lifecycle.claim(session, batch, owner=owner, lease_seconds=lease_seconds, attempts=batch.attempts + 1)
            return True

    def reopen(self, batch_id: int, *, from_statuses: Sequence[str], claim_owner: str | None,
               lease_seconds: float) -> str | None:
        """Start a batch over (reprocess): claimed by `claim_owner` at once, or queued for the daemon.

        Returns the status it had, or None when it was not in `from_statuses` (left untouched).
        """
        with self.session(immediate=True) as session:
            batch = session.scalar(select(Batch).where(Batch.id == batch_id).with_for_update())
            if batch is None or batch.status not in from_statuses:
                return None
            previous = batch.status
            lifecycle.record_event(session, "reprocess", "info", batch=batch,
                                   detail=f"was {previous}" + (f": {batch.reason}" if batch.reason else ""))
            if claim_owner:
                lifecycle.claim(session, batch, owner=claim_owner, lease_seconds=lease_seconds, attempts=1)
            else:
                batch.attempts = 0
                lifecycle.queue(session, batch, action="queued")
            return previous

    def renew_lease(self, batch_id: int, owner: str, *, lease_seconds: float) -> bool:
        """Extend a claim; False when it was lost (expired and released meanwhile)."""
        with self.session(immediate=True) as session:
            batch = session.get(Batch, batch_id)
            if batch is None or batch.status != BatchStatus.PROCESSING or batch.lease_owner != owner:
                return False
            batch.lease_expires_at = utcnow() + dt.timedelta(seconds=lease_seconds)
            return True

    def claim_owners(self, *, like: str) -> set[str]:
        """The owners (`host/pid`) of claims in progress whose name matches the SQL pattern `like`."""
        with self.session() as session:
            return set(session.scalars(select(Batch.lease_owner).distinct().where(
                Batch.status == BatchStatus.PROCESSING, Batch.lease_owner.like(like))))

    def release_claims(self, *, owners: Sequence[str] | None = None, expired: bool = False, reason: str,
                       count_attempt: bool, max_attempts: int) -> list[tuple[int, str | None, DossierError | None]]:
        """Put claims back in the queue: those of `owners`, or those whose lease `expired`.

        A counted attempt that reaches `max_attempts` fails the batch instead (a
        batch that kills its worker must not kill workers forever). Returns
        (batch id, stage it was in, the error it failed with or None) per claim.
        """
        condition = Batch.lease_owner.in_(owners) if owners is not None else lease_expired(utcnow())
        released = []
        with self.session(immediate=True) as session:
            batches = session.scalars(select(Batch).where(Batch.status == BatchStatus.PROCESSING, condition)
                                      .order_by(Batch.id).with_for_update(skip_locked=True)).all()
            for batch in batches:
                stage = batch.stage
                if not count_attempt:
                    batch.attempts = max(0, batch.attempts - 1)
                elif batch.attempts >= max_attempts:
                    error = WorkerLost(
                        f"the worker stopped {batch.attempts} times while processing it (last at stage {stage})",
                        remedy="check the log and memory of the machine; `dossier reprocess` it once fixed")
                    lifecycle.fail(session, batch, error)
                    released.append((batch.id, stage, error))
                    continue
                lifecycle.queue(session, batch, action="released", outcome="retry", detail=f"released: {reason}")
                released.append((batch.id, stage, None))
        return released

    # --- what the processes are doing (`dossier status`) --------------------------

    def announce(self, owner: str, *, role: str, office: str, version: str) -> None:
        """A daemon or worker process starts: its row, replacing any left by an earlier process of that name."""
        host, _, pid = owner.rpartition("/")
        now = utcnow()
        with self.session(immediate=True) as session:
            session.merge(WorkerStatus(owner=owner, role=role, office=office, host=host or "?",
                                       pid=int(pid) if pid.isdigit() else 0, version=version[:32],
                                       started_at=now, seen_at=now))

    def heartbeat(self, owner: str, **progress: object) -> None:
        """The process is alive; with `progress` (batch_id, source, stage, page, pages), what it is on.
        Nothing happens for a process that did not announce itself (an operator's `ingest`)."""
        with self.session(immediate=True) as session:
            row = session.get(WorkerStatus, owner)
            if row is None:
                return
            row.seen_at = utcnow()
            for name, value in progress.items():
                setattr(row, name, value)

    def forget_process(self, owner: str) -> None:
        with self.session(immediate=True) as session:
            session.execute(delete(WorkerStatus).where(WorkerStatus.owner == owner))

    def processes(self, *, office: str | None) -> list[WorkerStatus]:
        """The daemons and workers that announced themselves (of `office`, when given), daemons first."""
        with self.session() as session:
            rows = list(session.scalars(select(WorkerStatus).where(*_of_office(office, WorkerStatus.office))
                                        .order_by(WorkerStatus.role, WorkerStatus.started_at, WorkerStatus.owner)))
            session.expunge_all()
            return rows

    def last_event(self, action: str, *, office: str | None) -> tuple[Event, str] | None:
        """The latest event `action` (done, failed) of `office`'s batches, with the batch's source."""
        with self.session() as session:
            row = session.execute(select(Event, Batch.source).join(Batch, Event.batch_id == Batch.id)
                                  .where(Event.action == action, *_of_office(office))
                                  .order_by(Event.at.desc(), Event.id.desc()).limit(1)).first()
            if row is None:
                return None
            session.expunge_all()
            return row[0], row[1]

    # --- processing -------------------------------------------------------------

    def batch_files(self, batch_id: int) -> tuple[Batch, list[BatchFile]]:
        with self.session() as session:
            batch = session.get(Batch, batch_id, options=[selectinload(Batch.files)])
            if batch is None:
                raise NotFound(_("batch {id} does not exist").format(id=batch_id),
                           remedy=_("list batches with `dossier batches`"))
            session.expunge(batch)
            return batch, list(batch.files)

    # --- fixity -------------------------------------------------------------------

    def recorded_originals(self, *, office: str | None) -> dict[str, tuple[int, str]]:
        """Every archived original recorded for `office` (None: every office): SHA-256 → (batch, name) of
        the first batch that holds it, to name the file when it is damaged or missing."""
        found: dict[str, tuple[int, str]] = {}
        with self.session() as session:
            rows = session.execute(select(BatchFile.sha256, BatchFile.batch_id, BatchFile.name).join(Batch)
                                   .where(*_of_office(office)).order_by(BatchFile.id))
            for sha256, batch_id, name in rows:
                found.setdefault(sha256, (batch_id, name))
        return found

    def recorded_anywhere(self, sha256s: Sequence[str]) -> set[str]:
        """Which of these SHA-256 any office recorded (an original no batch names is an orphan)."""
        found: set[str] = set()
        with self.session() as session:
            for start in range(0, len(sha256s), 500):
                chunk = list(sha256s[start:start + 500])
                found.update(session.scalars(select(BatchFile.sha256).where(BatchFile.sha256.in_(chunk)).distinct()))
        return found

    def set_stage(self, batch_id: int, stage: str) -> None:
        with self.session(immediate=True) as session:
            lifecycle.enter_stage(self._batch(session, batch_id), stage)

    def file_documents(self, batch_id: int, documents: list[DocumentResult], *,
                       stage_ms: dict[str, int], procedure: DossierProcedure | None = None) -> list[int]:
        """Replace the batch's documents with these (reprocessing never adds copies) and mark it done.

        A document found again (the same source file and page range as before) keeps its id: ids
        are written on paper. One that is not found again is recorded as superseded by the new
        document holding its first page (`superseded`). `procedure`: what the dossier was found to
        be for and to lack (recorded with it).
        """
        indexer = self._require_indexer()
        with self.session(immediate=True) as session:
            batch = session.get(Batch, batch_id, options=[selectinload(Batch.files)])
            file_ids = {f.ordinal: f.id for f in batch.files}
            names = {f.id: f.name for f in batch.files}
            previous = {page_range(d.pages): d for d in session.scalars(
                select(Document).where(Document.batch_id == batch_id)
                .options(selectinload(Document.pages), selectinload(Document.fields)))}
            wanted = [tuple((file_ids[p.file_ordinal], p.file_page) for p in result.pages) for result in documents]
            kept = {key: previous.pop(key) for key in map(_span, wanted) if key in previous}
            # What superseded documents held, read before they go.
            gone = [(d.id, [(p.batch_file_id, p.file_page) for p in d.pages]) for d in previous.values()]
            for document in previous.values():
                session.delete(document)
            for n, document in enumerate(kept.values(), start=1):  # out of the way of the new ordinals
                document.ordinal = -n
            session.flush()
            ids, by_page = [], {}
            for ordinal, (result, pages) in enumerate(zip(documents, wanted), start=1):
                document = kept.get(_span(pages)) or Document(batch_id=batch_id, office=batch.office)
                document.ordinal = ordinal
                document.doc_type = result.classification.doc_type
                document.doc_type_confidence = result.classification.confidence
                document.doc_type_source = result.classification.source
                document.needs_review, document.review_reasons = bool(result.review_reasons), list(result.review_reasons)
                document.page_count, document.issue_date = len(result.pages), result.issue_date
                document.details = {"classification": result.classification.evidence}
                document.pages = [
                    Page(number=n, batch_file_id=file_id, file_page=file_page, text=p.text,
                         confidence=round(p.confidence, 2), method=p.method, details=p.details,
                         words=[w.as_row() for w in p.words])
                    for n, (p, (file_id, file_page)) in enumerate(zip(result.pages, pages), start=1)
                ]
                document.fields = [_field_row(f) for f in result.fields]
                session.add(document)
                session.flush()
                indexer.index(session, document)
                ids.append(document.id)
                by_page.update(dict.fromkeys(pages, document.id))
                lifecycle.record_event(session, "filed", batch=batch, document_id=document.id,
                                       detail=f"{result.classification.doc_type} "
                                              f"({result.classification.confidence:.2f})"
                                              + (" (same id as before)" if _span(pages) in kept else ""))
            for document_id, held in gone:
                successor = by_page.get(held[0]) if held else None
                session.merge(SupersededDocument(document_id=document_id, batch_id=batch_id, office=batch.office,
                                                 successor_id=successor, pages=describe_pages(names, held)))
                lifecycle.record_event(session, "superseded", "info", batch=batch, document_id=document_id,
                                       detail=f"its pages are now in document {successor}" if successor
                                       else "its pages are in no document any more")
            pages = sum(len(d.pages) for d in documents)
            for stage, ms in stage_ms.items():
                lifecycle.record_event(session, stage, batch=batch, duration_ms=ms,
                                       pages=pages if stage == "ocr" else None)
            if procedure is not None:
                lifecycle.settle_procedure(session, batch, procedure)
            lifecycle.finish(session, batch, detail=f"{len(ids)} document(s), {pages} page(s)",
                             duration_ms=sum(stage_ms.values()), pages=pages)
            return ids

    def superseded(self, document_id: int) -> SupersededDocument | None:
        """What became of a document that reprocessing did not find again (None: it was never superseded).

        Follows the chain: the successor named is one that exists now, when any does."""
        with self.session() as session:
            row = session.get(SupersededDocument, document_id)
            if row is None:
                return None
            seen = {document_id}
            while row.successor_id is not None and row.successor_id not in seen:
                later = session.get(SupersededDocument, row.successor_id)
                if later is None:
                    break
                seen.add(later.document_id)
                row.successor_id = later.successor_id  # detached below: never written back
            session.expunge_all()
            return row

    def dismiss_batch(self, batch_id: int, *, reason: str) -> Batch:
        """A failed batch an operator gave up on (recorded with the reason); refused for any other state."""
        with self.session(immediate=True) as session:
            batch = self._batch(session, batch_id, for_update=True)
            if batch.status != BatchStatus.FAILED:
                # the state's name is marked in cli.render.STATUS_NAMES
                raise UsageError(_("batch {id} is {status}: only a failed batch can be dismissed").format(
                    id=batch_id, status=_(str(batch.status))),
                    remedy=_("list failed batches with `dossier batches --status failed`"))
            lifecycle.dismiss(session, batch, reason=reason)
            session.flush()
            session.expunge(batch)
            return batch

    def operator_corrections(self, batch_id: int) -> dict[tuple[int, int], OperatorCorrection]:
        """Operators' corrections of a batch's documents, keyed by (file ordinal, page) of each first page.

        Reprocessing replaces a batch's documents; this is what it must apply again so
        that no correction made by hand is lost to a rerun.
        """
        with self.session() as session:
            documents = session.scalars(
                select(Document).where(Document.batch_id == batch_id)
                .options(selectinload(Document.pages), selectinload(Document.fields))).all()
            ordinals = {f.id: f.ordinal for f in session.scalars(select(BatchFile).where(BatchFile.batch_id == batch_id))}
            corrections = {}
            for document in documents:
                typed = tuple(_extracted(f) for f in document.fields if f.source == OPERATOR)
                doc_type = document.doc_type if document.doc_type_source == OPERATOR else None
                if (typed or doc_type) and document.pages:
                    first = document.pages[0]
                    corrections[(ordinals[first.batch_file_id], first.file_page)] = OperatorCorrection(doc_type, typed)
            return corrections

    def fail_batch(self, batch_id: int, error: DossierError) -> None:
        with self.session(immediate=True) as session:
            lifecycle.fail(session, self._batch(session, batch_id), error)

    def retry_later(self, batch_id: int, error: DossierError, delay_seconds: float) -> None:
        with self.session(immediate=True) as session:
            lifecycle.retry(session, self._batch(session, batch_id), error, delay_seconds=delay_seconds)

    def _require_indexer(self) -> DocumentIndexer:
        if self.indexer is None:  # a programming error: every App gives the store its indexer
            raise RuntimeError("this Store was opened without a search indexer and cannot change documents")
        return self.indexer

    # --- corrections ------------------------------------------------------------

    def revise_document(self, document_id: int,
                        revise: Callable[[DocumentState], DocumentRevision]) -> DocumentRevision:
        """Apply an operator's correction in one transaction: revise, store, re-index, record the event.

        `revise` gets the document as it is and returns what it becomes; reading
        and writing in one transaction means two operators correcting the same
        document cannot overwrite each other's change unseen.
        """
        indexer = self._require_indexer()
        with self.session(immediate=True) as session:
            document = session.get(Document, document_id, options=[selectinload(Document.fields),
                                                                    selectinload(Document.pages)])
            if document is None:
                raise NotFound(_("document {id} does not exist").format(id=document_id),
                               remedy=_("find documents with `dossier search` or `dossier review`"))
            batch = document.batch
            others = session.scalars(select(Document.doc_type).where(
                Document.batch_id == batch.id, Document.id != document.id).order_by(Document.ordinal)).all()
            state = DocumentState(document.id, document.batch_id, document.doc_type, document.doc_type_source,
                                  document.doc_type_confidence, [_page_text(p) for p in document.pages],
                                  [_extracted(f) for f in document.fields], office=batch.office,
                                  dossier=DossierProcedure(batch.procedure, batch.procedure_source,
                                                           tuple(batch.missing_documents or ())),
                                  other_types=tuple(others))
            revision = revise(state)
            document.doc_type, document.doc_type_source = revision.doc_type, revision.doc_type_source
            document.doc_type_confidence = revision.doc_type_confidence
            document.fields[:] = [_field_row(f) for f in revision.fields]
            document.review_reasons, document.needs_review = revision.review_reasons, bool(revision.review_reasons)
            document.issue_date = issue_date_of(revision.fields)
            session.flush()
            indexer.index(session, document)
            for what, before, after in revision.changes:  # one event per value changed, all in one transaction
                lifecycle.record_event(session, revision.action, batch=batch, document_id=document.id,
                                       detail=f"{what}: {before!r} → {after!r}")
            if revision.dossier is not None:
                lifecycle.settle_procedure(session, batch, revision.dossier)
            return revision

    def operator_labelled(self, *, office: str | None = None) -> list[tuple[str, str]]:
        """(text, type) of every document (of `office`, when given) whose type an operator set:
        real, misread documents to learn from."""
        with self.session() as session:
            query = (select(Document).options(selectinload(Document.pages))
                     .where(Document.doc_type_source == OPERATOR, *_of_office(office, Document.office))
                     .order_by(Document.id))
            return [("\n\n".join(p.text for p in d.pages), d.doc_type) for d in session.scalars(query)]

    # --- OCR cache --------------------------------------------------------------

    def cache_get(self, key: str) -> OcrResult | None:
        with self.session() as session:
            entry = session.get(OcrCacheEntry, key)
            if entry is None:
                return None
            return OcrResult(text=entry.text, confidence=entry.confidence,
                             words=[Word.from_row(r) for r in entry.words], details=dict(entry.details or {}))

    def cache_put(self, key: str, result: OcrResult) -> None:
        with self.session(immediate=True) as session:
            if session.get(OcrCacheEntry, key) is None:
                session.add(OcrCacheEntry(key=key, text=result.text, confidence=result.confidence,
                                          words=[w.as_row() for w in result.words], details=result.details))

    # --- reading ----------------------------------------------------------------

    def batches(self, status: str | None = None, *, office: str | None = None, limit: int | None = None,
                offset: int = 0) -> list[Batch]:
        """Batches with their documents, oldest first (detached rows); of `office` only, when given;
        `limit` of them after skipping `offset`."""
        with self.session() as session:
            query = (select(Batch).options(selectinload(Batch.documents)).order_by(Batch.id)
                     .offset(offset).limit(limit))
            if status:
                query = query.where(Batch.status == status)
            if office is not None:
                query = query.where(Batch.office == office)
            rows = list(session.scalars(query))
            session.expunge_all()
            return rows

    def count_batches(self, status: str | None = None, *, office: str | None = None) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(Batch).where(
                *([Batch.status == status] if status else []), *_of_office(office)))

    def batch_statuses(self, batch_ids: Sequence[int]) -> dict[int, str]:
        """Where these batches stand now."""
        with self.session() as session:
            return dict(session.execute(select(Batch.id, Batch.status).where(Batch.id.in_(batch_ids))).all())

    def failed_batch_ids(self, *, district: str | None) -> list[int]:
        """Failed batches of office `district` (None: of every office)."""
        with self.session() as session:
            return list(session.scalars(select(Batch.id).where(
                Batch.status == BatchStatus.FAILED, *_of_office(district)).order_by(Batch.id)))

    def document(self, document_id: int) -> Document:
        with self.session() as session:
            document = session.get(Document, document_id, options=[
                selectinload(Document.pages), selectinload(Document.fields), selectinload(Document.batch)])
            if document is None:
                raise NotFound(_("document {id} does not exist").format(id=document_id),
                               remedy=_("find document ids with `dossier search`"))
            session.expunge_all()
            return document

    def documents_to_review(self, *, doc_type: str | None = None, limit: int = 50,
                            office: str | None = None) -> list[Document]:
        """Documents waiting for a human, oldest first (they have waited longest); detached rows.

        Of `office` only, when given."""
        with self.session() as session:
            query = (select(Document).options(selectinload(Document.batch), selectinload(Document.fields))
                     .where(Document.needs_review.is_(True), *_of_office(office, Document.office))
                     .order_by(Document.filed_at, Document.id).limit(limit))
            if doc_type:
                query = query.where(Document.doc_type == doc_type)
            rows = list(session.scalars(query))
            session.expunge_all()
            return rows

    def queue_figures(self, *, district: str | None, now: dt.datetime | None = None) -> QueueFigures:
        """How `district`'s batches stand (None: every district's)."""
        now = now or utcnow()
        office = _of_office(district)
        queued = Batch.status == BatchStatus.QUEUED
        with self.session() as session:
            counts = dict(session.execute(select(Batch.status, func.count()).where(*office)
                                          .group_by(Batch.status)).all())
            due_now, oldest_due = session.execute(select(func.count(), func.min(Batch.available_at))
                                                  .where(*office, queued, Batch.available_at <= now)).one()
            waiting, next_retry = session.execute(select(func.count(), func.min(Batch.available_at))
                                                  .where(*office, queued, Batch.available_at > now)).one()
            stale = session.scalar(select(func.count()).where(
                *office, Batch.status == BatchStatus.PROCESSING, lease_expired(now)))
            pages, batches = session.execute(
                select(func.coalesce(func.sum(Event.pages), 0), func.count()).join(Batch, Event.batch_id == Batch.id)
                .where(*office, Event.action == "done", Event.at >= now - THROUGHPUT_WINDOW)).one()
            recent_pages, recent_batches = session.execute(
                select(func.coalesce(func.sum(Event.pages), 0), func.count()).join(Batch, Event.batch_id == Batch.id)
                .where(*office, Event.action == "done", Event.at >= now - RECENT_WINDOW)).one()
            failures = self._failures(session, office)
            by_office: dict[str, dict[str, int]] = {}
            if district is None:
                for code, status, count in session.execute(select(Batch.office, Batch.status, func.count())
                                                           .group_by(Batch.office, Batch.status)):
                    by_office.setdefault(code, {})[status] = count
        return QueueFigures(
            by_status={status.value: counts.get(status, 0) for status in BatchStatus},
            due_now=due_now, waiting_retry=waiting, next_retry_at=as_utc(next_retry),
            oldest_due_at=as_utc(oldest_due), stale_claims=stale, pages_last_hour=int(pages),
            batches_last_hour=batches, failures=failures, by_office=dict(sorted(by_office.items())),
            pages_last_5_minutes=int(recent_pages), batches_last_5_minutes=recent_batches,
        )

    @staticmethod
    def _failures(session: Session, office: list) -> list[FailureGroup]:
        failed = Batch.status == BatchStatus.FAILED
        groups = session.execute(select(Batch.error_code, func.count(), func.max(Batch.id)).where(*office, failed)
                                 .group_by(Batch.error_code).order_by(func.count().desc(), Batch.error_code)).all()
        reasons = dict(session.execute(select(Batch.id, Batch.reason)
                                       .where(Batch.id.in_([g[2] for g in groups]))).all())
        return [FailureGroup(code or "unknown", count, reasons.get(latest) or "") for code, count, latest in groups]


    # --- audit (`dossier audit`) -------------------------------------------------

    def record_audit(self, action: str, *, office: str | None, batch_id: int | None = None,
                     document_id: int | None = None, detail: str | None = None) -> None:
        """A read or an admin's act (search, show, export, review, reveal, audit): who, when, what."""
        with self.session(immediate=True) as session:
            audit.add(session, Event(action=action, outcome="info", office=office, batch_id=batch_id,
                                     document_id=document_id, detail=detail, program=lifecycle.program(),
                                     at=utcnow()))

    def events(self, *, since: dt.datetime | None = None, actor: str | None = None,
               actions: Sequence[str] = (), document_id: int | None = None, office: str | None = None,
               limit: int | None = None) -> list[Event]:
        """Events, oldest first (detached rows), meeting every filter given. `document_id` also finds the
        searches and reviews that listed the document (their detail names it `#ID`)."""
        query = select(Event).order_by(Event.id)
        if since is not None:
            query = query.where(Event.at >= since)
        if actor is not None:
            query = query.where(Event.actor == actor)
        if actions:
            query = query.where(Event.action.in_(list(actions)))
        if document_id is not None:
            padded = literal(" ") + func.coalesce(Event.detail, "") + literal(" ")
            # Lists of documents shown ("shown D11 D9"); events recorded before ids were printed D34 say "#11".
            listed = or_(padded.like(f"% D{document_id} %"), padded.like(f"% #{document_id} %"))
            query = query.where(or_(Event.document_id == document_id, listed))
        if office is not None:
            query = query.where(Event.office == office)
        if limit is not None:
            query = query.order_by(None).order_by(Event.id.desc()).limit(limit)
        with self.session() as session:
            rows = list(session.scalars(query))
            session.expunge_all()
        return sorted(rows, key=lambda e: e.id)

    def verify_chain(self) -> audit.ChainVerdict:
        """Walk the whole event log in id order and check every link (`dossier audit --verify`)."""
        with self.session() as session:
            rows = session.scalars(select(Event).order_by(Event.id).execution_options(yield_per=1000))
            return audit.verify_rows(rows)

    # --- citywide figures (`dossier report`) -----------------------------------

    def receipts(self, *, office: str | None, since: dt.datetime, until: dt.datetime) -> list[Receipt]:
        """Every batch of `office` (None: every office) that arrived in [since, until), with when it
        became searchable; what the report's flow figures are counted from."""
        first_done = (select(Event.batch_id, func.min(Event.at).label("at")).where(Event.action == "done")
                      .group_by(Event.batch_id).subquery())
        arrived = func.coalesce(Batch.received_at, Batch.created_at)
        with self.session() as session:
            rows = session.execute(
                select(Batch.id, Batch.office, Batch.procedure, Batch.status, arrived, first_done.c.at,
                       Batch.missing_documents)
                .outerjoin(first_done, first_done.c.batch_id == Batch.id)
                .where(*_of_office(office), arrived >= since, arrived < until).order_by(Batch.id)).all()
        return [Receipt(batch_id, code, procedure, status, as_utc(received), as_utc(searchable),
                        tuple(missing or ())) for batch_id, code, procedure, status, received, searchable, missing
                in rows]

    def waiting(self, *, office: str | None) -> list[Waiting]:
        """What waits for a human now, per office and procedure, however long ago it arrived."""
        with self.session() as session:
            documents = session.execute(
                select(Batch.office, Batch.procedure, func.count(), func.min(Document.filed_at))
                .join(Batch, Batch.id == Document.batch_id)
                .where(Document.needs_review.is_(True), *_of_office(office))
                .group_by(Batch.office, Batch.procedure)).all()
            incomplete = session.execute(
                select(Batch.office, Batch.procedure, Batch.missing_documents, Batch.updated_at)
                .where(Batch.status == BatchStatus.DONE, Batch.missing_documents.is_not(None),
                       *_of_office(office))).all()
        counts: dict[tuple[str, str | None], Counter] = defaultdict(Counter)
        oldest: dict[tuple[str, str | None], dt.datetime] = {}
        rows = [(code, procedure, count, 0, filed) for code, procedure, count, filed in documents]
        rows += [(code, procedure, 0, 1, filed) for code, procedure, missing, filed in incomplete if missing]
        for code, procedure, waiting_documents, waiting_dossiers, since in rows:
            key = (code, procedure)
            counts[key].update(documents=waiting_documents, dossiers=waiting_dossiers)
            if since is not None:
                oldest[key] = min(oldest.get(key, as_utc(since)), as_utc(since))
        return [Waiting(*key, counts[key]["documents"], counts[key]["dossiers"], oldest.get(key))
                for key in sorted(counts, key=lambda k: (k[0], k[1] or ""))]

    def incomplete_dossiers(self, *, office: str | None, limit: int = 50) -> list[Batch]:
        """Filed dossiers lacking a document their procedure requires, oldest first (detached rows)."""
        with self.session() as session:
            rows = list(session.scalars(
                select(Batch).options(selectinload(Batch.documents))
                .where(Batch.status == BatchStatus.DONE, Batch.missing_documents.is_not(None), *_of_office(office))
                .order_by(Batch.updated_at, Batch.id).limit(limit)))
            session.expunge_all()
            return [b for b in rows if b.missing_documents]


def _span(pages: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """What identifies a document across reprocessing: its first and last page, (file id, page) each."""
    return (pages[0], pages[-1]) if pages else None


def page_range(pages: Sequence[Page]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    return _span([(p.batch_file_id, p.file_page) for p in pages])


def describe_pages(names: dict[int, str], pages: Sequence[tuple[int, int]]) -> str:
    """"scan.pdf p. 2-3": which pages of which original file(s), for humans and the event log."""
    parts: list[str] = []
    for file_id in dict.fromkeys(f for f, _page in pages):
        numbers = [n for f, n in pages if f == file_id]
        span = str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
        parts.append(f"{names.get(file_id, '?')} p. {span}")
    return ", ".join(parts)


def _of_office(office: str | None, column=Batch.office) -> list[ColumnElement[bool]]:
    """The condition that scopes a query to one office (none: every office)."""
    return [column == office] if office is not None else []


def _field_row(found: ExtractedField) -> Field:
    return Field(name=found.name, value=found.value, confidence=found.confidence, page=found.page,
                 details=dict(found.details), source=found.source)


def _extracted(row: Field) -> ExtractedField:
    return ExtractedField(row.name, row.value, row.confidence, row.page, dict(row.details or {}), source=row.source)


def _page_text(page: Page) -> PageText:
    return PageText(file_ordinal=0, file_page=page.file_page, text=page.text, confidence=page.confidence,
                    method=page.method, words=[Word.from_row(r) for r in page.words or []])
