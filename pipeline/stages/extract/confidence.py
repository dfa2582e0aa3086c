"""How sure the OCR was of a value: the confidences of the recognised words it was read from."""

from __future__ import annotations

from pipeline.domain import PageText
from pipeline.textnorm import nfc

_PUNCTUATION = " .,;:()[]/\"'"
# A value whose words cannot all be found among the page's words: OCR text and word list
# disagree (hyphenation, merged words), so trust it less than the page as a whole.
_UNMATCHED_FACTOR = 0.8


def _clean(token: str) -> str:
    return nfc(token).strip(_PUNCTUATION)


def ocr_confidence(page: PageText, raw: str) -> float:
    """0..1: mean word confidence of `raw` on the page; the page mean when the words are not found."""
    if page.method == "text_layer":
        return 1.0  # embedded text is exactly what was typed
    page_level = max(0.0, min(1.0, page.confidence / 100))
    tokens = [t for t in (_clean(t) for t in raw.split()) if t]
    if not tokens or not page.words:
        return page_level * (_UNMATCHED_FACTOR if not page.words else 1.0)
    texts = [_clean(w.text) for w in page.words]
    n = len(tokens)
    for i in range(len(texts) - n + 1):
        if texts[i:i + n] == tokens:
            return sum(w.confidence for w in page.words[i:i + n]) / n / 100
    confidences = {}
    for word, text in zip(page.words, texts):
        confidences.setdefault(text, word.confidence)
    found = [confidences[t] for t in tokens if t in confidences]
    if not found:
        return page_level * _UNMATCHED_FACTOR
    share = len(found) / n
    return (sum(found) / len(found) / 100) * (share + (1 - share) * _UNMATCHED_FACTOR)
