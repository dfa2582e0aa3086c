"""Rendering helpers shared by the command modules."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.cli.arguments import pick
from pipeline.domain import CHECKS
from pipeline.i18n import N_, _, in_vietnamese
from pipeline.logs import mask_ids


def date_argument(value: str) -> dt.date:
    """A date option (--since, --until): any spelling pipeline.dates reads, 2021-03-12 or 12/03/2021."""
    from pipeline.dates import parse_date

    if (day := parse_date(value)) is None:
        raise argparse.ArgumentTypeError(_("'{value}' is not a date like 12/03/2021 or 2021-03-12").format(value=value))
    return day


# --- how values read in human output (`--json` keeps ids, ISO dates and UTC) -----------------------

# Batch states as operators read them; the values themselves stay English in `--json` and options.
STATUS_NAMES = {
    "received": N_("received"), "archived": N_("archived"), "queued": N_("queued"),
    "processing": N_("processing"), "done": N_("done"), "failed": N_("failed"), "duplicate": N_("duplicate"),
    "skipped": N_("skipped"), "dismissed": N_("dismissed"),
}


def status_text(status: str) -> str:
    """A batch state in the operator's language (`done` → `đã lưu`)."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def label(text: str, width: int = 11) -> str:
    """A left column label padded to `width` (at least one space after it)."""
    return f"{text:<{width - 1}} "


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def office_zone(settings) -> ZoneInfo:
    """The office's time zone (`[office] timezone`): times in human output are read in it."""
    return _zone(settings.office.timezone)


def day_text(day: dt.date | str | None) -> str:
    """dd/mm/yyyy, as Vietnam writes dates."""
    if day is None:
        return "–"
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return f"{day:%d/%m/%Y}"


def when(moment: dt.datetime | str | None, zone: ZoneInfo) -> str:
    """A moment stored in UTC as the office reads it: dd/mm/yyyy HH:MM in its time zone."""
    if moment is None:
        return "–"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:  # the store keeps UTC; SQLite hands it back naive
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(zone):%d/%m/%Y %H:%M}"


class Names:
    """Document types and fields as operators read them: the catalog's Vietnamese names in Vietnamese,
    the ids in English (the ids are what options such as --type and --field take)."""

    def __init__(self, catalog) -> None:
        self.catalog = catalog

    def doc_type(self, type_id: str) -> str:
        if not in_vietnamese():
            return type_id
        try:
            return self.catalog.get(type_id).name_vi
        except KeyError:
            return type_id

    def short_type(self, type_id: str) -> str:
        """The type's first name in a table column ("Căn cước công dân", not "... / Thẻ căn cước (bản sao)")."""
        return self.doc_type(type_id).split(" / ")[0]

    def field(self, name: str) -> str:
        if not in_vietnamese():
            return name
        return self.catalog.field_names_vi.get(name, name)

    def value(self, name: str, value: str) -> str:
        """A field's value as shown: dates day first (stored ISO)."""
        field = self.catalog.fields.get(name)
        if field is not None and field.kind == "date" and _ISO_DAY.fullmatch(value or ""):
            return day_text(value)
        return value

    def reason(self, reason: str) -> str:
        """A review reason, recorded in English when the document was read, in the operator's language."""
        if match := _UNCERTAIN.fullmatch(reason):
            return _("type uncertain (confidence {confidence})").format(confidence=match.group(1))
        if match := _MISSING.fullmatch(reason):
            names = ", ".join(self.field(n.strip()) for n in match.group(1).split(","))
            return _("required field(s) missing: {fields}").format(fields=names)
        if match := _INVALID.fullmatch(reason):
            return _("{field} failed validation: {problems}").format(field=self.field(match.group(1)),
                                                                      problems=match.group(2))
        if match := _UNREADABLE.fullmatch(reason):  # what was read, and why not taken, stay as recorded
            return _("{field} unreadable: {what}").format(field=self.field(match.group(1)), what=match.group(2))
        if match := _DIFFERS.fullmatch(reason):
            message = (_("{field} differs between the documents of the dossier, none of the readings is kept: "
                         "{readings}") if match.group(3) else
                       _("{field} differs between the documents of the dossier: {readings}"))
            return message.format(field=self.field(match.group(1)), readings=match.group(2))
        if match := _ANOTHERS.fullmatch(reason):
            number, born, name, card, card_number, card_born = match.groups()
            return _("{id_field} {number} and {born_field} {born} read for {name} are another person's: the "
                     "dossier's identity card ({card}) reads {card_number}, born {card_born}").format(
                id_field=self.field("id_number"), number=number, born_field=self.field("date_of_birth"),
                born=self.value("date_of_birth", born), name=name, card=card, card_number=card_number,
                card_born=self.value("date_of_birth", card_born))
        if match := _CHECK.fullmatch(reason):
            return _("{field} to check: {why}").format(field=self.field(match.group(1)),
                                                       why=_why_to_check(match.group(2)))
        return reason


