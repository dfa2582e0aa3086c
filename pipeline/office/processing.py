"""Process one queued batch through the stages and file the result.

rasterize → read (text layer or OCR) → split → classify → extract → index.
Errors come back typed, with the stage they happened in: permanent ones fail
the batch at once; transient ones put it back in the queue with a backoff.
"""

from __future__ import annotations

import dataclasses

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pipeline import logs
from pipeline.catalog import DocType
from pipeline.domain import CHECK_BLOCK_NAME, Classification, DocumentResult, ExtractedField, PageSource, PageText
from pipeline.errors import ArchiveError, DossierError, InternalError, NoContent, OutOfMemory, Stage, from_os_error
from pipeline.office.app import App
from pipeline.office.pages import PageReaders
from pipeline.office.queue import JobQueue
from pipeline.stages import classify, extract, procedure, rasterize, read, reconcile, review, split, training
from pipeline.store.models import BatchFile

log = logs.get_logger("processing")

# Hears of each page once read: the page and the name of its file (as the operator knows it).
PageHeard = Callable[[PageText, str], None]

# A page with fewer word characters than this is treated as blank.
MIN_TEXT_CHARS = 8


@dataclass(frozen=True)
class BatchOutcome:
    batch_id: int
    source: str
    status: str  # done | failed | retry
    document_ids: tuple[int, ...] = ()
    error: DossierError | None = None


@dataclass
class StageClock:
    """Which stage a batch is in, and the time spent in each: what the `done` event and a failure record.

    `with clock(Stage.OCR):` times its body and makes OCR the stage an error
    inside it is blamed on; time spent in a stage adds up over the pages.
    """

    stage: Stage = Stage.RASTERIZE
    ms: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    started: float = field(default_factory=time.monotonic)

    @contextmanager
    def __call__(self, stage: Stage) -> Iterator[None]:
        self.stage, mark = stage, time.monotonic()
        try:
            yield
        finally:
            self.ms[stage.value] += _ms_since(mark)

    @property
    def total_ms(self) -> int:
        return _ms_since(self.started)


class _Cache:
    """The store's OCR cache seen through the read stage's interface."""

    def __init__(self, app: App) -> None:
        self._store = app.store

    def get(self, key):
        return self._store.cache_get(key)

    def put(self, key, result) -> None:
        self._store.cache_put(key, result)


class Progress:
    """What a daemon's worker is on, written to its status row (`dossier status`): batch, stage, page N of M.

    Advisory: a store that fails to take it costs nothing but a stale line in `dossier status`.
    """

    def __init__(self, app: App, owner: str, *, enabled: bool) -> None:
        self.store, self.owner, self.enabled = app.store, owner, enabled

    def __call__(self, **progress: object) -> None:
        if not self.enabled:
            return
        try:
            self.store.heartbeat(self.owner, **progress)
        except DossierError:
            self.enabled = False  # the store is away: not asked again at every page of this batch


def process_batch(app: App, batch_id: int, *, owner: str, readers: PageReaders | None = None,
                  on_page: PageHeard | None = None, report_progress: bool = False) -> BatchOutcome:
    """Process a batch that `owner` has claimed from the queue, renewing the claim while it works.

    `readers`: page-reader processes to read its pages in parallel (`dossier ingest`); `on_page(page,
    file name)` hears of every page once read, in order (the progress bar); `report_progress`: write
    the batch and page being read to `owner`'s status row (daemon workers, `dossier status`).
    """
    progress = Progress(app, owner, enabled=report_progress)
    with JobQueue(app.store, app.settings.queue).lease_kept(batch_id, owner):
        try:
            return _process_claimed(app, batch_id, progress, readers, on_page)
        finally:
            progress(batch_id=None, source=None, stage=None, page=None, pages=None)


