"""Admin commands: `status` (what the daemon is doing now) and `dismiss` (give up on a failed batch)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time

from pipeline.cli.arguments import batch_id
from pipeline.cli.render import add_office_options, office_scope, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode
from pipeline.i18n import _
from pipeline.office.app import App

WATCH_SECONDS = 2.0


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("status", help=_("is the daemon running, and what is each worker doing"))
    p.add_argument("--watch", action="store_true",
                   help=_("refresh every 2 seconds until Ctrl-C (with --json: one JSON object a line)"))
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_status)

    p = commands.add_parser("dismiss", help=_("give up on a failed batch (its original stays archived)"))
    p.add_argument("batch_id", type=batch_id, metavar="BATCH_ID", help=_("a failed batch (B12 or 12)"))
    p.add_argument("--reason", required=True, metavar="TEXT", help=_("why: recorded with the batch"))
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_dismiss)


def cmd_status(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.status import collect

    scope = office_scope(settings, args)
    with App.open(settings) as app:
        while True:
            status = collect(app, office=scope)
            if args.json and args.watch:  # one object a line (JSON Lines): a script reads each refresh
                print(json.dumps(status.as_json(), ensure_ascii=False))
            elif args.json:
                print_json(status.as_json())
            else:
                if args.watch and sys.stdout.isatty():
                    sys.stdout.write("\033[H\033[2J")  # clear the screen, as `watch` does
                _render_status(status)
            if not args.watch:
                return ExitCode.OK
            sys.stdout.flush()
            time.sleep(WATCH_SECONDS)
            if not args.json and not sys.stdout.isatty():
                print()  # refreshes written to a file or pipe stay apart


def _render_status(status) -> None:
    local = status.local
    if status.running:
        daemon = next((d for d in status.daemons if d.alive), None)
        pid = local.pid if local.running else (daemon.owner if daemon else "?")
        since = local.since if local.running and local.since else (daemon.started_at if daemon else None)
        version = local.version if local.running and local.version else (daemon.version if daemon else "?")
        print(_("daemon     running (pid {pid}, since {since}, version {version})").format(
            pid=pid, since=f"{since:%Y-%m-%d %H:%M:%S} UTC" if since else "?", version=version))
    else:
        print(_("daemon     not running") + ("  " + _("(start it: systemctl start dossier, or dossier watch)")))
    for d in status.daemons:
        if not d.alive:
            print(_("           {owner} last seen {seen:%Y-%m-%d %H:%M:%S} UTC (stopped without saying so)").format(
                owner=d.owner, seen=d.seen_at))
    workers = [w for w in status.workers if w.alive]
    if status.running or workers:
        print(_("workers    {count}").format(count=len(workers)))
    for w in workers:
        if w.batch_id is None:
            doing = _("idle")
        else:
            page = (_("page {page} of {pages}").format(page=w.page, pages=w.pages) if w.page and w.pages
                    else _("page {page}").format(page=w.page) if w.page
                    else _("{pages} page(s)").format(pages=w.pages) if w.pages else "")
            doing = f"B{w.batch_id} {w.stage or ''} {page}  {w.source or ''}".replace("  ", " ", 1)
        print(f"  {w.owner:<24} {doing}")
    print(_("queue      {due} due now, {retry} waiting for a retry, {processing} in progress").format(
        due=status.queue_depth, retry=status.waiting_retry, processing=status.processing))
    filed, failed = status.last_filed, status.last_failure
    print(_("last filed {what}").format(
        what=f"B{filed.batch_id} {filed.at:%Y-%m-%d %H:%M:%S} UTC  {filed.source}  ({filed.detail})" if filed
        else _("none yet")))
    print(_("last failed {what}").format(
        what=f"B{failed.batch_id} {failed.at:%Y-%m-%d %H:%M:%S} UTC  {failed.source}  {failed.detail}" if failed
        else _("none")))


def cmd_dismiss(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.status import dismiss

    with App.open(settings) as app:
        batch = dismiss(app, args.batch_id, reason=args.reason, scope=office_scope(settings, args),
                        by=getpass.getuser())
    if args.json:
        print_json({"batch_id": batch.id, "status": batch.status, "reason": args.reason.strip()})
        return ExitCode.OK
    print(_("B{id} dismissed: {reason}").format(id=batch.id, reason=args.reason.strip()))
    print("  " + _("its original stays archived (dossier export --batch {id} --to DIR); "
                   "`dossier reprocess {id}` takes it up again").format(id=batch.id))
    return ExitCode.OK
