"""Field values: parse raw text into the normalised form stored, and validate it.

Used by extraction (values read from OCR text) and by `dossier set-field`
(values typed by an operator), so both store the same shapes:
dates ISO, numbers digits only, names NFC capitals, gender "Nam"/"Nữ".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.catalog import FieldKind
from pipeline.dates import birth_date_problem, find_date, parse_date
from pipeline.stages.vietnamese.names import load_lexicon
from pipeline.textnorm import DIGIT_LOOKALIKES, digits_for, fold, nfc, squash_spaces

# First three digits of the 12-digit personal ID number: the province where the birth
# was registered, the 63 codes in force before the 2025 mergers (079 = Ho Chi Minh City).
PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096".split()
)

MALE, FEMALE = "Nam", "Nữ"
ID_LENGTHS = (12, 9)  # personal ID number; the old CMND

# Letters OCR reads where digits are printed, one guess each; only applied between digits.
_BETWEEN_DIGITS = "OoDQIl|SBZ"
_DIGIT_LOOKALIKES = digits_for(_BETWEEN_DIGITS)
_DIGIT_GROUPS = re.compile(r"\d[\d .]*\d|\d")
# The receiving agency's code, the day (yymmdd) and a sequence. The agency code is written short
# ("H29.13") or in the full four-level form of the national catalog of agency codes, dotted digit
# groups before the province's letter code ("000.00.12.H29"); the full form is the whole code.
_DOSSIER_CODE = re.compile(r"(?<![\d.])((?:\d{2,3}\.){0,3}[A-Z]\d{2}(?:\.\d{1,3})*-\d{6}-\d{4})\b")
_TAX_CODE = re.compile(r"(?<!\d)(\d{10}(?:-\d{3})?)(?![\d])")
_DOC_NUMBER = re.compile(r"[0-9][\w.]*(?:\s*[/\-]\s*[\w.Đđ]+)+", re.UNICODE)
_BOOK_NUMBER = re.compile(r"\b([A-Z]{1,3})\s?(\d{3,})\b")  # land-certificate book entry "CS 01234"
_HONORIFICS = ("ong", "ba", "anh", "chi", "cu", "mr", "mrs", "ms")


class InvalidValue(ValueError):
    """The text cannot be read as a value of the field (the message says why)."""


@dataclass(frozen=True)
class Check:
    """Outcome of validating one value: problems found (empty when valid)."""

    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


# --- dates ---------------------------------------------------------------------------


def normalise_date(text: str) -> str:
    """An operator's or OCR's date → ISO: the text is a date, or holds one (pipeline.dates)."""
    date = parse_date(text)
    if date is None and (found := find_date(text)):
        date = found.date
    if date is None:
        raise InvalidValue(f"{text!r} is not a date (write 2021-03-12, 12/03/2021 or ngày 12 tháng 3 năm 2021)")
    return date.isoformat()


# --- numbers -------------------------------------------------------------------------


_LETTER_BETWEEN_DIGITS = re.compile(rf"(?<=\d)[{re.escape(_BETWEEN_DIGITS)}](?=[\d{re.escape(_BETWEEN_DIGITS)}]*\d)")


def digit_runs(text: str) -> list[str]:
    """Digit sequences; groups split by spaces or dots are joined where they make an ID.

    "079 090 001234" is one 12-digit number, "079091894033 208039538" two (a 12- and a 9-digit
    one, side by side in a table). Letters that OCR confuses with digits are mapped only where
    they sit between digits.
    """
    fixed = _LETTER_BETWEEN_DIGITS.sub(lambda m: m.group(0).translate(_DIGIT_LOOKALIKES), text)
    runs: list[str] = []
    for match in _DIGIT_GROUPS.finditer(fixed):
        groups = [g.replace(".", "") for g in match.group(0).split()]
        start = 0
        while start < len(groups):
            # the personal ID first: "079 090 864 632" is one 12-digit number, not a 9-digit one and 3 digits
            end = next((j for length in ID_LENGTHS for j in range(start, len(groups))
                        if len("".join(groups[start:j + 1])) == length), start)
            runs.append("".join(groups[start:end + 1]))
            start = end + 1
    return runs


# What OCR may have read where an ID's digit was printed, and every digit it may be (`_DIGIT_LOOKALIKES`
# above takes one guess each, for `digit_runs`). An S stands for a 5 only here: IDs are printed, and
# an S for an 8 is handwriting's (a date's, `pipeline.dates`); [ and ] are box lines (`_BOX_LINES`).
_DIGIT_READINGS: dict[str, str] = ({letter: DIGIT_LOOKALIKES[letter] for letter in "OoDQØøZzBGIl!|"}
                                   | {"S": "5", "s": "5"})
_BOX_LINES = "|[]"  # digits written in boxes: the box lines read as these, or as 1, I, l
_ONE_LIKE = "1Il!|"
# What stands between the groups of a number read badly: spaces, dots, dashes, and a separator
# written by hand that OCR read as a slash ("038.195 716/727", which `digit_runs` leaves in two). Not a
# comma: one ends the number, and leaders after it would join their stray digits to it.
_GROUP_SEPARATORS = " ./\u2044-"
_NUMBER_STRETCH = re.compile("[\\d" + re.escape("".join(_DIGIT_READINGS) + "[]" + _GROUP_SEPARATORS) + "]+")
MIN_BOXES = 5  # box lines, or digits standing alone, that say the number was written in boxes
MIN_TRUE_DIGITS = 9  # a stretch needs this many digits read as digits before look-alikes fill it
MAX_READINGS = 256


def id_readings(text: str) -> list[str]:
    """The 12-digit numbers a personal ID read badly may be, for the validators to choose from.

    The stretch of `text` read is the first that holds at least `MIN_TRUE_DIGITS` digits (letters of
    words end it, `_GROUP_SEPARATORS` do not). In it each look-alike letter stands for each digit
    it may be ("0Z9.082.901.921": 029… and 079…). Digits written in boxes ("|0|7|9I0|9|1|5|10|…", or
    "0 7 9I0 9 1 5 10 …" once the lines are gone) lose their lines, and every 1, I or l there may be a
    line or a digit 1. Only readings of exactly 12 digits are returned, of the whole stretch or else
    of the most of its groups in a row that give some (`_readings_without_noise`); none when the
    stretch is digits alone (`digit_runs` reads those) or allows more than `MAX_READINGS` (too many
    to choose).
    """
    text = nfc(text)
    for match in _NUMBER_STRETCH.finditer(text):
        stretch = match.group(0)
        if match.end() < len(text) and text[match.end()].isalpha() and " " in stretch.strip():
            # the stretch ends inside a word ("… 144951 I Giấy": the G of Giấy): that word's letters
            # are no digits, unless the digits run into it ("…9333Z")
            head, _, tail = stretch.rpartition(" ")
            if not any(ch.isdigit() for ch in tail):
                stretch = head
        stretch = stretch.strip(_GROUP_SEPARATORS)
        # Box lines are read as |, [ or ], or are gone (a rule is a leader: extraction's lines come
        # without them), leaving the digits one by one between spaces.
        boxed = (sum(stretch.count(ch) for ch in _BOX_LINES) + sum(len(t) == 1 for t in stretch.split())
                 >= MIN_BOXES)
        true_digits = sum(ch.isdigit() and not (boxed and ch in _ONE_LIKE) for ch in stretch)
        if true_digits < MIN_TRUE_DIGITS or (boxed and true_digits > 12):
            continue
        if not boxed and all(ch.isdigit() or ch in " .-" for ch in stretch):
            return []  # digits alone: `digit_runs` reads them, there is nothing to choose
        if boxed:
            return _readings_of_length(_options(stretch, boxed), 12)
        return _readings_without_noise(stretch.split())
    return []


def _options(stretch: str, boxed: bool) -> list[tuple[str, ...]]:
    """Per character of a number's stretch, the digits it may stand for ("" for a box line)."""
    options: list[tuple[str, ...]] = []
    for ch in stretch:
        if boxed and ch in _ONE_LIKE:
            options.append(("", "1"))
        elif ch.isdigit():
            options.append((ch,))
        elif ch in _DIGIT_READINGS and not (boxed and ch in _BOX_LINES):
            options.append(tuple(_DIGIT_READINGS[ch]))
    return options


