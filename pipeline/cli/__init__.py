"""The `dossier` command: parses arguments, calls the pipeline, renders results.

No business logic lives here. Each module of this package registers a group
of subcommands; exit codes are stable (see pipeline.errors.ExitCode).

`main` is the one error boundary: whatever goes wrong ends as one line on
stderr (`dossier: file: stage: reason (remedy)`) and a documented exit code;
the traceback is printed only with `--debug`. A reader that goes away
(`dossier search X | head -1`) ends the command quietly.

It is also where a command meets its caller's role (`pipeline.roles`): a command
beyond it exits 7 before anything is opened, and what the command prints passes
through `MaskingStream` (ID numbers masked) unless the role sees them or
`--reveal` was given and recorded. Standard error is always masked.
"""

from __future__ import annotations

import os
import sys
import traceback

from pipeline import __version__, logs, privacy, roles
from pipeline.cli import admin, audit, city, files, integrity, pages, report, review, search, status
from pipeline.cli.arguments import Parser, global_option, hoist_global_options, parse
from pipeline.cli.render import MaskingStream, with_office
from pipeline.config import load_settings
from pipeline.errors import DossierError, ExitCode, RoleRequired, as_dossier_error
from pipeline.i18n import _, activate, choose_language

# Commands that run for a long time and report through the log.
_LOGGING_COMMANDS = {"watch"}


def build_parser() -> Parser:
    parser = Parser(
        prog="dossier",
        description=_("Digitize citizens' dossiers: OCR, classify, extract fields, file and search."),
        epilog=_("--data-dir, --config, --db and --debug may also be given after the command."),
    )
    parser.add_argument("--version", action="version", version=f"dossier {__version__}",
                        help=_("show the version and exit"))
    parser.add_argument("--data-dir", metavar="DIR", help=_("data folder (env DOSSIER_DATA_DIR; default ./var)"))
    parser.add_argument("--config", metavar="FILE", help=_("configuration file (env DOSSIER_CONFIG)"))
    parser.add_argument("--db", metavar="URL",
                        help=_("database URL (env DOSSIER_DB_URL; default SQLite in the data dir)"))
    parser.add_argument("--debug", action="store_true", help=_("print the traceback of an error (to report a bug)"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title=_("commands"))
    for module in (files, search, admin, review, report, city, pages, status, audit, integrity):
        module.register(commands)
    for name, command in commands.choices.items():
        if name in _REVEALING_COMMANDS:
            command.add_argument("--reveal", action="store_true",
                                 help=_("show personal ID numbers in clear (recorded in the audit log)"))
    return parser


# Commands that print citizens' data: ID numbers are masked in what they print unless the role
# sees them ([roles] reveal_ids) or --reveal is given.
_REVEALING_COMMANDS = {"search", "show", "export", "review", "relabel", "set-field", "batches", "stats",
                       "ingest", "reprocess", "audit", "report"}


def main(argv: list[str] | None = None) -> int:
    privacy.private_umask()  # before anything is created: the store, the archive, exports, the workers' files
    _never_fail_on_names()
    argv = hoist_global_options(sys.argv[1:] if argv is None else list(argv))
    debug = "--debug" in argv[:argv.index("--")] if "--" in argv else "--debug" in argv
    streams = sys.stdout, sys.stderr
    sys.stderr = MaskingStream(sys.stderr)  # error lines and --debug tracebacks never show an ID number
    try:
        activate(_language(argv))
        args = parse(build_parser(), argv)
        settings = with_office(load_settings(config=args.config, data_dir=args.data_dir, db_url=args.db), args)
        long_running = args.command in _LOGGING_COMMANDS
        logs.configure(level=settings.logging.level if long_running else "ERROR", fmt=settings.logging.format,
                       tracebacks=long_running or debug)
        identity = roles.identify(settings)
        if why := roles.refusal(identity, args.command):
            raise RoleRequired(why, remedy=_("ask an admin, or see [roles] in the configuration"))
        if getattr(args, "reveal", False):
            from pipeline.operations.audit import record_reveal

            record_reveal(settings, args.command)
        elif not identity.reveal:
            sys.stdout = MaskingStream(sys.stdout)
        return int(args.handler(settings, args))
    except SystemExit:
        raise
    except BrokenPipeError:
        return _pipe_closed()
    except KeyboardInterrupt:
        _say(_("interrupted"))
        return int(ExitCode.INTERRUPTED)
    except BaseException as exc:  # noqa: BLE001 - the boundary: every error ends here as one line
        error = exc if isinstance(exc, DossierError) else as_dossier_error(exc)
        if debug:
            _say_traceback(exc)
        elif error.exit_code == ExitCode.INTERNAL:
            error.remedy = _("a bug: run the command again with --debug and report what it prints")
        _say(error.one_line())
        return int(error.exit_code)
    finally:
        sys.stdout, sys.stderr = streams


def _language(argv: list[str]) -> str:
    """The language of this command: `[ui] language` of its configuration, else the locale's.

    Chosen before the parser is built (its help is translated); a configuration that
    cannot be read leaves the locale's language, and fails with its reason right after.
    """
    try:
        configured = load_settings(config=global_option(argv, "--config")).ui.language
    except Exception:  # noqa: BLE001 - reported by the real load, in the chosen language
        configured = None
    return choose_language(configured)


def _say(line: str) -> None:
    try:
        print(f"dossier: {logs.mask_ids(line)}", file=sys.stderr, flush=True)
    except OSError:  # stderr is gone too: the exit code still tells
        pass


def _say_traceback(exc: BaseException) -> None:
    text = "".join(traceback.format_exception(exc))
    try:
        sys.stderr.write(logs.mask_ids(text))
    except OSError:
        pass


def _pipe_closed() -> int:
    """The reader went away: say nothing, and keep Python from failing on the final flush of stdout."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return int(ExitCode.PIPE_CLOSED)


def _never_fail_on_names() -> None:
    """A file name that is not UTF-8 is printed with its odd bytes escaped rather than failing the output."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):  # replaced by a test harness, or closed
            pass
