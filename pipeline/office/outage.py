"""Waiting out an outage (the store unreachable, a disk full): exponential back-off, and two log lines.

A daemon that cannot reach its store, or whose disk is full, tries again
after 1 s, 2 s, 4 s ... up to `MAX_DELAY_SECONDS`, so that it notices the
recovery within that bound and does not hammer a server that is coming back.
It says so once when the trouble starts (and again only if the reason
changes), and once when it is over, with how long it lasted: not a warning
per attempt and per file.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Final

from pipeline import logs
from pipeline.errors import DossierError

FIRST_DELAY_SECONDS: Final = 1.0
# Recovery is noticed within this: "after any fault the queue drains within a minute of recovery".
MAX_DELAY_SECONDS: Final = 16.0


@dataclass
class Outage:
    """The state of one resource as one loop sees it: available, or down since when and until when to wait."""

    what: str  # what waits: "inbox intake", "claiming batches", "queue upkeep" (named in the log lines)
    logger: logging.Logger
    context: dict[str, object] = field(default_factory=dict)  # more fields for the log lines (owner=...)
    since: float | None = None
    delay: float = 0.0
    retry_at: float = 0.0
    attempts: int = 0
    _code: str = ""

    @property
    def down(self) -> bool:
        return self.since is not None

    def due(self, now: float | None = None) -> bool:
        """Time to try again (always, while nothing is wrong)."""
        return (time.monotonic() if now is None else now) >= self.retry_at

    def failed(self, error: DossierError, now: float | None = None) -> float:
        """Another failed attempt: the seconds to wait before the next one."""
        now = time.monotonic() if now is None else now
        if self.since is None:
            self.since, self.delay = now, FIRST_DELAY_SECONDS
        else:
            self.delay = min(self.delay * 2, MAX_DELAY_SECONDS)
        if error.code != self._code:  # a new state: said once
            self._code = error.code
            logs.log_event(self.logger, f"{self.what} paused: retrying with back-off",
                           level=logging.WARNING, code=error.code, reason=error.one_line(),
                           retry_max_s=MAX_DELAY_SECONDS, **self.context)
        self.attempts += 1
        self.retry_at = now + self.delay
        return self.delay

    def recovered(self, now: float | None = None) -> None:
        """An attempt worked: say so once, with how long it was down."""
        if self.since is None:
            return
        now = time.monotonic() if now is None else now
        logs.log_event(self.logger, f"{self.what} resumed", down_s=round(now - self.since, 1),
                       attempts=self.attempts, **self.context)
        self.since, self.delay, self.retry_at, self.attempts, self._code = None, 0.0, 0.0, 0, ""
