"""The worker pool: processes that claim batches from the queue and process them.

One worker per CPU core by default, each a separate process with its own
database connection and its own OCR engine (Tesseract with one thread:
`OMP_THREAD_LIMIT=1`, set by the engine before Tesseract loads). Workers are started
with "spawn", not "fork": the daemon runs watchdog threads, and forking a
threaded process can leave locks held forever in the child.

The pool only supervises: a worker that dies is replaced and the batch it
held goes back to the queue (counted as an attempt); on shutdown workers
stop claiming, get `grace` seconds to finish, and the batches of those still
busy are put back in the queue for the next start.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from typing import Final

from pipeline import logs
from pipeline.config import Settings
from pipeline.errors import DossierError, StoreUnavailable
from pipeline.office.app import App
from pipeline.office.heartbeat import Heartbeat
from pipeline.office.outage import MAX_DELAY_SECONDS, Outage
from pipeline.office.pages import PageReaders, sigint_ignored
from pipeline.office.processing import process_batch
from pipeline.office.queue import JobQueue, owner_name
from pipeline.privacy import private_umask

log = logs.get_logger("worker")

IDLE_POLL_SECONDS: Final = 1.0  # how soon an idle worker sees a batch another daemon queued
RESTART_DELAY_MAX_SECONDS: Final = 60.0

_spawn = multiprocessing.get_context("spawn")


def worker_main(settings: Settings, stop, drain, parent_pid: int) -> None:
    """Body of one worker process: claim, process, repeat, until told to stop.

    `stop`: finish the batch in hand and exit. `drain`: exit once nothing is
    due (`dossier watch --once`). A worker whose daemon died (kill -9) exits
    after its batch rather than working unsupervised. While the store is away
    the worker waits for it with back-off (`Outage`); a batch it could not
    settle because the store or its disk failed is given back the moment the
    store answers again, not when its lease runs out.
    """
    private_umask()  # inherited from the daemon already; said again for a worker started any other way
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the daemon decides
    # SIGTERM sent to every process of the service: finish the batch in hand, then exit. (Only a
    # flag: setting `stop` from a signal handler could deadlock on its lock.)
    terminated: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _frame: terminated.append(signum))
    logs.configure(settings.logging.level, settings.logging.format)
    owner = owner_name()
    outage = Outage("claiming batches", log, {"owner": owner})

    def running() -> bool:
        return not stop.is_set() and not terminated and os.getppid() == parent_pid

    def patient(draining: bool) -> bool:
        """Still worth waiting for the store: `--once` gives up once the back-off is at its longest."""
        return running() and not (draining and outage.delay >= MAX_DELAY_SECONDS)

    app = _open_app(settings, outage, wait=stop.wait, keep_trying=lambda: patient(drain.is_set()))
    if app is None:
        return
    with app:
        queue = JobQueue(app.store, settings.queue)
        heartbeat = Heartbeat(app, role="worker")
        heartbeat.start()
        try:
            _work(app, queue, settings, owner, outage, heartbeat, running=running, patient=patient, stop=stop,
                  drain=drain)
        finally:
            heartbeat.stop()


def _work(app: App, queue: JobQueue, settings: Settings, owner: str, outage: Outage, heartbeat: Heartbeat, *,
          running, patient,
          stop, drain) -> None:
    """Claim and process batches until told to stop."""
    while running():
        heartbeat.beat()
        draining = drain.is_set()  # read before claiming: work queued before the drain is still done
        try:
            batch_id = queue.claim_next(owner, district=settings.office.district)
        except StoreUnavailable as error:
            stop.wait(outage.failed(error))
            if not patient(draining):
                break
            continue
        outage.recovered()
        if batch_id is None:
            if draining:
                break
            stop.wait(IDLE_POLL_SECONDS)
            continue
        logs.log_event(log, "claimed", batch=batch_id, stage="queue", owner=owner)
        try:
            process_batch(app, batch_id, owner=owner, report_progress=True)
        except DossierError as error:  # the store (or its disk) failed while the batch was being settled
            _give_back(queue, batch_id, owner, error, outage, wait=stop.wait, keep_trying=running)


def _open_app(settings: Settings, outage: Outage, *, wait, keep_trying) -> App | None:
    """The worker's App, once the store answers (None: told to stop before it did)."""
    while True:
        try:
            app = App.open(settings)
        except StoreUnavailable as error:
            wait(outage.failed(error))
            if not keep_trying():
                return None
            continue
        outage.recovered()
        return app


