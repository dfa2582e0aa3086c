"""Re-read: a labelled ID number, birth date or name that did not read, read again from its line alone.

On a degraded page the engine's page layout pass sometimes reads a value's line worse than it
reads that line on its own: leader dots glued to the digits ("()891595548Z0"), a box line taken for
a digit, a group of digits lost ("2. 061 316 586" for "079 061 316 586"). Cropped to the value
and read as one line, with the Vietnamese model and with the English one, each in two segmentation
modes (readings with different errors), the digits often come out whole; twice more with only the
crop's ink kept (a value written in dark ink over grey dots or a tint), and twice at twice its size.
A number printed in boxes is read twice more with the boxes painted out and only digits allowed. A
number or date written on a dotted fill-in line is read the four first ways again with the line's
dots painted out: the engine takes the dots under a handwritten value for strokes and reads it as
noise ("..... Z9 139 040 Z65......" for "079 199 040 785"; without the dots, "079199040785"). A
name is read again by the Vietnamese model only (the English one drops its marks), in both modes, its
ink alone, at twice its size and without its dots: two of its readers may then agree. So is a name
label's value that gives no name at all (a name in a script face read as "2 NG 771 13M"), and the line
under a name label that ends its line, when that line holds no label and reads as no name. An identity
card's machine-readable zone that did not confirm its values is read again as one block, only the
zone's characters allowed.

This module only finds the lines and reads them: each page keeps its re-readings in
`details["values_read_again"]` (what was read first, what was read again and by which reader, for an
operator and for extraction), and extraction decides. It accepts a re-read value only when two readers
agree (`agreement`: one model in one mode reading the crop and its ink alone is one reader) or
the validators confirm it (an ID against the birth date, a birth date against the ID's year
digits, a name whose every syllable the name lexicon knows in its position): a second look must not
become a second way to be wrong. What "reads as a name" means is extraction's, passed in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from pipeline.dates import find_misread_date
from pipeline.domain import PageText, Word
from pipeline.stages import preprocess
from pipeline.stages.engines.tesseract import PSM_BLOCK, OcrEngine
from pipeline.stages.extract import values as V
from pipeline.stages.extract.labels import Kind, scan
from pipeline.stages.extract.layout import deskew_angle, word_lines
from pipeline.stages.extract.mrz import read_mrz
from pipeline.textnorm import fold

PSM_SINGLE_LINE = 7
# The raw-line mode skips the engine's search for a text line, which finds none in a third of the
# value crops of the development half (a value written on a dotted leader: the crop reads as
# nothing at 7). Values are read in both modes: readings with different errors, to agree.
PSM_RAW_LINE = 13
# Two readings with different errors: the Vietnamese model, and the English one, which knows no
# marks and so never turns a digit into a marked letter.
LANGUAGES = ("vie", "eng")
NAME_LANGUAGE = "vie"  # a name is read by the Vietnamese model alone: the English one drops its marks
PAD = 12  # pixels around the value's words: the engine needs a margin to find a line's ascenders
KINDS = (Kind.IDENTITY, Kind.DATE_OF_BIRTH)
NamePredicate = Callable[[str], bool]  # does a name label's value read as a Vietnamese name?
MAX_LINES_PER_PAGE = 6  # a page of many unread labels is a page the engine cannot read at all
# Digits printed in boxes ("|0|7|9|…"): the engine reads each box line as a 1, |, [ or ] and the digit
# beside it worse (a 1 as a 7). Two more readings of such a number: its crop with the box lines
# painted out, by the English model allowed digits only, as a line and as a raw line.
BOX_CHARACTERS = "|[]"
MIN_BOX_CHARACTERS = 3  # in the first reading: the page's reading saw box lines
MIN_BOX_LINES = 6  # evenly spaced columns of ink in the crop: a row of at least five boxes
INK_LEVEL = 128  # grey levels below it are ink
UPSCALE = 2  # a number's crop is read again at this size too
BOX_LINE_HEIGHT = 0.85  # a box line's ink runs nearly as tall as the tallest run in the crop
BOX_STEP_TOLERANCE = 0.25  # box lines stand at a step within this share of the median step
BOX_EDGE_INK = 0.5  # a row this much ink is a box's top or bottom edge
BOXED_LANGUAGE = "eng"  # knows no marks, so never reads a digit as a marked letter
DIGITS = "0123456789"


# An identity card's machine-readable zone (mrz.py) whose first reading confirmed no ID or no birth
# date is read again as a block by the English model allowed only the zone's characters: the page
# pass reads the zone's OCR-B digits as other digits and letters (0 as 9, the I of "IDVNM" as T),
# which that list rules out.
ZONE = "zone"
ZONE_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
ZONE_LANGUAGE = "eng"
_ZONE_LINE = re.compile(r"<<|VN[MH]")
MIN_ZONE_LINE = 20  # characters of a zone line (30 printed) once the page pass's spaces are gone
ZONE_SHARE = 0.7  # of a zone line's characters read as the zone's (the rest misread: «, =, e)
ZONE_LINES = 3

# A value's dots: `preprocess.leader_dots`, where none larger than this share of the value's line is one
DOT_SHARE = 0.2


@dataclass(frozen=True)
class Reading:
    """One re-reading of a value's crop and the reader that made it: a model, in one segmentation
    mode, with one set of characters allowed ("vie:13", "eng:7:0123456789")."""

    text: str
    reader: str


@dataclass(frozen=True)
class ValueLine:
    kind: str  # the label's `Kind`, or `ZONE`
    read: str  # the value as the page's reading has it
    box: tuple[int, int, int, int]  # left, top, right, bottom on the page as rasterized


def value_key(text: str) -> str:
    """What a value's first reading is matched by: its letters and digits, folded (the page's text
    and its word boxes space and punctuate one reading differently)."""
    return re.sub(r"[\W_]", "", fold(text))


def unread_value_lines(page: PageText, reads_as_name: NamePredicate | None = None) -> list[ValueLine]:
    """The lines of a page whose ID or birth-date label (or name label, given `reads_as_name`) has a
    value that reads as none (an ID: or only through look-alike letters, which leave a choice)."""
    kinds = KINDS + ((Kind.NAME,) if reads_as_name else ())
    found: list[ValueLine] = []
    lines = word_lines(page)
    for index, words in enumerate(lines):
        text = " ".join(word.text for word in words)
        # One crop a line, to its end, for a name and one for a number or date: the engine reads a line
        # better whole (crops ending at the next label read one name and one birth date fewer on the
        # development half); a further unread value of the same sort on the line is not read again. A
        # name's crop does not stand for the birth date after it ("Họ tên: . ZŒZ£N'2ư Sinh ngày: 22/11⁄7956":
        # the date's own crop confirmed the ID of a development document).
        cropped: set[bool] = set()  # whether a name's crop, a number's or date's crop was taken on the line
        for segment in scan(text):
            is_name = segment.kind is Kind.NAME
            if is_name in cropped:
                continue
            if reads_as_name and is_name and segment.is_empty and segment.at_line_start:
                # "Họ, chữ đệm, tên:" / the name on the line below, as extraction reads it
                if (below := _value_below(lines, index, reads_as_name)) is not None:
                    found.append(below)
                    cropped.add(is_name)
                continue
            if segment.kind not in kinds or segment.is_empty or _reads(segment.kind, segment.value, reads_as_name):
                continue
            start = text.find(segment.value, segment.start)
            value_words = _words_from(words, start)
            if value_words:
                found.append(ValueLine(segment.kind, segment.value, _box(value_words)))
            cropped.add(is_name)
    # Numbers and dates first: a page of names written by hand has more unread names than the cap
    found.sort(key=lambda line: line.kind is Kind.NAME)
    return found[:MAX_LINES_PER_PAGE] + _unconfirmed_zone(page, lines)


def _value_below(lines: list[list[Word]], index: int, reads_as_name: NamePredicate) -> ValueLine | None:
    """The line under a name label that ends its line, when it holds no label of its own (the value's
    line was not lost) and does not read as a name."""
    if index + 1 >= len(lines):
        return None
    words = lines[index + 1]
    text = " ".join(word.text for word in words)
    if scan(text) or _reads(Kind.NAME, text, reads_as_name):
        return None
    return ValueLine(Kind.NAME, text, _box(words))


def _unconfirmed_zone(page: PageText, lines: list[list[Word]]) -> list[ValueLine]:
    """The page's machine-readable zone, as one block, when its reading confirms no ID or no birth
    date; `lines`: the page's `word_lines`."""
    lines = [words for words in lines if _is_zone_line("".join(word.text for word in words))]
    if not lines:
        return []
    zone = read_mrz(page.text.splitlines())
    if zone is not None and zone.id_number and zone.date_of_birth:
        return []
    lines = lines[:ZONE_LINES]
    read = "\n".join(" ".join(word.text for word in words) for words in lines)
    return [ValueLine(ZONE, read, _box([word for words in lines for word in words]))]


