"""The citywide report (`dossier report`): which office keeps up, procedure by procedure.

Counted over the dossiers that arrived in a window of days (local time of the
office's calendar), per office, per office and procedure, and per day, week or
month of arrival:

- received: receipts (every batch the office recorded, duplicates included);
- filed, failed, pending (queued or processing), duplicates: where they stand now;
- incomplete: filed, but lacking a document their procedure requires;
- time to searchable: from the moment a dossier finished arriving (the inbox
  entry's last change, or when `ingest` was given it) to its first `done` event,
  when it was filed and indexed; median and 95th percentile (nearest rank);
- filed the same working day: searchable by the closing time of the working day
  it arrived (of the next one when it arrived after closing or on a day off,
  configs/offices.toml), as a share of the receipts that are not duplicates.

And what waits for a human now, whenever it arrived: documents to review and
incomplete dossiers, with the oldest. Figures are plain data; rendering them
(text, JSON, CSV, HTML) is the command's job.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from pipeline.domain import BatchStatus
from pipeline.offices import Offices
from pipeline.procedures import Procedures
from pipeline.store.models import utcnow
from pipeline.store.repository import Receipt, Store, Waiting

PENDING = (BatchStatus.QUEUED, BatchStatus.PROCESSING, BatchStatus.RECEIVED, BatchStatus.ARCHIVED)


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"  # starting on Monday
    MONTH = "month"

    def start(self, day: dt.date) -> dt.date:
        if self is Period.WEEK:
            return day - dt.timedelta(days=day.weekday())
        if self is Period.MONTH:
            return day.replace(day=1)
        return day


@dataclass(frozen=True)
class Figures:
    received: int = 0
    filed: int = 0
    failed: int = 0
    pending: int = 0
    duplicates: int = 0
    incomplete: int = 0
    same_day: int = 0
    searchable_seconds: tuple[float, ...] = ()  # one per filed receipt that is not a duplicate

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.searchable_seconds) if self.searchable_seconds else None

    @property
    def p95_seconds(self) -> float | None:
        return percentile(self.searchable_seconds, 95)

    @property
    def same_day_share(self) -> float | None:
        """Of the receipts that are not duplicates (each is work for the office)."""
        expected = self.received - self.duplicates
        return self.same_day / expected if expected else None


@dataclass(frozen=True)
class Backlog:
    """What waits for a human now."""

    documents: int = 0  # documents to review
    dossiers: int = 0  # incomplete dossiers
    oldest: dt.datetime | None = None

    @property
    def total(self) -> int:
        return self.documents + self.dossiers


@dataclass(frozen=True)
class ProcedureRow:
    procedure: str | None  # None: no procedure named (neither at intake nor by its documents)
    name: str
    same_day_procedure: bool
    figures: Figures
    backlog: Backlog


@dataclass(frozen=True)
class PeriodRow:
    start: dt.date
    figures: Figures


@dataclass(frozen=True)
class OfficeReport:
    office: str
    name: str
    figures: Figures
    backlog: Backlog
    procedures: list[ProcedureRow] = field(default_factory=list)
    periods: list[PeriodRow] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    since: dt.date
    until: dt.date  # inclusive
    by: Period
    scope: str | None  # the office reported on; None: every office
    generated_at: dt.datetime
    offices: list[OfficeReport]  # ranked: the best same-day share first
    city: Figures
    city_backlog: Backlog
    city_periods: list[PeriodRow]


def build_report(store: Store, offices: Offices, procedures: Procedures, *, scope: str | None,
                 since: dt.date, until: dt.date, by: Period = Period.DAY, now: dt.datetime | None = None) -> Report:
    """The report of office `scope` (None: every office) for dossiers that arrived from `since` to `until`."""
    zone = offices.calendar.zone
    start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    receipts = store.receipts(office=scope, since=start.astimezone(dt.UTC), until=end.astimezone(dt.UTC))
    waiting = store.waiting(office=scope)
    codes = sorted({r.office for r in receipts} | {w.office for w in waiting} | ({scope} if scope else set()))

    reports = []
    for code in codes:
        mine = [r for r in receipts if r.office == code]
        hours = offices.hours_of(code)
        rows = []
        for procedure_id in sorted({r.procedure for r in mine} | {w.procedure for w in waiting if w.office == code},
                                   key=lambda p: (p is None, p or "")):
            procedure = procedures.find(procedure_id)
            rows.append(ProcedureRow(
                procedure_id, procedure.name_vi if procedure else (procedure_id or ""),
                bool(procedure and procedure.same_day),
                figures_of([r for r in mine if r.procedure == procedure_id], offices),
                backlog_of(w for w in waiting if w.office == code and w.procedure == procedure_id)))
        reports.append(OfficeReport(
            code, offices.name_of(code), figures_of(mine, offices), backlog_of(w for w in waiting if w.office == code),
            rows, periods_of(mine, offices, by, lambda r, h=hours: h.local_date(r.received_at))))
    reports.sort(key=_rank)
    return Report(since, until, by, scope, now or utcnow(), reports, figures_of(receipts, offices),
                  backlog_of(waiting),
                  periods_of(receipts, offices, by, lambda r: offices.hours_of(r.office).local_date(r.received_at)))


def figures_of(receipts: Iterable[Receipt], offices: Offices) -> Figures:
    counts: dict[str, int] = defaultdict(int)
    seconds = []
    for r in receipts:
        counts["received"] += 1
        if r.status == BatchStatus.DUPLICATE:
            counts["duplicates"] += 1
            continue
        if r.status == BatchStatus.DONE:
            counts["filed"] += 1
            counts["incomplete"] += bool(r.missing)
        elif r.status in (BatchStatus.FAILED, BatchStatus.DISMISSED):  # dismissed: failed, and given up on
            counts["failed"] += 1
        elif r.status in PENDING:
            counts["pending"] += 1
        if r.searchable_at is not None:
            seconds.append(max(0.0, (r.searchable_at - r.received_at).total_seconds()))
            deadline = offices.hours_of(r.office).same_day_deadline(r.received_at)
            counts["same_day"] += r.searchable_at <= deadline
    return Figures(**counts, searchable_seconds=tuple(sorted(seconds)))


def backlog_of(waiting: Iterable[Waiting]) -> Backlog:
    rows = list(waiting)
    oldest = min((w.oldest for w in rows if w.oldest), default=None)
    return Backlog(sum(w.documents for w in rows), sum(w.dossiers for w in rows), oldest)


def periods_of(receipts: list[Receipt], offices: Offices, by: Period, local_date) -> list[PeriodRow]:
    grouped: dict[dt.date, list[Receipt]] = defaultdict(list)
    for r in receipts:
        grouped[by.start(local_date(r))].append(r)
    return [PeriodRow(start, figures_of(rows, offices)) for start, rows in sorted(grouped.items())]


def percentile(values: tuple[float, ...], p: float) -> float | None:
    """The nearest-rank percentile of sorted `values` (the smallest value with p % of them at or below it)."""
    if not values:
        return None
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


def _rank(office: OfficeReport) -> tuple:
    """Best first: the highest same-day share, then the shortest 95th percentile, then the smallest backlog."""
    share, p95 = office.figures.same_day_share, office.figures.p95_seconds
    return (share is None, -(share or 0), p95 is None, p95 or 0, office.backlog.total, office.office)
