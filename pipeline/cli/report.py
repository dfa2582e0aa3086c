"""The report command: the citywide figures of `pipeline.operations.report`, as text, JSON, CSV or HTML."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

from pipeline.cli.arguments import choice_of
from pipeline.cli.render import add_office_options, date_argument, day_text, office_scope, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import N_, _
from pipeline.office.app import App
from pipeline.operations.report import Backlog, Figures, Period, Report, build_report

DEFAULT_DAYS = 30
PERIOD_NAMES = {"day": N_("day"), "week": N_("week"), "month": N_("month")}


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "report",
        help=_("per office and procedure: received, filed, failed, backlog, time to searchable, same-day share"),
        description=_("Figures of the dossiers that arrived from --since to --until (default: the last 30 days), "
                      "per office (ranked: the best same-day share first), per procedure and per period; "
                      "and what waits for a human now."))
    p.add_argument("--since", type=date_argument, metavar="DATE",
                   help=_("first day of arrival, dd/mm/yyyy (default: 30 days ago)"))
    p.add_argument("--until", type=date_argument, metavar="DATE", help=_("last day of arrival (default: today)"))
    p.add_argument("--by", type=choice_of("--by", [p.value for p in Period]), default=Period.DAY.value,
                   metavar="PERIOD", help=_("periods of the breakdown: day, week or month (default: day)"))
    formats = p.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    formats.add_argument("--csv", action="store_true", help=_("print the report as CSV (one row per figure line)"))
    formats.add_argument("--html", type=Path, metavar="FILE",
                         help=_("write the report as one self-contained HTML file (charts included)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_report)


def cmd_report(settings: Settings, args: argparse.Namespace) -> ExitCode:
    if args.since and args.until and args.since > args.until:
        raise UsageError(_("--since {since} is after --until {until}").format(
            since=day_text(args.since), until=day_text(args.until)))
    scope = office_scope(settings, args)
    with App.open(settings) as app:
        until = args.until or dt.datetime.now(app.offices.calendar.zone).date()  # today in the city
        since = args.since or until - dt.timedelta(days=DEFAULT_DAYS - 1)
        report = build_report(app.store, app.offices, app.procedures, scope=scope, since=since, until=until,
                              by=Period(args.by))
    if args.json:
        print_json(report_json(report))
    elif args.csv:
        sys.stdout.write(report_csv(report))
    elif args.html:
        if args.html.exists():
            raise UsageError(_("{path} exists").format(path=args.html),
                             remedy=_("name a new file; a report is never written over another"))
        from pipeline.cli import report_html  # it renders with this module's helpers

        args.html.write_text(report_html.render(report), encoding="utf-8")
        print(_("wrote {path}").format(path=args.html))
    else:
        print_text(report)
    return ExitCode.OK


# --- JSON -------------------------------------------------------------------------------------


def figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "received": figures.received, "filed": figures.filed, "failed": figures.failed, "pending": figures.pending,
        "duplicates": figures.duplicates, "incomplete": figures.incomplete,
        "time_to_searchable_median_s": _seconds(figures.median_seconds),
        "time_to_searchable_p95_s": _seconds(figures.p95_seconds),
        "same_day": figures.same_day, "same_day_share": _share(figures.same_day_share),
    }


def backlog_json(backlog: Backlog) -> dict[str, Any]:
    return {"documents": backlog.documents, "dossiers": backlog.dossiers,
            "oldest_since": backlog.oldest.isoformat(timespec="seconds") if backlog.oldest else None}


def report_json(report: Report) -> dict[str, Any]:
    """`report --json`: English keys, ISO dates, UTC times, seconds."""
    return {
        "since": report.since.isoformat(), "until": report.until.isoformat(), "by": report.by.value,
        "office": report.scope, "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "city": {**figures_json(report.city), "backlog": backlog_json(report.city_backlog),
                 "periods": [{"period": p.start.isoformat(), **figures_json(p.figures)} for p in report.city_periods]},
        "offices": [{
            "rank": rank, "office": o.office, "name": o.name, **figures_json(o.figures),
            "backlog": backlog_json(o.backlog),
            "procedures": [{"procedure": p.procedure, "name": p.name, "same_day_procedure": p.same_day_procedure,
                            **figures_json(p.figures), "backlog": backlog_json(p.backlog)} for p in o.procedures],
            "periods": [{"period": p.start.isoformat(), **figures_json(p.figures)} for p in o.periods],
        } for rank, o in enumerate(report.offices, start=1)],
    }


# --- CSV --------------------------------------------------------------------------------------

CSV_COLUMNS = ("level", "rank", "office", "office_name", "procedure", "procedure_name", "period", "received",
               "filed", "failed", "pending", "duplicates", "incomplete", "time_to_searchable_median_s",
               "time_to_searchable_p95_s", "same_day", "same_day_share", "backlog_documents", "backlog_dossiers",
               "backlog_oldest_since")


def report_csv(report: Report) -> str:
    """One table: the city, each office, its procedures and its periods, one line each (`level` says which)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()

    def line(level: str, figures: Figures, backlog: Backlog | None = None, **keys) -> None:
        row = {**figures_json(figures), **keys, "level": level}
        if backlog is not None:
            row.update(backlog_documents=backlog.documents, backlog_dossiers=backlog.dossiers,
                       backlog_oldest_since=backlog_json(backlog)["oldest_since"])
        writer.writerow({column: row.get(column, "") if row.get(column) is not None else ""
                         for column in CSV_COLUMNS})

    line("city", report.city, report.city_backlog)
    for period in report.city_periods:
        line("city_period", period.figures, period=period.start.isoformat())
    for rank, o in enumerate(report.offices, start=1):
        line("office", o.figures, o.backlog, rank=rank, office=o.office, office_name=o.name)
        for p in o.procedures:
            line("procedure", p.figures, p.backlog, office=o.office, office_name=o.name,
                 procedure=p.procedure or "", procedure_name=p.name)
        for period in o.periods:
            line("office_period", period.figures, office=o.office, office_name=o.name, period=period.start.isoformat())
    return out.getvalue()


