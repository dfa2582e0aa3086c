"""Dates as Vietnamese documents print them and operators type them: the one date parser.

Printed: "12/03/2021", "12-3-2021", "12.03.2021", "ngày 12 tháng 3 năm 2021" (with or
without diacritics, OCR's stray dots and commas between the parts). Typed by operators:
the same, or ISO "2021-03-12". Day first, always: Vietnam writes dd/mm/yyyy.

`parse_date` reads a text that is one date and nothing else (a command-line value, a
field value); `find_date` finds the first date inside longer text (a page line) and
only accepts years a citizen's record can carry, so "12/03/0021" misread by OCR is no
date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from pipeline.textnorm import DIGIT_LOOKALIKES, digits_for, fold, nfc, squash_spaces

EARLIEST_YEAR: Final = 1880  # the oldest date a dossier's papers carry (an old deed), with margin
# No one whose papers a district office files today was born before 1900: an earlier birth year is a
# misread one (1885 for 1995), and a wrong birth date is worse than none.
EARLIEST_BIRTH_YEAR: Final = 1900

# Between a day-first date's day, month and year; OCR reads a printed "/" or "." as ":" now and then
# ("24-01:2001"). The repairs of misread dates below spell their day and month, and their month and
# year, with it too.
_SEP = r"\s*[/.\-:]{1,2}\s*"
_NUMERIC = rf"(?<!\d)(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})(?!\d)"
_DAY_MONTH = rf"\d{{1,2}}{_SEP}\d{{1,2}}{_SEP}"  # a day and a month, and the separator before the year
_MONTH_YEAR = rf"{_SEP}\d{{1,2}}{_SEP}\d{{4}}(?!\d)"  # what follows a day
# "ngày 05 tháng 3 năm 1990"; after a label that ends in "ngày" ("Sinh ngày: 05 tháng 3 năm 1990") without it
_WORDS = r"(?:ngay[\s.,:]*)?(?<!\d)(\d{1,2})[\s,.\-]*thang[\s.,]*(\d{1,2})[\s,.\-]*nam[\s.,]*(\d{4})(?!\d)"
_ISO = r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"
_DAY_FIRST = re.compile(f"{_NUMERIC}|{_WORDS}")
_ISO_DATE = re.compile(_ISO)


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    start: int  # span of the date in the text searched
    end: int

    @property
    def iso(self) -> str:
        return self.date.isoformat()


def make_date(day: int | str, month: int | str, year: int | str) -> dt.date | None:
    """The calendar date, or None for an impossible one (31/02)."""
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _day_first_dates(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int, dt.date | None]]:
    """(start, end, date; None for an impossible one) of each match of a day-first pattern."""
    for match in pattern.finditer(text):
        yield match.start(), match.end(), _day_first_date(match)


def _day_first_date(match: re.Match[str]) -> dt.date | None:
    """The date a day-first pattern matched, its two alternatives capturing the day, the month and
    the year, three groups each; None for an impossible one."""
    groups = match.groups()
    day, month, year = groups[0:3] if groups[0] is not None else groups[3:6]
    return make_date(day, month, year)


def plausible(date: dt.date, *, today: dt.date | None = None) -> bool:
    """A year a document in a citizen's dossier can carry: not before 1880, not after next year."""
    return EARLIEST_YEAR <= date.year <= (today or dt.date.today()).year + 1


def years_between(earlier: dt.date, later: dt.date) -> int:
    """Whole years from `earlier` to `later` (an age on a day); negative when `later` is a year or more earlier."""
    if later < earlier:
        return -years_between(later, earlier)
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def plausible_birth_date(date: dt.date, *, today: dt.date | None = None) -> bool:
    """A citizen's birth date: not before 1900, not in the future."""
    return birth_date_problem(date, today=today) is None


def birth_date_problem(date: dt.date, *, today: dt.date | None = None) -> str | None:
    """Why a date cannot be a living citizen's birth date; None when it can."""
    if date > (today or dt.date.today()):
        return "in the future"
    if date.year < EARLIEST_BIRTH_YEAR:
        return f"before {EARLIEST_BIRTH_YEAR}"
    return None