def _give_back(queue: JobQueue, batch_id: int, owner: str, error: DossierError, outage: Outage, *,
               wait, keep_trying) -> None:
    """Put the batch back in the queue as soon as the store answers again; the attempt does not count
    (the store failed, not the batch). If this worker is stopped first, the daemon or the next start
    releases the claim (its process is gone)."""
    logs.log_event(log, "batch held until the store answers", level=30, batch=batch_id, reason=error.one_line())
    while True:
        wait(outage.failed(error))
        try:
            queue.release(owner, reason=f"given back after the store failed: {error.one_line()}")
        except StoreUnavailable as again:
            error = again
            if keep_trying():
                continue
            return
        outage.recovered()
        return


@dataclass
class _Slot:
    process: SpawnProcess | None = None
    restarts: int = 0
    not_before: float = 0.0  # a worker that keeps dying is restarted more and more slowly


@dataclass
class WorkerPool:
    settings: Settings
    size: int
    _stop: object = field(default_factory=_spawn.Event)
    _drain: object = field(default_factory=_spawn.Event)
    _slots: list[_Slot] = field(default_factory=list)

    @classmethod
    def for_settings(cls, settings: Settings) -> WorkerPool:
        return cls(settings, settings.queue.workers or os.cpu_count() or 1)

    def start(self) -> None:
        self._slots = [_Slot() for _ in range(self.size)]
        for slot in self._slots:
            self._spawn(slot)

    def _spawn(self, slot: _Slot) -> None:
        slot.process = _spawn.Process(target=worker_main, name="dossier-worker", daemon=False,
                                      args=(self.settings, self._stop, self._drain, os.getpid()))
        slot.process.start()
        logs.log_event(log, "worker started", pid=slot.process.pid)

    def drain(self) -> None:
        """Workers exit once no batch is due."""
        self._drain.set()

    @property
    def running(self) -> bool:
        return any(slot.process is not None and slot.process.is_alive() for slot in self._slots)

    def supervise(self, queue: JobQueue) -> None:
        """Replace workers that died, and put what they held back in the queue."""
        now = time.monotonic()
        died = False
        for slot in self._slots:
            process = slot.process
            if process is None or process.is_alive():
                if process is None and now >= slot.not_before and not self._drain.is_set():
                    self._spawn(slot)
                continue
            process.join()
            slot.process = None
            if process.exitcode == 0 and (self._drain.is_set() or self._stop.is_set()):
                continue  # finished as asked
            died = True
            slot.restarts += 1
            slot.not_before = now + min(2.0 ** slot.restarts, RESTART_DELAY_MAX_SECONDS)
            logs.log_event(log, "worker died", level=40, pid=process.pid, exitcode=process.exitcode,
                           restart_in_s=round(slot.not_before - now, 1))
        if died:
            queue.release_dead_owners()

    def stop(self, queue: JobQueue, *, grace: float, hurry: Callable[[], bool] = lambda: False) -> list[int]:
        """Stop claiming; wait up to `grace` seconds (or until `hurry()`) for batches in hand,
        then stop the workers still busy and put their batches back in the queue."""
        self._stop.set()
        deadline = time.monotonic() + grace
        while self.running and time.monotonic() < deadline and not hurry():
            time.sleep(0.1)
        released = []
        for slot in self._slots:
            process = slot.process
            if process is None:
                continue
            if process.is_alive():
                process.kill()
                logs.log_event(log, "worker stopped before its batch was done", level=30, pid=process.pid)
            process.join()
            slot.process = None
            try:
                released += queue.release(owner_name(process.pid), reason="the daemon stopped")
            except StoreUnavailable as error:  # released at the next start instead (its process is gone)
                logs.log_event(log, "claims not released", level=30, pid=process.pid, reason=error.one_line())
        return released


