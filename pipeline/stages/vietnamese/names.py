"""Vietnamese personal names: post-correction of OCR'd names against a lexicon.

Tesseract's weak spot on Vietnamese is the capital letter with stacked marks, which is how
names are printed on civil-status papers: LÊ read as LỄ, HUỲNH as HƯỲNH, ĐẶNG as ĐĂNG, NGUYỄN as
NGUYÊN. Each of those readings keeps the letters and gets a diacritic wrong, and none of them is
a name in its position (the first syllable of a full name is a surname, the last a given name).
So a syllable is repaired only when

* it is not a name in its position (data/vi_names.toml: surnames, middle names, given names),
* a name in that position has the same letters once diacritics are ignored (`textnorm.fold`), and
* for the last syllable, it is not even a Vietnamese syllable (HƯỲNH, NGUYẸT), or it was read
  with no mark at all (TAM, NHU): surnames and middle names are a nearly closed set, given names
  are not, and a rare given name the lexicon lacks must not be turned into a common one (DỤ is a
  name, not a misread DU). The engine drops the marks of capitals far more often than it invents
  them, so a bare reading with the letters of a known name is that name with its marks lost;

the closest such name wins (fewest marks changed; then the more common name). Anything else is
left exactly as read.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.stages.vietnamese.syllables import is_valid_syllable, syllable_key, vietnamese_syllables
from pipeline.textnorm import TONE_MARKS, VOWEL_MARKS, edit_distance, fold, nfc, squash_spaces

LEXICON = Path(__file__).resolve().parents[2] / "data" / "vi_names.toml"

CONFIDENCE_KNOWN = 1.0  # the syllable is a name in its position
CONFIDENCE_REPAIRED = 0.9  # one mark changed, one best candidate
CONFIDENCE_PER_EXTRA_MARK = 0.1  # less for every further mark changed
CONFIDENCE_TIED = 0.6  # two names fit equally well: the more common one was taken
CONFIDENCE_UNKNOWN = 0.5  # not in the lexicon and nothing to repair it with
CONFIDENCE_GLUED = 0.7  # not a syllable; one letter away from a single name of its position
CONFIDENCE_INVALID = 0.3  # not a Vietnamese syllable, and no repair
CONFIDENCE_FAR = 0.6  # a long family name two letters away from a single family name
MIN_SURNAME_FOR_TWO_EDITS = 5  # letters of a family name that two misread letters leave recognisable
DOT_BELOW = "\u0323"  # the nặng tone, as a combining mark


@dataclass(frozen=True)
class NameCorrection:
    name: str  # the corrected name, NFC, as printed (capitals kept)
    changed: bool  # True when a token was replaced from the lexicon
    confidence: float  # 0..1: how sure the lexicon is about the result


@dataclass(frozen=True)
class _Position:
    """The names allowed at one position of a full name, by syllable key and by folded form."""

    keys: frozenset[str]
    by_fold: dict[str, tuple[str, ...]]  # folded → names, most common first
    closed: bool  # True: a syllable outside the list is a misreading; False: maybe a rare name
    own_keys: frozenset[str] = frozenset()  # the position's own list (a middle name: not every surname)


@dataclass(frozen=True)
class Lexicon:
    surname: _Position
    middle: _Position
    given: _Position

    def at(self, index: int, count: int) -> _Position:
        """The names allowed at syllable `index` of a full name of `count` syllables: the last is a
        given name (a name of one syllable too), the first a family name, those between middle names."""
        return self.given if index == count - 1 else self.surname if index == 0 else self.middle


def correct_name(name: str, *, dotted: bool = False) -> NameCorrection:
    """`dotted`: the name was read on a dotted fill-in line, whose leader dots can sit under a letter."""
    cleaned = squash_spaces(nfc(name))
    lexicon = load_lexicon()
    tokens = rejoined(cleaned.split(" ")) if cleaned else []
    split_family_name = _split_family_name(tokens, lexicon.surname)
    if split_family_name is not None:
        tokens = [split_family_name] + tokens[2:]
    tokens, unglued = _unglued(tokens, lexicon.middle)
    out, confidences = [], []
    for index, token in enumerate(tokens):
        position = lexicon.at(index, len(tokens))
        if index == 0 and split_family_name is not None:
            fixed, confidence = split_family_name, CONFIDENCE_GLUED
        else:
            fixed, confidence = _correct_token(token, position)
        if index in unglued:
            confidence = min(confidence, CONFIDENCE_GLUED)
        if index == 0 and len(tokens) > 1 and confidence <= CONFIDENCE_UNKNOWN:
            if not is_valid_syllable(fixed):
                fixed, confidence = _damaged_surname(token, lexicon.surname, (fixed, confidence))
            else:
                fixed, confidence = _misread_surname(token, lexicon, (fixed, confidence))
        if dotted and fixed == token:
            fixed, confidence = _without_leader_dot(token, position, confidence)
        out.append(fixed)
        confidences.append(confidence)
    corrected = " ".join(out)
    return NameCorrection(corrected, changed=corrected != cleaned, confidence=min(confidences, default=0.0))


def rejoined(tokens: list[str]) -> list[str]:
    """A syllable the engine split after its first letter ("V Ú" for VŨ, "N guyễn") or before its
    last ("Than h" for Thanh) joined again: a lone letter that is no syllable, with the word after
    it, or else with the word before it when both are in small letters, when the two make a syllable;
    so is a final of two consonants set apart, in either case ("HUỲ NH"). A lone letter after a name
    in capitals is more often the start of what follows ("QUÝ c…"); a lone letter that is a syllable
    (Y) or an initial with its dot stays as it is."""
    out: list[str] = []
    for index, token in enumerate(tokens):
        letters = token.rstrip(".,;")  # "N guyễn.": the word's own final stop stays with it
        if out and _lone_letter(out[-1]) and letters.isalpha() and is_valid_syllable(out[-1] + letters):
            out[-1] += token
        elif (out and _lone_letter(token) and token.islower() and out[-1].isalpha() and out[-1][-1].islower()
              and is_valid_syllable(out[-1] + token)
              and not (index + 1 < len(tokens) and tokens[index + 1].isalpha()
                       and is_valid_syllable(token + tokens[index + 1]))):
            out[-1] += token
        else:
            out.append(token)
    return with_finals_joined(out)


_FINAL_CLUSTERS = frozenset({"nh", "ng", "ch"})  # the two-letter finals of a Vietnamese syllable


def with_finals_joined(words: list[str]) -> list[str]:
    """A final of two consonants set apart from its syllable ("HUỲ NH", "HUỲ.NH" once a leader's dots
    split the words) joined to the word before, in the same case, when the two make a syllable: such a
    final starts no word."""
    out: list[str] = []
    for word in words:
        if (out and word.lower() in _FINAL_CLUSTERS and out[-1].isalpha()
                and out[-1].isupper() == word.isupper() and is_valid_syllable(out[-1] + word)):
            out[-1] += word
        else:
            out.append(word)
    return out


def _unglued(tokens: list[str], names: _Position) -> tuple[list[str], set[int]]:
    """Two syllables the engine read as one word, the space between them lost ("THUNGỌC" for THU
    NGỌC): a word of letters that is no Vietnamese syllable, cut where both sides are names the
    lexicon knows, marks as read, when exactly one cut does. With the indexes of the two halves."""
    out: list[str] = []
    halves: set[int] = set()
    for token in tokens:
        cuts = [] if not token.isalpha() or is_valid_syllable(token) else [
            (token[:k], token[k:]) for k in range(1, len(token))
            if syllable_key(token[:k]) in names.keys and syllable_key(token[k:]) in names.keys]
        if len(cuts) == 1:
            left, right = cuts[0]
            halves |= {len(out), len(out) + 1}
            out.extend((left, right.capitalize() if token.istitle() else right))
        else:
            out.append(token)
    return out, halves


def _split_family_name(tokens: list[str], surnames: _Position) -> str | None:
    """The family name the engine split in two ("ÑGU YÊN VIẾT MINH" for NGUYỄN VIẾT MINH), as the
    lexicon spells it: when the first word alone is no family name, the two together are one marks
    aside, and two syllables of the name follow them. The marks of a split reading are not to be
    trusted (the Ñ's tilde is NGUYỄN's tone, moved), so the family name's most common spelling is taken."""
    if len(tokens) < 4 or fold(tokens[0]) in surnames.by_fold:
        return None
    names = surnames.by_fold.get(fold(tokens[0] + tokens[1]))
    return _same_case(names[0], tokens[0] + tokens[1]) if names else None


