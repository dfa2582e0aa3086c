"""Vietnamese post-OCR correction: a syllable bigram model, a channel model and a Viterbi search.

Vietnamese is written one syllable at a time, so a word of OCR output is one syllable, and most
of Tesseract's errors on Vietnamese keep the letters and get a mark wrong: a tone (ả/ã, a lost
dot below), a vowel mark (ư read as u, ơ as o), đ read as d. Such a reading is often no syllable
at all ("tich", "Đíều") and otherwise a syllable that is unlikely where it stands ("quẩn lý",
"thông tín"). The corrector

1. splits each token into leading punctuation, one word, trailing punctuation; only a token that
   is one plain word can change. Digits, punctuation, mixed tokens ("68/2020/QH14", "NĐ-CP"),
   one-letter tokens ("a)", "F......") and Roman numerals are context, never changed;
2. gives each such word its candidates: the reading itself; the syllables of the model with the
   same letters when diacritics are ignored (fold-equal); those of the reading with one
   look-alike letter group swapped (I/l, L/t, rn/m, cl/d, W/V); for a reading that is no known
   syllable, those one letter away (dropped, added or replaced: "sốn" → "sống"); and the
   engine's alternative readings (`lstm_alternatives` makes them from Tesseract's LSTM choices);
3. searches every stretch of words between punctuation (commas do not break it, line ends do
   not either: sentences wrap) with Viterbi, scoring a path by the syllable bigram model
   (interpolated Kneser-Ney, built by tools/build_syllable_lm.py) plus a channel cost: a change
   costs more the more marks or letters it changes and the surer the engine was;
4. keeps a change only when the best path beats the best path that keeps the reading by
   `CorrectorSettings.margin`, pinning weaker changes and searching again, and records each change
   (line, position, before, after, reason, margin).

Rules that hold whatever the scores say: a token with a digit never changes, punctuation never
changes, a replacement is always a valid syllable written in the case pattern of the reading,
a known syllable read with confidence ≥ `sure_confidence` stays, a line that is mostly not
syllables (specks, dot leaders, a stamp) is left as read, and a capitalised syllable is presumed
to be a name unless its place says otherwise (see `_may_replace_valid`): a rare given name such
as DỤ is a valid syllable, and a language model will always prefer the common DU. One exception
runs outside the search (`_name_alternative`): in a full name printed in capitals, a syllable that
is no name is replaced by the engine's own alternative with the same letters when that one is a
name ("HÀNG" → "HẰNG").

`page_summary` (and `PageCorrection.summary`) give, without ground truth, the share of valid and
known syllables, the number of changes and the model's log-probability per word, so a re-reading
step can compare two readings of a page.

Only the standard library, numpy and pipeline.textnorm are imported; the model and the names
lexicon are data files of pipeline/data.
"""

from __future__ import annotations

import functools
import gzip
import math
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from pipeline.stages.vietnamese.syllables import is_valid_syllable, marks_changed, syllable_key
from pipeline.textnorm import fold, nfc, word_matches

MODEL_FILE: Final = Path(__file__).resolve().parents[2] / "data" / "vi_syllable_lm.tsv.gz"
NAMES_FILE: Final = MODEL_FILE.parent / "vi_names.toml"

# --- text as the model sees it -----------------------------------------------------------------

BOS: Final = "<s>"
EOS: Final = "</s>"
NUM: Final = "<num>"  # any word with a digit: "Điều <num>", "ngày <num> tháng <num>"
UNK: Final = "<unk>"  # any other word that is not a Vietnamese syllable: UBND, CP, English
OOV: Final = "<oov>"  # a valid syllable the model has not seen


@functools.lru_cache(maxsize=1 << 16)
def model_token(word: str) -> str:
    """The model's name for a word: its syllable key, or NUM or UNK."""
    if any(ch.isdigit() for ch in word):
        return NUM
    return syllable_key(word) if is_valid_syllable(word) else UNK


def _breaks(separator: str) -> bool:
    """Does this text between two words end a stretch? Any punctuation does except the comma:
    enumerations ("tàu, thuyền, phương tiện") are exactly where context tells the words apart."""
    return bool(separator.replace(",", " ").strip())


