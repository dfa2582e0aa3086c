"""Search: one behaviour over the SQLite and PostgreSQL word indexes.

Ranking is a ladder of tiers, the same on both backends (so both return the
same documents in the same order); within a tier the newest filed document
comes first:

1. a person-name field equals the typed name, diacritics as typed
2. the words in sequence, diacritics as typed
3. a person-name field equals the typed name, accents ignored
4. the words in sequence, accents ignored
   (fuzzy: a person name within two OCR errors of the typed one, then one a syllable short; as a
   last resort, one a syllable short and damaged, then one with a syllable damaged past two errors)
5. all the words anywhere, diacritics as typed
6. all the words anywhere, accents ignored

Exact-diacritic tiers exist only when the query has diacritics ("Hà" ranks Hà
above Hạ and Ha; "ha" finds all three alike). Words of letters only (a name,
"giay khai sinh") find tiers 5-6 only when no document is in tiers 1-4: their
words apart are noise ("Nguyễn Hữu Tài ... văn bản ... an toàn" for "nguyen
van an"). When tiers 1-4 hold fewer than `fuzzy_below` documents, the fuzzy
fallback (fuzzy.py) adds documents whose person name is within two OCR errors
of the typed words, then those whose name is the typed one a syllable short
("TRẦN TÚ" for "tran tu huong"), and the results say so. When neither tiers
1-4 nor these find anything, the last resorts: a name a syllable short with
what is left damaged ("VQ THỊ" for "vo thi hy"), then the typed name with a
syllable turned to noise ("VÕ DLIYX HOÀNG ĐOÀN" for "vo duy hoang doan"). Words
with digits or a prefix ("079203001234", "0792*") find every document holding
all of them.

`total` counts the documents of the tiers shown, up to COUNT_LIMIT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from pipeline.search import fuzzy
from pipeline.search.index import field_values, page_texts, text_index
from pipeline.search.match import (
    COUNT_LIMIT,
    TextMatch,
    count_up_to,
    district_word,
    issued_words,
    type_word,
)
from pipeline.search.snippets import Snippet, make_snippet
from pipeline.search.sqlite import DrivingJoin
from pipeline.search.terms import QueryWord, field_key, name_key, query_words
from pipeline.store.models import Batch, Document, SearchField, SearchTerm
from pipeline.store.repository import Store

# Lookups of fuzzy candidate names go to the database in chunks this size (SQLite allows 32766 values).
LOOKUP_CHUNK = 2500
# The fuzzy fallback shows at most this many documents: it is for rare names, not common ones.
MAX_FUZZY_DOCUMENTS = 200


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    doc_type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    district: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    by_filing_date: bool = False  # since/until compare the filing date, not the issue date
    time_zone: str = ""  # of the office, whose days --filed compares ("": this computer's)
    limit: int = 20
    offset: int = 0
    fuzzy_below: int = 3  # run the fuzzy fallback when exact matching finds fewer; 0: never


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    batch_id: int
    source: str
    doc_type: str
    doc_type_confidence: float
    fields: dict[str, str]
    pages: int
    snippet: str
    score: float
    highlights: tuple[tuple[int, int], ...] = ()  # spans of matched words in `snippet`
    office: str = ""  # the office that filed it

    def as_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id, "batch_id": self.batch_id, "source": self.source,
            "doc_type": self.doc_type, "doc_type_confidence": self.doc_type_confidence,
            "fields": self.fields, "pages": self.pages, "snippet": self.snippet, "score": self.score,
            "office": self.office,
        }


@dataclass(frozen=True)
class SearchResults:
    total: int  # documents matching, counted up to COUNT_LIMIT (see `total_capped`)
    hits: list[SearchHit]
    fuzzy: bool = False  # the fallback for OCR-damaged names added documents
    total_capped: bool = False  # there are more than `total` documents


@dataclass(frozen=True)
class _Tier:
    kind: str  # name | sequence | words
    exact: bool
    score: float


# The ladder above, best first. Scores only order the tiers.
_LADDER = (
    _Tier("name", True, 1.0), _Tier("sequence", True, 0.9), _Tier("name", False, 0.8),
    _Tier("sequence", False, 0.7), _Tier("words", True, 0.4), _Tier("words", False, 0.3),
)
# Fuzzy name matches rank after the typed name in sequence, before scattered words; by OCR errors,
# then names a syllable short; the last resorts after them (a syllable short and damaged, a syllable damaged).
_FUZZY = {1: _Tier("fuzzy", False, 0.6), 2: _Tier("fuzzy", False, 0.5)}
_SHORT = _Tier("fuzzy", False, 0.45)
_SHORT_DAMAGED = _Tier("fuzzy", False, 0.44)
_DAMAGED_SYLLABLE = _Tier("fuzzy", False, 0.42)
_LISTED = _Tier("filters", False, 0.0)  # no words typed: every document meeting the filters


class _Reach(Enum):
    """How far the fuzzy names reach, by how many documents the exact tiers found."""

    DAMAGED = "damaged"  # many: only damaged copies of the typed words ("nguyen van anh" is someone else)
    NEAR = "near"  # a few: any name within two errors, or a syllable short
    LAST_RESORT = "last resort"  # none: the near names, and failing them the last resorts


def search(store: Store, query: SearchQuery) -> SearchResults:
    words = query_words(query.text)
    if query.text.strip() and not words:
        return SearchResults(total=0, hits=[])  # only punctuation or operators: nothing to look for
    with store.session() as session:
        return _Search(session.connection(), query, tuple(words)).run()


class _Search:
    def __init__(self, connection: Connection, query: SearchQuery, words: tuple[QueryWord, ...]) -> None:
        self.connection = connection
        self.query = query
        self.words = words
        self.index = text_index(connection.dialect.name)
        self.index.begin(connection)
        self.filters = _filters(query, self._issue_dates() if query.since or query.until else None)
        self.counts: dict[TextMatch, int] = {}
        self.fuzzy_words: set[str] = set()  # near-miss words the fuzzy fallback matched, to highlight

    def run(self) -> SearchResults:
        query = self.query
        need = query.offset + query.limit
        if self.words:
            ranked, total, fuzzy_found = self._ranked(need)
        else:
            statement = self._restricted(select(Document.id.label("id")).where(*self.filters.on_documents),
                                         Document.id)
            ranked = dict.fromkeys(self._newest(statement, need), _LISTED)
            total, fuzzy_found = count_up_to(self.connection, statement), False
        page = list(ranked.items())[query.offset:need]
        return SearchResults(total=min(total, COUNT_LIMIT), hits=self._hits(page), fuzzy=fuzzy_found,
                             total_capped=total > COUNT_LIMIT)

    def _issue_dates(self) -> tuple[dt.date, dt.date] | None:
        """The first and last issue dates in the store, or None.

        Two statements: SQLite looks min() and max() up in the index only one per statement.
        """
        first = self.connection.scalar(select(func.min(Document.issue_date)))
        last = self.connection.scalar(select(func.max(Document.issue_date)))
        return (first, last) if first else None

    # --- the ladder ---------------------------------------------------------------------

    def _ranked(self, need: int) -> tuple[dict[int, _Tier], int, bool]:
        """The first `need` documents down the ladder (id → tier), how many match, whether fuzzy added some.

        For a name (or any words of letters), documents holding the words only apart
        are shown and counted only when no document names it or holds it in sequence:
        "nguyen van an" apart is "Nguyễn Hữu Tài ... văn bản ... an toàn", noise.
        """
        ranked: dict[int, _Tier] = {}
        tiers = self._tiers()
        every_word = TextMatch(self.words, exact=False, sequence=False)
        if not self._looks_like_name():
            self._climb(tiers, ranked, need)
            return ranked, self._count(every_word), False
        strong_need = max(need, self.query.fuzzy_below)
        self._climb([t for t in tiers if t.kind != "words"], ranked, strong_need)
        strong = len(ranked) if len(ranked) < strong_need else self._count_strong()
        fuzzy_ids: list[int] = []
        if self.query.fuzzy_below and strong <= COUNT_LIMIT:
            # Few documents: any name within two errors. More: only damaged copies of the typed
            # words (fuzzy.is_damaged), after every exact one; "nguyen van anh" is someone else.
            # Past COUNT_LIMIT they could only show beyond the count an operator is given.
            near = self._fuzzy(_Reach.DAMAGED if strong >= self.query.fuzzy_below
                               else _Reach.NEAR if strong else _Reach.LAST_RESORT)
            if near and len(ranked) < strong:  # every strong document first, so none is counted twice
                self._climb([t for t in tiers if t.kind != "words"], ranked, strong)
            for document_id, tier in near:
                if document_id not in ranked:
                    ranked[document_id] = tier
                    fuzzy_ids.append(document_id)
        if strong:
            return ranked, strong + len(fuzzy_ids), bool(fuzzy_ids)
        self._climb([t for t in tiers if t.kind == "words"], ranked, need)
        total = self._count(every_word)
        if fuzzy_ids:  # fuzzy matches are counted unless they hold every typed word anyway
            inside = self.connection.scalars(self._words_statement(every_word).where(
                self.index.document_id.in_(fuzzy_ids))).all()
            total += len(fuzzy_ids) - len(inside)
        return ranked, total, bool(fuzzy_ids)

    def _count_strong(self) -> int:
        """Documents naming the typed name or holding it in sequence, up to COUNT_LIMIT + 1.

        The exact-diacritic tiers are inside these two; the union is taken of at
        most COUNT_LIMIT + 1 ids from each.
        """
        cap = COUNT_LIMIT + 1
        named = set(self.connection.scalars(self._name_statement(exact=False).distinct().limit(cap)))
        if len(named) == cap:
            return cap  # a common name: no need to read its sequences too
        in_sequence = self.index.ids_up_to(
            self.connection, self._words_statement(TextMatch(self.words, exact=False, sequence=True)), cap)
        return len(named.union(in_sequence))

    def _climb(self, tiers: list[_Tier], ranked: dict[int, _Tier], need: int) -> None:
        """Add documents tier by tier until `need` are ranked.

        Fetching `need` ids of a tier always suffices: at most len(ranked) of them are
        already ranked, and any shortfall means the tier is exhausted.
        """
        for tier in tiers:
            if len(ranked) >= need:
                return
            for document_id in self._tier_ids(tier, need):
                ranked.setdefault(document_id, tier)

    def _tiers(self) -> list[_Tier]:
        has_marks = any(w.exact != w.folded for w in self.words)
        tiers = []
        for tier in _LADDER:
            if tier.exact and not has_marks:
                continue
            if tier.kind == "name" and not self._looks_like_name():
                continue
            if tier.kind == "sequence" and len(self.words) < 2:
                continue
            tiers.append(tier)
        return tiers

    def _looks_like_name(self) -> bool:
        """Two or more words of letters, none a prefix: what a person's name looks like."""
        return len(self.words) > 1 and all(not w.prefix and w.folded.isalpha() for w in self.words)

    def _tier_ids(self, tier: _Tier, limit: int) -> list[int]:
        if tier.kind == "name":
            return self._newest(self._name_statement(exact=tier.exact).distinct(), limit)
        match = TextMatch(self.words, exact=tier.exact, sequence=tier.kind == "sequence")
        return self.index.newest(self.connection, self._words_statement(match), limit, lambda: self._count(match))

    def _name_statement(self, *, exact: bool) -> Select:
        """Documents with a person-name field equal to the typed words."""
        exact_key, folded_key = name_key(" ".join(w.exact for w in self.words))
        condition = SearchField.exact == exact_key if exact else SearchField.key == folded_key
        return self._person_names(condition, SearchField.document_id)

    def _count(self, match: TextMatch) -> int:
        """Documents matching, up to COUNT_LIMIT + 1 (counted once per search)."""
        if match not in self.counts:
            self.counts[match] = self.index.count(self.connection, self._words_statement(match))
        return self.counts[match]

    def _person_names(self, condition: ColumnElement[bool], *columns) -> Select:
        """Rows of person-name fields meeting `condition` (and the query's filters)."""
        source = SearchField.__table__
        if self.filters.on_documents:
            source = DrivingJoin(source, Document.__table__, Document.id == SearchField.document_id)
        statement = select(*columns).select_from(source).where(
            SearchField.person.is_(True), condition, *self.filters.on_documents)
        return self._restricted(statement, SearchField.document_id)

    def _words_statement(self, match: TextMatch) -> Select:
        """Documents matching the words, the filters intersected inside the word index where they can be."""
        match = replace(match, meta=self.filters.as_words)
        return self._restricted(self.index.select_ids(match, self.filters.beyond_words), self.index.document_id)

    def _restricted(self, statement: Select, document_id) -> Select:
        """`statement` limited to documents whose fields hold the --field values."""
        for name, key in self.filters.fields:
            statement = statement.where(document_id.in_(
                select(SearchField.document_id).where(SearchField.name == name, SearchField.key == key)))
        return statement

    def _newest(self, statement: Select, limit: int) -> list[int]:
        """Newest first: document ids grow with filing time."""
        column = statement.selected_columns[0]
        return list(self.connection.scalars(statement.order_by(column.desc()).limit(limit)))

    # --- fuzzy fallback -------------------------------------------------------------

    def _fuzzy(self, reach: _Reach) -> list[tuple[int, _Tier]]:
        """Documents whose person name is within fuzzy.MAX_ERRORS edits of the typed one, closest first
        (`_Reach.DAMAGED`: only through words no syllable is spelled like, see fuzzy.py), then, reaching
        further, those whose name is the typed one a syllable short; at `_Reach.LAST_RESORT`, when none
        of these answer the typed name, names a syllable short with what is left damaged, then names
        with one syllable damaged past the errors."""
        typed = [w.folded for w in self.words]
        if len(typed) > fuzzy.MAX_WORDS:
            return []  # no name is that long; the vocabulary is not even read
        shortest, longest = min(map(len, typed)), max(map(len, typed))
        vocabulary = self.connection.scalars(select(SearchTerm.term).where(
            func.length(SearchTerm.term).between(shortest - fuzzy.MAX_ERRORS, longest + fuzzy.MAX_ERRORS))).all()
        candidates = fuzzy.candidate_names(typed, vocabulary, damaged_only=reach is _Reach.DAMAGED)
        by_tier = [(_FUZZY[errors], [name for name, e in candidates if e == errors])
                   for errors in range(1, fuzzy.MAX_ERRORS + 1)]
        if reach is not _Reach.DAMAGED:
            by_tier.append((_SHORT, fuzzy.a_syllable_short(typed)))
        found = self._named_by_tier(by_tier, typed)
        if not found and reach is _Reach.LAST_RESORT:
            # Built only now: each reads the vocabulary again (on the search benchmark's store, run for
            # every query with few results they cost a name query's p95 6 ms more); a name any other
            # way answers needs no noise looked through.
            last = [(_SHORT_DAMAGED, fuzzy.a_syllable_short_and_damaged(typed, vocabulary))]
            last += [(_DAMAGED_SYLLABLE, names) for names in fuzzy.a_syllable_damaged(typed, vocabulary)]
            found = self._named_by_tier(last, typed)
        return list(found.items())[:MAX_FUZZY_DOCUMENTS]

    def _named_by_tier(self, by_tier: list[tuple[_Tier, list[str]]], typed: list[str]) -> dict[int, _Tier]:
        """Documents with a person name among each tier's folded names, in tier order, up to
        MAX_FUZZY_DOCUMENTS."""
        found: dict[int, _Tier] = {}
        for tier, names in by_tier:
            for document_id in self._named(names, typed):
                found.setdefault(document_id, tier)
            if len(found) >= MAX_FUZZY_DOCUMENTS:
                break
        return found

    def _named(self, names: list[str], typed: list[str]) -> list[int]:
        """Documents with a person name among the folded `names`, newest first (at most
        MAX_FUZZY_DOCUMENTS a chunk); their words the typed ones lack are highlighted."""
        ids: set[int] = set()
        for start in range(0, len(names), LOOKUP_CHUNK):
            statement = self._person_names(SearchField.key.in_(names[start:start + LOOKUP_CHUNK]),
                                           SearchField.document_id, SearchField.key)
            # `+ 0`: not the document_id index, which PostgreSQL would walk backwards
            # through every row looking for these names (measured 0.3-0.9 s).
            for document_id, key in self.connection.execute(
                    statement.order_by((SearchField.document_id + 0).desc()).limit(MAX_FUZZY_DOCUMENTS)):
                ids.add(document_id)
                self.fuzzy_words.update(set(key.split()) - set(typed))
        return sorted(ids, reverse=True)

    # --- results ------------------------------------------------------------------------

    def _hits(self, page: Sequence[tuple[int, _Tier]]) -> list[SearchHit]:
        if not page:
            return []
        ids = [document_id for document_id, _ in page]
        documents = {row.id: row for row in self.connection.execute(
            select(Document.id, Document.batch_id, Document.doc_type, Document.doc_type_confidence, Batch.source,
                   Document.office).join(Batch, Batch.id == Document.batch_id).where(Document.id.in_(ids)))}
        fields = {i: dict(pairs) for i, pairs in field_values(self.connection, ids).items()}
        texts = page_texts(self.connection, ids)
        hits = []
        for document_id, tier in page:
            row = documents[document_id]
            snippet = self._snippet(texts[document_id], tier)
            hits.append(SearchHit(document_id, row.batch_id, row.source, row.doc_type, row.doc_type_confidence,
                                  fields[document_id], len(texts[document_id]), snippet.text, tier.score,
                                  snippet.spans, row.office))
        return hits

    def _snippet(self, page_texts: list[str], tier: _Tier) -> Snippet:
        whole = {w.folded for w in self.words if not w.prefix} | self.fuzzy_words
        # Only documents from the name and sequence tiers hold the words in sequence: for
        # the others, looking for it would read every page to the end.
        sequence = [w.folded for w in self.words] if tier.kind in ("name", "sequence") else []
        # Words typed with diacritics mark that spelling (snippets.py); fuzzy near-misses any.
        marked = {w.folded: w.exact for w in self.words if not w.prefix and w.exact != w.folded}
        return make_snippet(page_texts, whole, prefixes={w.folded for w in self.words if w.prefix},
                            sequence=sequence, marked=marked)


