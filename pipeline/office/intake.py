"""Intake: a dropped file or folder → an archived, recorded batch.

Order matters and is the heart of "nothing lost": every original is copied
into the archive and verified by SHA-256 first; then one database transaction
records the batch (queued, duplicate, or failed with the reason). Only after
that commit may the caller remove the inbox entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.archive import formats
from pipeline.archive.originals import MB
from pipeline.errors import DossierError, InputError, NoContent, Stage, printable
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
    """What changes when a file is written to: a file whose signature holds still has stopped arriving.

    A link is looked at, never followed (its target is nobody's dossier).
    """
    st = path.lstat()
    return st.st_size, st.st_mtime_ns


def shown_name(name: str) -> str:
    """A file name as batches record it and operators read it: NFC, undecodable bytes escaped (`\\xff`)."""
    return nfc(printable(name))


def is_folder(path: Path) -> bool:
    """A real folder (not one that is gone): a link to one is an entry to refuse, not a dossier to walk."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except FileNotFoundError:
        return False


def is_ignored(path: Path, *, marker: str) -> bool:
    name = path.name
    return (name.startswith((".", "~$")) or name.lower() in JUNK_NAMES
            or name.lower().endswith(_IGNORED_SUFFIXES) or name == marker)


def dossier_files(folder: Path, *, marker: str) -> list[Path]:
    """The files of a folder dossier, in a stable order (page order as scanners number them).

    Every entry that is not a folder is one, links, pipes and devices included: intake
    refuses those by name. A link to a folder is such an entry too, never walked into.
    """
    found = []
    for root, dirs, names in os.walk(folder, onerror=_raise):
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        dirs[:] = [d for d in dirs if d not in links and not is_ignored(Path(d), marker=marker)]
        found += [Path(root, name) for name in [*names, *links] if not is_ignored(Path(name), marker=marker)]
    return sorted(found, key=lambda p: shown_name(str(p.relative_to(folder))).casefold())


def _raise(error: OSError) -> None:
    raise error  # an unreadable subfolder must not pass for an empty one


def intake(app: App, path: Path, *, source: str, claim_owner: str | None = None,
           recorded_since: dt.datetime | None = None, procedure: str | None = None,
           procedure_source: str | None = None) -> IntakeResult:
    """Archive and record one dossier as a receipt of this office. Raises only transient errors (retry later).

    `claim_owner`: claim the new batch for that worker in the recording transaction.
    `recorded_since`: when the entry last changed (so, when it finished arriving);
    a batch of this office recorded since then from the same source with the same
    content is this entry, recorded by a run that stopped before removing it: it
    is returned, not recorded again. `procedure`: what the dossier is for, when
    whoever handed it in said so (`procedure_source`: operator or folder).
    """
    marker = app.settings.inbox.folder_marker
    kind = "folder" if is_folder(path) else "file"
    members = dossier_files(path, marker=marker) if kind == "folder" else [path]
    source = shown_name(source)
    max_bytes = int(app.settings.limits.max_file_mb * MB)

    new_files: list[NewFile] = []
    failure: DossierError | None = None
    for member in members:
        name = shown_name(member.name if kind == "file" else str(member.relative_to(path)))
        shown = source if kind == "file" else f"{source}/{name}"
        try:  # IncompleteFile, DiskFull, ArchiveError propagate: nothing is recorded, it is retried later
            archived = app.archive.put(member, max_bytes=max_bytes)
        except InputError as error:  # not a regular file, or too large: refused, nothing archived
            failure = failure or _blamed(error, shown)
            continue
        try:
            media_type = formats.media_type_of(app.archive.path_for(archived.sha256))
        except DossierError as error:  # kept in the archive, but not a document
            media_type = "application/octet-stream"
            failure = failure or _blamed(error, shown)
        new_files.append(NewFile(name=name, sha256=archived.sha256, size=archived.size, media_type=media_type))
    if not new_files and failure is None:
        failure = NoContent("the folder holds no files", stage=Stage.INTAKE, path=source,
                            remedy="put the scanned pages in the folder, then the marker file")

    sha256 = dossier_sha256(new_files)
    office = app.settings.office.code
    if recorded_since is not None:
        earlier = app.store.find_recorded(office=office, source=source, sha256=sha256, since=recorded_since)
        if earlier:
            return IntakeResult(earlier[0], source, earlier[1], already_recorded=True)
    batch_id, status, duplicate_of = app.store.record_batch(
        source=source, kind=kind, district=office, sha256=sha256, files=new_files,
        failure=failure, claim_owner=claim_owner, lease_seconds=app.settings.queue.lease_seconds,
        received_at=recorded_since, procedure=procedure, procedure_source=procedure_source,
    )
    return IntakeResult(batch_id, source, status, duplicate_of, failure)


def _blamed(error: DossierError, shown: str) -> DossierError:
    """The error, said of the file as the operator named it (a folder dossier's member by its path in it)."""
    error.stage, error.path = error.stage or Stage.INTAKE, shown
    return error


def dossier_sha256(files: list[NewFile]) -> str:
    """Identity of a dossier: its file's hash, or a hash over a folder's (name, hash) pairs."""
    if len(files) == 1:
        return files[0].sha256
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.name}\0{f.sha256}\n".encode())
    return digest.hexdigest()