def segments(text: str) -> Iterator[list[str]]:
    """Stretches of words between punctuation (commas aside) and line ends: the units the model is
    trained on and the corrector searches."""
    for line in nfc(text).splitlines():
        current: list[str] = []
        last_end = 0
        for match in word_matches(line):
            if current and _breaks(line[last_end:match.start()]):
                yield current
                current = []
            current.append(match.group())
            last_end = match.end()
        if current:
            yield current


# --- the model ---------------------------------------------------------------------------------

_LN10: Final = math.log(10.0)


@dataclass(frozen=True)
class SyllableModel:
    """Interpolated Kneser-Ney syllable bigrams, stored like an ARPA file: P(w|v) for every seen
    pair, and for any other pair backoff(v) · P1(w). Log-probabilities are natural logs here."""

    words: tuple[str, ...]  # display spelling per id (lower case, the corpus's commonest spelling)
    index: dict[str, int]  # syllable key or special token → id
    unigram: np.ndarray  # ln P1(w)
    backoff: np.ndarray  # ln backoff weight of w as a context
    pair_keys: np.ndarray  # sorted int64, v * len(words) + w
    pair_logp: np.ndarray  # ln P(w|v)
    by_fold: dict[str, tuple[int, ...]]  # folded key → syllable ids, likeliest first
    header: tuple[str, ...]

    def id_of(self, word: str) -> int:
        token = model_token(word)
        return self.index.get(token, self.index[OOV])

    def is_known(self, word: str) -> bool:
        return model_token(word) not in (NUM, UNK) and syllable_key(word) in self.index

    def logprob(self, word: str, previous: str = BOS) -> float:
        """ln P(word | previous), words as written (any case, either tone placement)."""
        v = self.index[BOS] if previous == BOS else self.id_of(previous)
        w = self.index[EOS] if word == EOS else self.id_of(word)
        return float(self.pair_matrix(np.array([v]), np.array([w]))[0, 0])

    def pair_matrix(self, previous: np.ndarray, current: np.ndarray) -> np.ndarray:
        """ln P(current[j] | previous[i]) for every i, j, vectorised: one lookup per Viterbi step."""
        keys = previous[:, None].astype(np.int64) * len(self.words) + current[None, :]
        at = np.minimum(np.searchsorted(self.pair_keys, keys), len(self.pair_keys) - 1)
        seen = self.pair_keys[at] == keys
        return np.where(seen, self.pair_logp[at], self.backoff[previous][:, None] + self.unigram[current][None, :])

    def sentence_logprob(self, words: Sequence[str]) -> float:
        """ln P of one stretch of words, from <s> to </s>."""
        ids = [self.index[BOS], *(self.id_of(w) for w in words), self.index[EOS]]
        return float(sum(self.pair_matrix(np.array([a]), np.array([b]))[0, 0] for a, b in zip(ids, ids[1:])))


@functools.cache
def load_model(path: Path = MODEL_FILE) -> SyllableModel:
    """Read the shipped model once per process (about half a second)."""
    header: list[str] = []
    unigrams: list[tuple[str, float, float]] = []
    pairs: list[tuple[str, str, float]] = []
    section = ""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#"):
                header.append(line[1:].strip())
            elif line.startswith("\\"):
                section = line
            elif line:
                cols = line.split("\t")
                if section == "\\1-grams":
                    unigrams.append((cols[0], float(cols[1]), float(cols[2])))
                elif section == "\\2-grams":
                    pairs.append((cols[0], cols[1], float(cols[2])))
    words = tuple(w for w, _, _ in unigrams)
    index = {_as_key(w): i for i, w in enumerate(words)}
    spelled = {w: i for i, w in enumerate(words)}  # pairs are written with the same spellings
    n = len(words)
    unigram = np.array([p for _, p, _ in unigrams]) * _LN10
    backoff = np.array([b for _, _, b in unigrams]) * _LN10
    keys = np.array([spelled[v] * n + spelled[w] for v, w, _ in pairs], dtype=np.int64)
    logp = np.array([p for _, _, p in pairs]) * _LN10
    order = np.argsort(keys, kind="stable")
    by_fold: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        if not w.startswith("<"):
            by_fold.setdefault(fold(w), []).append(i)
    ranked = {k: tuple(sorted(ids, key=lambda i: -unigram[i])) for k, ids in by_fold.items()}
    return SyllableModel(words, index, unigram, backoff, keys[order], logp[order], ranked, tuple(header))


