"""Export (`dossier export`): a document's original file(s), written out and verified."""

from __future__ import annotations

from pathlib import Path

from pipeline.archive.export import ExportedFile, export_originals
from pipeline.i18n import _
from pipeline.office.app import App
from pipeline.operations import audit
from pipeline.operations.scope import require_in_scope, require_originals_here


def export_document(app: App, document_id: int, destination: Path, *, scope: str | None,
                    folder: bool = False) -> list[ExportedFile]:
    """The originals a document's pages were read from: one file, or the files of a folder dossier it spans.

    Only this office's: another office's originals are in its own archive. `folder`: `destination`
    is a folder even for one file (typed with a trailing slash).
    """
    from pipeline.operations.pages import find_document

    document = find_document(app, document_id, scope=scope)  # a superseded one: the line names its successor
    what = _("document {id}").format(id=document_id)
    require_originals_here(document.office, app.settings.office.code, what=what, offices=app.offices,
                           action="export")
    _batch, files = app.store.batch_files(document.batch_id)
    used = {page.batch_file_id for page in document.pages}
    originals = [(f.name, f.sha256) for f in files if f.id in used]
    # Recorded before anything is written: an export that fails halfway was still attempted by someone.
    audit.record(app, "export", office=document.office, batch_id=document.batch_id, document_id=document_id,
                 detail=f"to {destination}: {', '.join(name for name, _ in originals)}")
    return export_originals(app.archive, originals, destination, folder=folder)


def export_batch(app: App, batch_id: int, destination: Path, *, scope: str | None) -> list[ExportedFile]:
    """Every original of a batch, into the folder `destination` (created if missing): a failed batch's
    scan, to fix it (remove a password, rescan a page) and drop it again."""
    batch, files = app.store.batch_files(batch_id)
    what = f"batch {batch_id}"
    require_in_scope(batch.office, scope, what=what, offices=app.offices)
    require_originals_here(batch.office, app.settings.office.code, what=what, offices=app.offices, action="export")
    originals = [(f.name, f.sha256) for f in files]
    audit.record(app, "export", office=batch.office, batch_id=batch_id,
                 detail=f"to {destination}: {', '.join(name for name, _ in originals)}")
    return export_originals(app.archive, originals, destination, folder=True)
