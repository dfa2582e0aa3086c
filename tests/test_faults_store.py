"""Every call to the store is bounded in time, on both backends, and says which bound it hit.

SQLite: a statement that runs too long is interrupted; a writer that holds the lock too long is
waited for only as long. PostgreSQL, through a TCP proxy (tests/fault_support.py): a server that
stalls mid-session, a connection cut, a statement the server itself cancels; after each, the same
Store works again as soon as the server answers.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
from fault_support import TcpProxy
from sqlalchemy import make_url, text

from pipeline.errors import StoreError, StoreUnavailable
from pipeline.store.db import CLIENT_GRACE_SECONDS, Timeouts, database_url
from pipeline.store.repository import Store

SHORT = Timeouts(connect_seconds=2, statement_seconds=1)
# Around each bound: the time to notice it on a shared, loaded test machine.
SLACK_SECONDS = 10


def elapsed_since(started: float) -> float:
    return time.monotonic() - started


class TestUrls:
    @pytest.mark.parametrize("url", ["not a url", "mysql://u@h/db", "sqlite://", "sqlite:///:memory:",
                                     "postgresql+psycopg2://u@h/db", "oracle://u@h/db"])
    def test_unknown_or_malformed_urls_are_refused_without_repeating_them(self, url):
        with pytest.raises(StoreError) as refused:
            database_url(url)
        assert refused.value.exit_code == 5 and "sqlite:///PATH or postgresql://" in refused.value.one_line()

    def test_a_password_never_appears_in_the_message(self):
        with pytest.raises(StoreError) as refused:
            database_url("postgresql://u:s3cret@h:notaport/db")
        assert "s3cret" not in refused.value.one_line()

    def test_postgres_urls_as_other_tools_write_them_mean_psycopg(self):
        assert database_url("postgres://u@h/db").drivername == "postgresql+psycopg"
        assert database_url("postgresql://u@h/db").drivername == "postgresql+psycopg"


class TestSqlite:
    def test_a_statement_running_past_its_bound_is_interrupted(self, tmp_path):
        store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}", timeouts=SHORT)
        endless = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught, store.session() as session:
            session.execute(text(endless)).scalar()
        assert "store.statement_timeout_seconds (1 s)" in caught.value.one_line()
        assert elapsed_since(started) < 1 + SLACK_SECONDS
        with store.session() as session:  # the next statement has its own time
            assert session.execute(text("select 1")).scalar() == 1
        store.dispose()

    def test_a_writer_holding_the_lock_is_waited_for_only_as_long(self, tmp_path):
        path = tmp_path / "store.sqlite3"
        store = Store(f"sqlite:///{path}", timeouts=SHORT)
        with store.session() as session:
            session.execute(text("create table t (x integer)"))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("begin immediate")  # another process, stuck in the middle of a write
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught, store.session(immediate=True) as session:
            session.execute(text("insert into t values (1)"))
        assert "locked" in caught.value.one_line() and elapsed_since(started) < 1 + SLACK_SECONDS
        other.rollback()
        other.close()
        store.dispose()


@pytest.mark.postgres
class TestPostgresql:
    @pytest.fixture
    def proxy(self, pg_url):
        proxy = TcpProxy((make_url(pg_url).host, make_url(pg_url).port or 5432))
        yield proxy
        proxy.close()

    @pytest.fixture
    def store(self, proxy, pg_url):
        store = Store(proxy.url(pg_url), timeouts=SHORT)
        yield store
        store.dispose()

    def test_a_server_that_stops_answering_mid_session_is_given_up_then_used_again(self, proxy, store):
        assert _select_one(store) == 1
        proxy.stall()
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            _select_one(store)
        # The pooled connection waits statement + grace, a new one the connect bound.
        assert elapsed_since(started) < 1 + CLIENT_GRACE_SECONDS + 2 + SLACK_SECONDS
        proxy.forward()
        assert _select_one(store) == 1

    def test_a_stall_inside_a_statement_says_the_server_did_not_answer(self, proxy, store):
        assert _select_one(store) == 1
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught, store.session() as session:
            session.execute(text("select 1"))
            proxy.stall()  # the connection is checked out already: no ping, no reconnect
            started = time.monotonic()
            session.execute(text("select 2"))
        assert elapsed_since(started) < 1 + CLIENT_GRACE_SECONDS + SLACK_SECONDS
        assert "did not answer within 6 s" in caught.value.one_line()
        proxy.forward()
        assert _select_one(store) == 1

    def test_a_cut_connection_is_unavailable_and_the_store_reconnects(self, proxy, store):
        assert _select_one(store) == 1
        proxy.cut()
        with pytest.raises(StoreUnavailable):
            _select_one(store)
        proxy.forward()
        assert _select_one(store) == 1

    def test_the_server_cancels_a_statement_past_its_bound(self, store):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught, store.session() as session:
            session.execute(text("select pg_sleep(30)"))
        assert "store.statement_timeout_seconds (1 s)" in caught.value.one_line()
        assert elapsed_since(started) < 1 + SLACK_SECONDS


def _select_one(store: Store) -> int:
    with store.session() as session:
        return session.execute(text("select 1")).scalar()
