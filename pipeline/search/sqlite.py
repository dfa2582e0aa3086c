"""The word index on SQLite: a contentless FTS5 table keyed by document id.

`search_fts` (created by migration 0004) has four columns of pre-tokenized
words: `exact` (diacritics kept), `folded` (pipeline.textnorm.fold), `pairs`
(adjacent folded words joined by "_", which makes sequences of common words
cheap: see TextMatch.by_pairs) and `meta` (type, office and issue month as
words, which makes filters cheap: see match.meta_words). FTS5's own
`remove_diacritics` is off: it does not fold đ, so folding happens in Python,
the one place for it.

The table is contentless: FTS5 keeps its postings but no copy of the words (a
copy was two thirds of the index). Deleting a row from such a table means
giving it back the words it was given, so `search_document` keeps each
document's exact words (zlib-compressed: less than half the size) and filter
words, and the columns are derived from them again by functions registered
on every connection of the application (`register_functions`). A trigger on
`document` uses them:
a document deleted anywhere (reprocessing refiles a batch's documents, a batch
deleted by hand) leaves nothing in the index, and a connection without the
functions cannot delete a document at all rather than leave its words behind.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

from sqlalchemy import Connection, Engine, Select, bindparam, column, event, literal_column, select, table, text
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Join

from pipeline.search.match import IndexEntry, TextMatch, count_up_to, pairs_of, stored
from pipeline.search.terms import folded
from pipeline.store.models import Document

search_fts = table("search_fts", column("rowid"))
search_document = table("search_document", column("document_id"), column("words"), column("meta"))

# The FTS5 rows of the documents whose stored words are selected, for inserting or deleting
# (migration 0004's trigger does the same): every column comes from the stored words through
# the registered functions, one way for both.
_FTS_ROWS = ("SELECT {command} document_id, dossier_search_exact(words), dossier_search_folded(words), "
             "dossier_search_pairs(words), meta FROM search_document WHERE document_id IN ({ids})")


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


def packed(exact: list[str]) -> bytes:
    """A document's exact words as search_document keeps them."""
    return zlib.compress(stored(exact).encode())


def exact_words(words: bytes) -> str:
    """The exact column of a document, from its stored words."""
    return zlib.decompress(words).decode()


def folded_words(words: bytes) -> str:
    """The folded column of a document, from its stored words."""
    return stored(folded(exact_words(words).split()))


def word_pairs(words: bytes) -> str:
    """The pairs column of a document, from its stored words."""
    return stored(pairs_of(folded(exact_words(words).split())))


def register_functions(engine: Engine) -> None:
    """Give every connection of `engine` the functions that derive a document's FTS5 columns."""
    @event.listens_for(engine, "connect")
    def _functions(dbapi_connection, _record) -> None:
        for name, derive in (("exact", exact_words), ("folded", folded_words), ("pairs", word_pairs)):
            dbapi_connection.create_function(f"dossier_search_{name}", 1, derive, deterministic=True)


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
            expression = f"pairs : ({' + '.join(map(_quoted, match.pairs()))})"
            if match.exact:  # the folded pairs narrow it down, the exact words in sequence decide
                expression += f" AND exact : ({' + '.join(_quoted(w) for w, _ in match.terms())})"
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
        """Replace the rows of these documents: the old words out of FTS5 (given back), the new ones in."""
        ids = ",".join(str(int(e.document_id)) for e in entries)
        connection.execute(text("INSERT INTO search_fts (search_fts, rowid, exact, folded, pairs, meta) "
                                + _FTS_ROWS.format(command="'delete',", ids=ids)))
        connection.execute(text(f"DELETE FROM search_document WHERE document_id IN ({ids})"))
        connection.execute(search_document.insert(), [
            {"document_id": e.document_id, "words": packed(e.exact), "meta": stored(e.meta)} for e in entries])
        connection.execute(text("INSERT INTO search_fts (rowid, exact, folded, pairs, meta) "
                                + _FTS_ROWS.format(command="", ids=ids)))

    @staticmethod
    def clear(connection: Connection) -> None:
        """Empty the word index (before a rebuild)."""
        connection.execute(text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
        connection.execute(text("DELETE FROM search_document"))
