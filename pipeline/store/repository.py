"""Data access: every read and write of the store goes through `Store`.

Transactions are short (one batch transition each) so that several worker
processes and an operator's commands can share one SQLite file.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from pipeline import __version__
from pipeline.domain import DocumentResult, ExtractedField, OperatorCorrection, Word
from pipeline.errors import DossierError, NotFound, StoreUnavailable
from pipeline.stages.ocr import OcrResult
from pipeline.store import db
from pipeline.search.index import index_document
from pipeline.store.models import (
    Batch,
    BatchFile,
    BatchStatus,
    Document,
    Event,
    Field,
    OcrCacheEntry,
    Page,
    utcnow,
)
from pipeline.store.views import batch_view

PROGRAM = f"dossier {__version__} {socket.gethostname()}"[:100]


def program() -> str:
    return f"{PROGRAM} pid {os.getpid()}"


@dataclass(frozen=True)
class NewFile:
    name: str  # NFC, relative to the batch source
    sha256: str
    size: int
    media_type: str


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = db.make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def init_schema(self) -> None:
        db.upgrade(self.engine)

    def check_schema(self) -> None:
        db.check_current(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self, *, immediate: bool = False) -> Iterator[Session]:
        """A transaction; `immediate` takes SQLite's write lock up front.

        Every transaction that reads and then writes needs it when several
        processes share a SQLite file: WAL mode refuses to turn a read into a
        write once another writer has committed ("database is locked" at once,
        without waiting for the busy timeout).
        """
        try:
            with self._sessions() as session, session.begin():
                if immediate and self.dialect == "sqlite":
                    session.connection(execution_options={"sqlite_immediate": True})
                yield session
        except OperationalError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreUnavailable(f"the store did not answer: {detail}",
                                   remedy="it will be retried; check the database server or disk") from exc

    # --- events ------------------------------------------------------------

    @staticmethod
    def add_event(session: Session, action: str, outcome: str = "ok", *, batch_id: int | None = None,
                  document_id: int | None = None, detail: str | None = None,
                  duration_ms: int | None = None, pages: int | None = None) -> None:
        session.add(Event(action=action, outcome=outcome, batch_id=batch_id, document_id=document_id,
                          detail=detail, duration_ms=duration_ms, pages=pages, program=program()))

    # --- intake ------------------------------------------------------------

    def record_batch(self, *, source: str, kind: str, district: str, sha256: str, files: list[NewFile],
                     failure: DossierError | None = None, claim_owner: str | None = None,
                     lease_seconds: float = 0.0) -> tuple[int, str, int | None]:
        """Record an archived dossier: queued, a duplicate of a filed one, or failed at intake.

        With `claim_owner`, a queued batch is claimed for that owner in the same
        transaction (`dossier ingest` processes its own batches: no daemon sharing
        the store may take them meanwhile); it is still reported as queued.
        Returns (batch id, status, id of the batch it duplicates).
        """
        with self.session(immediate=True) as session:
            original = None
            if failure is None:
                original = session.scalar(
                    select(Batch).where(Batch.sha256 == sha256,
                                        Batch.status.in_([BatchStatus.DONE, BatchStatus.QUEUED,
                                                          BatchStatus.PROCESSING]))
                    .order_by(Batch.id).limit(1))
            status = (BatchStatus.FAILED if failure else
                      BatchStatus.DUPLICATE if original else BatchStatus.QUEUED)
            batch = Batch(source=source, kind=kind, district=district, sha256=sha256, status=status,
                          duplicate_of=original.id if original else None)
            if failure:
                batch.stage, batch.reason, batch.error_code = (
                    failure.stage.value if failure.stage else None, failure.one_line(), failure.code)
            batch.files = [BatchFile(ordinal=i, name=f.name, sha256=f.sha256, size=f.size,
                                     media_type=f.media_type) for i, f in enumerate(files)]
            session.add(batch)
            session.flush()
            self.add_event(session, "received", batch_id=batch.id, detail=source)
            for f in files:
                self.add_event(session, "archived", batch_id=batch.id, detail=f"{f.name} sha256={f.sha256} size={f.size}")
            if failure:
                self.add_event(session, "failed", "error", batch_id=batch.id, detail=failure.one_line())
            elif original:
                self.add_event(session, "duplicate", "info", batch_id=batch.id,
                               detail=f"same content as batch {original.id}")
            else:
                self.add_event(session, "queued", batch_id=batch.id)
                if claim_owner:
                    self.claim_row(session, batch, owner=claim_owner, lease_seconds=lease_seconds, attempts=1)
            return batch.id, status, batch.duplicate_of

    def find_recorded(self, *, source: str, sha256: str, since: dt.datetime) -> tuple[int, str] | None:
        """(id, status) of a batch recorded at or after `since` from this source with this content.

        An inbox entry that outlived a crash between the commit and its removal
        is recognised by this: it changed last before its batch was recorded.
        """
        with self.session() as session:
            row = session.execute(select(Batch.id, Batch.status).where(
                Batch.source == source, Batch.sha256 == sha256, Batch.created_at >= since)
                .order_by(Batch.id).limit(1)).first()
            return (row.id, row.status) if row else None

    # --- processing --------------------------------------------------------

    def batch_files(self, batch_id: int) -> tuple[Batch, list[BatchFile]]:
        with self.session() as session:
            batch = session.get(Batch, batch_id, options=[selectinload(Batch.files)])
            if batch is None:
                raise NotFound(f"batch {batch_id} does not exist")
            session.expunge(batch)
            return batch, list(batch.files)

    def set_stage(self, batch_id: int, stage: str) -> None:
        with self.session(immediate=True) as session:
            batch = session.get(Batch, batch_id)
            batch.status, batch.stage = BatchStatus.PROCESSING, stage

    @classmethod
    def claim_row(cls, session: Session, batch: Batch, *, owner: str, lease_seconds: float, attempts: int) -> None:
        """The queue's claim: `owner` processes the batch until its lease expires (pipeline.queue renews it)."""
        batch.status, batch.stage, batch.attempts = BatchStatus.PROCESSING, None, attempts
        batch.lease_owner = owner
        batch.lease_expires_at = utcnow() + dt.timedelta(seconds=lease_seconds)
        cls.add_event(session, "processing", "info", batch_id=batch.id, detail=f"attempt {attempts} by {owner}")

    @classmethod
    def queue_row(cls, session: Session, batch: Batch, *, delay_seconds: float = 0.0, action: str,
                  outcome: str = "ok", detail: str | None = None) -> None:
        """Back in the queue, unclaimed: any worker may take the batch `delay_seconds` from now."""
        batch.status, batch.available_at = BatchStatus.QUEUED, utcnow() + dt.timedelta(seconds=delay_seconds)
        batch.lease_owner = batch.lease_expires_at = None
        cls.add_event(session, action, outcome, batch_id=batch.id, detail=detail)

    def file_documents(self, batch_id: int, documents: list[DocumentResult], *,
                       stage_ms: dict[str, int]) -> list[int]:
        """Replace the batch's documents with these (reprocessing never adds copies) and mark it done."""
        with self.session(immediate=True) as session:
            batch = session.get(Batch, batch_id, options=[selectinload(Batch.files)])
            file_ids = {f.ordinal: f.id for f in batch.files}
            session.execute(delete(Document).where(Document.batch_id == batch_id))
            ids = []
            for ordinal, result in enumerate(documents, start=1):
                document = Document(
                    batch_id=batch_id, ordinal=ordinal, district=batch.district,
                    doc_type=result.classification.doc_type,
                    doc_type_confidence=result.classification.confidence,
                    doc_type_source=result.classification.source,
                    needs_review=bool(result.review_reasons), review_reasons=list(result.review_reasons),
                    page_count=len(result.pages), issue_date=result.issue_date,
                    details={"classification": result.classification.evidence},
                )
                document.pages = [
                    Page(number=n, batch_file_id=file_ids[p.file_ordinal], file_page=p.file_page, text=p.text,
                         confidence=round(p.confidence, 2), method=p.method, details=p.details,
                         words=[w.as_row() for w in p.words])
                    for n, p in enumerate(result.pages, start=1)
                ]
                document.fields = [
                    Field(name=f.name, value=f.value, confidence=f.confidence, page=f.page, details=f.details,
                          source=f.source)
                    for f in result.fields
                ]
                session.add(document)
                session.flush()
                index_document(session, document)
                ids.append(document.id)
                self.add_event(session, "filed", batch_id=batch_id, document_id=document.id,
                               detail=f"{result.classification.doc_type} ({result.classification.confidence:.2f})")
            pages = sum(len(d.pages) for d in documents)
            for stage, ms in stage_ms.items():
                self.add_event(session, stage, batch_id=batch_id, duration_ms=ms,
                               pages=pages if stage == "ocr" else None)
            batch.status, batch.stage, batch.reason, batch.error_code = BatchStatus.DONE, None, None, None
            batch.lease_owner = batch.lease_expires_at = None
            self.add_event(session, "done", batch_id=batch_id, detail=f"{len(ids)} document(s), {pages} page(s)",
                           duration_ms=sum(stage_ms.values()), pages=pages)
            return ids

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
                typed = tuple(ExtractedField(f.name, f.value, f.confidence, f.page, dict(f.details), source="operator")
                              for f in document.fields if f.source == "operator")
                doc_type = document.doc_type if document.doc_type_source == "operator" else None
                if (typed or doc_type) and document.pages:
                    first = document.pages[0]
                    corrections[(ordinals[first.batch_file_id], first.file_page)] = OperatorCorrection(doc_type, typed)
            return corrections

    def fail_batch(self, batch_id: int, error: DossierError) -> None:
        with self.session(immediate=True) as session:
            batch = session.get(Batch, batch_id)
            batch.status = BatchStatus.FAILED
            batch.stage = error.stage.value if error.stage else batch.stage
            batch.reason, batch.error_code = error.one_line(), error.code
            batch.lease_owner = batch.lease_expires_at = None
            self.add_event(session, "failed", "error", batch_id=batch_id, detail=error.one_line())

    def retry_later(self, batch_id: int, error: DossierError, delay_seconds: float) -> None:
        with self.session(immediate=True) as session:
            batch = session.get(Batch, batch_id)
            batch.stage = error.stage.value if error.stage else batch.stage
            batch.reason, batch.error_code = error.one_line(), error.code
            self.queue_row(session, batch, delay_seconds=delay_seconds, action="retry", outcome="retry",
                           detail=f"{error.one_line()}; next attempt in {delay_seconds:.0f} s")

    # --- OCR cache -----------------------------------------------------------

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

    # --- reading -------------------------------------------------------------

    def batches(self, status: str | None = None) -> list[dict[str, Any]]:
        with self.session() as session:
            query = select(Batch).options(selectinload(Batch.documents)).order_by(Batch.id)
            if status:
                query = query.where(Batch.status == status)
            return [batch_view(b) for b in session.scalars(query)]

    def document(self, document_id: int) -> Document:
        with self.session() as session:
            document = session.get(Document, document_id, options=[
                selectinload(Document.pages), selectinload(Document.fields), selectinload(Document.batch)])
            if document is None:
                raise NotFound(f"document {document_id} does not exist",
                               remedy="find document ids with `dossier search`")
            session.expunge_all()
            return document

    def count_by_status(self) -> dict[str, int]:
        with self.session() as session:
            rows = session.execute(select(Batch.status, func.count()).group_by(Batch.status))
            return {status: count for status, count in rows}

