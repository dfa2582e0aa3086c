"""The final choices over what the lines gave: whose values are the document's person's, which of
several readings to keep, what the machine-readable zone or a signature confirms, and the fields
with their confidences."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from pipeline.catalog import DocType, Role
from pipeline.dates import DateInWords, agrees_with_words, parse_date, plausible_birth_date, years_between
from pipeline.domain import (
    CHECK_DATE_IN_WORDS,
    CHECK_ZONE_DATE_IN_IDS_YEAR,
    ExtractedField,
    PageText,
    unread_field,
)
from pipeline.stages.extract import values as V
from pipeline.stages.extract.confidence import ocr_confidence
from pipeline.stages.extract.found import FAILED_VALIDATION, REPAIRED_DIGITS, UNLABELLED, Value
from pipeline.stages.extract.mrz import Mrz, birth_date_confirmed_by, birth_date_in_the_ids_year
from pipeline.stages.extract.names import name_run, name_value, name_words
from pipeline.stages.extract.reader import Reader
from pipeline.stages.vietnamese.names import CONFIDENCE_KNOWN, correct_name, name_problems, restore_marks
from pipeline.textnorm import edit_distance, fold

_PERSON_FIELDS = ("full_name", "date_of_birth", "gender", "id_number", "old_id_number", "address")


def _apply_mrz(main: dict[str, Value], zone: Mrz, page_no: int) -> None:
    """The zone's confirmed values over the printed side's readings; its name (without marks) repairs
    the printed name's syllables whose letters differ, marks taken from the name lexicon and flagged."""
    for name, value in (("id_number", zone.id_number), ("date_of_birth", zone.date_of_birth),
                        ("gender", zone.gender)):
        if value is None:
            continue
        printed = main.get(name)
        if printed is None or printed.value != value:
            details = {"from": "mrz"} | ({"printed": printed.value} if printed else {})
            main[name] = Value(value, value, page_no, details=details)
    if zone.id_number is not None and zone.date_of_birth is None and "date_of_birth" in main:
        _birth_year_from_confirmed_id(main, zone.id_number)
    if zone.name is None:
        return
    printed = main.get("full_name")
    if printed is not None and (fold(printed.value) == fold(zone.name) or not name_problems(printed.value)):
        return  # the two sides agree, or the printed side reads as a name: the zone has no marks to add
    # the zone is read by OCR too ("NGUYEN<<GTIA<LAM"): its syllables are repaired like a printed name's
    restored = correct_name(restore_marks(zone.name, printed.value if printed else "")).name
    details = {"from": "mrz", "validation": ["marks restored from the card's machine-readable zone"]}
    if printed is not None:
        details["printed"] = printed.value
    main["full_name"] = Value(restored, zone.name, page_no, FAILED_VALIDATION, details)


def _signed_names(reader: Reader) -> dict[Role, Value]:
    """The name under each signer's caption, by the role the caption names: the first line below the
    note that is, as a whole, a Vietnamese name with a known family name, read as is (nothing to
    correct; a scribbled signature above it reads as none). A role whose blocks give two names gives none. They stand in for a name the
    labels did not give (a value on a dotted line OCR could not read), marked as unlabelled."""
    names: dict[Role, list[Value]] = {}
    for block, page_no in reader.signed:
        if block.role is None or block.role is Role.OTHER:
            continue
        for line in block.lines_below:
            run = name_run(line)
            value = name_value(run, page_no) if run else None
            if (value is None or value.details or not 2 <= len(value.value.split()) <= 5
                    or len(run.split()) != len(name_words(line))
                    or fold(value.value.split()[0]) not in V.surname_folds()):
                continue
            value.factor *= UNLABELLED
            value.details = {"from": "signature", "caption": block.caption}
            names.setdefault(block.role, []).append(value)
            break
    return {role: found[0] for role, found in names.items() if len({v.value for v in found}) == 1}


def _name_under_own_signature(main: dict[str, Value], signed: Value) -> None:
    """The person's name read twice: typed over the label's dotted fill-in line, whose dots sit among
    the marks, and printed under their own signature caption on blank paper. When the two are the
    same name but for marks, or for one letter where the labelled reading is no name the lexicon
    knows, the signed reading is taken (it passed every check as read: `_signed_names`); the
    labelled one is kept in the details."""
    labelled = main["full_name"]
    a, b = fold(labelled.value), fold(signed.value)
    if labelled.value == signed.value or len(a.split()) != len(b.split()):
        return
    if a != b and (edit_distance(a, b, 1) > 1 or correct_name(labelled.value).confidence >= CONFIDENCE_KNOWN):
        return
    main["full_name"] = Value(signed.value, signed.raw, signed.page, labelled.factor,
                              {"from": "signature", "labelled": labelled.value})