def _as_key(word: str) -> str:
    return word if word.startswith("<") else syllable_key(word)


# --- the corrector -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """An alternative reading of a word, with the engine's confidence in it (0..100, the scale of
    Tesseract's word confidence: 5 points = one unit of the LSTM's negative log-probability)."""

    text: str
    confidence: float


@dataclass(frozen=True)
class OcrToken:
    text: str
    confidence: float = 100.0  # the engine's word confidence, 0..100
    alternatives: tuple[Reading, ...] = ()


@dataclass(frozen=True)
class Change:
    line: int
    position: int  # index of the token in its line
    before: str
    after: str
    reason: str  # why the reading was doubted, and where the replacement came from
    margin: float  # ln score of the best path over the best path keeping the reading


@dataclass(frozen=True)
class PageSummary:
    """Quality of a page's text without ground truth, for choosing between two readings."""

    words: int  # plain word tokens (no digits, no inner punctuation)
    valid_share: float  # of them, valid Vietnamese syllables, after correction
    known_share: float  # of them, syllables the model knows, after correction
    valid_share_before: float
    changes: int
    logprob_per_word: float  # mean ln P of the corrected text's stretches, per word


@dataclass(frozen=True)
class PageCorrection:
    lines: tuple[tuple[OcrToken, ...], ...]
    changes: tuple[Change, ...]
    summary: PageSummary


@dataclass(frozen=True)
class CorrectorSettings:
    """The channel model and the evidence a change needs, in natural-log units like the model's
    scores. The defaults are what `bench/lm_bench.py --calibrate` chose on its calibration pages
    (never the pages it reports on), where a broken word counts three times a fixed one."""

    change_cost: float = 1.0  # any change: a reading is right far more often than wrong
    mark_cost: float = 1.0  # per mark changed (a tone, a vowel mark, đ/d)
    confidence_cost: float = 2.0  # times the engine's confidence (0..1): sure readings cost more to change
    invalid_bonus: float = 0.0  # the reading is no syllable (the model already scores it as unseen)
    unknown_bonus: float = 1.0  # the reading is a syllable the model has never seen
    confusion_cost: float = 2.5  # a look-alike letter swapped (I/l, L/t, rn/m, cl/d)
    edit_cost: float = 4.0  # any one letter dropped, added or replaced (readings that are no known syllable)
    alternative_cost: float = 1.0  # an engine alternative, on top of its confidence gap
    margin: float = 2.0  # the best path must beat keeping the reading by this much (e² ≈ 7.4 to 1)
    sure_confidence: float = 96.0  # a known syllable read at least this sure is never changed
    max_candidates: int = 12  # fold-equal syllables tried per word, likeliest first
    max_mark_change: int = 3
    max_name_gap: float = 50.0  # engine confidence points an alternative that is a name may trail by


DEFAULT_SETTINGS: Final = CorrectorSettings()
# Look-alike letter groups Tesseract swaps on degraded scans: seen in the corpus's own noisy OCR
# ("Iưu" for lưu, "WỤ" for vụ) and on the benchmark's fax pages ("Lrong", "Lhời": t read as L).
# Digits are excluded: a token with a digit is never touched.
_CONFUSIONS: Final = (("I", "l"), ("l", "I"), ("L", "t"), ("rn", "m"), ("m", "rn"), ("cl", "d"), ("W", "V"), ("w", "v"))


@dataclass
class _Candidate:
    word_id: int
    text: str  # lower case, as it would be written
    cost: float  # channel cost of reading the token when this was printed (0 for the reading itself)
    source: str
    like: str = ""  # whose case pattern the replacement takes: the reading, or the reading with a
    # look-alike swapped ("Lrong" → "trong": the capital was the misreading, not the case)


@dataclass
class _Slot:
    """One word of the page in reading order: fixed, or with candidates (the first is the reading)."""

    line: int
    position: int
    candidates: list[_Candidate]
    reason: str = ""
    boundary_after: bool = False


def correct_line(tokens: Sequence[OcrToken], *, model: SyllableModel | None = None,
                 settings: CorrectorSettings = DEFAULT_SETTINGS) -> tuple[list[OcrToken], list[Change]]:
    """One line on its own: corrected tokens (same length, same order) and the changes made."""
    page = correct_page([tokens], model=model, settings=settings)
    return list(page.lines[0]) if page.lines else [], list(page.changes)


