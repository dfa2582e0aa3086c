"""Who did what: every read and change is an event naming its actor, the event log is append-only and
hash-chained (`dossier audit --verify` finds the first broken link), roles bound what a command may do,
and personal ID numbers are masked in what commands print unless the role or --reveal allows them."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
from alembic import command as alembic_command
from conftest import PG_ADMIN_URL, SAMPLES, Dossier, _pg_admin_engine, event_log_unguarded, indexed_store
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from pipeline.errors import ExitCode, InputError, Stage
from pipeline.store import audit
from pipeline.store.models import Event
from pipeline.store.repository import NewFile

ID_CARD = SAMPLES / "can_cuoc_cong_dan_dang_dang_loc.png"
ID_NUMBER = "079094840469"  # printed on it (sample_scans/EXPECTED.json)
MASKED = "079******469"
OPERATOR_NAME = "lan.counter2"

# The account running the tests is an admin by default (it owns the data folder); this file makes it an operator.
OPERATOR_CONFIG = """
[roles]
admin_users = []
admin_groups = []
data_owner_is_admin = false
"""


def _record(store, n: int, *, fail: bool = False) -> int:
    sha = f"{n:064x}"
    batch_id, _, _ = store.record_batch(source=f"scan{n}.pdf", kind="file", district="Q1", sha256=sha,
                                        files=[NewFile("scan.pdf", sha, 10, "application/pdf")])
    if fail:
        store.fail_batch(batch_id, InputError(f"cccd_{ID_NUMBER}.pdf: unreadable", stage=Stage.RASTERIZE))
    return batch_id


def _events(store) -> list[Event]:
    with store.session() as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


# --- the chain, on both backends ------------------------------------------------------------


def test_every_event_names_its_actor_and_the_chain_verifies(store):
    _record(store, 1)
    _record(store, 2, fail=True)
    store.record_audit("search", office="Q1", detail="query \"x\"; 0 result(s); none shown")
    events = _events(store)
    assert len(events) >= 7
    assert {e.actor for e in events} == {store.actor} and store.actor
    assert events[0].prev_hash == audit.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:]))
    verdict = store.verify_chain()
    assert verdict.intact and verdict.events == len(events) and verdict.head == events[-1].hash


def test_a_failure_reason_is_stored_with_the_id_number_masked(store):
    batch_id = _record(store, 1, fail=True)
    [batch] = store.batches(status="failed")
    assert batch.id == batch_id and MASKED in batch.reason and ID_NUMBER not in batch.reason
    assert all(ID_NUMBER not in (e.detail or "") for e in _events(store))


def test_the_database_refuses_to_change_or_delete_an_event(store):
    batch_id = _record(store, 1)
    for statement in ("UPDATE event SET detail = 'nothing happened'", "DELETE FROM event",
                      f"DELETE FROM batch WHERE id = {batch_id}"):  # ON DELETE SET NULL would change its events
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert store.verify_chain().intact


def test_a_tampered_event_is_the_first_broken_link(store):
    for n in range(3):
        _record(store, n)
    events = _events(store)
    target = events[4]
    with event_log_unguarded(store), store.engine.begin() as conn:  # an intruder with the triggers dropped
        conn.execute(text("UPDATE event SET detail = 'scan9.pdf' WHERE id = :id"), {"id": target.id})
    verdict = store.verify_chain()
    assert not verdict.intact and verdict.broken.event_id == target.id
    assert "content was changed" in verdict.broken.reason


def test_a_removed_event_breaks_the_link_of_the_next_one(store):
    for n in range(3):
        _record(store, n)
    events = _events(store)
    with event_log_unguarded(store), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM event WHERE id = :id"), {"id": events[3].id})
    verdict = store.verify_chain()
    assert verdict.broken.event_id == events[4].id and "does not follow" in verdict.broken.reason


def test_concurrent_writers_never_fork_the_chain(store_url):
    """Several processes' worth of stores append at once; the chain stays one line."""
    first = indexed_store(store_url)
    first.init_schema()
    stores = [first] + [indexed_store(store_url) for _ in range(3)]
    errors = []

    def write(store, n: int) -> None:
        try:
            for i in range(8):
                store.record_audit("search", office="Q1", detail=f"writer {n} search {i}")
                _record(store, 100 * n + i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    verdict = first.verify_chain()
    assert verdict.intact and verdict.events == 4 * 8 * 4  # a search, then received, archived, queued
    for store in stores:
        store.dispose()


def test_revision_0005_chains_the_events_already_recorded(store_url):
    """A store filled before the audit: upgraded, its events are chained as the code chains new ones."""
    from test_migrations import _at_revision

    store = indexed_store(store_url)
    _at_revision(store, "0004")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO batch (id, source, kind, office, sha256, status, attempts, available_at, "
                          "created_at, updated_at) VALUES (1000, 'a.pdf', 'file', 'Q1', :sha, 'done', 1, "
                          "'2025-06-30 09:15:00.123456', '2025-06-30 09:15:00', '2025-06-30 09:15:00')"),
                     {"sha": "1" * 64})
        for n, action in enumerate(("received", "queued", "done")):
            conn.execute(text("INSERT INTO event (at, office, batch_id, action, outcome, detail, program) VALUES "
                              f"('2025-06-30 09:15:0{n}.250000', 'Q1', 1000, :action, 'ok', 'Đoàn Thị Lan', "
                              "'dossier 0.1.0 test')"), {"action": action})
    store.init_schema()
    events = _events(store)
    assert [e.action for e in events] == ["received", "queued", "done"] and events[0].actor is None
    assert store.verify_chain().intact  # the migration's frozen canonical form is the code's
    _record(store, 2)
    assert store.verify_chain().intact
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE event SET actor = 'someone'"))
    store.dispose()


