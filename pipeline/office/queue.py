"""The durable job queue: batches in the database, claimed by worker processes.

A claim turns a `queued` batch whose `available_at` has come into a
`processing` one with an owner (`host/pid`) and a lease, in one short
transaction. Several workers and, on PostgreSQL, several daemons share one
queue: `FOR UPDATE SKIP LOCKED` hands every row to exactly one claimer, and
on SQLite `BEGIN IMMEDIATE` serialises the claimers. A worker renews its
lease while it works (`lease_kept`); a claim that is not renewed (the worker
died, the power failed) expires and goes back to the queue. A batch whose
worker died `max_attempts` times fails instead of killing workers forever.
The rows themselves change only through the store (pipeline.store.lifecycle);
this module holds the policy: who owns a claim, how long, when it is given back.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from pipeline import logs
from pipeline.config import QueueSettings
from pipeline.errors import StoreUnavailable
from pipeline.store.repository import Store

log = logs.get_logger("queue")

HOST: Final = socket.gethostname()[:100]
# A lease is renewed this many times per lease period, so one late renewal does not lose it.
RENEWALS_PER_LEASE: Final = 3


def owner_name(pid: int | None = None) -> str:
    """Who holds a claim: host and process id, so that a restart can tell its dead predecessors."""
    return f"{HOST}/{os.getpid() if pid is None else pid}"


def _dead_local_owner(owner: str | None) -> bool:
    host, _, pid = (owner or "").rpartition("/")
    if host != HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, run by another user
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    """A killed worker whose parent died too lingers as a zombie where nothing reaps orphans (containers)."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat_line.rpartition(")")[2].split()[0] == "Z"


class JobQueue:
    def __init__(self, store: Store, settings: QueueSettings) -> None:
        self.store = store
        self.lease_seconds = settings.lease_seconds
        self.max_attempts = settings.max_attempts

    # --- claiming ------------------------------------------------------------

    def claim_next(self, owner: str, *, district: str | None = None) -> int | None:
        """Claim the next batch that is due, or None when there is nothing to do now.

        `district`: only that office's batches. On a citywide database every
        office's daemon reads originals from its own archive, so it must not
        take another office's batches.
        """
        return self.store.claim_next(owner, lease_seconds=self.lease_seconds, district=district)

    def claim(self, batch_id: int, owner: str) -> bool:
        """Claim this very batch if it is queued (`dossier ingest` taking up one it recorded before)."""
        return self.store.claim(batch_id, owner, lease_seconds=self.lease_seconds)

    def reopen(self, batch_id: int, *, from_statuses: tuple[str, ...],
               claim_owner: str | None = None) -> str | None:
        """Start a batch over (reprocess): claimed by `claim_owner` at once, or queued for the daemon.

        Returns the status it had, or None when it was not in `from_statuses` (left untouched).
        """
        return self.store.reopen(batch_id, from_statuses=from_statuses, claim_owner=claim_owner,
                                 lease_seconds=self.lease_seconds)

    # --- holding a claim -------------------------------------------------------

    def renew(self, batch_id: int, owner: str) -> bool:
        """Extend the lease; False when the claim was lost (expired and released meanwhile)."""
        return self.store.renew_lease(batch_id, owner, lease_seconds=self.lease_seconds)

    @contextmanager
    def lease_kept(self, batch_id: int, owner: str) -> Iterator[None]:
        """Renew the claim in the background while the body works on the batch (pages can take minutes)."""
        stop = threading.Event()

        def renew_until_stopped() -> None:
            failing = False  # said once when renewals start failing, not at every renewal
            while not stop.wait(self.lease_seconds / RENEWALS_PER_LEASE):
                try:
                    if not self.renew(batch_id, owner):
                        logs.log_event(log, "lease lost", level=30, batch=batch_id, owner=owner)
                        return
                except StoreUnavailable as error:  # try again at the next renewal
                    if not failing:
                        logs.log_event(log, "lease not renewed", level=30, batch=batch_id, reason=error.one_line())
                    failing = True
                    continue
                failing = False

        keeper = threading.Thread(target=renew_until_stopped, name=f"lease-{batch_id}", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            stop.set()
            keeper.join()

    # --- giving claims back ----------------------------------------------------

    def release(self, owner: str, *, reason: str) -> list[int]:
        """Give back what `owner` holds after a graceful stop: the interrupted attempt does not count."""
        return self._release(owners=[owner], reason=reason, count_attempt=False)

    def release_expired(self) -> list[int]:
        """Claims whose lease ran out (their worker is gone) go back to the queue."""
        return self._release(reason="its lease expired", count_attempt=True)

    def release_dead_owners(self) -> list[int]:
        """Claims of processes of this host that no longer run: a restart need not wait for their leases."""
        dead = [owner for owner in self.store.claim_owners(like=f"{HOST}/%") if _dead_local_owner(owner)]
        if not dead:
            return []
        return self._release(owners=dead, reason="its worker process is gone", count_attempt=True)

    def _release(self, *, owners: Sequence[str] | None = None, reason: str, count_attempt: bool) -> list[int]:
        released = []
        for batch_id, stage, error in self.store.release_claims(owners=owners, reason=reason,
                                                                 count_attempt=count_attempt,
                                                                 max_attempts=self.max_attempts):
            if error is not None:
                logs.log_event(log, "failed", level=30, batch=batch_id, stage=stage, reason=error.one_line())
            else:
                logs.log_event(log, "released", batch=batch_id, stage=stage, reason=reason)
                released.append(batch_id)
        return released
