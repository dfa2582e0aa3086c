"""Process one queued batch through the stages and file the result.

rasterize → read (text layer or OCR) → split → classify → extract → index.
Errors come back typed, with the stage they happened in: permanent ones fail
the batch at once; transient ones put it back in the queue with a backoff.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from pipeline import logs
from pipeline.app import App
from pipeline.domain import DocumentResult, PageText
from pipeline.errors import DossierError, NoContent, OutOfMemory, Stage
from pipeline.stages import classify, extract, rasterize, read, split

log = logs.get_logger("processing")

# A page with fewer word characters than this is treated as blank.
MIN_TEXT_CHARS = 8


@dataclass(frozen=True)
class BatchOutcome:
    batch_id: int
    source: str
    status: str  # done | failed | retry
    document_ids: tuple[int, ...] = ()
    error: DossierError | None = None


class InternalError(DossierError):
    code = "internal"


class _Cache:
    """The store's OCR cache seen through the read stage's interface."""

    def __init__(self, app: App) -> None:
        self._store = app.store

    def get(self, key):
        return self._store.cache_get(key)

    def put(self, key, result) -> None:
        self._store.cache_put(key, result)


def process_batch(app: App, batch_id: int, *, owner: str = "ingest") -> BatchOutcome:
    settings = app.settings
    batch, files = app.store.batch_files(batch_id)
    app.store.start_processing(batch_id, owner=owner, lease_seconds=settings.queue.lease_seconds)
    stage_ms: dict[str, int] = defaultdict(int)
    stage = Stage.RASTERIZE
    current_file = batch.source
    started = time.monotonic()
    try:
        pages: list[PageText] = []
        cache = _Cache(app)
        app.store.set_stage(batch_id, Stage.RASTERIZE.value)
        for batch_file in files:
            current_file = batch.source if batch.kind == "file" else f"{batch.source}/{batch_file.name}"
            path = app.archive.path_for(batch_file.sha256)
            stage, mark = Stage.RASTERIZE, time.monotonic()
            for source in rasterize.iter_pages(path, batch_file.media_type, file_ordinal=batch_file.ordinal,
                                               dpi=settings.ocr.dpi, limits=settings.limits):
                stage_ms[Stage.RASTERIZE.value] += _ms_since(mark)
                stage, mark = Stage.OCR, time.monotonic()
                pages.append(read.read_page(source, engine=app.engine, settings=settings.ocr, cache=cache))
                stage_ms[Stage.OCR.value] += _ms_since(mark)
                stage, mark = Stage.RASTERIZE, time.monotonic()
        current_file = batch.source
        if sum(sum(ch.isalnum() for ch in p.text) for p in pages) < MIN_TEXT_CHARS:
            raise NoContent("no text found on any page", stage=Stage.OCR,
                            remedy="check the scan: blank page, scanner lid open, or a photo without a document")

        stage, mark = Stage.SPLIT, time.monotonic()
        app.store.set_stage(batch_id, Stage.CLASSIFY.value)
        groups = split.split(pages, app.catalog)
        stage_ms[Stage.SPLIT.value] += _ms_since(mark)
        documents = []
        for group in groups:
            stage, mark = Stage.CLASSIFY, time.monotonic()
            text = "\n\n".join(p.text for p in group)
            classification = classify.classify(text, app.catalog, min_confidence=settings.catalog.min_confidence)
            stage_ms[Stage.CLASSIFY.value] += _ms_since(mark)
            stage, mark = Stage.EXTRACT, time.monotonic()
            fields = extract.extract(group)
            stage_ms[Stage.EXTRACT.value] += _ms_since(mark)
            documents.append(DocumentResult(group, classification, fields,
                                            _review_reasons(app, classification, fields)))

        stage, mark = Stage.INDEX, time.monotonic()
        ids = app.store.file_documents(batch_id, documents, stage_ms=dict(stage_ms))
        logs.log_event(log, "filed", batch=batch_id, source=batch.source, documents=len(ids), pages=len(pages),
                       ms=_ms_since(started))
        return BatchOutcome(batch_id, batch.source, "done", tuple(ids))
    except DossierError as error:
        error.with_context(stage=stage, path=current_file)
        return _settle(app, batch_id, batch.source, batch.attempts + 1, error)
    except MemoryError:
        error = OutOfMemory("ran out of memory", stage=stage, path=current_file,
                            remedy="it will be retried; lower ocr.dpi or limits.max_page_pixels on small machines")
        return _settle(app, batch_id, batch.source, batch.attempts + 1, error)
    except Exception as exc:  # a bug must fail the batch, not the daemon
        log.exception("unexpected error in batch %s", batch_id)
        error = InternalError(f"internal error: {type(exc).__name__}: {exc}", stage=stage, path=current_file,
                              remedy="report it to the administrator; reprocess the batch once fixed")
        return _settle(app, batch_id, batch.source, batch.attempts + 1, error)


def _settle(app: App, batch_id: int, source: str, attempt: int, error: DossierError) -> BatchOutcome:
    queue = app.settings.queue
    if error.transient and attempt < queue.max_attempts:
        delay = queue.retry_base_seconds * 2 ** (attempt - 1)
        app.store.retry_later(batch_id, error, delay)
        logs.log_event(log, "retry", level=30, batch=batch_id, stage=error.stage, reason=error.one_line(),
                       delay_s=delay)
        return BatchOutcome(batch_id, source, "retry", error=error)
    app.store.fail_batch(batch_id, error)
    logs.log_event(log, "failed", level=30, batch=batch_id, stage=error.stage, reason=error.one_line())
    return BatchOutcome(batch_id, source, "failed", error=error)


def _review_reasons(app: App, classification, fields) -> list[str]:
    reasons = []
    if classification.doc_type == "other":
        reasons.append(f"type uncertain (confidence {classification.confidence:.2f})")
    else:
        present = {f.name for f in fields}
        missing = [name for name in app.catalog.get(classification.doc_type).required if name not in present]
        if missing:
            reasons.append(f"required field(s) missing: {', '.join(missing)}")
    return reasons


def _ms_since(mark: float) -> int:
    return int((time.monotonic() - mark) * 1000)
