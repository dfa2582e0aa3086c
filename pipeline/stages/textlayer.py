"""Text layer: is the text embedded in a PDF page good enough to replace OCR?

Born-digital PDFs carry their exact text, and reading it is a hundred times faster than OCR.
But scanners add an OCR layer of their own, often with the diacritics stripped ("CONG Hcok xA
HQI CHiJ NGHiA"); signing tools put a text stamp ("Ký bởi: …") on a scanned page that holds
nothing else; some word processors write headings letter by letter ("Đ Ạ I  H Ọ C"). A layer
replaces OCR only when

* its words are Vietnamese: most are syllables of the shipped word list (data/vie_syllables.txt),
  and enough carry the marks Vietnamese writes (a stripped layer has none);
* it is not letter-spaced;
* on a scanned page (a raster image covering most of it), its lines span the page, not a corner.

The verdict and the figures behind it are recorded per page, so a reviewer can see why a page
was or was not OCR'd.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.domain import LayerPage
from pipeline.stages.vietnamese.syllables import has_vietnamese_marks, is_syllable
from pipeline.textnorm import words

MIN_KNOWN_SHARE = 0.80  # share of words that are Vietnamese syllables
MIN_MARKED_SHARE = 0.50  # share of words with Vietnamese marks; running text has ~70 %, stripped text 0
MIN_SINGLE_LETTERS = 5  # fewer are list items or a Roman numeral ("PHỤ LỤC I"), not letter-spacing
MAX_SINGLE_LETTER_SHARE = 0.08  # letter-spaced text is mostly one-letter "words"; decrees stay under 0.05 ("a)")
SCANNED_IMAGE_SHARE = 0.5  # a page with a raster image over half its area is a scan
MIN_SCAN_COVERAGE = 0.4  # on a scan, the layer's lines must span this share of the page height
MIN_SCAN_WORDS = 20  # ... and hold at least this many words (a signature stamp holds a dozen)


@dataclass(frozen=True)
class Verdict:
    trusted: bool
    reason: str
    figures: dict[str, Any] = field(default_factory=dict)

    def as_details(self) -> dict[str, Any]:
        return {"used": self.trusted, "reason": self.reason, **self.figures}


def judge(page: LayerPage) -> Verdict:
    """Trust the layer, or say why it must be OCR'd instead."""
    tokens = [w for w in words(page.text) if w.isalpha()]
    known = sum(1 for w in tokens if is_syllable(w))
    marked = sum(1 for w in tokens if has_vietnamese_marks(w))
    single = sum(1 for w in tokens if len(w) == 1)
    count = max(1, len(tokens))
    figures = {
        "words": len(tokens),
        "known_share": round(known / count, 3),
        "marked_share": round(marked / count, 3),
        "single_letter_share": round(single / count, 3),
        "coverage": round(_vertical_coverage(page), 3),
        "image_share": round(page.image_share, 3),
    }
    scanned = page.image_share >= SCANNED_IMAGE_SHARE
    if not tokens:
        return Verdict(False, "no text layer", figures)
    if figures["known_share"] < MIN_KNOWN_SHARE or figures["marked_share"] < MIN_MARKED_SHARE:
        return Verdict(False, f"garbled text: {figures['known_share']:.0%} Vietnamese words, "
                              f"{figures['marked_share']:.0%} with diacritics", figures)
    if single >= MIN_SINGLE_LETTERS and figures["single_letter_share"] > MAX_SINGLE_LETTER_SHARE:
        return Verdict(False, f"letter-spaced text ({figures['single_letter_share']:.0%} one-letter words)", figures)
    if scanned and (figures["coverage"] < MIN_SCAN_COVERAGE or len(tokens) < MIN_SCAN_WORDS):
        return Verdict(False, f"scanned page whose text layer covers only {figures['coverage']:.0%} "
                              f"of its height ({len(tokens)} words): a stamp or signature", figures)
    return Verdict(True, "good Vietnamese text" + (" covering the scanned page" if scanned else ""), figures)


def _vertical_coverage(page: LayerPage) -> float:
    """Share of the page height spanned by the layer's words (top of the first to bottom of the last)."""
    if not page.words or page.height <= 0:
        return 0.0
    top = min(w.y0 for w in page.words)
    bottom = max(w.y1 for w in page.words)
    return max(0.0, min(1.0, (bottom - top) / page.height))
