"""Shared fixtures: isolated data dirs, the CLI as users run it, and PostgreSQL.

PostgreSQL tests need the server at 127.0.0.1:5432 (trust auth, user postgres).
Under CI (CI=true) an unreachable server fails those tests; elsewhere they skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_scans"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
PG_ADMIN_URL = os.environ.get("DOSSIER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"

# dossier speaks Vietnamese by default; the tests written before it did read its English
# (the language tests choose LANG themselves). Set here, so that every way a test runs the
# command (subprocess, daemon, in-process `main`) inherits it.
os.environ["LANG"] = "en_US.UTF-8"
for _name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_name, None)


@pytest.fixture(autouse=True)
def _messages_in_english_after_each_test():
    """A command run in-process in Vietnamese leaves its language active in this process: the next test reads English."""
    yield
    from pipeline.i18n import ENGLISH, activate

    activate(ENGLISH)


def corpus_file(relative: str) -> Path:
    """A file of ../shared/corpus; the test skips (with the reason) on a clone without it."""
    path = CORPUS / relative
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent (fresh clone without the development corpus)")
    assert path.exists(), f"corpus file missing: {path}"
    return path


def shipped_catalog_error(tmp_path: Path, line: str, replaced_by: str) -> str:
    """The one-line error loading the shipped catalog with its first `line` replaced, which must name the file."""
    from pipeline.catalog import load_catalog
    from pipeline.config import DEFAULT_CONFIG
    from pipeline.errors import ConfigError

    shipped = (DEFAULT_CONFIG.parent / "catalog.toml").read_text(encoding="utf-8")
    assert line in shipped
    broken = tmp_path / "catalog.toml"
    broken.write_text(shipped.replace(line, replaced_by, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_catalog(broken)
    assert str(broken) in error.value.one_line()
    return error.value.one_line()


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@dataclass
class Dossier:
    """Runs the real `dossier` command against one data dir (and optionally one database)."""

    data_dir: Path
    db_url: str | None = None
    config: Path | None = None

    def __call__(self, *args: str, timeout: float = 900, env: dict[str, str] | None = None) -> CliResult:
        command = [sys.executable, "-m", "pipeline", "--data-dir", str(self.data_dir)]
        if self.db_url:
            command += ["--db", self.db_url]
        if self.config:
            command += ["--config", str(self.config)]
        result = subprocess.run([*command, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                                env={**os.environ, **(env or {})})
        return CliResult(result.returncode, result.stdout, result.stderr)


@pytest.fixture
def dossier(tmp_path: Path) -> Dossier:
    runner = Dossier(data_dir=tmp_path / "data")
    result = runner("init")
    assert result.code == 0, result.err
    return runner


def _pg_admin_engine():
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of a reachable PostgreSQL; fail under CI, skip elsewhere, when there is none."""
    from sqlalchemy import text

    try:
        with _pg_admin_engine().connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "unreachable"
        message = f"PostgreSQL unreachable at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}"
        if IN_CI:
            pytest.fail(message + " (CI requires it; .ci/run starts it)")
        pytest.skip(message)
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    from sqlalchemy import text

    name = f"dossier_test_{uuid.uuid4().hex[:12]}"
    engine = _pg_admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    """Run a test on both backends: they must behave the same for users."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("pg_url")


def indexed_store(url: str):
    """A store as the application opens it: with the search indexer of the shipped catalog."""
    from pipeline.catalog import load_catalog
    from pipeline.search.index import SearchIndexer
    from pipeline.store.repository import Store

    return Store(url, indexer=SearchIndexer(load_catalog(ROOT / "configs" / "catalog.toml")))


def batch_rows(store, status: str | None = None) -> list[dict]:
    """The store's batches as `dossier batches --json` shows them."""
    from pipeline.cli.views import batch_view

    return [batch_view(b) for b in store.batches(status=status)]


@pytest.fixture
def store(store_url: str):
    """A migrated store on each backend (`store_url` runs the test on SQLite and PostgreSQL)."""
    migrated = indexed_store(store_url)
    migrated.init_schema()
    yield migrated
    migrated.dispose()


def expected_samples() -> dict:
    return json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))


@contextmanager
def event_log_unguarded(store) -> Iterator[None]:
    """Tests only: lift the append-only triggers of the event log (revision 0005), then put them back.

    What a test needs to backdate events, delete a batch, or play an intruder who tampers
    with the log; the hash chain still tells (`dossier audit --verify`).
    """
    from sqlalchemy import text

    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                         "AND tbl_name = 'event'")).all()
            for name, _ in triggers:
                conn.execute(text(f"DROP TRIGGER {name}"))
        else:
            conn.execute(text("ALTER TABLE event DISABLE TRIGGER USER"))
    try:
        yield
    finally:
        with store.engine.begin() as conn:
            if store.dialect == "sqlite":
                for _, sql in triggers:
                    conn.execute(text(sql))
            else:
                conn.execute(text("ALTER TABLE event ENABLE TRIGGER USER"))