def _is_zone_line(text: str) -> bool:
    """A line of the zone: its characters mostly the zone's, with a filler run or the nationality."""
    return (len(text) >= MIN_ZONE_LINE and bool(_ZONE_LINE.search(text))
            and sum(ch in ZONE_CHARACTERS for ch in text) >= ZONE_SHARE * len(text))


def reread_page(page: PageText, image: Image.Image, *, engine: OcrEngine, timeout: float,
                reads_as_name: NamePredicate | None = None, lines: list[ValueLine] | None = None) -> PageText:
    """The page with its unread values read again (`details["values_read_again"]`); itself when none.
    `lines`: the page's `unread_value_lines` when the caller has them already."""
    if lines is None:
        lines = unread_value_lines(page, reads_as_name)
    if not lines:
        return page
    rereads = []
    for line in lines:
        left, top, right, bottom = line.box
        crop = image.crop((max(0, left - PAD), max(0, top - PAD), min(image.width, right + PAD),
                           min(image.height, bottom + PAD)))
        again = _readings(crop, line.kind, engine, timeout, line.read, deskew_angle(page))
        rereads.append({"kind": str(line.kind), "read": line.read, "again": [r.text for r in again],
                        "readers": [r.reader for r in again]})
    return replace(page, details={**page.details, "values_read_again": rereads})