def _readings_without_noise(groups: list[str]) -> list[str]:
    """The 12-digit readings of a number's groups, or of the most of them in a row that give some: a
    leader's dots or a rule read as a group of digits beside the number ("08Z301530Z89 22") make
    its positions too many, and the number would read as none while `digit_runs` takes the look-alike's
    first digit alone. A shorter run of groups is read only when it holds look-alikes
    (digits alone are `digit_runs`' business) and `MIN_TRUE_DIGITS` digits."""
    for size in range(len(groups), 0, -1):
        found: set[str] = set()
        for first in range(len(groups) - size + 1):
            part = "".join(groups[first:first + size])
            if size < len(groups) and (part.isdigit() or sum(ch.isdigit() for ch in part) < MIN_TRUE_DIGITS):
                continue
            found.update(_readings_of_length(_options(part, False), 12))
        if found:
            return sorted(found)
    return []


def _readings_of_length(options: list[tuple[str, ...]], length: int) -> list[str]:
    """Every string of exactly `length` characters made by one choice per position."""
    found: list[str] = []
    room = [0] * (len(options) + 1)  # room[i]: the most characters positions i… can still add
    for index in range(len(options) - 1, -1, -1):
        room[index] = room[index + 1] + max(map(len, options[index]))

    def walk(index: int, prefix: str) -> None:
        if len(found) >= MAX_READINGS or len(prefix) > length:
            return
        if length - len(prefix) > room[index]:
            return  # too few positions left to reach the length
        if index == len(options):
            if len(prefix) == length:
                found.append(prefix)
            return
        for choice in options[index]:
            walk(index + 1, prefix + choice)

    walk(0, "")
    return [] if len(found) >= MAX_READINGS else sorted(set(found))


