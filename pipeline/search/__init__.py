"""Search over filed documents: one behaviour, whatever the backend."""

from pipeline.search.query import SearchHit, SearchQuery, SearchResults, search

__all__ = ["SearchHit", "SearchQuery", "SearchResults", "search"]
