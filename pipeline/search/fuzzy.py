"""The fuzzy fallback: person names with one or two OCR errors.

OCR damages a name in ways accent folding cannot undo ("NGUYEN" read as
"NGUYFN", "MAI" as "MAl"). Each typed word is compared by edit distance
(rapidfuzz) with the vocabulary of words seen in person names; the candidate
names are the combinations of those words within MAX_ERRORS edits in all,
looked up exactly afterwards. The same Python code runs on both backends, so
both find the same names.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

MAX_ERRORS = 2  # edits over the whole name
MAX_CANDIDATES = 5000  # names looked up at most; the closest ones are kept


def word_budget(word: str) -> int:
    """Edits allowed in one word: a short word with two edits is just another word."""
    if len(word) <= 1:
        return 0
    return 1 if len(word) <= 3 else 2


def alternatives(word: str, vocabulary: Sequence[str]) -> list[tuple[str, int]]:
    """Vocabulary words within this word's budget, closest first; the word itself at distance 0."""
    found = {word: 0}
    budget = word_budget(word)
    if budget:
        for other, distance, _ in process.extract(word, vocabulary, scorer=Levenshtein.distance,
                                                  score_cutoff=budget, limit=None):
            found.setdefault(other, int(distance))
    return sorted(found.items(), key=lambda item: (item[1], item[0]))


def candidate_names(words: Sequence[str], vocabulary: Sequence[str],
                    max_errors: int = MAX_ERRORS) -> list[tuple[str, int]]:
    """(folded name, edits) for names near the typed words, fewest edits first; the typed name excluded.

    All one-edit names come before any two-edit one, so a cut at MAX_CANDIDATES
    drops only the farthest.
    """
    by_distance = [{} for _ in words]
    for position, word in enumerate(words):
        for alternative, distance in alternatives(word, vocabulary):
            by_distance[position].setdefault(distance, []).append(alternative)
    found: list[tuple[str, int]] = []
    for errors in range(1, max_errors + 1):
        for spread in product(range(errors + 1), repeat=len(words)):  # edits per word
            if sum(spread) != errors:
                continue
            for name in product(*(by_distance[i].get(d, []) for i, d in enumerate(spread))):
                found.append((" ".join(name), errors))
                if len(found) >= MAX_CANDIDATES:
                    return found
    return found