def _lone_letter(token: str) -> bool:
    return len(token) == 1 and token.isalpha() and not is_valid_syllable(token)


def _correct_token(token: str, position: _Position) -> tuple[str, float]:
    if not token.isalpha():
        return token, CONFIDENCE_UNKNOWN  # initials with a dot, digits: not ours to judge
    if syllable_key(token) in position.keys:
        return token, CONFIDENCE_KNOWN
    candidates = position.by_fold.get(fold(token), ())
    if not candidates and not is_valid_syllable(token):
        # No Vietnamese syllable at all ("WGUYỄN", "NGỌCU", "ĐĨÌNH"): a letter glued on, lost or
        # misread. Repaired only when one letter away from exactly one name of the position.
        near = _one_letter_away(fold(token), position)
        if len(near) == 1 and _marks_beside_the_edit(near[0], token) <= 1:
            return _same_case(near[0], token), CONFIDENCE_GLUED
        if len(marked := _with_the_same_marks(token, position)) == 1:
            return _same_case(marked[0], token), CONFIDENCE_GLUED
        return token, CONFIDENCE_INVALID
    if not candidates or (not position.closed and syllable_key(token) in vietnamese_syllables()
                          and not _bare(token)):
        return token, CONFIDENCE_UNKNOWN
    ranked = sorted(candidates, key=lambda c: mark_distance(token, c))  # stable: commoner first on ties
    best = ranked[0]
    distance = mark_distance(token, best)
    if len(ranked) > 1 and mark_distance(token, ranked[1]) == distance:
        confidence = CONFIDENCE_TIED
    else:
        confidence = max(CONFIDENCE_TIED, CONFIDENCE_REPAIRED - CONFIDENCE_PER_EXTRA_MARK * (distance - 1))
    return _same_case(best, token), confidence


