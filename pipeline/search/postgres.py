"""The word index on PostgreSQL: `search_document`, one tsvector per document, GIN-indexed.

The tsvector is built here from pipeline.search.terms words, not by
to_tsvector: PostgreSQL's parser would split words by the server's locale and
recognise file paths, e-mails and numbers of its own, and the two backends
must see the same words. It holds, apart by their spelling, what SQLite keeps
in five FTS5 columns: folded words ("nguyen"), exact words marked with "="
("=nguyễn"), adjacent pairs of both ("nguyen_van", "=nguyễn_văn": a sequence
of common words is found as its rare pairs, TextMatch.by_pairs), all with
positions, and filters as words marked with "#" (match.meta_words). One tsvector means one GIN scan per query: with
words and filters in separate indexes PostgreSQL built and intersected two
bitmaps of common words, ten times slower. Queries are tsquery literals of
quoted words, so no query string is ever parsed as syntax. Rows go with their
document (ON DELETE CASCADE). No extension is needed: an operator's database
user may not be allowed to create one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Column, Connection, Integer, MetaData, Select, Table, bindparam, cast, select
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR, insert
from sqlalchemy.sql.elements import ColumnElement

from pipeline.search.match import COUNT_LIMIT, IndexEntry, TextMatch, count_up_to
from pipeline.store.models import Document

# PostgreSQL keeps word positions up to this (later words still match, not as phrases)
# and at most this many positions per word.
MAX_POSITION = 16383
MAX_POSITIONS_PER_WORD = 255
EXACT = "="  # marks exact words and pairs: never part of a word (terms.py)
FILTER = "#"  # marks filter words, so that no typed prefix ("type*") reaches them

search_document = Table(
    "search_document", MetaData(),
    Column("document_id", Integer, primary_key=True),
    Column("words", TSVECTOR),
)


def tsvector_literal(positioned: Iterable[Sequence[str]], present: Iterable[str] = ()) -> str:
    """`'hà':1,7 'nội':2 'ha_noi'`: each word sequence with its positions, then words only present.

    As PostgreSQL's tsvector input reads it. Sequences are parallel (the exact and
    folded forms of the same words share positions).
    """
    positions: dict[str, list[int]] = {}
    for words in positioned:
        for number, word in enumerate(words, start=1):
            seen = positions.setdefault(word, [])
            if len(seen) < MAX_POSITIONS_PER_WORD:
                seen.append(min(number, MAX_POSITION))
    lexemes = [f"'{word}':{','.join(map(str, dict.fromkeys(at)))}" for word, at in positions.items()]
    return " ".join(lexemes + [f"'{word}'" for word in dict.fromkeys(present) if word not in positions])


class PostgresTextIndex:
    document_id = search_document.c.document_id
    insert = staticmethod(insert)

    @staticmethod
    def begin(connection: Connection) -> None:
        """Plan every search for its own words.

        psycopg prepares a statement it has run five times, and PostgreSQL may then
        reuse a generic plan made without the words: measured, an ID number search
        went from 2 ms to a second, walking the whole table backwards.
        """
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")

    @staticmethod
    def matches(match: TextMatch) -> ColumnElement[bool]:
        marker = EXACT if match.exact else ""
        if match.by_pairs:
            parts = ["(" + " <-> ".join(f"'{marker}{p}'" for p in match.pairs()) + ")"]
        else:
            words = [f"'{marker}{word}'" + (":*" if prefix else "") for word, prefix in match.terms()]
            parts = ["(" + (" <-> " if match.sequence else " & ").join(words) + ")"]
        parts += ["(" + " | ".join(f"'{FILTER}{w}'" for w in group) + ")" for group in match.meta]
        query = " & ".join(parts)
        return search_document.c.words.op("@@")(cast(bindparam(None, query, unique=True), TSQUERY))

    @classmethod
    def select_ids(cls, match: TextMatch, document_conditions: Sequence[ColumnElement[bool]]) -> Select:
        statement = select(search_document.c.document_id.label("id")).where(cls.matches(match))
        if document_conditions:
            statement = statement.join(Document, Document.id == search_document.c.document_id).where(
                *document_conditions)
        return statement

    @staticmethod
    def newest(connection: Connection, statement: Select, limit: int, count: Callable[[], int]) -> list[int]:
        """Newest first, by the plan that suits how many documents match.

        Many matches: walk the primary key backwards and stop at `limit`. Few: take
        them all from the GIN index and sort. PostgreSQL's estimate for a rare word
        is far too high, so left to itself it walks the whole table backwards for an
        ID number; a capped count tells the two cases apart for a few milliseconds.
        """
        column = statement.selected_columns[0]
        if count() > COUNT_LIMIT:
            return list(connection.scalars(statement.order_by(column.desc()).limit(limit)))
        with _through_indexes_only(connection):
            return list(connection.scalars(statement.order_by((column + 0).desc()).limit(limit)))  # `+ 0`: a sort

    @staticmethod
    def count(connection: Connection, statement: Select) -> int:
        with _through_indexes_only(connection):
            return count_up_to(connection, statement)

    @staticmethod
    def ids_up_to(connection: Connection, statement: Select, limit: int) -> list[int]:
        with _through_indexes_only(connection):
            return list(connection.scalars(statement.limit(limit)))

    @staticmethod
    def write(connection: Connection, entries: Sequence[IndexEntry]) -> None:
        statement = insert(search_document)
        statement = statement.on_conflict_do_update(index_elements=[search_document.c.document_id],
                                                    set_={"words": statement.excluded.words})
        connection.execute(statement, [
            {"document_id": e.document_id,
             "words": tsvector_literal([e.folded, _marked(EXACT, e.exact), e.pairs, _marked(EXACT, e.exact_pairs)],
                                       _marked(FILTER, e.meta))}
            for e in entries
        ])


def _marked(marker: str, words: Sequence[str]) -> list[str]:
    return [marker + word for word in words]


@contextmanager
def _through_indexes_only(connection: Connection) -> Iterator[None]:
    """Bitmap scans of the indexes, nothing else, for this statement.

    The planner does not know that testing a row's tsvector means reading it out
    of TOAST: it scans the table (or its primary key) rather than the GIN index,
    measured 400 ms against 15 ms for three common words and a --type filter.
    """
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    try:
        yield
    finally:
        connection.exec_driver_sql("RESET enable_seqscan; RESET enable_indexscan")
