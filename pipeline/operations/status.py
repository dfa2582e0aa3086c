"""What the office's daemon is doing now (`dossier status`), and batches an operator gives up on (`dismiss`).

Read from the store, where every daemon and worker process keeps a status row
(`worker_status`: its heartbeat, the batch and page it is on): the daemons of a
citywide PostgreSQL store run on other machines than the admin who asks, and a
file in one data folder would only tell about that machine. The data folder's
`watch.lock` adds what only this machine can know: whether a daemon holds it now,
even one that cannot reach the store.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.i18n import _
from pipeline.office.app import App
from pipeline.office.daemon import LOCK_NAME
from pipeline.operations.scope import require_in_scope
from pipeline.store.models import Batch, WorkerStatus, utcnow

# A process that has not written its heartbeat for this long is taken for dead (they write every 10 s;
# a page being read holds a worker's heartbeat back, never its daemon's).
STALE_AFTER = dt.timedelta(seconds=90)


@dataclass(frozen=True)
class LocalDaemon:
    """What this machine's data folder says: a daemon holds its lock, and what it wrote there."""

    running: bool
    pid: int | None = None
    since: dt.datetime | None = None
    version: str | None = None


@dataclass(frozen=True)
class Process:
    role: str  # daemon | worker
    owner: str  # host/pid
    office: str
    version: str
    started_at: dt.datetime
    seen_at: dt.datetime
    alive: bool  # its heartbeat is recent
    batch_id: int | None = None
    source: str | None = None
    stage: str | None = None
    page: int | None = None
    pages: int | None = None

    @classmethod
    def of(cls, row: WorkerStatus, now: dt.datetime) -> Process:
        return cls(row.role, row.owner, row.office, row.version, row.started_at, row.seen_at,
                   now - row.seen_at <= STALE_AFTER, row.batch_id, row.source, row.stage, row.page, row.pages)


@dataclass(frozen=True)
class Happening:
    """The last batch filed, or the last that failed."""

    batch_id: int
    source: str
    at: dt.datetime
    detail: str


@dataclass(frozen=True)
class Status:
    office: str | None
    local: LocalDaemon
    daemons: list[Process]
    workers: list[Process]
    queue_depth: int  # queued and due now
    waiting_retry: int
    processing: int
    last_filed: Happening | None
    last_failure: Happening | None
    at: dt.datetime = field(default_factory=utcnow)

    @property
    def running(self) -> bool:
        """A daemon of this office is alive: its lock is held here, or its heartbeat is recent."""
        return self.local.running or any(d.alive for d in self.daemons)

    def as_json(self) -> dict[str, Any]:
        def when(value: dt.datetime | None) -> str | None:
            return value.isoformat(timespec="seconds") if value else None

        def process(p: Process) -> dict[str, Any]:
            return {"role": p.role, "owner": p.owner, "office": p.office, "version": p.version,
                    "started_at": when(p.started_at), "seen_at": when(p.seen_at), "alive": p.alive,
                    "batch_id": p.batch_id, "source": p.source, "stage": p.stage, "page": p.page, "pages": p.pages}

        def happening(h: Happening | None) -> dict[str, Any] | None:
            return {"batch_id": h.batch_id, "source": h.source, "at": when(h.at), "detail": h.detail} if h else None

        return {
            "office": self.office, "at": when(self.at), "running": self.running,
            "local_daemon": {"running": self.local.running, "pid": self.local.pid, "since": when(self.local.since),
                             "version": self.local.version},
            "daemons": [process(d) for d in self.daemons], "workers": [process(w) for w in self.workers],
            "queue_depth": self.queue_depth, "waiting_retry": self.waiting_retry, "processing": self.processing,
            "last_filed": happening(self.last_filed), "last_failure": happening(self.last_failure),
        }


def collect(app: App, *, office: str | None) -> Status:
    """How the daemons of `office` (None: every office) stand now."""
    now = utcnow()
    processes = [Process.of(row, now) for row in app.store.processes(office=office)]
    figures = app.store.queue_figures(district=office, now=now)
    return Status(
        office=office, local=local_daemon(app.settings.data_dir),
        daemons=[p for p in processes if p.role == "daemon"], workers=[p for p in processes if p.role == "worker"],
        queue_depth=figures.due_now, waiting_retry=figures.waiting_retry,
        processing=figures.by_status.get("processing", 0),
        last_filed=_happening(app, "done", office), last_failure=_happening(app, "failed", office), at=now)


def daemon_running(app: App, *, office: str) -> bool:
    """Whether a daemon takes `office`'s queue now (`reprocess --queue` warns when none does)."""
    if local_daemon(app.settings.data_dir).running:
        return True
    now = utcnow()
    return any(row.role == "daemon" and now - row.seen_at <= STALE_AFTER for row in app.store.processes(office=office))


def local_daemon(data_dir: Path) -> LocalDaemon:
    """Whether a `dossier watch` holds this data folder's lock, and the pid, start and version it wrote."""
    path = data_dir / LOCK_NAME
    try:
        with path.open("r") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return _lock_record(handle.read(), running=True)
            except OSError:  # a filesystem without locks: the lock says nothing
                return LocalDaemon(False)
            fcntl.flock(handle, fcntl.LOCK_UN)
            return LocalDaemon(False)
    except OSError:  # no lock file: no daemon ever ran here
        return LocalDaemon(False)


def _lock_record(text: str, *, running: bool) -> LocalDaemon:
    """`pid 123`, `since 2026-12-04T05:00:00+00:00`, `version 0.1.0`: one per line, as the daemon writes them."""
    values = dict(line.strip().partition(" ")[::2] for line in text.splitlines() if line.strip())
    pid = values.get("pid", "")
    try:
        since = dt.datetime.fromisoformat(values["since"]) if "since" in values else None
    except ValueError:
        since = None
    return LocalDaemon(running, int(pid) if pid.isdigit() else None, since, values.get("version"))


def _happening(app: App, action: str, office: str | None) -> Happening | None:
    found = app.store.last_event(action, office=office)
    if found is None:
        return None
    event, source = found
    return Happening(event.batch_id, source, event.at, event.detail or "")


def dismiss(app: App, batch_id: int, *, reason: str, scope: str | None, by: str) -> Batch:
    """An operator gives up on a failed batch: it leaves `reprocess --failed`; its original stays archived."""
    if not reason.strip():
        raise UsageError(_("say why with --reason"), remedy=_('e.g. --reason "encrypted, citizen brings a copy"'))
    batch, _files = app.store.batch_files(batch_id)
    require_in_scope(batch.office, scope, what=_("batch {id}").format(id=batch_id), offices=app.offices)
    return app.store.dismiss_batch(batch_id, reason=f"{reason.strip()} (by {by})")
