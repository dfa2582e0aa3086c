"""Database schema. Change it only together with a migration in `pipeline/store/migrations`.

The archived originals plus the `event` rows are the canonical record; the
documents, pages and fields are derived from them and can be rebuilt by
reprocessing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, synonym


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on both backends (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use pipeline.store.models.utcnow()")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return as_utc(value)


def as_utc(value: dt.datetime | str | None) -> dt.datetime | None:
    """A stored time as UTC. Also for aggregates (min, max), which bypass the column type on
    SQLite: naive datetimes or strings come back from them."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class Batch(Base):
    """One dropped file or folder: one citizen's dossier, as one office received it.

    The same file received by two offices is two batches, one in each office: an
    office's receipts are its own. `duplicate_of` points at this office's earlier
    batch of the same content (this one is not processed again); `first_copy` at the
    batch of another office that received the same content first (this one is
    processed and filed in its own office all the same).
    """

    __tablename__ = "batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)  # as dropped (relative to the inbox) or as given to ingest
    kind: Mapped[str] = mapped_column(String(8))  # file | folder
    office: Mapped[str] = mapped_column(String(32), index=True)  # configs/offices.toml code
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # identity of the whole dossier
    status: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str | None] = mapped_column(String(16))  # current stage, or where it failed
    reason: Mapped[str | None] = mapped_column(Text)  # one line for humans
    error_code: Mapped[str | None] = mapped_column(String(32))  # machine-readable reason
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("batch.id"))
    first_copy: Mapped[int | None] = mapped_column(Integer)  # a batch id (no foreign key: see revision 0004)
    # When it finished arriving (the inbox entry's last change, or when `ingest` was given it):
    # where "time from drop to searchable" starts. Null only on rows older than revision 0004.
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    procedure: Mapped[str | None] = mapped_column(String(64))  # configs/procedures.toml id
    procedure_source: Mapped[str | None] = mapped_column(String(16))  # operator | folder | documents
    # Document types its procedure requires that the filed dossier lacks: incomplete when not empty.
    missing_documents: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    # queue
    available_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    files: Mapped[list[BatchFile]] = relationship(
        back_populates="batch", order_by="BatchFile.ordinal", cascade="all, delete-orphan"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="batch", order_by="Document.ordinal", cascade="all, delete-orphan"
    )

    district = synonym("office")  # the column's name until wards had offices of their own (revision 0004)

    # Ids are shown to users and written on paper: SQLite must never reuse one (PostgreSQL never does).
    __table_args__ = (Index("ix_batch_status_available", "status", "available_at"),
                      Index("ix_batch_office_sha256", "office", "sha256"),
                      Index("ix_batch_office_received_at", "office", "received_at"),
                      {"sqlite_autoincrement": True})


class BatchFile(Base):
    """One original file of a batch, archived content-addressed by SHA-256."""

    __tablename__ = "batch_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)  # original name (NFC), relative to the batch source
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64))

    batch: Mapped[Batch] = relationship(back_populates="files")

    __table_args__ = (UniqueConstraint("batch_id", "ordinal"),)


