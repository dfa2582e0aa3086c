"""Fixity (`dossier verify`, and the daemon on a schedule): every archived original is still what was archived.

The archived originals are the canonical record, often the only scan of a
certificate; a disk that rots a byte or a hand that deletes a file must be
noticed before someone exports or reprocesses that dossier. Every original the
store records (batch_file.sha256 → archive/aa/bb/<sha256>) is read again and
hashed, a chunk at a time:

- damaged: it no longer hashes to its name (or is a link, or cannot be read);
- missing: the store records it, the archive has no such file;
- orphan: a file in the archive that no batch records (or one out of place).
  An original archived in the last hour may be an intake still recording its
  batch: it is counted apart (`in_flight`), not as an orphan.

The last run is remembered in `<data-dir>/verify.json`, so that the daemon runs
it every `verify.every_days` across restarts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pipeline import logs
from pipeline.archive.originals import Archive
from pipeline.errors import from_os_error, printable
from pipeline.i18n import _
from pipeline.office.app import App
from pipeline.privacy import FILE_MODE
from pipeline.store.models import utcnow
from pipeline.store.repository import Store

log = logs.get_logger("verify")

STATE_FILE: Final = "verify.json"  # in the data folder: when the archive was last verified, and the verdict
ORPHAN_GRACE_SECONDS: Final = 3600.0  # an original this recent may belong to an intake not yet committed
_LOGGED_PROBLEMS: Final = 50  # the daemon logs this many problems one by one, then counts the rest


@dataclass(frozen=True)
class Problem:
    kind: str  # damaged | missing | orphan
    path: Path
    sha256: str | None = None
    batch_id: int | None = None  # the first batch that records it
    name: str | None = None  # its name in that dossier
    reason: str = ""

    def describe(self) -> str:
        recorded = (_(" (batch {batch}: {name})").format(batch=self.batch_id, name=printable(self.name or ""))
                    if self.batch_id is not None else "")
        return f"{self.kind:<8} {printable(str(self.path))}{recorded}" + (f": {self.reason}" if self.reason else "")

    def as_json(self) -> dict:
        return {"kind": self.kind, "path": printable(str(self.path)), "sha256": self.sha256,
                "batch_id": self.batch_id, "name": printable(self.name) if self.name else None,
                "reason": self.reason or None}


@dataclass
class FixityReport:
    office: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    checked: int = 0  # recorded originals re-hashed
    bytes_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    in_flight: int = 0
    interrupted: bool = False

    def of_kind(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.interrupted

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of_kind(kind)) for kind in ("damaged", "missing", "orphan")}

    def as_json(self) -> dict:
        return {"ok": self.ok, "office": self.office, "started_at": _iso(self.started_at),
                "finished_at": _iso(self.finished_at), "checked": self.checked, "bytes": self.bytes_read,
                **self.counts(), "in_flight": self.in_flight, "interrupted": self.interrupted,
                "problems": [p.as_json() for p in self.problems]}


def verify_archive(store: Store, archive: Archive, *, office: str | None, now: float | None = None,
                   stopping: Callable[[], bool] = lambda: False) -> FixityReport:
    """Re-hash every original recorded for `office` (None: every office), then look for orphans."""
    report = FixityReport(office=office, started_at=utcnow())
    recorded = store.recorded_originals(office=office)
    for sha256, (batch_id, name) in sorted(recorded.items()):
        if stopping():
            report.interrupted = True
            break
        fixity = archive.check(sha256)
        report.bytes_read += fixity.size
        if fixity.state == "ok":
            report.checked += 1
        else:
            report.checked += fixity.state == "damaged"
            report.problems.append(Problem(fixity.state, fixity.path, sha256, batch_id, name, fixity.reason))
    if not report.interrupted:
        _find_orphans(store, archive, recorded, report, now=time.time() if now is None else now)
    report.finished_at = utcnow()
    return report


def _find_orphans(store: Store, archive: Archive, recorded: dict, report: FixityReport, *, now: float) -> None:
    unrecorded = [(sha256, path) for sha256, path in archive.stored() if sha256 is None or sha256 not in recorded]
    # Another office's batch (an `ingest --office` into this folder) records it: not an orphan here.
    elsewhere = store.recorded_anywhere([sha for sha, _ in unrecorded if sha is not None]) if report.office else set()
    for sha256, path in unrecorded:
        if sha256 is not None and sha256 in elsewhere:
            continue
        if sha256 is not None and os.lstat(path).st_mtime > now - ORPHAN_GRACE_SECONDS:
            report.in_flight += 1
            continue
        reason = _("no batch records it") if sha256 is not None else _("not an original's place in the archive")
        report.problems.append(Problem("orphan", path, sha256, reason=reason))


def run_verify(app: App, *, office: str | None) -> FixityReport:
    """`dossier verify`: check now, remember the run (the daemon's schedule counts from it)."""
    report = verify_archive(app.store, app.archive, office=office)
    remember(app.settings.data_dir, report)
    return report


# --- the schedule -----------------------------------------------------------------


def last_run(data_dir: Path) -> dt.datetime | None:
    try:
        state = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
        return dt.datetime.fromisoformat(state["finished_at"])
    except (OSError, ValueError, KeyError, TypeError):  # never run, or a state file damaged: run again
        return None


def remember(data_dir: Path, report: FixityReport) -> None:
    """Write the verdict to `<data-dir>/verify.json` (replaced whole: never half written)."""
    summary = {k: v for k, v in report.as_json().items() if k != "problems"}
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".verify-", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(summary, out, indent=2)
        os.replace(tmp, data_dir / STATE_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def due(data_dir: Path, every_days: float, now: dt.datetime | None = None,
        last_here: dt.datetime | None = None) -> bool:
    """Whether `every_days` have passed since the last run (the state file's, or `last_here`, the later)."""
    if every_days <= 0:
        return False
    last = max((t for t in (last_run(data_dir), last_here) if t is not None), default=None)
    return last is None or (now or utcnow()) - last >= dt.timedelta(days=every_days)


class ScheduledVerify:
    """The daemon's chore: verify when `verify.every_days` have passed since the last run, and log the result.

    The run is remembered in the state file and in memory too: a data folder whose disk is full (the state
    file cannot be written) is not re-hashed again and again.
    """

    def __init__(self) -> None:
        self.last_here: dt.datetime | None = None

    def __call__(self, app: App, stopping: Callable[[], bool]) -> None:
        settings = app.settings
        if not due(settings.data_dir, settings.verify.every_days, last_here=self.last_here):
            return
        started = time.monotonic()
        logs.log_event(log, "fixity check started", archive=settings.archive_dir)
        report = verify_archive(app.store, app.archive, office=settings.office.code, stopping=stopping)
        if report.interrupted:  # stopped with the daemon: the next start runs it again
            logs.log_event(log, "fixity check interrupted", checked=report.checked)
            return
        self.last_here = report.finished_at
        level = logging.INFO if report.ok else logging.ERROR
        for problem in report.problems[:_LOGGED_PROBLEMS]:
            logs.log_event(log, f"archive {problem.kind}", level=level, path=printable(str(problem.path)),
                           batch=problem.batch_id, name=problem.name, reason=problem.reason or None)
        logs.log_event(log, "fixity checked", level=level, ok=report.ok, checked=report.checked,
                       **report.counts(), in_flight=report.in_flight or None,
                       ms=int((time.monotonic() - started) * 1000), next_in_days=settings.verify.every_days)
        try:
            remember(settings.data_dir, report)
        except OSError as exc:  # a full disk: the result is in the log; the next run is counted from memory
            logs.log_event(log, "fixity check not remembered", level=logging.WARNING,
                           reason=from_os_error(exc, path=str(settings.data_dir / STATE_FILE)).one_line())


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None