def correct_page(lines: Sequence[Sequence[OcrToken]], *, model: SyllableModel | None = None,
                 settings: CorrectorSettings = DEFAULT_SETTINGS) -> PageCorrection:
    """Correct a page given as lines of tokens. Context runs across line ends (a sentence wraps)
    and stops at punctuation; each stretch is searched alone."""
    model = model or load_model()
    chosen, logprob, scored = _search_page(lines, model, settings, propose=True)
    out_lines, changes = [], []
    for line_no, line in enumerate(lines):
        out: list[OcrToken] = []
        for position, token in enumerate(line):
            pick = chosen.get((line_no, position))
            if pick is None:
                named = _name_alternative(token, position, line, settings)
                if named is not None:
                    out.append(OcrToken(named, token.confidence, token.alternatives))
                    changes.append(Change(line_no, position, token.text, named,
                                          "not a name; the engine's alternative is one", 0.0))
                    continue
                out.append(token)
                continue
            candidate, margin, reason = pick
            prefix, core, suffix = _split_token(nfc(token.text))
            after = prefix + _same_case(candidate.text, candidate.like or core) + suffix
            out.append(OcrToken(after, token.confidence, token.alternatives))
            changes.append(Change(line_no, position, token.text, after, f"{reason}; {candidate.source}",
                                  round(margin, 2)))
        out_lines.append(tuple(out))
    summary = _summarise(lines, out_lines, changes, model, logprob, scored)
    return PageCorrection(tuple(out_lines), tuple(changes), summary)


def page_summary(lines: Sequence[Sequence[OcrToken]], *, model: SyllableModel | None = None) -> PageSummary:
    """The quality figures of a page as read, without correcting it."""
    model = model or load_model()
    _, logprob, scored = _search_page(lines, model, DEFAULT_SETTINGS, propose=False)
    return _summarise(lines, lines, [], model, logprob, scored)


def _search_page(lines: Sequence[Sequence[OcrToken]], model: SyllableModel, settings: CorrectorSettings, *,
                 propose: bool) -> tuple[dict[tuple[int, int], tuple[_Candidate, float, str]], float, int]:
    """The changes chosen per (line, position), the model's ln P of the resulting text, and the
    number of words it scored."""
    slots: list[_Slot] = []
    for line_no, line in enumerate(lines):
        propose_here = propose and _looks_like_text(line)
        english = _english_label_positions(line)
        for position, token in enumerate(line):
            slots.extend(_slots_of(token, line_no, position, line, model, settings,
                                   propose=propose_here and position not in english))
    chosen: dict[tuple[int, int], tuple[_Candidate, float, str]] = {}
    logprob, scored = 0.0, 0
    for stretch in _stretches(slots):
        picks, margins, score = _decide(stretch, model, settings)
        logprob += score + sum(slot.candidates[pick].cost for slot, pick in zip(stretch, picks))  # the model's part
        scored += len(stretch)
        for slot, pick, margin in zip(stretch, picks, margins):
            if pick > 0:
                chosen[(slot.line, slot.position)] = (slot.candidates[pick], margin, slot.reason)
    return chosen, logprob, scored


def _summarise(before: Sequence[Sequence[OcrToken]], after: Sequence[Sequence[OcrToken]], changes: Sequence[Change],
               model: SyllableModel, logprob: float, scored: int) -> PageSummary:
    def plain_words(lines: Sequence[Sequence[OcrToken]]) -> list[str]:
        found = []
        for line in lines:
            for token in line:
                core = _split_token(nfc(token.text))[1]
                if core and core.isalpha():
                    found.append(core)
        return found

    old, new = plain_words(before), plain_words(after)
    count = max(1, len(new))
    return PageSummary(
        words=len(new),
        valid_share=round(sum(map(is_valid_syllable, new)) / count, 4),
        known_share=round(sum(map(model.is_known, new)) / count, 4),
        valid_share_before=round(sum(map(is_valid_syllable, old)) / max(1, len(old)), 4),
        changes=len(changes),
        logprob_per_word=round(logprob / scored, 4) if scored else 0.0,
    )