def find_date(text: str) -> FoundDate | None:
    """The first plausible date in `text`, day first, in any printed spelling."""
    folded = fold(text)  # same length as `text` for Vietnamese: spans stay valid
    candidates = list(_day_first_dates(_DAY_FIRST, folded))
    for match in _ISO_DATE.finditer(folded):
        year, month, day = match.groups()
        candidates.append((match.start(), match.end(), make_date(day, month, year)))
    for start, end, date in sorted(candidates, key=lambda c: c[0]):
        if date is not None and plausible(date):
            return FoundDate(date, start, end)
    return None


# Letters OCR reads for digits in a handwritten or degraded date ("I991", "l6", "2Z/l1⁄/19Z5"); one
# character each, so spans found in the repaired text are spans of the original.
# Only the unambiguous ones: Z is a 2 or a 7, S a 5 or an 8, and a wrong birth date is worse than none.
# Bars, brackets and an opening brace are a 1's stem or serif, or a table cell's border beside a date
_STROKES = "|[]{"
_LOOKALIKE_LETTERS = "OoØøIl" + _STROKES
_LOOKALIKES = digits_for(_LOOKALIKE_LETTERS) | str.maketrans({"⁄": "/", "∕": "/"})  # and fraction slashes
# A table's cell border glued to a date ("[07/10/1996"): read as a 1 it would make a day of three digits
_CELL_BORDER = re.compile(rf"(?<!\w)[{re.escape(_STROKES)}](?=\d{{2}}\s*[/.\-]\s*\d)")
_NUMBER_CHAR = rf"[\d{re.escape(_LOOKALIKE_LETTERS)}⁄∕/.\-:]"
_NUMBER_LIKE = re.compile(rf"{_NUMBER_CHAR}*\d{_NUMBER_CHAR}*"
                          r"|(?<=tháng )[Il|]{1,2}(?= năm)")  # "tháng II năm 1980"


# A leader dot read inside the year of a day-first date ("14/10/1.974", "05-3-19.80"): the year's four
# digits with one dot or comma among them, right after the day and the month
_DOT_IN_YEAR = re.compile(rf"(?<!\d)({_DAY_MONTH})"
                          r"(\d(?:[.,]\d{3}|\d[.,]\d{2}|\d{2}[.,]\d))(?![\d.,]*\d)")


# A dot read as a comma between the day and the month ("08,09. 1966"): only where a month and a
# four-digit year follow it, so a list of numbers ("12, 05, 1990") is left alone
_COMMA_AFTER_DAY = re.compile(rf"(?<!\d)(\d{{1,2}}),(?=\s*\d{{1,2}}{_SEP}\d{{4}}(?!\d))")

# A day-first date whose first or second separator the engine lost ("2202/1951", "22/021951"): the
# day and the month two digits each, so the cut is where the separator stood
_LOST_SEPARATOR = re.compile(rf"(?<!\d)(\d{{2}})(\d{{2}}){_SEP}(\d{{4}})(?!\d)"
                             rf"|(?<!\d)(\d{{1,2}}){_SEP}(\d{{2}})(\d{{4}})(?!\d)")


# A day's two digits the engine set apart ("3 I-08-1992" for 31-08-1992: a narrow 1 read apart from
# its 3); the date found without it ("1-08-1992") would be another day of the month
_SPLIT_DAY = re.compile(rf"(?<![\w.,/:\-])(\d) (\d)(?={_MONTH_YEAR})")


# The same in a year ("20.06.1 982"): moved together, the space after them
_SPLIT_YEAR = re.compile(rf"(?<!\d)({_DAY_MONTH})([12]) (\d{{3}})(?!\d)")


