"""Extract: a document's pages → normalised, validated fields with confidences.

Lines are read in order. Labels ("Họ, chữ đệm, tên:", "Số định danh cá nhân:")
give values; their qualifiers ("… người mẹ") and block headings ("II. NGƯỜI
ĐƯỢC ỦY QUYỀN") say whose they are, so the citizen a document is about is
not confused with the parents, the declarant or the official who signed.
Document-level values (number, date line, dossier code) are read anywhere.
Each field keeps the page it came from and a confidence: the OCR confidence
of its words, lowered when validation fails (the reason is in `details`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.catalog import DocType, Role
from pipeline.dates import (
    date_readings,
    day_month_in_words,
    find_date,
    find_misread_date,
    make_date,
    plausible,
    plausible_birth_date,
)
from pipeline.domain import ExtractedField, PageText, unread_field
from pipeline.stages.extract import reread
from pipeline.stages.extract import values as V
from pipeline.stages.extract.confidence import ocr_confidence
from pipeline.stages.extract.layout import cells, clean_line
from pipeline.stages.extract.mrz import Mrz, birth_date_confirmed_by, combined, read_mrz
from pipeline.stages.extract.signatures import Signature, signatures
from pipeline.stages.extract.labels import (
    Kind,
    Segment,
    aligned_fold,
    heading_role,
    co_holder_line,
    is_two_person_table_header,
    role_of_qualifier,
    scan,
)
from pipeline.stages.vietnamese.names import (
    common_surnames,
    correct_name,
    name_problems,
    restore_marks,
)
from pipeline.textnorm import fold, nfc, squash_spaces

# Confidence factors: a value that failed validation, or was found without its label.
FAILED_VALIDATION = 0.3
UNLABELLED = 0.6
REPAIRED_DIGITS = 0.6  # an ID chosen among the readings of look-alike letters: an operator should glance at it

IDENTITY_GROUP = "identity"  # the catalog group of identity cards, whose back carries the holder's MRZ
_PERSON_FIELDS = ("full_name", "date_of_birth", "gender", "id_number", "old_id_number", "address")

_DOC_NUMBER = re.compile(r"(?:^|[\s(])so\s*[:.]\s*")  # "Số: 45/QĐ-UBND" (folded)
_DATE_LINE = re.compile(r",\s*ngay[\s.]*(\d{1,2})[\s,.\-]*thang[\s.]*(\d{1,2})[\s,.\-]*nam[\s.]*(\d{4})")
_WRAPPED_DATE = re.compile(r"ngay[\s.]*\d{1,2}[\s,.\-]*thang[\s.]*\d{1,2}[\s,.\-]*nam[\s.]*$")
_PLACE_MAX_WORDS = 6
_ADDRESS_JUNK = re.compile(r"\s[§|©®¢£¥«»]|(?<=Hồ Chí Minh)\s")
_CUT_DATE_LABEL = re.compile(r"ngay,?\s+thang,?\s+nam\s+\d")
# Running text wrapped between "sinh" and its date: "… ông Nguyễn Quốc Phúc, sinh" / "ngày 25/5/1980, …"
_WRAPPED_BIRTH = re.compile(r"[\s,]sinh[\s.:]*$")
_BIRTH_DATE_START = re.compile(r"\s*(?:ngay|nam)[\s.:]*\d")
# Words separated by spaces, unambiguously ("(?:\w+\s*)+" backtracks exponentially on a failed match)
_ADDRESS_TOP = re.compile(r"(?:Thành phố|Thành Phố|TP\.|Tp\.|Tỉnh)\s*((?:\w+\s+)*\w+)\s*$", re.UNICODE)
_PROSE_HONORIFIC = re.compile(r"(?:^|[\s,(])(?:ong|ba)(?:\s+|\s*$)")
_EDGE_JUNK = re.compile(r"^[^\w]+|[^\w/]+$")
_NAME_STOPWORDS = {"sinh", "ngay", "gioi", "dan", "so", "noi", "la", "nu", "cccd", "cmnd"}
# Words that end a name typed in title case only as the first word of a label: Quốc and Nam are
# names too (Nguyễn Quốc Phúc, Trần Hoài Nam), "Quốc tịch" and "Năm sinh" are not.
_NAME_STOP_PAIRS = {("quoc", "tich"), ("nam", "sinh")}


@dataclass
class _Value:
    value: str
    raw: str  # the text it was read from, to look up OCR word confidences
    page: int  # 1-based within the document
    factor: float = 1.0
    details: dict = field(default_factory=dict)


@dataclass
class _Reader:
    """State while reading a document's lines: whose block we are in, and what was found."""

    people: dict[Role, dict[str, _Value]] = field(default_factory=dict)
    document: dict[str, _Value] = field(default_factory=dict)
    loose_ids: list[_Value] = field(default_factory=list)  # 12-digit numbers found without a label
    owned_ids: set[str] = field(default_factory=set)  # numbers a label gave to someone
    role: Role = Role.MAIN
    prose_name: _Value | None = None  # a name after "ông"/"bà" in running text
    page: PageText | None = None  # the page being read: its word boxes give table cells
    mrz: Mrz | None = None  # an identity card's machine-readable zone
    mrz_page: int = 1
    columns: tuple[Role, Role] | None = None  # a two-person table: left and right column
    # A labelled ID that reads as no number, with the 12-digit readings its look-alike letters or
    # box lines allow (values.id_readings): the validators choose once the birth date is known.
    id_readings: dict[Role, tuple[list[str], str, int]] = field(default_factory=dict)
    # A labelled birth date that reads as no date, with the dates its ambiguous letters allow
    # (dates.date_readings): the ID's year digits or the date written in words choose among them.
    date_readings: dict[Role, tuple[list[dt.date], str, int]] = field(default_factory=dict)
    # The day and month of a birth date written again in words beside its digits ("ghi bằng chữ").
    birth_in_words: dict[Role, tuple[int, int]] = field(default_factory=dict)

    names_in_order: list[Role] = field(default_factory=list)  # whose names were printed, in order
    signed: list[tuple[Signature, int]] = field(default_factory=list)  # signature blocks, with their page
    # The person fields each role's labels were printed for, with the label's value as read: one that
    # gives no value is unread, and the dossier's other documents may supply it (`reconcile`).
    labelled: dict[Role, dict[str, str]] = field(default_factory=dict)
    # Unread labelled values read again from their line alone (`reread`): the candidates, how many of
    # the readings gave each, and what was read first; extraction accepts one only when confirmed.
    reread_ids: dict[Role, tuple[Counter[str], str, int]] = field(default_factory=dict)
    reread_dates: dict[Role, tuple[Counter[str], str, int]] = field(default_factory=dict)

    def put(self, role: Role, name: str, value: _Value) -> None:
        if name == "full_name" and role not in self.names_in_order:
            self.names_in_order.append(role)
        self.people.setdefault(role, {}).setdefault(name, value)

    def has(self, role: Role, name: str) -> bool:
        return name in self.people.get(role, {})

    def put_document(self, name: str, value: _Value) -> None:
        self.document.setdefault(name, value)


