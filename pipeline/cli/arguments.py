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
from collections.abc import Callable, Iterable
from typing import NoReturn

from pipeline.errors import ExitCode, UsageError, printable
from pipeline.i18n import N_, _
from pipeline.logs import mask_ids
from pipeline.textnorm import closest, fold, unknown_value

# Ids and offsets are 64-bit integers in both stores; larger ones cannot exist.
MAX_ID = 2**63 - 1
MAX_LIMIT = 10_000  # results in one page of `search`/`review`: more would only fill the screen and memory
# Search reads offset + limit results to show the page after the offset: past a million, narrow with a filter.
MAX_OFFSET = 1_000_000

# Arguments that are file names, taken as the file system gives them (not necessarily UTF-8).
FILE_NAME_ARGUMENTS = frozenset({"paths"})


# Options of `dossier` itself, accepted anywhere on the line (`dossier search lan --data-dir var`):
# those taking a value, and flags.
GLOBAL_VALUE_OPTIONS = ("--data-dir", "--config", "--db")
GLOBAL_FLAGS = ("--debug",)
# Options of the commands that every command reading dossiers takes: typed before the command
# (`dossier --json search lan`), they are moved after it.
COMMAND_VALUE_OPTIONS = ("--office", "--district")
COMMAND_FLAGS = ("--json", "--all-offices", "--all-districts")

# argparse's own messages (usage, "options", "the following arguments are required", ...) look up
# the module's `_`: ours translates them, through the same catalog (see ARGPARSE_MESSAGES).
argparse._ = _  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the command's help, and exits 2."""

    def error(self, message: str) -> NoReturn:
        print(mask_ids(_("{prog}: {message} (see `{prog} --help`)").format(prog=self.prog, message=message)),
              file=sys.stderr)
        raise SystemExit(int(ExitCode.USAGE))


def hoist_global_options(argv: list[str]) -> list[str]:
    """`argv` with dossier's own options moved before the command, wherever they were typed.

    `dossier search lan --data-dir var` means what `dossier --data-dir var search lan`
    means, and `dossier --json search lan` what `dossier search lan --json` means.
    Nothing after `--` moves: from there on, words are the command's (a query).
    """
    hoisted: list[str] = []
    rest: list[str] = []
    words = iter(enumerate(argv))
    for index, word in words:
        if word == "--":
            rest += argv[index:]
            break
        name = word.split("=", 1)[0]
        if word in GLOBAL_FLAGS:
            hoisted.append(word)
        elif name in GLOBAL_VALUE_OPTIONS and "=" in word:
            hoisted.append(word)
        elif word in GLOBAL_VALUE_OPTIONS:
            following = next(words, None)
            hoisted += [word] if following is None else [word, following[1]]
        else:
            rest.append(word)
    return hoisted + _after_command(rest)


def _after_command(words: list[str]) -> list[str]:
    """`words` (dossier's own options already first) with command options typed before the command moved after it."""
    moved: list[str] = []
    index = 0
    while index < len(words) and words[index].startswith("-") and words[index] != "--":
        word = words[index]
        name = word.split("=", 1)[0]
        takes_value = (name in GLOBAL_VALUE_OPTIONS or name in COMMAND_VALUE_OPTIONS) and "=" not in word
        width = 2 if takes_value else 1
        if word in COMMAND_FLAGS or name in COMMAND_VALUE_OPTIONS:
            moved += words[index:index + width]
            del words[index:index + width]
            continue
        index += width
    if index >= len(words):  # no command: argparse says so
        return words + moved
    return words[:index + 1] + moved + words[index + 1:]


def global_option(argv: list[str], name: str) -> str | None:
    """The value of a global option in a hoisted `argv` (`--config FILE` or `--config=FILE`), if given."""
    for index, word in enumerate(argv):
        if word == "--":
            break
        if word == name and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def whole_number(low: int, high: int = MAX_ID) -> Callable[[str], int]:
    """An argparse type: ASCII digits only (no "1e3", no "٣"), from `low` to `high`."""

    def parse(value: str) -> int:
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(_("'{value}' is not a whole number from {low} to {high}").format(
                value=printable(value), low=low, high=high))
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


