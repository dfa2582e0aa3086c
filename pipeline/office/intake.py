"""Intake: a dropped file or folder → an archived, recorded batch.

Order matters and is the heart of "nothing lost": every original is copied
into the archive and verified by SHA-256 first; then one database transaction
records the batch (queued, duplicate, or failed with the reason). Only after
that commit may the caller remove the inbox entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.archive import formats
from pipeline.errors import DossierError, NoContent, Stage
from pipeline.office.app import App
from pipeline.store.repository import NewFile
from pipeline.textnorm import nfc

# Files that scanners, Windows and copy tools leave beside real scans (safe to delete with a dossier).
JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".filepart")


@dataclass(frozen=True)
class IntakeResult:
    batch_id: int
    source: str
    status: str  # queued | duplicate | failed
    duplicate_of: int | None = None
    error: DossierError | None = None
    already_recorded: bool = False  # an earlier run recorded this very entry (see `recorded_since`)


Signature = tuple[int, int]  # size, mtime_ns


def file_signature(path: Path) -> Signature:
    """What changes when a file is written to: a file whose signature holds still has stopped arriving."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def is_ignored(path: Path, *, marker: str) -> bool:
    name = path.name
    return (name.startswith((".", "~$")) or name.lower() in JUNK_NAMES
            or name.lower().endswith(_IGNORED_SUFFIXES) or name == marker)


def dossier_files(folder: Path, *, marker: str) -> list[Path]:
    """The files of a folder dossier, in a stable order (page order as scanners number them)."""
    files = [p for p in folder.rglob("*") if p.is_file() and not any(
        is_ignored(Path(part), marker=marker) for part in p.relative_to(folder).parts)]
    return sorted(files, key=lambda p: nfc(str(p.relative_to(folder))).casefold())


def intake(app: App, path: Path, *, source: str, claim_owner: str | None = None,
           recorded_since: dt.datetime | None = None) -> IntakeResult:
    """Archive and record one dossier. Raises only transient errors (retry later).

    `claim_owner`: claim the new batch for that worker in the recording transaction.
    `recorded_since`: when the entry last changed; a batch recorded since then
    from the same source with the same content is this entry, recorded by a run
    that stopped before removing it: it is returned, not recorded again.
    """
    marker = app.settings.inbox.folder_marker
    kind = "folder" if path.is_dir() else "file"
    members = dossier_files(path, marker=marker) if kind == "folder" else [path]
    source = nfc(source)

    new_files: list[NewFile] = []
    failure: DossierError | None = None
    for member in members:
        name = nfc(member.name if kind == "file" else str(member.relative_to(path)))
        archived = app.archive.put(member)  # IncompleteFile / ArchiveError propagate: retry later
        try:
            media_type = formats.media_type_of(app.archive.path_for(archived.sha256))
        except DossierError as error:
            media_type = "application/octet-stream"
            shown = source if kind == "file" else f"{source}/{name}"
            failure = failure or error.with_context(stage=Stage.INTAKE, path=shown)
            failure.path = shown
        new_files.append(NewFile(name=name, sha256=archived.sha256, size=archived.size, media_type=media_type))
    if not new_files and failure is None:
        failure = NoContent("the folder holds no files", stage=Stage.INTAKE, path=source,
                            remedy="put the scanned pages in the folder, then the marker file")

    sha256 = dossier_sha256(new_files)
    if recorded_since is not None:
        earlier = app.store.find_recorded(source=source, sha256=sha256, since=recorded_since)
        if earlier:
            return IntakeResult(earlier[0], source, earlier[1], already_recorded=True)
    batch_id, status, duplicate_of = app.store.record_batch(
        source=source, kind=kind, district=app.settings.office.district, sha256=sha256, files=new_files,
        failure=failure, claim_owner=claim_owner, lease_seconds=app.settings.queue.lease_seconds,
    )
    return IntakeResult(batch_id, source, status, duplicate_of, failure)


def dossier_sha256(files: list[NewFile]) -> str:
    """Identity of a dossier: its file's hash, or a hash over a folder's (name, hash) pairs."""
    if len(files) == 1:
        return files[0].sha256
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.name}\0{f.sha256}\n".encode())
    return digest.hexdigest()
