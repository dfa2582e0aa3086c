"""The fuzzy fallback: person names with one or two OCR errors.

OCR damages a name in ways accent folding cannot undo ("NGUYEN" read as
"NGUYFN", "MAI" as "MAl", "WGUYỄN"). Each typed word is compared by edit
distance (rapidfuzz) with the vocabulary of words seen in person names; the
candidate names are the combinations of those words within MAX_ERRORS edits in
all, looked up exactly afterwards. The same Python code runs on both backends,
so both find the same names.

A name OCR read a syllable short ("TRẦN TÚ" for "Trần Tú Hương") is found
too, after every name within the errors (`a_syllable_short`), then one a
syllable short with what is left damaged ("VQ THỊ" for "Võ Thị Hỷ",
`a_syllable_short_and_damaged`), then one whose single syllable a stamp or
blur turned to noise past two errors ("VÕ DLIYX HOÀNG ĐOÀN" for "Võ Duy Hoàng
Đoàn", `a_syllable_damaged`), all only for a name few documents hold: "nguyen
van" is a syllable short of thousands. The last two are last resorts, looked
through only when nothing else answers the typed name (query.py).

A lost or changed mark ("NGUYẺN", "THUY" for "THÙY") needs none of this: the
folded words are equal. Letter errors do, and there a near word may be damage
or another name: "nguyen van anh" is one letter from "nguyen van an" and is
somebody else. OCR damage mostly makes a word no Vietnamese syllable is spelled
like ("wguyen", "nguycn", "mal"); `damaged_only` keeps those alternatives only,
which is how a name that already finds documents looks for its damaged copies
without bringing in every near namesake.

The work is bounded whatever is typed: at most MAX_WORDS words are looked up
(a name has two to five; a pasted sentence is no name), the spreads of errors
over the words are enumerated directly (not as a product of every word's
budget), and at most MAX_CANDIDATES names are produced.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from itertools import combinations_with_replacement, islice, product

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline.stages.vietnamese.syllables import vietnamese_syllables
from pipeline.textnorm import fold

MAX_ERRORS = 2  # edits over the whole name
MAX_CANDIDATES = 5000  # names looked up at most; the closest ones are kept
MAX_WORDS = 6  # longer queries are not names: no fuzzy lookup
MIN_WORDS_TO_SHORTEN = 3  # a typed name is looked up a syllable short only when two are left
# and with a syllable damaged only when three others read as typed: two are too common a pair
# ("le van" and noise would be every damaged Lê Văn)
MIN_WORDS_WITH_A_DAMAGED_SYLLABLE = 4
# Letters a damaged syllable has more or fewer than the typed one: the width of the fuzzy vocabulary
# read (`MAX_ERRORS`); noise in place of "duy" reads "dliyx"
MAX_LENGTH_CHANGE = MAX_ERRORS


def a_syllable_short(words: Sequence[str]) -> list[str]:
    """The typed name without its last or its first syllable, when two or more are left: how a name
    reads whose syllable OCR lost at the end of a fill-in line or in a stamp ("TRẦN TÚ" for Trần Tú
    Hương, "KIM LỆ" for Hứa Kim Lệ). A name of two syllables has none: one syllable is no name."""
    if len(words) < MIN_WORDS_TO_SHORTEN or len(words) > MAX_WORDS:
        return []
    return list(dict.fromkeys([" ".join(words[:-1]), " ".join(words[1:])]))


def a_syllable_short_and_damaged(words: Sequence[str], vocabulary: Sequence[str]) -> list[str]:
    """The typed name a syllable short (`a_syllable_short`) with letters of what is left damaged into
    words no Vietnamese syllable is spelled like, within `MAX_ERRORS` (`candidate_names`, `damaged_only`):
    a name whose last syllable a stamp took and whose first it blurred ("VQ THỊ" for Võ Thị Hỷ)."""
    return [name for short in a_syllable_short(words)
            for name, _ in candidate_names(short.split(), vocabulary, damaged_only=True)]


def a_syllable_damaged(words: Sequence[str], vocabulary: Sequence[str]) -> list[list[str]]:
    """The typed name with one of its syllables replaced by a word of the vocabulary no Vietnamese
    syllable is spelled like (`is_damaged`), its length within `MAX_LENGTH_CHANGE` of the typed
    syllable's, the others as typed: a name OCR read whole but one syllable, damaged past two errors
    ("VÕ DLIYX HOÀNG ĐOÀN", "XŒQ KIM THAO NHỊ" for Ngô Kim Thảo Nhi). Grouped by the damaged word's
    edits from the typed syllable, fewest first: noise like the typed syllable before any other noise.
    Four syllables typed or more, so three at least read as typed; a real syllable in its place is
    another name ("VÕ MINH HOÀNG ĐOÀN")."""
    if len(words) < MIN_WORDS_WITH_A_DAMAGED_SYLLABLE or len(words) > MAX_WORDS:
        return []
    damaged = [word for word in vocabulary if is_damaged(word)]
    replaced = ((position, word) for position, typed in enumerate(words) for word in damaged
                if word != typed and abs(len(word) - len(typed)) <= MAX_LENGTH_CHANGE)
    by_edits: dict[int, list[str]] = {}
    for position, word in islice(replaced, MAX_CANDIDATES):
        name = " ".join([*words[:position], word, *words[position + 1:]])
        by_edits.setdefault(Levenshtein.distance(word, words[position]), []).append(name)
    return [by_edits[edits] for edits in sorted(by_edits)]


def word_budget(word: str) -> int:
    """Edits allowed in one word: a short word with two edits is just another word."""
    if len(word) <= 1:
        return 0
    return 1 if len(word) <= 3 else 2


@functools.cache
def _folded_syllables() -> frozenset[str]:
    return frozenset(fold(key) for key in vietnamese_syllables())


def is_damaged(word: str) -> bool:
    """A folded word no Vietnamese syllable folds to: what OCR damage looks like (digits aside)."""
    return word.isalpha() and word not in _folded_syllables()


def alternatives(word: str, vocabulary: Sequence[str], *, damaged_only: bool = False) -> list[tuple[str, int]]:
    """Vocabulary words within this word's budget, closest first; the word itself at distance 0."""
    found = {word: 0}
    budget = word_budget(word)
    if budget:
        for other, distance, _ in process.extract(word, vocabulary, scorer=Levenshtein.distance,
                                                  score_cutoff=budget, limit=None):
            if not damaged_only or is_damaged(other):
                found.setdefault(other, int(distance))
    return sorted(found.items(), key=lambda item: (item[1], item[0]))


