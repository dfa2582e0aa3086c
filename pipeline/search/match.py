"""What the backends are given: rows to index, and word matches to run.

Plain data, shared by the two word indexes (sqlite.py, postgres.py) and by the
code that writes (index.py) and queries (query.py) them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Select, func, select

from pipeline.search.terms import QueryWord, folded, words

# Counting stops here: past it, "more than 1000" is all an operator needs to narrow a search,
# and a count that must walk every match of common words would cost more than the search.
COUNT_LIMIT = 1000


# No document has this word: a date range that holds no issue date matches nothing.
NO_ISSUE_DATE = "issued__none"


# Stands between a document's pages and field values, so that no sequence runs across them
# (the last word of a page and the first of the next are not a phrase). Matches no typed word.
BOUNDARY = "_"


def pair(first: str, second: str) -> str:
    """Two adjacent words as one index word: what makes a sequence cheap to find."""
    return BOUNDARY if BOUNDARY in (first, second) else f"{first}_{second}"


def meta_words(doc_type: str, district: str, issue_date: dt.date | None) -> list[str]:
    """The filters a document meets, as index words: a filter is then one more word to intersect.

    Starting from the words' matches and checking each document's type or date would
    walk every match of common words; intersecting in the index does not. The "__"
    keeps them apart from words and pairs ("district__q1" is no pair "district q1").
    """
    found = [type_word(doc_type), district_word(district)]
    if issue_date is not None:
        found += [f"issued__{issue_date:%Y}", f"issued__{issue_date:%Y%m}"]
    return found


def type_word(doc_type: str) -> str:
    return f"type__{_slug(doc_type)}"


def district_word(district: str) -> str:
    return f"district__{_slug(district)}"


def issued_words(first: dt.date, last: dt.date) -> tuple[str, ...]:
    """Index words covering the issue months from `first` to `last`: whole years as years."""
    found = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        if month == 1 and (year, 12) <= (last.year, last.month):
            found.append(f"issued__{year}")
            year += 1
            continue
        found.append(f"issued__{year}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(found) or (NO_ISSUE_DATE,)


def _slug(value: str) -> str:
    return "_".join(folded(words(value))) or "none"


@dataclass(frozen=True)
class FieldKeys:
    name: str
    key: str  # terms.field_key
    person: bool
    exact: str | None  # person names only: terms.name_key exact


def pairs_of(words: list[str]) -> list[str]:
    """Each word with the next, in order: the index words that sequences are found by."""
    return [pair(a, b) for a, b in zip(words, words[1:])]


def stored(words: list[str]) -> str:
    """Words as the index stores them: separated and enclosed by one space, so that a word or a
    sequence of words is found in them as " w " or " a b " (what PostgreSQL checks sequences with)."""
    return f" {' '.join(words)} "


@dataclass(frozen=True)
class IndexEntry:
    """Everything the index holds about one document."""

    document_id: int
    exact: list[str]  # words in order, diacritics kept
    folded: list[str]  # the same words folded
    fields: list[FieldKeys]
    meta: list[str]  # match.meta_words

    @property
    def pairs(self) -> list[str]:
        return pairs_of(self.folded)

    @property
    def name_terms(self) -> set[str]:
        return {word for f in self.fields if f.person for word in f.key.split()}


@dataclass(frozen=True)
class TextMatch:
    """Documents holding every word (in sequence when `sequence`), exactly as typed or folded."""

    words: tuple[QueryWord, ...]
    exact: bool
    sequence: bool
    meta: tuple[tuple[str, ...], ...] = ()  # filters as index words: each group holds one of its words

    @property
    def column(self) -> str:
        return "exact" if self.exact else "folded"

    def terms(self) -> list[tuple[str, bool]]:
        """(word, is prefix) in the form this match compares."""
        return [(w.exact if self.exact else w.folded, w.prefix) for w in self.words]

    @property
    def by_pairs(self) -> bool:
        """Whether this is a sequence of whole words, found as its adjacent pairs in sequence.

        "nguyen van an" is exactly the pairs "nguyen_van" then "van_an": rare index
        words, where the words themselves are among the commonest. Walking the
        documents that have all three and checking positions took 20-270 ms at a
        million pages; the pairs take about one.
        """
        return self.sequence and len(self.words) > 1 and not any(w.prefix for w in self.words)

    def pairs(self) -> list[str]:
        """The adjacent pairs of the typed words, folded: the index keeps its pairs folded only (an
        exact sequence is its folded pairs narrowed down by the exact words in sequence)."""
        return pairs_of([w.folded for w in self.words])


def count_up_to(connection: Connection, statement: Select, limit: int = COUNT_LIMIT) -> int:
    """How many rows `statement` returns, counting no further than limit + 1."""
    capped = statement.limit(limit + 1).subquery()
    return connection.scalar(select(func.count()).select_from(capped))
