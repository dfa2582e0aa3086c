"""Words, as both the index and the query see them.

One tokenizer for both sides and both backends, the project's own
(`pipeline.textnorm.words`): a word is a run of letters or digits of NFC text,
here case-folded. Every word has two forms: *exact* (diacritics
kept: "hà") and *folded* (pipeline.textnorm.fold: "ha", đ→d). The index stores
both; a query matches on the folded form and ranks exact matches first.

Everything that is not a word (quotes, AND/OR, parentheses, SQL) is a
separator, so no query string can reach a search engine as syntax.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.dates import parse_date
from pipeline.textnorm import WORD_PATTERN, fold, nfc, word_matches
from pipeline.textnorm import words as text_words

# Longer "words" are OCR noise; PostgreSQL also refuses lexemes over 2 KB.
MAX_WORD_CHARS = 60
# Field values longer than this are cut before they become keys (B-tree rows stay small).
MAX_KEY_CHARS = 200

_QUERY_WORD = re.compile(f"({WORD_PATTERN})(\\*?)")  # a word, and a `*` typed after it
# Operators of other search engines, typed out of habit: not Vietnamese words.
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})


def words(text: str) -> list[str]:
    """Exact words of `text`: NFC, case-folded, diacritics kept, in order."""
    return [w for w in text_words(nfc(text).casefold()) if len(w) <= MAX_WORD_CHARS]


@functools.lru_cache(maxsize=1 << 17)
def fold_word(word: str) -> str:
    """textnorm.fold, remembered: a page repeats a few hundred distinct syllables."""
    return fold(word)


def folded(exact_words: list[str]) -> list[str]:
    return [fold_word(w) for w in exact_words]


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) for every word of NFC `text`: what snippets highlight."""
    return [(m.start(), m.end(), fold_word(m.group())) for m in word_matches(text)]


@dataclass(frozen=True)
class QueryWord:
    exact: str
    folded: str
    prefix: bool = False  # typed with a trailing `*`: matches words that start with it


def query_words(text: str) -> list[QueryWord]:
    """The words of a typed query; operators and punctuation are dropped, `word*` is a prefix."""
    found = []
    for match in _QUERY_WORD.finditer(nfc(text)):
        word, star = match.groups()
        if word in _OPERATOR_WORDS or len(word) > MAX_WORD_CHARS:
            continue
        exact = word.casefold()
        found.append(QueryWord(exact, fold(exact), prefix=bool(star)))
    return found


def name_key(value: str) -> tuple[str, str]:
    """(exact, folded) key of a name: its words joined by single spaces."""
    exact = " ".join(words(value))[:MAX_KEY_CHARS]
    return exact, fold(exact)


def field_key(value: str) -> str:
    """The key `--field NAME=VALUE` compares, the same for stored and typed values.

    Folded words; a date in any accepted spelling becomes its ISO words; a number typed
    in groups loses them: "01/05/1990" and "1990-05-01" → "1990 05 01",
    "079 203 001 234" → "079203001234", "Nguyễn Văn An" → "nguyen van an".
    """
    date = parse_date(value)
    keys = folded(words(date.isoformat() if date else value))
    if date is None and keys and all(k.isdigit() for k in keys):
        return "".join(keys)[:MAX_KEY_CHARS]
    return " ".join(keys)[:MAX_KEY_CHARS]