def spreads(words: int, errors: int) -> list[tuple[int, ...]]:
    """Every way of putting `errors` edits on `words` words (edits per word), each once, in a stable order."""
    found = []
    for places in combinations_with_replacement(range(words), errors):
        counts = Counter(places)
        found.append(tuple(counts.get(i, 0) for i in range(words)))
    return found


def candidate_names(words: Sequence[str], vocabulary: Sequence[str], max_errors: int = MAX_ERRORS, *,
                    damaged_only: bool = False) -> list[tuple[str, int]]:
    """(folded name, edits) for names near the typed words, fewest edits first; the typed name excluded.

    All one-edit names come before any two-edit one, so a cut at MAX_CANDIDATES
    drops only the farthest. More than MAX_WORDS words: none.
    """
    if not words or len(words) > MAX_WORDS:
        return []
    by_distance = [{} for _ in words]
    for position, word in enumerate(words):
        for alternative, distance in alternatives(word, vocabulary, damaged_only=damaged_only):
            by_distance[position].setdefault(distance, []).append(alternative)
    found: list[tuple[str, int]] = []
    for errors in range(1, max_errors + 1):
        for spread in spreads(len(words), errors):
            for name in product(*(by_distance[i].get(d, []) for i, d in enumerate(spread))):
                found.append((" ".join(name), errors))
                if len(found) >= MAX_CANDIDATES:
                    return found
    return found