def find_misread_date(text: str) -> FoundDate | None:
    """`find_date` after mapping digit look-alikes inside number-like tokens, joining a day's or a year's
    digits set apart, reading a comma after the day as the dot it was, taking a leader dot out of the
    year and putting back a lost separator: for a value a label says is a date, where a misread
    character must not lose it. Spans are those of `text`."""
    repaired = _NUMBER_LIKE.sub(lambda m: m.group(0).translate(_LOOKALIKES), _CELL_BORDER.sub(" ", text))
    # the space goes before or after the digits joined, so the text keeps its length and spans their place
    joined_years = {match.end() - 1 for match in _SPLIT_YEAR.finditer(repaired)}
    repaired = _SPLIT_YEAR.sub(r"\1\2\3 ", repaired)
    joined = {match.start() for match in _SPLIT_DAY.finditer(repaired)}
    repaired = _SPLIT_DAY.sub(r" \1\2", repaired)
    repaired = _COMMA_AFTER_DAY.sub(r"\1.", repaired)
    found = find_date(repaired)
    if found is None and (match := _DOT_IN_YEAR.search(repaired)):
        year = re.sub(r"[.,]", "", match.group(2))
        found = find_date(repaired[:match.start(2)] + year + repaired[match.end(2):])
        if found is not None and found.end >= match.start(2) + len(year):  # the dot's character back in the span
            found = FoundDate(found.date, found.start, found.end + 1)
    if found is None:
        found = _with_lost_separator(repaired)
    if found is not None and found.start - 1 in joined:  # the day's first digit back in the span
        found = FoundDate(found.date, found.start - 1, found.end)
    if found is not None and found.end in joined_years:  # and the year's last
        found = FoundDate(found.date, found.start, found.end + 1)
    return found


def _with_lost_separator(text: str) -> FoundDate | None:
    """The first plausible date `_LOST_SEPARATOR` finds in `text`."""
    return next((FoundDate(date, start, end) for start, end, date in _day_first_dates(_LOST_SEPARATOR, text)
                 if date is not None and plausible(date)), None)


# Letters a handwritten or degraded date's digits are read as that stand for two digits each (Z is a 2
# upright and a 7 in handwriting; S a 5 or an 8): `date_readings` lists both for a check to choose.
_AMBIGUOUS_DIGITS = {letter: DIGIT_LOOKALIKES[letter] for letter in "ZzSs"}
_DATE_CHAR = r"[\dZzSs]"
_DATE_SHAPE = re.compile(rf"(?<![\w])({_DATE_CHAR}{{1,2}})\s*[/.\-:,]{{1,2}}\s*({_DATE_CHAR}{{1,2}})"
                         rf"\s*[/.\-:,\s]{{1,2}}\s*({_DATE_CHAR}{{4,5}})(?![\w])")
MAX_DATE_READINGS = 16


def date_readings(text: str) -> list[dt.date]:
    """The plausible dates a day-first date read with ambiguous letters may be ("20,02.19Z5": 1925 or
    1975), or with a stray digit in its year ("14/08 18950": one digit too many, each left out), for
    another reading of the year (an ID's birth-year digits) to choose from. The first date-shaped
    stretch only; none when it is too ambiguous to choose from."""
    repaired = _NUMBER_LIKE.sub(lambda m: m.group(0).translate(_LOOKALIKES), nfc(text))
    match = _DATE_SHAPE.search(repaired)
    if match is None:
        return []
    day, month, year = (_spellings(part) for part in match.groups())
    if len(match.group(3)) == 5:  # a stray digit: the year is the four left by leaving one out
        year = {y[:i] + y[i + 1:] for y in year for i in range(5)}
    found = {date for d in day for m in month for y in year
             if (date := make_date(d, m, y)) is not None and plausible(date)}
    return sorted(found) if len(found) <= MAX_DATE_READINGS else []


def _spellings(part: str) -> set[str]:
    spellings = {""}
    for ch in part:
        spellings = {s + digit for s in spellings for digit in _AMBIGUOUS_DIGITS.get(ch, ch)}
    return spellings