def _process_claimed(app: App, batch_id: int, progress: Progress, readers: PageReaders | None = None,
                     on_page: PageHeard | None = None) -> BatchOutcome:
    batch, files = app.store.batch_files(batch_id)  # attempts already counts this one (the claim)
    clock = StageClock()
    where = [batch.source]  # the file an error is blamed on: a folder dossier's member while it is read
    try:
        app.store.set_stage(batch_id, Stage.RASTERIZE.value)
        progress(batch_id=batch_id, source=batch.source, stage=Stage.RASTERIZE.value, page=None,
                 pages=_page_count(app, files) if progress.enabled else None)
        pages = _read_files(app, batch, files, clock, where, progress, readers=readers, on_page=on_page)
        app.store.set_stage(batch_id, Stage.CLASSIFY.value)
        progress(stage=Stage.CLASSIFY.value, page=None)
        with clock(Stage.SPLIT):
            groups = split.split(pages, app.catalog)
        with clock(Stage.CLASSIFY):
            model = training.current_model(app.settings.models_dir, app.catalog)
        corrections = app.store.operator_corrections(batch_id)  # reprocessing keeps what operators set
        documents = [_document(app, files, group, model, corrections, clock) for group in groups]
        with clock(Stage.EXTRACT):  # the documents naming one citizen vote on name, ID and birth date
            documents = _reconciled(app, documents)
        dossier = procedure.settle(app.procedures, batch.procedure, batch.procedure_source,
                                   [(d.classification.doc_type, d.text) for d in documents])
        with clock(Stage.INDEX):
            ids = app.store.file_documents(batch_id, documents, stage_ms=dict(clock.ms), procedure=dossier)
        logs.log_event(log, "filed", batch=batch_id, stage=Stage.INDEX, ms=clock.total_ms, source=batch.source,
                       documents=len(ids), pages=len(pages), **{f"{k}_ms": v for k, v in clock.ms.items()})
        return BatchOutcome(batch_id, batch.source, "done", tuple(ids))
    except DossierError as error:
        error.with_context(stage=clock.stage, path=where[-1])
        return _settle(app, batch_id, batch.source, batch.attempts, error, clock.total_ms)
    except MemoryError:
        error = OutOfMemory("ran out of memory", stage=clock.stage, path=where[-1],
                            remedy="it will be retried; lower ocr.dpi or limits.max_page_pixels on small machines")
        return _settle(app, batch_id, batch.source, batch.attempts, error, clock.total_ms)
    except Exception as exc:  # a bug must fail the batch, not the daemon
        if isinstance(exc, OSError) and exc.errno is not None:  # the machine refused (a full disk: retried)
            error = from_os_error(exc, stage=clock.stage, path=where[-1])
            return _settle(app, batch_id, batch.source, batch.attempts, error, clock.total_ms)
        log.exception("unexpected error in batch %s", batch_id)
        error = InternalError(f"internal error: {type(exc).__name__}: {exc}", stage=clock.stage, path=where[-1],
                              remedy="report it to the administrator; reprocess the batch once fixed")
        return _settle(app, batch_id, batch.source, batch.attempts, error, clock.total_ms)


def _page_count(app: App, files: list[BatchFile]) -> int | None:
    """How many pages the batch has (None: not known before reading it, e.g. a damaged file)."""
    try:
        return sum(rasterize.page_count(app.archive.path_for(f.sha256), f.media_type, limits=app.settings.limits)
                   for f in files)
    except (DossierError, OSError):
        return None