@dataclass
class Reading:
    """What extraction made of a document: its fields, and the values it saw but could not read
    (each a review reason with the raw reading: a missing value beats a confident wrong one)."""

    fields: list[ExtractedField]
    unread: list[str] = field(default_factory=list)  # each starts with the field's name: "id_number unreadable: …"
    # What an unread value may be, for the dossier to choose ("date_of_birth": a Z read as 2 and as 7)
    candidates: dict[str, list[str]] = field(default_factory=dict)


def extract(pages: list[PageText], doc_type: DocType | None = None) -> list[ExtractedField]:
    """The fields of one document; only those its type carries when the type is given."""
    return read_document(pages, doc_type).fields


def read_document(pages: list[PageText], doc_type: DocType | None = None) -> Reading:
    """The fields of one document and the values that could not be read (see `Reading`)."""
    reader = _Reader()
    if doc_type is None or doc_type.group == IDENTITY_GROUP:  # an identity card's back: the holder's zone
        for page_no, page in enumerate(pages, start=1):
            again = (read_mrz(text.splitlines()) for text in reread.zone_read_again(page))
            if (zone := combined(read_mrz(page.text.splitlines()), *again)) is not None:
                reader.mrz, reader.mrz_page = zone, page_no
                break
    for page_no, page in enumerate(pages, start=1):
        # OCR separates blocks by blank lines; leaders and rules are never part of a value
        lines = [line for line in (clean_line(raw) for raw in page.text.splitlines()) if line]
        reader.page = page
        for index, line in enumerate(lines):
            _read_line(reader, line, lines[index + 1:index + 3], page_no)
        reader.signed.extend((block, page_no) for block in signatures(page))
    return Reading(*_fields(reader, pages, doc_type))


# --- reading lines -------------------------------------------------------------------------


def _read_line(reader: _Reader, line: str, following: list[str], page_no: int) -> None:
    if is_two_person_table_header(line):
        reader.columns = (Role.MAIN, Role.SPOUSE)
        return
    is_heading, role = heading_role(line)
    if is_heading:
        reader.role = role or Role.OTHER
        return
    folded = aligned_fold(line)
    if _CUT_DATE_LABEL.match(folded) and following and fold(following[0]).strip().startswith("sinh"):
        # A narrow table cell wraps its label: "Ngày, tháng, năm 24/12/1983 …" / "sinh:".
        line = re.sub(r"^(\S+\s+\S+\s+\S+)", r"\1 sinh:", line)
        folded = aligned_fold(line)
    if _WRAPPED_BIRTH.search(folded) and following and _BIRTH_DATE_START.match(fold(following[0])):
        line = f"{line} {following[0].strip()}"
        folded = aligned_fold(line)
    segments = scan(line)
    if co_holder_line(line) and any(seg.kind is Kind.NAME for seg in segments):
        reader.role = Role.CO_HOLDER  # the name, birth year and ID that follow are the second holder's
    empty_names = [seg for seg in segments if seg.kind is Kind.NAME and not seg.value.strip(" :./")]
    if len(empty_names) >= 2 and following:
        # "Họ, chữ đệm, tên chồng:   Họ, chữ đệm, tên vợ:" / the two names in the cells below
        below = reader.page and cells(reader.page, following[0])
        names = below if below and len(below) == len(empty_names) else _split_two_names(following[0])
        roles = [role_of_qualifier(seg.qualifier) for seg in empty_names]
        if set(roles) == {Role.MAIN, Role.SPOUSE}:
            roles = [Role.MAIN, Role.SPOUSE]  # the spouse printed first is the document's full_name
        if len(names) == len(empty_names) and all(roles) and len(set(roles)) == len(roles):
            for role, name in zip(roles, names):
                _put_name(reader, role, name, page_no)
            reader.columns = tuple(roles)[:2]
            segments = [seg for seg in segments if seg not in empty_names]
    for segment in segments:
        _read_segment(reader, segment, following, page_no)
    _read_birth_date_in_words(reader, segments)
    if _WRAPPED_DATE.search(folded) and following:  # "…, ngày 23 tháng 11 năm" / "2023"
        line = f"{line} {following[0].strip()}"
        folded = aligned_fold(line)
    _read_document_values(reader, line, folded, page_no)
    _read_prose_name(reader, line, folded, following, page_no)
    for run in V.digit_runs(line):
        if len(run) == 12:
            reader.loose_ids.append(_Value(run, run, page_no, UNLABELLED))