def _unlabelled_ids(reader: Reader, main: dict[str, Value]) -> list[Value]:
    """The valid 12-digit numbers read without a label and given to nobody by one, as read. A number
    in a table row beside the birth date its digits carry is that row's person's: the citizen's only
    when the date is the citizen's birth date (a residence confirmation lists the household's members,
    each with a birth date and an ID)."""
    born = main["date_of_birth"].value if "date_of_birth" in main else None
    return [v for v in reader.loose_ids if v.value not in reader.owned_ids and V.check_id_number(v.value).ok
            and v.details.get("beside_birth_date", born) == born]


def _birth_date_confirmed_by_printed_id(main: dict[str, Value], reader: Reader) -> None:
    """A zone whose number did not read twice still has its birth digits: when their year is the
    printed ID's (labelled, or the card's one valid 12-digit number), the year was read twice in two
    places, and the zone's date wins over a printed one (before the printed ID is checked against
    that printed date)."""
    zone, page_no = reader.mrz, reader.mrz_page
    if zone is None or zone.id_number is not None:
        return
    printed_ids = [main["id_number"].value] if "id_number" in main else sorted(
        {v.value for v in _unlabelled_ids(reader, main)})
    if len(printed_ids) != 1:
        return
    born = birth_date_confirmed_by(zone, printed_ids[0])
    printed = main.get("date_of_birth")
    if born is None:
        _zone_date_in_the_ids_year(main, zone, printed_ids[0], page_no)
    elif printed is None or printed.value != born:
        details = {"from": "mrz", "confirmed_by": "id_number"} | ({"printed": printed.value} if printed else {})
        main["date_of_birth"] = Value(born, born, page_no, details=details)


def _zone_date_in_the_ids_year(main: dict[str, Value], zone: Mrz, printed_id: str, page_no: int) -> None:
    """A zone whose birth year did not read as the printed ID's ("89" for 69), though its first line
    read the ID's last nine digits twice as printed (all but a misread province): its day and month in
    the ID's year, as a printed year a confirmed ID contradicts is repaired (`_birth_year_from_confirmed_id`),
    for an operator to check. Not when a printed birth date is in the ID's year (it agrees with the ID:
    kept) or in the zone's (that year read twice), nor when the ID fails its own checks."""
    if zone.birth_digits is None or not V.check_id_number(printed_id).ok:
        return
    printed = main.get("date_of_birth")
    if printed is not None and printed.value[2:4] in (printed_id[4:6], zone.birth_digits[:2]):
        return
    born = birth_date_in_the_ids_year(zone, printed_id)
    if born is None:
        return
    details = {"from": "mrz", "read_as": zone.birth_digits, "check": CHECK_ZONE_DATE_IN_IDS_YEAR}
    main["date_of_birth"] = Value(born, zone.birth_digits, page_no, REPAIRED_DIGITS,
                                  details | ({"printed": printed.value} if printed else {}))


def _birth_year_from_confirmed_id(main: dict[str, Value], id_number: str) -> None:
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
    main["date_of_birth"] = Value(repaired.isoformat(), printed.raw, printed.page, printed.factor * REPAIRED_DIGITS,
                                  {"repaired": "year from the ID number the machine-readable zone confirms",
                                   "printed": printed.value})


def _accept_reread_id(main: dict[str, Value], found: Counter[str], read_as: str, page_no: int) -> None:
    """The citizen's ID from the re-readings of its line: the one number that fits the ID's structure,
    the birth date and the gender read on the document, when the birth date was read (it confirms
    the year digits) or two readers gave it (two readings with different errors agree: `reread.agreement`)."""
    date_of_birth = main["date_of_birth"].value if "date_of_birth" in main else None
    gender = main["gender"].value if "gender" in main else None
    fitting = [n for n in found if V.check_id_number(n, date_of_birth=date_of_birth, gender=gender).ok]
    if len(fitting) != 1 or (date_of_birth is None and found[fitting[0]] < 2):
        return
    main["id_number"] = Value(fitting[0], fitting[0], page_no, REPAIRED_DIGITS,
                              {"reread": "read again from its line alone", "read_as": read_as})


def _year_of_the_id(found: dict[str, Value]) -> int | None:
    """The birth year the ID read for a person carries in its digits; None without an ID or a year."""
    return V.birth_year_of_id(found["id_number"].value) if "id_number" in found else None


