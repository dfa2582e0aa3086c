"""Plain data passed between stages. No I/O, no database: stages stay testable alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from PIL import Image

from pipeline.i18n import N_


class BatchStatus(StrEnum):
    """Where a batch stands. `store.lifecycle` performs every change of it, each recorded as an event.

    `received` and `archived` are steps intake records as events in the same
    transaction that queues the batch (or fails it): no row rests in them.
    """

    RECEIVED = "received"
    ARCHIVED = "archived"
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    DISMISSED = "dismissed"  # failed, and an operator said it will not be fixed (original kept)


@dataclass
class PageSource:
    """One page of an original file, as rasterize hands it on."""

    file_ordinal: int  # which file of the batch (0-based)
    file_page: int  # 1-based page within that file
    image: Image.Image | None  # None when only the text layer is needed (trusted born-digital page)
    dpi: int
    text_layer: str | None = None  # embedded text, for PDFs that carry one
    details: dict[str, Any] = field(default_factory=dict)
    layer_words: list[Word] = field(default_factory=list)  # the text layer's words, boxes in px at `dpi`


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float  # 0..100
    left: int
    top: int
    width: int
    height: int

    def as_row(self) -> list[Any]:
        return [self.text, round(self.confidence, 1), self.left, self.top, self.width, self.height]

    @classmethod
    def from_row(cls, row: list[Any]) -> Word:
        text, conf, left, top, width, height = row
        return cls(text, float(conf), int(left), int(top), int(width), int(height))


@dataclass
class OcrResult:
    """What an engine read on one page image (also what the OCR cache keeps)."""

    text: str
    confidence: float  # 0..100, mean over words
    words: list[Word] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # how the page was read (kept with cached results)


@dataclass(frozen=True)
class LayerWord:
    """A word of a PDF's embedded text layer."""

    text: str
    x0: float  # PDF points from the top-left corner of the page
    y0: float
    x1: float
    y1: float


@dataclass
class LayerPage:
    """The embedded text of one PDF page, with the geometry `textlayer.judge` needs."""

    text: str
    words: list[LayerWord]
    width: float  # page size in points
    height: float
    image_share: float = 0.0  # share of the page area covered by raster images (0..1)


@dataclass
class PageText:
    """The text of one page and how it was obtained."""

    file_ordinal: int
    file_page: int
    text: str  # NFC
    confidence: float  # 0..100
    method: str  # "ocr" | "text_layer"
    words: list[Word] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # preprocessing steps, text-layer decision


# Who set a document's type or a field's value: the pipeline, or an operator by hand (final).
CLASSIFIER, EXTRACTED, OPERATOR = "classifier", "extracted", "operator"


@dataclass(frozen=True)
class Classification:
    doc_type: str
    confidence: float  # 0..1, calibrated
    evidence: dict[str, Any] = field(default_factory=dict)
    source: str = "classifier"  # classifier | operator (set by hand: final)


@dataclass(frozen=True)
class ExtractedField:
    name: str
    value: str  # normalised: NFC, ISO dates, digits only for numbers
    confidence: float  # 0..1
    page: int | None  # 1-based within the document
    details: dict[str, Any] = field(default_factory=dict)
    source: str = "extracted"  # extracted | operator (typed by hand: final)


@dataclass(frozen=True)
class OperatorCorrection:
    """What operators set by hand on a filed document; reprocessing its batch applies it again."""

    doc_type: str | None  # the type an operator chose, if any
    fields: tuple[ExtractedField, ...]  # the values operators typed


@dataclass
class DocumentResult:
    pages: list[PageText]
    classification: Classification
    fields: list[ExtractedField]
    review_reasons: list[str] = field(default_factory=list)
    # Values extraction saw printed but could not read, each a note starting with the field's name
    # ("date_of_birth unreadable: read '()4,05..1.95'"); the dossier's other documents may supply them.
    unread: list[str] = field(default_factory=list)
    # What such a value may be, by field ("date_of_birth": its readings with a Z as a 2 and as a 7).
    candidates: dict[str, list[str]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)

    @property
    def unread_fields(self) -> set[str]:
        return {unread_field(note) for note in self.unread}

    @property
    def issue_date(self) -> dt.date | None:
        return issue_date_of(self.fields)


@dataclass(frozen=True)
class DossierProcedure:
    """Which procedure a dossier is for (configs/procedures.toml), how that was known, and what it lacks."""

    procedure: str | None  # None: nothing said which
    source: str | None = None  # operator | folder | documents
    missing: tuple[str, ...] = ()  # required document types not among its documents: incomplete

    def describe(self, *, filed: bool = True) -> str:
        """One line for the event log: `birth_registration (folder); missing: citizen_id_card`; before
        the documents are read (`filed` false) only what it was handed in for."""
        if self.procedure is None:
            return "no procedure named"
        said = f"{self.procedure} ({self.source})"
        if not filed:
            return said
        return f"{said}; " + (f"missing: {', '.join(self.missing)}" if self.missing else "complete")


def issue_date_of(fields: list[ExtractedField]) -> dt.date | None:
    """The issue date among a document's fields (what `--since`/`--until` filter on)."""
    for f in fields:
        if f.name == "issue_date":
            try:
                return dt.date.fromisoformat(f.value)
            except ValueError:
                return None
    return None


def unread_field(note: str) -> str:
    """The field a note of a value that could not be read is about: its first word."""
    return note.split(" ", 1)[0]


# Why a value is to be checked against the scan, as extraction records it (`details.check`, in English, in
# the store) and review turns it into a reason; defined here, where extraction and the CLI that shows them
# translated (cli/render) both read them without loading the other's dependencies.
# A name only the page read without its dotted lines gave: only the lexicon confirms it (on the held-out
# half, 3 of the 7 names so filled were wrong where the ID and birth date so filled were right)
CHECK_NAME = N_("read only from the page without its dotted lines")
CHECK_BLOCK_NAME = N_("read only from the page read as one block of lines")  # the same, from the page as one block
# A name only a second reading gave where the page read none (the line may be another person's whose
# heading did not read: an agent's, on a power of attorney)
CHECK_NAME_OF_NOISE = N_("read only from its line read again alone; the page read no name there")
# A birth date its digits did not give, read from the date written in words beside them
CHECK_DATE_IN_WORDS = N_("read only from the date written in words; its digits read as none")
# A birth date whose day and month only the card's machine-readable zone gave, in the printed ID's year
CHECK_ZONE_DATE_IN_IDS_YEAR = N_("day and month read only in the card's machine-readable zone; the year is the "
                                 "ID number's")
CHECKS = frozenset({CHECK_NAME, CHECK_BLOCK_NAME, CHECK_NAME_OF_NOISE, CHECK_DATE_IN_WORDS,
                    CHECK_ZONE_DATE_IN_IDS_YEAR})
