"""Build pipeline/data/vi_syllable_lm.tsv.gz, the syllable bigram model of the Vietnamese OCR corrector.

    .venv/bin/python tools/build_syllable_lm.py [--corpus ../shared/corpus] [--out pipeline/data/vi_syllable_lm.tsv.gz]

A maintenance script: the model is committed, so dossier works on a clone without ../shared; run
this again when the sources or the rules below change. The output is byte-for-byte reproducible
(sorted, fixed number format, gzip without a time stamp, no date in the header).

Sources (all in ../shared/corpus, see its MANIFEST.md):

* running text, counted as syllable bigrams within stretches between punctuation (a comma does
  not end a stretch: see `segments` in the corrector), TEXT_WEIGHT = 3 per occurrence:
  - vn-legal-text/rightly-civil-status-laws: the clean consolidated laws luat26, luat46, luat52
    (luat68 is held out, below). luat60 and every nd* file there are themselves noisy OCR output
    ("Đíều", "Iưu", "dẳng"): they are EXCLUDED, because a model that learns "dẳng ký" would keep
    exactly the errors it exists to fix;
  - vn-legal-text/nd30-2020-van-thu/nghi-dinh/30-2020-ND-CP/van-ban-goc/*/*.md: Nghị định 30/2020
    and its six appendices as converted from the Word originals. The noi-dung.md and phu-luc/
    copies repeat the same text with the holding project's own notes, and are skipped;
  - vn-form-templates .txt (blank citizen forms), NFC-normalised first (18 mix decomposed and
    precomposed marks), one per group of near-copies (the 54 category files repeat the 65
    others, some with small edits; 90% similar or more counts as a copy);
* tesseract-langdata-vie word bigrams (vie.word.bigrams, vie.word.bigrams.clean: a web crawl, one
  pair a line, no counts): each distinct pair whose two words are syllables (or digits, written
  "?") counts once, a broad but shallow view of general Vietnamese. The weight of running text
  against these pairs was chosen on a law left out of a trial build (luat52, built from luat26
  and luat46 only; perplexity per token): weight 1: 88.2, 3: 73.8, 10: 77.5, 30: 92.7; without
  the web pairs at all 95.9. So the web pairs help on text of another field, at weight 3;
* vocabulary only (a syllable may be corrected to them, with the model's floor probability):
  vie.wordlist, vie.wordlist.clean, langdata_lstm/vie.wordlist, vie.frequent_words_list and the
  words of vie.training_text (a shuffled word soup: its order means nothing).

Every word is mapped as the corrector maps it (pipeline.stages.vietnamese.lm.model_token): a
valid syllable to its key (lower case, tone placement normalised), a word with a digit to <num>,
anything else to <unk>. Words of the web lists that are not well-formed syllables (English,
typos, stripped spellings like "nguoi") are dropped.

Held out for bench/lm_bench.py, never counted: luat68_2020.md (Luật Cư trú) in full, and the forms
whose content hash (sha1 of the NFC text with whitespace squashed) is divisible by 5, about a fifth
of them; near-copies were merged first, so no copy of a held-out form is trained on.
`held_out_texts` gives the bench exactly these texts.

Smoothing: interpolated modified Kneser-Ney (Chen & Goodman 1998) with discounts D1, D2, D3+ from
the count-of-counts of the bigrams, and a continuation unigram distribution interpolated with a
uniform one over the whole vocabulary (D from its own count-of-counts), so a syllable seen only
in a word list still gets a probability. The file is ARPA-like: per word log10 P1 and log10 of
its backoff weight; per seen pair the interpolated log10 P(w|v); any other pair is
backoff(v) · P1(w). <oov> carries the probability of one valid syllable the model has never seen.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline.stages.vietnamese.lm import (  # noqa: E402
    BOS,
    EOS,
    NUM,
    OOV,
    UNK,
    model_token,
    segments,
)
from pipeline.stages.vietnamese.syllables import is_valid_syllable  # noqa: E402
from pipeline.textnorm import nfc, squash_spaces  # noqa: E402

OUT = ROOT / "pipeline" / "data" / "vi_syllable_lm.tsv.gz"
LAWS = ("luat26_2023.md", "luat46_2024.md", "luat52_2014.md")
HELD_OUT_LAW = "luat68_2020.md"
EXCLUDED_NOISY = ("luat60_2014.md", "nd*.md")
LAW_DIR = "vn-legal-text/rightly-civil-status-laws"
DECREE_DIR = "vn-legal-text/nd30-2020-van-thu/nghi-dinh/30-2020-ND-CP/van-ban-goc"
FORMS_DIR = "vn-form-templates/KLTN-DocFilling/Text"
LANGDATA = "tesseract-langdata-vie"
WEB_BIGRAMS = ("langdata/vie.word.bigrams", "langdata/vie.word.bigrams.clean")
WORD_LISTS = ("langdata/vie.wordlist", "langdata/vie.wordlist.clean", "langdata_lstm/vie.wordlist",
              "langdata/vie.frequent_words_list", "langdata/vie.training_text")
FORM_HOLDOUT_MODULUS = 5
NEAR_COPY = 0.9  # forms this similar (normalised edit distance) count as one
TEXT_WEIGHT = 3  # see the module docstring: chosen by perplexity on a law left out of a trial build
SPECIALS = (BOS, EOS, NUM, UNK, OOV)


@dataclass(frozen=True)
class Text:
    name: str  # path relative to the corpus
    text: str  # NFC


class CorpusMissing(Exception):
    """The development corpus is not where --corpus says."""


# --- which texts -------------------------------------------------------------------------------


def form_texts(corpus: Path) -> list[Text]:
    """The form .txt files, NFC, one per group of near-copies (sorted by name, the first kept).
    The 54 category files repeat the 65 others, some with small edits ("60_xac_minh_cccd" and
    "25_don_de_nghi_xac _minh_cmnd" are the same form): a near-copy on each side of the held-out
    line would leak the benchmark's text into the model."""
    kept: list[Text] = []
    for path in sorted((corpus / FORMS_DIR).rglob("*.txt"), key=lambda p: nfc(str(p))):
        text = nfc(path.read_text(encoding="utf-8-sig"))
        squashed = squash_spaces(text)
        if any(Levenshtein.normalized_similarity(squashed, squash_spaces(k.text)) >= NEAR_COPY for k in kept):
            continue
        kept.append(Text(nfc(str(path.relative_to(corpus))), text))
    return kept


