"""Connecting to the store, within bounds of time, and keeping its schema current (Alembic).

Every database call is bounded: connecting by `store.connect_timeout_seconds`,
every statement by `store.statement_timeout_seconds` (`None`: unbounded, for
the migrations and index rebuilds of `dossier init`).

- PostgreSQL: libpq's `connect_timeout`, and the server's `statement_timeout`;
  a server that stops answering altogether (a frozen host, a stalled network
  path) cannot enforce its own timeout, so the client gives up too, a few
  seconds later, and drops the connection (`_BoundedConnection`).
- SQLite: the busy timeout bounds the wait for another writer's lock, and a
  progress handler interrupts a statement that runs past its time.

Exceeding a bound is `StoreUnavailable` (transient: retried), and its message
names the bound that was hit.
"""

from __future__ import annotations

import math
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from pipeline.errors import StoreError, StoreUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# SQLite waits this long for another writer (daemon workers, an operator's
# ingest) before "database is locked" when no statement timeout is set.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# How often (in SQLite virtual machine steps) a running statement checks its deadline: about a millisecond.
SQLITE_PROGRESS_STEPS = 10_000
# The client waits this much longer than the server's own statement timeout before it gives up on the server.
CLIENT_GRACE_SECONDS = 5.0
SUPPORTED_URLS = "sqlite:///PATH or postgresql://USER@HOST/DATABASE"


@dataclass(frozen=True)
class Timeouts:
    """The bounds of one store's calls (configuration keys store.connect_timeout_seconds and
    store.statement_timeout_seconds)."""

    connect_seconds: float = 10.0
    statement_seconds: float | None = 30.0

    def unbounded(self) -> Timeouts:
        """Statements without a time bound: migrations and index rebuilds may rightly take long."""
        return Timeouts(self.connect_seconds, None)


DEFAULT_TIMEOUTS = Timeouts()


