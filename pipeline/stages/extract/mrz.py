"""The machine-readable zone on the back of the citizen identity card (ICAO 9303, three lines of 30).

    IDVNM1984020733079198402073<<8      type, state, card number (the ID's last 9 digits), check, the ID
    9803180F3803188VNM<<<<<<<<<<<2      birth YYMMDD, check, sex, expiry YYMMDD, check, nationality
    DANG<<MY<KIEU<<<<<<<<<<<<<<<<<      family name << given names, without marks

The zone repeats itself, which makes it the most reliable reading on a degraded copy: the ID is
taken only when the card number and the ID's last nine digits, read separately, agree (where one
reading has a letter and the other a digit, the digit: a letter is never right in a number); the
birth date only when its year agrees with the ID's year digits and century digit (check digits are
recorded but not required: copies made by other systems do not always compute them). Without a
confirmed ID, the second line's birth digits are kept for extraction to compare with the printed ID,
and so are the ID's last nine digits when only its first three (the province) were misread.
A misread digit leaves a value out rather than in. The name has no marks: it confirms or repairs the
printed one, never replaces it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.stages.extract.values import PROVINCE_CODES, birth_year_of_id
from pipeline.textnorm import digits_for

# The letters the zone's OCR-B digits are read as, one guess each (Ø: a zero read with its slash)
_LETTERS = "OoDQØIl|BSZG"
_LOOKALIKES = digits_for(_LETTERS)
_DIGIT = f"[0-9{re.escape(_LETTERS)}]"
_LINE1 = re.compile(rf"[IT1][DO0]VN[MH]({_DIGIT}{{9}})({_DIGIT})({_DIGIT}{{12}})")
# The card's edge, copied beside the zone, reads as marks before a line ("__89031…"): no part of it
_EDGE = rf"[^0-9A-Z<{re.escape(_LETTERS)}]*"
_LINE2 = re.compile(rf"^{_EDGE}({_DIGIT}{{6}})({_DIGIT})([MF<])")
# The name line; marks of the card's edge before it ("\\_", "'") and a speck after its filler ("<<<<J")
# are no part of it
_LINE3 = re.compile(r"^[^A-Z<]*([A-Z]+(?:<[A-Z]+)*)<<([A-Z]+(?:<[A-Z]+)*)(?:<*|<{3,}[^A-Z]*[A-Z]?[^A-Z]*)$")


@dataclass(frozen=True)
class Mrz:
    id_number: str | None = None
    date_of_birth: str | None = None  # ISO
    gender: str | None = None  # "Nam" / "Nữ"
    name: str | None = None  # capitals without marks, "DANG MY KIEU"
    birth_digits: str | None = None  # YYMMDD of the second line when no confirmed ID vouched for it
    # The ID's last nine digits, read twice (card number and ID), when its first three were no province's
    id_tail: str | None = None


def check_digit(text: str) -> int:
    """ICAO 9303: weights 7, 3, 1 over digits, letters A=10…Z=35, '<'=0; modulo 10."""
    total = 0
    for index, ch in enumerate(text):
        value = int(ch) if ch.isdigit() else (ord(ch) - 55 if "A" <= ch <= "Z" else 0)
        total += value * (7, 3, 1)[index % 3]
    return total % 10


def read_mrz(lines: list[str]) -> Mrz | None:
    """The values the zone's check digits confirm, from the page's text lines; None without a zone."""
    compact = [re.sub(r"\s+", "", line).replace("«", "<").upper() for line in lines]
    id_number = date_of_birth = gender = name = birth_digits = id_tail = None
    for index, line in enumerate(compact):
        match = _LINE1.search(line)
        if not match:
            continue
        id_number = _read_twice(match.group(1), match.group(3))
        if id_number is not None and id_number[:3] not in PROVINCE_CODES:
            # its first three digits are read once ("0d0" is no province's 040); the other nine twice
            id_number, id_tail = None, id_number[3:]
        for nxt in compact[index + 1:index + 3]:
            if (second := _LINE2.match(nxt)) and date_of_birth is None and birth_digits is None:
                birth, sex = second.group(1).translate(_LOOKALIKES), second.group(3)
                if id_number is None:
                    birth_digits = birth
                elif birth[:2] == id_number[4:6]:  # the year, read twice
                    date_of_birth = _birth_date(birth, id_number)
                    gender = {"M": "Nam", "F": "Nữ"}.get(sex)
            elif (third := _LINE3.match(nxt)) and name is None:
                name = " ".join(third.group(1).split("<") + third.group(2).split("<"))
        break
    if not any((id_number, date_of_birth, name, birth_digits)):
        return None
    return Mrz(id_number, date_of_birth, gender, name, birth_digits, id_tail)


def combined(first: Mrz | None, *others: Mrz | None) -> Mrz | None:
    """One zone from several readings of it (the page's, then readings of the zone alone): each value
    from the first reading that confirmed it. Two readings that confirmed different IDs leave the
    zone only its name: one of them is misread."""
    zone = first
    for other in others:
        if other is None:
            continue
        if zone is None:
            zone = other
            continue
        if zone.id_number and other.id_number and zone.id_number != other.id_number:
            return Mrz(name=zone.name or other.name)  # which of the two is misread, the zone cannot say
        id_number = zone.id_number or other.id_number
        date_of_birth = zone.date_of_birth or other.date_of_birth
        birth_digits = zone.birth_digits or other.birth_digits
        if id_number and date_of_birth is None and birth_digits and birth_digits[:2] == id_number[4:6]:
            date_of_birth = _birth_date(birth_digits, id_number)  # the year, read twice across the readings
        zone = Mrz(id_number, date_of_birth, zone.gender or other.gender, zone.name or other.name,
                   None if id_number else birth_digits, None if id_number else zone.id_tail or other.id_tail)
    return zone


def birth_date_confirmed_by(zone: Mrz, printed_id: str) -> str | None:
    """The zone's birth date (ISO) when its year agrees with an ID read elsewhere on the card: the
    year read twice, in two places."""
    if zone.birth_digits is None or len(printed_id) != 12 or zone.birth_digits[:2] != printed_id[4:6]:
        return None
    return _birth_date(zone.birth_digits, printed_id)


def birth_date_in_the_ids_year(zone: Mrz, printed_id: str) -> str | None:
    """The zone's day and month (ISO date) in the birth year of a printed ID whose last nine digits
    (century and year among them) the zone's first line read twice, when the zone's own year did not
    read as the ID's (a digit misread: "89" for 69). The ID's year is then read three times, the
    zone's once; the day and month are read once, as the zone's always are. None when they are no
    date, or the zone's first line did not read the printed ID."""
    digits = zone.birth_digits
    if (birth_year_of_id(printed_id) is None or digits is None or zone.id_tail != printed_id[3:]
            or not digits[2:].isdigit()):
        return None
    return _birth_date(printed_id[4:6] + digits[2:], printed_id)


def _read_twice(number: str, personal: str) -> str | None:
    """The ID from its two readings in the first line (the card number is its last nine digits): each
    position agrees after look-alikes, or one reading has a digit where the other has a letter."""
    tail = personal[3:]
    digits = []
    for card_char, id_char in zip(number, tail):
        card_digit, id_digit = card_char.translate(_LOOKALIKES), id_char.translate(_LOOKALIKES)
        if card_digit == id_digit:
            digits.append(id_digit)
        elif card_char.isdigit() != id_char.isdigit():
            digits.append(card_char if card_char.isdigit() else id_char)
        else:
            return None
    head = personal[:3].translate(_LOOKALIKES)
    return head + "".join(digits)


def _birth_date(yymmdd: str, id_number: str | None) -> str | None:
    year = int(yymmdd[:2])
    if id_number:  # the ID's century digit: 0/1 born in the 1900s, 2/3 in the 2000s
        century = 1900 if id_number[3] in "01" else 2000
    else:
        century = 2000 if year <= dt.date.today().year % 100 else 1900
    try:
        return dt.date(century + year, int(yymmdd[2:4]), int(yymmdd[4:6])).isoformat()
    except ValueError:
        return None
