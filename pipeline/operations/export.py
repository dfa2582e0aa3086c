"""Export (`dossier export`): a document's original file(s), written out and verified."""

from __future__ import annotations

from pathlib import Path

from pipeline.archive.export import ExportedFile, export_originals
from pipeline.i18n import _
from pipeline.office.app import App
from pipeline.operations.scope import require_in_scope, require_originals_here


def export_document(app: App, document_id: int, destination: Path, *, scope: str | None,
                    folder: bool = False) -> list[ExportedFile]:
    """The originals a document's pages were read from: one file, or the files of a folder dossier it spans.

    Only this office's: another office's originals are in its own archive. `folder`: `destination`
    is a folder even for one file (typed with a trailing slash).
    """
    document = app.store.document(document_id)
    what = _("document {id}").format(id=document_id)
    require_in_scope(document.office, scope, what=what, offices=app.offices)
    require_originals_here(document.office, app.settings.office.code, what=what, offices=app.offices,
                           action="export")
    _batch, files = app.store.batch_files(document.batch_id)
    used = {page.batch_file_id for page in document.pages}
    return export_originals(app.archive, [(f.name, f.sha256) for f in files if f.id in used], destination,
                            folder=folder)
