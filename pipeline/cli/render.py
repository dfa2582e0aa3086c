"""Rendering helpers shared by the command modules."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from pipeline.i18n import _
from pipeline.logs import mask_ids


def date_argument(value: str) -> dt.date:
    """A date option (--since, --until): any spelling pipeline.dates reads, 2021-03-12 or 12/03/2021."""
    from pipeline.dates import parse_date

    if (day := parse_date(value)) is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2021-03-12 or 12/03/2021")
    return day


def add_office_options(parser: argparse.ArgumentParser, *, every_office: bool = True) -> None:
    """`--office CODE` (alias `--district`) and, where a command can read every office, `--all-offices`:
    the same options, with the same meaning, on every command that touches an office's dossiers."""
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--office", "--district", dest="office", metavar="CODE",
                        help="work for this office (`dossier offices`); default: [office] code of the configuration")
    if every_office:
        choice.add_argument("--all-offices", "--all-districts", dest="all_offices", action="store_true",
                            help="every office of a shared (citywide) store (admins)")


def with_office(settings, args: argparse.Namespace):
    """The settings of the office a command works for: `--office CODE` replaces the configured one."""
    code = getattr(args, "office", None)
    if not code:
        return settings
    from dataclasses import replace

    from pipeline.offices import load_offices

    load_offices(settings.offices_path).get(code)  # a code the city does not list: a usage error naming the file
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
