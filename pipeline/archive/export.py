"""Export: a document's original file(s) written back out, verified against their SHA-256.

The archived originals are canonical and never cut: a document exports as the
whole file(s) its pages were read from. A document from one file (a PDF, a
TIFF, a photo) exports as that file; a document whose pages came from several
files of a folder dossier (page1.jpg, page2.jpg) exports as those files, under
their names in the dossier, into a folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.archive.originals import Archive
from pipeline.errors import DossierError, UsageError, from_os_error, printable
from pipeline.i18n import _
from pipeline.privacy import make_private_dir


@dataclass(frozen=True)
class ExportedFile:
    name: str  # as in the dossier
    sha256: str
    path: Path  # where it was written


def export_originals(archive: Archive, originals: list[tuple[str, str]], destination: Path, *,
                     folder: bool = False) -> list[ExportedFile]:
    """Write these (name in the dossier, SHA-256) originals to `destination`: a file, or a folder for
    several or when `folder` says so (`--to out/`: the folder is created if missing)."""
    targets = _targets(destination, [name for name, _ in originals], folder=folder)
    exported: list[ExportedFile] = []
    try:
        for (name, sha256), target in zip(originals, targets):
            _refuse_links_between(destination, target.parent)
            make_private_dir(target.parent)
            archive.export(sha256, target)
            exported.append(ExportedFile(name, sha256, target))
    except (DossierError, OSError) as exc:
        for done in exported:  # all or nothing: a half export looks like a whole one
            done.path.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # the destination refused: /proc, a read-only folder, a full disk
            error = from_os_error(exc, path=printable(str(destination)))
            error.message = f"cannot write the export there: {error.message}"
            if error.code != "disk_full":
                error.remedy = "choose another --to, a folder you can write to"
            raise error from None
        raise
    return exported


def _targets(destination: Path, names: list[str], *, folder: bool) -> list[Path]:
    """Where each original goes; refuses to overwrite anything."""
    if len(names) == 1 and not folder and not destination.is_dir():
        if not destination.parent.is_dir():
            raise UsageError(_("the folder {folder} does not exist").format(folder=destination.parent),
                             remedy=_("create it first"))
        targets = [destination]
    else:
        if destination.exists() and not destination.is_dir():
            raise UsageError(_("this document has {count} original files: --to must be a folder, and {path} is a file")
                             .format(count=len(names), path=destination),
                             remedy=_("give a folder (it is created if missing)"))
        targets = [destination.joinpath(*_safe_parts(name)) for name in names]
    taken = [str(t) for t in targets if os.path.lexists(t)]  # a link, even one pointing nowhere, is taken
    if taken:
        raise UsageError(_("would overwrite {files}").format(files=", ".join(taken)),
                         remedy=_("choose another --to or move the file away"))
    return targets


def _refuse_links_between(destination: Path, folder: Path) -> None:
    """The folders a folder dossier's files go into, below `--to`, are real folders: a link is never followed."""
    if folder == destination or destination not in folder.parents:
        return
    here = destination
    for part in folder.relative_to(destination).parts:
        here = here / part
        if here.is_symlink():
            raise UsageError(_("{path} is a link: export never writes through a link")
                             .format(path=printable(str(here))), remedy=_("remove it, or choose another --to"))


def _safe_parts(name: str) -> tuple[str, ...]:
    """A dossier-relative name as path parts, never climbing out of the export folder."""
    parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", ".", "..", "/"))
    return parts or ("original",)
