"""Reading a document's lines, one by one: what each label gives, for whom, and the document-level
values read anywhere (`Reader` keeps what was found, for `choose`)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.catalog import Role
from pipeline.dates import (
    DateInWords,
    date_in_words,
    date_readings,
    find_date,
    find_misread_date,
    make_date,
    plausible,
)
from pipeline.domain import CHECK_NAME_OF_NOISE, PageText
from pipeline.stages.extract import reread
from pipeline.stages.extract import values as V
from pipeline.stages.extract.found import UNLABELLED, Value
from pipeline.stages.extract.layout import boxes_of, cells, fills_its_line
from pipeline.stages.extract.mrz import Mrz
from pipeline.stages.extract.names import (MAX_NAME_SYLLABLES, name_in, name_run, name_value, name_words,
                                           split_two_names)
from pipeline.stages.extract.signatures import Signature
from pipeline.stages.extract.labels import (
    Kind,
    Segment,
    aligned_fold,
    heading_role,
    co_holder_line,
    follows_the_requesters_block,
    is_two_person_table_header,
    label_cut_by_its_cell,
    role_of_qualifier,
    scan,
)
from pipeline.stages.vietnamese.names import is_family_name, is_given_name, is_middle_name_only
from pipeline.textnorm import fold, squash_spaces

_DOC_NUMBER = re.compile(r"(?:^|[\s(])so\s*[:.]\s*")  # "Số: 45/QĐ-UBND" (folded)
_DATE_LINE = re.compile(r",\s*ngay[\s.]*(\d{1,2})[\s,.\-]*thang[\s.]*(\d{1,2})[\s,.\-]*nam[\s.]*(\d{4})")
_WRAPPED_DATE = re.compile(r"ngay[\s.]*\d{1,2}[\s,.\-]*thang[\s.]*\d{1,2}[\s,.\-]*nam[\s.]*$")
_PLACE_MAX_WORDS = 6
_ADDRESS_JUNK = re.compile(r"\s[§|©®¢£¥«»]|(?<=Hồ Chí Minh)\s")
# Running text wrapped between "sinh" and its date: "… ông Nguyễn Quốc Phúc, sinh" / "ngày 25/5/1980, …"
_WRAPPED_BIRTH = re.compile(r"[\s,]sinh[\s.:]*$")
# Text before a date in a table row that is a value misread (digits among it), not a leader or a bar
_MISREAD_VALUE = re.compile(r"\w*\d\w*[^\w\s]?\w*\d")
_BIRTH_DATE_START = re.compile(r"\s*(?:ngay|nam)[\s.:]*\d")
# Words separated by spaces, unambiguously ("(?:\w+\s*)+" backtracks exponentially on a failed match)
_ADDRESS_TOP = re.compile(r"(?:Thành phố|Thành Phố|TP\.|Tp\.|Tỉnh)\s*((?:\w+\s+)*\w+)\s*$", re.UNICODE)
_IN_WORDS_LABEL = "bang chu"  # folded: "ghi bằng chữ", the words that follow restate a value in words
_REQUESTED_BY = "de nghi cua"  # folded: the person named next asked for the document, it is not about them
_PROSE_HONORIFIC = re.compile(r"(?:^|[\s,(])(?:ong|ba)(?:\s+|\s*$)")


@dataclass
class Reader:
    """State while reading a document's lines: whose block we are in, and what was found."""

    people: dict[Role, dict[str, Value]] = field(default_factory=dict)
    document: dict[str, Value] = field(default_factory=dict)
    loose_ids: list[Value] = field(default_factory=list)  # 12-digit numbers found without a label
    owned_ids: set[str] = field(default_factory=set)  # numbers a label gave to someone
    role: Role = Role.MAIN
    prose_name: Value | None = None  # a name after "ông"/"bà" in running text
    page: PageText | None = None  # the page being read: its word boxes give table cells
    # The page's lines as read, leaders and punctuation and all, by their cleaned text: what closes a
    # value (a year in words, `dates.date_in_words`)
    raw_lines: dict[str, str] = field(default_factory=dict)
    # The line being read printed a dotted fill-in leader (its dots are gone from the line read): a
    # value written over the dots can carry one as a dot below
    on_dotted_line: bool = False
    mrz: Mrz | None = None  # an identity card's machine-readable zone
    mrz_page: int = 1
    columns: tuple[Role, Role] | None = None  # a two-person table: left and right column
    # A labelled ID that reads as no number, with the 12-digit readings its look-alike letters or
    # box lines allow (values.id_readings): the validators choose once the birth date is known.
    id_readings: dict[Role, tuple[list[str], str, int]] = field(default_factory=dict)
    # A labelled birth date that reads as no date, with the dates its ambiguous letters allow
    # (dates.date_readings): the ID's year digits or the date written in words choose among them.
    date_readings: dict[Role, tuple[list[dt.date], str, int]] = field(default_factory=dict)
    # A birth date written again in words beside its digits or on the line below ("ghi bằng chữ"): its
    # parts as read, the words, and their page.
    birth_in_words: dict[Role, tuple[DateInWords, str, int]] = field(default_factory=dict)

    names_in_order: list[Role] = field(default_factory=list)  # whose names were printed, in order
    signed: list[tuple[Signature, int]] = field(default_factory=list)  # signature blocks, with their page
    # The person fields each role's labels were printed for, with the label's value as read: one that
    # gives no value is unread, and the dossier's other documents may supply it (`reconcile`).
    labelled: dict[Role, dict[str, str]] = field(default_factory=dict)
    # Unread labelled values read again from their line alone (`reread`): the candidates, how many of
    # the readings gave each, and what was read first; extraction accepts one only when confirmed.
    reread_ids: dict[Role, tuple[Counter[str], str, int]] = field(default_factory=dict)
    reread_dates: dict[Role, tuple[Counter[str], str, int]] = field(default_factory=dict)

    @property
    def readings_by_role(self) -> tuple[dict, ...]:
        """What the lines gave each role: what moves with a person when a block turns out to be
        another's (`_give_to_requester`, and the spouses' swap in `choose`). A record added to the
        reader per role belongs here. `birth_in_words` is not among them: the registration's move
        takes it too, the spouses' swap has never moved it."""
        return (self.people, self.labelled, self.id_readings, self.date_readings, self.reread_ids,
                self.reread_dates)

    def put(self, role: Role, name: str, value: Value) -> None:
        if name == "full_name" and role not in self.names_in_order:
            self.names_in_order.append(role)
        self.people.setdefault(role, {}).setdefault(name, value)

    def has(self, role: Role, name: str) -> bool:
        return name in self.people.get(role, {})

    def put_document(self, name: str, value: Value) -> None:
        self.document.setdefault(name, value)