# --- `dossier ingest`: workers fed by the command ---------------------------------


def ingest_worker_main(settings: Settings, owner: str, tasks, events, parent_pid: int, page_readers: int,
                       log_level: str) -> None:
    """Body of one `dossier ingest` worker: process the batches the command hands it, until told there are none.

    The batches stay claimed by the command (`owner`): if it is interrupted it gives
    them back itself, and a daemon sees them as held by a living process meanwhile.
    Events go back to the command: ("page", page number, file name, pid) for each page
    read, ("outcome", outcome) for each batch, ("raised", batch id, error) when the
    store failed while a batch was settled.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the command decides
    signal.signal(signal.SIGTERM, _exit_now)
    logs.configure(log_level, settings.logging.format, tracebacks=False)  # as the command logs
    _exit_when_orphaned(parent_pid)
    with App.open(settings) as app, PageReaders(settings, page_readers) as readers:
        while (batch_id := tasks.get()) is not None:
            def heard(page, name: str) -> None:
                events.put(("page", page.file_page, name, os.getpid()))

            try:
                outcome = process_batch(app, batch_id, owner=owner, readers=readers, on_page=heard)
            except DossierError as error:
                events.put(("raised", batch_id, error))
                continue
            events.put(("outcome", outcome))


def _exit_now(signum: int, _frame) -> None:
    raise SystemExit(128 + signum)  # unwinds: open transactions roll back, page readers are stopped


def _exit_when_orphaned(parent_pid: int) -> None:
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(IDLE_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="orphan-check", daemon=True).start()


@dataclass
class IngestWorkers:
    """Worker processes for `dossier ingest`, fed batch ids by the command that claimed them."""

    settings: Settings
    size: int
    owner: str
    page_readers: int = 1
    _tasks: object = field(default_factory=_spawn.Queue)
    events: object = field(default_factory=_spawn.Queue)
    _processes: list[SpawnProcess] = field(default_factory=list)

    def start(self) -> None:
        with sigint_ignored():  # inherited through exec: a Ctrl-C while they start is the command's alone
            for _ in range(self.size):
                process = _spawn.Process(target=ingest_worker_main, name="dossier-ingest-worker", daemon=False,
                                         args=(self.settings, self.owner, self._tasks, self.events, os.getpid(),
                                               self.page_readers, logs.current_level()))
                process.start()
                self._processes.append(process)

    def give(self, batch_id: int) -> None:
        self._tasks.put(batch_id)

    def no_more(self) -> None:
        for _ in self._processes:
            self._tasks.put(None)

    @property
    def running(self) -> int:
        return sum(process.is_alive() for process in self._processes)

    def died(self) -> list[tuple[int, int]]:
        """(pid, exit code) of the workers that ended other than when told there was nothing left."""
        return [(p.pid, p.exitcode) for p in self._processes if not p.is_alive() and p.exitcode not in (0, None)]

    def stop(self, grace: float) -> None:
        """Stop now: SIGTERM (a worker ends between two Python steps), then SIGKILL after `grace` seconds."""
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + grace
        for process in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        self._abandon_channels()

    def join(self) -> None:
        for process in self._processes:
            process.join()
        self._abandon_channels()

    def _abandon_channels(self) -> None:
        # Every worker is gone: at exit, do not wait for a feeder thread to hand what is left
        # in a queue to a reader that will never read it.
        for channel in (self._tasks, self.events):
            channel.cancel_join_thread()

