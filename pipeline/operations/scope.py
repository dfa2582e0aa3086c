"""Which office's batches and documents a command may reach: the same rule for every command.

A command works for one office, the one configured (`[office] code`) or named
with `--office CODE`; `--all-offices` (admins) reaches every office of a shared
store. Reading another office's batch or document needs that scope. An
office's originals are in its own archive, on its own machine: exporting or
reprocessing another office's dossier is done at that office, whatever the
scope, and the message says so rather than suggesting that a file is lost.
"""

from __future__ import annotations

from pipeline.errors import OtherOffice
from pipeline.offices import Offices


def require_in_scope(office: str, scope: str | None, *, what: str, offices: Offices | None = None) -> None:
    """`what` (of `office`) may be reached by a command scoped to `scope` (None: every office)."""
    if scope is not None and office != scope:
        named = f" ({offices.name_of(office)})" if offices else ""
        raise OtherOffice(f"{what} belongs to office {office}{named}, not {scope}",
                          remedy=f"use --office {office}, or --all-offices")


def originals_elsewhere(office: str, here: str, *, what: str, offices: Offices, action: str) -> OtherOffice | None:
    """Why `what` (of `office`) cannot be `action`ed at office `here`: its originals are in another archive."""
    if office == here:
        return None
    return OtherOffice(f"{what} was received by office {office} ({offices.name_of(office)}): its originals "
                       f"are in that office's archive, not in this one's",
                       remedy=f"{action} it at office {office}; nothing is lost")


def require_originals_here(office: str, here: str, *, what: str, offices: Offices, action: str) -> None:
    """`what` (of `office`) has its originals in this office's archive (`here`)."""
    if elsewhere := originals_elsewhere(office, here, what=what, offices=offices, action=action):
        raise elsewhere