# --- reading lines -------------------------------------------------------------------------


def read_line(reader: Reader, line: str, following: list[str], page_no: int) -> None:
    """One line (NFC, as `clean_line` gives it) with the two that follow it."""
    folded = aligned_fold(line)  # once: the checks below and the values read from it share it
    if is_two_person_table_header(folded):
        reader.columns = (Role.MAIN, Role.SPOUSE)
        return
    next_folded = fold(following[0]) if following else ""  # once: the heading and the cut label look at it
    is_heading, role = heading_role(folded, next_folded)
    if is_heading:
        if role is Role.MAIN and follows_the_requesters_block(folded):
            _give_to_requester(reader)
        reader.role = role or Role.OTHER
        return
    if following and (cut := label_cut_by_its_cell(folded, next_folded)):
        # A narrow table cell wraps its label: "Ngày, tháng, năm 24/12/1983 …" / "sinh:"; what follows
        # the label's end is its value below, when this line has none
        line = f"{line[:cut]} {following[0].strip().rstrip(',.;:')}:{line[cut:]}"
        folded = aligned_fold(line)
        following = following[1:]
    if _WRAPPED_BIRTH.search(folded) and following and _BIRTH_DATE_START.match(fold(following[0])):
        line = f"{line} {following[0].strip()}"
        folded = aligned_fold(line)
    segments = scan(line)
    if co_holder_line(folded) and any(seg.kind is Kind.NAME for seg in segments):
        reader.role = Role.CO_HOLDER  # the name, birth year and ID that follow are the second holder's
    empty_names = [seg for seg in segments if seg.kind is Kind.NAME and not seg.value.strip(" :./")]
    if len(empty_names) >= 2 and following:
        # "Họ, chữ đệm, tên chồng:   Họ, chữ đệm, tên vợ:" / the two names in the cells below
        below = reader.page and cells(reader.page, following[0])
        names = below if below and len(below) == len(empty_names) else split_two_names(following[0])
        roles = [role_of_qualifier(seg.qualifier) for seg in empty_names]
        if set(roles) == {Role.MAIN, Role.SPOUSE}:
            roles = [Role.MAIN, Role.SPOUSE]  # the spouse printed first is the document's full_name
        if len(names) == len(empty_names) and all(roles) and len(set(roles)) == len(roles):
            for role, name in zip(roles, names):
                _put_name(reader, role, name, page_no)
            reader.columns = tuple(roles)[:2]
            segments = [seg for seg in segments if seg not in empty_names]
    for segment in segments:
        _read_segment(reader, segment, following, page_no, line if segment is segments[-1] else None)
    _read_birth_date_in_words(reader, line, segments, following, page_no)
    if _WRAPPED_DATE.search(folded) and following:  # "…, ngày 23 tháng 11 năm" / "2023"
        line = f"{line} {following[0].strip()}"
        folded = aligned_fold(line)
    _read_document_values(reader, line, folded, page_no)
    _read_prose_name(reader, line, folded, following, page_no)
    for run in V.digit_runs(line):
        if len(run) == 12:
            beside = _birth_date_of_its_row(line, run)
            reader.loose_ids.append(Value(run, run, page_no, UNLABELLED,
                                          {"beside_birth_date": beside} if beside else {}))


