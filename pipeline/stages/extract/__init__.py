"""Extract: a document's pages → normalised, validated fields with confidences.

Lines are read in order. Labels ("Họ, chữ đệm, tên:", "Số định danh cá nhân:")
give values; their qualifiers ("… người mẹ") and block headings ("II. NGƯỜI
ĐƯỢC ỦY QUYỀN") say whose they are, so the citizen a document is about is
not confused with the parents, the declarant or the official who signed.
Document-level values (number, date line, dossier code) are read anywhere.
Each field keeps the page it came from and a confidence: the OCR confidence
of its words, lowered when validation fails (the reason is in `details`).

This module is the public API; the reading is split by stage: `reader` reads
the lines, `names` makes name values, `choose` makes the final choices over
what the lines gave, and `found` holds the value they pass along.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from pipeline.catalog import DocType
from pipeline.domain import CHECK_NAME, ExtractedField, PageText, unread_field
from pipeline.stages.extract import reread
from pipeline.stages.extract import values as V
from pipeline.stages.extract.choose import final_fields
from pipeline.stages.extract.labels import Kind, scan
from pipeline.stages.extract.layout import DOTTED_LEADER, clean_line
from pipeline.stages.extract.mrz import combined, read_mrz
from pipeline.stages.extract.names import name_in
from pipeline.stages.extract.reader import Reader, read_line
from pipeline.stages.extract.signatures import signatures
from pipeline.stages.vietnamese.names import name_problems
from pipeline.textnorm import fold

IDENTITY_GROUP = "identity"  # the catalog group of identity cards, whose back carries the holder's MRZ
PERSON_LABELS = (Kind.NAME, Kind.IDENTITY, Kind.DATE_OF_BIRTH)
SECOND_READING = "page without dotted lines"  # `details.from` of a value `missing_from` took
BLOCK_READING = "page read as one block"  # the same, from the page read as one block of lines
# Letters and digits in a name label's value that gives no name, from which on it is worth reading
# again: fewer are a colon misread, a leader's end, a stray mark (a name has two syllables at least)
MIN_CHARACTERS_OF_A_MISREAD_NAME = 3
ID_DIGITS_READ_ELSEWHERE = 9  # of an ID taken from a second reading of a page, another reading must hold these


@dataclass
class Reading:
    """What extraction made of a document: its fields, and the values it saw but could not read
    (each a review reason with the raw reading: a missing value beats a confident wrong one)."""

    fields: list[ExtractedField]
    unread: list[str] = field(default_factory=list)  # each starts with the field's name: "id_number unreadable: …"
    # What an unread value may be, for the dossier to choose ("date_of_birth": a Z read as 2 and as 7;
    # "id_number": the ID set aside as another year than the birth date's, one of the two misread)
    candidates: dict[str, list[str]] = field(default_factory=dict)


def extract(pages: list[PageText], doc_type: DocType | None = None) -> list[ExtractedField]:
    """The fields of one document; only those its type carries when the type is given."""
    return read_document(pages, doc_type).fields


def read_document(pages: list[PageText], doc_type: DocType | None = None) -> Reading:
    """The fields of one document and the values that could not be read (see `Reading`)."""
    reader = Reader()
    if doc_type is None or doc_type.group == IDENTITY_GROUP:  # an identity card's back: the holder's zone
        for page_no, page in enumerate(pages, start=1):
            again = (read_mrz(text.splitlines()) for text in reread.zone_read_again(page))
            if (zone := combined(read_mrz(page.text.splitlines()), *again)) is not None:
                reader.mrz, reader.mrz_page = zone, page_no
                break
    for page_no, page in enumerate(pages, start=1):
        # OCR separates blocks by blank lines; leaders and rules are never part of a value, but a
        # dotted leader says a value was written over dots (`Reader.on_dotted_line`), and leaders and
        # punctuation say where a date written in words ends (`Reader.raw_lines`)
        cleaned = [(line, raw) for raw in page.text.splitlines() if (line := clean_line(raw))]
        lines = [line for line, _ in cleaned]
        reader.page = page
        reader.raw_lines = {}
        for line, raw in cleaned:
            reader.raw_lines.setdefault(line, raw)
        for index, (line, raw) in enumerate(cleaned):
            reader.on_dotted_line = DOTTED_LEADER.search(raw) is not None
            read_line(reader, line, lines[index + 1:index + 3], page_no)
        reader.signed.extend((block, page_no) for block in signatures(page))
    return Reading(*final_fields(reader, pages, doc_type))


def with_names_of(reading: Reading, office_reading: Reading, names: Collection[str]) -> Reading:
    """A reading of pages read again in their type's own languages (the bilingual ID card's vie+eng),
    its names as the office's reading (vie alone) read them. Adding eng keeps the card's English labels
    and numbers but makes Tesseract doubt Vietnamese marks (THỦY for THỤY, DOÃN for ĐOÀN) and at times
    lose a name: a name read with the same letters takes the office reading's marks, and a name only
    the office reading read, or read as a Vietnamese name where this reading's is none (the card's zone
    read "NGUYEN<<VTET<GTA<TOAN"), is taken from it, in every case only when it is a Vietnamese name. A
    name the office reading spells with other letters is otherwise left as read; numbers and dates are
    never taken from it (`vie` reads the card's digits worse, and a wrong ID is worse than none)."""
    by_name = {f.name: f for f in office_reading.fields if f.name in names and not name_problems(f.value)}
    fields = []
    for found in reading.fields:
        office = by_name.get(found.name)
        if office is not None and office.value != found.value and fold(office.value) == fold(found.value):
            found = dataclasses.replace(found, value=office.value,
                                        details={**found.details, "marks_from": "office languages",
                                                 "read_as": found.value})
        elif office is not None and name_problems(found.value):
            found = dataclasses.replace(office, details={**office.details, "from": "office languages",
                                                         "read_as": found.value})
        fields.append(found)
    read = {f.name for f in fields}
    added = [dataclasses.replace(office, details={**office.details, "from": "office languages"})
             for name, office in by_name.items() if name not in read]
    return _with_added(reading, fields, added)


def missing_from(reading: Reading, other: Reading, names: Collection[str], pages: list[PageText], *,
                 crops: Collection[PageText] = (), source: str = SECOND_READING, check: str = CHECK_NAME) -> Reading:
    """A reading (of `pages`) with the citizen's name, ID and birth date it lacks taken from `other` (the
    same pages read another way: `read.read_without_leaders`, `read.read_as_block`), each only when
    confirmed: a birth date only when it fits an ID (either reading's: the ID's century and year digits
    against the date, and the gender read, if any); an ID only when it fits the birth date and another
    reader holds its last nine digits too, for the date confirms only three: a line of the text of
    `pages` (readings other than `other`), or a value's crop read again on `pages` or on `crops` (the
    pages `other` was read from, whose text is `other` itself); a name only when it reads as a
    Vietnamese name and is not another person's of `reading` (`names`: the person fields), and then for
    an operator to check (`details.check`: `check`); the gender the ID gives with its ID. Another reading
    of a whole page moves every value it holds, so nothing already read is replaced, and a value read
    with a choice left (`reading.candidates`) is left to the dossier. `source`: the values' `details.from`."""
    have = {f.name: f for f in reading.fields}
    # A value the first reading read with letters that leave a choice ("20,02.19Z5": 1925 or 1975) is the
    # dossier's to choose, by the ID its other documents read (`reconcile`); another reading of the page
    # sees the same letters, and its guess confirms an ID misread with the same guess ("089.1Z5…" read
    # 089125…, fitting 1925 where the dossier's ID says 1975), so it is neither taken nor a confirmation.
    offered = {f.name: f for f in other.fields if f.name not in reading.candidates}
    id_number = have.get("id_number") or offered.get("id_number")
    birth = have.get("date_of_birth") or offered.get("date_of_birth")
    gender = have["gender"].value if "gender" in have else None
    fits = (id_number is not None and birth is not None
            and V.check_id_number(id_number.value, date_of_birth=birth.value, gender=gender).ok)
    wanted: set[str] = set()
    offered_name = offered.get("full_name")
    others = [f.value for f in reading.fields if f.name in names and f.name != "full_name"]
    if (offered_name is not None and "validation" not in offered_name.details
            and not any(_same_given_names(offered_name.value, value) for value in others)):
        wanted.add("full_name")
    if fits:
        wanted.add("date_of_birth")
        if _read_elsewhere(id_number.value, pages, crops):
            wanted.add("id_number")
            if "gender" in offered and offered["gender"].value == V.gender_of_id(id_number.value):
                wanted.add("gender")
    added = [dataclasses.replace(offered[name], details={**offered[name].details, "from": source,
                                                         **({"check": check} if name == "full_name" else {})})
             for name in sorted(wanted - set(have)) if name in offered]
    return _with_added(reading, reading.fields, added) if added else reading


def _with_added(reading: Reading, fields: list[ExtractedField], added: list[ExtractedField]) -> Reading:
    """The reading with `fields` and the values `added` after them, the notes of the values now read gone."""
    now_read = {f.name for f in added}
    return dataclasses.replace(reading, fields=fields + added,
                               unread=[note for note in reading.unread if unread_field(note) not in now_read])


def _read_elsewhere(id_number: str, pages: list[PageText], crops: Collection[PageText] = ()) -> bool:
    """Whether a line of the pages' text, or a value's crop read again on them or on `crops`, holds the
    ID's last nine digits (a second reader: on two development halves the 4 IDs the birth date confirmed
    and another reading held were right, and of the 4 no other reading held one was wrong by a digit, 6
    for 8; the province code is left out, being what a dotted line's start damages)."""
    tail = id_number[-ID_DIGITS_READ_ELSEWHERE:]
    texts = [line for page in pages for line in page.text.splitlines()]
    texts += [again for page in [*pages, *crops] for entry in page.details.get("values_read_again", ())
              for again in entry["again"]]
    return any(tail in re.sub(r"\D", "", text) for text in texts)


def _same_given_names(name: str, other: str) -> bool:
    """Whether two names end in the same two syllables, marks aside: one person's name read twice (a
    relative's name read again without the dots as "TRẦN BÍCH HUỲNH", first as "RẦN BÍCH HUỲNH")."""
    ends = [fold(value).split()[-2:] for value in (name, other)]
    return len(ends[0]) == 2 and ends[0] == ends[1]


def worth_reading_without_dots(page: PageText) -> bool:
    """Whether a scanned page is worth reading again without its dotted fill-in lines: its reading
    shows one, or shows no label of a person's name, ID or birth date at all (the page pass can lose
    a form's whole body with its dots: the title read, every labelled line gone). A page that read its
    labels and no dots is not: on a blurred identity card copy of the development half, marks passed for
    dots, and its reading without them gave a birth date that fitted the card's misread ID."""
    if page.method != "ocr":
        return False
    return DOTTED_LEADER.search(page.text) is not None or not any(
        segment.kind in PERSON_LABELS for line in page.text.splitlines() for segment in scan(line))


def reads_as_name(value: str) -> bool:
    """Whether a name label's value needs no second reading: it gives a name that reads as a
    Vietnamese name, or holds too few characters to be a name misread (a colon, a leader's end). A
    value of characters that give no name at all is read again: a name written by hand or in a
    script face that the page pass read as noise ("2 NG 771 13M" for ĐẶNG THỊ TÂM), which its line
    alone often reads whole."""
    found = name_in(value, 1)
    if found is None:
        return sum(ch.isalnum() for ch in value) < MIN_CHARACTERS_OF_A_MISREAD_NAME
    return "validation" not in found.details


def lines_to_read_again(page: PageText) -> list[reread.ValueLine]:
    """The labelled values of a page that read as none: an ID number, a birth date, a name."""
    return reread.unread_value_lines(page, reads_as_name)


def read_again(page: PageText, image, *, engine, timeout: float,
               lines: list[reread.ValueLine] | None = None) -> PageText:
    """The page with its unread labelled values read again from their lines (`reread`); `lines`: those
    `lines_to_read_again` already found on it."""
    return reread.reread_page(page, image, engine=engine, timeout=timeout, reads_as_name=reads_as_name,
                              lines=lines)
