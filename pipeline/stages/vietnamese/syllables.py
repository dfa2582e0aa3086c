"""Vietnamese syllables: their structure, the shipped list of known ones, and the key that compares them.

Vietnamese is written one syllable per word, from a closed set of a few thousand
syllables (data/vie_syllables.txt, derived by bench/derive_vie_syllables.py). Whether a
token is one of them is the cheapest test there is of an OCR reading or a text layer;
`parse_syllable` checks the structure itself (onset, nucleus, final, tone placement), so a
rare syllable the list lacks is still recognised as well-formed.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.textnorm import TONE_MARKS, VOWEL_MARKS, nfc

WORDLIST = Path(__file__).resolve().parents[2] / "data" / "vie_syllables.txt"

_VIETNAMESE_MARKS = TONE_MARKS | VOWEL_MARKS


# --- syllable structure ------------------------------------------------------------------------

_LETTERS: Final = frozenset("abcdđeghiklmnopqrstuvxyăâêôơư")
_MARKED_VOWELS: Final = frozenset("ăâêôơư")
ONSETS: Final = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
                 "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
FINALS: Final = ("ch", "nh", "ng", "c", "m", "n", "p", "t", "")
_CHECKED_FINALS: Final = frozenset({"p", "t", "c", "ch"})
_CHECKED_TONES: Final = frozenset({"\u0301", "\u0323"})  # sắc, nặng: the only tones of -p -t -c -ch
_PALATAL_FINALS: Final = frozenset({"ch", "nh"})
_PALATAL_NUCLEI: Final = frozenset({"a", "ê", "i", "y", "oa", "uê", "uy"})
_FRONT: Final = ("i", "e", "ê", "y")
_SIMPLE: Final = frozenset({"a", "ă", "â", "e", "ê", "i", "y", "o", "ô", "ơ", "u", "ư", "oa", "oe", "uê", "uy"})
_NEEDS_FINAL: Final = frozenset({"ă", "â", "iê", "yê", "uô", "ươ", "oă", "uâ", "uyê", "oo"})
_OPEN_ONLY: Final = frozenset({
    "ia", "ua", "ưa", "uya", "ai", "ay", "ây", "ao", "au", "âu", "eo", "êu", "iu", "oi", "ôi", "ơi", "ui", "ưi",
    "ưu", "iêu", "yêu", "uôi", "ươi", "ươu", "oai", "oay", "oao", "oeo", "uây", "uyu", "ya", "uơ"})
_NUCLEI: Final = _SIMPLE | _NEEDS_FINAL | _OPEN_ONLY
_GLIDE_NUCLEI: Final = frozenset({"oa", "oe", "uy"})  # open: hoà (new style) and hòa (old style)


@dataclass(frozen=True)
class Syllable:
    onset: str
    nucleus: str  # vowels as written, vowel marks kept, tone removed
    final: str
    tone: str  # the combining tone mark, "" for the level tone


@functools.lru_cache(maxsize=1 << 16)
def parse_syllable(word: str) -> Syllable | None:
    """The structure of a well-formed Vietnamese syllable, or None: a known onset, a vowel nucleus
    spelling allows, a final that fits it, one tone at most, sitting where old or new style puts it,
    and sắc or nặng on a syllable closed by p, t, c or ch. Frequency plays no part."""
    split = _split_tone(nfc(word).lower())
    if split is None:
        return None
    base, tone, tone_at = split
    if not base or not _LETTERS.issuperset(base):
        return None
    for onset in ONSETS:
        if not base.startswith(onset):
            continue
        rest = base[len(onset):]
        if onset == "gi" and not any(ch in "aăâeêoôơuưy" for ch in rest):
            continue  # "gì", "gìn": g + i, found with onset "g"
        if onset == "qu" and rest.startswith(("u", "o")):
            continue
        for final in FINALS:
            if final and not rest.endswith(final):
                continue
            nucleus = rest[: len(rest) - len(final)]
            if not _nucleus_fits(onset, nucleus, final, tone):
                continue
            if tone and tone_at - len(onset) not in _tone_places(nucleus, final):
                continue
            return Syllable(onset, nucleus, final, tone)
    return None


def is_valid_syllable(word: str) -> bool:
    return parse_syllable(word) is not None


@functools.lru_cache(maxsize=1 << 16)
def syllable_key(word: str) -> str:
    """Lower case, tone moved after the letters: "Hoà", "hòa" and "HOÀ" share one key."""
    decomposed = unicodedata.normalize("NFD", nfc(word).lower())
    tones = "".join(ch for ch in decomposed if ch in TONE_MARKS)
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return unicodedata.normalize("NFC", base) + tones


def _split_tone(word: str) -> tuple[str, str, int] | None:
    """(letters without the tone, tone mark, index of the letter carrying it), None for two tones
    or a mark no Vietnamese letter takes."""
    letters: list[str] = []
    tone, tone_at = "", -1
    for ch in unicodedata.normalize("NFD", word):
        if ch in TONE_MARKS:
            if tone or not letters:
                return None
            tone, tone_at = ch, len(letters) - 1
        elif unicodedata.combining(ch):
            if not letters:
                return None
            letters[-1] += ch
        else:
            letters.append(ch)
    composed = [unicodedata.normalize("NFC", letter) for letter in letters]
    if any(len(letter) != 1 for letter in composed):
        return None
    return "".join(composed), tone, tone_at


def _nucleus_fits(onset: str, nucleus: str, final: str, tone: str) -> bool:
    cluster = "u" + nucleus if onset == "qu" and nucleus in {"y", "yê", "ya", "yu"} else nucleus  # quy = q + uy
    if cluster not in _NUCLEI:
        return False
    if final and cluster in _OPEN_ONLY or not final and cluster in _NEEDS_FINAL:
        return False
    if final in _PALATAL_FINALS and cluster not in _PALATAL_NUCLEI:
        return False
    if final in _CHECKED_FINALS and tone not in _CHECKED_TONES:
        return False
    if onset in ("k", "gh", "ngh") and not cluster.startswith(_FRONT):
        return False
    if onset in ("c", "g", "ng") and cluster.startswith(_FRONT) and not (onset == "g" and cluster == "i"):
        return False  # ... except "gì", "gìn", where gi and i share the letter ("gia" is gi + a)
    return True


def _tone_places(nucleus: str, final: str) -> frozenset[int]:
    """Where the tone may sit in the nucleus. Old and new style differ only on open oa, oe, uy."""
    marked = [i for i, ch in enumerate(nucleus) if ch in _MARKED_VOWELS]
    if marked:
        return frozenset({marked[-1]})  # ươ: on ơ
    if final:
        return frozenset({len(nucleus) - 1})
    if len(nucleus) == 1:
        return frozenset({0})
    if nucleus in _GLIDE_NUCLEI:
        return frozenset({0, 1})
    if len(nucleus) == 3:
        return frozenset({1})  # hoài, xoáy, khuỷu
    return frozenset({0})  # mía, múa, hái, gửi


@functools.lru_cache(maxsize=1 << 16)
def marks_changed(a: str, b: str) -> int:
    """Marks to add, drop or change to turn one spelling into another of the same letters: each
    vowel mark, each tone and đ against d count one. Tone placement does not count."""
    (base_a, tone_a), (base_b, tone_b) = _key_parts(syllable_key(a)), _key_parts(syllable_key(b))
    distance = int(tone_a != tone_b)
    for x, y in zip(base_a, base_b):
        if x != y:
            distance += (x == "đ") != (y == "đ")
            distance += len((set(unicodedata.normalize("NFD", x)) ^ set(unicodedata.normalize("NFD", y)))
                            & VOWEL_MARKS)
    return distance + abs(len(base_a) - len(base_b))


def _key_parts(key: str) -> tuple[str, str]:
    return (key[:-1], key[-1]) if key and key[-1] in TONE_MARKS else (key, "")


@functools.cache
def vietnamese_syllables() -> frozenset[str]:
    """Keys (`syllable_key`) of every valid Vietnamese syllable."""
    lines = WORDLIST.read_text(encoding="utf-8").splitlines()
    return frozenset(syllable_key(line) for line in lines if line and not line.startswith("#"))


def is_syllable(word: str) -> bool:
    return syllable_key(word) in vietnamese_syllables()


def has_vietnamese_marks(word: str) -> bool:
    return "đ" in word.lower() or any(ch in _VIETNAMESE_MARKS for ch in unicodedata.normalize("NFD", word))
