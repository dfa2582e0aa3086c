"""Ingest: paths given on the command line → batches processed to the end, on every core.

The same intake and processing the daemon uses, run in the foreground. Each batch
is claimed for this command as it is recorded, so a daemon sharing the store never
takes it; worker processes (one per core, `queue.workers`) process them, and the
pages of a batch with several are read by page-reader processes in parallel. A
lone dossier is processed in this process, its pages still read on every core.

Interrupted (Ctrl-C), the command stops its workers and gives its claims back:
every batch it did not finish is queued again, nothing stays `processing`, and a
second run (or the daemon) takes them.
"""

from __future__ import annotations

import os
import queue as stdlib_queue
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.errors import DossierError, InternalError, StoreUnavailable, TransientError
from pipeline.office.app import App
from pipeline.office.intake import IntakeResult, intake
from pipeline.office.pages import PageReaders, page_count
from pipeline.office.processing import BatchOutcome, process_batch
from pipeline.office.queue import JobQueue, owner_name
from pipeline.office.worker import IngestWorkers
from pipeline.procedures import FROM_OPERATOR

STOP_GRACE_SECONDS: Final = 3.0  # an interrupted worker's time to stop before it is killed
EVENT_POLL_SECONDS: Final = 0.5


@dataclass(frozen=True)
class PageProgress:
    """Where an ingest stands, for a progress bar: pages read of the pages known so far."""

    done: int
    total: int
    name: str  # the file whose page was read last


ProgressHeard = Callable[[PageProgress], None]


@dataclass(frozen=True)
class IngestReport:
    intakes: list[IntakeResult]
    outcomes: list[BatchOutcome]
    not_taken: list[DossierError]  # could not even be archived (vanished, unreadable, changing)
    readers: frozenset[int] = frozenset()  # the processes that read pages (pids)

    @property
    def failed(self) -> list[tuple[str, DossierError]]:
        rows = [(i.source, i.error) for i in self.intakes if i.status == "failed" and i.error]
        rows += [(o.source, o.error) for o in self.outcomes if o.status != "done" and o.error]
        rows += [(e.path or "?", e) for e in self.not_taken]
        return rows


class _Tally:
    """Pages known and read, told to the progress bar."""

    def __init__(self, heard: ProgressHeard | None) -> None:
        self.heard = heard
        self.total = self.done = 0
        self.readers: set[int] = set()

    def expect(self, pages: int) -> None:
        self.total += pages
        self._tell("")

    def read(self, name: str, pid: int) -> None:
        self.done += 1
        self.total = max(self.total, self.done)  # a file counted short (unreadable count) never shows > 100 %
        self.readers.add(pid)
        self._tell(name)

    def _tell(self, name: str) -> None:
        if self.heard:
            self.heard(PageProgress(self.done, self.total, name))


def ingest_paths(app: App, paths: list[Path], *, on_progress: ProgressHeard | None = None,
                 procedure: str | None = None, workers: int | None = None) -> IngestReport:
    """`procedure`: what every one of these dossiers is for, as the operator said (configs/procedures.toml).
    `workers`: processes to use (default `queue.workers`, 0 there meaning one per core)."""
    size = max(1, workers or app.settings.queue.workers or os.cpu_count() or 1)
    owner = owner_name()
    tally = _Tally(on_progress)
    intakes: list[IntakeResult] = []
    not_taken: list[DossierError] = []
    outcomes: list[BatchOutcome] = []

    def take(path: Path) -> int | None:
        """Archive and record one path; the id of the batch to process now, if any."""
        try:
            item = intake(app, path, source=str(path), claim_owner=owner, procedure=procedure,
                          procedure_source=FROM_OPERATOR)
        except TransientError as error:
            not_taken.append(error.with_context(path=str(path)))
            return None
        intakes.append(item)
        batch_id = item.batch_id if item.status == "queued" else _interrupted_original(app, item, owner)
        if batch_id is not None:
            tally.expect(_pages_of(app, batch_id))
        return batch_id

    try:
        if size == 1 or len(paths) == 1:
            with PageReaders(app.settings, size) as readers:
                for path in paths:
                    batch_id = take(path)
                    if batch_id is not None:
                        outcomes.append(process_batch(app, batch_id, owner=owner, readers=readers,
                                                      on_page=lambda page, name: tally.read(name, os.getpid())))
        else:
            _with_workers(app, paths, take, min(size, len(paths)), size, owner, tally, outcomes)
    finally:
        _give_back(app, owner)  # interrupted, or a worker died: what was not finished is queued again
    return IngestReport(intakes, outcomes, not_taken, frozenset(tally.readers))


def _with_workers(app: App, paths: list[Path], take: Callable[[Path], int | None], size: int, page_readers: int,
                  owner: str, tally: _Tally, outcomes: list[BatchOutcome]) -> None:
    pool = IngestWorkers(app.settings, size, owner, page_readers=page_readers)
    pool.start()  # they start (imports, store, engine) while the paths are archived
    finished = False
    try:
        given: dict[int, str] = {}
        for path in paths:
            batch_id = take(path)
            if batch_id is not None:
                given[batch_id] = str(path)
                pool.give(batch_id)
        pool.no_more()
        raised: DossierError | None = None
        while given:
            try:
                event = pool.events.get(timeout=EVENT_POLL_SECONDS)
            except stdlib_queue.Empty:
                if pool.running == 0:  # every worker died: what they held is given back
                    for batch_id, source in given.items():
                        outcomes.append(BatchOutcome(batch_id, source, "retry", error=_worker_lost(pool)))
                    break
                continue
            if event[0] == "page":
                _kind, _number, name, pid = event
                tally.read(name, pid)
            elif event[0] == "outcome":
                outcome: BatchOutcome = event[1]
                given.pop(outcome.batch_id, None)
                outcomes.append(outcome)
            elif event[0] == "raised":
                given.pop(event[1], None)
                raised = raised or event[2]
        pool.join()
        finished = True
        if raised is not None:  # the store failed while settling a batch: the command fails as before
            raise raised
    finally:
        if not finished:
            pool.stop(STOP_GRACE_SECONDS)


def _worker_lost(pool: IngestWorkers) -> DossierError:
    codes = ", ".join(str(code) for _pid, code in pool.died()) or "?"
    return InternalError(f"the ingest workers stopped (exit code {codes}) before processing it",
                         remedy="it is queued again: run the ingest again or let the daemon take it; "
                                "check the log and the memory of the machine")


def _interrupted_original(app: App, item: IntakeResult, owner: str) -> int | None:
    """A duplicate of a batch still queued (an ingest interrupted before it was processed): that batch
    is claimed and processed now, so running the command again finishes what the first run began."""
    if item.status != "duplicate" or item.duplicate_of is None:
        return None
    queue = JobQueue(app.store, app.settings.queue)
    if queue.claim(item.duplicate_of, owner):
        return item.duplicate_of
    return None


def _pages_of(app: App, batch_id: int) -> int:
    _batch, files = app.store.batch_files(batch_id)
    return sum(page_count(app.archive.path_for(f.sha256), f.media_type, app.settings.limits) for f in files) or 1


def _give_back(app: App, owner: str) -> None:
    try:
        JobQueue(app.store, app.settings.queue).release(owner, reason="the ingest command stopped")
    except StoreUnavailable:  # released by the daemon or the next start instead (this process is gone by then)
        pass

