"""Keeping the search index in step with the documents table.

The store calls `SearchIndexer.index` inside the transaction that files,
relabels or corrects a document, so the index never lags behind what is
filed. It writes three things: the document's words (the backend's word
index), its field keys (`search_field`) and the words of its person names
(`search_term`, the fuzzy vocabulary). Rows of deleted documents go with them
(a trigger on SQLite, which needs the functions `attach` registers; ON DELETE
CASCADE elsewhere); `search_term` only holds words, never a document, and is
allowed to remember words of deleted documents.

The index is derived data: `INDEX_VERSION` names its format, and `dossier init`
rebuilds a store whose index has another (`SearchIndexer.rebuild`). Change it
whenever a change here or in terms.py makes documents index differently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.orm import Session

from pipeline.catalog import Catalog
from pipeline.search.match import BOUNDARY, FieldKeys, IndexEntry, meta_words
from pipeline.search.postgres import PostgresTextIndex
from pipeline.search.sqlite import SqliteTextIndex, register_functions
from pipeline.search.terms import field_key, folded, name_key, words
from pipeline.store.models import Document, Field, Page, SearchField, SearchTerm

REBUILD_CHUNK = 500
INDEX_VERSION = "2"  # 2: contentless FTS5, and words as text with lexemes indexed on PostgreSQL


class SearchIndexer:
    """The indexer the store is given: writes a document's index rows in the store's transaction."""

    version = INDEX_VERSION

    def __init__(self, catalog: Catalog) -> None:
        # Person names (the catalog's fields of kind `name`) rank first and are matched fuzzily.
        self.person_fields = catalog.person_fields

    @staticmethod
    def attach(engine: Engine) -> None:
        """What the index needs on every connection of the store's engine (SQLite: the functions that
        derive a document's indexed words again, so that deleting a document deletes them)."""
        if engine.dialect.name == "sqlite":
            register_functions(engine)

    def index(self, session: Session, document: Document) -> None:
        """(Re)index one document from its pages, fields, type and dates as they are in this session."""
        write(session.connection(), [entry_for(
            document.id, [p.text for p in document.pages], [(f.name, f.value) for f in document.fields],
            doc_type=document.doc_type, district=document.district, issue_date=document.issue_date,
            person_fields=self.person_fields)])

    def rebuild(self, connection: Connection) -> int:
        """Index every filed document again; returns the count.

        Documents are read REBUILD_CHUNK at a time, in id order, so a large store is
        never held in memory. The word index is emptied first: its rows may have been
        written by another version, whose words this one could not give back to delete them.
        """
        text_index(connection.dialect.name).clear(connection)
        done, last = 0, 0
        while chunk := connection.execute(
                select(Document.id, Document.doc_type, Document.office, Document.issue_date)
                .where(Document.id > last).order_by(Document.id).limit(REBUILD_CHUNK)).all():
            ids = [row.id for row in chunk]
            texts, fields = page_texts(connection, ids), field_values(connection, ids)
            write(connection, [entry_for(row.id, texts[row.id], fields[row.id], doc_type=row.doc_type,
                                         district=row.office, issue_date=row.issue_date,
                                         person_fields=self.person_fields) for row in chunk])
            done, last = done + len(chunk), ids[-1]
        return done


def text_index(dialect: str) -> type[SqliteTextIndex] | type[PostgresTextIndex]:
    return SqliteTextIndex if dialect == "sqlite" else PostgresTextIndex


def entry_for(document_id: int, page_texts: Iterable[str], fields: Iterable[tuple[str, str]], *,
              doc_type: str, district: str, issue_date: dt.date | None,
              person_fields: Collection[str]) -> IndexEntry:
    """The index row of a document: words of its pages, then of its field values, and its filters.

    Field values are indexed as words too: a value an operator corrected may be
    written nowhere in the OCR text.
    """
    fields = list(fields)
    exact: list[str] = []
    for text in [*page_texts, *(value for _, value in fields)]:
        exact += [BOUNDARY, *words(text)] if exact else words(text)
    keys = []
    for name, value in fields:
        person = name in person_fields
        keys.append(FieldKeys(name, field_key(value), person, name_key(value)[0] if person else None))
    return IndexEntry(document_id, exact, folded(exact), keys, meta_words(doc_type, district, issue_date))


def write(connection: Connection, entries: Sequence[IndexEntry]) -> None:
    """Replace the index rows of these documents (and learn their name words)."""
    if not entries:
        return
    index = text_index(connection.dialect.name)
    index.write(connection, entries)
    connection.execute(delete(SearchField).where(SearchField.document_id.in_([e.document_id for e in entries])))
    rows = [{"document_id": e.document_id, "name": f.name, "key": f.key, "person": f.person, "exact": f.exact}
            for e in entries for f in e.fields]
    if rows:
        connection.execute(SearchField.__table__.insert(), rows)
    # Sorted: concurrent workers insert shared words in one order and cannot deadlock.
    terms = sorted(set().union(*(e.name_terms for e in entries)))
    if terms:
        connection.execute(index.insert(SearchTerm).on_conflict_do_nothing(), [{"term": t} for t in terms])


def page_texts(connection: Connection, document_ids: Sequence[int]) -> dict[int, list[str]]:
    """The page texts of each document, in page order."""
    texts: dict[int, list[str]] = {i: [] for i in document_ids}
    for document_id, text in connection.execute(
            select(Page.document_id, Page.text).where(Page.document_id.in_(document_ids))
            .order_by(Page.document_id, Page.number)):
        texts[document_id].append(text)
    return texts


def field_values(connection: Connection, document_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """The (name, value) fields of each document, in the order they were filed."""
    fields: dict[int, list[tuple[str, str]]] = {i: [] for i in document_ids}
    for document_id, name, value in connection.execute(
            select(Field.document_id, Field.name, Field.value).where(Field.document_id.in_(document_ids))
            .order_by(Field.id)):
        fields[document_id].append((name, value))
    return fields
