"""Vietnamese text helpers for the held-out generator: dates, numbers in words, ID formatting, folding.

Written from Vietnamese writing conventions only (how dates, numbers and ID numbers are printed
on real certificates and forms), never from the pipeline's code, so the set measures the pipeline
instead of mirroring it.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata

# ---------------------------------------------------------------------------------------------
# Normalisation shared by the generator (truth values) and the harness (comparison)
# ---------------------------------------------------------------------------------------------


def nfc(text: str) -> str:
    """NFC with single spaces: the form every truth value is stored in (FIELDS.md)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Strip diacritics, đ→d, lowercase, single spaces: how a citizen types a name on a keyboard
    without a Vietnamese input method."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text).strip().lower()


def upper_vi(text: str) -> str:
    """Upper case that keeps precomposed Vietnamese letters (str.upper does, but NFC after)."""
    return unicodedata.normalize("NFC", text.upper())


def title_vi(name: str) -> str:
    """'NGUYỄN VĂN AN' → 'Nguyễn Văn An' (how names are written in running text and by hand)."""
    return " ".join(w[:1] + w[1:].lower() for w in name.split())


# ---------------------------------------------------------------------------------------------
# Numbers and dates in words ("ghi bằng chữ" on birth certificates)
# ---------------------------------------------------------------------------------------------

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _two_digits(n: int, *, in_compound: bool) -> str:
    """0..99 in words with the usual sound changes (mốt, lăm, mươi, linh/lẻ)."""
    tens, units = divmod(n, 10)
    if tens == 0:
        if in_compound and units:
            return "linh " + _DIGITS[units]
        return _DIGITS[units]
    if tens == 1:
        head = "mười"
        if units == 0:
            return head
        if units == 5:
            return head + " lăm"
        return head + " " + _DIGITS[units]
    head = _DIGITS[tens] + " mươi"
    if units == 0:
        return head
    if units == 1:
        return head + " mốt"
    if units == 5:
        return head + " lăm"
    if units == 4:
        return head + " tư"
    return head + " " + _DIGITS[units]


def number_words(n: int) -> str:
    """0..9999 in Vietnamese words, as written for years ('hai nghìn không trăm hai mươi')."""
    if n < 100:
        return _two_digits(n, in_compound=False)
    parts = []
    thousands, rest = divmod(n, 1000)
    if thousands:
        parts.append(_DIGITS[thousands] + " nghìn")
    hundreds, rest2 = divmod(rest, 100)
    if (thousands or hundreds) and (hundreds or rest2):
        parts.append(_DIGITS[hundreds] + " trăm")   # "hai nghìn không trăm hai mươi"
    if rest2:
        parts.append(_two_digits(rest2, in_compound=True))
    return " ".join(parts)


_MONTH_WORDS = {1: "một", 2: "hai", 3: "ba", 4: "tư", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám",
                9: "chín", 10: "mười", 11: "mười một", 12: "mười hai"}


def day_words(day: int) -> str:
    """Day of month in words: days 1..10 take 'mùng' in speech, certificates write 'mồng'."""
    if day <= 10:
        return "mồng " + ("mười" if day == 10 else _DIGITS[day])
    return _two_digits(day, in_compound=False)


def date_in_words(d: dt.date, rng: random.Random) -> str:
    """'Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi' (capitalised first letter)."""
    sep = rng.choice([" ", ", "])
    text = f"ngày {day_words(d.day)}{sep}tháng {_MONTH_WORDS[d.month]}{sep}năm {number_words(d.year)}"
    return text[0].upper() + text[1:]


def format_date(d: dt.date, style: str) -> str:
    """One printed spelling of a date. Styles seen on real documents:
    dmy (05/03/1990), dmy_short (5/3/1990), dash (05-03-1990), dot (05.03.1990),
    words (ngày 05 tháng 3 năm 1990), words_pad (ngày 05 tháng 03 năm 1990)."""
    if style == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dmy_short":
        return f"{d.day}/{d.month}/{d.year}"
    if style == "dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "words":
        return f"ngày {d.day:02d} tháng {d.month} năm {d.year}"
    if style == "words_pad":
        return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    raise ValueError(style)


DATE_STYLES = ["dmy", "dmy", "dmy", "dmy_short", "dash", "dot", "words", "words_pad"]


def place_date_line(place: str, d: dt.date, rng: random.Random) -> str:
    """'Quận 3, ngày 12 tháng 3 năm 2021': the line an issue date is read from."""
    day = f"{d.day:02d}" if rng.random() < 0.7 else str(d.day)
    month = f"{d.month:02d}" if rng.random() < 0.35 else str(d.month)
    return f"{place}, ngày {day} tháng {month} năm {d.year}"


# ---------------------------------------------------------------------------------------------
# ID numbers as printed
# ---------------------------------------------------------------------------------------------


def format_id(id_number: str, style: str) -> str:
    """A 12-digit personal ID as printed: plain, grouped 3-3-3-3 ('079 190 864 632') or 4-4-4."""
    if style == "plain":
        return id_number
    if style == "g3":
        return " ".join(id_number[i:i + 3] for i in range(0, 12, 3))
    if style == "g4":
        return " ".join(id_number[i:i + 4] for i in range(0, 12, 4))
    if style == "g363":
        return f"{id_number[:3]} {id_number[3:6]} {id_number[6:]}"
    raise ValueError(style)


ID_STYLES = ["plain", "plain", "plain", "plain", "g3", "g3", "g4", "g363"]
