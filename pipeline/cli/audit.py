"""The audit command: who read or changed what, and whether the event log is intact."""

from __future__ import annotations

import argparse
import datetime as dt

from pipeline.cli.arguments import MAX_LIMIT, document_id, whole_number
from pipeline.cli.render import add_office_options, date_argument, office_scope, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode
from pipeline.i18n import _
from pipeline.office.app import App


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "audit", help=_("who searched, showed, exported or changed what, and when (admins)"),
        description=_("List the audit events: searches (query and result count), documents shown, exported, "
                      "relabelled, set by hand, reprocessed, review lists, ID numbers revealed. "
                      "--verify checks the hash chain of the whole event log."))
    p.add_argument("--since", type=date_argument, metavar="DATE",
                   help=_("events on or after DATE (this computer's time zone)"))
    p.add_argument("--user", metavar="U", help=_("events of this operator (the name or OS account recorded)"))
    p.add_argument("--action", action="append", default=[], metavar="A",
                   help=_("events of this action (search, show, export, review, relabel, set_field, reprocess, "
                          "reveal, audit; or any event: received, failed, done...); repeatable"))
    p.add_argument("--document", type=document_id, metavar="ID",
                   help=_("events about this document, searches and reviews that listed it included"))
    p.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=100, metavar="N",
                   help=_("the newest N events (default 100)"))
    p.add_argument("--verify", action="store_true",
                   help=_("check every link of the event log's hash chain; exit 1 at the first broken one"))
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_audit)


def cmd_audit(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations import audit

    scope = office_scope(settings, args)
    with App.open(settings) as app:
        if args.verify:
            return _render_verdict(audit.verify(app), args.json)
        since = (dt.datetime.combine(args.since, dt.time()).astimezone().astimezone(dt.UTC)
                 if args.since else None)
        query = audit.AuditQuery(since=since, user=args.user, actions=tuple(args.action) or audit.AUDITED,
                                 document_id=args.document, office=scope, limit=args.limit)
        rows = audit.audit_events(app, query)
    if args.json:
        print_json(rows)
        return ExitCode.OK
    if not rows:
        print(_("no events"))
    for row in rows:
        document = f"D{row['document_id']}" if row["document_id"] else "-"
        print(f"{row['at']}  #{row['event_id']:<7} {row['actor'] or '?':<16} {row['action']:<10} "
              f"{row['office'] or '-':<8} {document:<8} {row['detail'] or ''}")
    if rows:  # the rows are data; this line is the one a reader of another language reads
        print(_("{count} event(s) (time, event, operator, action, office, document, detail)").format(count=len(rows)))
    return ExitCode.OK


def _render_verdict(verdict, as_json: bool) -> ExitCode:
    if as_json:
        print_json({"intact": verdict.intact, "events": verdict.events, "head": verdict.head,
                    "broken": None if verdict.intact else {"event_id": verdict.broken.event_id,
                                                           "reason": verdict.broken.reason}})
    elif verdict.intact:
        print(_("event log intact: {count} event(s), chain head {head}").format(count=verdict.events,
                                                                               head=verdict.head))
    else:
        print(_("event log BROKEN at event {event}: {reason}").format(event=verdict.broken.event_id,
                                                                     reason=verdict.broken.reason))
    return ExitCode.OK if verdict.intact else ExitCode.BATCH_FAILED
