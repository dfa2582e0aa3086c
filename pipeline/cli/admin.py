"""Admin and daemon commands: watch, reprocess, stats."""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.arguments import batch_id
from pipeline.cli.render import add_office_options, label, office_scope, office_zone, print_json, status_text, when
from pipeline.config import Settings
from pipeline.domain import BatchStatus
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import _
from pipeline.office.app import App


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("watch", help=_("run the daemon: watch the inbox, file what arrives (until SIGTERM)"))
    p.add_argument("--once", action="store_true",
                   help=_("take what is in the inbox, process the queue until nothing is due, then exit"))
    add_office_options(p, every_office=False)
    p.set_defaults(handler=cmd_watch)

    p = commands.add_parser("reprocess", help=_("run batches again from their archived originals"))
    p.add_argument("batch_ids", nargs="*", type=batch_id, metavar="BATCH_ID", help=_("batch ids"))
    p.add_argument("--failed", action="store_true", help=_("every failed batch"))
    p.add_argument("--queue", action="store_true",
                   help=_("put them back in the queue for the daemon instead of processing them here"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_reprocess)

    p = commands.add_parser("stats", help=_("queue depth, pages per minute over the last 5 minutes and the last hour, "
                                            "failures by reason"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_stats)


def cmd_watch(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.office.daemon import Daemon
    from pipeline.operations.verify import ScheduledVerify

    report = Daemon(settings, once=args.once, chores=[ScheduledVerify()]).run()
    if not args.once:
        return ExitCode.OK
    print(_("{taken} taken from the inbox: {filed} filed, {duplicates} duplicate(s), {failed} failed, "
            "{waiting} waiting for a retry").format(
        taken=len(report.taken), filed=report.count(BatchStatus.DONE), duplicates=report.count(BatchStatus.DUPLICATE),
        failed=report.count(BatchStatus.FAILED), waiting=report.count(BatchStatus.QUEUED)))
    for entry in report.not_taken:
        print("  " + _("not taken: {entry}").format(entry=entry))
    for entry in report.left_alone:
        print("  " + _("left alone: {entry}").format(entry=entry))
    return ExitCode.BATCH_FAILED if report.any_failed else ExitCode.OK


def cmd_reprocess(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.reprocess import reprocess
    from pipeline.operations.status import daemon_running

    if bool(args.batch_ids) == args.failed:
        raise UsageError(_("give batch ids or --failed (one of the two)"),
                         remedy=_("find them with `dossier batches --status failed`"))
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
            print(_("nothing to reprocess"))
        for r in results:
            detail = _("{count} document(s)").format(count=len(r.document_ids)) if r.status == "done" else r.note
            print(f"B{r.batch_id:<5} {status_text(r.status):<12} {r.source}" + (f"  {detail}" if detail else ""))
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
    zone = office_zone(settings)
    # The column of values starts after the longest label in this language ("thư mục nhận").
    width = max(11, 2 + max(len(_(t)) for t in ("office", "queue", "due now", "retrying", "stale", "inbox",
                                                 "last hour", "failures", "by office")))
    print(label(_("office"), width) + (scope or _("all")))
    # No row rests in received or archived (intake records both steps as events in its one transaction).
    shown = {s: n for s, n in stats.by_status.items() if n or s not in (BatchStatus.RECEIVED, BatchStatus.ARCHIVED)}
    print(label(_("queue"), width) + "  ".join(f"{status_text(status)} {count}" for status, count in shown.items()))
    print(label(_("due now"), width) + str(stats.due_now)
          + (" " + _("(oldest since {when})").format(when=when(stats.oldest_due_at, zone)) if stats.oldest_due_at else ""))
    print(label(_("retrying"), width) + str(stats.waiting_retry)
          + (" " + _("(next at {when})").format(when=when(stats.next_retry_at, zone)) if stats.next_retry_at else ""))
    if stats.stale_claims:
        print(label(_("stale"), width) + _("{count} claim(s) of a stopped worker: the running daemon requeues them")
              .format(count=stats.stale_claims))
    waiting = (_("unreadable") if stats.inbox_waiting is None
               else _("{count} waiting to be taken").format(count=stats.inbox_waiting))
    if stats.inbox_empty_folders:
        waiting += ", " + _("{count} empty folder(s) left alone").format(count=stats.inbox_empty_folders)
    print(label(_("inbox"), width) + f"{waiting}  ({settings.inbox_dir})")
    print(label(_("last 5 min"), width) + _("{rate:g} pages/min  ({pages} page(s), {batches} batch(es) filed)").format(
        rate=stats.pages_per_minute_last_5_minutes, pages=stats.pages_last_5_minutes,
        batches=stats.batches_last_5_minutes))
    print(label(_("last hour"), width) + _("{rate:g} pages/min  ({pages} page(s), {batches} batch(es) filed)").format(
        rate=stats.pages_per_minute, pages=stats.pages_last_hour, batches=stats.batches_last_hour))
    if stats.failures:
        print(label(_("failures"), width)
              + _("(see `dossier batches --status failed`, fix, then `dossier reprocess --failed`)"))
        for group in stats.failures:
            print(f"  {group.count:>5}  {group.code:<16} " + _("latest: {reason}").format(reason=group.latest_reason))
    if stats.by_office:
        print(label(_("by office"), width)
              + _("(`dossier report --all-offices` for time to searchable and the same-day share)"))
        for code, counts in stats.by_office.items():
            print(f"  {code:<16} " + "  ".join(f"{status_text(status)} {n}" for status, n in counts.items() if n))
    return ExitCode.OK