# Vietnamese numerals, folded, as a form writes a date in words beside its digits ("ghi bằng chữ: mồng
# mười, tháng bảy, năm hai nghìn không trăm mười"): "mười" (ten) and "mươi" (tens) fold alike, so a
# "muoi" after a digit word is tens; "mốt", "tư" and "lăm" are 1, 4 and 5 after it.
_DIGIT_WORDS = {"khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6,
                "bay": 7, "tam": 8, "chin": 9}
_MONTH_NAMES = {"gieng": 1, "chap": 12}
_DAY_PREFIXES = {"ngay", "mong", "mung"}
# Words a date in words' day or month stands beside: its prefixes, "tháng", the year's "năm", the
# "ghi bằng chữ" that introduces it
_DATE_WORDS = _DAY_PREFIXES | {"thang", "nam", "chu"}
# A year's numeral: "hai nghìn không trăm linh chín" (2009), "một nghìn chín trăm tám mươi lăm" (1985)
_YEAR_WORDS = set(_DIGIT_WORDS) | {"muoi", "nghin", "ngan", "tram", "linh", "le"}
_THOUSAND = {"nghin", "ngan"}
_UNITS_AFTER_ZERO_TENS = {"linh", "le"}  # "hai nghìn không trăm linh chín": 2009
# What closes a year's numeral: the end of its line (or of the text), a stop, comma, colon or leader
# dots. A year runs on to the end of its line, the part OCR cuts, wraps ("… không trăm hai" / "mươi
# ba": read across the line break, the numeral goes on) or misreads ("không trăm mứt", "không trăm
# _¬": the numeral ran on into a word or mark that is none of its, so it may be cut short: not read).
_CLOSED = re.compile(r"[ \t]*(?:$|[\n.,;:…])")


@dataclass(frozen=True)
class DateInWords:
    """A date written again in words beside its digits, each part as it read; None where it did not."""

    day: int | None
    month: int | None
    year: int | None = None

    @property
    def date(self) -> dt.date | None:
        """The whole date, when every part read and they make one."""
        if self.day is None or self.month is None or self.year is None:
            return None
        return make_date(self.day, self.month, self.year)


def date_in_words(text: str, next_line: str = "") -> DateInWords | None:
    """The day, month and year of a date written in words ("mồng mười, tháng bảy, năm hai nghìn không
    trăm mười" → 10, 7, 2010): a second reading of a date's digits. A part that does not read as a
    numeral is None ("năm, tháng nưười" → day 5 alone still checks the digits); the year only when its
    numeral is closed (`_CLOSED`; `next_line`, the line after the words', is where a year wrapped goes
    on); None when neither the day nor the month reads."""
    folded = fold(text)
    words = re.findall(r"[a-z]+", folded)
    if "thang" not in words:
        return None
    at = words.index("thang")
    day_words: list[str] = []
    before = words[:at]
    while before and before[-1] not in _DAY_PREFIXES and (before[-1] in _DIGIT_WORDS or before[-1] == "muoi"):
        day_words.insert(0, before.pop())
    after = words[at + 1:]
    if after[:2] == ["nam", "nam"]:  # "tháng năm, năm …": May, then the year
        month: int | None = 5
        year_at = at + 2
    elif after[:1] and after[0] in _MONTH_NAMES:
        month = _MONTH_NAMES[after[0]]
        year_at = at + 2
    else:
        month_words = []
        for word in after:
            if word == "nam" and month_words or (word not in _DIGIT_WORDS and word != "muoi"):
                break
            month_words.append(word)
        rest = after[len(month_words):]
        # "tháng mười mội": the ten ran on into a word misread, so 11 or 12 may be 10: not read
        month = None if _runs_on_misread(month_words, rest[:1]) else _number_in_words(month_words)
        year_at = at + 1 + len(month_words)
    # "… chí mười, tháng": a misread word before a ten may have been its "hai" (20-29)
    day = None if _runs_on_misread(day_words[::-1], before[-1:]) else _number_in_words(day_words)
    day = day if day is not None and 1 <= day <= 31 else None
    month = month if month is not None and 1 <= month <= 12 else None
    if day is None and month is None:
        return None
    if month is None:
        return DateInWords(day, month)
    with_next_line = f"{folded}\n{fold(next_line)}"  # the words' tokens first, as counted above
    tokens = list(re.finditer(r"[a-z]+", with_next_line))
    return DateInWords(day, month, _closed_year(with_next_line, tokens, year_at))


