"""Commands that keep the record whole: verify (fixity of the archive), backup, restore."""

from __future__ import annotations

import argparse

from pipeline.cli.render import add_office_options, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode
from pipeline.i18n import _
from pipeline.office.app import App


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("verify", help=_("re-hash every archived original: report damaged, missing and "
                                             "orphan files (exit 1 when any)"))
    p.add_argument("--json", action="store_true")
    # No --all-offices: another office's originals are in its own archive, on its own machine.
    add_office_options(p, every_office=False)
    p.set_defaults(handler=cmd_verify)

    p = commands.add_parser("backup", help=_("write a consistent copy of the store and the archive, with a "
                                             "SHA-256 manifest, to a new folder"))
    p.add_argument("destination", metavar="DEST", help=_("a new (or empty) folder"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_backup)

    p = commands.add_parser("restore", help=_("restore a backup into an empty data folder (and empty database), "
                                              "check it against its manifest, then verify"))
    p.add_argument("source", metavar="SRC", help=_("a folder written by `dossier backup`"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_restore)


def cmd_verify(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.verify import run_verify

    with App.open(settings) as app:
        report = run_verify(app, office=settings.office.code)
    if args.json:
        print_json(report.as_json())
    else:
        _print_fixity(report)
    return ExitCode.OK if report.ok else ExitCode.BATCH_FAILED


def cmd_backup(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pathlib import Path

    from pipeline.operations.backup import backup

    destination = Path(args.destination).expanduser().absolute()
    with App.open(settings) as app:
        report = backup(app, destination)
    if args.json:
        print_json(report.as_json())
    else:
        print(_("backup     {path}").format(path=report.destination))
        print(_("store      {backend}").format(backend=report.backend))
        print(_("archive    {count} original(s), {mb:.1f} MB, each verified by its SHA-256").format(
            count=report.originals, mb=report.bytes_copied / 1e6))
        for sha256 in report.missing:
            print(_("  MISSING  {sha256}: recorded in the store, absent from the archive").format(sha256=sha256))
        for sha256 in report.damaged:
            print(_("  DAMAGED  {sha256}: not copied (`dossier verify` names it)").format(sha256=sha256))
        print(_("manifest   {path}").format(path=report.destination / "MANIFEST.sha256"))
    return ExitCode.OK if report.complete else ExitCode.BATCH_FAILED


def cmd_restore(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pathlib import Path

    from pipeline.operations.backup import restore

    report = restore(settings, Path(args.source).expanduser().absolute())
    if args.json:
        print_json(report.as_json())
    else:
        print(_("restored   {path} (backup of office {office}, {backend}, {created})").format(
            path=report.source, office=report.office, backend=report.backend, created=report.created_at))
        print(_("manifest   {count} file(s) checked").format(count=report.files_checked))
        print(_("data dir   {path}").format(path=settings.data_dir))
        _print_fixity(report.fixity)
    return ExitCode.OK if report.fixity.ok else ExitCode.BATCH_FAILED


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