def _read_birth_date_in_words(reader: _Reader, segments: list[Segment]) -> None:
    """ "Ngày, tháng, năm sinh: 10/0Z/2010 ghi bằng chữ: mồng mười, tháng bảy, …": the words are a second
    reading of the birth date's day and month, for the digits' readings to be chosen by."""
    for segment, after in zip(segments, segments[1:]):
        if (segment.kind is Kind.DATE_OF_BIRTH and after.kind is Kind.IN_WORDS and not reader.columns
                and (day_month := day_month_in_words(after.value))):
            role = role_of_qualifier(segment.qualifier) or reader.role
            reader.birth_in_words.setdefault(role, day_month)


def _read_prose_name(reader: _Reader, line: str, folded: str, following: list[str], page_no: int) -> None:
    """ "… hồ sơ của ông Nguyễn Quang Hải Khoa, sinh năm 1947": the citizen an administrative letter is
    about, named in its text after an honorific. Kept apart: a labelled name always comes first."""
    if reader.prose_name is not None:
        return
    for match in _PROSE_HONORIFIC.finditer(folded):
        rest = line[match.end():] or (following[0] if following else "")
        run = _name_run(rest)
        if run and fold(run.split()[0]) in V.surname_folds():
            value = _name_value(run, page_no)
            if value is None:
                continue
            value.factor *= UNLABELLED
            reader.prose_name = value
            return


def _name_below(value: str, below: str) -> bool:
    """A name label's value that holds no name ("/ Ful nam": the English half of a bilingual label,
    misread, is not recognised as part of the label), and a next line that is a name and nothing else."""
    run = _name_run(below)
    return (_name_run(value) is None and run is not None and not scan(below)
            and len(run.split()) == len(_name_words(below)))


def _labelled(reader: _Reader, role: Role, name: str, value: str) -> None:
    """A label of `name` for `role` was printed (a table of two persons' columns is not counted: its
    values are read for both at once)."""
    if not reader.columns:
        reader.labelled.setdefault(role, {}).setdefault(name, value.strip(" :."))


def _wrapped_id(value: str, below: str) -> list[str]:
    """A personal ID a narrow column wrapped: its first digits end the label's value ("…số 079 302",
    "…số 051 Minh", a word of the other column after them), the rest start the next line ("994 667
    061 016 845 do…", the other column's digits after them). Groups are taken from the next line's
    start until the digits are twelve, exactly."""
    head = re.findall(r"\d+(?:[ .]\d+)*", value)
    start = re.match(r"[\W_]*((?:\d+[ .]?)+)", below)
    number = re.sub(r"\D", "", head[-1]) if head else ""
    if not number or not start or len(number) >= 12:
        return []
    for group in re.findall(r"\d+", start.group(1)):
        number += group
        if len(number) >= 12:
            break
    return [number] if len(number) == 12 else []


def _read_segment(reader: _Reader, segment: Segment, following: list[str], page_no: int) -> None:
    qualified = role_of_qualifier(segment.qualifier)
    value = segment.value
    if segment.kind is Kind.NAME:
        if qualified is not None:
            role = qualified
        elif reader.columns:
            role = reader.role = reader.columns[0]
        elif reader.has(reader.role, "full_name"):
            role = Role.OTHER  # a further unqualified name in the same block: someone else
        else:
            role = reader.role
        reader.role = role  # the labels that follow (birth date, ID) are this person's
        _labelled(reader, role, "full_name", value)
        if role not in reader.names_in_order:  # printed here, whether or not its value reads
            reader.names_in_order.append(role)
        if segment.at_line_start and following and (segment.is_empty or _name_below(value, following[0])):
            value = following[0]  # "Họ và tên / Full name:" with the name on the next line
        if reader.columns and qualified is None:
            for column_role, name in zip(reader.columns, _split_two_names(value)):
                _put_name(reader, column_role, name, page_no)
        else:
            _put_name(reader, role, value, page_no, read_as=segment.value)
        return
    role = qualified if qualified is not None else reader.role
    if segment.kind is Kind.DATE_OF_BIRTH:
        _labelled(reader, role, "date_of_birth", value)
        dates = _all_dates(value)
        if not dates and not value.strip(" :") and following:  # the date on the line below its label
            dates = _all_dates(following[0])[:1]
        roles = reader.columns if reader.columns else (role,)
        for column_role, (iso, raw) in zip(roles, dates):
            reader.put(column_role, "date_of_birth", _Value(iso, raw, page_no))
        if not dates and not reader.columns and (readings := date_readings(value)):
            reader.date_readings.setdefault(role, (readings, value.strip(" :."), page_no))
        if not dates and not reader.columns and (again := reread.readings_of(reader.page, Kind.DATE_OF_BIRTH, value)):
            found = sum((Counter({iso for iso, _ in _all_dates(text)[:1]}) for text in again), Counter())
            reader.reread_dates.setdefault(role, (found, value.strip(" :."), page_no))
    elif segment.kind is Kind.IDENTITY:
        owner = _column_of(reader, segment) if reader.columns else role
        runs = [r for r in V.digit_runs(value) if len(r) in V.ID_LENGTHS]
        if not runs and following:  # "Giấy tờ tùy thân: Căn cước công dân số" / the number below
            runs = _wrapped_id(value, following[0]) or [r for r in V.digit_runs(following[0])
                                                         if len(r) in V.ID_LENGTHS]
        _labelled(reader, owner, "id_number", value)
        if runs:
            reader.put(owner, "id_number" if len(runs[0]) == 12 else "old_id_number",
                       _Value(runs[0], runs[0], page_no))
            reader.owned_ids.add(runs[0])
        # the number is below when the label's value holds none ("Thẻ căn cước số" / "08606 144951 I")
        read_as = value if any(ch.isdigit() for ch in value) or not following else following[0]
        if readings := V.id_readings(read_as):
            reader.id_readings.setdefault(owner, (readings, read_as.strip(" :."), page_no))
        if again := reread.readings_of(reader.page, Kind.IDENTITY, value):
            found = sum((Counter({r for r in V.digit_runs(text) if len(r) == 12}) for text in again), Counter())
            reader.reread_ids.setdefault(owner, (found, value.strip(" :."), page_no))
    elif segment.kind is Kind.GENDER:
        try:
            reader.put(role, "gender", _Value(V.normalise_gender(value), value.split()[0], page_no))
        except (V.InvalidValue, IndexError):
            pass
    elif segment.kind is Kind.ADDRESS and not reader.columns:
        address = _address(value, following)
        if address:
            reader.put(role, "address", _Value(address, address, page_no))
    elif segment.kind is Kind.ISSUE_DATE:
        found = find_date(value)
        if found:
            reader.put_document("issue_date", _Value(found.iso, value[found.start:found.end], page_no,
                                                     details={"from": "label"}))
    elif segment.kind is Kind.DOCUMENT_NUMBER:
        _try_document(reader, "document_number", value, page_no)
    elif segment.kind is Kind.DOSSIER_CODE:
        _try_document(reader, "dossier_code", value, page_no)
    elif segment.kind is Kind.TAX_CODE:
        _try_document(reader, "tax_code", value, page_no)


