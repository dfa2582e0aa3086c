"""Taking a ready inbox entry: archive and record it, then remove it from the inbox.

The order is what keeps every dossier: intake copies each original into the
archive and verifies its SHA-256, one transaction records the batch (queued,
duplicate or failed), and only after that commit does the entry leave the
inbox, whatever the outcome, so that a bad file does not fail again and again.

Removal deletes only what was archived, and only if it has not changed
since: a page that arrived late in a folder, or a file rewritten meanwhile,
stays and becomes a dossier of its own. If the daemon dies between the commit
and the removal, the entry is seen again after the restart; intake recognises
the batch it already recorded (same source, same content, recorded after the
entry last changed) and the entry is only removed.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from pipeline import logs
from pipeline.office.app import App
from pipeline.office.intake import (
    JUNK_NAMES,
    IntakeResult,
    Signature,
    dossier_files,
    file_signature,
    intake,
    is_folder,
    is_ignored,
    shown_name,
)
from pipeline.procedures import FROM_FOLDER

log = logs.get_logger("inbox")


@dataclass(frozen=True)
class _Snapshot:
    """What the entry held just before intake: the files that may be removed after the commit."""

    files: dict[Path, Signature]
    changed_at: dt.datetime  # latest ctime: when the entry last changed in any way


def inbox_entries(root: Path, *, marker: str, containers: Collection[str] = ()) -> list[Path]:
    """The dossiers waiting in the inbox: its top-level files and folders, junk left out.

    A folder named in `containers` (a procedure's folder, configs/procedures.toml)
    is not a dossier: each file or folder in it is one, of that procedure.
    """
    entries = []
    for path in root.iterdir():
        if is_ignored(path, marker=marker):
            continue
        if path.name in containers and path.is_dir():
            entries += [p for p in path.iterdir() if not is_ignored(p, marker=marker)]
        else:
            entries.append(path)
    return sorted(entries)


def is_empty_folder(path: Path, *, marker: str) -> bool:
    """A folder with no file and no marker: not a dossier (yet), left alone in the inbox."""
    try:
        return is_folder(path) and not (path / marker).exists() and not dossier_files(path, marker=marker)
    except FileNotFoundError:  # removed while we looked
        return False


def source_name(inbox: Path, path: Path) -> str:
    """How a batch names its inbox entry: the path relative to the inbox, NFC, odd bytes escaped."""
    return shown_name(str(path.relative_to(inbox)))


def take(app: App, path: Path, *, inbox: Path) -> IntakeResult:
    """Archive, record and remove one ready entry.

    Raises IncompleteFile (it is still being written: wait), other transient
    errors (store or archive unavailable: try later) and OSError (vanished,
    unreadable); in all these cases nothing was recorded and the entry stays.
    """
    started = time.monotonic()
    source = source_name(inbox, path)
    snapshot = _snapshot(path, marker=app.settings.inbox.folder_marker)
    procedure = app.procedures.by_folder(path.parent.name) if path.parent != inbox else None
    result = intake(app, path, source=source, recorded_since=snapshot.changed_at,
                    procedure=procedure.id if procedure else None, procedure_source=FROM_FOLDER)
    kept = _remove(path, snapshot, marker=app.settings.inbox.folder_marker)
    logs.log_event(log, "already recorded, removed" if result.already_recorded else "taken",
                   batch=result.batch_id, stage="intake", ms=int((time.monotonic() - started) * 1000),
                   source=source, status=result.status, duplicate_of=result.duplicate_of,
                   code=result.error.code if result.error else None,
                   reason=result.error.one_line() if result.error else None)
    if kept:
        logs.log_event(log, "left in the inbox: changed after it was archived", level=30, batch=result.batch_id,
                       files=", ".join(shown_name(str(p.relative_to(inbox))) for p in kept))
    return result


def _snapshot(path: Path, *, marker: str) -> _Snapshot:
    if is_folder(path):
        files = dossier_files(path, marker=marker)
        changed = [path, *(Path(root, name) for root, dirs, names in os.walk(path) for name in [*dirs, *names])]
    else:
        files = changed = [path]
    latest = max(p.lstat().st_ctime for p in changed)
    return _Snapshot({f: file_signature(f) for f in files}, dt.datetime.fromtimestamp(latest, dt.UTC))


def _remove(path: Path, snapshot: _Snapshot, *, marker: str) -> list[Path]:
    """Delete the archived files that are unchanged; return those left in place."""
    kept = [file for file, signature in snapshot.files.items() if not _unlink_if(file, signature)]
    if is_folder(path):
        for root, dirs, names in os.walk(path, topdown=False):
            for name in names:
                if name == marker or name.lower() in JUNK_NAMES:
                    _unlink_if(Path(root, name))
            for name in dirs:
                _rmdir_if_empty(Path(root, name))
        _rmdir_if_empty(path)
    return kept


def _unlink_if(file: Path, signature: Signature | None = None) -> bool:
    """Delete `file` if it still has `signature`; False when it had to stay."""
    try:
        if signature is not None and file_signature(file) != signature:
            return False
        file.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:  # a read-only share: it is recorded, so it is removed at the next rescan
        logs.log_event(log, "cannot remove from the inbox", level=40, file=file, reason=str(exc))
        return False
    return True


def _rmdir_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:  # not empty: something arrived that was not part of this dossier
        pass