_KINDS = {"B": N_("batch"), "D": N_("document")}  # marked: the message names the kind
document_id = record_id("D")
batch_id = record_id("B")


def pick(value: str, valid: Iterable[str], *, option: str, listed_by: str | None = None) -> str:
    """`value` as one of `valid` (case and accents ignored), or a UsageError naming the closest ones.

    An unknown filter value must not quietly find nothing: `--type nosuch` is a typo to fix.
    """
    choices = list(valid)
    key = fold(value.strip())
    for choice in choices:
        if fold(choice) == key:
            return choice
    raise UsageError(unknown_value_message(value, choices, option=option),
                     remedy=_("see `{command}`").format(command=listed_by) if listed_by else
                     _("one of: {choices}").format(choices=", ".join(choices)))


def pick_type(value: str, catalog) -> str:
    """A catalog type by its id or by one of its names, Vietnamese or English, accents, case and `_` ignored
    (`giay khai sinh`, `Giấy khai sinh`, `BIRTH_CERTIFICATE`: birth_certificate); else a usage error."""
    names = {_squashed(name): doc_type.id for doc_type in catalog.types
             for name in (doc_type.id, *doc_type.name_vi.split(" / "), doc_type.name_en)}
    if (key := _squashed(value)) in names:
        return names[key]
    near = list(dict.fromkeys(names[name] for name in closest(key, names)))
    message = (_("unknown {what} '{value}': did you mean {choices}?").format(
        what="--type", value=printable(value), choices=_(" or ").join(near)) if near
        else _("unknown {what} '{value}'").format(what="--type", value=printable(value)))
    raise UsageError(message, remedy=_("see `{command}`").format(command="dossier types"))


def _squashed(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").replace("-", " ").split())


def unknown_value_message(value: str, choices: list[str], *, option: str) -> str:
    return unknown_value(value, choices, what=option)


def choice_of(option: str, choices: list[str]) -> Callable[[str], str]:
    """An argparse type: one of `choices`, case and accents ignored; a typo gets the closest ones."""

    def parse(value: str) -> str:
        try:
            return pick(value, choices, option=option)
        except UsageError as exc:
            raise argparse.ArgumentTypeError(f"{exc.message} ({exc.remedy})") from None

    parse.__name__ = option.lstrip("-")
    return parse


def check_text(args: argparse.Namespace) -> None:
    """Refuse option values that are not valid UTF-8 (file names given to `ingest` excepted)."""
    for name, value in vars(args).items():
        if name in FILE_NAME_ARGUMENTS or name == "handler":
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not _is_utf8(item):
                raise UsageError(_("{name} '{value}' is not valid UTF-8 text").format(
                    name=_shown_name(name), value=printable(item)),
                    remedy=_("type it in a UTF-8 terminal (LANG=vi_VN.UTF-8 or C.UTF-8)"))


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
    if unknown and getattr(args, "command", None) == "search":
        words = [w for w in unknown if w != "--"]
        if any(w.startswith("--") for w in words) and "--" not in unknown:
            parser.error(_("unrecognized arguments: {words}").format(words=printable(" ".join(unknown))))
        args.query = " ".join(w for w in (args.query, *words) if w)
    elif unknown:
        parser.error(_("unrecognized arguments: {words}").format(words=printable(" ".join(unknown))))
    check_text(args)
    return args


# argparse's own messages, marked here so that `make messages` puts them in the catalog.
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("show program's version number and exit"), N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"), N_("expected one argument"),
    N_("expected at least one argument"), N_("expected at most one argument"),
    N_("invalid %(type)s value: %(value)r"), N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"), N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"), N_("unexpected option string: %s"),
)
