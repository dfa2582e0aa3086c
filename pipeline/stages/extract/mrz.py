"""The machine-readable zone on the back of the citizen identity card (ICAO 9303, three lines of 30).

    IDVNM1984020733079198402073<<8      type, state, card number (the ID's last 9 digits), check, the ID
    9803180F3803188VNM<<<<<<<<<<<2      birth YYMMDD, check, sex, expiry YYMMDD, check, nationality
    DANG<<MY<KIEU<<<<<<<<<<<<<<<<<      family name << given names, without marks

The zone repeats itself, which makes it the most reliable reading on a degraded copy: the ID is
taken only when the card number and the ID's last nine digits, read separately, agree; the birth
date only when its year agrees with the ID's year digits and century digit (check digits are
recorded but not required: copies made by other systems do not always compute them). A misread
digit leaves a value out rather than in. The name has no marks: it confirms or repairs the printed
one, never replaces it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                             "B": "8", "S": "5", "Z": "2", "G": "6"})
_LINE1 = re.compile(r"[I1][DO0]VNM([0-9OoDQIl|BSZG]{9})([0-9OoDQIl|BSZG])([0-9OoDQIl|BSZG]{12})")
_LINE2 = re.compile(r"^([0-9OoDQIl|BSZG]{6})([0-9OoDQIl|BSZG])([MF<])")
_LINE3 = re.compile(r"^([A-Z]+(?:<[A-Z]+)*)<<([A-Z]+(?:<[A-Z]+)*)<*$")


@dataclass(frozen=True)
class Mrz:
    id_number: str | None = None
    date_of_birth: str | None = None  # ISO
    gender: str | None = None  # "Nam" / "Nữ"
    name: str | None = None  # capitals without marks, "DANG MY KIEU"


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
    id_number = date_of_birth = gender = name = None
    for index, line in enumerate(compact):
        match = _LINE1.search(line)
        if not match:
            continue
        number, _, personal = (g.translate(_LOOKALIKES) for g in match.groups())
        if personal[3:] == number:
            id_number = personal
        for nxt in compact[index + 1:index + 3]:
            if (second := _LINE2.match(nxt)) and date_of_birth is None and id_number:
                birth, sex = second.group(1).translate(_LOOKALIKES), second.group(3)
                if birth[:2] == id_number[4:6]:  # the year, read twice
                    date_of_birth = _birth_date(birth, id_number)
                    gender = {"M": "Nam", "F": "Nữ"}.get(sex)
            elif (third := _LINE3.match(nxt)) and name is None:
                name = " ".join(third.group(1).split("<") + third.group(2).split("<"))
        break
    if not any((id_number, date_of_birth, name)):
        return None
    return Mrz(id_number, date_of_birth, gender, name)


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