def _read_files(app: App, batch, files: list[BatchFile], clock: StageClock, where: list[str],
                progress: Progress, *, readers: PageReaders | None = None,
                on_page: PageHeard | None = None) -> list[PageText]:
    """Every page of every original, read in order; `where` names the file being read, for errors.

    With `readers` of more than one process, pages are rendered here one at a time and read by
    them in parallel (`pipeline.office.pages`); otherwise each page is read here after its rendering.
    """
    cache = _Cache(app)

    def rasterized() -> Iterator[tuple[PageSource, str]]:
        for batch_file in files:
            name = batch.source if batch.kind == "file" else f"{batch.source}/{batch_file.name}"
            where.append(name)
            if not app.archive.path_for(batch_file.sha256).is_file():  # not the input's fault: retried
                raise ArchiveError(f"the archived original {batch_file.sha256} is not in {app.archive.root}",
                                   stage=Stage.RASTERIZE, remedy="restore the archive folder from backup; "
                                   "daemons of one district must share one data folder")
            sources = _rasterize(app, batch_file)
            while True:
                with clock(Stage.RASTERIZE):
                    source = next(sources, None)
                clock.stage = Stage.OCR
                if source is None:
                    break
                yield source, name
            where.pop()

    pages: list[PageText] = []

    def heard(page: PageText, name: str) -> None:
        progress(stage=Stage.OCR.value, page=len(pages))
        if on_page is not None:
            on_page(page, name)

    if readers is not None and readers.parallel:
        mark, rendering_before = time.monotonic(), clock.ms[Stage.RASTERIZE.value]
        try:
            pages.extend(readers.read_in_order(
                rasterized(), read_here=lambda source: _read(app, source, cache),
                cached=lambda source: _cached(app, source, cache), keep=cache.put, on_page=heard,
                blame=where.append))
        finally:  # the time spent rendering is the rasterize stage's, the rest waiting for the readers
            clock.ms[Stage.OCR.value] += _ms_since(mark) - (clock.ms[Stage.RASTERIZE.value] - rendering_before)
    else:
        for source, name in rasterized():
            with clock(Stage.OCR):
                pages.append(_read(app, source, cache))
            heard(pages[-1], name)
    if sum(sum(ch.isalnum() for ch in p.text) for p in pages) < MIN_TEXT_CHARS:
        raise NoContent("no text found on any page", stage=Stage.OCR,
                        remedy="check the scan: blank page, scanner lid open, or a photo without a document")
    return pages


def _cached(app: App, source: PageSource, cache: _Cache) -> bool:
    """Whether the OCR cache already holds this page's reading (then it is read here, without OCR)."""
    key = read.cache_key(source.image, engine=app.engine, languages=app.settings.ocr.languages, dpi=source.dpi,
                         max_pixels=app.settings.limits.max_page_pixels)
    return cache.get(key) is not None


def _document(app: App, files: list[BatchFile], group: list[PageText], model, corrections,
              clock: StageClock) -> DocumentResult:
    """One document of the batch: classified (or as an operator typed it), read again in its type's
    languages when it has its own, its fields extracted, and why it needs review if it does."""
    settings = app.settings
    with clock(Stage.CLASSIFY):
        text = "\n\n".join(p.text for p in group)
        classification = classify.classify(text, app.catalog, min_confidence=settings.catalog.min_confidence,
                                           model=model)
        correction = corrections.get((group[0].file_ordinal, group[0].file_page))
        if correction:
            classification = review.operator_type(app.catalog, classification, correction)
    doc_type = app.catalog.get(classification.doc_type)
    office_group = group  # read in the office's languages
    own_languages = bool(doc_type.languages) and doc_type.languages != settings.ocr.languages
    if own_languages:
        with clock(Stage.OCR):
            group = _read_again(app, files, group, doc_type.languages)
    with clock(Stage.EXTRACT):
        reading = extract.read_document(group, doc_type)
    if settings.ocr.reread and _worth_reading_again(reading, doc_type):
        with clock(Stage.OCR):
            group = _reread_values(app, files, group)
        with clock(Stage.EXTRACT):
            reading = extract.read_document(group, doc_type)
    if settings.ocr.reread and _missing_citizen_values(reading, doc_type):
        reading = _missing_read_again(app, files, group, reading, doc_type, clock)
    with clock(Stage.EXTRACT):
        if own_languages:  # read again in the type's languages: names as the office's languages read them
            reading = extract.with_names_of(reading, extract.read_document(office_group, doc_type),
                                            app.catalog.person_fields)
        fields = reading.fields
        if correction:
            fields = review.operator_fields(fields, correction)
    reasons = _review_reasons(app, classification, fields, reading.unread)
    return DocumentResult(group, classification, fields, reasons, unread=reading.unread,
                          candidates=reading.candidates)


