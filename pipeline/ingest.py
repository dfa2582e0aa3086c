"""Ingest: paths given on the command line → batches processed to the end.

The same intake and processing the daemon uses, run in the foreground.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.app import App
from pipeline.errors import DossierError, TransientError
from pipeline.intake import IntakeResult, intake
from pipeline.processing import BatchOutcome, process_batch


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


def ingest_paths(app: App, paths: list[Path], *,
                 on_progress: Callable[[str, int, int], None] | None = None) -> IngestReport:
    intakes: list[IntakeResult] = []
    not_taken: list[DossierError] = []
    for path in paths:
        try:
            intakes.append(intake(app, path, source=str(path)))
        except TransientError as error:
            not_taken.append(error.with_context(path=str(path)))
    queued = [i for i in intakes if i.status == "queued"]
    outcomes = []
    for n, item in enumerate(queued, start=1):
        if on_progress:
            on_progress(item.source, n - 1, len(queued))
        outcomes.append(process_batch(app, item.batch_id))
    if on_progress and queued:
        on_progress("", len(queued), len(queued))
    return IngestReport(intakes, outcomes, not_taken)