def _accept_reread_date(main: dict[str, Value], found: Counter[str], read_as: str, page_no: int) -> None:
    """The citizen's birth date from the re-readings of its line: the one date two readers read (in
    the year the ID read on the document carries, when there is one), or, when no two agree, the one
    in that year. Agreement comes first: a reading cut short ("1-03-1979" for 31-03-1979) keeps the
    year and would leave two dates in it."""
    id_year = _year_of_the_id(main)
    agreed = [iso for iso, count in found.items() if count >= 2]
    confirmed = ([iso for iso in agreed if id_year is None or int(iso[:4]) == id_year] if agreed
                 else [iso for iso in found if int(iso[:4]) == id_year])
    if len(confirmed) != 1 or not plausible_birth_date(dt.date.fromisoformat(confirmed[0])):
        return
    main["date_of_birth"] = Value(confirmed[0], confirmed[0], page_no, REPAIRED_DIGITS,
                                  {"reread": "read again from its line alone", "read_as": read_as})


def _doubt_date_against_words(main: dict[str, Value], in_words: DateInWords, unread: list[str]) -> bool:
    """A birth date whose digits and words disagree on the day, the month or the year ("10/02/2010"
    beside "mồng mười, tháng bảy"; "2/1/2023" beside "năm, tháng nưười", its day alone read): one of
    them was misread, and nothing says which. Missing and flagged beats wrong. Whether it was doubted."""
    doubted = not agrees_with_words(dt.date.fromisoformat(main["date_of_birth"].value), in_words)
    if doubted:
        read = main.pop("date_of_birth").raw
        day, month = ("?" if part is None else part for part in (in_words.day, in_words.month))
        year = f" year {in_words.year}" if in_words.year is not None else ""  # read only when closed: often cut
        unread.append(f"date_of_birth unreadable: read {read!r}, in words day {day} month {month}{year} "
                      "(the readings disagree)")
    return doubted


def _choose_date_reading(main: dict[str, Value], readings: list[dt.date], read_as: str, page_no: int,
                         in_words: DateInWords | None) -> None:
    """The citizen's birth date from a reading with ambiguous letters or a stray digit: the one of its
    readings that the document's second readings allow, the year the ID carries in its birth-year
    digits and the day, month and year the date written in words gives. A part with no second reading
    that is ambiguous leaves two readings, and the date stays unread."""
    year = _year_of_the_id(main)
    if year is None and in_words is None:
        return
    fitting = [date for date in readings
               if (year is None or date.year == year) and (in_words is None or agrees_with_words(date, in_words))]
    if len(fitting) == 1:
        by = [what for what, used in (("the ID number's birth-year digits", year), ("the date in words", in_words))
              if used is not None]
        main["date_of_birth"] = Value(fitting[0].isoformat(), read_as, page_no, REPAIRED_DIGITS,
                                      {"repaired": f"chosen by {' and '.join(by)}", "read_as": read_as})


def _date_from_words(main: dict[str, Value], in_words: DateInWords, words: str, page_no: int) -> None:
    """The citizen's birth date from its words alone, when its digits read as none (not when they read
    another date, `_doubt_date_against_words`, or dates the words allow none of): every part read, the
    year closed (`dates.date_in_words`), a living citizen's, in the year the ID's digits carry when an
    ID was read. Words are read better than handwritten digits ("……)3. 12.29……" above "Ngày mồng ba
    tháng mười hai năm hai nghìn không trăm linh chín……"), but they are one reading: checked."""
    date = in_words.date
    if date is None or not plausible_birth_date(date):
        return
    if _year_of_the_id(main) not in (None, date.year):
        return
    main["date_of_birth"] = Value(date.isoformat(), words, page_no, REPAIRED_DIGITS,
                                  {"from": "date in words", "read_as": words, "check": CHECK_DATE_IN_WORDS})


def _date_candidates(readings: list[dt.date], in_words: DateInWords | None) -> list[str]:
    """The birth date's readings the date in words allows, as ISO text."""
    return [date.isoformat() for date in readings if in_words is None or agrees_with_words(date, in_words)]


def _other_spouse_printed_first(reader: Reader, doc_type: DocType | None) -> bool:
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


def _id_read_plainly(main: dict[str, Value], readings: list[str]) -> bool:
    """Was the citizen's ID read with nothing to choose: its look-alike letters allow one reading
    only (O for 0), the one read, and its structure and the birth date allow it?"""
    if "id_number" not in main or readings != [main["id_number"].value]:
        return False
    date_of_birth = main["date_of_birth"].value if "date_of_birth" in main else None
    return not V.id_is_misread(V.check_id_number(main["id_number"].value, date_of_birth=date_of_birth))