class Document(Base):
    """One document found in a batch (a batch may hold several)."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    office: Mapped[str] = mapped_column(String(32), index=True)  # its batch's
    doc_type: Mapped[str] = mapped_column(String(64), index=True)
    doc_type_confidence: Mapped[float] = mapped_column(Float)
    doc_type_source: Mapped[str] = mapped_column(String(16), default="classifier")  # classifier | operator
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    review_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    page_count: Mapped[int] = mapped_column(Integer)
    issue_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # classifier evidence etc.

    batch: Mapped[Batch] = relationship(back_populates="documents")
    pages: Mapped[list[Page]] = relationship(
        back_populates="document", order_by="Page.number", cascade="all, delete-orphan"
    )
    fields: Mapped[list[Field]] = relationship(
        back_populates="document", order_by="Field.id", cascade="all, delete-orphan"
    )

    district = synonym("office")  # the column's name before revision 0004

    # Reprocessing deletes and refiles documents: a new document must never get an old one's id.
    __table_args__ = (UniqueConstraint("batch_id", "ordinal"), {"sqlite_autoincrement": True})


class Page(Base):
    __tablename__ = "page"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1-based within the document
    batch_file_id: Mapped[int] = mapped_column(ForeignKey("batch_file.id", ondelete="CASCADE"))
    file_page: Mapped[int] = mapped_column(Integer)  # 1-based within the original file
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)  # 0..100, mean word confidence
    method: Mapped[str] = mapped_column(String(16))  # ocr | text_layer
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # preprocessing, text-layer decision
    words: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[text, conf, x, y, w, h], ...]

    document: Mapped[Document] = relationship(back_populates="pages")


class Field(Base):
    __tablename__ = "field"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)  # normalised (NFC, ISO dates, digits only)
    confidence: Mapped[float] = mapped_column(Float)  # 0..1
    page: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="extracted")  # extracted | operator
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # validation notes

    document: Mapped[Document] = relationship(back_populates="fields")

    __table_args__ = (Index("ix_field_name_value", "name", "value"),)


class Event(Base):
    """What happened to which batch or document, when, by whom, by which program, and how it ended.

    Append-only and hash-chained (`pipeline.store.audit`; triggers of revision 0005
    refuse UPDATE and DELETE). Reads are events too (`search`, `show`, `export`...).
    """

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Its batch's; for a read, the office the command worked for (null: every office, or before revision 0004).
    office: Mapped[str | None] = mapped_column(String(32))
    # ondelete="SET NULL" is the declaration of revision 0001, kept: setting it would be an UPDATE, which the
    # append-only triggers refuse, so a batch that has events (every batch) cannot be deleted. Batches are
    # never deleted: the archive and this log are the canonical record.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id", ondelete="SET NULL"), index=True)
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)  # documents are replaced on reprocess
    action: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))  # ok | error | retry | info
    detail: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)  # pages processed, for throughput stats
    program: Mapped[str] = mapped_column(String(128))  # dossier version, host, pid, OS account
    # Who: the operator name configured ([ui] operator, DOSSIER_OPERATOR) or the OS account running the
    # command or daemon. Null on events recorded before revision 0005.
    actor: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # the hash of the event before it (id order)
    hash: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of its canonical form (pipeline.store.audit)

    __table_args__ = (Index("ix_event_office_action_at", "office", "action", "at"),)


class OcrCacheEntry(Base):
    """OCR results keyed by page-image hash and engine settings: reprocessing skips OCR."""

    __tablename__ = "ocr_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    words: Mapped[list[Any]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- search (pipeline/search) ------------------------------------------------
# Derived from documents and fields by pipeline.search.index, in the transaction
# that files or corrects a document (the store calls the indexer it is given);
# rebuilt from them by `dossier init` whenever the index format changes
# (StoreMeta.search_index). The word index itself is backend-specific (a
# contentless FTS5 table and the words it was given on SQLite, the documents'
# words with a GIN index over their lexemes on PostgreSQL) and is created by
# migration 0004, not declared here.


class SearchField(Base):
    """A field value as search keys: `--field` filters, person-name ranking, fuzzy names."""

    __tablename__ = "search_field"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))  # pipeline.search.terms.field_key: folded
    person: Mapped[bool] = mapped_column(Boolean, default=False)  # full_name, spouse_name, ...
    exact: Mapped[str | None] = mapped_column(String(200))  # person names only: words with diacritics

    __table_args__ = (
        Index("ix_search_field_key", "key", "document_id"),
        Index("ix_search_field_exact", "exact", "document_id"),
    )


class SearchTerm(Base):
    """A folded word seen in a person's name: what the fuzzy fallback compares typed words with."""

    __tablename__ = "search_term"

    term: Mapped[str] = mapped_column(String(60), primary_key=True)


class StoreMeta(Base):
    """Facts about the store itself, such as the format of the derived search index it holds."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SupersededDocument(Base):
    """A document that reprocessing its batch did not find again, and the one that holds its pages now.

    Documents found again (same source file, same pages) keep their id; only those whose pages
    were split differently end here, so that an id written on paper still leads somewhere.
    """

    __tablename__ = "superseded_document"

    document_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(Integer, index=True)
    office: Mapped[str] = mapped_column(String(32))
    successor_id: Mapped[int | None] = mapped_column(Integer)  # the document holding its first page now
    pages: Mapped[str] = mapped_column(Text)  # where it came from, for humans: "scan.pdf p. 2-3"
    superseded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkerStatus(Base):
    """What one running daemon or worker process is doing (`dossier status`); its heartbeat.

    In the store, not in a file of the data folder: the daemons of a citywide store run on
    other machines than the admin who asks. A row whose `seen_at` is old is a process that died.
    """

    __tablename__ = "worker_status"

    owner: Mapped[str] = mapped_column(String(128), primary_key=True)  # host/pid, as claims name it
    role: Mapped[str] = mapped_column(String(16))  # daemon | worker
    office: Mapped[str] = mapped_column(String(32))
    host: Mapped[str] = mapped_column(String(128))
    pid: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    batch_id: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(16))
    page: Mapped[int | None] = mapped_column(Integer)  # the page being read, 1-based over the batch
    pages: Mapped[int | None] = mapped_column(Integer)  # pages of the batch (None: not counted yet)
