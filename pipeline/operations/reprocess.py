"""Reprocessing (`dossier reprocess`): run batches again from their archived originals.

For failed batches after the cause was fixed (a configuration limit, a
catalog entry, a Tesseract upgrade) and for filed ones worth another pass.
Idempotent: a reprocessed batch replaces its own documents, never adds
copies. The batch is claimed for this process in the same transaction that
reopens it, so a daemon sharing the store cannot take it halfway; with
`queue_only` it is put back in the queue for the daemon's workers instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.domain import BatchStatus
from pipeline.i18n import _
from pipeline.errors import Stage
from pipeline.office.app import App
from pipeline.office.processing import process_batch
from pipeline.office.queue import JobQueue, owner_name
from pipeline.operations.scope import originals_elsewhere, require_in_scope
from pipeline.store.models import Batch

REOPENABLE = (BatchStatus.FAILED, BatchStatus.DONE, BatchStatus.DISMISSED)  # dismissed: named by id only


@dataclass(frozen=True)
class Reprocessed:
    batch_id: int
    source: str
    status: str  # done | failed | retry | queued | skipped
    note: str = ""  # the reason it failed or was skipped
    document_ids: tuple[int, ...] = ()


def reprocess(app: App, batch_ids: list[int], *, queue_only: bool = False,
              scope: str | None = None) -> list[Reprocessed]:
    """Reprocess each batch (or queue it with `queue_only`); batches that cannot be are skipped with why.

    Batches outside `scope` (an office; None: all) are refused. Another office's batch
    is processed by that office, from its archive: `queue_only` hands it to that
    office's daemon; processing it here is skipped with where to do it.
    """
    batches = {}
    for batch_id in batch_ids:  # all or nothing: a mistyped id must not leave half the list done
        batches[batch_id] = app.store.batch_files(batch_id)
        require_in_scope(batches[batch_id][0].office, scope, what=_("batch {id}").format(id=batch_id),
                         offices=app.offices)
    queue = JobQueue(app.store, app.settings.queue)
    owner = owner_name()
    results = []
    for batch_id, (batch, files) in batches.items():
        why_not = _why_not(app, batch, files, queue_only)
        if why_not:
            results.append(Reprocessed(batch_id, batch.source, "skipped", why_not))
            continue
        if queue.reopen(batch_id, from_statuses=REOPENABLE, claim_owner=None if queue_only else owner) is None:
            results.append(Reprocessed(batch_id, batch.source, "skipped",
                                      _("its state changed meanwhile; try again")))
            continue
        if queue_only:
            results.append(Reprocessed(batch_id, batch.source, "queued"))
            continue
        try:
            outcome = process_batch(app, batch_id, owner=owner)
        except BaseException:  # Ctrl-C or a store failure while settling: give the batch back
            queue.release(owner, reason="reprocessing was interrupted")
            raise
        results.append(Reprocessed(batch_id, batch.source, outcome.status,
                                   outcome.error.one_line() if outcome.error else "", outcome.document_ids))
    return results


def _why_not(app: App, batch: Batch, files, queue_only: bool) -> str:
    if batch.status == BatchStatus.DUPLICATE:
        return _("a duplicate of batch {batch}: reprocess that one").format(batch=batch.duplicate_of)
    if batch.status == BatchStatus.QUEUED:
        return _("already queued")
    if batch.status == BatchStatus.PROCESSING:
        return _("already processing")
    if batch.status == BatchStatus.FAILED and batch.stage == Stage.INTAKE.value:
        return _("the file itself was refused at intake ({reason}); drop a new scan instead").format(reason=batch.reason)
    elsewhere = originals_elsewhere(batch.office, app.settings.office.code, what=_("batch {id}").format(id=batch.id),
                                    offices=app.offices, action="reprocess")
    if elsewhere:  # queued, that office's daemon takes it; processed here, nothing could be read
        return "" if queue_only else elsewhere.one_line()
    damaged = [f.name for f in files if not app.archive.verify(f.sha256)]
    if damaged:
        return _("the archived original of {files} is missing or damaged; restore the archive folder from backup"
                 ).format(files=", ".join(damaged))
    return ""