def find_digits(text: str, length: int) -> str | None:
    for run in digit_runs(text):
        if len(run) == length:
            return run
    return None


NOT_THE_BIRTH_DATE = "does not match the date of birth"  # an ID's problem: its century or year digits


def check_id_number(value: str, *, date_of_birth: str | None = None, gender: str | None = None,
                    today: dt.date | None = None) -> Check:
    """The 12-digit personal ID: province (3) + century/gender (1) + birth year (2) + serial (6).

    Century/gender digit: 0 male / 1 female born in the 1900s, 2 male / 3 female in the 2000s.
    """
    if not re.fullmatch(r"\d{12}", value):
        return Check(("not 12 digits",))
    problems = []
    if value[:3] not in PROVINCE_CODES:
        problems.append(f"unknown province code {value[:3]}")
    digit = int(value[3])
    if digit > 3:
        problems.append(f"century/gender digit {digit} is not 0-3")
    elif birth_year_of_id(value, today=today) is None:  # "079267…": no citizen is born in 2067
        problems.append(f"birth year {_century_and_year(value)} is in the future")
    else:
        if date_of_birth:
            year = int(date_of_birth[:4])
            if (year >= 2000) != (digit >= 2) or int(value[4:6]) != year % 100:
                problems.append(f"{NOT_THE_BIRTH_DATE} {date_of_birth}")
        if gender in (MALE, FEMALE) and gender_of_id(value) != gender:
            problems.append(f"does not match the gender {gender}")
    return Check(tuple(problems))


def id_is_misread(check: Check) -> bool:
    """The problems of a read ID say it was misread or is another person's: a bad province code or
    century digit, another birth year, or the other gender. The gender read beside it is seldom
    wrong ("Nam"/"Nữ" are read whole or not at all), while an ID of the other gender is nearly
    always a relative's or a declarant's number taken for the citizen's (both such IDs on the
    development half were): missing and flagged beats wrong."""
    return bool(check.problems)


def birth_year_of_id(value: str, *, today: dt.date | None = None) -> int | None:
    """The birth year a valid 12-digit ID's digits 4-6 give (century digit, then the year's last two);
    None when they give none, or one still to come."""
    if not re.fullmatch(r"\d{12}", value) or int(value[3]) > 3:
        return None
    year = _century_and_year(value)
    return year if year <= (today or dt.date.today()).year else None


def _century_and_year(value: str) -> int:
    return (1900 if value[3] in "01" else 2000) + int(value[4:6])


def gender_of_id(value: str) -> str | None:
    """The gender a valid 12-digit ID's century digit gives: even for a man, odd for a woman."""
    if birth_year_of_id(value) is None:
        return None
    return FEMALE if int(value[3]) % 2 else MALE


def normalise_id_number(text: str) -> str:
    value = find_digits(text, 12)
    if value is None:
        raise InvalidValue(f"{text!r} is not a 12-digit personal ID number")
    return value


def normalise_old_id_number(text: str) -> str:
    value = find_digits(text, 9)
    if value is None:
        raise InvalidValue(f"{text!r} is not a 9-digit ID card (CMND) number")
    return value


def normalise_tax_code(text: str) -> str:
    match = _TAX_CODE.search(re.sub(r"(?<=\d) (?=\d)", "", text))
    if not match:
        raise InvalidValue(f"{text!r} is not a tax code (10 digits, or 10-3 for a branch)")
    return match.group(1)


def find_dossier_code(text: str) -> str | None:
    """A code in the HCMC form (agency-yymmdd-sequence: "H29.13-240312-0001",
    "000.00.12.H29-240312-0001") anywhere in text."""
    match = _DOSSIER_CODE.search(re.sub(r"\s*([.\-])\s*", r"\1", nfc(text)))
    return match.group(1) if match else None


