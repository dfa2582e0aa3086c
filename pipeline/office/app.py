"""The application context one command or worker process runs with: settings, store, archive, catalog,
the city's offices and procedures, engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.archive.originals import Archive
from pipeline.catalog import Catalog, load_catalog
from pipeline.config import Settings
from pipeline.errors import ConfigError
from pipeline.offices import Offices, load_offices
from pipeline.procedures import Procedures, load_procedures
from pipeline.roles import operator_name
from pipeline.search.index import SearchIndexer
from pipeline.stages.engines.tesseract import OcrEngine, make_engine
from pipeline.store.db import Timeouts
from pipeline.store.repository import Store


@dataclass
class App:
    settings: Settings
    store: Store
    archive: Archive
    catalog: Catalog
    offices: Offices
    procedures: Procedures
    _engine: OcrEngine | None = field(default=None, repr=False)

    @classmethod
    def open(cls, settings: Settings, *, check_schema: bool = True) -> App:
        """Open the store (with the search indexer that keeps it in step) and the archive.

        The catalog, offices and procedures are read first: a broken file fails here,
        named, rather than at the first document; so does an office code that the
        city's list does not hold (its receipts would be filed where nobody looks).
        """
        catalog = load_catalog(settings.catalog_path)
        offices = load_offices(settings.offices_path)
        procedures = load_procedures(settings.procedures_path, catalog)
        if settings.office.code not in offices:
            raise ConfigError(f"office {settings.office.code!r} is not one of the city's offices ({offices.path})",
                              path=str(settings.config_path),
                              remedy="correct [office] code, or add the office to offices.toml")
        bounds = settings.store
        store = Store(settings.db_url, indexer=SearchIndexer(catalog),
                      timeouts=Timeouts(bounds.connect_timeout_seconds, bounds.statement_timeout_seconds),
                      actor=operator_name(settings))
        if check_schema:
            try:
                store.check_schema()
            except BaseException:
                store.dispose()
                raise
        return cls(settings=settings, store=store, archive=Archive(settings.archive_dir), catalog=catalog,
                   offices=offices, procedures=procedures)

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