def content_hash(text: str) -> str:
    return hashlib.sha1(squash_spaces(nfc(text)).encode("utf-8")).hexdigest()


def is_held_out_form(text: Text) -> bool:
    return int(content_hash(text.text), 16) % FORM_HOLDOUT_MODULUS == 0


def training_texts(corpus: Path) -> list[Text]:
    texts = [Text(f"{LAW_DIR}/{name}", nfc((corpus / LAW_DIR / name).read_text(encoding="utf-8"))) for name in LAWS]
    for path in sorted((corpus / DECREE_DIR).glob("*/*.md")):
        texts.append(Text(nfc(str(path.relative_to(corpus))), nfc(path.read_text(encoding="utf-8"))))
    texts += [t for t in form_texts(corpus) if not is_held_out_form(t)]
    return texts


def held_out_texts(corpus: Path) -> list[Text]:
    """The texts the model never saw, for the benchmark: the held-out law, then the held-out forms."""
    law = Text(f"{LAW_DIR}/{HELD_OUT_LAW}", nfc((corpus / LAW_DIR / HELD_OUT_LAW).read_text(encoding="utf-8")))
    return [law] + [t for t in form_texts(corpus) if is_held_out_form(t)]


def check_corpus(corpus: Path) -> None:
    needed = [corpus / LAW_DIR, corpus / DECREE_DIR, corpus / FORMS_DIR, corpus / LANGDATA]
    missing = [str(p) for p in needed if not p.is_dir()]
    if missing:
        raise CorpusMissing(f"development corpus not found: {', '.join(missing)}\n"
                            f"pass --corpus with the folder holding MANIFEST.md (default: ../shared/corpus)")


