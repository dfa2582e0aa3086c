"""Connecting to the store and keeping its schema current (Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from pipeline.errors import StoreError, StoreUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# SQLite waits this long for another writer (daemon workers, an operator's
# ingest) before "database is locked"; that error is then retried as transient.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_begin(conn) -> None:
    # pysqlite's implicit transactions are switched off (see _sqlite_pragmas) so
    # that a writer that must not be refused halfway (the queue's claim) can ask
    # for the write lock up front with execution_options(sqlite_immediate=True).
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun explicitly (see "begin" above)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the daemon's writers
    cur.execute("PRAGMA synchronous=FULL")  # a committed batch survives a power cut
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    cfg = _alembic_config(engine)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise _unavailable(engine, exc) from None


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise _unavailable(engine, exc) from None


def check_current(engine: Engine) -> None:
    """Refuse to work on a store whose schema is missing or out of date."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and not Path(database).exists():
        raise StoreError(f"no store at {database}", remedy="run `dossier init` (or check --data-dir / --db)")
    current, head = current_revision(engine), head_revision()
    if current is None:
        raise StoreError(f"the store at {_safe_url(engine)} is not initialised", remedy="run `dossier init`")
    if current != head:
        raise StoreError(
            f"the store schema is at revision {current}, this dossier needs {head}",
            remedy="run `dossier init` to migrate it",
        )


def _unavailable(engine: Engine, exc: SQLAlchemyError) -> StoreUnavailable:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return StoreUnavailable(
        f"cannot reach the store at {_safe_url(engine)}: {detail}",
        remedy="check --db / DOSSIER_DB_URL and that the database server is running",
    )


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