def _give_to_requester(reader: Reader) -> None:
    """What the lines before a registration's "Đề nghị … cho người dưới đây:" gave the document's
    person is the requester's: their block comes first on the form, and a requester's name label
    read without its "người yêu cầu" left their ID and birth date to the person registered (a
    child's registration given the parent's ID and birth date). The requester's own values stay."""
    for found in (*reader.readings_by_role, reader.birth_in_words):
        main = found.pop(Role.MAIN, None)
        if isinstance(main, dict):
            found[Role.REQUESTER] = {**main, **found.get(Role.REQUESTER, {})}
        elif main is not None:
            found.setdefault(Role.REQUESTER, main)
    if Role.MAIN in reader.names_in_order:
        reader.names_in_order.remove(Role.MAIN)
        if Role.REQUESTER not in reader.names_in_order:
            reader.names_in_order.append(Role.REQUESTER)


def _birth_date_of_its_row(line: str, id_number: str) -> str | None:
    """The date on the number's line whose year its digits carry: a table row of one person, their
    birth date beside their ID ("| ĐẶNG THANH TRÂM 27/08/1975 Nữ 089175954288 Chủ hộ", a household's
    members); an issue date ("cấp ngày 01/06/2021") carries another year."""
    year = V.birth_year_of_id(id_number)
    return next((iso for iso, _ in _all_dates(line) if int(iso[:4]) == year), None)