def _column_of(reader: _Reader, segment: Segment) -> Role:
    """Whose column of a two-person table a label stands in: a label that starts its line is the left
    person's, one after text on its line the right person's ("08606 144951 1 Giấy tờ tùy thân: …":
    the left column's number wrapped, then the right column's label)."""
    return reader.columns[0] if segment.at_line_start or len(reader.columns) < 2 else reader.columns[1]


def _try_document(reader: _Reader, name: str, text: str, page_no: int) -> None:
    try:
        value = V.normalise(name, text)
    except V.InvalidValue:
        return
    reader.put_document(name, _Value(value, text.strip(), page_no))


def _read_document_values(reader: _Reader, line: str, folded: str, page_no: int) -> None:
    for match in _DOC_NUMBER.finditer(folded):
        rest = line[match.end():]
        token = rest.split(" ")[0] if rest else ""
        if "/" in token or "-" in token:
            _try_document(reader, "document_number", token, page_no)
        elif len(token) in V.ID_LENGTHS and token.isdigit() and token not in reader.owned_ids:
            # "Số: 025123456" on an ID card is the ID; not a number a label on this line gave someone
            # ("Giấy tờ tùy thân: … số.079189397931": a declarant's, its leader dot read as the colon)
            name = "id_number" if len(token) == 12 else "old_id_number"
            reader.put(Role.MAIN, name, _Value(token, token, page_no))
            reader.owned_ids.add(token)
    for match in _DATE_LINE.finditer(folded):
        before = folded[:match.start()]
        place = re.split(r"[:;]|\s\S*/\S*\s", " " + before)[-1].split()
        if 1 <= len(place) <= _PLACE_MAX_WORDS and not {"can", "cu", "luat"} & set(place[:2]):
            date = make_date(*match.groups())
            if date and plausible(date):
                reader.put_document("date_line", _Value(date.isoformat(), line[match.start() + 1:match.end()].strip(),
                                                        page_no))
    if "dossier_code" not in reader.document:
        code = V.find_dossier_code(line)
        if code:
            reader.put_document("dossier_code", _Value(code, code, page_no, UNLABELLED))


# --- values --------------------------------------------------------------------------------


def _put_name(reader: _Reader, role: Role, text: str, page_no: int, read_as: str | None = None) -> None:
    """`read_as`: the label's value as the page read it, when that line may have been read again."""
    in_cells = reader.page and cells(reader.page, text)
    if in_cells and len(in_cells) > 1:
        text = in_cells[0]  # the value ends where its table cell does
    raw = _name_run(text)
    # A dot left beside a word says the name was written on a dotted fill-in line ("TRẦN,THỤ.MINH")
    value = _name_value(raw, page_no, dotted="." in text) if raw is not None else None
    if read_as is not None and value is not None and "validation" in value.details:
        value = _name_read_again(reader.page, read_as, value, page_no) or value
    if value is not None:
        reader.put(role, "full_name", value)


def _name_read_again(page: PageText | None, read_as: str, first: _Value, page_no: int) -> _Value | None:
    """A labelled name that did not read as a Vietnamese name, from its line read again alone: taken
    when that reading is a name the lexicon knows syllable by syllable in every position, as read
    (nothing corrected or dropped), with as many syllables as the first reading (the same line read
    twice: a syllable more or less is another reading of the line, not the name). A label whose value
    gave no name at all gets none from a second reading either: nothing would say it is this line's
    name rather than a plausible one (on the development half, one of two such was wrong)."""
    for again in reread.readings_of(page, Kind.NAME, read_as):
        run = _name_run(again)
        candidate = _name_value(run, page_no) if run is not None else None
        if candidate is None or candidate.details or candidate.factor < 1.0:
            continue
        if len(first.value.split()) != len(candidate.value.split()):
            continue
        candidate.details = {"reread": "read again from its line alone", "read_as": read_as}
        return candidate
    return None


def reads_as_name(value: str) -> bool:
    """Whether a name label's value needs no second reading: it gives a name that reads as a
    Vietnamese name, or no name at all (which a second reading could not be checked against)."""
    run = _name_run(value)
    found = _name_value(run, 1) if run is not None else None
    return found is None or "validation" not in found.details


def lines_to_read_again(page: PageText) -> list[reread.ValueLine]:
    """The labelled values of a page that read as none: an ID number, a birth date, a name."""
    return reread.unread_value_lines(page, reads_as_name)


def read_again(page: PageText, image, *, engine, timeout: float,
               lines: list[reread.ValueLine] | None = None) -> PageText:
    """The page with its unread labelled values read again from their lines (`reread`); `lines`: those
    `lines_to_read_again` already found on it."""
    return reread.reread_page(page, image, engine=engine, timeout=timeout, reads_as_name=reads_as_name,
                              lines=lines)