def _choose_id_reading(main: dict[str, Value], readings: list[str], read_as: str, page_no: int,
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
        main["id_number"] = Value(fitting[0], read_as, page_no, REPAIRED_DIGITS,
                                  {"repaired": "digits read from look-alike letters or box lines", "read_as": read_as})
    else:
        unread.append(f"id_number unreadable: read {read_as!r} ({len(fitting)} of its {len(readings)} "
                      "possible readings fit the birth date and the ID's structure)")


def final_fields(reader: Reader, pages: list[PageText],
                 doc_type: DocType | None) -> tuple[list[ExtractedField], list[str], dict[str, list[str]]]:
    signed = _signed_names(reader)
    if _has_spouses(doc_type) and not {Role.MAIN, Role.SPOUSE} <= set(reader.names_in_order):
        # "Vợ" and "Chồng" sign side by side; which of them is the document's person depends on
        # which the body printed first, unknown here (a misread label)
        signed.pop(Role.MAIN, None)
        signed.pop(Role.SPOUSE, None)
    if _other_spouse_printed_first(reader, doc_type):
        for found_by_role in (*reader.readings_by_role, signed):
            _swap_roles(found_by_role, Role.MAIN, Role.SPOUSE)
    main = dict(reader.people.get(Role.MAIN, {}))
    if "full_name" not in main and (stand_in := signed.get(Role.MAIN) or reader.prose_name) is not None:
        main["full_name"] = stand_in  # the signer's name, or the one running text gives
    elif "full_name" in main and Role.MAIN in signed:
        _name_under_own_signature(main, signed[Role.MAIN])
    unread: list[str] = []
    if "date_of_birth" in main and not plausible_birth_date(dt.date.fromisoformat(main["date_of_birth"].value)):
        # before any check against it: an ID is not judged by a misread year
        misread = main.pop("date_of_birth")
        unread.append(f"date_of_birth unreadable: read {misread.raw!r} (not a living citizen's birth date)")
    in_words, words, words_page = reader.birth_in_words.get(Role.MAIN, (None, "", 0))
    digits_doubted = False
    if "date_of_birth" in main and in_words is not None:
        digits_doubted = _doubt_date_against_words(main, in_words, unread)
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
    if "id_number" not in main and (valid := _unlabelled_ids(reader, main)):
        main["id_number"] = valid[0]
    candidates: dict[str, list[str]] = {}
    if "date_of_birth" not in main and Role.MAIN in reader.date_readings:
        _choose_date_reading(main, *reader.date_readings[Role.MAIN], in_words)
    digits_read_as_none = not digits_doubted and Role.MAIN not in reader.date_readings
    if "date_of_birth" not in main and in_words is not None and digits_read_as_none:
        _date_from_words(main, in_words, words, words_page)
    if "date_of_birth" not in main and Role.MAIN in reader.date_readings:  # the dossier's ID may choose (reconcile)
        candidates["date_of_birth"] = _date_candidates(reader.date_readings[Role.MAIN][0], in_words)
    found: dict[str, Value] = {name: main[name] for name in _PERSON_FIELDS if name in main}
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

    _born_too_late(found, doc_type.min_age if doc_type else 0, unread)
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
                if all(problem.startswith(V.NOT_THE_BIRTH_DATE) for problem in check.problems):
                    # it or the birth date is misread: the dossier may read it again (`reconcile`)
                    candidates["id_number"] = [value.value]
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


def _born_too_late(found: dict[str, Value], min_age: int, unread: list[str]) -> None:
    """A birth date, or the birth year an ID carries, that makes the document's person younger on its
    issue date than its type allows (`min_age`: born after it, on every type; under 18 on a marriage
    certificate) was misread: it is left unread for review (a construction permit's "04022100905 0"
    read on a dotted line gave a holder born the year the permit was issued). Not when the birth date
    and the ID carry the same year: read twice in two places, the year holds, and the issue date is
    the likelier misreading."""
    issued = parse_date(found["issue_date"].value) if "issue_date" in found else None
    if issued is None:
        return
    born = parse_date(found["date_of_birth"].value) if "date_of_birth" in found else None
    id_year = _year_of_the_id(found)
    if born is not None and born.year == id_year:
        return
    why = (f"younger than {min_age} on the document's issue date {issued.isoformat()}" if min_age
           else f"born after the document's issue date {issued.isoformat()}")
    if born is not None and (born > issued or years_between(born, issued) < min_age):
        unread.append(f"date_of_birth unreadable: read {found.pop('date_of_birth').raw!r} ({why})")
    if id_year is not None and issued.year - id_year < min_age:  # at the oldest its birth year allows
        unread.append(f"id_number unreadable: read {found.pop('id_number').raw!r} (born {id_year} by its digits, {why})")


def _unread_labelled(reader: Reader, result: list[ExtractedField], unread: list[str],
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
