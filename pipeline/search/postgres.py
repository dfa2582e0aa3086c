"""The word index on PostgreSQL: each document's words as text, and a GIN index over their lexemes.

`search_document` (migration 0004) keeps a document's folded words, exact
words and filter words as space-separated text (`match.stored`). The GIN index
is over `dossier_search_lexemes(folded, exact, meta)`, an SQL function of
migration 0004 that derives the lexemes from them: folded words ("nguyen"),
exact words marked "=" ("=nguyễn"), adjacent folded pairs ("nguyen_van": a
sequence of common words is found by its rare pairs, TextMatch.by_pairs), and
filters marked "#" (match.meta_words). One GIN scan answers a query's words
and filters together; the lexemes are not stored anywhere else, and the words
are plain text that PostgreSQL compresses: a third of the space a tsvector
with positions per document took.

The lexemes hold no positions. A sequence is found by its pairs (and exact
words) in the index, then checked against the document's words themselves:
" nguyen van an " in the folded text. Every match is also written as such
checks of the words alone (`WordMatch`): when PostgreSQL walks the newest
documents backwards (words most documents hold, see `newest`) it runs those,
20 µs a row, and never the lexeme function, 2.5 ms a row. The tsquery is built of quoted
lexemes and "&" / "|" only, and the text checks take the words as bound
parameters, so no query string is ever parsed as syntax. The words are built
by pipeline.search.terms, never by to_tsvector: PostgreSQL's parser would
split words by the server's locale, and both backends must see the same
words. Rows go with their document (ON DELETE CASCADE), and with them their
index entries. No extension is needed: an office's database user may not be
allowed to create one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import TSQUERY, insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal, replacement_traverse

from pipeline.search.match import COUNT_LIMIT, IndexEntry, TextMatch, count_up_to, stored
from pipeline.store.models import Document

EXACT = "="  # marks exact words: never part of a word (terms.py)
FILTER = "#"  # marks filter words, so that no typed prefix ("type*") reaches them
# Bitmaps of matching rows stay exact (not lossy, which would make PostgreSQL evaluate the
# lexeme function on every row of a lossy page) up to a few million rows.
SEARCH_WORK_MEM = "64MB"

search_document = Table(
    "search_document", MetaData(),
    Column("document_id", Integer, primary_key=True),
    Column("folded", Text),
    Column("exact", Text),
    Column("meta", Text),
)
_columns = search_document.c
LEXEMES = func.dossier_search_lexemes(_columns.folded, _columns.exact, _columns.meta)


class PostgresTextIndex:
    document_id = search_document.c.document_id
    insert = staticmethod(insert)

    @staticmethod
    def begin(connection: Connection) -> None:
        """Plan every search for its own words, and keep bitmaps exact.

        psycopg prepares a statement it has run five times, and PostgreSQL may then
        reuse a generic plan made without the words: measured, an ID number search
        went from 2 ms to a second, walking the whole table backwards.
        """
        connection.exec_driver_sql(f"SET LOCAL plan_cache_mode = force_custom_plan; "
                                   f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'")

    @staticmethod
    def matches(match: TextMatch) -> ColumnElement[bool]:
        """The match in its two forms: through the GIN index (`WordMatch.indexed`), or row by row."""
        marker = EXACT if match.exact else ""
        lexemes = [f"'{p}'" for p in match.pairs()] if match.by_pairs else []
        if not match.by_pairs or match.exact:
            lexemes += [f"'{marker}{word}'" + (":*" if prefix else "") for word, prefix in match.terms()]
        parts = ["(" + " & ".join(lexemes) + ")"]
        parts += ["(" + " | ".join(f"'{FILTER}{w}'" for w in group) + ")" for group in match.meta]
        indexed = LEXEMES.op("@@")(cast(bindparam(None, " & ".join(parts), unique=True), TSQUERY))
        words, sequence = _in_words(match)
        return WordMatch(indexed, words, sequence)

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
            walk = replacement_traverse(statement, {}, lambda e: e.row_by_row() if isinstance(e, WordMatch) else None)
            return list(connection.scalars(walk.order_by(column.desc()).limit(limit)))
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
        statement = statement.on_conflict_do_update(
            index_elements=[search_document.c.document_id],
            set_={name: statement.excluded[name] for name in ("folded", "exact", "meta")})
        connection.execute(statement, [
            {"document_id": e.document_id, "folded": stored(e.folded), "exact": stored(e.exact),
             "meta": stored(e.meta)} for e in entries])

    @staticmethod
    def clear(connection: Connection) -> None:
        """Empty the word index (before a rebuild)."""
        connection.execute(search_document.delete())


class WordMatch(ColumnElement[bool]):
    """A word match in the two forms PostgreSQL runs it in.

    Through the index (what it compiles to): the lexemes in the GIN index, and for a
    sequence the check of the words in order, on the rows the index found. Row by row
    (`row_by_row`, for walking the newest documents backwards): the words checked in
    each row's text, never the lexeme function, which costs a row about 2.5 ms where
    reading its words costs 20 µs. Each form holds only what it needs: checking every
    word of every row the index found cost 40 times the index itself.
    """

    inherit_cache = True
    type = Boolean()
    _traverse_internals = [("indexed", InternalTraversal.dp_clauseelement),
                           ("words", InternalTraversal.dp_clauseelement),
                           ("sequence", InternalTraversal.dp_clauseelement)]

    def __init__(self, indexed: ColumnElement[bool], words: ColumnElement[bool],
                 sequence: ColumnElement[bool] | None) -> None:
        self.indexed, self.words = indexed, words
        self.sequence = sequence if sequence is not None else true()

    def row_by_row(self) -> ColumnElement[bool]:
        return self.words


@compiles(WordMatch)
def _through_the_index(match: WordMatch, compiler, **kw) -> str:
    return compiler.process(and_(match.indexed, match.sequence), **kw)


def _in_words(match: TextMatch) -> tuple[ColumnElement[bool], ColumnElement[bool] | None]:
    """The match as conditions on the stored words (" w " for a word, " a b c " for a sequence), and the
    sequence check alone (None: no sequence). A pair is present exactly when its two words are next to
    each other, so these say what the lexemes say; a sequence is decided only here."""
    words = _columns.exact if match.exact else _columns.folded
    terms = match.terms()
    sequence = None
    if match.sequence and len(terms) > 1:
        if any(prefix for _, prefix in terms):  # "nguyen van a*": a pattern (words are letters and digits)
            pattern = " " + " ".join(w + ("[^ ]*" if prefix else "") for w, prefix in terms) + " "
            sequence = words.op("~")(bindparam(None, pattern, unique=True))
        else:
            sequence = _holds(words, stored([w for w, _ in terms]))
        conditions = [sequence]
    else:
        conditions = [_holds(words, f" {w}" if prefix else f" {w} ") for w, prefix in terms]
    for group in match.meta:  # meta comes first: a short text, in the row itself
        conditions.insert(0, or_(*(_holds(_columns.meta, f" {w} ") for w in group)))
    return and_(*conditions), sequence


def _holds(column, piece: str) -> ColumnElement[bool]:
    return func.strpos(column, bindparam(None, piece, unique=True)) > 0


@contextmanager
def _through_indexes_only(connection: Connection) -> Iterator[None]:
    """Bitmap scans of the indexes, nothing else, for this statement.

    Left to itself the planner may scan the table (or its primary key) rather than
    the GIN index, measured 400 ms against 15 ms for three common words and a --type
    filter.
    """
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    try:
        yield
    finally:
        connection.exec_driver_sql("RESET enable_seqscan; RESET enable_indexscan")