def _read_birth_date_in_words(reader: Reader, line: str, segments: list[Segment], following: list[str],
                              page_no: int) -> None:
    """ "Ngày, tháng, năm sinh: 10/0Z/2010 ghi bằng chữ: mồng mười, tháng bảy, …", or the words on the
    line below a birth date that ends its line (a form's "Ghi bằng chữ: …" line): a second reading of
    the birth date, for the digits' readings to be chosen by or, when the digits read as none, to
    give it. The words are read from their line as OCR gave it, with the line after it, where a year
    cut at the line's end goes on (`dates.date_in_words`)."""
    if reader.columns:
        return
    below = scan(following[0]) if following and segments and segments[-1].kind is Kind.DATE_OF_BIRTH else []
    below = below[:1] if below and below[0].kind is Kind.IN_WORDS and below[0].at_line_start else []
    for segment, after in zip(segments, segments[1:] + below):
        if segment.kind is not Kind.DATE_OF_BIRTH or after.kind is not Kind.IN_WORDS:
            continue
        below_it = bool(below) and after is below[0]
        words_line, next_line = (following[0], following[1:2]) if below_it else (line, following[:1])
        as_read = reader.raw_lines.get(words_line, words_line)
        next_read = reader.raw_lines.get(next_line[0], next_line[0]) if next_line else ""
        label_end = aligned_fold(as_read).find(_IN_WORDS_LABEL)
        if label_end >= 0 and (in_words := date_in_words(as_read[label_end + len(_IN_WORDS_LABEL):], next_read)):
            role = role_of_qualifier(segment.qualifier) or reader.role
            reader.birth_in_words.setdefault(role, (in_words, squash_spaces(after.value).strip(), page_no))


def _read_prose_name(reader: Reader, line: str, folded: str, following: list[str], page_no: int) -> None:
    """ "… hồ sơ của ông Nguyễn Quang Hải Khoa, sinh năm 1947": the citizen an administrative letter is
    about, named in its text after an honorific. Kept apart: a labelled name always comes first."""
    if reader.prose_name is not None:
        return
    for match in _PROSE_HONORIFIC.finditer(folded):
        if folded[:match.start()].rstrip().endswith(_REQUESTED_BY):
            continue  # "Xét đề nghị của bà X về việc xác nhận … cho người có tên dưới đây": X asked for it
        rest = line[match.end():] or (following[0] if following else "")
        run = name_run(rest)
        if run and line[match.end():] and following:
            run = _with_wrapped_capitals(run, rest, following[0])
        if run and fold(run.split()[0]) in V.surname_folds():
            value = name_value(run, page_no)
            if value is None:
                continue
            value.factor *= UNLABELLED
            reader.prose_name = value
            return


def _with_wrapped_capitals(run: str, rest: str, below: str) -> str:
    """A name in capitals that ends its line and goes on at the start of the next ("… đối với ông PHAN
    KHẮC" / "KIÊN, sinh ngày …"): the words in capitals that open the next line, up to a comma, are
    its last syllables (a syllable is never dropped silently). A name in title case is left: the next
    line's first word may start a sentence."""
    if not run.isupper() or len(name_words(rest)) != len(run.split()) or rest.rstrip().endswith((",", ";")):
        return run
    more = []
    for word in name_words(below):
        core = word.strip(".,;")
        if not core.isalpha() or not core.isupper():
            break
        more.append(core)
        if word.endswith((",", ";")):
            break
    return " ".join(run.split() + more) if more and len(run.split()) + len(more) <= MAX_NAME_SYLLABLES else run


_WRAPPED_SYLLABLES = 2  # a full line leaves a name's last syllable or two for the next


def _wrapped_syllables(below: str) -> list[str]:
    """The words that open the next line when they are the end of a name wrapped onto it: one or two
    given names in capitals, up to a comma or the line's end, no label among them ("KHOA, sinh ngày
    …", "TRUNG"); none when the line opens otherwise (a sentence, a label, a heading)."""
    head = below.partition(",")[0]
    words = name_words(head)
    if any(segment.start < len(head) for segment in scan(below)) or not 0 < len(words) <= _WRAPPED_SYLLABLES:
        return []
    return words if all(w.isalpha() and w.isupper() and is_given_name(w) for w in words) else []