@dataclass(frozen=True)
class _Filters:
    """The filters of a query, in the forms the paths through the store need."""

    on_documents: tuple[ColumnElement[bool], ...]  # all but --field, as conditions on `document`
    as_words: tuple[tuple[str, ...], ...]  # the same as word-index words (match.meta_words)
    beyond_words: tuple[ColumnElement[bool], ...]  # what those words cannot say: days in a month, filing dates
    fields: tuple[tuple[str, str], ...]  # --field NAME=VALUE as (name, terms.field_key)


def _filters(query: SearchQuery, issued: tuple[dt.date, dt.date] | None) -> _Filters:
    """`issued`: the first and last issue dates in the store, which bound the month words of a range."""
    on_documents, as_words, beyond_words = [], [], []
    if query.doc_type:
        on_documents.append(Document.doc_type == query.doc_type)
        as_words.append((type_word(query.doc_type),))
    if query.district:
        on_documents.append(Document.district == query.district)
        as_words.append((district_word(query.district),))
    since, until = query.since, query.until
    day_after = until + dt.timedelta(days=1) if until else None  # --until is inclusive
    column, lower, upper = Document.issue_date, since, day_after
    if query.by_filing_date:
        column = Document.filed_at
        lower, upper = (_local_midnight(day, query.time_zone) if day else None for day in (since, day_after))
    dates = ([column >= lower] if lower else []) + ([column < upper] if upper else [])
    on_documents += dates
    if query.by_filing_date:
        beyond_words += dates
    elif dates:
        first, last = issued or (dt.date.max, dt.date.min)  # no issue dates: nothing can match
        as_words.append(issued_words(max(since or first, first), min(until or last, last)))
        if (since and since.day != 1) or (day_after and day_after.day != 1):
            beyond_words += dates  # the month words take in whole months
    fields = tuple((name, field_key(value)) for name, value in query.fields.items())
    return _Filters(tuple(on_documents), tuple(as_words), tuple(beyond_words), fields)


def _local_midnight(day: dt.date, zone: str = "") -> dt.datetime:
    """Start of `day` in the office's time zone (or this computer's): an operator's "filed on" is a local date."""
    if zone:
        from zoneinfo import ZoneInfo

        return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(zone))
    return dt.datetime.combine(day, dt.time.min).astimezone()
