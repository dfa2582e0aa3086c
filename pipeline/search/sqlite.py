"""The word index on SQLite: an FTS5 table keyed by document id.

`search_fts` (created by migration 0002) has five columns of pre-tokenized
words: `exact` (diacritics kept), `folded` (pipeline.textnorm.fold), `pairs`
and `exact_pairs` (adjacent words joined by "_", which makes sequences of
common words cheap: see TextMatch.by_pairs) and `meta` (type, district and
issue month as words, which makes filters cheap: see match.meta_words). FTS5's own `remove_diacritics` is off:
it does not fold đ, so folding happens in Python, the one place for it. A
trigger on `document` deletes a document's row, so documents replaced on
reprocess leave nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection, Select, bindparam, column, delete, literal_column, select, table
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Join

from pipeline.search.match import IndexEntry, TextMatch, count_up_to
from pipeline.store.models import Document

COLUMNS = ("exact", "folded", "pairs", "exact_pairs", "meta")
search_fts = table("search_fts", *(column(name) for name in ("rowid", *COLUMNS)))


class DrivingJoin(Join):
    """A join whose left table is the outer loop: SQLite's CROSS JOIN, a plain JOIN elsewhere.

    Without it SQLite may walk a filter's index (every birth certificate) and run
    the FTS match once per row, which is a thousand times slower.
    """

    inherit_cache = True


@compiles(DrivingJoin, "sqlite")
def _cross_join(join: DrivingJoin, compiler, asfrom: bool = False, **kw) -> str:
    return (f"{compiler.process(join.left, asfrom=True, **kw)} CROSS JOIN "
            f"{compiler.process(join.right, asfrom=True, **kw)} ON {compiler.process(join.onclause, **kw)}")


def _quoted(word: str) -> str:
    return f'"{word}"'  # words are letters and digits (terms.py): no quote to escape


class SqliteTextIndex:
    document_id = search_fts.c.rowid
    insert = staticmethod(insert)

    @staticmethod
    def begin(connection: Connection) -> None:
        """Nothing to set up: SQLite plans each statement as it comes."""

    @staticmethod
    def matches(match: TextMatch) -> ColumnElement[bool]:
        """`search_fts MATCH 'folded : ("w1" AND "w2")'`: every word quoted, so never syntax."""
        if match.by_pairs:
            column = "exact_pairs" if match.exact else "pairs"
            expression = f"{column} : ({' + '.join(map(_quoted, match.pairs()))})"
        else:
            words = [_quoted(word) + ("*" if prefix else "") for word, prefix in match.terms()]
            expression = f"{match.column} : ({(' + ' if match.sequence else ' AND ').join(words)})"
        for group in match.meta:
            expression = f"meta : ({' OR '.join(map(_quoted, group))}) AND {expression}"
        return literal_column("search_fts").op("MATCH")(bindparam(None, expression, unique=True))

    @classmethod
    def select_ids(cls, match: TextMatch, document_conditions: Sequence[ColumnElement[bool]]) -> Select:
        """Ids matching, and meeting conditions on `document` that the index words cannot express."""
        source = search_fts
        if document_conditions:
            source = DrivingJoin(search_fts, Document.__table__, Document.id == search_fts.c.rowid)
        return select(search_fts.c.rowid.label("id")).select_from(source).where(
            cls.matches(match), *document_conditions)

    @staticmethod
    def newest(connection: Connection, statement: Select, limit: int, count: Callable[[], int]) -> list[int]:
        """FTS5 walks its document ids backwards and stops at `limit`, dense match or sparse: no count needed."""
        column = statement.selected_columns[0]
        return list(connection.scalars(statement.order_by(column.desc()).limit(limit)))

    @staticmethod
    def count(connection: Connection, statement: Select) -> int:
        return count_up_to(connection, statement)

    @staticmethod
    def ids_up_to(connection: Connection, statement: Select, limit: int) -> list[int]:
        return list(connection.scalars(statement.limit(limit)))

    @staticmethod
    def write(connection: Connection, entries: Sequence[IndexEntry]) -> None:
        connection.execute(delete(search_fts).where(search_fts.c.rowid.in_([e.document_id for e in entries])))
        connection.execute(search_fts.insert(), [
            {"rowid": e.document_id, **{name: " ".join(getattr(e, name)) for name in COLUMNS}} for e in entries
        ])