def _wrapped_name(page: PageText | None, line: str, value: str, below: str) -> str:
    """A labelled name in capitals that fills its line to the margin and goes on at the start of the
    next ("… tên chủ hộ: NGUYỄN VIẾT MINH" / "TRUNG"; "… đối với ông: LA CÔNG" / "KHOA, sinh ngày …"):
    the next line's opening given names are its last syllables (`_wrapped_syllables`; a syllable is
    never dropped silently). A name that ends before the margin (its dotted line, blank paper after
    it) is whole as read."""
    run = name_run(value)
    if run is None or not run.isupper() or len(name_words(value)) != len(run.split()):
        return value
    more = _wrapped_syllables(below)
    if not more or len(run.split()) + len(more) > MAX_NAME_SYLLABLES:
        return value
    if page is None or not fills_its_line(page, line):
        return value
    return f"{value} {' '.join(more)}"


def _wrapped_in_columns(page: PageText | None, line: str, names: list[str], below: str) -> list[str]:
    """Two persons' names side by side in a table, one wrapped inside its cell to the line below
    ("Họ, chữ đệm, tên | KHƯƠNG THU BẢO PHAN KHẮC THIÊN ĐẠT" / "PHƯƠNG"): the next line's opening given
    names (`_wrapped_syllables`) end the name of the column they sit under, by the engine's word
    boxes: the second's when they start where its first word does (less a word's height) or further
    right."""
    more = _wrapped_syllables(below)
    if not more or len(names) != 2 or page is None:
        return names
    in_line, under = boxes_of(page, line), boxes_of(page, below)
    second = len(name_words(names[1]))
    if not in_line or not under or not 0 < second < len(in_line):
        return names
    column = 1 if under[0].left >= in_line[-second].left - in_line[-second].height else 0
    if len(name_words(names[column])) + len(more) > MAX_NAME_SYLLABLES:
        return names
    return [f"{name} {' '.join(more)}" if index == column else name for index, name in enumerate(names)]


def _name_below(value: str, below: str) -> bool:
    """A name label's value that holds no name ("/ Ful nam": the English half of a bilingual label,
    misread, is not recognised as part of the label), and a next line that is a name and nothing else."""
    run = name_run(below)
    return (name_run(value) is None and run is not None and not scan(below)
            and len(run.split()) == len(name_words(below)))


def _labelled(reader: Reader, role: Role, name: str, value: str) -> None:
    """A label of `name` for `role` was printed (a table of two persons' columns is not counted: its
    values are read for both at once)."""
    if not reader.columns:
        reader.labelled.setdefault(role, {}).setdefault(name, value.strip(" :."))


# The papers whose number is the 12-digit personal ID (the old identity card's, CMND, had 9)
_TWELVE_DIGIT_CARDS = re.compile(r"\b(?:cccd|can cuoc|dinh danh)\b")


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