def _closed_year(folded: str, tokens: list[re.Match[str]], at: int) -> int | None:
    """The year whose "năm" is the word at `at`, when its numeral is closed (`_CLOSED`)."""
    if at >= len(tokens) or tokens[at].group() != "nam":
        return None
    numeral: list[re.Match[str]] = []
    for token in tokens[at + 1:]:
        if token.group() not in _YEAR_WORDS:
            break
        numeral.append(token)
    if not numeral or not _CLOSED.match(folded, numeral[-1].end()):
        return None
    return _year_in_words([token.group() for token in numeral])


def _year_in_words(words: list[str]) -> int | None:
    """A year from its numeral ("hai nghìn không trăm linh chín" 2009, "hai nghìn linh năm" 2005, "một
    nghìn chín trăm tám mươi lăm" 1985); None when it is not one whole. A numeral that ends at its
    thousands or hundreds ("hai nghìn không trăm") is taken for one cut short."""
    if len(words) < 3 or words[0] not in _DIGIT_WORDS or words[1] not in _THOUSAND:
        return None
    year, rest = 1000 * _DIGIT_WORDS[words[0]], words[2:]
    if rest[1:2] == ["tram"] and rest[0] in _DIGIT_WORDS:
        year, rest = year + 100 * _DIGIT_WORDS[rest[0]], rest[2:]
    elif rest[0] not in _UNITS_AFTER_ZERO_TENS:  # "hai nghìn linh năm" (2005) has none; else they were cut
        return None
    if rest[:1] and rest[0] in _UNITS_AFTER_ZERO_TENS:
        units = rest[1:]
        whole = len(units) == 1 and units[0] in _DIGIT_WORDS and units[0] != "khong"
        return year + _DIGIT_WORDS[units[0]] if whole else None
    tens = _number_in_words(rest)
    return year + tens if tens is not None and tens >= 10 else None


def _runs_on_misread(numeral: list[str], beside: list[str]) -> bool:
    """A numeral whose ten (`numeral[-1] == "muoi"`) stands beside a word that is no numeral's nor the
    date's ("mội", "chí"): the number may have gone on in that word."""
    return bool(numeral) and numeral[-1] == "muoi" and bool(beside) and beside[0] not in _DATE_WORDS


def agrees_with_words(date: dt.date, in_words: DateInWords) -> bool:
    """The date's day, month and year are those its words give, where the words read."""
    return all(part is None or part == of_date for part, of_date in
               ((in_words.day, date.day), (in_words.month, date.month), (in_words.year, date.year)))


def _number_in_words(words: list[str]) -> int | None:
    """1-99 from its words ("muoi mot" 11, "hai muoi tu" 24, "ba muoi" 30); None when they are not one."""
    if not words or words[0] == "khong":
        return None
    if words[0] == "muoi":
        tens, rest = 10, words[1:]
    elif words[0] in _DIGIT_WORDS and words[1:2] == ["muoi"]:
        tens, rest = 10 * _DIGIT_WORDS[words[0]], words[2:]
    elif len(words) == 1 and words[0] in _DIGIT_WORDS:
        return _DIGIT_WORDS[words[0]]
    else:
        return None
    if not rest:
        return tens
    if len(rest) == 1 and rest[0] in _DIGIT_WORDS and rest[0] != "khong":
        return tens + _DIGIT_WORDS[rest[0]]
    return None


def parse_date(text: str) -> dt.date | None:
    """The date a text that is only a date spells (ISO or day first); None when it is not one."""
    cleaned = squash_spaces(nfc(text)).strip(" .,;")
    folded = fold(cleaned)
    if match := _ISO_DATE.fullmatch(folded):
        year, month, day = match.groups()
        return make_date(day, month, year)
    if match := _DAY_FIRST.fullmatch(folded):
        return _day_first_date(match)
    return None
