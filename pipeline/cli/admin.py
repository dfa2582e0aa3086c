"""Admin and daemon commands: watch, reprocess, stats."""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.arguments import batch_id
from pipeline.cli.render import add_office_options, office_scope, print_json
from pipeline.config import Settings
from pipeline.domain import BatchStatus
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import _
from pipeline.office.app import App


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("watch", help="run the daemon: watch the inbox, file what arrives (until SIGTERM)")
    p.add_argument("--once", action="store_true",
                   help="take what is in the inbox, process the queue until nothing is due, then exit")
    add_office_options(p, every_office=False)
    p.set_defaults(handler=cmd_watch)

    p = commands.add_parser("reprocess", help="run batches again from their archived originals")
    p.add_argument("batch_ids", nargs="*", type=batch_id, metavar="BATCH_ID")
    p.add_argument("--failed", action="store_true", help="every failed batch")
    p.add_argument("--queue", action="store_true",
                   help="put them back in the queue for the daemon instead of processing them here")
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_reprocess)

    p = commands.add_parser("stats", help="queue depth, pages per minute over the last 5 minutes and the last hour, "
                                         "failures by reason")
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_stats)


def cmd_watch(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.office.daemon import Daemon
    from pipeline.operations.verify import ScheduledVerify

    report = Daemon(settings, once=args.once, chores=[ScheduledVerify()]).run()
    if not args.once:
        return ExitCode.OK
    print(f"{len(report.taken)} taken from the inbox: {report.count(BatchStatus.DONE)} filed, "
          f"{report.count(BatchStatus.DUPLICATE)} duplicate(s), {report.count(BatchStatus.FAILED)} failed, "
          f"{report.count(BatchStatus.QUEUED)} waiting for a retry")
    for entry in report.not_taken:
        print(f"  not taken: {entry}")
    for entry in report.left_alone:
        print(f"  left alone: {entry}")
    return ExitCode.BATCH_FAILED if report.any_failed else ExitCode.OK


def cmd_reprocess(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.reprocess import reprocess
    from pipeline.operations.status import daemon_running

    if bool(args.batch_ids) == args.failed:
        raise UsageError("give batch ids or --failed (one of the two)",
                         remedy="find them with `dossier batches --status failed`")
    scope = office_scope(settings, args)
    with App.open(settings) as app:
        ids = (app.store.failed_batch_ids(district=scope) if args.failed
               else list(dict.fromkeys(args.batch_ids)))
        results = reprocess(app, ids, queue_only=args.queue, scope=scope)
        idle = args.queue and any(r.status == "queued" for r in results) and not daemon_running(
            app, office=settings.office.code)
    if idle:  # queued for nobody: said on stderr, so that --json output stays what scripts read
        print("dossier: " + _("warning: no daemon is running for office {office}: the queued batches wait until "
                              "one starts (systemctl start dossier, or dossier watch)").format(
            office=settings.office.code), file=sys.stderr)
    if args.json:
        print_json([{"batch_id": r.batch_id, "source": r.source, "status": r.status, "note": r.note or None,
                     "documents": list(r.document_ids)} for r in results])
    else:
        if not results:
            print("nothing to reprocess")
        for r in results:
            detail = f"{len(r.document_ids)} document(s)" if r.status == "done" else r.note
            print(f"B{r.batch_id:<5} {r.status:<8} {r.source}" + (f"  {detail}" if detail else ""))
    wanted = "queued" if args.queue else "done"
    return ExitCode.OK if all(r.status == wanted for r in results) else ExitCode.BATCH_FAILED


def cmd_stats(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.stats import collect

    scope = office_scope(settings, args)
    with App.open(settings) as app:
        stats = collect(app.store, district=scope, inbox=settings.inbox_dir, marker=settings.inbox.folder_marker,
                        containers=app.procedures.folders)
    if args.json:
        print_json(stats.as_json())
        return ExitCode.OK
    print(f"office     {scope or 'all'}")
    # No row rests in received or archived (intake records both steps as events in its one transaction).
    shown = {s: n for s, n in stats.by_status.items() if n or s not in (BatchStatus.RECEIVED, BatchStatus.ARCHIVED)}
    print("queue      " + "  ".join(f"{status} {count}" for status, count in shown.items()))
    print(f"due now    {stats.due_now}" + (f" (oldest since {stats.oldest_due_at:%Y-%m-%d %H:%M} UTC)"
                                           if stats.oldest_due_at else ""))
    print(f"retrying   {stats.waiting_retry}" + (f" (next at {stats.next_retry_at:%Y-%m-%d %H:%M} UTC)"
                                                 if stats.next_retry_at else ""))
    if stats.stale_claims:
        print(f"stale      {stats.stale_claims} claim(s) of a stopped worker: the running daemon requeues them")
    waiting = "unreadable" if stats.inbox_waiting is None else f"{stats.inbox_waiting} waiting to be taken"
    if stats.inbox_empty_folders:
        waiting += f", {stats.inbox_empty_folders} empty folder(s) left alone"
    print(f"inbox      {waiting}  ({settings.inbox_dir})")
    print(_("last 5 min {rate:g} pages/min  ({pages} page(s), {batches} batch(es) filed)").format(
        rate=stats.pages_per_minute_last_5_minutes, pages=stats.pages_last_5_minutes,
        batches=stats.batches_last_5_minutes))
    print(_("last hour  {rate:g} pages/min  ({pages} page(s), {batches} batch(es) filed)").format(
        rate=stats.pages_per_minute, pages=stats.pages_last_hour, batches=stats.batches_last_hour))
    if stats.failures:
        print("failures   (see `dossier batches --status failed`, fix, then `dossier reprocess --failed`)")
        for group in stats.failures:
            print(f"  {group.count:>5}  {group.code:<16} latest: {group.latest_reason}")
    if stats.by_office:
        print("by office  (`dossier report --all-offices` for time to searchable and the same-day share)")
        for code, counts in stats.by_office.items():
            print(f"  {code:<16} " + "  ".join(f"{status} {n}" for status, n in counts.items() if n))
    return ExitCode.OK