def _read_segment(reader: Reader, segment: Segment, following: list[str], page_no: int,
                  ends_line: str | None = None) -> None:
    """`ends_line`: the line, when the segment's value runs to its end."""
    qualified = role_of_qualifier(segment.qualifier)
    value = segment.value
    if segment.kind is Kind.NAME:
        if value == ";":
            # an item of the list of the document's recipients, not a label: "Nơi nhận: - Chủ đầu tư;
            # - Lưu: VT." (the next line's "Lưu: VT." is the archive's copy, not a name); a colon
            # misread as a semicolon has its value after it ("Họ tên; LÊ ANH NGHĨA")
            return
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
        read_as = segment.value
        if segment.at_line_start and following and (segment.is_empty or _name_below(value, following[0])):
            value = read_as = following[0]  # "Họ và tên / Full name:" with the name on the next line
        elif ends_line is not None and following and not reader.columns:
            value = _wrapped_name(reader.page, ends_line, value, following[0])
        if reader.columns and qualified is None:
            names = split_two_names(value)
            if ends_line is not None and following:
                names = _wrapped_in_columns(reader.page, ends_line, names, following[0])
            for column_role, name in zip(reader.columns, names):
                _put_name(reader, column_role, name, page_no)
        else:
            _put_name(reader, role, value, page_no, read_as=read_as)
        return
    role = qualified if qualified is not None else reader.role
    if segment.kind is Kind.DATE_OF_BIRTH:
        _labelled(reader, role, "date_of_birth", value)
        read_from = value
        dates = _all_dates(value)
        if not dates and not value.strip(" :") and following:  # the date on the line below its label
            read_from = following[0]
            dates = _all_dates(read_from)[:1]
        roles = reader.columns if reader.columns else (role,)
        if reader.columns and len(dates) < len(reader.columns):
            dates = _dates_by_column(dates, read_from, len(reader.columns))
        for column_role, date in zip(roles, dates):
            if date is not None:
                reader.put(column_role, "date_of_birth", Value(date[0], date[1], page_no))
        if not dates and not reader.columns and (readings := date_readings(value)):
            reader.date_readings.setdefault(role, (readings, value.strip(" :."), page_no))
        if not dates and not reader.columns and (again := reread.readings_of(reader.page, Kind.DATE_OF_BIRTH, value)):
            found = reread.agreement(again, lambda text: {iso for iso, _ in _all_dates(text)[:1]})
            reader.reread_dates.setdefault(role, (found, value.strip(" :."), page_no))
    elif segment.kind is Kind.IDENTITY:
        owner = _column_of(reader, segment) if reader.columns else role
        # A further ID label of a person an earlier label gave an ID is another person's, unqualified:
        # a two-person table read column by column ("Số định danh cá nhân 079 083" / "465502", then the
        # wife's "Số định danh cá nhân" / "0791 8503 I730" in the husband's block). Its readings are no
        # readings of the ID kept, and must not set it aside for a choice among them.
        earlier_id = reader.has(owner, "id_number")
        runs = [r for r in V.digit_runs(value) if len(r) in V.ID_LENGTHS]
        if not runs and following:  # "Giấy tờ tùy thân: Căn cước công dân số" / the number below
            runs = _wrapped_id(value, following[0]) or [r for r in V.digit_runs(following[0])
                                                         if len(r) in V.ID_LENGTHS]
        elif (following and ends_line is not None and [len(run) for run in runs] == [9]
              and _TWELVE_DIGIT_CARDS.search(fold(ends_line[segment.start:]))):
            # "…CCCD số 068 086 844 Hồ Chí Minh" / "708, cấp ngày…": nine digits of a card whose number has
            # twelve are no old card's number, but the start of one a narrow column wrapped
            runs = _wrapped_id(value, following[0]) or runs
        _labelled(reader, owner, "id_number", value)
        if runs:
            reader.put(owner, "id_number" if len(runs[0]) == 12 else "old_id_number",
                       Value(runs[0], runs[0], page_no))
            reader.owned_ids.add(runs[0])
        # the number is below when the label's value holds none ("Thẻ căn cước số" / "08606 144951 I")
        read_as = value if any(ch.isdigit() for ch in value) or not following else following[0]
        if not earlier_id and (readings := V.id_readings(read_as)):
            reader.id_readings.setdefault(owner, (readings, read_as.strip(" :."), page_no))
        if again := reread.readings_of(reader.page, Kind.IDENTITY, value):
            found = reread.agreement(again, lambda text: {r for r in V.digit_runs(text) if len(r) == 12})
            reader.reread_ids.setdefault(owner, (found, value.strip(" :."), page_no))
    elif segment.kind is Kind.GENDER:
        try:
            reader.put(role, "gender", Value(V.normalise_gender(value), value.split()[0], page_no))
        except (V.InvalidValue, IndexError):
            pass
    elif segment.kind is Kind.ADDRESS and not reader.columns:
        address = _address(value, following)
        if address:
            reader.put(role, "address", Value(address, address, page_no))
    elif segment.kind is Kind.ISSUE_DATE:
        found = find_date(value)
        if found:
            reader.put_document("issue_date", Value(found.iso, value[found.start:found.end], page_no,
                                                    details={"from": "label"}))
    elif segment.kind is Kind.DOCUMENT_NUMBER:
        _try_document(reader, "document_number", value, page_no)
    elif segment.kind is Kind.DOSSIER_CODE:
        _try_document(reader, "dossier_code", value, page_no)
    elif segment.kind is Kind.TAX_CODE:
        _try_document(reader, "tax_code", value, page_no)


