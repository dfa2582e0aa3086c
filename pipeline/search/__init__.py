"""Search over filed documents: one behaviour, whatever the backend.

terms.py      words as index and query see them (NFC, case-folded, accent-folded)
index.py      keeping the index in step with documents (called when filing)
sqlite.py     the word index on SQLite (FTS5)
postgres.py   the word index on PostgreSQL (tsvector + GIN)
match.py      plain data the two word indexes are given
query.py      ranking and filters, the same over both backends
fuzzy.py      the fallback for names with OCR errors
snippets.py   the text shown with each result, with the matched words marked
"""

from pipeline.search.query import SearchHit, SearchQuery, SearchResults, search

__all__ = ["SearchHit", "SearchQuery", "SearchResults", "search"]