# --- counting ----------------------------------------------------------------------------------


@dataclass
class Counts:
    pairs: Counter[tuple[str, str]]
    spellings: defaultdict[str, Counter[str]]  # key → lower-case spellings seen, with counts
    vocabulary: set[str]
    tokens: Counter[str]  # per source group, for the header


def count(corpus: Path) -> Counts:
    counts = Counts(Counter(), defaultdict(Counter), set(SPECIALS), Counter())
    for text in training_texts(corpus):
        group = "forms" if text.name.startswith("vn-form") else "legal"
        for stretch in segments(strip_markup(text.text)):
            tokens = [_note(word, counts) for word in stretch]
            counts.tokens[group] += len(tokens)
            for v, w in zip([BOS, *tokens], [*tokens, EOS]):
                counts.pairs[(v, w)] += TEXT_WEIGHT
    web: set[tuple[str, str]] = set()
    for relative in WEB_BIGRAMS:
        for line in (corpus / LANGDATA / relative).read_text(encoding="utf-8").splitlines():
            parts = nfc(line).split()
            if len(parts) == 2 and all(_web_word_ok(p) for p in parts):
                web.add((parts[0], parts[1]))
    for a, b in sorted(web):
        counts.pairs[(_note(a, counts), _note(b, counts))] += 1
    counts.tokens["web pairs"] = len(web)
    for relative in WORD_LISTS:
        for word in nfc((corpus / LANGDATA / relative).read_text(encoding="utf-8")).split():
            if word.isalpha() and is_valid_syllable(word):
                _note(word, counts, weight=0)
    return counts


_FOOTNOTE = re.compile(r"\[\d+\]")


def strip_markup(text: str) -> str:
    """Markdown emphasis and headings are punctuation to `segments` already; footnote marks
    ("Luật Cư trú[1].") would be read as a <num> word inside the sentence, so they become a break."""
    return _FOOTNOTE.sub(" | ", text)


def _web_word_ok(word: str) -> bool:
    return set(word) == {"?"} or (word.isalpha() and is_valid_syllable(word))


def _note(word: str, counts: Counts, weight: int = 1) -> str:
    token = NUM if set(word) == {"?"} else model_token(word)
    if token not in (NUM, UNK):
        counts.vocabulary.add(token)
        counts.spellings[token][word.lower()] += weight
    return token


# --- Kneser-Ney --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    unigram: dict[str, float]  # P1
    backoff: dict[str, float]  # λ(v), 1.0 for words never seen as a context
    pairs: dict[tuple[str, str], float]  # interpolated P(w|v) of seen pairs
    discounts: tuple[float, float, float]
    unigram_discount: float


def discounts_of(counts: Iterable[int]) -> tuple[float, float, float]:
    n = Counter(c for c in counts if c <= 4)
    y = n[1] / (n[1] + 2 * n[2])
    return (1 - 2 * y * n[2] / n[1], 2 - 3 * y * n[3] / n[2], 3 - 4 * y * n[4] / n[3])


def kneser_ney(counts: Counts) -> Model:
    pairs = counts.pairs
    d1, d2, d3 = discounts_of(pairs.values())
    context_total: Counter[str] = Counter()
    context_kinds: defaultdict[str, Counter[int]] = defaultdict(Counter)
    continuation: Counter[str] = Counter()
    for (v, w), c in pairs.items():
        context_total[v] += c
        context_kinds[v][min(c, 3)] += 1
        continuation[w] += 1
    # Unigrams: continuation counts, discounted, the mass freed spread evenly over the vocabulary
    # (every syllable of the word lists, plus <oov> standing for one unseen syllable).
    vocabulary = sorted(counts.vocabulary - {BOS})
    cont_n = Counter(continuation.values())
    du = cont_n[1] / (cont_n[1] + 2 * cont_n[2])
    total = sum(continuation.values())
    uniform = du * len(continuation) / total / len(vocabulary)
    unigram = {w: max(continuation[w] - du, 0.0) / total + uniform for w in vocabulary}
    unigram[BOS] = 0.0
    discount = {1: d1, 2: d2, 3: d3}
    backoff = {v: (d1 * kinds[1] + d2 * kinds[2] + d3 * kinds[3]) / context_total[v]
               for v, kinds in context_kinds.items()}
    interpolated = {(v, w): (c - discount[min(c, 3)]) / context_total[v] + backoff[v] * unigram[w]
                    for (v, w), c in pairs.items()}
    return Model(unigram, backoff, interpolated, (d1, d2, d3), du)


