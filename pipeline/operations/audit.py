"""The audit: every read and change of citizens' records as an event (who, when, what), listed by
`dossier audit`, and the event log's hash chain checked by `dossier audit --verify`.

Changes record their own events where they happen (relabel, set-field, reprocess: in the
store's transaction). Reads are recorded here, by the command, before it shows anything:
a search with its query and how many documents it found (and which it showed), a
document shown or exported, a review list, ID numbers revealed with `--reveal`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.office.app import App
from pipeline.store.audit import ChainVerdict
from pipeline.store.models import Event

# What `dossier audit` lists unless --action names others: the reads and changes of records.
READS = ("search", "show", "export", "review", "reveal", "audit")
CHANGES = ("relabel", "set_field", "reprocess")
AUDITED = READS + CHANGES


def record(app: App, action: str, *, office: str | None, batch_id: int | None = None,
           document_id: int | None = None, detail: str | None = None) -> None:
    """One read or act, recorded as the store's actor (the operator) before its result is shown."""
    app.store.record_audit(action, office=office, batch_id=batch_id, document_id=document_id, detail=detail)


def listed(document_ids: Iterable[int]) -> str:
    """The documents a list showed, as the audit finds them again (`--document ID`)."""
    ids = " ".join(f"D{i}" for i in document_ids)
    return f"shown {ids}" if ids else "none shown"


def search_detail(text: str, filters: dict[str, Any], total: int, shown: Sequence[int]) -> str:
    """`query "nguyen van an" type=birth_certificate; 4 result(s); shown #11 #9 #8 #10`."""
    said = [f"query {json.dumps(text, ensure_ascii=False)}"]
    said += [f"{name}={value}" for name, value in filters.items() if value not in (None, "", {}, [], False)]
    return f"{' '.join(said)}; {total} result(s); {listed(shown)}"


@dataclass(frozen=True)
class AuditQuery:
    since: dt.datetime | None = None
    user: str | None = None
    actions: tuple[str, ...] = AUDITED
    document_id: int | None = None
    office: str | None = None  # None: every office
    limit: int = 100  # the newest events meeting the filters

    def describe(self) -> str:
        parts = [f"since={self.since.isoformat(timespec='seconds')}" if self.since else "",
                 f"user={self.user}" if self.user else "",
                 f"action={','.join(self.actions)}" if self.actions != AUDITED else "",
                 f"document=D{self.document_id}" if self.document_id else "",
                 f"office={self.office}" if self.office else "all offices"]
        return " ".join(p for p in parts if p)


def audit_events(app: App, query: AuditQuery) -> list[dict[str, Any]]:
    """The events meeting `query`, oldest first, as `audit --json` shows them; the look is recorded too."""
    rows = app.store.events(since=query.since, actor=query.user, actions=query.actions,
                            document_id=query.document_id, office=query.office, limit=query.limit)
    record(app, "audit", office=app.settings.office.code, document_id=query.document_id,
           detail=f"{query.describe()}; {len(rows)} event(s)")
    return [event_view(e) for e in rows]


def verify(app: App) -> ChainVerdict:
    """Check every link of the event log; the check is recorded after it (it is not part of what it checked)."""
    verdict = app.store.verify_chain()
    outcome = "intact" if verdict.intact else f"broken at event {verdict.broken.event_id}"
    record(app, "audit", office=app.settings.office.code, detail=f"verify: {verdict.events} event(s), {outcome}")
    return verdict


def event_view(event: Event) -> dict[str, Any]:
    """`audit --json`: one object per event; English keys, ISO times in UTC."""
    return {
        "event_id": event.id,
        "at": event.at.isoformat(timespec="seconds"),
        "actor": event.actor,
        "action": event.action,
        "outcome": event.outcome,
        "office": event.office,
        "batch_id": event.batch_id,
        "document_id": event.document_id,
        "detail": event.detail,
        "program": event.program,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def record_reveal(settings, command: str) -> None:
    """`--reveal`: ID numbers shown in clear to whoever asked, recorded before anything is shown."""
    with App.open(settings) as app:
        record(app, "reveal", office=settings.office.code, detail=f"dossier {command} --reveal")