def _review_reasons(app: App, classification: Classification, fields: list[ExtractedField],
                    unread: list[str]) -> list[str]:
    """Why a document needs a human (`review.review_reasons`), the notes of values it now has left out."""
    return review.review_reasons(app.catalog, classification.doc_type, classification.confidence,
                                 [(f.name, f.details) for f in fields], type_source=classification.source,
                                 min_confidence=app.settings.catalog.min_confidence,
                                 unread=[note for note in unread
                                         if not any(note.startswith(f.name + " ") for f in fields)])


def _reconciled(app: App, documents: list[DocumentResult]) -> list[DocumentResult]:
    """The documents after the ones naming one citizen voted, with the values they supplied to each
    other; a document given a value has its review reasons made again."""
    types = [app.catalog.get(d.classification.doc_type) for d in documents]
    # a field its type requires is printed on every document of the type: missing, it was not read
    results = reconcile.reconcile([(d.classification.doc_type, d.fields) for d in documents],
                                  unread=[d.unread_fields | set(t.required) for d, t in zip(documents, types)],
                                  candidates=[d.candidates for d in documents],
                                  records=[t.record_of for t in types],
                                  applicants=[t.fields if t.applicant else () for t in types],
                                  identity_cards=[t.group == extract.IDENTITY_GROUP for t in types])
    out = []
    for document, result in zip(documents, results):
        reasons = document.review_reasons
        if {f.name for f in result.fields} - {f.name for f in document.fields}:
            reasons = _review_reasons(app, document.classification, result.fields, document.unread)
        out.append(dataclasses.replace(document, fields=result.fields, review_reasons=reasons + result.reasons))
    return out


def _read_again(app: App, files: list[BatchFile], pages: list[PageText], languages: str) -> list[PageText]:
    """The pages of a document, the OCR'd ones read again in the languages its type asks for
    (the bilingual ID card: "vie+eng")."""
    cache = _Cache(app)
    return _pages_again(app, files, pages,
                        wanted=lambda page: page.details.get("ocr", {}).get("languages") != languages,
                        read=lambda page, source: _read(app, source, cache, languages))


def _pages_again(app: App, files: list[BatchFile], pages: list[PageText], *, wanted: Callable[[PageText], bool],
                 read: Callable[[PageText, PageSource], PageText | None]) -> list[PageText]:
    """The pages of a document, the OCR'd ones `wanted` replaced by what `read` makes of them and of
    their page rasterized again (None: kept as they are). Pages are rasterized again rather than kept
    in memory."""
    places: dict[int, set[int]] = defaultdict(set)
    for page in pages:
        if page.method == "ocr" and wanted(page):
            places[page.file_ordinal].add(page.file_page)
    by_place = {(p.file_ordinal, p.file_page): p for p in pages}
    again: dict[tuple[int, int], PageText] = {}
    for batch_file in files:
        if batch_file.ordinal not in places:
            continue
        for source in _rasterize(app, batch_file, pages=places[batch_file.ordinal]):
            place = (source.file_ordinal, source.file_page)
            if (page := read(by_place[place], source)) is not None:
                again[place] = page
    return [again.get((p.file_ordinal, p.file_page), p) for p in pages]


def _worth_reading_again(reading: extract.Reading, doc_type) -> bool:
    """Whether a document's values are worth reading again from their lines: its type carries a
    name, ID number or birth date that extraction did not find, or a name that does not read as
    one; or, on an identity card, an ID or birth date its machine-readable zone did not confirm
    (the zone, read again alone, often does)."""
    found = {f.name: f for f in reading.fields}
    unconfirmed = (doc_type is not None and doc_type.group == extract.IDENTITY_GROUP
                   and any(found[name].details.get("from") != "mrz"
                           for name in _citizen_fields(doc_type) & {"id_number", "date_of_birth"} if name in found))
    return (_missing_citizen_values(reading, doc_type)
            or ("full_name" in found and "validation" in found["full_name"].details) or unconfirmed)


