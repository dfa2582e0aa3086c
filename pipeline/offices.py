"""The city's offices, from `configs/offices.toml`: codes, names, kinds, office hours and holidays.

Every batch, document and event carries the code of the office that received
it, and every command works for one office (or, for admins, all of them), so
a code must name an office of this file: a typo would file an office's
receipts where nobody looks. The file changes without a release (the city
reorganised its wards in 2025); loading validates it and names the file on
any mistake.

The calendar answers one question for `dossier report`: by when must a dossier
that arrived at a given moment be searchable to count as filed the same
working day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.config import read_toml
from pipeline.errors import ConfigError, UsageError
from pipeline.i18n import _
from pipeline.textnorm import nfc, unknown_value

CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9-]{0,31}")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_OFFICE_KEYS = {"code", "name", "kind", "legacy", "opens", "closes", "working_days"}
_CALENDAR_KEYS = {"timezone", "opens", "closes", "working_days", "holidays"}


class OfficeKind(StrEnum):
    DISTRICT = "district"  # quận/huyện: offices until 30 June 2025
    WARD = "ward"  # phường
    COMMUNE = "commune"  # xã
    SPECIAL_ZONE = "special_zone"  # đặc khu


@dataclass(frozen=True)
class Hours:
    """When an office works: opening and closing time on its working days, holidays off."""

    opens: dt.time
    closes: dt.time
    working_days: frozenset[int]  # 0 = Monday, as date.weekday()
    holidays: frozenset[dt.date]
    zone: ZoneInfo

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.working_days and day not in self.holidays

    def same_day_deadline(self, arrived: dt.datetime) -> dt.datetime:
        """By when a dossier that arrived at `arrived` (UTC) counts as filed the same working day.

        The closing time of the day it arrived when that is a working day and it came
        before closing; otherwise the closing time of the next working day.
        """
        local = arrived.astimezone(self.zone)
        day = local.date()
        if not self.is_working_day(day) or local.time() >= self.closes:
            day = self.next_working_day(day)
        return dt.datetime.combine(day, self.closes, tzinfo=self.zone).astimezone(dt.UTC)

    def next_working_day(self, day: dt.date) -> dt.date:
        for _day in range(366):  # a year without a working day is a configuration mistake
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ConfigError("no working day within a year", remedy="check working_days and holidays in offices.toml")

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()


@dataclass(frozen=True)
class Office:
    code: str
    name: str  # as the resolution writes it, NFC: "Phường Bến Thành"
    kind: OfficeKind
    hours: Hours
    legacy: bool = False  # a former district office (before the 2025 reorganisation)


@dataclass(frozen=True)
class Offices:
    path: Path
    calendar: Hours  # the city's: an office's own hours override parts of it
    by_code: Mapping[str, Office] = field(default_factory=lambda: MappingProxyType({}))

    def __contains__(self, code: str) -> bool:
        return code in self.by_code

    def __iter__(self):
        return iter(self.by_code.values())

    def __len__(self) -> int:
        return len(self.by_code)

    def get(self, code: str) -> Office:
        """The office with this code; an unknown code is a usage error naming the file to add it to."""
        try:
            return self.by_code[code]
        except KeyError:
            raise UsageError(unknown_value(code, self.by_code, what=_("office")),
                             remedy=_("`dossier offices` lists the offices of {path}; add a new one there").format(
                                 path=self.path)) from None

    def name_of(self, code: str) -> str:
        """The office's name, or its bare code for one that is no longer listed (old batches keep theirs)."""
        office = self.by_code.get(code)
        return office.name if office else code

    def hours_of(self, code: str) -> Hours:
        """The office's hours; the city's for an office no longer listed."""
        office = self.by_code.get(code)
        return office.hours if office else self.calendar


def load_offices(path: Path) -> Offices:
    data = read_toml(path, missing_remedy="set city.offices in the configuration")
    calendar = data.get("calendar")
    if not isinstance(calendar, dict):
        raise ConfigError("no [calendar] table (time zone, office hours, holidays)", path=str(path))
    _no_unknown_keys(calendar, _CALENDAR_KEYS, "[calendar]", path)
    default = _hours(calendar, None, "[calendar]", path)
    offices: dict[str, Office] = {}
    for index, entry in enumerate(data.get("offices", []), start=1):
        where = f"office #{index} ({entry.get('code', '?')})"
        _no_unknown_keys(entry, _OFFICE_KEYS, where, path)
        try:
            code, name, kind = str(entry["code"]), nfc(str(entry["name"])), OfficeKind(entry["kind"])
        except KeyError as exc:
            raise ConfigError(f"{where} lacks the key {exc.args[0]!r}", path=str(path)) from None
        except ValueError:
            raise ConfigError(f"{where}: unknown kind {entry['kind']!r}", path=str(path),
                              remedy=f"kinds: {', '.join(k.value for k in OfficeKind)}") from None
        if not CODE_PATTERN.fullmatch(code):
            raise ConfigError(f"{where}: a code is capital letters, digits and '-', at most 32", path=str(path))
        if code in offices:
            raise ConfigError(f"{where}: duplicate code", path=str(path))
        offices[code] = Office(code, name, kind, _hours(entry, default, where, path), bool(entry.get("legacy", False)))
    if not offices:
        raise ConfigError("no [[offices]] listed", path=str(path))
    return Offices(path, default, MappingProxyType(offices))


def _hours(table: dict[str, Any], default: Hours | None, where: str, path: Path) -> Hours:
    """Hours from a table; keys it leaves out come from `default` (the [calendar] of the file)."""
    def clock(key: str) -> dt.time:
        if key not in table:
            if default is None:
                raise ConfigError(f"{where} lacks {key}", path=str(path))
            return getattr(default, key)
        try:
            return dt.time.fromisoformat(str(table[key]))
        except ValueError:
            raise ConfigError(f"{where}: {key} must be a time like \"07:30\"", path=str(path)) from None

    opens, closes = clock("opens"), clock("closes")
    if closes <= opens:
        raise ConfigError(f"{where}: closes ({closes:%H:%M}) is not after opens ({opens:%H:%M})", path=str(path))
    if "working_days" in table:
        days = table["working_days"]
        unknown = [d for d in days if d not in WEEKDAYS] if isinstance(days, list) else [days]
        if unknown or not days:
            raise ConfigError(f"{where}: working_days must list days among {', '.join(WEEKDAYS)}", path=str(path))
        working = frozenset(WEEKDAYS.index(d) for d in days)
    else:  # Monday to Friday, unless [calendar] says otherwise
        working = default.working_days if default else frozenset(range(5))
    if default is not None:
        return Hours(opens, closes, working, default.holidays, default.zone)
    holidays = table.get("holidays", [])
    if not isinstance(holidays, list) or not all(isinstance(d, dt.date) and not isinstance(d, dt.datetime)
                                                 for d in holidays):
        raise ConfigError(f"{where}: holidays must be a list of dates (2026-04-30, unquoted)", path=str(path))
    try:
        zone = ZoneInfo(str(table.get("timezone", "Asia/Ho_Chi_Minh")))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: unknown timezone {table.get('timezone')!r}", path=str(path),
                          remedy="an IANA name such as Asia/Ho_Chi_Minh (Debian package tzdata)") from None
    return Hours(opens, closes, working, frozenset(holidays), zone)


def _no_unknown_keys(table: dict[str, Any], known: set[str], where: str, path: Path) -> None:
    unknown = sorted(set(table) - known)
    if unknown:  # a misspelt "closes" would otherwise be ignored silently
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}", path=str(path),
                          remedy=f"known keys: {', '.join(sorted(known))}")