def _name_value(raw: str, page_no: int, *, dotted: bool = False) -> _Value | None:
    """A name as read, checked and corrected as a Vietnamese name (labelled or in running text alike)."""
    try:
        name = V.upper_name(raw)
    except V.InvalidValue:
        return None
    name, junk = _without_trailing_junk(name)
    correction = correct_name(name, dotted=dotted)
    details: dict = {"corrected_from": name} if correction.changed else {}
    if junk:  # not silent: what was left out is kept beside the name
        details.update(dropped=junk, read=raw)
    problems = name_problems(correction.name)
    if problems:  # kept for search, but an operator checks it against the raw reading
        details.update(validation=problems, read=raw)
    return _Value(correction.name, raw, page_no, correction.confidence, details)


def _name_run(text: str) -> str | None:
    """The name at the start of a value: a run of capitalised words ("NGUYỄN VĂN AN Sinh ngày…")."""
    words = _name_words(text)
    if words and fold(words[0]).strip(".,") in ("ong", "ba", "ong/ba") and \
            V.is_honorific(words[0], words[1] if len(words) > 1 else None):
        words = words[1:]
    caps = []
    for word in words:
        core = word.strip(".,;")
        letters = [ch for ch in core if ch.isalpha()]
        if not letters or any(ch.isdigit() for ch in core):
            break
        if sum(ch.isupper() for ch in letters) / len(letters) < 0.6:
            break
        caps.append(core)
        if word.endswith((",", ";")):
            break
    if len(caps) >= 2:
        return " ".join(caps)
    titled = []  # names typed in title case ("Tôi tên là: Nguyễn Văn An, sinh …")
    for index, word in enumerate(words):
        core = word.strip(".,;")
        if not core[:1].isupper() or not core.isalpha() or fold(core) in _NAME_STOPWORDS:
            break
        following = fold(words[index + 1]).strip(".,;:") if index + 1 < len(words) else ""
        if not word.endswith((",", ";")) and (fold(core), following) in _NAME_STOP_PAIRS:
            break
        titled.append(core)
        if word.endswith((",", ";")):
            break
    return " ".join(titled) if 2 <= len(titled) <= 6 else None


def _without_trailing_junk(name: str) -> tuple[str, str]:
    """ "MAI THU NGỌC QQ LH" → ("MAI THU NGỌC", "QQ LH"): from the first word after two syllables that
    cannot be a misread syllable (no vowel, or one letter repeated), the rest is what OCR put after
    the name. A misread syllable ("NHỮƯ") is kept: it is flagged, never dropped."""
    words = name.split()
    for index in range(2, len(words)):
        word = fold(words[index])
        if not any(ch in "aeiouy" for ch in word) or (len(word) > 1 and len(set(word)) == 1):
            return " ".join(words[:index]), " ".join(words[index:])
    return name, ""


def _name_words(text: str) -> list[str]:
    """The words of a name value: dots left by a leader split words ("VÕ.THÙY"), so does a comma or a
    dash between two letters ("TRẦN,THU", "CHẬU-THIỆN": no Vietnamese name joins its syllables), and
    quotes, dashes or other marks OCR put at a word's edges are dropped ("„Phạm", "Phương.") but a final
    comma is kept (it ends the name)."""
    words = []
    for token in re.split(r"[\s.]+|(?<=[^\W\d_])[,\-–—](?=[^\W\d_])", nfc(text)):
        core = _EDGE_JUNK.sub("", token)
        if core:
            words.append(core + ("," if token.rstrip().endswith((",", ";")) else ""))
    return words


def _split_two_names(text: str) -> list[str]:
    """ "NGUYỄN VĂN AN TRẦN THỊ BÌNH" (two table columns on one line) → the two names."""
    run = _name_run(text)
    if run is None:
        return []
    words = run.split()
    surnames = common_surnames()
    best: tuple[float, int] | None = None
    for cut in range(2, len(words) - 1):
        surname = fold(words[cut])
        score = (2.0 if surname in surnames else 0.0) - abs(cut - len(words) / 2) * 0.5
        if surname in {"van", "thi"}:
            continue
        if best is None or score > best[0]:
            best = (score, cut)
    if best is None:
        return [run]
    return [" ".join(words[:best[1]]), " ".join(words[best[1]:])]


def _all_dates(text: str) -> list[tuple[str, str]]:
    out = []
    rest = text
    while rest:
        found = find_misread_date(rest)
        if not found:
            break
        out.append((found.iso, rest[found.start:found.end]))
        rest = rest[found.end:]
    return out


def _address(value: str, following: list[str]) -> str | None:
    """The address after its label, with the wrapped lines that complete it ("…Quận 3, Thành" / "phố Hồ Chí Minh")."""
    text = squash_spaces(value).strip(" ;")
    if not any(ch.isalpha() for ch in text):
        return None
    for nxt in following:
        if _complete_address(text) and not text.endswith(","):
            break
        segments = scan(nxt)
        if segments and segments[0].start <= 6 and segments[0].value.strip(" :"):
            break  # the next field
        if (segments and not segments[0].value.strip(" :")) or find_date(nxt) and len(nxt) <= 12:
            continue  # a label or a date printed beside the address (ID card layout)
        piece = nxt[:segments[0].start] if segments else nxt
        text = f"{text} {squash_spaces(piece)}".strip()
    try:
        return V.normalise_address(_without_neighbours(text).rstrip(","))
    except V.InvalidValue:
        return None


def _without_neighbours(address: str) -> str:
    """The address without what OCR put beside it on the line: after a symbol no address has,
    after the city's name, or from two words in capitals on (a signature heading: "TRƯỞNG PHÒNG")."""
    address = _ADDRESS_JUNK.split(address)[0]
    words = address.split(" ")
    for i in range(1, len(words) - 1):
        if all(sum(ch.isalpha() for ch in w) >= 2 and w.isupper() for w in words[i:i + 2]):
            return " ".join(words[:i])
    return address