def _damaged_surname(token: str, surnames: _Position, kept: tuple[str, float]) -> tuple[str, float]:
    """A long family name OCR damaged in two letters into no syllable at all ("W@UYÊN", "WÑGUXÊN" for
    NGUYỄN): the one family name within two edits of it. Family names are a closed list, and one of
    five letters or more is far from every other (a short one is not: LÊ is within two edits of LÝ, VÕ
    and HỒ)."""
    folded = fold(token)
    if len(folded) < MIN_SURNAME_FOR_TWO_EDITS:
        return kept
    near = {names[0] for spelling, names in surnames.by_fold.items()
            if len(spelling) >= MIN_SURNAME_FOR_TWO_EDITS and edit_distance(folded, spelling, 2) <= 2}
    if len(near) != 1:
        return kept
    return _same_case(near.pop(), token), CONFIDENCE_FAR


def _misread_surname(token: str, lexicon: Lexicon, kept: tuple[str, float]) -> tuple[str, float]:
    """A first syllable that is a Vietnamese syllable but no name at all ("TRỒN" or "RẦN" for TRẦN, "Õ"
    for VÕ): family names are a closed list, so it is one misread in a letter, the one family name a
    letter from it that carries exactly its marks (the engine saw them: `_with_the_same_marks`). A
    syllable that is a name of another position is left: the family name was lost, not misread
    ("DIỄM HỶ" for CÙ DIỄM HỶ)."""
    if syllable_key(token) in lexicon.middle.keys:  # every name of every position
        return kept
    marked = _with_the_same_marks(token, lexicon.surname)
    return (_same_case(marked[0], token), CONFIDENCE_GLUED) if len(marked) == 1 else kept