# --- text -------------------------------------------------------------------------------------


def print_text(report: Report) -> None:
    where = report.scope or _("all offices")
    print(_("Dossiers that arrived from {since} to {until} ({where})").format(
        since=day_text(report.since), until=day_text(report.until), where=where))
    # Each figure column is as wide as its heading in this language, at least its usual width.
    headings = [_("received"), _("filed"), _("failed"), _("pending"), _("dup."), _("incompl."), _("median"), _("p95"),
                _("same day")]
    widths = [max(len(h), w) for h, w in zip(headings, (8, 6, 6, 7, 5, 8, 8, 8, 8), strict=True)]
    office = _("office")
    print(f"{'#':>3} {office:<24} " + " ".join(f"{h:>{w}}" for h, w in zip(headings, widths, strict=True))
          + "  " + _("waiting (oldest)"))

    def row(label: str, f: Figures) -> str:
        cells = (f.received, f.filed, f.failed, f.pending, f.duplicates, f.incomplete, duration_text(f.median_seconds),
                 duration_text(f.p95_seconds), share_text(f.same_day_share))
        return f"{label[:24]:<24} " + " ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))

    for rank, o in enumerate(report.offices, start=1):
        print(f"{rank:>3} {row(o.office, o.figures)}  {waiting_text(o.backlog)}")
        for p in o.procedures:
            procedure = p.procedure or _("(none named)")
            print(f"    {row('  ' + procedure, p.figures)}  {waiting_text(p.backlog)}")
    if len(report.offices) > 1:
        city = _("city")
        print(f"    {row(city, report.city)}  {waiting_text(report.city_backlog)}")
    if report.city_periods:
        print()
        print(_("by {period}").format(period=_(PERIOD_NAMES.get(report.by.value, report.by.value))))
        for period in report.city_periods:
            print(f"    {row(day_text(period.start), period.figures)}")


def waiting_text(backlog: Backlog) -> str:
    if not backlog.total:
        return "0"
    return f"{backlog.total} ({day_text(backlog.oldest)})" if backlog.oldest else str(backlog.total)


def duration_text(seconds: float | None) -> str:
    """12 s, 4 min, 2 h 05, 3 d 04 h: what an office head reads at a glance."""
    if seconds is None:
        return "–"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d}"
    return f"{seconds // 86400} d {seconds % 86400 // 3600:02d} h"


def share_text(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