def _complete_address(text: str) -> bool:
    """An address ends with its province or city, whose names have at least two words.

    "Hồ Chí Minh", the name most often cut by a line wrap, needs all three.
    """
    match = _ADDRESS_TOP.search(text.rstrip(" ,."))
    if not match:
        return False
    words = match.group(1).split()
    return len(words) >= 2 and not (fold(words[0]) == "ho" and len(words) < 3)


# --- assembling fields ---------------------------------------------------------------------


def _apply_mrz(main: dict[str, _Value], zone: Mrz, page_no: int) -> None:
    """The zone's confirmed values over the printed side's readings; its name (without marks) repairs
    the printed name's syllables whose letters differ, marks taken from the name lexicon and flagged."""
    for name, value in (("id_number", zone.id_number), ("date_of_birth", zone.date_of_birth),
                        ("gender", zone.gender)):
        if value is None:
            continue
        printed = main.get(name)
        if printed is None or printed.value != value:
            details = {"from": "mrz"} | ({"printed": printed.value} if printed else {})
            main[name] = _Value(value, value, page_no, details=details)
    if zone.id_number is not None and zone.date_of_birth is None and "date_of_birth" in main:
        _birth_year_from_confirmed_id(main, zone.id_number)
    if zone.name is None:
        return
    printed = main.get("full_name")
    if printed is not None and (fold(printed.value) == fold(zone.name) or not name_problems(printed.value)):
        return  # the two sides agree, or the printed side reads as a name: the zone has no marks to add
    restored = restore_marks(zone.name, printed.value if printed else "")
    details = {"from": "mrz", "validation": ["marks restored from the card's machine-readable zone"]}
    if printed is not None:
        details["printed"] = printed.value
    main["full_name"] = _Value(restored, zone.name, page_no, FAILED_VALIDATION, details)


def _signed_names(reader: _Reader) -> dict[Role, _Value]:
    """The name under each signer's caption, by the role the caption names: the first line below the
    note that is, as a whole, a Vietnamese name with a known family name, read as is (nothing to
    correct; a scribbled signature above it reads as none). A role whose blocks give two names gives none. They stand in for a name the
    labels did not give (a value on a dotted line OCR could not read), marked as unlabelled."""
    names: dict[Role, list[_Value]] = {}
    for block, page_no in reader.signed:
        if block.role is None or block.role is Role.OTHER:
            continue
        for line in block.lines_below:
            run = _name_run(line)
            value = _name_value(run, page_no) if run else None
            if (value is None or value.details or not 2 <= len(value.value.split()) <= 5
                    or len(run.split()) != len(_name_words(line))
                    or fold(value.value.split()[0]) not in V.surname_folds()):
                continue
            value.factor *= UNLABELLED
            value.details = {"from": "signature", "caption": block.caption}
            names.setdefault(block.role, []).append(value)
            break
    return {role: found[0] for role, found in names.items() if len({v.value for v in found}) == 1}


def _unlabelled_ids(reader: _Reader) -> list[_Value]:
    """The valid 12-digit numbers read without a label and given to nobody by one, as read."""
    return [v for v in reader.loose_ids if v.value not in reader.owned_ids and V.check_id_number(v.value).ok]


def _birth_date_confirmed_by_printed_id(main: dict[str, _Value], reader: _Reader) -> None:
    """A zone whose number did not read twice still has its birth digits: when their year is the
    printed ID's (labelled, or the card's one valid 12-digit number), the year was read twice in two
    places, and the zone's date wins over a printed one (before the printed ID is checked against
    that printed date)."""
    zone, page_no = reader.mrz, reader.mrz_page
    if zone is None or zone.id_number is not None:
        return
    printed_ids = [main["id_number"].value] if "id_number" in main else sorted(
        {v.value for v in _unlabelled_ids(reader)})
    if len(printed_ids) != 1:
        return
    born = birth_date_confirmed_by(zone, printed_ids[0])
    printed = main.get("date_of_birth")
    if born is not None and (printed is None or printed.value != born):
        details = {"from": "mrz", "confirmed_by": "id_number"} | ({"printed": printed.value} if printed else {})
        main["date_of_birth"] = _Value(born, born, page_no, details=details)


def _birth_year_from_confirmed_id(main: dict[str, _Value], id_number: str) -> None:
    """The zone read the ID twice; its digits 4-6 are the birth year. A printed birth date with
    another year had its year misread (1906 or 1986 for 1966): the year is taken from the ID, day and
    month stay as printed, and the value is marked repaired for an operator to glance at."""
    printed = main["date_of_birth"]
    year = V.birth_year_of_id(id_number)
    born = dt.date.fromisoformat(printed.value)
    if year is None or year == born.year:
        return
    try:
        repaired = born.replace(year=year)
    except ValueError:  # 29/02 of a year that has none: no date to offer
        del main["date_of_birth"]
        return
    main["date_of_birth"] = _Value(repaired.isoformat(), printed.raw, printed.page, printed.factor * REPAIRED_DIGITS,
                                   {"repaired": "year from the ID number the machine-readable zone confirms",
                                    "printed": printed.value})


def _accept_reread_id(main: dict[str, _Value], found: Counter[str], read_as: str, page_no: int) -> None:
    """The citizen's ID from the re-readings of its line: the one number that fits the ID's structure,
    the birth date and the gender read on the document, when the birth date was read (it confirms
    the year digits) or two re-readings gave it (two readings with different errors agree)."""
    date_of_birth = main["date_of_birth"].value if "date_of_birth" in main else None
    gender = main["gender"].value if "gender" in main else None
    fitting = [n for n in found if V.check_id_number(n, date_of_birth=date_of_birth, gender=gender).ok]
    if len(fitting) != 1 or (date_of_birth is None and found[fitting[0]] < 2):
        return
    main["id_number"] = _Value(fitting[0], fitting[0], page_no, REPAIRED_DIGITS,
                               {"reread": "read again from its line alone", "read_as": read_as})