def _readings(crop: Image.Image, kind: str, engine: OcrEngine, timeout: float, first: str,
              angle: float = 0.0) -> list[Reading]:
    """The readings of one value's crop; `first` is how the page read it, `angle` the page's deskew."""
    def read(image: Image.Image, language: str, psm: int, characters: str = "") -> Reading:
        options = {"characters": characters} if characters else {}
        text = engine.recognize(image, languages=language, timeout=timeout, psm=psm, **options).text.strip()
        return Reading(text, ":".join([language, str(psm)] + ([characters] if characters else [])))

    if kind == ZONE:
        return [read(crop, ZONE_LANGUAGE, PSM_BLOCK, ZONE_CHARACTERS)]
    if kind is Kind.NAME:  # the Vietnamese model alone: four ways, six on a dotted line
        readings = [read(crop, NAME_LANGUAGE, psm) for psm in (PSM_SINGLE_LINE, PSM_RAW_LINE)]
        readings.append(read(_ink_alone(crop), NAME_LANGUAGE, PSM_RAW_LINE))
        # as a raw line: the line mode found no line in the large crops of the development half's names
        readings.append(read(_twice_the_size(crop), NAME_LANGUAGE, PSM_RAW_LINE))
        if (undotted := without_leader_dots(crop, crop.height - 2 * PAD)) is not None:
            readings += [read(undotted, NAME_LANGUAGE, psm) for psm in (PSM_SINGLE_LINE, PSM_RAW_LINE)]
        return readings

    def four_ways(image: Image.Image) -> list[Reading]:  # each model in each mode: four readers
        return [read(image, language, psm) for psm in (PSM_SINGLE_LINE, PSM_RAW_LINE) for language in LANGUAGES]

    readings = four_ways(crop)
    readings += [read(_ink_alone(crop), language, PSM_RAW_LINE) for language in LANGUAGES]
    readings += [read(_twice_the_size(crop), language, PSM_SINGLE_LINE) for language in LANGUAGES]
    if kind is Kind.IDENTITY and sum(first.count(ch) for ch in BOX_CHARACTERS) >= MIN_BOX_CHARACTERS:
        # turned as the page was deskewed: a box line is a column of ink only once upright
        upright = crop.convert("L").rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
        if (unboxed := without_box_lines(upright)) is not None:
            readings += [read(unboxed, BOXED_LANGUAGE, psm, DIGITS) for psm in (PSM_SINGLE_LINE, PSM_RAW_LINE)]
    if (undotted := without_leader_dots(crop, crop.height - 2 * PAD)) is not None:
        readings += four_ways(undotted)  # the same readers: their errors without the dots are still their own
    return readings


def _ink_alone(crop: Image.Image) -> Image.Image:
    """The grey of leader dots, a stamp's tint and uneven light gone, strokes solid black."""
    return crop.convert("L").point(lambda level: 0 if level < INK_LEVEL else 255)


def _twice_the_size(crop: Image.Image) -> Image.Image:
    """A handwritten or blurred stroke drawn over more pixels (the same reader: its errors are its own at
    any size, like the ink's)."""
    return crop.resize((crop.width * UPSCALE, crop.height * UPSCALE), Image.Resampling.LANCZOS)


def without_leader_dots(crop: Image.Image, line_height: int) -> Image.Image | None:
    """The crop of a value with its dotted fill-in line painted out (`preprocess.leader_dots`); None
    when it shows none. `line_height`: of the value's text, in pixels."""
    return preprocess.without_leaders(crop, max(3.0, DOT_SHARE * line_height))


def without_box_lines(crop: Image.Image) -> Image.Image | None:
    """The crop of a number printed in boxes with the boxes painted out; None when it shows no row
    of boxes. A box line is a column of ink as tall as the tallest in the crop (a digit inside a
    box is shorter than its box), one of at least `MIN_BOX_LINES` such columns at even steps (a
    row of letters' stems is not evenly spaced); the box's top and bottom are rows mostly of ink."""
    ink = np.asarray(crop.convert("L")) < INK_LEVEL
    tallest = _longest_runs(ink)
    if not tallest.max(initial=0):
        return None
    columns = np.flatnonzero(tallest >= BOX_LINE_HEIGHT * tallest.max())
    lines = _evenly_spaced(_groups(columns))
    if len(lines) < MIN_BOX_LINES:
        return None
    out = np.asarray(crop.convert("L")).copy()
    for first, last in lines:
        out[:, first:last + 1] = 255
    out[ink.mean(axis=1) >= BOX_EDGE_INK, :] = 255
    return Image.fromarray(out)