def _missing_citizen_values(reading: extract.Reading, doc_type) -> bool:
    """Whether the document's type carries a name, ID number or birth date extraction did not find."""
    return bool(_citizen_fields(doc_type) - {f.name for f in reading.fields})


def _citizen_fields(doc_type) -> set[str]:
    """Which of the citizen's name, ID number and birth date the document's type carries."""
    return {"full_name", "id_number", "date_of_birth"} & set(doc_type.fields if doc_type else ())


def _missing_read_again(app: App, files: list[BatchFile], group: list[PageText], reading: extract.Reading,
                        doc_type: DocType, clock: StageClock) -> extract.Reading:
    """The reading with the citizen's values it lacks taken, confirmed, from the pages read again: first
    without their dotted fill-in lines, then, if one is still missing, as one block of lines (the
    readings before it are its second readers); see `extract.missing_from`."""
    with clock(Stage.OCR):
        undotted = _read_without_leaders(app, files, group)
    if undotted is not None:
        with clock(Stage.EXTRACT):
            reading = extract.missing_from(reading, extract.read_document(undotted, doc_type),
                                           app.catalog.person_fields, group)
    if not _missing_citizen_values(reading, doc_type):
        return reading
    with clock(Stage.OCR):
        block = _read_as_block(app, files, group)
    if block is None:
        return reading
    with clock(Stage.EXTRACT):
        return extract.missing_from(reading, extract.read_document(block, doc_type), app.catalog.person_fields,
                                    group + (undotted or []), crops=block, source=extract.BLOCK_READING,
                                    check=CHECK_BLOCK_NAME)


def _read_without_leaders(app: App, files: list[BatchFile], pages: list[PageText]) -> list[PageText] | None:
    """The pages of a document, those `extract.worth_reading_without_dots` read again with their dotted
    fill-in lines painted out (`read.read_without_leaders`: none when they show none); None when no page was."""
    cache = _Cache(app)
    again = _pages_again(app, files, pages, wanted=extract.worth_reading_without_dots,
                         read=lambda page, source: read.read_without_leaders(
                             source, page, engine=app.engine, settings=app.settings.ocr, cache=cache,
                             max_pixels=app.settings.limits.max_page_pixels))
    return again if any(new is not old for new, old in zip(again, pages)) else None


def _read_as_block(app: App, files: list[BatchFile], pages: list[PageText]) -> list[PageText] | None:
    """The OCR'd pages of a document read again as one block of lines (`read.read_as_block`), their
    labelled values that read as none read again from their lines, as the first reading's are
    (`_reread_values`, here on the page as rasterized once for both); None when no page was OCR'd."""
    cache = _Cache(app)

    def read_as_block(page: PageText, source: PageSource) -> PageText | None:
        block = read.read_as_block(source, page, engine=app.engine, settings=app.settings.ocr, cache=cache,
                                   max_pixels=app.settings.limits.max_page_pixels)
        if block is None or not (lines := extract.lines_to_read_again(block)):
            return block
        return extract.read_again(block, source.image, engine=app.engine, timeout=app.settings.ocr.timeout_seconds,
                                  lines=lines)

    again = _pages_again(app, files, pages, wanted=lambda page: True, read=read_as_block)
    return again if any(new is not old for new, old in zip(again, pages)) else None


def _reread_values(app: App, files: list[BatchFile], pages: list[PageText]) -> list[PageText]:
    """The pages of a document, those with a labelled ID, birth date or name that read as none
    carrying that value read again from its line alone (`extract.read_again`)."""
    lines = {(p.file_ordinal, p.file_page): extract.lines_to_read_again(p) for p in pages if p.method == "ocr"}

    def read(page: PageText, source: PageSource) -> PageText | None:
        if source.image is None:  # a trusted text layer: nothing to read again
            return None
        return extract.read_again(page, source.image, engine=app.engine, timeout=app.settings.ocr.timeout_seconds,
                                  lines=lines[(page.file_ordinal, page.file_page)])

    return _pages_again(app, files, pages, wanted=lambda page: bool(lines.get((page.file_ordinal, page.file_page))),
                        read=read)


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
