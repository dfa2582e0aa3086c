"""Dossier-level reconciliation: the documents of one batch that name the same citizen vote on it.

An application, the copy of the applicant's ID card and the certificate asked for usually print
the same name, personal ID number and date of birth, each read by OCR separately, each with its
own misreadings. Documents are grouped by citizen (their `full_name` folded alike or one with
syllables misread into none a letter or two from the other's, or their
IDs differing in at most two digits, or one name a syllable short of the other on documents that
read the same ID or birth date; a document whose name and ID did not read joins the one group
whose birth dates are all its own), and within a group:

* a value most documents agree on, and that validates, replaces the minority's near miss (a name
  spelt with other marks or with syllables misread into no Vietnamese syllable, or, on a document
  that reads the same ID, with one syllable misread into another; an ID or a date
  with a digit or two misread); the field keeps where
  the value came from (`details["reconciled_from"]`);
* two readings with no majority stay as they are, and both documents go to review with both
  readings and the documents they came from, unless the validators prefer one (a reading that is a
  Vietnamese name over one that is not, a birth date whose year the citizen's ID carries, an ID that
  carries the year of the citizen's birth dates); when they cannot, and one of the readings is the
  one the state's own record of the field read (the ID card's number and birth date: the catalog's
  `record_of`), that reading is taken, and so is, of two readings of a name with other marks, the one
  whose syllables that differ are names of their position where the other's are not ("HIỀN" over
  "HIẾN"); the documents still go to review with both; an ID read
  a digit or two apart that nothing chooses between is kept on none of them (review shows both);
* a name read a syllable short on one document (its last lost where a dotted line ends, its first
  where a fold crossed it) takes the whole reading another document gives, when both documents
  read the same ID or birth date and the whole reading is a Vietnamese name;
* a value a document printed but OCR could not read (its label is there, its value is not) is
  supplied by the others when they all read it alike and it fits that document's other values
  (`details["from"] = "dossier"`);
* an applicant's document (an application, a power of attorney's principal) takes what it lost from
  the applicant's identity card (name, ID, birth date, gender), and so does one that names the card's
  holder but read, for them, an ID and a birth date that are both another person's (a child's the
  request is for): those are set aside first, for review;
* an ID a document set aside for another year than its birth date's is taken when another document
  of the citizen reads the same ID: read twice, it holds, and the birth date is set aside for review;
* a value an operator typed is never changed, and a value no other document confirms is left alone.

Plain data in and out: (type, fields) per document → fields and extra review reasons per document.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.domain import OPERATOR, ExtractedField
from pipeline.stages.extract import values as V
from pipeline.stages.vietnamese.names import known_in_position, name_problems
from pipeline.stages.vietnamese.syllables import is_valid_syllable
from pipeline.textnorm import edit_distance, fold

VOTED = ("full_name", "id_number", "date_of_birth")
# What an applicant's document lost and its identity card gives (`_from_the_identity_card`): the card
# prints its holder's gender too (a ticked box or a hand-written "Nam" on a form often reads as noise)
FROM_THE_CARD = (*VOTED, "gender")
MAX_DIGITS_APART = 2  # an ID or a date misread in more digits than this is another person's
MAX_LETTERS_MISREAD = 2  # of a name's syllable misread into no syllable, that the majority repairs
NAME_AGREEMENT = 0.85  # folded names this alike (character ratio) belong to one citizen
CHOSEN_CONFIDENCE = 0.6  # a reading chosen among several: an operator should glance at it
# An ID read a digit or two apart on two documents, that nothing chooses between, is withheld on
# both: at least one of the readings is wrong, and a wrong ID files a citizen's record under
# another citizen's number (missing and flagged beats wrong). The review reason keeps both.
WITHHELD_UNDECIDED = ("id_number",)
WITHHELD_NOTE = "; none of them is kept"


@dataclass
class Reconciled:
    """One document after reconciliation: its fields, and why it needs review because of the others."""

    fields: list[ExtractedField]
    reasons: list[str] = field(default_factory=list)


def reconcile(documents: list[tuple[str, list[ExtractedField]]],
              unread: list[set[str]] | None = None,
              candidates: list[dict[str, list[str]]] | None = None,
              records: list[tuple[str, ...]] | None = None,
              applicants: list[tuple[str, ...]] | None = None,
              identity_cards: list[bool] | None = None) -> list[Reconciled]:
    """`documents`: (type id, fields) in batch order; the result is in the same order. `unread`: per
    document, the fields it printed but whose values could not be read (a field its type requires is
    printed on every document of the type). `candidates`: per document,
    the values such a field may be (a birth date read with a Z: a 2 or a 7), for the dossier to choose.
    `records`: per document, the fields its type is the state's own record of (the catalog's `record_of`).
    `applicants`: per document, the fields its type carries when its person files the dossier (the
    catalog's `applicant`), else none; `identity_cards`: per document, whether it is an identity card
    (the catalog's `identity` group), which may supply them."""
    out = [Reconciled(list(fields)) for _, fields in documents]
    records = records or [()] * len(documents)
    groups = _citizens(documents)
    if applicants and identity_cards:  # before the votes: another person's values are no readings of theirs
        _set_aside_anothers_values(groups, documents, out, applicants, identity_cards)
    if candidates:  # before the votes: an ID read twice outvotes the birth date it was set aside for
        _id_read_twice_over_the_birth_date(groups, documents, out, candidates)
    for group in groups:
        if len(group) < 2:
            continue
        _lengthen_names(group, documents, out)
        for name in VOTED:
            _vote(name, group, documents, out, records)
            if unread:
                _supply(name, group, documents, out, unread)
        if candidates:  # after the votes: the dossier may have supplied the ID that chooses
            _choose_birth_date(group, out, candidates)
    if applicants and identity_cards:  # after the votes: the card's values as the dossier agreed them
        _from_the_identity_card(groups, documents, out, applicants, identity_cards)
    return out


# --- who is who ----------------------------------------------------------------------------------


def _value(fields: list[ExtractedField], name: str) -> ExtractedField | None:
    return next((f for f in fields if f.name == name), None)


def _where(documents, index: int) -> str:
    """A document of the dossier as review reasons name it: its type and place ("citizen_id_card #2")."""
    return f"{documents[index][0]} #{index + 1}"


def _digits_apart(a: str, b: str) -> int:
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(x != y for x, y in zip(a, b))


def _names_alike(a: str, b: str) -> bool:
    """The same name read twice: alike letter for letter, or one read with syllables misread into none
    ("IRỒN VĂN BẢO" for TRẦN VĂN BẢO, too short a name for its likeness to tell)."""
    fa, fb = fold(a), fold(b)
    if fa == fb or _misread_name_of(a, b) or _misread_name_of(b, a):
        return True
    from difflib import SequenceMatcher

    return SequenceMatcher(None, fa, fb).ratio() >= NAME_AGREEMENT


def _citizens(documents: list[tuple[str, list[ExtractedField]]]) -> list[list[int]]:
    """Indexes of the documents about one citizen (union of name likeness and near-equal IDs)."""
    parent = list(range(len(documents)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_, a) in enumerate(documents):
        for j in range(i + 1, len(documents)):
            b = documents[j][1]
            name_a, name_b = _value(a, "full_name"), _value(b, "full_name")
            same_name = name_a is not None and name_b is not None and _names_alike(name_a.value, name_b.value)
            same_id = _same_number(a, [b])
            # a name read a syllable short is the citizen's when the ID or the birth date says so
            short = (name_a is not None and name_b is not None and _same_person_read(a, b)
                     and (_syllable_short_of(name_a.value, name_b.value)
                          or _syllable_short_of(name_b.value, name_a.value)))
            if same_name or same_id or short:
                parent[root(j)] = root(i)
    for i, (_, fields) in enumerate(documents):
        # Neither name nor ID read (an application filled in by hand): its birth date, the same day as
        # every birth date of exactly one group, says whose it is. Within one dossier two people born
        # the same day are a rarity; two groups that would fit leave it alone.
        born = _value(fields, "date_of_birth")
        if born is None or _value(fields, "full_name") is not None or _value(fields, "id_number") is not None:
            continue
        dates = [(root(j), o.value) for j, (_, other) in enumerate(documents)
                 if j != i and (o := _value(other, "date_of_birth")) is not None]
        fitting = {group for group, value in dates if value == born.value}
        if len(fitting) == 1 and not any(group in fitting and value != born.value for group, value in dates):
            parent[root(i)] = fitting.pop()
    groups: dict[int, list[int]] = {}
    for i in range(len(documents)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


# --- voting -----------------------------------------------------------------------------------------


def _near(name: str, a: str, b: str) -> bool:
    if name == "full_name":
        # the same letters (only the marks may be voted on), or `a` misread into no name
        return fold(a) == fold(b) or _misread_name_of(a, b)
    return _digits_apart(a.replace("-", ""), b.replace("-", "")) <= MAX_DIGITS_APART


def _misread_name_of(a: str, b: str) -> bool:
    """Whether name `a` is `b` with letters misread into syllables no Vietnamese one is spelled like,
    each a letter or two from `b`'s (a card zone's "NGUYEN<<VTET<GTA<TOAN" for NGUYỄN VIẾT GIA TOÀN):
    syllable for syllable, every other syllable the same letters."""
    words_a, words_b = a.split(), b.split()
    return len(words_a) == len(words_b) and all(
        fold(x) == fold(y) or (not is_valid_syllable(x)
                               and edit_distance(fold(x), fold(y), MAX_LETTERS_MISREAD) <= MAX_LETTERS_MISREAD)
        for x, y in zip(words_a, words_b))


def _syllable_misread(a: str, b: str) -> bool:
    """Whether name `a` is `b` with one syllable misread into another a letter or two away (ĐỒNG for
    ĐĂNG, ANH for OANH: each a syllable, and a name, of its own), every other syllable the same letters."""
    words_a, words_b = a.split(), b.split()
    differing = [(fold(x), fold(y)) for x, y in zip(words_a, words_b) if fold(x) != fold(y)]
    return (len(words_a) == len(words_b) and len(differing) == 1
            and edit_distance(*differing[0], MAX_LETTERS_MISREAD) <= MAX_LETTERS_MISREAD)


def _same_number(fields: list[ExtractedField], others: list[list[ExtractedField]]) -> bool:
    """Whether a document reads the personal ID one of `others` reads, or one a digit from it: the same
    citizen (`_citizens` groups documents by it too). A birth date is not enough: twins registered in
    one dossier share it, and their names often differ in one syllable."""
    own = _value(fields, "id_number")
    return own is not None and any((other := _value(o, "id_number")) is not None
                                   and _digits_apart(own.value, other.value) <= 1 for o in others)


def _valid(name: str, value: str, fields: list[ExtractedField]) -> bool:
    if name == "full_name":
        return not name_problems(value)  # every syllable a Vietnamese one
    if name == "id_number":
        dob = _value(fields, "date_of_birth")
        return V.check_id_number(value, date_of_birth=dob.value if dob else None).ok
    if name == "date_of_birth":  # the year the document's own ID carries, if it has one
        identity = _value(fields, "id_number")
        return identity is None or V.birth_year_of_id(identity.value) in (None, int(value[:4]))
    return True


def _better_name(a: str, b: str) -> str | None:
    """Of two readings of one name, the one the validators prefer, or None when they cannot tell."""
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return None
    bad_a, bad_b = bool(name_problems(a)), bool(name_problems(b))
    if bad_a != bad_b and (_misread_name_of(a, b) if bad_a else _misread_name_of(b, a)):
        return b if bad_a else a  # the syllables one reading misread into none are the other's (IRỒN: TRẦN)
    if not all(_one_edit(fold(x), fold(y)) for x, y in zip(words_a, words_b)):
        return None
    if bad_a != bad_b:
        return b if bad_a else a
    if fold(a) == fold(b) and (a == fold(a).upper()) != (b == fold(b).upper()):
        return b if a == fold(a).upper() else a  # the reading that kept its marks
    return None


def _name_of_known_marks(a: str, b: str) -> str | None:
    """Of two readings of a name with the same letters and other marks ("HIỀN" / "HIẾN"), the one whose
    differing syllables are names of their position, when the other's are not; None otherwise. Both
    are the engine's readings of one print: the lexicon chooses between what was read and never puts
    marks of its own on a name (a rare name it lacks, read twice alike, is never outvoted by it)."""
    if fold(a) != fold(b):
        return None
    differing = [k for k, (x, y) in enumerate(zip(a.split(), b.split())) if x != y]
    known_a, known_b = known_in_position(a), known_in_position(b)
    names_a, names_b = all(known_a[k] for k in differing), all(known_b[k] for k in differing)
    return None if names_a == names_b else a if names_a else b


def _better_reading(name: str, a: str, b: str, documents: list[list[ExtractedField]]) -> str | None:
    """Of two readings with no majority, the one the validators prefer, or None when they cannot tell."""
    if name == "full_name":
        return _better_name(a, b)
    if not _near(name, a, b):
        return None
    if name == "date_of_birth":  # 1954 over 1934 when the ID card's number is 068054…
        years = {V.birth_year_of_id(f.value) for fields in documents if (f := _value(fields, "id_number"))}
        return _the_one_of_year(a, b, years, lambda date: int(date[:4]))
    if name == "id_number":  # 040193… over 040183… when the birth dates say 1993
        years = {int(f.value[:4]) for fields in documents if (f := _value(fields, "date_of_birth"))}
        return _the_one_of_year(a, b, years, V.birth_year_of_id)
    return None


def _the_one_of_year(a: str, b: str, years: set[int | None], year_of: Callable[[str], int | None]) -> str | None:
    """Of two near readings, the only one whose year is the year every other field read for the citizen
    gives (a birth date's, or the one an ID carries), or None when those fields cannot tell."""
    if len(years) != 1 or None in years:
        return None
    (year,) = years
    fits = [reading for reading in (a, b) if year_of(reading) == year]
    return fits[0] if len(fits) == 1 else None


def _one_edit(x: str, y: str) -> bool:
    """At most one letter inserted, deleted or changed (or "ie" for "i": a lost vowel of a diphthong)."""
    if x == y:
        return True
    if abs(len(x) - len(y)) > 1:
        return False
    from difflib import SequenceMatcher

    ops = [op for op in SequenceMatcher(None, x, y).get_opcodes() if op[0] != "equal"]
    return len(ops) == 1 and max(op[2] - op[1] for op in ops) <= 1 and max(op[4] - op[3] for op in ops) <= 1


def _lengthen_names(group: list[int], documents, out: list[Reconciled]) -> None:
    """A name read with a syllable fewer than another document of the citizen reads it, the same
    syllables in the same order otherwise ("LÊ YẾN" beside "LÊ YẾN THU": "TH" was left at the end
    of its dotted line and dropped as no syllable), takes the whole reading: a syllable is never
    dropped silently. Only between documents that read the same ID or the same birth date (a name
    alone may be a relative's: the shorter reading could be another person), only from a reading
    that is a Vietnamese name, and only when every longer reading of the group is the same."""
    readings = [(i, f) for i in group if (f := _value(out[i].fields, "full_name")) is not None]
    for i, short in readings:
        longer = {f.value for j, f in readings if _syllable_short_of(short.value, f.value)
                  and _same_person_read(out[i].fields, out[j].fields) and not name_problems(f.value)}
        if len(longer) == 1:
            whole = longer.pop()
            _take(whole, [(i, short)] + [(j, f) for j, f in readings if f.value == whole], documents, out)


def _syllable_short_of(short: str, whole: str) -> bool:
    """Whether `short` is `whole` without its first or its last syllable, marks aside, and still
    two syllables at least."""
    a, b = fold(short).split(), fold(whole).split()
    return len(a) >= 2 and len(b) == len(a) + 1 and a in (b[1:], b[:-1])


def _same_person_read(a: list[ExtractedField], b: list[ExtractedField]) -> bool:
    """Whether two documents read the same ID or the same birth date."""
    return any((x := _value(a, name)) is not None and (y := _value(b, name)) is not None and x.value == y.value
               for name in ("id_number", "date_of_birth"))


def _supply(name: str, group: list[int], documents, out: list[Reconciled], unread: list[set[str]]) -> None:
    """The value the other documents of a citizen agree on, for those of the group that printed it
    unreadably: every reading of the others the same, and valid beside the document's own values (an
    ID against its birth date). With other readings, or none, it stays unread for an operator."""
    readings = {i: f for i in group if (f := _value(out[i].fields, name)) is not None}
    if len({f.value for f in readings.values()}) != 1:
        return
    value = next(iter(readings.values())).value
    confidence = min(f.confidence for f in readings.values())
    sources = [_where(documents, j) for j in readings]
    for i in group:
        if i in readings or name not in unread[i] or not _valid(name, value, out[i].fields):
            continue
        supplied = ExtractedField(name, value, confidence, None, {"from": "dossier", "agreed_by": sources})
        out[i].fields = [*out[i].fields, supplied]


def _card_holders(out: list[Reconciled], identity_cards: list[bool]) -> dict[int, ExtractedField]:
    """The identity cards of the dossier that read a name, by index, with that name."""
    return {i: holder for i, card in enumerate(identity_cards)
            if card and (holder := _value(out[i].fields, "full_name")) is not None}


def _applicants_card(fields: list[ExtractedField], holders: dict[int, ExtractedField]) -> int | None:
    """The card of an applicant's document: the one card whose holder is none of the document's other
    persons (a power of attorney's agent brings their own card too); None with two such cards, or none."""
    others = [f for f in fields if f.name not in VOTED]
    cards = [j for j, holder in holders.items() if not any(_names_alike(f.value, holder.value) for f in others)]
    return cards[0] if len(cards) == 1 else None


def _set_aside_anothers_values(groups: list[list[int]], documents, out: list[Reconciled],
                               applicants: list[tuple[str, ...]], identity_cards: list[bool]) -> None:
    """An applicant's document that names its card's holder but reads, for them, an ID and a birth date
    that are both another person's: the ID not the card's misread (more than `MAX_DIGITS_APART` digits
    apart), the birth date not the card's, and the two one person's (the ID carries the birth date's
    year). A request for a child or a relative prints that person's ID and birth date too, and when the
    block heading that says whose they are did not read, the request's own person got them (an
    application of a father, CHÂU TRỌNG PHONG on his card, given his daughter's 052319458906, born in
    2019). Both are set aside, with the gender that ID gave, for the card to supply the ID and birth date
    (`_from_the_identity_card`), and the document goes to review with what was read."""
    holders = _card_holders(out, identity_cards)
    group_of = {i: number for number, group in enumerate(groups) for i in group}
    for i, wanted in enumerate(applicants):
        fields = out[i].fields
        if i in holders or not {"id_number", "date_of_birth"} <= set(wanted):
            continue
        if (card := _applicants_card(fields, holders)) is None or group_of[i] != group_of[card]:
            continue
        name, number, born = (_value(fields, field) for field in VOTED)
        card_number, card_born = _value(out[card].fields, "id_number"), _value(out[card].fields, "date_of_birth")
        if None in (name, number, born, card_number, card_born) or not _names_alike(name.value, holders[card].value):
            continue
        if (any(f.source == OPERATOR for f in (number, born))
                or _digits_apart(number.value, card_number.value) <= MAX_DIGITS_APART
                or born.value == card_born.value or V.birth_year_of_id(number.value) != int(born.value[:4])):
            continue
        # and the gender its ID gave (`extract`'s gender from the ID's century-and-gender digit)
        out[i].fields = [f for f in fields if f is not number and f is not born
                         and not (f.name == "gender" and f.details.get("from") == "id_number")]
        out[i].reasons.append(f"id_number {number.value} and date_of_birth {born.value} read for {name.value} are "
                              f"another person's: the dossier's identity card ({_where(documents, card)}) "
                              f"reads {card_number.value}, born {card_born.value}")


def _from_the_identity_card(groups: list[list[int]], documents, out: list[Reconciled],
                            applicants: list[tuple[str, ...]], identity_cards: list[bool]) -> None:
    """The name, birth date, ID and gender that an applicant's document (its person files the dossier)
    lost to OCR, from the copy of the applicant's identity card the dossier holds (a document of the
    catalog's `identity` group, not any record of a field: a birth certificate may be one, of a child). The
    applicant's card is the one card, of those that read a name, whose holder is none of the document's
    other persons (a power of attorney's agent brings their own card too); with two such cards, or
    none, nothing is taken. Never for a document that read another citizen (a name, ID or birth date of
    another group); a name that is no Vietnamese name (`name_problems`: "UV TÁC") and is alike no other
    document's names no one, and is replaced by the card's. Each value so taken is marked for an
    operator to check, a replaced name kept beside it."""
    holders = _card_holders(out, identity_cards)
    group_of = {i: number for number, group in enumerate(groups) for i in group}
    for i, wanted in enumerate(applicants):
        fields = out[i].fields
        if i in holders or not wanted or (card := _applicants_card(fields, holders)) is None:
            continue
        misread = _value(fields, "full_name")
        if misread is not None and (misread.source == OPERATOR or not name_problems(misread.value)
                                    or len(groups[group_of[i]]) > 1):
            misread = None  # typed, a Vietnamese name, or alike another document's: it names someone
        read = [f for f in fields if f.name in VOTED and f is not misread]
        if read and group_of[i] != group_of[card]:
            continue  # another citizen's document
        source = _where(documents, card)
        for name in FROM_THE_CARD:
            found, own = _value(out[card].fields, name), _value(fields, name)
            if name not in wanted or found is None or (own is not None and own is not misread) \
                    or not _valid(name, found.value, fields):
                continue
            details = {"from": "dossier", "agreed_by": [source],
                       "check": f"not read on this document; taken from the dossier's identity card ({source})"}
            if own is not None:
                details["read_as"] = own.value
            taken = ExtractedField(name, found.value, min(found.confidence, CHOSEN_CONFIDENCE), None, details)
            fields = [taken if f is own else f for f in fields] if own is not None else [*fields, taken]
        out[i].fields = fields


def _id_read_twice_over_the_birth_date(groups: list[list[int]], documents, out: list[Reconciled],
                                       candidates: list[dict[str, list[str]]]) -> None:
    """A document whose ID was set aside for another year than its birth date's (one of the two is
    misread; which, the document cannot say), when another document of the citizen read that same ID:
    read twice, by two readings of two prints, the ID holds, and the birth date is the misread one (an
    application's "10/3/1983" beside the 079082440689 its identity card reads too). The ID is taken;
    the birth date is set aside for review, for the dossier to supply one that fits the ID, if it can.
    Never over a value an operator typed."""
    for group in groups:
        for i in group:
            set_aside = candidates[i].get("id_number", [])
            born = _value(out[i].fields, "date_of_birth")
            if len(set_aside) != 1 or _value(out[i].fields, "id_number") is not None or born is None \
                    or born.source == OPERATOR:
                continue
            number = set_aside[0]
            agreeing = [j for j in group if j != i
                        and (f := _value(out[j].fields, "id_number")) is not None and f.value == number]
            if not agreeing:
                continue
            sources = [_where(documents, j) for j in agreeing]
            taken = ExtractedField("id_number", number, CHOSEN_CONFIDENCE, None,
                                   {"from": "dossier", "read_as": number, "agreed_by": sources})
            out[i].fields = [f for f in out[i].fields if f is not born] + [taken]
            out[i].reasons.append(f"date_of_birth unreadable: read {born.value} (not the year of the id_number "
                                  f"{number} read here and on {', '.join(sources)})")


def _choose_birth_date(group: list[int], out: list[Reconciled], candidates: list[dict[str, list[str]]]) -> None:
    """A birth date a document read with letters that leave a choice, and that no other document of
    the citizen supplied: the one of its readings whose year the document's ID carries, now that the
    dossier may have supplied that ID. Without an ID, or with two readings of its year, it stays
    unread for an operator."""
    name = "date_of_birth"
    for i in group:
        identity = _value(out[i].fields, "id_number")
        options = candidates[i].get(name, [])
        if identity is None or not options or _value(out[i].fields, name) is not None:
            continue
        fitting = [o for o in options if V.check_id_number(identity.value, date_of_birth=o).ok]
        if len(fitting) == 1:
            chosen = ExtractedField(name, fitting[0], CHOSEN_CONFIDENCE, None,
                                    {"from": "dossier", "chosen_by": "id_number", "readings": options})
            out[i].fields = [*out[i].fields, chosen]


def _take(value: str, readings: list[tuple[int, ExtractedField]], documents,
          out: list[Reconciled]) -> None:
    """`value` for every reading of the field that an operator did not type, with where it came from."""
    sources = [_where(documents, j) for j, f in readings if f.value == value]
    for i, found in readings:
        if found.value != value and found.source != OPERATOR:
            details = {**found.details, "reconciled_from": found.value, "agreed_by": sources}
            fixed = dataclasses.replace(found, value=value, details=details)
            out[i].fields = [fixed if f is found else f for f in out[i].fields]


def _recorded_reading(name: str, readings: list[tuple[int, ExtractedField]], records: list[tuple[str, ...]],
                      out: list[Reconciled]) -> str | None:
    """Of two near readings, the one read on the documents that are the record of the field (the
    ID card's number and birth date, printed by the state; an application's are copied from it, often
    by hand), when all of them read it alike and it validates beside its own document's values (an
    ID against its birth date). Where OCR reads the card's print and a form's copy apart, the print is
    the likelier reading: on the development sets it was the right one in 5 of 6 such conflicts, once
    as the less confident reading."""
    recorded = {f.value: i for i, f in readings if name in records[i]}
    others = {f.value for i, f in readings if name not in records[i]}
    if len(recorded) != 1 or not others:
        return None
    ((value, i),) = recorded.items()
    if not _valid(name, value, out[i].fields):
        return None
    return value if all(_near(name, value, other) for other in others) else None


def _vote(name: str, group: list[int], documents, out: list[Reconciled], records: list[tuple[str, ...]]) -> None:
    readings = [(i, _value(out[i].fields, name)) for i in group]
    readings = [(i, f) for i, f in readings if f is not None]
    if len(readings) < 2:
        return
    counts = Counter(f.value for _, f in readings)
    (top, top_count), *rest = counts.most_common()
    second = rest[0][1] if rest else 0
    if top_count > second and top_count >= 2 and _valid(name, top, out[readings[0][0]].fields):
        # only the near misses: a reading further from the majority's is another person's, left as read
        near = [(i, f) for i, f in readings if _near(name, f.value, top)
                or (name == "full_name" and _syllable_misread(f.value, top)
                    and _same_number(out[i].fields, [out[j].fields for j, g in readings if g.value == top]))]
        _take(top, near, documents, out)
        return
    taken = None
    if len(counts) == 2:
        # No majority, but the validators may agree on one: the reading whose syllables are all
        # Vietnamese over one that has a non-syllable ("LÊ VIT ANH" / "LÊ VIẾT ANH"), and a reading with
        # marks over the same letters without any (the bilingual ID card's read loses them: "DIEM NHU");
        # the birth date whose year the citizen's ID carries over one a digit away that it does not, and
        # the ID that carries the year of the citizen's birth dates over one a digit away.
        (a, _), (b, _) = counts.most_common()
        better = _better_reading(name, a, b, [out[i].fields for i in group])
        if better is not None:
            _take(better, readings, documents, out)
            return
        # Else the record's reading (the ID card's number), or a name's whose marks make names: taken,
        # but a human still sees both readings below
        taken = _recorded_reading(name, readings, records, out)
        if taken is None and name == "full_name":
            taken = _name_of_known_marks(a, b)
        if taken is not None:
            _take(taken, readings, documents, out)
    if len(counts) > 1:  # readings that disagree with no majority: a human decides, seeing all of them
        seen = "; ".join(f"{f.value} ({_where(documents, i)})" for i, f in readings)
        withheld = taken is None and name in WITHHELD_UNDECIDED and _misreadings_of_one(name, readings)
        for i, _ in readings:
            out[i].reasons.append(f"{name} differs between the documents of the dossier: {seen}"
                                  + (WITHHELD_NOTE if withheld else ""))
        if withheld:
            for i, _ in readings:
                out[i].fields = [f for f in out[i].fields if f.name != name]


def _misreadings_of_one(name: str, readings: list[tuple[int, ExtractedField]]) -> bool:
    """Readings a digit or two apart from each other, none typed by an operator: one number, misread."""
    values = [f.value for _, f in readings]
    return (all(f.source != OPERATOR for _, f in readings)
            and all(_near(name, a, b) for n, a in enumerate(values) for b in values[n + 1:]))