# The review reasons stages/review.py records (in English, in the store).
_UNCERTAIN = re.compile(r"type uncertain \(confidence ([\d.]+)\)")
_MISSING = re.compile(r"required field\(s\) missing: (.+)")
_INVALID = re.compile(r"(\w+) failed validation: (.+)")
_CHECK = re.compile(r"(\w+) to check: (.+)")
_UNREADABLE = re.compile(r"(\w+) unreadable: (.+)")
_ANOTHERS = re.compile(r"id_number (\d+) and date_of_birth ([\d-]+) read for (.+) are another person's: "
                       r"the dossier's identity card \((.+)\) reads (\d+), born ([\d-]+)")
_DIFFERS = re.compile(r"(\w+) differs between the documents of the dossier: (.+?)(; none of them is kept)?")
_FROM_THE_CARD = re.compile(r"not read on this document; taken from the dossier's identity card \((.+)\)")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _why_to_check(why: str) -> str:
    if card := _FROM_THE_CARD.fullmatch(why):
        return _("not read on this document; taken from the dossier's identity card ({source})").format(
            source=card.group(1))
    return _(why) if why in CHECKS else why


def add_office_options(parser: argparse.ArgumentParser, *, every_office: bool = True) -> None:
    """`--office CODE` (alias `--district`) and, where a command can read every office, `--all-offices`:
    the same options, with the same meaning, on every command that touches an office's dossiers."""
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--office", "--district", dest="office", metavar="CODE",
                        help=_("work for this office (`dossier offices`); default: [office] code of the configuration"))
    if every_office:
        choice.add_argument("--all-offices", "--all-districts", dest="all_offices", action="store_true",
                            help=_("every office of a shared (citywide) store (admins)"))


def with_office(settings, args: argparse.Namespace):
    """The settings of the office a command works for: `--office CODE` replaces the configured one."""
    code = getattr(args, "office", None)
    if not code:
        return settings
    from dataclasses import replace

    from pipeline.offices import load_offices

    offices = load_offices(settings.offices_path)
    # a code the city does not list is a usage error naming the closest ones (`--office q1` is Q1)
    code = pick(code, [o.code for o in offices], option="--office", listed_by="dossier offices")
    return replace(settings, office=replace(settings.office, code=code))


def office_scope(settings, args: argparse.Namespace) -> str | None:
    """The office a command reads: this office (or `--office CODE`); None with `--all-offices`."""
    return None if getattr(args, "all_offices", False) else settings.office.code


def print_json(data: Any) -> None:
    """`--json` output; ID numbers masked in its strings when what is printed is masked (the JSON stays valid)."""
    out = sys.stdout
    if isinstance(out, MaskingStream):
        data, out = masked_values(data), out.unmasked
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def masked_values(data: Any) -> Any:
    """`data` with the ID numbers in its strings masked (keys and numbers left as they are)."""
    if isinstance(data, str):
        return mask_ids(data)
    if isinstance(data, dict):
        return {key: masked_values(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [masked_values(value) for value in data]
    return data


class MaskingStream:
    """A text stream that masks personal ID numbers in whatever is written to it (pipeline.logs.mask_ids).

    What a command prints goes through one while its role may not see ID numbers in
    clear; standard error always does. Everything else is the stream's own."""

    def __init__(self, stream) -> None:
        self.unmasked = stream

    def write(self, text: str) -> int:
        self.unmasked.write(mask_ids(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unmasked, name)


def _terminal_size() -> tuple[int, int]:
    """Columns and lines of the terminal on stderr; 80 x 24 where it does not say (a terminal of size 0 x 0,
    on which tqdm would draw nothing)."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
        columns, lines = size.columns, size.lines
    except OSError:
        columns = lines = 0
    if columns <= 0:
        columns = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else 80
    return max(40, columns), lines if lines > 0 else 24


class Progress:
    """A progress bar on stderr when it is a terminal, left on screen at the end; silent otherwise.

    `dossier ingest` counts pages (the total grows as dossiers are recorded) and shows the file
    whose page was read last.
    """

    def __init__(self, enabled: bool = True, unit: str | None = None, description: str | None = None) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.unit = unit if unit is not None else _("page")
        self.description = description if description is not None else _("reading")
        self._bar = None

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int, total: int, label: str = "") -> None:
        if not self.enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            columns, lines = _terminal_size()
            self._bar = tqdm(total=total, unit=self.unit, desc=self.description, file=sys.stderr,
                             leave=True, ncols=columns, nrows=lines)
        self._bar.total = total
        self._bar.n = done
        if label:
            self._bar.set_postfix_str(Path(label).name[:40], refresh=False)
        self._bar.refresh()

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
