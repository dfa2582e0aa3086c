"""What reading a document finds: a value with the text and page it was read from, and the factors
that lower its confidence."""

from __future__ import annotations

from dataclasses import dataclass, field

# Confidence factors: a value that failed validation, or was found without its label.
FAILED_VALIDATION = 0.3
UNLABELLED = 0.6
REPAIRED_DIGITS = 0.6  # an ID chosen among the readings of look-alike letters: an operator should glance at it


@dataclass
class Value:
    value: str
    raw: str  # the text it was read from, to look up OCR word confidences
    page: int  # 1-based within the document
    factor: float = 1.0
    details: dict = field(default_factory=dict)
