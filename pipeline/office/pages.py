"""Reading the pages of one batch on every core: a pool of page-reader processes.

One long PDF would otherwise be read on one core while the others wait. The batch's
process still rasterizes the pages one at a time (a page's image is in memory only
from its rendering until a reader has read it, and at most `2 x size` pages are in
flight); each page image goes to a reader process, which preprocesses and OCRs it
with its own engine (Tesseract with one thread, `OMP_THREAD_LIMIT=1`), and the
readings come back in page order. An error raised in a reader comes back as it
was raised (typed, with its stage); a reader that dies takes the pool with it and
the page fails as an internal error, the batch keeping its usual retry policy.

Readers are started with "spawn" (the batch's process may hold threads: the lease
keeper), ignore Ctrl-C (whoever started them decides, and stops them), and exit
by themselves when their parent is gone. The pool is started on the first batch
with more than one page to read and kept for the next ones.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from PIL import Image

from pipeline.archive import formats
from pipeline import logs
from pipeline.config import LimitSettings, Settings
from pipeline.domain import OcrResult, PageSource, PageText
from pipeline.errors import InternalError, Stage
from pipeline.stages import read
from pipeline.stages.engines import poppler
from pipeline.stages.engines.tesseract import OcrEngine, make_engine

PARENT_CHECK_SECONDS: Final = 1.0
IN_FLIGHT_PER_READER: Final = 2  # pages rendered ahead of the readers: enough to keep them busy

_spawn = multiprocessing.get_context("spawn")


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ctrl-C ignored while child processes start: they inherit it through exec, so a Ctrl-C
    during their start-up is the parent's alone (no half-started child printing a traceback)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class RecordingCache:
    """The OCR cache as a reader sees it: the parent's answer for this page, and what the reader adds."""

    def __init__(self, known: dict[str, OcrResult] | None = None) -> None:
        self.known = dict(known or {})
        self.added: dict[str, OcrResult] = {}

    def get(self, key: str) -> OcrResult | None:
        return self.known.get(key)

    def put(self, key: str, result: OcrResult) -> None:
        self.added[key] = result


@dataclass(frozen=True)
class Reading:
    """A page read by a reader process: its text, what it adds to the OCR cache, and who read it."""

    page: PageText
    cache_added: dict[str, OcrResult]
    pid: int


# --- inside a reader process -------------------------------------------------

_reader: dict[str, Any] = {}


def _reader_start(settings: Settings, parent_pid: int, log_level: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    logs.configure(log_level, settings.logging.format, tracebacks=False)
    _reader["settings"] = settings
    _reader["engine"] = make_engine(settings.ocr.engine)  # sets OMP_THREAD_LIMIT=1 before Tesseract loads

    def exit_when_orphaned() -> None:  # a parent killed with -9 must not leave readers behind
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=exit_when_orphaned, name="orphan-check", daemon=True).start()


def _read_in_reader(source: PageSource, languages: str | None) -> Reading:
    settings: Settings = _reader["settings"]
    engine: OcrEngine = _reader["engine"]
    cache = RecordingCache()
    page = read.read_page(source, engine=engine, settings=settings.ocr, languages=languages, cache=cache,
                          max_pixels=settings.limits.max_page_pixels)
    return Reading(page, cache.added, os.getpid())


# --- in the batch's process ----------------------------------------------------


class PageReaders:
    """`size` reader processes, started when first needed; `size` 1 reads in the calling process."""

    def __init__(self, settings: Settings, size: int) -> None:
        self.settings = settings
        self.size = max(1, size)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def parallel(self) -> bool:
        return self.size > 1

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.size, mp_context=_spawn, initializer=_reader_start,
                                             initargs=(self.settings, os.getpid(), logs.current_level()))
            for _ in range(self.size):  # every reader starts now, not only once the first is busy
                self._pool.submit(os.getpid)
        return self._pool

    def read_in_order(self, sources: Iterable[tuple[PageSource, str]], *, read_here: Callable[[PageSource], PageText],
                      cached: Callable[[PageSource], bool], keep: Callable[[str, OcrResult], None],
                      on_page: Callable[[PageText, str], None], blame: Callable[[str], None]) -> Iterator[PageText]:
        """The readings of `sources` ((page, file name) pairs, rasterized lazily), in their order.

        Pages with a trusted text layer or an answer in the OCR cache are read here (no OCR);
        the others go to the readers, except a lone one: the first page to OCR waits for a
        second, and a batch with only one is read here, without starting reader processes.
        `keep` stores what readers add to the cache; `on_page` hears of each page read;
        `blame(name)` is called with the page's file before its error is raised.
        """
        pending: deque[_Slot] = deque()
        held: list[_Slot] = []  # the first page to OCR, until a second one comes
        fanned_out = False
        limit = self.size * IN_FLIGHT_PER_READER

        def submit(source: PageSource) -> Future[Reading]:
            with sigint_ignored():  # a reader may be started by this submission
                return self._executor().submit(_read_in_reader, source, None)

        def finish_oldest() -> PageText:
            slot = pending.popleft()
            try:
                if slot.held is not None:
                    slot.page, slot.held = read_here(slot.held), None
                    held.clear()
                elif slot.future is not None:
                    reading = slot.future.result()
                    for key, result in reading.cache_added.items():
                        keep(key, result)
                    slot.page = reading.page
                    slot.page.details["reader_pid"] = reading.pid
            except BrokenProcessPool:
                self._discard()
                blame(slot.name)
                raise InternalError("a page reader process died while reading", stage=Stage.OCR,
                                    remedy="it will be retried; check the log and memory of the machine") from None
            except BaseException:
                blame(slot.name)
                raise
            assert slot.page is not None
            on_page(slot.page, slot.name)
            return slot.page

        try:
            for source, name in sources:
                if source.image is None or cached(source):
                    pending.append(_Slot(name, page=read_here(source)))
                elif not held and not fanned_out:
                    held.append(_Slot(name, held=source))
                    pending.append(held[0])
                else:
                    fanned_out = True
                    for slot in held:  # a second page to OCR: both go to the readers
                        slot.future, slot.held = submit(slot.held), None
                    held.clear()
                    pending.append(_Slot(name, future=submit(source)))
                del source  # the image lives on in its slot or the reader's queue only
                while len(pending) >= limit or (pending and pending[0].ready):
                    yield finish_oldest()
            while pending:
                yield finish_oldest()
        finally:
            for slot in pending:  # an error or an interruption: pages not read are not waited for
                if slot.future is not None:
                    slot.future.cancel()

    def _discard(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            _stop_pool(pool)

    def close(self) -> None:
        self._discard()

    def __enter__(self) -> PageReaders:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class _Slot:
    """One page's place in the order: read already, being read by a reader, or held back (a lone page so far)."""

    name: str
    page: PageText | None = None
    future: Future[Reading] | None = None
    held: PageSource | None = None

    @property
    def ready(self) -> bool:
        return self.page is not None or (self.future is not None and self.future.done())


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the readers now: a page being read is abandoned, not finished."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)


def page_count(path: Path, media_type: str, limits: LimitSettings) -> int:
    """How many pages an archived original has, for a progress bar: PDF pages, image frames; 1 when unsure."""
    try:
        if media_type == formats.PDF:
            return max(1, min(len(poppler.page_infos(path, limits)), limits.max_pages))
        if media_type in formats.SUPPORTED:
            with Image.open(path) as image:
                return max(1, min(getattr(image, "n_frames", 1), limits.max_pages))
    except Exception:  # noqa: BLE001 - a file that cannot be counted fails where it is read, with its reason
        return 1
    return 1
