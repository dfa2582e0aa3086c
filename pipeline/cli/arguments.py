"""The command line as typed: a parser whose errors are one line, and values checked before any use.

Nothing the user types reaches the store or the file system unchecked: whole
numbers are ASCII digits inside the range the database can hold, text is valid
UTF-8 (a value typed in a terminal set to another encoding reaches Python as
lone surrogates, which no database accepts), and the paths of folders dossier
writes to are decided here (`export --to`). File names given to `ingest` are
the one exception: they name files as the file system knows them, UTF-8 or not.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn

from pipeline.errors import ExitCode, UsageError, printable
from pipeline.i18n import _
from pipeline.logs import mask_ids

# Ids and offsets are 64-bit integers in both stores; larger ones cannot exist.
MAX_ID = 2**63 - 1
MAX_LIMIT = 10_000  # results in one page of `search`/`review`: more would only fill the screen and memory
# Search reads offset + limit results to show the page after the offset: past a million, narrow with a filter.
MAX_OFFSET = 1_000_000

# Arguments that are file names, taken as the file system gives them (not necessarily UTF-8).
FILE_NAME_ARGUMENTS = frozenset({"paths"})


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the command's help, and exits 2."""

    def error(self, message: str) -> NoReturn:
        print(mask_ids(f"{self.prog}: {message} (see `{self.prog} --help`)"), file=sys.stderr)
        raise SystemExit(int(ExitCode.USAGE))


def whole_number(low: int, high: int = MAX_ID) -> Callable[[str], int]:
    """An argparse type: ASCII digits only (no "1e3", no "٣"), from `low` to `high`."""

    def parse(value: str) -> int:
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"'{printable(value)}' is not a whole number from {low} to {high}")
        return int(text)

    parse.__name__ = "number"  # argparse names the type in its message
    return parse


def record_id(prefix: str) -> Callable[[str], int]:
    """An argparse type for a batch (`B12`) or document (`D34`) id: as shown, or the plain number."""
    number = whole_number(1)

    def parse(value: str) -> int:
        text = value.strip()
        if text[:1].upper() == prefix and text[1:2].isdigit():
            text = text[1:]
        if text.isascii() and text.isdigit():
            return number(text)  # out of range: the whole-number message says the range
        raise argparse.ArgumentTypeError(_("'{value}' is not a {kind} id like {prefix}12 or 12").format(
            value=printable(value), kind=_(_KINDS[prefix]), prefix=prefix))

    parse.__name__ = f"{_KINDS[prefix]} id"
    return parse


_KINDS = {"B": "batch", "D": "document"}
document_id = record_id("D")
batch_id = record_id("B")


def check_text(args: argparse.Namespace) -> None:
    """Refuse option values that are not valid UTF-8 (file names given to `ingest` excepted)."""
    for name, value in vars(args).items():
        if name in FILE_NAME_ARGUMENTS or name == "handler":
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not _is_utf8(item):
                raise UsageError(f"{_shown_name(name)} '{printable(item)}' is not valid UTF-8 text",
                                 remedy="type it in a UTF-8 terminal (LANG=vi_VN.UTF-8 or C.UTF-8)")


def _shown_name(dest: str) -> str:
    """How the user typed the argument: `--data-dir` for an option, `QUERY` for a positional."""
    return _SHOWN_NAMES.get(dest) or "--" + dest.replace("_", "-")


_SHOWN_NAMES = {"query": "QUERY", "assignments": "NAME=VALUE", "doc_type": "--type"}


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse `argv`; words of a search query that look like options (`search "-x"`) are query words.

    The README promises that any query works, and `-` is search syntax elsewhere;
    only `--long` words argparse does not know stay errors, being mistyped options.
    """
    args, unknown = parser.parse_known_args(argv)
    if unknown and getattr(args, "command", None) == "search" and not any(w.startswith("--") for w in unknown):
        args.query = " ".join(w for w in (args.query, *unknown) if w)
    elif unknown:
        parser.error(f"unrecognized arguments: {printable(' '.join(unknown))}")
    check_text(args)
    return args