def _without_leader_dot(token: str, position: _Position, confidence: float) -> tuple[str, float]:
    """A dot below (the nặng tone) that a fill-in line's leader dots put under a letter: THỤ for THU,
    GIẠNG for GIANG. Taken off only when the syllable is no name of its position's own list and,
    without the dot, it is."""
    if syllable_key(token) in position.own_keys:
        return token, confidence
    undotted = nfc(unicodedata.normalize("NFD", token).replace(DOT_BELOW, ""))
    if undotted == token or syllable_key(undotted) not in position.own_keys:
        return token, confidence
    return undotted, CONFIDENCE_REPAIRED


def _marks_beside_the_edit(name: str, token: str) -> int:
    """Marks changed on the letters a one-letter edit keeps. The letter misread is most often the
    capital with stacked marks ("KIGU" for KIỀU: Ề read as G), so its own marks do not count; a
    letter glued on or lost leaves the others to be compared by the caller's lexicon alone."""
    if len(fold(name)) != len(fold(token)):
        return 0
    return sum(mark_distance(a, b) for a, b in zip(name, token) if fold(a) == fold(b))


def _bare(token: str) -> bool:
    """Read without any mark: the letters alone (TAM for TÂM, NHU for NHƯ)."""
    return fold(token) == token.lower()


def _with_the_same_marks(token: str, position: _Position) -> list[str]:
    """The names of the position one letter from a marked token that carry exactly its marks: the
    engine saw them, so a letter misread beside them leaves them ("FÔ" is Tô, not Hồ or Đỗ; "BÍGH" is
    Bích, not Bình). A token read without marks says nothing of them: none."""
    marks = _marks(token)
    if not marks:
        return []
    folded = fold(token)
    return [name for spelling in _one_letter_spellings(folded) for name in position.by_fold.get(spelling, ())
            if _marks(name) == marks]


def _marks(word: str) -> list[str]:
    """The tone and vowel marks of a word (đ among them), in order."""
    decomposed = unicodedata.normalize("NFD", nfc(word).lower())
    return [ch for ch in decomposed if ch in TONE_MARKS or ch in VOWEL_MARKS or ch == "đ"]


def _one_letter_away(folded: str, position: _Position) -> list[str]:
    """The most common name of each folded spelling one letter edit (substitution, insertion,
    deletion) from `folded`."""
    return [position.by_fold[e][0] for e in _one_letter_spellings(folded) if e in position.by_fold]


def _one_letter_spellings(folded: str) -> list[str]:
    """Every spelling one letter edit (substitution, insertion, deletion) from `folded`, sorted."""
    letters = "abcdeghiklmnopqrstuvxy"
    edits = {folded[:i] + folded[i + 1:] for i in range(len(folded))}
    edits |= {folded[:i] + ch + folded[i + 1:] for i in range(len(folded)) for ch in letters}
    edits |= {folded[:i] + ch + folded[i:] for i in range(len(folded) + 1) for ch in letters}
    edits.discard(folded)
    return sorted(edits)


def restore_marks(bare: str, printed: str = "") -> str:
    """A name written without marks ("BUI THUY MY UYEN", an ID card's machine-readable zone) with its
    marks: each syllable from the printed reading when the letters agree, else the most common name
    of its position with those letters, else as written."""
    lexicon = load_lexicon()
    words, seen = bare.split(), printed.split()
    out = []
    for index, word in enumerate(words):
        if index < len(seen) and fold(seen[index]) == fold(word):
            out.append(seen[index])
            continue
        position = lexicon.at(index, len(words))
        names = position.by_fold.get(fold(word), ())
        out.append(_same_case(names[0], word) if names else word)
    return " ".join(out)


