"""Vietnamese syllables: the shipped list of valid syllables, and the key that compares them.

Vietnamese is written one syllable per word, from a closed set of a few thousand
syllables (data/vie_syllables.txt, derived by bench/derive_vie_syllables.py). Whether a
token is one of them is the cheapest test there is of an OCR reading or a text layer.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from pipeline.textnorm import TONE_MARKS, VOWEL_MARKS, nfc

WORDLIST = Path(__file__).resolve().parents[2] / "data" / "vie_syllables.txt"

_VIETNAMESE_MARKS = TONE_MARKS | VOWEL_MARKS


def syllable_key(word: str) -> str:
    """Lower-case syllable with its tone moved to the end: old and new tone placement
    ("hoà" / "hòa", "thuỷ" / "thủy") give the same key."""
    decomposed = unicodedata.normalize("NFD", nfc(word).lower())
    tones = "".join(ch for ch in decomposed if ch in TONE_MARKS)
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return unicodedata.normalize("NFC", base) + tones


@functools.cache
def vietnamese_syllables() -> frozenset[str]:
    """Keys (`syllable_key`) of every valid Vietnamese syllable."""
    lines = WORDLIST.read_text(encoding="utf-8").splitlines()
    return frozenset(syllable_key(line) for line in lines if line and not line.startswith("#"))


def is_syllable(word: str) -> bool:
    return syllable_key(word) in vietnamese_syllables()


def has_vietnamese_marks(word: str) -> bool:
    return "đ" in word.lower() or any(ch in _VIETNAMESE_MARKS for ch in unicodedata.normalize("NFD", word))
