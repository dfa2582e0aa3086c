"""Snippets: the piece of a document's text that shows why it matched.

A snippet is plain text plus the spans of the matched words; marking them (bold
on a terminal, [brackets] otherwise) is the renderer's job.

Highlights respect the marks the operator typed: a word typed with diacritics
("Hà") marks that spelling only (not "Hạ" or "Ha") in a document that holds it;
in a document that holds it only under another spelling (found because accents
are ignored) the other spellings are marked, since they are why it is listed.
A word typed without marks ("ha") marks every spelling.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from pipeline.search.terms import fold_word, word_spans
from pipeline.textnorm import nfc, squash_spaces, word_matches

SNIPPET_CHARS = 160
LEAD_CHARS = 40  # context kept before the first matched word
ELLIPSIS = "…"


@dataclass(frozen=True)
class Snippet:
    text: str
    spans: tuple[tuple[int, int], ...] = ()  # [start, end) of matched words in `text`


def make_snippet(page_texts: Sequence[str], words: Collection[str], *, prefixes: Collection[str] = (),
                 sequence: Sequence[str] = (), marked: Mapping[str, str] | None = None) -> Snippet:
    """Cut around the typed words in sequence if some page has them, else around the first one found.

    `words`, `prefixes` and `sequence` are folded words; matching ignores accents,
    except for `marked`: folded word → the spelling typed with diacritics (NFC,
    case-folded), which only that spelling matches in a document holding it.
    Pages are read only as far as needed: a name is usually in the first lines.
    """
    pages = [squash_spaces(nfc(text)) for text in page_texts]
    sequence = list(sequence) if len(sequence) > 1 else []
    accept = _Accept(words, prefixes, _held(pages, marked) if marked else {})
    fallback: tuple[str, int] | None = None
    for text in pages:
        first, run = _scan(text, accept, sequence, want_first=fallback is None)
        if run is not None:
            return _cut_around(text, run, accept)
        if fallback is None and first is not None:
            fallback = (text, first)
            if not sequence:
                break
    if fallback is None:
        return Snippet(_cut(pages[0] if pages else "", 0))
    return _cut_around(*fallback, accept)


def _held(pages: Sequence[str], marked: Mapping[str, str]) -> dict[str, str]:
    """The marked words whose typed spelling the document holds: only there is the spelling enforced."""
    held: dict[str, str] = {}
    for text in pages:
        for match in word_matches(text):
            exact = match.group().casefold()
            if marked.get(fold_word(exact)) == exact:
                held[fold_word(exact)] = exact
                if len(held) == len(marked):
                    return held
    return held


@dataclass(frozen=True)
class _Accept:
    """Which words of the text are the typed ones (see make_snippet)."""

    words: Collection[str]
    prefixes: Collection[str]
    spelled: Mapping[str, str]  # folded → the only exact spelling accepted

    def __call__(self, exact: str, word: str) -> bool:
        """`exact`: the word as printed; `word`: folded."""
        if word in self.words:
            return word not in self.spelled or exact.casefold() == self.spelled[word]
        return any(word.startswith(p) for p in self.prefixes)


def _scan(text: str, accept: _Accept, sequence: list[str], *,
          want_first: bool) -> tuple[int | None, int | None]:
    """(start of the first matched word, start of the first run of `sequence`) in `text`."""
    first = None
    recent: deque[tuple[int, str, str]] = deque(maxlen=len(sequence) or 1)
    for match in word_matches(text):
        exact = match.group()
        word = fold_word(exact)
        if first is None and want_first and accept(exact, word):
            first = match.start()
            if not sequence:
                return first, None
        if sequence:
            recent.append((match.start(), exact, word))
            if (len(recent) == len(sequence) and [w for _, _, w in recent] == sequence
                    and all(accept(e, w) for _, e, w in recent)):
                return first, recent[0][0]
    return first, None


def _cut_around(text: str, position: int, accept: _Accept) -> Snippet:
    snippet = _cut(text, _word_start_before(text, position - LEAD_CHARS))
    marked = tuple((s, e) for s, e, word in word_spans(snippet) if accept(snippet[s:e], word))
    return Snippet(snippet, marked)


def _word_start_before(text: str, position: int) -> int:
    if position <= 0:
        return 0
    space = text.rfind(" ", 0, position)
    return space + 1 if space >= 0 else 0


def _cut(text: str, start: int) -> str:
    """SNIPPET_CHARS of `text` from `start`, ended at a word boundary, with ellipses where cut."""
    piece = text[start:start + SNIPPET_CHARS]
    if start + SNIPPET_CHARS < len(text):
        space = piece.rfind(" ")
        piece = (piece[:space] if space > SNIPPET_CHARS // 2 else piece) + ELLIPSIS
    return (ELLIPSIS if start > 0 else "") + piece
