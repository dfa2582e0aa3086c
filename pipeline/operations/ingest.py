"""Ingest: paths given on the command line → batches processed to the end.

The same intake and processing the daemon uses, run in the foreground.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import DossierError, TransientError
from pipeline.office.app import App
from pipeline.office.intake import IntakeResult, intake
from pipeline.office.processing import BatchOutcome, process_batch
from pipeline.office.queue import owner_name
from pipeline.procedures import FROM_OPERATOR


@dataclass(frozen=True)
class IngestReport:
    intakes: list[IntakeResult]
    outcomes: list[BatchOutcome]
    not_taken: list[DossierError]  # could not even be archived (vanished, unreadable, changing)

    @property
    def failed(self) -> list[tuple[str, DossierError]]:
        rows = [(i.source, i.error) for i in self.intakes if i.status == "failed" and i.error]
        rows += [(o.source, o.error) for o in self.outcomes if o.status != "done" and o.error]
        rows += [(e.path or "?", e) for e in self.not_taken]
        return rows


def ingest_paths(app: App, paths: list[Path], *, on_progress: Callable[[str, int, int], None] | None = None,
                 procedure: str | None = None) -> IngestReport:
    """`procedure`: what every one of these dossiers is for, as the operator said (configs/procedures.toml)."""
    # Each batch is claimed for this process as it is recorded, and processed
    # before the next path is taken: a daemon sharing the store never takes
    # them, and no claim waits long enough for its lease to run out.
    owner = owner_name()
    intakes: list[IntakeResult] = []
    not_taken: list[DossierError] = []
    outcomes = []
    for n, path in enumerate(paths):
        if on_progress:
            on_progress(str(path), n, len(paths))
        try:
            item = intake(app, path, source=str(path), claim_owner=owner, procedure=procedure,
                          procedure_source=FROM_OPERATOR)
        except TransientError as error:
            not_taken.append(error.with_context(path=str(path)))
            continue
        intakes.append(item)
        if item.status == "queued":
            outcomes.append(process_batch(app, item.batch_id, owner=owner))
    if on_progress and paths:
        on_progress("", len(paths), len(paths))
    return IngestReport(intakes, outcomes, not_taken)