# --- the commands, on both backends --------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def office(request, tmp_path_factory) -> Dossier:
    """One office with the ID card sample filed, on each backend."""
    db_url = None
    if request.param == "postgresql":
        request.getfixturevalue("pg_server")
        name = f"dossier_test_{uuid.uuid4().hex[:12]}"
        with _pg_admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        db_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        request.addfinalizer(lambda: _drop_database(name))
    runner = Dossier(data_dir=tmp_path_factory.mktemp("audit") / "data", db_url=db_url)
    assert runner("init").code == 0
    result = runner("ingest", str(ID_CARD))
    assert result.code == 0, result.err
    return runner


def _drop_database(name: str) -> None:
    with _pg_admin_engine().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _as_operator(office: Dossier, tmp_path) -> Dossier:
    config = tmp_path / "operator.toml"
    config.write_text(OPERATOR_CONFIG, encoding="utf-8")
    return Dossier(data_dir=office.data_dir, db_url=office.db_url, config=config)


def _audit(office: Dossier, *args: str) -> list[dict]:
    result = office("audit", "--json", *args)
    assert result.code == 0, result.err
    return result.json()


def test_every_read_and_change_leaves_its_event_with_the_actor(office, tmp_path):
    as_lan = {"DOSSIER_OPERATOR": OPERATOR_NAME}
    found = office("search", ID_NUMBER, "--json", env=as_lan).json()
    [doc_id] = [hit["document_id"] for hit in found["results"]]
    steps = [("show", str(doc_id)), ("export", str(doc_id), "--to", f"{tmp_path}/out/"), ("review",),
             ("relabel", str(doc_id), "--type", "citizen_id_card"),
             ("set-field", str(doc_id), "full_name=ĐẶNG ĐĂNG LỘC")]
    for step in steps:
        result = office(*step, env=as_lan)
        assert result.code == 0, (step, result.err)
    batch_id = office("show", str(doc_id), "--json").json()["batch_id"]
    assert office("reprocess", str(batch_id), env=as_lan).code == 0  # an admin's, by a named admin

    events = _audit(office, "--user", OPERATOR_NAME)
    actions = [e["action"] for e in events]
    for action in ("search", "show", "export", "review", "relabel", "set_field", "reprocess"):
        assert action in actions, (action, actions)
    assert {e["actor"] for e in events} == {OPERATOR_NAME}
    [searched] = [e for e in events if e["action"] == "search"]
    assert f'query "{ID_NUMBER}"' in searched["detail"] and f"1 result(s); shown D{doc_id}" in searched["detail"]
    about = {e["action"] for e in _audit(office, "--document", str(doc_id), "--user", OPERATOR_NAME)}
    assert {"search", "show", "export", "relabel", "set_field"} <= about  # the search listed it
    assert "by root" not in json.dumps(events)

    verified = office("audit", "--verify")
    assert verified.code == 0 and "intact" in verified.out


