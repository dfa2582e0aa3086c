"""Name values: the name at the start of a value, checked and corrected as a Vietnamese name."""

from __future__ import annotations

import re

from pipeline.stages.extract import values as V
from pipeline.stages.extract.found import Value
from pipeline.stages.vietnamese.names import (common_surnames, correct_name, is_given_name, name_problems, rejoined,
                                              with_finals_joined)
from pipeline.stages.vietnamese.syllables import is_valid_syllable
from pipeline.textnorm import fold, nfc

_EDGE_JUNK = re.compile(r"^[^\w]+|[^\w/]+$")
_NAME_STOPWORDS = {"sinh", "ngay", "gioi", "dan", "so", "noi", "la", "nu", "cccd", "cmnd"}
# Words that end a name typed in title case only as the first word of a label: Quốc and Nam are
# names too (Nguyễn Quốc Phúc, Trần Hoài Nam), "Quốc tịch" and "Năm sinh" are not.
_NAME_STOP_PAIRS = {("quoc", "tich"), ("nam", "sinh")}

MAX_NAME_SYLLABLES = 6  # a Vietnamese full name runs to six syllables at most


def name_value(raw: str, page_no: int, *, dotted: bool = False) -> Value | None:
    """A name as read, checked and corrected as a Vietnamese name (labelled or in running text alike)."""
    try:
        name = V.upper_name(raw)
    except V.InvalidValue:
        return None
    name, junk = _without_trailing_junk(name)
    correction = correct_name(name, dotted=dotted)
    details: dict = {"corrected_from": name} if correction.changed else {}
    if junk:  # not silent: what was left out is kept beside the name
        details.update(dropped=junk, read=raw)
    problems = name_problems(correction.name)
    if problems:  # kept for search, but an operator checks it against the raw reading
        details.update(validation=problems, read=raw)
    return Value(correction.name, raw, page_no, correction.confidence, details)


def name_in(text: str, page_no: int, *, dotted: bool = False) -> Value | None:
    """The name a value starts with (`name_run`), checked and corrected (`name_value`); None when it
    starts with none."""
    run = name_run(text)
    return name_value(run, page_no, dotted=dotted) if run is not None else None


def name_run(text: str) -> str | None:
    """The name at the start of a value: a run of capitalised words ("NGUYỄN VĂN AN Sinh ngày…")."""
    words = name_words(text)
    if words and fold(words[0]).strip(".,") in ("ong", "ba", "ong/ba") and \
            V.is_honorific(words[0], words[1] if len(words) > 1 else None):
        words = words[1:]
    caps = []
    for word in words:
        core = word.strip(".,;")
        letters = [ch for ch in core if ch.isalpha()]
        if not letters or any(ch.isdigit() for ch in core):
            break
        if sum(ch.isupper() for ch in letters) / len(letters) < 0.6:
            break
        caps.append(core)
        if word.endswith((",", ";")):
            break
    if len(caps) >= 2:
        return " ".join(caps)
    titled = []  # names typed in title case ("Tôi tên là: Nguyễn Văn An, sinh …")
    for index, word in enumerate(words):
        core = word.strip(".,;")
        if not core[:1].isupper() or not core.isalpha() or fold(core) in _NAME_STOPWORDS:
            if _name_goes_on_after(words, index):
                return None  # "Vo Kị rnì. Hảo": cut short here, a syllable would be dropped silently
            break
        following = fold(words[index + 1]).strip(".,;:") if index + 1 < len(words) else ""
        if not word.endswith((",", ";")) and (fold(core), following) in _NAME_STOP_PAIRS:
            break
        titled.append(core)
        if word.endswith((",", ";")):
            break
    return " ".join(titled) if 2 <= len(titled) <= MAX_NAME_SYLLABLES else None


def _name_goes_on_after(words: list[str], index: int) -> bool:
    """The word at `index` is noise inside a title-case name rather than its end: it is no syllable
    and no stopword, and a capitalised syllable follows it in the value."""
    core = words[index].strip(".,;")
    if fold(core) in _NAME_STOPWORDS or (core.isalpha() and is_valid_syllable(core)):
        return False
    return any(w.strip(".,;")[:1].isupper() and is_valid_syllable(w.strip(".,;")) for w in words[index + 1:])


# A Vietnamese syllable has one run of vowels; two syllables read as one word have two. A word with
# three is neither ("SUMMOMA" after "LÝ GIA BÌNH": a scribble beside the name, read as letters).
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def _without_trailing_junk(name: str) -> tuple[str, str]:
    """ "MAI THU NGỌC QQ LH" → ("MAI THU NGỌC", "QQ LH"): from the first word after two syllables that
    cannot be a misread syllable (no vowel, one letter repeated, or three runs of vowels), the rest is
    what OCR put after the name; so is a last word of one marked letter that is no given name ("PHẠM
    HUỲNH CHI Ề": a mark at the end of the fill-in line's dots; Y or an initial stays). A misread
    syllable ("NHỮƯ") is kept: it is flagged, never dropped."""
    words = name.split()
    for index in range(2, len(words)):
        word = fold(words[index])
        if (not any(ch in "aeiouy" for ch in word) or (len(word) > 1 and len(set(word)) == 1)
                or len(_VOWEL_GROUPS.findall(word)) >= 3):
            return " ".join(words[:index]), " ".join(words[index:])
    last = words[-1] if words else ""
    if len(words) > 2 and len(last) == 1 and fold(last) != last.lower() and not is_given_name(last):
        return " ".join(words[:-1]), words[-1]
    return name, ""


def name_words(text: str) -> list[str]:
    """The words of a name value: dots left by a leader split words ("VÕ.THÙY"), so does a comma or a
    dash between two letters ("TRẦN,THU", "CHẬU-THIỆN": no Vietnamese name joins its syllables), and
    quotes, dashes or other marks OCR put at a word's edges are dropped ("„Phạm", "Phương.") but a final
    comma is kept (it ends the name); a syllable split by a space is joined again ("N guyễn")."""
    words = []
    text = " ".join(rejoined(nfc(text).split()))
    for token in re.split(r"[\s.]+|(?<=[^\W\d_])[,\-–—](?=[^\W\d_])", text):
        core = _EDGE_JUNK.sub("", token)
        if core:
            words.append(core + ("," if token.rstrip().endswith((",", ";")) else ""))
    return with_finals_joined(words)  # again: the leader's dots split "HUỲ.NH" only now


def split_two_names(text: str) -> list[str]:
    """ "NGUYỄN VĂN AN TRẦN THỊ BÌNH" (two table columns on one line) → the two names."""
    run = name_run(text)
    if run is None:
        return []
    words = run.split()
    surnames = common_surnames()
    best: tuple[float, int] | None = None
    for cut in range(2, len(words) - 1):
        surname = fold(words[cut])
        score = (2.0 if surname in surnames else 0.0) - abs(cut - len(words) / 2) * 0.5
        if surname in {"van", "thi"}:
            continue
        if best is None or score > best[0]:
            best = (score, cut)
    if best is None:
        return [run]
    return [" ".join(words[:best[1]]), " ".join(words[best[1]:])]
