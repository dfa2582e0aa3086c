"""Process one queued batch through the stages and file the result.

rasterize → read (text layer or OCR) → split → classify → extract → index.
Errors come back typed, with the stage they happened in: permanent ones fail
the batch at once; transient ones put it back in the queue with a backoff.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline import logs, review, training
from pipeline.app import App
from pipeline.domain import DocumentResult, PageSource, PageText
from pipeline.errors import ArchiveError, DossierError, NoContent, OutOfMemory, Stage
from pipeline.queue import JobQueue
from pipeline.stages import classify, extract, rasterize, read, split
from pipeline.store.models import BatchFile

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


def process_batch(app: App, batch_id: int, *, owner: str) -> BatchOutcome:
    """Process a batch that `owner` has claimed from the queue, renewing the claim while it works."""
    with JobQueue(app.store, app.settings.queue).lease_kept(batch_id, owner):
        return _process_claimed(app, batch_id)


def _process_claimed(app: App, batch_id: int) -> BatchOutcome:
    settings = app.settings
    batch, files = app.store.batch_files(batch_id)  # attempts already counts this one (the claim)
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
            if not path.is_file():  # not the input's fault: retried, never blamed on the scan
                raise ArchiveError(f"the archived original {batch_file.sha256} is not in {app.archive.root}",
                                   stage=Stage.RASTERIZE, remedy="restore the archive folder from backup; "
                                   "daemons of one district must share one data folder")
            stage, mark = Stage.RASTERIZE, time.monotonic()
            for source in _rasterize(app, batch_file):
                stage_ms[Stage.RASTERIZE.value] += _ms_since(mark)
                stage, mark = Stage.OCR, time.monotonic()
                pages.append(_read(app, source, cache))
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
        stage, mark = Stage.CLASSIFY, time.monotonic()
        model = training.current_model(settings.models_dir, app.catalog)
        stage_ms[Stage.CLASSIFY.value] += _ms_since(mark)
        corrections = app.store.operator_corrections(batch_id)  # reprocessing keeps what operators set
        documents = []
        for group in groups:
            stage, mark = Stage.CLASSIFY, time.monotonic()
            text = "\n\n".join(p.text for p in group)
            classification = classify.classify(text, app.catalog, min_confidence=settings.catalog.min_confidence,
                                               model=model)
            correction = corrections.get((group[0].file_ordinal, group[0].file_page))
            if correction:
                classification = review.operator_type(app.catalog, classification, correction)
            stage_ms[Stage.CLASSIFY.value] += _ms_since(mark)
            languages = app.catalog.get(classification.doc_type).languages
            if languages and languages != settings.ocr.languages:
                stage, mark = Stage.OCR, time.monotonic()
                group = _read_again(app, files, group, languages, cache)
                stage_ms[Stage.OCR.value] += _ms_since(mark)
            stage, mark = Stage.EXTRACT, time.monotonic()
            fields = extract.extract(group, app.catalog.get(classification.doc_type))
            if correction:
                fields = review.operator_fields(fields, correction)
            stage_ms[Stage.EXTRACT.value] += _ms_since(mark)
            reasons = review.review_reasons(app.catalog, classification.doc_type, classification.confidence,
                                            [(f.name, f.details) for f in fields], type_source=classification.source)
            documents.append(DocumentResult(group, classification, fields, reasons))

        stage, mark = Stage.INDEX, time.monotonic()
        ids = app.store.file_documents(batch_id, documents, stage_ms=dict(stage_ms))
        logs.log_event(log, "filed", batch=batch_id, stage=Stage.INDEX, ms=_ms_since(started), source=batch.source,
                       documents=len(ids), pages=len(pages), **{f"{k}_ms": v for k, v in stage_ms.items()})
        return BatchOutcome(batch_id, batch.source, "done", tuple(ids))
    except DossierError as error:
        error.with_context(stage=stage, path=current_file)
        return _settle(app, batch_id, batch.source, batch.attempts, error, _ms_since(started))
    except MemoryError:
        error = OutOfMemory("ran out of memory", stage=stage, path=current_file,
                            remedy="it will be retried; lower ocr.dpi or limits.max_page_pixels on small machines")
        return _settle(app, batch_id, batch.source, batch.attempts, error, _ms_since(started))
    except Exception as exc:  # a bug must fail the batch, not the daemon
        log.exception("unexpected error in batch %s", batch_id)
        error = InternalError(f"internal error: {type(exc).__name__}: {exc}", stage=stage, path=current_file,
                              remedy="report it to the administrator; reprocess the batch once fixed")
        return _settle(app, batch_id, batch.source, batch.attempts, error, _ms_since(started))


def _read_again(app: App, files: list[BatchFile], pages: list[PageText], languages: str,
                cache: _Cache) -> list[PageText]:
    """The pages of a document, the OCR'd ones read again in the languages its type asks for
    (the bilingual ID card: "vie+eng"). Pages are rasterized again rather than kept in memory."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for page in pages:
        if page.method == "ocr" and page.details.get("ocr", {}).get("languages") != languages:
            wanted[page.file_ordinal].add(page.file_page)
    again: dict[tuple[int, int], PageText] = {}
    for batch_file in files:
        if batch_file.ordinal not in wanted:
            continue
        for source in _rasterize(app, batch_file, pages=wanted[batch_file.ordinal]):
            again[(source.file_ordinal, source.file_page)] = _read(app, source, cache, languages)
    return [again.get((p.file_ordinal, p.file_page), p) for p in pages]


def _rasterize(app: App, batch_file: BatchFile, pages: set[int] | None = None) -> Iterator[PageSource]:
    """The pages of an archived original (only `pages`, 1-based, when given)."""
    settings = app.settings
    return rasterize.iter_pages(app.archive.path_for(batch_file.sha256), batch_file.media_type,
                                file_ordinal=batch_file.ordinal, dpi=settings.ocr.dpi, limits=settings.limits,
                                pages=pages)


def _read(app: App, source: PageSource, cache: _Cache, languages: str | None = None) -> PageText:
    return read.read_page(source, engine=app.engine, settings=app.settings.ocr, languages=languages, cache=cache,
                          max_pixels=app.settings.limits.max_page_pixels)


def _settle(app: App, batch_id: int, source: str, attempt: int, error: DossierError, ms: int) -> BatchOutcome:
    queue = app.settings.queue
    if error.transient and attempt < queue.max_attempts:
        delay = queue.retry_base_seconds * 2 ** (attempt - 1)
        app.store.retry_later(batch_id, error, delay)
        logs.log_event(log, "retry", level=30, batch=batch_id, stage=error.stage, ms=ms, reason=error.one_line(),
                       delay_s=delay)
        return BatchOutcome(batch_id, source, "retry", error=error)
    app.store.fail_batch(batch_id, error)
    logs.log_event(log, "failed", level=30, batch=batch_id, stage=error.stage, ms=ms, code=error.code,
                   reason=error.one_line())
    return BatchOutcome(batch_id, source, "failed", error=error)


def _ms_since(mark: float) -> int:
    return int((time.monotonic() - mark) * 1000)
