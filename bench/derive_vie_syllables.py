"""Derive pipeline/data/vie_syllables.txt, the word list the text-layer judge checks against.

    .venv/bin/python bench/derive_vie_syllables.py [--corpus ../shared/corpus]

A maintenance script, run once when the list changes (the result is committed, so the project
works on a fresh clone without ../shared). Source: the Vietnamese word lists of Tesseract's
langdata and langdata_lstm (Apache-2.0, see pipeline/data/README.md). Those lists come from a web
crawl and hold English words, typos and, worse for us, diacritic-stripped spellings ("nguoi",
"dien", "viet"): exactly what a garbled scanner text layer looks like. So a word is kept only when
it is a well-formed Vietnamese syllable: a known onset, a vowel cluster Vietnamese spelling
allows, a final that fits it, at most one tone mark, and a sắc or nặng tone on syllables closed by
p, t, c or ch. Stripped spellings fail these rules ("dien": "ie" needs its circumflex; "viet":
likewise; "phuc": a -c syllable without a tone) and drop out.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pipeline" / "data" / "vie_syllables.txt"
SOURCES = ("langdata/vie.wordlist", "langdata/vie.wordlist.clean", "langdata_lstm/vie.wordlist")

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
CHECKED_TONES = {"\u0301", "\u0323"}  # the only tones a syllable closed by p/t/c/ch takes
ONSETS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
FINALS = ("ch", "nh", "ng", "c", "m", "n", "p", "t", "")
CHECKED_FINALS = {"p", "t", "c", "ch"}
NEEDS_FINAL = {"ă", "â", "iê", "yê", "uô", "ươ", "oă", "uâ", "uyê", "oo"}
OPEN_ONLY = {"ia", "ua", "ưa", "uya", "ai", "ay", "ây", "ao", "au", "âu", "eo", "êu", "iu", "oi", "ôi", "ơi",
             "ui", "ưi", "ưu", "iêu", "yêu", "uôi", "ươi", "ươu", "oai", "oay", "oao", "oeo", "uây", "uyu",
             "ya", "uơ"}
SIMPLE = {"a", "ă", "â", "e", "ê", "i", "y", "o", "ô", "ơ", "u", "ư", "oa", "oe", "uê", "uy"}
CLUSTERS = SIMPLE | NEEDS_FINAL | OPEN_ONLY
PALATAL_FINALS = {"ch", "nh"}
PALATAL_CLUSTERS = {"a", "ê", "i", "y", "oa", "uê", "uy"}
FRONT = ("i", "e", "ê", "y")


def split_tone(word: str) -> tuple[str, list[str]]:
    """The word without its tone marks (vowel marks kept), and the tone marks found."""
    tones, kept = [], []
    for ch in unicodedata.normalize("NFD", word):
        (tones if ch in TONES else kept).append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tones


def is_syllable(word: str) -> bool:
    base, tones = split_tone(word)
    if len(tones) > 1 or not base or any(ch not in "abcdđeghiklmnopqrstuvxyăâêôơư" for ch in base):
        return False
    for onset in ONSETS:
        if not base.startswith(onset):
            continue
        rest = base[len(onset):]
        if onset == "gi" and not any(ch in "aăâeêoôơuưy" for ch in rest):
            continue  # "gì", "gìn": g + i, tried with onset "g"
        if onset == "qu" and rest.startswith(("u", "o")):
            continue
        for final in FINALS:
            if final and not rest.endswith(final):
                continue
            cluster = rest[: len(rest) - len(final)] if final else rest
            if onset == "qu" and cluster in {"y", "yê", "ya", "yu"}:
                cluster = "u" + cluster  # "quy", "quyết": the u is written once
            if cluster not in CLUSTERS:
                continue
            if final and cluster in OPEN_ONLY or not final and cluster in NEEDS_FINAL:
                continue
            if final in PALATAL_FINALS and cluster not in PALATAL_CLUSTERS:
                continue
            if final in CHECKED_FINALS and not (tones and tones[0] in CHECKED_TONES):
                continue
            if onset in ("k", "gh", "ngh") and not cluster.startswith(FRONT):
                continue
            if onset in ("c", "g", "ng") and cluster.startswith(FRONT) and not (onset == "g" and cluster[0] == "i"):
                continue  # ... except "gì", "gìn", where gi and i share the letter
            return True
    return False


def derive(corpus: Path) -> list[str]:
    langdata = corpus / "tesseract-langdata-vie"
    words: set[str] = set()
    for relative in SOURCES:
        for line in (langdata / relative).read_text(encoding="utf-8").splitlines():
            word = unicodedata.normalize("NFC", line.strip()).lower()
            if word and is_syllable(word):
                words.add(word)
    return sorted(words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args(argv)
    if not (args.corpus / "tesseract-langdata-vie").is_dir():
        print(f"{args.corpus}/tesseract-langdata-vie not found", file=sys.stderr)
        return 1
    syllables = derive(args.corpus)
    header = ("# Vietnamese syllables, lower case, NFC. Derived by bench/derive_vie_syllables.py from the word lists\n"
              "# of tesseract-ocr/langdata and langdata_lstm (Apache-2.0); see pipeline/data/README.md.\n")
    OUT.write_text(header + "\n".join(syllables) + "\n", encoding="utf-8")
    print(f"{len(syllables)} syllables written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