@functools.lru_cache(maxsize=1 << 14)
def _split_token(text: str) -> tuple[str, str, str]:
    """(leading punctuation, the word, trailing punctuation); the word is "" unless the token
    holds exactly one run of letters and digits."""
    runs = list(word_matches(text))
    if len(runs) != 1:
        return text, "", ""
    run = runs[0]
    return text[:run.start()], run.group(), text[run.end():]


def _slots_of(token: OcrToken, line_no: int, position: int, line: Sequence[OcrToken], model: SyllableModel,
              settings: CorrectorSettings, *, propose: bool) -> Iterator[_Slot]:
    """The token's words as slots. Only a token holding one plain word gets candidates; the words
    of a mixed token ("NĐ-CP", "68/2020") are context, split at punctuation exactly as the
    training text was, and never changed; punctuation alone only ends a stretch."""
    text = nfc(token.text)
    runs = list(word_matches(text))
    if not runs or _breaks(text[:runs[0].start()]):
        yield _Slot(line_no, position, [], boundary_after=True)
    for i, run in enumerate(runs):
        word = run.group()
        after = text[run.end():runs[i + 1].start() if i + 1 < len(runs) else len(text)]
        reading = _Candidate(model.id_of(word), word.lower(), 0.0, "as read")
        candidates, reason = [reading], ""
        if propose and len(runs) == 1 and word.isalpha():
            candidates, reason = _candidates(token, word, reading, position, line, model, settings)
            if len(candidates) > 1 and reading.word_id == model.index[UNK]:
                # A word that is no syllable but has syllable-like candidates is a misread syllable,
                # not one of the abbreviations and foreign words <unk> learnt its contexts from
                # (these end sentences and follow "số"); score it as a syllable never seen.
                reading.word_id = model.index[OOV]
        yield _Slot(line_no, position, candidates, reason=reason, boundary_after=_breaks(after))


def _candidates(token: OcrToken, core: str, reading: _Candidate, position: int,
                line: Sequence[OcrToken], model: SyllableModel,
                settings: CorrectorSettings) -> tuple[list[_Candidate], str]:
    if len(core) == 1 or _is_roman(core):
        return [reading], ""  # list markers "a)", "đ)", form keys "F......", "Chương IV"
    valid = is_valid_syllable(core)
    known = valid and model.is_known(core)
    confidence = min(max(token.confidence, 0.0), 100.0)
    if known and confidence >= settings.sure_confidence:
        return [reading], ""
    if valid and not _may_replace_valid(core, position, line):
        return [reading], ""
    reason = "not a syllable" if not valid else "unknown syllable" if not known else "unlikely here"
    bonus = settings.invalid_bonus if not valid else settings.unknown_bonus if not known else 0.0
    base = settings.change_cost + settings.confidence_cost * confidence / 100.0 - bonus
    best: dict[int, _Candidate] = {reading.word_id: reading}
    reading_key = syllable_key(core)

    def offer(word_id: int, text: str, cost: float, source: str, like: str = "") -> None:
        if word_id == reading.word_id or (word_id in best and best[word_id].cost <= cost):
            return
        best[word_id] = _Candidate(word_id, text, cost, source, like)

    def offer_fold_equal(variant: str, extra: float, source: str) -> None:
        for word_id in model.by_fold.get(fold(variant), ())[: settings.max_candidates]:
            spelled = model.words[word_id]
            marks = marks_changed(variant, spelled) if syllable_key(spelled) != reading_key else 0
            if marks <= settings.max_mark_change:
                offer(word_id, spelled, base + extra + settings.mark_cost * marks, source, variant)

    offer_fold_equal(core, 0.0, "marks")
    for variant in _look_alikes(core):
        offer_fold_equal(variant, settings.confusion_cost, "look-alike letters")
    if not known and len(core) >= 3:
        # A reading that is no known syllable is surely wrong; the likeliest OCR error after a
        # mark is one letter dropped, added or misread ("sốn", "niguời", "giếy"). Not on two
        # letters: "kh", "HH", "tt" are specks and dot leaders read as letters, not words.
        for variant in _one_letter_edits(core, model):
            offer_fold_equal(variant, settings.edit_cost, "one letter")
    for alternative in token.alternatives:
        alt_core = _split_token(nfc(alternative.text))[1]
        if not alt_core.isalpha() or not is_valid_syllable(alt_core) or syllable_key(alt_core) == reading_key:
            continue
        gap = max(0.0, confidence - alternative.confidence) / 5.0  # Tesseract: conf = 100 - 5 * rating
        word_id = model.id_of(alt_core)
        text = model.words[word_id] if model.words[word_id] != OOV else alt_core.lower()
        offer(word_id, text, settings.change_cost + settings.alternative_cost + gap - bonus, "engine alternative")
    return list(best.values()), reason