def database_url(text: str) -> URL:
    """The URL of a supported store, or a StoreError saying which forms are understood.

    `postgres://` and `postgresql://` (what other tools print) mean PostgreSQL through psycopg,
    the one driver shipped. The URL is never repeated in the message: it may hold a password.
    """
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise StoreError("the database URL (--db, DOSSIER_DB_URL or store.url) is not a URL",
                         remedy=f"give {SUPPORTED_URLS}") from None
    backend, _, driver = url.drivername.partition("+")
    if backend in ("postgres", "postgresql") and driver in ("", "psycopg"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if not url.database or url.database == ":memory:":
            raise StoreError("a SQLite store needs a file", remedy=f"give {SUPPORTED_URLS}")
        return url
    raise StoreError(f"unsupported database {url.drivername!r}: dossier stores into SQLite or PostgreSQL "
                     "(through psycopg)", remedy=f"give {SUPPORTED_URLS}")


def make_engine(url: str | URL, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> Engine:
    url = database_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        busy_seconds = timeouts.statement_seconds or SQLITE_BUSY_TIMEOUT_MS / 1000
        engine = create_engine(url, connect_args={"timeout": busy_seconds})
        event.listen(engine, "connect", _sqlite_setup(busy_seconds, timeouts.statement_seconds))
        event.listen(engine, "begin", _sqlite_begin)
        if timeouts.statement_seconds:
            event.listen(engine, "before_cursor_execute", _start_statement_clock)
    else:
        options = {"connect_timeout": max(2, math.ceil(timeouts.connect_seconds))}
        if timeouts.statement_seconds:
            options["options"] = f"-c statement_timeout={int(timeouts.statement_seconds * 1000)}"
        engine = create_engine(url, pool_pre_ping=True, connect_args=options)
        event.listen(engine, "do_connect", _bounded_connect(timeouts))
    _TIMEOUTS[engine] = timeouts  # read back by `unavailable` to name the bound that was hit
    return engine


_TIMEOUTS: weakref.WeakKeyDictionary[Engine, Timeouts] = weakref.WeakKeyDictionary()


# --- SQLite -------------------------------------------------------------------------


class _Deadline:
    """When the statement running on one SQLite connection must stop (its progress handler asks)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.at = math.inf

    def start(self) -> None:
        self.at = time.monotonic() + self.seconds if self.seconds else math.inf

    def passed(self) -> int:
        return int(time.monotonic() > self.at)  # non-zero: SQLite interrupts the statement


def _sqlite_setup(busy_seconds: float, statement_seconds: float | None):
    def setup(dbapi_conn, record) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun explicitly (see _sqlite_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the daemon's writers
        cur.execute("PRAGMA synchronous=FULL")  # a committed batch survives a power cut
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        cur.close()
        if statement_seconds:
            deadline = record.info["deadline"] = _Deadline(statement_seconds)
            dbapi_conn.set_progress_handler(deadline.passed, SQLITE_PROGRESS_STEPS)

    return setup


def _start_statement_clock(conn, cursor, statement, parameters, context, executemany) -> None:
    # Rows are stepped through after execute returns: the deadline stays until the next statement.
    deadline = conn.connection.info.get("deadline") if conn.connection is not None else None
    if deadline is not None:
        deadline.start()


def _sqlite_begin(conn) -> None:
    # pysqlite's implicit transactions are switched off (see _sqlite_setup) so
    # that a writer that must not be refused halfway (the queue's claim) can ask
    # for the write lock up front with execution_options(sqlite_immediate=True).
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# --- PostgreSQL ---------------------------------------------------------------------


def _bounded_connect(timeouts: Timeouts):
    answer_seconds = timeouts.statement_seconds + CLIENT_GRACE_SECONDS if timeouts.statement_seconds else None

    def connect(dialect, record, cargs, cparams):
        connection = _BoundedConnection.connect(*cargs, **cparams)
        connection.answer_seconds = answer_seconds
        return connection

    return connect


def _bounded_connection_class():
    import psycopg

    class BoundedConnection(psycopg.Connection):
        """A psycopg connection that waits for the server at most `answer_seconds` at a time.

        Every exchange with the server (statements, commits, pings) goes through `wait`;
        a server that does not answer in time gets its connection closed, so the pool
        never hands it out again, and the caller sees an OperationalError.
        """

        answer_seconds: float | None = None

        def wait(self, gen, interval=0.1, timeout=None):
            try:
                return super().wait(gen, interval, timeout if timeout is not None else self.answer_seconds)
            except psycopg.OperationalError as exc:
                if type(exc).__name__ != "_WaitTimeout":
                    raise
                self.close()
                raise psycopg.OperationalError(
                    f"{NO_ANSWER} within {self.answer_seconds:g} s, connection dropped") from None

    return BoundedConnection


NO_ANSWER = "the database server did not answer"
_BoundedConnection = _bounded_connection_class()


# --- schema ----------------------------------------------------------------------


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    cfg = _alembic_config(engine)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise unavailable(engine, exc) from None


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise unavailable(engine, exc) from None


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


def unavailable(engine: Engine, exc: SQLAlchemyError) -> StoreUnavailable:
    """The store failed to answer: the message says which bound was hit, when one was."""
    cause = getattr(exc, "orig", None) or exc
    detail = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    timeouts = _TIMEOUTS.get(engine, DEFAULT_TIMEOUTS)
    lowered = detail.lower()
    if "statement timeout" in lowered or lowered == "interrupted":
        message = f"a statement ran longer than store.statement_timeout_seconds ({timeouts.statement_seconds:g} s)"
        remedy = "check the load of the machine holding the store, or raise the bound"
    elif NO_ANSWER in detail:
        message = f"{detail} (store.statement_timeout_seconds + {CLIENT_GRACE_SECONDS:g} s)"
        remedy = "check the database server and the network to it"
    elif "connection timeout expired" in lowered or "timeout expired" in lowered:
        message = f"no connection to the store within store.connect_timeout_seconds ({timeouts.connect_seconds:g} s)"
        remedy = f"check that the database server at {_safe_url(engine)} is running and reachable"
    elif "database is locked" in lowered:
        message = "the store stayed locked by another process longer than its busy timeout"
        remedy = "a long `dossier init` or backup may hold it; try again"
    elif "disk is full" in lowered or "no space left" in lowered:
        message = "the disk holding the store is full"
        remedy = "free some space on it; nothing was lost"
    else:
        message = f"cannot reach the store at {_safe_url(engine)}: {detail}"
        remedy = "check --db / DOSSIER_DB_URL and that the database server is running"
    return StoreUnavailable(message, remedy=remedy)


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