def _accept_reread_date(main: dict[str, _Value], found: Counter[str], read_as: str, page_no: int) -> None:
    """The citizen's birth date from the re-readings of its line: the one date two re-readings gave,
    or the one whose year the ID read on the document carries."""
    id_year = V.birth_year_of_id(main["id_number"].value) if "id_number" in main else None
    confirmed = [iso for iso, count in found.items() if count >= 2 or int(iso[:4]) == id_year]
    if len(confirmed) != 1 or not plausible_birth_date(dt.date.fromisoformat(confirmed[0])):
        return
    main["date_of_birth"] = _Value(confirmed[0], confirmed[0], page_no, REPAIRED_DIGITS,
                                   {"reread": "read again from its line alone", "read_as": read_as})


def _doubt_date_against_words(main: dict[str, _Value], in_words: tuple[int, int], unread: list[str]) -> None:
    """A birth date whose digits and words disagree on the day or the month ("10/02/2010" beside "mồng
    mười, tháng bảy"): one of them was misread, and nothing says which. Missing and flagged beats wrong."""
    born = dt.date.fromisoformat(main["date_of_birth"].value)
    if (born.day, born.month) != in_words:
        read = main.pop("date_of_birth").raw
        unread.append(f"date_of_birth unreadable: read {read!r}, in words day {in_words[0]} month {in_words[1]} "
                      "(the readings disagree)")


def _choose_date_reading(main: dict[str, _Value], readings: list[dt.date], read_as: str, page_no: int,
                         in_words: tuple[int, int] | None) -> None:
    """The citizen's birth date from a reading with ambiguous letters or a stray digit: the one of its
    readings that the document's second readings allow, the year the ID carries in its birth-year
    digits and the day and month the date written in words gives. A part with no second reading that
    is ambiguous leaves two readings, and the date stays unread."""
    year = V.birth_year_of_id(main["id_number"].value) if "id_number" in main else None
    if year is None and in_words is None:
        return
    fitting = [date for date in readings
               if (year is None or date.year == year) and (in_words is None or (date.day, date.month) == in_words)]
    if len(fitting) == 1:
        by = [what for what, used in (("the ID number's birth-year digits", year), ("the date in words", in_words))
              if used is not None]
        main["date_of_birth"] = _Value(fitting[0].isoformat(), read_as, page_no, REPAIRED_DIGITS,
                                       {"repaired": f"chosen by {' and '.join(by)}", "read_as": read_as})


def _date_candidates(readings: list[dt.date], in_words: tuple[int, int] | None) -> list[str]:
    """The birth date's readings the date in words allows, as ISO text."""
    return [date.isoformat() for date in readings if in_words is None or (date.day, date.month) == in_words]


def _other_spouse_printed_first(reader: _Reader, doc_type: DocType | None) -> bool:
    """On a type with two spouses, the one printed first is the document's person (`full_name`),
    whichever the labels call the husband or the wife: a wife's block may come first."""
    order = reader.names_in_order
    return (_has_spouses(doc_type) and Role.MAIN in order and Role.SPOUSE in order
            and order.index(Role.SPOUSE) < order.index(Role.MAIN))


def _has_spouses(doc_type: DocType | None) -> bool:
    return doc_type is not None and any(role is Role.SPOUSE for _, role in doc_type.people)


def _swap_roles(found_by_role: dict, one: Role, other: Role) -> None:
    first, second = found_by_role.pop(one, None), found_by_role.pop(other, None)
    if second is not None:
        found_by_role[one] = second
    if first is not None:
        found_by_role[other] = first


def _id_read_plainly(main: dict[str, _Value], readings: list[str]) -> bool:
    """Was the citizen's ID read with nothing to choose: its look-alike letters allow one reading
    only (O for 0), the one read, and its structure and the birth date allow it?"""
    if "id_number" not in main or readings != [main["id_number"].value]:
        return False
    date_of_birth = main["date_of_birth"].value if "date_of_birth" in main else None
    return not V.id_is_misread(V.check_id_number(main["id_number"].value, date_of_birth=date_of_birth))


def _choose_id_reading(main: dict[str, _Value], readings: list[str], read_as: str, page_no: int,
                       unread: list[str]) -> None:
    """The citizen's ID from a reading with look-alike letters or box lines: the one reading that
    fits the ID's structure, the birth date and the gender read on the document. Without a birth
    date, with several readings or none, it stays unread for an operator, with what was read: the
    structure alone checks only the first digits (on the development half, a ø read for a 6 made
    the one reading that fitted it wrong)."""
    if "date_of_birth" not in main:
        unread.append(f"id_number unreadable: read {read_as!r} (no birth date to choose among its readings)")
        return
    date_of_birth = main["date_of_birth"].value
    gender = main["gender"].value if "gender" in main else None
    fitting = [r for r in readings if V.check_id_number(r, date_of_birth=date_of_birth, gender=gender).ok]
    if len(fitting) == 1:
        main["id_number"] = _Value(fitting[0], read_as, page_no, REPAIRED_DIGITS,
                                   {"repaired": "digits read from look-alike letters or box lines", "read_as": read_as})
    else:
        unread.append(f"id_number unreadable: read {read_as!r} ({len(fitting)} of its {len(readings)} "
                      "possible readings fit the birth date and the ID's structure)")