def _look_alikes(core: str) -> Iterator[str]:
    """The reading with one look-alike letter group swapped."""
    for wrong, right in _CONFUSIONS:
        start = core.find(wrong)
        while start >= 0:
            yield core[:start] + right + core[start + len(wrong):]
            start = core.find(wrong, start + 1)


_PLAIN_LETTERS: Final = "abcdeghiklmnopqrstuvxy"


def _one_letter_edits(core: str, model: SyllableModel) -> Iterator[str]:
    """The reading with one letter dropped, inserted or replaced, keeping the marks of the other
    letters (and of a replaced vowel: "giếy" → "giấy"); only edits whose letters spell some known
    syllable are returned, so the model's fold index is the filter."""
    letters = [unicodedata.normalize("NFD", ch) for ch in nfc(core)]  # case kept: it decides the output's
    plain = fold(core)
    seen: set[str] = set()

    def known(folded: str) -> bool:
        if folded in seen or folded not in model.by_fold:
            return False
        seen.add(folded)
        return True

    for i in range(len(letters)):
        if known(plain[:i] + plain[i + 1:]):
            yield nfc("".join(letters[:i] + letters[i + 1:]))
        for letter in _PLAIN_LETTERS:
            if letter != plain[i] and known(plain[:i] + letter + plain[i + 1:]):
                if letters[i][0].isupper():
                    letter = letter.upper()  # the case of the letter it replaces: "Ghính" → "Chính"
                replaced = nfc(letter + letters[i][1:])
                yield nfc("".join(letters[:i]) + (replaced if len(replaced) == 1 else letter) + "".join(letters[i + 1:]))
    upper = _case_of(core) == "upper"
    for i in range(len(letters) + 1):
        for letter in _PLAIN_LETTERS:
            if known(plain[:i] + letter + plain[i:]):
                yield nfc("".join(letters[:i]) + (letter.upper() if upper else letter) + "".join(letters[i:]))


