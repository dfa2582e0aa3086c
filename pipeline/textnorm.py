"""Vietnamese text normalisation: the one place where text is NFC'd, folded and cut into words,
and where the letters OCR reads for printed digits are listed.

Everything that stores or compares Vietnamese text goes through `nfc`; every
accent-insensitive comparison goes through `fold`. `fold` also maps đ/Đ to d,
which Unicode decomposition does not do (U+0111 has no decomposition), so a
plain-ASCII query "dang" finds "Đặng". A word is a run of letters or digits
(`WORD_PATTERN`), the same for extraction, the text-layer judge and search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
# Vietnamese combining marks (NFD): the five tones, and the vowel marks that make other letters.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
VOWEL_MARKS = frozenset("\u0302\u0306\u031b")  # circumflex (â ê ô), breve (ă), horn (ơ ư)
# Letters and digits; "_" is a word character to Python but never part of a word here
# (the search index uses it to join the two words of a pair).
WORD_PATTERN = r"[^\W_]+"
_WORD_RE = re.compile(WORD_PATTERN)


def nfc(text: str) -> str:
    """Precomposed form: scanners, Word and OCR mix decomposed and precomposed marks."""
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """Remove diacritics (tones and vowel marks) and map đ→d, keeping case."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold(text: str) -> str:
    """Accent- and case-insensitive key: "Đặng Thị Hà" → "dang thi ha"."""
    return strip_marks(text).casefold()


def words(text: str) -> list[str]:
    """Word tokens of NFC text (digits included), in order."""
    return _WORD_RE.findall(nfc(text))


def word_matches(text: str) -> Iterator[re.Match[str]]:
    """The words of NFC `text` as regex matches with their spans, one at a time (a scan may stop early)."""
    return _WORD_RE.finditer(text)


def squash_spaces(text: str) -> str:
    return " ".join(text.split())


def edit_distance(a: str, b: str, bound: int) -> int:
    """Levenshtein distance, or bound + 1 as soon as it must exceed `bound`."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]


def closest(value: str, valid: Iterable[str], *, count: int = 3) -> list[str]:
    """The values of `valid` nearest `value`, case and accents ignored: what a typo most likely meant."""
    import difflib

    by_key = {fold(v): v for v in valid}
    key = fold(value.strip())
    scored = sorted(((difflib.SequenceMatcher(None, key, k).ratio(), k) for k in by_key), reverse=True)
    best = scored[0][0] if scored else 0
    # The clear winner alone ("birth_certifcate" is birth_certificate, not also death_certificate).
    near = [k for ratio, k in scored if ratio >= max(0.5, best - 0.05)]
    near += [k for k in by_key if key and key in k and k not in near]
    return [by_key[k] for k in near[:count]]


def unknown_value(value: str, valid: Iterable[str], *, what: str) -> str:
    """"unknown --type 'brith': did you mean birth_certificate?": the closest valid values, if any are close."""
    from pipeline.errors import printable
    from pipeline.i18n import _

    near = closest(value, valid)
    if near:
        return _("unknown {what} '{value}': did you mean {choices}?").format(
            what=what, value=printable(value), choices=_(" or ").join(near))
    return _("unknown {what} '{value}'").format(what=what, value=printable(value))


# --- digits read as letters ---------------------------------------------------------------------
# What OCR reads where a digit was printed, and every digit each may stand for, likeliest first: Z is
# a 2 in upright faces and a 7 in italic and handwriting-like ones, S a 5 or an 8, Ø a zero with a
# slash, [ and ] the stem of a 1 (or a box line beside a digit), { a 1 with its serif. Each reader of
# numbers takes the letters its text shows (`digits_for`); what differs between readers is said where they read.
DIGIT_LOOKALIKES: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "Ø": "0", "ø": "0",
    "I": "1", "l": "1", "|": "1", "!": "1", "[": "1", "]": "1", "{": "1",
    "Z": "27", "z": "27", "S": "58", "s": "58", "B": "8", "G": "6",
}


def digits_for(letters: str) -> dict[int, str]:
    """A `str.translate` table taking each of `letters` to the likeliest digit it stands for."""
    return str.maketrans({letter: DIGIT_LOOKALIKES[letter][0] for letter in letters})
