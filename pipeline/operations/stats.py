"""Figures for `dossier stats`: is the office keeping up, is anything stuck, and what fails?

Read-only, for one office (district) or the whole store. Queue depth per state, what is due now and what waits for a
retry, claims whose worker is gone, throughput (pages per minute over the
last hour, from the `done` events), failures grouped by reason code, and the
entries still waiting in the inbox (files that are never picked up show here;
empty folders, which the daemon leaves alone until files arrive, are counted apart).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.office.inbox import inbox_entries, is_empty_folder
from pipeline.store.repository import RECENT_WINDOW, THROUGHPUT_WINDOW, QueueFigures, Store


@dataclass(frozen=True)
class Stats(QueueFigures):
    inbox_waiting: int | None = None  # None: the inbox folder cannot be read
    inbox_empty_folders: int = 0  # left alone until files arrive: not waiting to be taken

    @property
    def pages_per_minute(self) -> float:
        return round(self.pages_last_hour / (THROUGHPUT_WINDOW.total_seconds() / 60), 2)

    @property
    def pages_per_minute_last_5_minutes(self) -> float:
        return round(self.pages_last_5_minutes / (RECENT_WINDOW.total_seconds() / 60), 2)

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["pages_per_minute"] = self.pages_per_minute
        data["pages_per_minute_last_5_minutes"] = self.pages_per_minute_last_5_minutes
        for key in ("next_retry_at", "oldest_due_at"):
            data[key] = data[key].isoformat(timespec="seconds") if data[key] else None
        return data


def collect(store: Store, *, district: str | None, inbox: Path, marker: str,
            now: dt.datetime | None = None, containers: Collection[str] = ()) -> Stats:
    """The figures of office `district`'s batches (None: every office, office by office too) and of `inbox`
    (`containers`: its procedures' folders)."""
    figures = store.queue_figures(district=district, now=now)
    waiting, empty = _inbox(inbox, marker, containers)
    return Stats(**{f.name: getattr(figures, f.name) for f in dataclasses.fields(figures)},
                 inbox_waiting=waiting, inbox_empty_folders=empty)


def _inbox(inbox: Path, marker: str, containers: Collection[str]) -> tuple[int | None, int]:
    """Entries waiting to be taken (`containers`: the procedures' folders, whose entries count), and
    empty folders (None, 0: the inbox cannot be read)."""
    try:
        entries = inbox_entries(inbox, marker=marker, containers=containers)
        empty = sum(is_empty_folder(entry, marker=marker) for entry in entries)
    except OSError:
        return None, 0
    return len(entries) - empty, empty