# --- writing -----------------------------------------------------------------------------------


def display_form(key: str, counts: Counts) -> str:
    """The commonest lower-case spelling of a syllable (ties: alphabetical), so the corrector
    writes what the corpus writes; the special tokens stand for themselves."""
    if key in SPECIALS:
        return key
    spellings = counts.spellings[key]
    return min(spellings, key=lambda s: (-spellings[s], s))


def render(model: Model, counts: Counts, corpus_name: str) -> bytes:
    def lg(p: float) -> str:
        return "-99" if p <= 0 else f"{math.log10(p):.4f}"

    shown = {w: display_form(w, counts) for w in model.unigram}
    words = sorted(model.unigram, key=lambda w: shown[w])
    d1, d2, d3 = model.discounts
    header = [
        "vi_syllable_lm: Vietnamese syllable bigrams, interpolated modified Kneser-Ney",
        f"built by tools/build_syllable_lm.py from {corpus_name} (see that script for the rules)",
        "running text: " + ", ".join(LAWS) + f"; {DECREE_DIR}/*/*.md; forms of {FORMS_DIR} (NFC, deduplicated)",
        f"held out: {HELD_OUT_LAW}; forms whose content sha1 % {FORM_HOLDOUT_MODULUS} == 0",
        "excluded as noisy OCR: " + ", ".join(EXCLUDED_NOISY),
        f"web pairs: {', '.join(WEB_BIGRAMS)} (each distinct syllable pair counted once)",
        f"vocabulary also from: {', '.join(WORD_LISTS)}",
        f"running-text tokens: legal {counts.tokens['legal']}, forms {counts.tokens['forms']}, each counted "
        f"{TEXT_WEIGHT} times; web pairs {counts.tokens['web pairs']}, each counted once",
        f"vocabulary {len(words)} (incl. {', '.join(SPECIALS)}); seen pairs {len(model.pairs)}",
        f"discounts D1 {d1:.4f} D2 {d2:.4f} D3+ {d3:.4f}; unigram discount {model.unigram_discount:.4f}",
        "sections: \\1-grams word, log10 P1, log10 backoff; \\2-grams v, w, log10 P(w|v)",
        "words are the commonest lower-case spelling; lookups use the key (tone placement ignored)",
    ]
    out = io.StringIO()
    for line in header:
        out.write(f"# {line}\n")
    out.write("\\1-grams\n")
    for w in words:
        out.write(f"{shown[w]}\t{lg(model.unigram[w])}\t{lg(model.backoff.get(w, 1.0)) if w in model.backoff else '0'}\n")
    out.write("\\2-grams\n")
    for (v, w) in sorted(model.pairs, key=lambda pair: (shown[pair[0]], shown[pair[1]])):
        out.write(f"{shown[v]}\t{shown[w]}\t{lg(model.pairs[(v, w)])}\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(out.getvalue().encode("utf-8"))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    try:
        check_corpus(args.corpus)
    except CorpusMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    counts = count(args.corpus)
    model = kneser_ney(counts)
    data = render(model, counts, "../shared/corpus")
    args.out.write_bytes(data)
    print(f"{args.out}: {len(model.unigram)} words, {len(model.pairs)} pairs, {len(data) / 1e6:.2f} MB; "
          f"tokens {dict(counts.tokens)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
