"""Vietnamese personal names: post-correction of OCR'd names against a lexicon.

First version: names pass through unchanged (NFC, single spaces, capitals as printed).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.textnorm import nfc, squash_spaces


@dataclass(frozen=True)
class NameCorrection:
    name: str  # the corrected name, NFC, as printed (capitals kept)
    changed: bool  # True when a token was replaced from the lexicon
    confidence: float  # 0..1: how sure the lexicon is about the result


def correct_name(name: str) -> NameCorrection:
    cleaned = squash_spaces(nfc(name))
    return NameCorrection(cleaned, changed=False, confidence=1.0)