def _dates_by_column(dates: list[tuple[str, str]], value: str, columns: int) -> list[tuple[str, str] | None]:
    """A two-person table row's birth dates (`_all_dates` of `value`), fewer than its columns, each in
    its own column: a date after a misread one ("77-02-1964 11-03-1985": the wife's unread) is the next
    column's, not the first's."""
    out: list[tuple[str, str] | None] = [None] * columns
    position = 0
    for iso, raw in dates:
        at = value.find(raw, position)
        column = 1 if _MISREAD_VALUE.search(value[position:at]) else 0
        column = max(column, next((i for i, date in enumerate(out) if date is None), columns))
        if column < columns:
            out[column] = (iso, raw)
        position = at + len(raw)
    return out


def _column_of(reader: Reader, segment: Segment) -> Role:
    """Whose column of a two-person table a label stands in: a label that starts its line is the left
    person's, one after text on its line the right person's ("08606 144951 1 Giấy tờ tùy thân: …":
    the left column's number wrapped, then the right column's label)."""
    return reader.columns[0] if segment.at_line_start or len(reader.columns) < 2 else reader.columns[1]


def _try_document(reader: Reader, name: str, text: str, page_no: int) -> None:
    try:
        value = V.normalise(name, text)
    except V.InvalidValue:
        return
    reader.put_document(name, Value(value, text.strip(), page_no))


def _read_document_values(reader: Reader, line: str, folded: str, page_no: int) -> None:
    for match in _DOC_NUMBER.finditer(folded):
        rest = line[match.end():]
        token = rest.split(" ")[0] if rest else ""
        if "/" in token or "-" in token:
            _try_document(reader, "document_number", token, page_no)
        elif len(token) in V.ID_LENGTHS and token.isdigit() and token not in reader.owned_ids:
            # "Số: 025123456" on an ID card is the ID; not a number a label on this line gave someone
            # ("Giấy tờ tùy thân: … số.079189397931": a declarant's, its leader dot read as the colon)
            name = "id_number" if len(token) == 12 else "old_id_number"
            reader.put(Role.MAIN, name, Value(token, token, page_no))
            reader.owned_ids.add(token)
    for match in _DATE_LINE.finditer(folded):
        before = folded[:match.start()]
        place = re.split(r"[:;]|\s\S*/\S*\s", " " + before)[-1].split()
        if 1 <= len(place) <= _PLACE_MAX_WORDS and not {"can", "cu", "luat"} & set(place[:2]):
            date = make_date(*match.groups())
            if date and plausible(date):
                reader.put_document("date_line", Value(date.isoformat(), line[match.start() + 1:match.end()].strip(),
                                                       page_no))
    if "dossier_code" not in reader.document:
        code = V.find_dossier_code(line)
        if code:
            reader.put_document("dossier_code", Value(code, code, page_no, UNLABELLED))


# --- values --------------------------------------------------------------------------------


def _put_name(reader: Reader, role: Role, text: str, page_no: int, read_as: str | None = None) -> None:
    """`read_as`: the label's value as the page read it, when that line may have been read again."""
    in_cells = reader.page and cells(reader.page, text)
    if in_cells and len(in_cells) > 1:
        text = _name_cell(in_cells)  # the value ends where its table cell does
    # A dot left beside a word ("TRẦN,THỤ.MINH") or the line's leader says the name was written on a
    # dotted fill-in line ("NGÔ ÁNH VẬN,......" for VÂN)
    value = name_in(text, page_no, dotted=reader.on_dotted_line or "." in text)
    if read_as is not None and (value is None or "validation" in value.details):
        value = _name_read_again(reader.page, read_as, value, page_no) or value
    if value is not None:
        reader.put(role, "full_name", value)