def test_audit_verify_reports_the_first_broken_link_and_exits_1(office):
    events = _audit(office, "--action", "received")
    store = indexed_store(office.db_url or f"sqlite:///{office.data_dir / 'dossier.sqlite3'}")
    try:
        with event_log_unguarded(store), store.engine.begin() as conn:
            conn.execute(text("UPDATE event SET detail = 'another.png' WHERE id = :id"), {"id": events[0]["event_id"]})
        result = office("audit", "--verify")
        assert result.code == 1
        assert f"BROKEN at event {events[0]['event_id']}" in result.out
        verdict = office("audit", "--verify", "--json")
        assert verdict.json()["broken"]["event_id"] == events[0]["event_id"]
    finally:
        with event_log_unguarded(store), store.engine.begin() as conn:  # put it back for the other tests
            conn.execute(text("UPDATE event SET detail = :detail WHERE id = :id"),
                         {"detail": events[0]["detail"], "id": events[0]["event_id"]})
        store.dispose()
    assert office("audit", "--verify").code == 0


def test_an_operator_cannot_run_an_admins_command(office, tmp_path):
    operator = _as_operator(office, tmp_path)
    for command in (("reprocess", "--failed"), ("train",), ("audit",), ("audit", "--verify")):
        result = operator(*command)
        assert result.code == ExitCode.FORBIDDEN == 7, (command, result.err)
        [line] = result.err.splitlines()
        assert f"`dossier {command[0]}` needs the admin role" in line
    assert operator("search", "loc").code == 0  # an operator's own


def test_id_numbers_are_masked_for_an_operator_unless_revealed(office, tmp_path):
    operator = _as_operator(office, tmp_path)
    as_lan = {"DOSSIER_OPERATOR": OPERATOR_NAME}
    for args in (("search", ID_NUMBER), ("search", ID_NUMBER, "--json"), ("review", "--json")):
        result = operator(*args, env=as_lan)
        assert result.code == 0 and ID_NUMBER not in result.out, args
    shown = operator("search", ID_NUMBER, env=as_lan).out
    assert MASKED in shown
    as_json = operator("search", ID_NUMBER, "--json", env=as_lan).json()  # still valid JSON
    doc_id = as_json["results"][0]["document_id"]
    assert as_json["results"][0]["fields"]["id_number"] == MASKED
    assert MASKED in operator("show", str(doc_id), env=as_lan).out

    revealed = operator("show", str(doc_id), "--reveal", env=as_lan)
    assert revealed.code == 0 and ID_NUMBER in revealed.out
    [reveal] = _audit(office, "--action", "reveal", "--user", OPERATOR_NAME)[-1:]
    assert reveal["detail"] == "dossier show --reveal"
    assert ID_NUMBER in office("show", str(doc_id)).out  # an admin's role sees them ([roles] reveal_ids)


def test_error_lines_and_batches_mask_id_numbers_in_any_grouping(office, tmp_path):
    operator = _as_operator(office, tmp_path)
    result = operator("ingest", str(tmp_path / "cccd 079 094 840 469.png"))  # no such file: its name is said
    assert result.code == ExitCode.USAGE and "079******469" in result.err and "094 840" not in result.err
    empty = tmp_path / f"cccd_{ID_NUMBER}.png"
    empty.write_bytes(b"")
    assert operator("ingest", str(empty)).code == ExitCode.BATCH_FAILED
    listing = operator("batches", "--status", "failed")
    assert listing.code == 0 and MASKED in listing.out and ID_NUMBER not in listing.out


def test_revision_0005_downgrades_to_0004_and_upgrades_again(store):
    from test_migrations import _at_revision

    _record(store, 1)
    _at_revision(store, "0004", action=alembic_command.downgrade)
    with store.engine.begin() as conn:  # the log is plain again: no triggers, no chain columns
        conn.execute(text("UPDATE event SET detail = detail"))
    _at_revision(store, "head")
    events = _events(store)
    assert len(events) == 3 and all(e.hash for e in events) and store.verify_chain().intact
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM event"))


def test_the_daemon_records_its_operator_too(office):
    inbox = office.data_dir / "inbox"
    (inbox / "again.png").write_bytes(ID_CARD.read_bytes())  # a duplicate: recorded, not read again
    result = office("watch", "--once", env={"DOSSIER_OPERATOR": "dossier-daemon"}, timeout=300)
    assert result.code == 0, result.err
    [received] = _audit(office, "--action", "received", "--user", "dossier-daemon")
    assert received["detail"] == "again.png" and "user " in received["program"]


def test_an_unknown_role_in_the_configuration_exits_4(tmp_path):
    config = tmp_path / "office.toml"
    config.write_text('[roles]\ndefault = "boss"\n', encoding="utf-8")
    result = Dossier(data_dir=tmp_path / "data", config=config)("types")
    assert result.code == ExitCode.CONFIG and "unknown role 'boss'" in result.err
