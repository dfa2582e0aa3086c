"""Commands that keep the record whole: verify (fixity of the archive), backup, restore."""

from __future__ import annotations

import argparse

from pipeline.cli.render import add_office_options, office_scope, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode
from pipeline.i18n import _
from pipeline.office.app import App


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("verify", help=_("re-hash every archived original: report damaged, missing and "
                                             "orphan files (exit 1 when any)"))
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_verify)


def cmd_verify(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.verify import run_verify

    with App.open(settings) as app:
        report = run_verify(app, office=office_scope(settings, args))
    if args.json:
        print_json(report.as_json())
    else:
        _print_fixity(report)
    return ExitCode.OK if report.ok else ExitCode.BATCH_FAILED


def _print_fixity(report) -> None:
    counts = report.counts()
    print(_("{checked} archived original(s) re-hashed ({mb:.1f} MB): {damaged} damaged, {missing} missing, "
            "{orphan} orphan(s)").format(checked=report.checked, mb=report.bytes_read / 1e6, **counts))
    if report.in_flight:
        print(_("  {count} file(s) archived in the last hour and not yet recorded: an intake in progress")
              .format(count=report.in_flight))
    for problem in report.problems:
        print("  " + problem.describe())
    if report.of_kind("damaged") or report.of_kind("missing"):
        print(_("  restore those originals from a backup (`dossier restore` into another folder, then copy "
                "the files named), then run `dossier verify` again"))
    elif report.problems:
        print(_("  orphans are files no batch records: move them out of the archive, or ingest them again"))