def _case_of(word: str) -> str:
    letters = [ch for ch in word if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return "upper"
    if letters and letters[0].isupper() and all(ch.islower() for ch in letters[1:]):
        return "title"
    if all(ch.islower() for ch in letters):
        return "lower"
    return "mixed"


@functools.cache
def name_syllables(path: Path = NAMES_FILE) -> frozenset[str]:
    """Keys of every syllable of data/vi_names.toml (surnames, middle and given names), the names
    lexicon of pipeline/stages/names.py. Empty when the file is absent: then no capitalised
    syllable is ever replaced by another (see `_may_replace_valid`)."""
    if not path.exists():
        return frozenset()
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return frozenset(syllable_key(name) for names in data.values() if isinstance(names, list) for name in names)


def _may_replace_valid(core: str, position: int, line: Sequence[OcrToken]) -> bool:
    """May a valid syllable be replaced by another valid one? Capitalised words are presumed to be
    names (a person, a place, an office): a rare given name is a valid syllable that context will
    always want to make common (DỤ → DU). So a lower-case word may be replaced; a capitalised one
    only when it is not a syllable of the names lexicon and its place says it is not a name:
    * Title case opening a sentence that goes on in lower case ("Nhũng quy định" → "Những"), or
      followed by a number ("Diều 5" → "Điều 5": references to articles, chapters, clauses);
    * ALL CAPS in a heading, a line of three or more words all in capitals ("NHŨNG QUY ĐỊNH").
    A capitalised word inside a sentence, or in a run of capitalised words (a full name), is
    changed only when it is no syllable at all."""
    case = _case_of(core)
    if case == "lower":
        return True
    names = name_syllables()
    if case == "mixed" or not names or syllable_key(core) in names:
        return False
    if case == "upper":
        cores = [_split_token(nfc(t.text))[1] for t in line]
        plain = [c for c in cores if c.isalpha()]
        return len(plain) >= 3 and all(_case_of(c) == "upper" or len(c) == 1 and c.isupper() for c in plain)
    previous = nfc(line[position - 1].text) if position > 0 else ""
    starts_sentence = position == 0 or previous.rstrip()[-1:] in ".:;!?"
    following = _split_token(nfc(line[position + 1].text))[1] if position + 1 < len(line) else ""
    if following.isdigit() or _is_roman(following):
        return True
    return starts_sentence and bool(following) and _case_of(following) == "lower"


def _name_alternative(token: OcrToken, position: int, line: Sequence[OcrToken],
                      settings: CorrectorSettings) -> str | None:
    """The token with its word replaced by the engine's own alternative reading when the word,
    in a run of ALL-CAPS words (a full name as civil-status papers print it), is no syllable of
    any name and the alternative is one with the same letters: "THUY" → "THÙY", "HÀNG" → "HẰNG",
    "TRẤN" → "TRẦN". The model cannot decide these (a given name's tone is not predictable from
    its neighbours, and `_may_replace_valid` keeps it from trying); the engine's hesitation over
    one mark, and a name on the other side of it, can. Letters never change here, only marks, and
    only within `settings.max_name_gap` of the engine's confidence in its first reading."""
    prefix, core, suffix = _split_token(nfc(token.text))
    names = name_syllables()
    if not core.isalpha() or _case_of(core) != "upper" or not names or syllable_key(core) in names:
        return None
    if is_valid_syllable(core) and _may_replace_valid(core, position, line):
        return None  # a heading in capitals: the model's business, not a name
    neighbours = [_split_token(nfc(line[i].text))[1] for i in (position - 1, position + 1) if 0 <= i < len(line)]
    if not any(n.isalpha() and _case_of(n) == "upper" for n in neighbours):
        return None
    for alternative in token.alternatives:  # likeliest first
        alt_core = _split_token(nfc(alternative.text))[1]
        if (alt_core.isalpha() and fold(alt_core) == fold(core) and syllable_key(alt_core) in names
                and token.confidence - alternative.confidence <= settings.max_name_gap):
            return prefix + nfc(alt_core.upper()) + suffix
    return None


_ENGLISH_LABEL_WORDS: Final = 4  # "Place of residence:", "Date of expiry:"


def _english_label_positions(line: Sequence[OcrToken]) -> set[int]:
    """Positions of the English half of a bilingual label: the words after a "/" up to the colon
    that ends the label within `_ENGLISH_LABEL_WORDS` words ("Họ và tên / Full name:", "Ngày sinh/
    Date of birth:", as identity cards print them). English is never to be made Vietnamese ("name"
    is one letter from "nam")."""
    found: set[int] = set()
    for position, token in enumerate(line):
        text = nfc(token.text)
        if text.startswith("/"):
            first = position  # "/ Full" or "/Full"
        elif text.endswith("/") and text.count("/") == 1:
            first = position + 1  # "tên/ Full": the slash ends a Vietnamese word
        else:
            continue
        for last in range(first, min(first + _ENGLISH_LABEL_WORDS, len(line))):
            if nfc(line[last].text).endswith(":"):
                found.update(range(first, last + 1))
                break
    return found


def _is_roman(word: str) -> bool:
    return bool(word) and all(ch in "IVXLCDM" for ch in word)


def _looks_like_text(line: Sequence[OcrToken]) -> bool:
    """Is the line text at all? A line where fewer than half of the plain words are syllables is
    specks, dot leaders, a stamp or another language read as letters ("cuc cuc ch TH HT HỖ kh"):
    making syllables of it would invent text, so it is left as read."""
    cores = [_split_token(nfc(t.text))[1] for t in line]
    plain = [c for c in cores if c.isalpha()]
    return sum(map(is_valid_syllable, plain)) * 2 >= len(plain)


def _same_case(spelled: str, like: str) -> str:
    case = _case_of(like)
    if case == "upper":
        return nfc(spelled.upper())
    if case == "title" or (case == "mixed" and like[:1].isupper()):
        return nfc(spelled[:1].upper() + spelled[1:])
    return spelled


def _stretches(slots: Iterable[_Slot]) -> Iterator[list[_Slot]]:
    current: list[_Slot] = []
    for slot in slots:
        if slot.candidates:
            current.append(slot)
        if slot.boundary_after or not slot.candidates:
            if current:
                yield current
            current = []
    if current:
        yield current


def _decide(stretch: list[_Slot], model: SyllableModel,
            settings: CorrectorSettings) -> tuple[list[int], list[float], float]:
    """Best candidate index per slot (0 = keep), the margin of each change, and the stretch's score.
    A change that does not win by `settings.margin` is pinned to the reading and the search rerun,
    so the result is always one consistent path."""
    pinned: set[int] = set()
    while True:
        picks, margins, score = _viterbi(stretch, model, pinned)
        weak = {i for i, (p, m) in enumerate(zip(picks, margins)) if p > 0 and m < settings.margin}
        if not weak:
            return picks, margins, score
        pinned |= weak


def _viterbi(stretch: list[_Slot], model: SyllableModel,
             pinned: set[int]) -> tuple[list[int], list[float], float]:
    options = [slot.candidates[:1] if i in pinned else slot.candidates for i, slot in enumerate(stretch)]
    ids = [np.array([c.word_id for c in opts]) for opts in options]
    emit = [np.array([-c.cost for c in opts]) for opts in options]
    bos, eos = np.array([model.index[BOS]]), np.array([model.index[EOS]])
    # forward[i][s]: best score of the words up to i with candidate s at i
    forward = [model.pair_matrix(bos, ids[0])[0] + emit[0]]
    back: list[np.ndarray] = []
    for i in range(1, len(options)):
        step = forward[-1][:, None] + model.pair_matrix(ids[i - 1], ids[i])
        back.append(np.argmax(step, axis=0))
        forward.append(step.max(axis=0) + emit[i])
    # backward[i][s]: best score of the words after i given candidate s at i
    backward = [model.pair_matrix(ids[-1], eos)[:, 0]]
    for i in range(len(options) - 2, -1, -1):
        step = model.pair_matrix(ids[i], ids[i + 1]) + (emit[i + 1] + backward[-1])[None, :]
        backward.append(step.max(axis=1))
    backward.reverse()
    total = forward[-1] + backward[-1]
    path = [int(np.argmax(total))]
    for pointers in reversed(back):
        path.insert(0, int(pointers[path[0]]))
    best = float(total.max())
    margins = []
    for i, pick in enumerate(path):
        through = forward[i] + backward[i]  # best path score through each candidate at i
        margins.append(float(best - through[0]) if pick > 0 else 0.0)
    return path, margins, best


# --- Tesseract's alternative readings ----------------------------------------------------------


def lstm_alternatives(word_text: str, word_confidence: float, symbol_choices: Sequence[Sequence[tuple[str, float]]],
                      *, max_gap: float = 12.0, limit: int = 6) -> tuple[Reading, ...]:
    """Word readings that differ from `word_text` in one symbol, from Tesseract's per-symbol LSTM
    choices (ResultIterator.GetBestLSTMSymbolChoices() with lstm_choice_mode=2: per symbol, a list
    of (symbol, rating), the chosen one first, rating = summed negative log-probability of its
    timesteps). The confidence of an alternative is put on the engine's word scale, 5 points per
    rating unit (Tesseract's own conversion), so the corrector treats both alike. Nothing is
    returned when the choices do not line up one to one with the word's symbols (after dropping
    the step of the space before the word)."""
    symbols = list(nfc(word_text))
    # Every word but the first of a line starts with a step for the space before it.
    steps = [choices for choices in symbol_choices if not (choices and choices[0][0].isspace())]
    if len(steps) != len(symbols):
        return ()
    found: dict[str, float] = {}
    for i, choices in enumerate(steps):
        if not choices:
            continue
        best_rating = min(rating for _, rating in choices)
        for symbol, rating in choices:
            symbol = nfc(symbol)
            gap = rating - best_rating
            if symbol == symbols[i] or gap > max_gap or len(symbol) != 1 or not symbol.isalpha():
                continue
            text = "".join(symbols[:i]) + symbol + "".join(symbols[i + 1:])
            confidence = max(0.0, word_confidence - 5.0 * gap)
            found[text] = max(found.get(text, 0.0), confidence)
    ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return tuple(Reading(text, round(conf, 2)) for text, conf in ranked)
