"""The `dossier` command: parses arguments, calls the pipeline, renders results.

No business logic lives here. Each module of this package registers a group
of subcommands; exit codes are stable (see pipeline.errors.ExitCode).
"""

from __future__ import annotations

import argparse
import sys

from pipeline import __version__, logs
from pipeline.cli import admin, files, review, search
from pipeline.config import load_settings
from pipeline.errors import DossierError, ExitCode

# Commands that run for a long time and report through the log.
_LOGGING_COMMANDS = {"watch"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier",
        description="Digitize citizens' dossiers: OCR, classify, extract fields, file and search.",
    )
    parser.add_argument("--version", action="version", version=f"dossier {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="data folder (env DOSSIER_DATA_DIR; default ./var)")
    parser.add_argument("--config", metavar="FILE", help="configuration file (env DOSSIER_CONFIG)")
    parser.add_argument("--db", metavar="URL",
                        help="database URL (env DOSSIER_DB_URL; default SQLite in the data dir)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (files, search, admin, review):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(config=args.config, data_dir=args.data_dir, db_url=args.db)
        long_running = args.command in _LOGGING_COMMANDS
        logs.configure(level=settings.logging.level if long_running else "ERROR", fmt=settings.logging.format)
        return int(args.handler(settings, args))
    except DossierError as error:
        print(f"dossier: {error.one_line()}", file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("dossier: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
