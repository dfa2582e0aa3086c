"""The district-office daemon (`dossier watch`): inbox → intake → queue → worker pool.

The main process watches the inbox and takes each complete entry (archive,
record, remove: `pipeline.office.inbox`); worker processes claim the recorded
batches from the queue in the database and process them (`pipeline.office.worker`).
On start it first cleans up after a crash: claims of dead workers go back to
the queue. SIGTERM or SIGINT stops it within `queue.shutdown_seconds` plus
the time to finish the entry being archived; a second signal stops at once.
`once=True` takes what is in the inbox, processes the queue until nothing is
due, and exits.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pipeline import __version__, logs
from pipeline.config import Settings
from pipeline.domain import BatchStatus
from pipeline.errors import (ConfigError, ExitCode, IncompleteFile, Stage, TransientError, as_dossier_error,
                             from_os_error)
from pipeline.office.app import App
from pipeline.office.inbox import take
from pipeline.office.intake import shown_name
from pipeline.office.outage import Outage
from pipeline.office.heartbeat import Heartbeat
from pipeline.office.queue import JobQueue
from pipeline.office.watcher import InboxWatcher
from pipeline.office.worker import WorkerPool
from pipeline.privacy import make_private_dir

log = logs.get_logger("daemon")

# Copies left in the archive's temporary folder by a crash in the middle of archiving.
STALE_ARCHIVE_TMP_SECONDS: Final = 24 * 3600
LOCK_NAME: Final = "watch.lock"  # in the data folder


@dataclass
class DaemonReport:
    """What one run took from the inbox and how those batches stand when it stops."""

    taken: list[int] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)
    not_taken: list[str] = field(default_factory=list)  # unreadable, or the store or disk away (`--once` gives up)
    left_alone: list[str] = field(default_factory=list)  # empty folders: not dossiers (yet), not failures

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses.values() if s == status)

    @property
    def any_failed(self) -> bool:
        return self.count(BatchStatus.FAILED) > 0 or bool(self.not_taken)


# Upkeep that may take long (re-hashing the archive: `pipeline.operations.verify`), given by the command that
# starts the daemon. Called again and again beside the inbox; it decides itself whether it is due, and
# returns soon once the callable it is given says the daemon is stopping.
Chore = Callable[[App, Callable[[], bool]], None]


class Daemon:
    def __init__(self, settings: Settings, *, once: bool = False, chores: Sequence[Chore] = ()) -> None:
        self.settings = settings
        self.once = once
        self.chores = chores
        self.inbox = settings.inbox_dir
        self.tick = max(0.1, min(0.5, settings.inbox.quiet_seconds / 4))
        # Only counted in the signal handler: taking a lock there could deadlock the loop.
        self._signals = 0
        # Taking entries pauses, all of them at once, while the store or the archive's disk is away.
        self.intake = Outage("inbox intake", log)

    def run(self) -> DaemonReport:
        if not self.inbox.is_dir():
            raise ConfigError(f"the inbox folder {self.inbox} does not exist",
                              remedy="run `dossier init`, or mount the share named by inbox.path")
        with _single_daemon(self.settings.data_dir), App.open(self.settings) as app:
            return self._run(app)

    def _run(self, app: App) -> DaemonReport:
        queue = JobQueue(app.store, self.settings.queue)
        pool = WorkerPool.for_settings(self.settings)
        # --once takes what is in the inbox when it starts: one scan, no events.
        watcher = InboxWatcher(self.inbox, self.settings.inbox, rescan_seconds=math.inf if self.once else None,
                               containers=app.procedures.folders)
        report = DaemonReport()
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        released: list[int] = []
        chores = _Chores(app, self.chores, every=self.settings.inbox.rescan_seconds)
        heartbeat = Heartbeat(app, role="daemon")
        try:
            self._recover(app, queue)
            heartbeat.start()
            logs.log_event(log, "started", inbox=self.inbox, workers=pool.size, once=self.once or None,
                           store=app.store.engine.url.render_as_string(hide_password=True), pid=os.getpid())
            pool.start()
            if not self.once:
                watcher.start()
                chores.start()
            self._loop(app, queue, pool, watcher, report, heartbeat)
        finally:
            if self._signals:
                logs.log_event(log, "stopping", grace_s=self.settings.queue.shutdown_seconds)
            watcher.stop()
            chores.stop()
            released = pool.stop(queue, grace=self.settings.queue.shutdown_seconds,
                                 hurry=lambda: self._signals > 1)
            report.statuses = _statuses(app, report.taken)
            heartbeat.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            logs.log_event(log, "stopped", taken=len(report.taken), requeued=len(released) or None)
        return report

    def _on_signal(self, signum: int, _frame) -> None:
        self._signals += 1

    def _recover(self, app: App, queue: JobQueue) -> None:
        """After a crash: claims of processes that are gone go back to the queue; half-copied files go."""
        queue.release_dead_owners()
        queue.release_expired()
        tmp = app.archive.root / "tmp"
        cutoff = time.time() - STALE_ARCHIVE_TMP_SECONDS
        for leftover in tmp.glob("incoming-*") if tmp.is_dir() else ():
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)

    def _loop(self, app: App, queue: JobQueue, pool: WorkerPool, watcher: InboxWatcher,
              report: DaemonReport, heartbeat: Heartbeat | None = None) -> None:
        maintenance_seconds = self.settings.inbox.rescan_seconds
        next_maintenance = time.monotonic() + maintenance_seconds
        upkeep = Outage("queue upkeep", log)
        while not self._signals:
            now = time.monotonic()
            for path in watcher.poll(now):
                if self._signals or not self.intake.due():  # the store or disk is away: the entries wait
                    break
                self._take(app, path, watcher, report)
            try:
                pool.supervise(queue)  # the store is asked only when a worker died
                if now >= next_maintenance and upkeep.due(now):
                    queue.release_dead_owners()  # an operator's ingest or reprocess that was killed
                    queue.release_expired()
                    next_maintenance = now + maintenance_seconds
                    upkeep.recovered()
            except TransientError as error:  # the store is away: the workers wait for it too
                upkeep.failed(error)
            if heartbeat:
                heartbeat.beat(now)
            if self.once and not watcher.tracker.settling():
                report.left_alone = [f"{shown_name(p.name)}: an empty folder" for p in watcher.tracker.empty_folders()]
                pool.drain()
                if not pool.running:
                    return
            time.sleep(self.tick)

    def _take(self, app: App, path: Path, watcher: InboxWatcher, report: DaemonReport) -> None:
        tracker = watcher.tracker
        later = time.monotonic() + self.settings.inbox.rescan_seconds
        name = shown_name(path.name)
        try:
            result = take(app, path, inbox=self.inbox)
        except IncompleteFile:
            tracker.defer(path, time.monotonic())  # still being copied: a full quiet period again
            return
        except TransientError as error:  # store, archive or disk unavailable: nothing recorded, try again later
            self.intake.failed(error.with_context(path=name))
            if self.once:  # the entry stays in the inbox for the next run: nothing is lost
                tracker.forget(path)
                report.not_taken.append(error.one_line())
            return
        except FileNotFoundError:
            tracker.forget(path)  # taken back by whoever dropped it
            return
        except OSError as exc:  # unreadable (permissions): it stays in the inbox and in the log
            error = from_os_error(exc, stage=Stage.INTAKE, path=name)
            logs.log_event(log, "cannot read", level=40, source=name, code=error.code, reason=error.one_line())
            if self.once:
                tracker.forget(path)
                report.not_taken.append(error.one_line())
            else:
                tracker.hold(path, later)
            return
        except Exception:  # a bug must not stop the office: the entry stays, the log says why
            log.exception("cannot take %s", name)
            tracker.hold(path, later)
            return
        self.intake.recovered()
        tracker.forget(path)
        if not result.already_recorded:
            report.taken.append(result.batch_id)


class _Chores(threading.Thread):
    """The chores, one after the other, every `every` seconds, in a thread: the inbox is never kept waiting."""

    def __init__(self, app: App, chores: Sequence[Chore], *, every: float) -> None:
        super().__init__(name="dossier-chores", daemon=True)
        self.app, self.chores, self.every = app, chores, every
        self._stopping = threading.Event()
        self.outage = Outage("scheduled checks", log)

    def run(self) -> None:
        while not self._stopping.is_set():
            for chore in self.chores if self.outage.due() else ():
                try:
                    chore(self.app, self._stopping.is_set)
                    self.outage.recovered()
                except Exception as exc:  # noqa: BLE001 - the store away, a full disk, a bug: never the office's end
                    error = as_dossier_error(exc)
                    if error.exit_code == ExitCode.INTERNAL and not self.outage.down:
                        log.exception("a scheduled check failed")  # a bug: its traceback, once
                    self.outage.failed(error)  # said once, tried again with back-off
            self._stopping.wait(self.every)

    def stop(self) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join()


@contextmanager
def _single_daemon(data_dir: Path) -> Iterator[None]:
    """One daemon per data folder: a second one would race the first for the same inbox entries."""
    make_private_dir(data_dir)
    with (data_dir / LOCK_NAME).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ConfigError(f"another `dossier watch` ({holder}) is already running on {data_dir}",
                              remedy="stop it first (systemctl stop dossier)") from None
        except OSError as exc:  # a data folder on a filesystem without locks: go on without
            logs.log_event(log, "inbox lock unavailable", level=30, reason=str(exc))
        handle.seek(0)
        handle.truncate()
        # Read by `dossier status` on this machine (one "key value" a line).
        handle.write(f"pid {os.getpid()}\nsince {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n"
                     f"version {__version__}\n")
        handle.flush()
        yield


def _statuses(app: App, batch_ids: list[int]) -> dict[int, str]:
    try:
        return app.store.batch_statuses(batch_ids)
    except TransientError:  # the store went away: the report says nothing rather than something wrong
        return {}