def known_in_position(name: str) -> list[bool]:
    """For each syllable of a full name, whether the lexicon knows it as a name of its position
    (`Lexicon.at`), marks as written."""
    lexicon = load_lexicon()
    words = name.split()
    return [syllable_key(word) in lexicon.at(index, len(words)).keys for index, word in enumerate(words)]


def is_given_name(word: str) -> bool:
    """Whether the lexicon knows `word` as a given name (marks as written, any case)."""
    return syllable_key(word) in load_lexicon().given.keys


def is_middle_name_only(word: str) -> bool:
    """Whether the lexicon knows `word` as a middle name and never as a given name (THỊ): a name that
    ends with it lost its given name."""
    lexicon = load_lexicon()
    return syllable_key(word) in lexicon.middle.own_keys and syllable_key(word) not in lexicon.given.keys


def is_family_name(word: str) -> bool:
    """Whether the lexicon knows `word` as a family name (marks as written, any case: Vợ is not Võ)."""
    return syllable_key(word) in load_lexicon().surname.keys


def name_problems(name: str) -> list[str]:
    """Why a name does not read as a Vietnamese name: syllables that are no Vietnamese syllable."""
    bad = [token for token in name.split() if token.isalpha() and not is_valid_syllable(token)]
    problems = []
    if bad:
        problems.append(f"not a Vietnamese syllable: {', '.join(bad)}")
    if any(not token.isalpha() for token in name.split()):
        problems.append("holds characters no name has")
    return problems


def mark_distance(a: str, b: str) -> int:
    """Marks to add, drop or change to turn `a` into `b`, two spellings of the same letters:
    each vowel mark (circumflex, breve, horn) and each tone counts one, đ against d counts one."""
    distance = 0
    for x, y in zip(nfc(a).lower(), nfc(b).lower()):
        if x == y:
            continue
        dx, dy = unicodedata.normalize("NFD", x), unicodedata.normalize("NFD", y)
        distance += (x == "đ") != (y == "đ")
        distance += len((set(dx) ^ set(dy)) & VOWEL_MARKS)
        tone_x = [ch for ch in dx if ch in TONE_MARKS]
        tone_y = [ch for ch in dy if ch in TONE_MARKS]
        distance += tone_x != tone_y
    return distance


def _same_case(name: str, like: str) -> str:
    if like.isupper():
        return nfc(name.upper())
    if like.islower():
        return nfc(name.lower())
    return name


COMMON_SURNAMES = 40  # the lexicon's most frequent family names: nine Vietnamese in ten carry one


@functools.cache
def common_surnames(path: Path = LEXICON) -> frozenset[str]:
    """The most common family names, without diacritics: where a second name likely starts on a shared line."""
    with path.open("rb") as fh:
        surnames = tomllib.load(fh)["surnames"]
    return frozenset(fold(name) for name in surnames[:COMMON_SURNAMES])


@functools.cache
def load_lexicon(path: Path = LEXICON) -> Lexicon:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    surnames, middle, given = (tuple(nfc(n) for n in data[k]) for k in ("surnames", "middle", "given"))
    return Lexicon(surname=_position(surnames, closed=True),
                   middle=_position(middle + surnames + given, closed=True, own=middle),
                   given=_position(given, closed=False))


def _position(names: tuple[str, ...], *, closed: bool, own: tuple[str, ...] | None = None) -> _Position:
    by_fold: dict[str, list[str]] = {}
    for name in names:
        bucket = by_fold.setdefault(fold(name), [])
        if name not in bucket:
            bucket.append(name)
    return _Position(keys=frozenset(syllable_key(n) for n in names),
                     by_fold={k: tuple(v) for k, v in by_fold.items()}, closed=closed,
                     own_keys=frozenset(syllable_key(n) for n in (names if own is None else own)))