def _fields(reader: _Reader, pages: list[PageText],
            doc_type: DocType | None) -> tuple[list[ExtractedField], list[str], dict[str, list[str]]]:
    signed = _signed_names(reader)
    if _has_spouses(doc_type) and not {Role.MAIN, Role.SPOUSE} <= set(reader.names_in_order):
        # "Vợ" and "Chồng" sign side by side; which of them is the document's person depends on
        # which the body printed first, unknown here (a misread label)
        signed.pop(Role.MAIN, None)
        signed.pop(Role.SPOUSE, None)
    if _other_spouse_printed_first(reader, doc_type):
        for found_by_role in (reader.people, reader.id_readings, reader.date_readings, reader.reread_ids,
                              reader.reread_dates, signed, reader.labelled):
            _swap_roles(found_by_role, Role.MAIN, Role.SPOUSE)
    main = dict(reader.people.get(Role.MAIN, {}))
    if "full_name" not in main and (stand_in := signed.get(Role.MAIN) or reader.prose_name) is not None:
        main["full_name"] = stand_in  # the signer's name, or the one running text gives
    unread: list[str] = []
    if "date_of_birth" in main and not plausible_birth_date(dt.date.fromisoformat(main["date_of_birth"].value)):
        # before any check against it: an ID is not judged by a misread year
        misread = main.pop("date_of_birth")
        unread.append(f"date_of_birth unreadable: read {misread.raw!r} (not a living citizen's birth date)")
    if "date_of_birth" in main and Role.MAIN in reader.birth_in_words:
        _doubt_date_against_words(main, reader.birth_in_words[Role.MAIN], unread)
    _birth_date_confirmed_by_printed_id(main, reader)
    if "date_of_birth" not in main and Role.MAIN in reader.reread_dates:
        _accept_reread_date(main, *reader.reread_dates[Role.MAIN])
    if Role.MAIN in reader.id_readings and not _id_read_plainly(main, reader.id_readings[Role.MAIN][0]):
        main.pop("id_number", None)
        _choose_id_reading(main, *reader.id_readings[Role.MAIN], unread)
    if reader.mrz is not None:  # after the readings: the card's zone, read twice, has the last word
        _apply_mrz(main, reader.mrz, reader.mrz_page)
    if "id_number" not in main and Role.MAIN in reader.reread_ids:
        _accept_reread_id(main, *reader.reread_ids[Role.MAIN])
    if "date_of_birth" not in main and Role.MAIN in reader.reread_dates:  # now the ID's year may confirm it
        _accept_reread_date(main, *reader.reread_dates[Role.MAIN])
    if "id_number" not in main and (valid := _unlabelled_ids(reader)):
        main["id_number"] = valid[0]
    candidates: dict[str, list[str]] = {}
    if "date_of_birth" not in main and Role.MAIN in reader.date_readings:
        _choose_date_reading(main, *reader.date_readings[Role.MAIN], reader.birth_in_words.get(Role.MAIN))
        if "date_of_birth" not in main:  # the dossier's ID may choose (reconcile)
            candidates["date_of_birth"] = _date_candidates(reader.date_readings[Role.MAIN][0],
                                                           reader.birth_in_words.get(Role.MAIN))
    found: dict[str, _Value] = {name: main[name] for name in _PERSON_FIELDS if name in main}
    # The other persons the type names (the catalog's `people`); without a type, whoever a label named.
    people = doc_type.people if doc_type else (("spouse_name", Role.SPOUSE), ("agent_name", Role.AGENT))
    for name, role in people:
        if "full_name" in reader.people.get(role, {}):
            found[name] = reader.people[role]["full_name"]
        elif role in signed:
            found[name] = signed[role]
    document = dict(reader.document)
    if "issue_date" not in document and "date_line" in document:
        document["issue_date"] = document["date_line"]
    for name in ("document_number", "issue_date", "dossier_code", "tax_code"):
        if name in document:
            found[name] = document[name]

    checks = V.cross_check({name: value.value for name, value in found.items()})
    wanted = set(doc_type.fields) if doc_type else None
    result = []
    for name, value in found.items():
        if wanted is not None and name not in wanted:
            continue
        details = dict(value.details)
        factor = value.factor
        check = checks.get(name)
        if check and not check.ok:
            if name == "id_number" and V.id_is_misread(check):
                # A personal ID that contradicts its own structure or the birth date is a misreading:
                # an operator reads it from the page, no search ever finds a citizen by it.
                unread.append(f"id_number unreadable: read {value.value} ({'; '.join(check.problems)})")
                continue
            details["validation"] = list(check.problems)
            factor *= FAILED_VALIDATION
        confidence = ocr_confidence(pages[value.page - 1], value.raw) * factor
        result.append(ExtractedField(name, value.value, round(min(1.0, confidence), 3), value.page, details))
    if (wanted is None or "gender" in wanted) and (gender := _gender_from_id(result)) is not None:
        result.append(gender)
    if wanted is not None:
        candidates = {name: values for name, values in candidates.items() if name in wanted}
    return result, unread + _unread_labelled(reader, result, unread, wanted), candidates


def _unread_labelled(reader: _Reader, result: list[ExtractedField], unread: list[str],
                     wanted: set[str] | None) -> list[str]:
    """A review note for each of the citizen's name, birth date and ID whose label was printed but
    gave no value (nor a note of its own already)."""
    found = {f.name for f in result} | {unread_field(note) for note in unread}
    notes = []
    for name, read_as in reader.labelled.get(Role.MAIN, {}).items():
        if name not in found and (wanted is None or name in wanted):
            notes.append(f"{name} unreadable: read {read_as!r}" if read_as else f"{name} unreadable: nothing read")
    return notes


def _gender_from_id(fields: list[ExtractedField]) -> ExtractedField | None:
    """The citizen's gender from the ID's century digit when the gender printed was not read (a
    box ticked or written by hand: "N/fH", "À4/"), and the ID passed every check. On the development
    half, 17 of the 35 documents whose gender was not read had an ID, each giving the right one."""
    by_name = {f.name: f for f in fields}
    identity = by_name.get("id_number")
    if "gender" in by_name or identity is None or "validation" in identity.details:
        return None
    gender = V.gender_of_id(identity.value)
    if gender is None:
        return None
    return ExtractedField("gender", gender, identity.confidence, identity.page, {"from": "id_number"})