def _longest_runs(ink: np.ndarray) -> np.ndarray:
    """Per column, the longest vertical run of ink pixels."""
    longest = np.zeros(ink.shape[1], dtype=int)
    current = np.zeros(ink.shape[1], dtype=int)
    for row in ink:
        current = np.where(row, current + 1, 0)
        np.maximum(longest, current, out=longest)
    return longest


def _groups(columns: np.ndarray) -> list[tuple[int, int]]:
    """Adjacent column indexes joined into (first, last) runs: one box line is a few pixels wide."""
    groups: list[tuple[int, int]] = []
    for column in columns.tolist():
        if groups and column <= groups[-1][1] + 1:
            groups[-1] = (groups[-1][0], column)
        else:
            groups.append((column, column))
    return groups


def _evenly_spaced(groups: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of consecutive lines whose steps are within `BOX_STEP_TOLERANCE` of their median."""
    if len(groups) < 2:
        return []
    centres = [(first + last) / 2 for first, last in groups]
    steps = [b - a for a, b in zip(centres, centres[1:])]
    median = sorted(steps)[len(steps) // 2]
    best: list[tuple[int, int]] = []
    start = 0
    for index in range(len(steps) + 1):
        if index == len(steps) or abs(steps[index] - median) > BOX_STEP_TOLERANCE * median:
            if index + 1 - start > len(best):
                best = groups[start:index + 1]
            start = index + 1
    return best


def zone_read_again(page: PageText) -> list[str]:
    """The re-readings of the page's machine-readable zone, each the zone's lines as one text."""
    return [again for entry in page.details.get("values_read_again", ()) if entry["kind"] == ZONE
            for again in entry["again"]]


def readings_of(page: PageText | None, kind: Kind, value: str) -> list[Reading]:
    """The re-readings kept on the page for this value as first read ([] when it was not re-read)."""
    if page is None:
        return []
    key = value_key(value)
    entries = [entry for entry in page.details.get("values_read_again", ()) if entry["kind"] == kind.value]
    matching = [entry for entry in entries if value_key(entry["read"]) == key]
    if not matching and key:
        # The word boxes put on the value's line words the page's text has on the line below ("26/9" /
        # "…trăm…", a date in words written under its digits): the crop read what the line of words holds
        matching = [entry for entry in entries if value_key(entry["read"]).startswith(key)]
    out = []
    for entry in matching:
        # a page read again before readers were kept: each reading counts as its own
        readers = entry.get("readers") or [f"reading {index}" for index in range(len(entry["again"]))]
        out += [Reading(text, reader) for text, reader in zip(entry["again"], readers)]
    return out


def agreement(readings: list[Reading], values: Callable[[str], set[str]]) -> Counter[str]:
    """Per value the readings give (`values` of each reading's text), how many readers read it. Two
    readings agree only when two readers made them: a model in one mode reads a crop and the crop's
    ink alone with the same errors (on a second generated set, "05-I0-1957" and "05-10-1987" each
    twice, once from the ink alone: two dates that agreed, where none did)."""
    readers: dict[str, set[str]] = {}
    for reading in readings:
        for value in values(reading.text):
            readers.setdefault(value, set()).add(reading.reader)
    return Counter({value: len(by) for value, by in readers.items()})


def _reads(kind: Kind, value: str, reads_as_name: NamePredicate | None) -> bool:
    """Whether a value reads plainly as what its label promises."""
    if kind is Kind.NAME:
        return reads_as_name is None or reads_as_name(value)
    if kind is Kind.IDENTITY:
        # twelve digits alone: look-alike letters ("07506Z40Z342") leave readings to choose among, and nine
        # may be an old card's number or a personal ID that lost a group ("2. 061 316 586")
        return any(len(run) == 12 for run in V.digit_runs(value)) and not V.id_readings(value)
    return find_misread_date(value) is not None


def _words_from(words: list[Word], start: int) -> list[Word]:
    """The words of a line (joined by single spaces) from character `start` on."""
    position, out = 0, []
    for word in words:
        if position + len(word.text) > start:
            out.append(word)
        position += len(word.text) + 1
    return out


def _box(words: list[Word]) -> tuple[int, int, int, int]:
    return (min(w.left for w in words), min(w.top for w in words),
            max(w.left + w.width for w in words), max(w.top + w.height for w in words))