def normalise_dossier_code(text: str) -> str:
    if code := find_dossier_code(text):
        return code
    compact = re.sub(r"\s*([.\-])\s*", r"\1", squash_spaces(nfc(text)))
    token = compact.split(" ")[0].strip(".,;:") if compact else ""
    if not token or not any(ch.isdigit() for ch in token):
        raise InvalidValue(f"{text!r} is not a dossier code (e.g. H29.13-240312-0001)")
    return token


def normalise_document_number(text: str) -> str:
    """ "125/2021/KS", "45/QĐ-UBND": printed case kept, spaces around / and - removed."""
    match = _DOC_NUMBER.search(nfc(text))
    if not match and (book := _BOOK_NUMBER.search(nfc(text))):
        return book.group(1) + book.group(2)
    if not match:
        raise InvalidValue(f"{text!r} is not a document number (e.g. 45/QĐ-UBND)")
    value = re.sub(r"\s*([/\-])\s*", r"\1", match.group(0)).rstrip(".,;")
    if re.fullmatch(r"[\d/\-]+", value) and "/" not in value:
        raise InvalidValue(f"{text!r} is not a document number (e.g. 45/QĐ-UBND)")
    return value


# --- words ---------------------------------------------------------------------------


def normalise_gender(text: str) -> str:
    first = fold(text).strip(" :.,;/").split()
    word = first[0] if first else ""
    word = re.sub(r"^(\w)\1+", r"\1", word)  # "NNỮ": a letter read twice
    if word in ("nam", "male", "m"):
        return MALE
    if word in ("nu", "female", "f"):
        return FEMALE
    raise InvalidValue(f"{text!r} is not a gender (Nam or Nữ)")


def is_honorific(word: str, following: str | None = None) -> bool:
    """Is this first word of a name's value a title ("Ông", "Bà", "Ông/Bà"), not part of the name?
    Ông is also a family name (ÔNG DIỄM NHƯ): it is a title only when a family name follows."""
    folded = fold(word).strip(".,:")
    if folded not in _HONORIFICS and folded != "ong/ba":
        return False
    return folded != "ong" or following is None or fold(following).strip(".,") in surname_folds()


@functools.cache
def surname_folds() -> frozenset[str]:
    """The family names of the names lexicon, without marks."""
    return frozenset(load_lexicon().surname.by_fold)


def upper_name(text: str) -> str:
    """Names are stored in NFC capitals, as printed on civil-status documents."""
    words = squash_spaces(nfc(text)).strip(" .,;:").split(" ")
    while len(words) > 2 and is_honorific(words[0], words[1]):
        words = words[1:]  # "Ông NGUYỄN VĂN AN" → the name without the honorific
    name = nfc(" ".join(words).upper())
    if len(name.split()) < 2 or any(ch.isdigit() for ch in name):
        raise InvalidValue(f"{text!r} is not a full name (family name and given name)")
    return name


def normalise_address(text: str) -> str:
    value = squash_spaces(nfc(text)).strip(" ;:.")
    if len(value) < 5:
        raise InvalidValue(f"{text!r} is too short for an address")
    return value


NORMALISERS: dict[FieldKind, Callable[[str], str]] = {
    FieldKind.NAME: upper_name,
    FieldKind.ID_NUMBER: normalise_id_number,
    FieldKind.OLD_ID_NUMBER: normalise_old_id_number,
    FieldKind.DATE: normalise_date,
    FieldKind.GENDER: normalise_gender,
    FieldKind.DOCUMENT_NUMBER: normalise_document_number,
    FieldKind.DOSSIER_CODE: normalise_dossier_code,
    FieldKind.TAX_CODE: normalise_tax_code,
    FieldKind.ADDRESS: normalise_address,
}


def normalise(kind: FieldKind | str, text: str) -> str:
    """The stored form of a value of this kind (the catalog gives each field's); InvalidValue when it is not one."""
    return NORMALISERS[FieldKind(kind)](text)


def cross_check(values: dict[str, str]) -> dict[str, Check]:
    """Checks that involve several fields of one document (the ID against birth date and gender)."""
    checks: dict[str, Check] = {}
    if "id_number" in values:
        checks["id_number"] = check_id_number(values["id_number"], date_of_birth=values.get("date_of_birth"),
                                              gender=values.get("gender"))
    # parse_date, not fromisoformat: a stored value that is no date is left unchecked, never raises
    if (born := parse_date(values.get("date_of_birth") or "")) and (problem := birth_date_problem(born)):
        checks["date_of_birth"] = Check((problem,))
    return checks