def _name_cell(in_cells: list[str]) -> str:
    """The cell of a name label's value: the first; a family name alone in it is the name's start,
    whose words the engine set far apart ("TRẦN" | "BÍCH HÀ", "Lý" | "Huỳnh" | "An"): the cells are
    read as one, for the name to end where its words do. (A first cell of noise is not skipped: the
    next cell's name may be nobody's, "Mô. Ánh" | "(HỦ".)"""
    first = in_cells[0]
    if name_run(first) is None and is_family_name(first.strip(" .,")):
        return " ".join(in_cells)
    return first


def _name_read_again(page: PageText | None, read_as: str, first: Value | None, page_no: int) -> Value | None:
    """A labelled name that did not read as a Vietnamese name, from its line read again alone (`reread`).

    Taken when the first reader's reading (the Vietnamese model finding the line) is a name the
    lexicon knows syllable by syllable in every position, as read (nothing corrected or dropped), with
    as many syllables as the first reading (the same line read once more: a syllable more or less is
    another reading of the line, not the name); or when two readers, each reading the crop its own way,
    give the same name, within a syllable of the first reading's count, one of them letter for letter:
    a Vietnamese name from a family name to a syllable that may be a given name (a rare one too, not
    THỊ), read by two readings with different errors that agree ("TRẦN THUIẬM" read "TRẦN THỊ TÂM"
    twice). A label whose value gave no name at all (`first` None: a name in a script face read as
    "2 NG 771 13M") takes only such a name two readers agree on, of any number of syllables: the first
    reading has none to count, and a lexicon name read once is no evidence against noise."""
    again = reread.readings_of(page, Kind.NAME, read_as)
    first_reading = next((reading for reading in again[:2] if reading.text), None)
    syllables = len(first.value.split()) if first is not None else None
    dotted = "." in read_as  # read on a dotted fill-in line: its dots can sit under a letter (NẠM for NAM)
    if syllables is not None and first_reading is not None \
            and (candidate := name_in(first_reading.text, page_no, dotted=dotted)) is not None \
            and not candidate.details and candidate.factor >= 1.0 and len(candidate.value.split()) == syllables:
        candidate.details = {"reread": "read again from its line alone", "read_as": read_as}
        return candidate
    by_name: dict[str, Value] = {}
    letters_read: set[str] = set()  # names a reading gave letter for letter (marks aside)

    def names_in(text: str) -> set[str]:
        candidate = name_in(text, page_no, dotted=dotted)
        if candidate is None or "validation" in candidate.details or not _plausibly_whole(candidate.value) \
                or (syllables is not None and abs(len(candidate.value.split()) - syllables) > 1):
            return set()
        by_name.setdefault(candidate.value, candidate)
        if fold(candidate.details.get("corrected_from", candidate.value)) == fold(candidate.value):
            letters_read.add(candidate.value)
        return {candidate.value}

    agreed = [name for name, readers in reread.agreement(again, names_in).most_common() if readers >= 2]
    if len(agreed) != 1 or agreed[0] not in letters_read:
        # none, two names each read twice (the line does not say which), or one only the lexicon's
        # repairs of letters made ("BHẠM THLANH", read alike twice, is no PHẠM THÀNH)
        return None
    candidate = by_name[agreed[0]]
    candidate.details = {**candidate.details, "reread": "read alike again by two readers", "read_as": read_as,
                         **({"check": CHECK_NAME_OF_NOISE} if first is None else {})}
    return candidate


def _plausibly_whole(name: str) -> bool:
    """A name that starts with a family name and ends with a syllable that may be a given name: not
    "TRÊN VĂN BỔN" (Trên is no family name), not "TRẦN THỊ" (its given name lost)."""
    words = name.split()
    return is_family_name(words[0]) and not is_middle_name_only(words[-1])


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
