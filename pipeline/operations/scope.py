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
from pipeline.i18n import N_, _
from pipeline.offices import Offices

# What a command does to a dossier, as the remedy names it ("export it at office Q3").
ACTIONS = {"export": N_("export"), "reprocess": N_("reprocess")}


def require_in_scope(office: str, scope: str | None, *, what: str, offices: Offices | None = None) -> None:
    """`what` (of `office`) may be reached by a command scoped to `scope` (None: every office)."""
    if scope is not None and office != scope:
        named = f" ({offices.name_of(office)})" if offices else ""
        raise OtherOffice(_("{what} belongs to office {office}{named}, not {scope}").format(
            what=what, office=office, named=named, scope=scope),
            remedy=_("use --office {office}, or --all-offices").format(office=office))


def originals_elsewhere(office: str, here: str, *, what: str, offices: Offices, action: str) -> OtherOffice | None:
    """Why `what` (of `office`) cannot be `action`ed at office `here`: its originals are in another archive."""
    if office == here:
        return None
    return OtherOffice(_("{what} was received by office {office} ({name}): its originals are in that office's "
                         "archive, not in this one's").format(what=what, office=office, name=offices.name_of(office)),
                       remedy=_("{action} it at office {office}; nothing is lost").format(
                           action=_(ACTIONS.get(action, action)), office=office))


def require_originals_here(office: str, here: str, *, what: str, offices: Offices, action: str) -> None:
    """`what` (of `office`) has its originals in this office's archive (`here`)."""
    if elsewhere := originals_elsewhere(office, here, what=what, offices=offices, action=action):
        raise elsewhere
