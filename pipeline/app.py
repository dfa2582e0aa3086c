"""The application context one command or worker process runs with."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pipeline.archive import Archive
from pipeline.catalog import Catalog, load_catalog
from pipeline.config import Settings
from pipeline.stages.ocr import OcrEngine, make_engine
from pipeline.store.repository import Store


@dataclass
class App:
    settings: Settings
    store: Store
    archive: Archive
    _engine: OcrEngine | None = field(default=None, repr=False)

    @classmethod
    def open(cls, settings: Settings, *, check_schema: bool = True) -> App:
        store = Store(settings.db_url)
        if check_schema:
            store.check_schema()
        return cls(settings=settings, store=store, archive=Archive(settings.archive_dir))

    @functools.cached_property
    def catalog(self) -> Catalog:
        return load_catalog(self.settings.catalog_path)

    @property
    def engine(self) -> OcrEngine:
        """The OCR engine of this process, started on first use and then reused."""
        if self._engine is None:
            self._engine = make_engine(self.settings.ocr.engine)
        return self._engine

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
