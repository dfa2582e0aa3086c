"""A daemon's or worker's status row in the store, kept fresh: what `dossier status` reads.

In the store rather than a file of the data folder: the daemons of a citywide
PostgreSQL store run on other machines than the admin who asks.
"""

from __future__ import annotations

import time
from typing import Final

from pipeline import __version__, logs
from pipeline.errors import DossierError
from pipeline.office.app import App
from pipeline.office.queue import owner_name

log = logs.get_logger("daemon")

HEARTBEAT_SECONDS: Final = 10.0  # how often daemons and workers say in the store that they are alive
RETRY_SECONDS: Final = 60.0  # after a heartbeat the store did not take


class Heartbeat:
    """This process's status row in the store (`dossier status`): written at start, renewed every
    HEARTBEAT_SECONDS, removed at a clean stop. Advisory: a store that is away only leaves it stale."""

    def __init__(self, app: App, *, role: str) -> None:
        self.store, self.role, self.office = app.store, role, app.settings.office.code
        self.owner = owner_name()
        self.next_at = 0.0

    def start(self) -> None:
        self._quietly(lambda: self.store.announce(self.owner, role=self.role, office=self.office,
                                                  version=__version__))
        self.next_at = time.monotonic() + HEARTBEAT_SECONDS

    def beat(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if now >= self.next_at:
            written = self._quietly(lambda: self.store.heartbeat(self.owner))
            # A store that is away is not asked again soon: each try may wait for its connect timeout.
            self.next_at = now + (HEARTBEAT_SECONDS if written else RETRY_SECONDS)

    def stop(self) -> None:
        self._quietly(lambda: self.store.forget_process(self.owner))

    @staticmethod
    def _quietly(write) -> bool:
        try:
            write()
        except DossierError as error:
            logs.log_event(log, "status not written", level=20, reason=error.one_line())
            return False
        return True
