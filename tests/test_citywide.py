"""Every office on one store: each office's receipts are its own, every command is scoped to one office
the same way, and another office's originals are reached only at that office. With real OCR, SQLite
and PostgreSQL, and (last) three offices' daemons at once on one PostgreSQL, one killed and restarted.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from conftest import Dossier
from daemon_support import (  # noqa: F401 - `office`, `trained_model` are fixtures
    drop_all,
    office,
    record,
    scan_bytes,
    sha256,
    trained_model,
    wait_until,
    write_config,
)

from pipeline.errors import ExitCode
from pipeline.store.repository import NewFile

# --- receipts -------------------------------------------------------------------------------------


def test_the_same_content_received_by_two_offices_is_a_receipt_in_each(store):
    first = record(store, 1, district="Q1")
    sha = f"{1:064x}"
    theirs, status, duplicate_of = store.record_batch(
        source="1.pdf", kind="file", district="Q3", sha256=sha, files=[NewFile("1.pdf", sha, 1, "application/pdf")])
    assert (status, duplicate_of) == ("queued", None)  # Q3 files its own copy...
    again = record(store, 1, district="Q1")  # ...while a second copy at Q1 is Q1's duplicate
    rows = {b.id: b for b in store.batches()}
    assert rows[theirs].first_copy == first and rows[theirs].office == "Q3"  # linked to the city's first copy
    assert (rows[again].status, rows[again].duplicate_of) == ("duplicate", first)
    assert [b.id for b in store.batches(office="Q3")] == [theirs]


def test_an_entry_is_recognised_as_already_recorded_only_by_its_own_office(store):
    batch_id = record(store, 5, district="Q1")
    since = store.batches()[0].created_at
    found = store.find_recorded(office="Q1", source="5.pdf", sha256=f"{5:064x}", since=since)
    assert found == (batch_id, "queued")
    # The same file dropped into Q3's inbox a second later is Q3's to record, not "already recorded".
    assert store.find_recorded(office="Q3", source="5.pdf", sha256=f"{5:064x}", since=since) is None


# --- one scope for every command ------------------------------------------------------------------


@pytest.fixture
def two_offices(tmp_path):
    """Q1 and Q3 on one shared store, each with its own data folder (archive, inbox) and office file."""
    url = f"sqlite:///{tmp_path / 'city.sqlite3'}"
    offices = {}
    for code in ("Q1", "Q3"):
        config = write_config(tmp_path / f"{code}.toml", {"office": {"code": code}})
        offices[code] = Dossier(data_dir=tmp_path / code, db_url=url, config=config)
        assert offices[code]("init").code == 0
    scans = tmp_path / "scans"
    scans.mkdir()
    for name, text in (("q1.png", "Giấy khai sinh Nguyễn Văn An Quận 1"), ("q3.png", "Giấy khai sinh Nguyễn Văn An "
                       "Quận 3"), ("chung.png", "Đơn đề nghị Trần Thị Mai nộp ở hai nơi")):
        (scans / name).write_bytes(scan_bytes(text))
    assert offices["Q1"]("ingest", str(scans / "q1.png"), str(scans / "chung.png")).code == 0
    assert offices["Q3"]("ingest", str(scans / "q3.png"), str(scans / "chung.png")).code == 0
    return offices


def _batches(cli, *scope):
    return {r["source"].rsplit("/", 1)[-1]: r for r in cli("batches", "--json", *scope).json()}


def test_every_command_works_on_its_own_office_unless_told_otherwise(two_offices):
    q1, q3 = two_offices["Q1"], two_offices["Q3"]
    mine, theirs = _batches(q1), _batches(q3)
    assert set(mine) == {"q1.png", "chung.png"} and {r["office"] for r in mine.values()} == {"Q1"}
    assert set(theirs) == {"q3.png", "chung.png"}
    assert theirs["chung.png"]["status"] == "done"  # received at both: filed at both, linked to the first
    assert theirs["chung.png"]["first_copy"] == mine["chung.png"]["batch_id"]
    assert _batches(q1, "--office", "Q3") == theirs == _batches(q1, "--district", "Q3")  # the old name
    assert len(q1("batches", "--json", "--all-offices").json()) == 4

    found = q1("search", "nguyen van an", "--json").json()["results"]
    assert [r["source"].rsplit("/", 1)[-1] for r in found] == ["q1.png"]
    everywhere = q1("search", "nguyen van an", "--json", "--all-offices").json()["results"]
    assert {r["source"].rsplit("/", 1)[-1] for r in everywhere} == {"q1.png", "q3.png"}

    stats = q1("stats", "--json").json()
    assert stats["by_status"]["done"] == 2 and stats["by_office"] == {}
    city = q1("stats", "--json", "--all-offices").json()
    assert {code: counts["done"] for code, counts in city["by_office"].items()} == {"Q1": 2, "Q3": 2}

    report = q1("report", "--json", "--all-offices").json()
    assert {o["office"]: o["received"] for o in report["offices"]} == {"Q1": 2, "Q3": 2}
    assert [o["office"] for o in q1("report", "--json").json()["offices"]] == ["Q1"]

    their_document = str(theirs["q3.png"]["documents"][0])
    refused = q1("show", their_document)
    assert refused.code == ExitCode.NOT_FOUND and "office Q3" in refused.err and "--office Q3" in refused.err
    assert q1("show", their_document, "--office", "Q3").code == 0
    assert q1("relabel", their_document, "--type", "other").code == ExitCode.NOT_FOUND


def test_another_offices_originals_are_reached_only_at_that_office_and_said_so(two_offices, tmp_path):
    q1, q3 = two_offices["Q1"], two_offices["Q3"]
    theirs = _batches(q3)["q3.png"]
    exported = q1("export", str(theirs["documents"][0]), "--to", str(tmp_path / "out.png"), "--all-offices")
    assert exported.code == ExitCode.NOT_FOUND and not (tmp_path / "out.png").exists()
    assert "Q3" in exported.err and "archive" in exported.err and "backup" not in exported.err
    assert q3("export", str(theirs["documents"][0]), "--to", str(tmp_path / "out.png")).code == 0

    skipped = q1("reprocess", str(theirs["batch_id"]), "--all-offices", "--json").json()
    assert skipped[0]["status"] == "skipped" and "office Q3" in skipped[0]["note"]
    assert "backup" not in skipped[0]["note"]
    assert q1("reprocess", str(theirs["batch_id"])).code == ExitCode.NOT_FOUND  # outside its scope
    queued = q1("reprocess", str(theirs["batch_id"]), "--all-offices", "--queue", "--json").json()
    assert queued[0]["status"] == "queued"  # for Q3's daemon, which has the originals
    assert q3("watch", "--once").code == 0
    assert _batches(q3)["q3.png"]["status"] == "done"


# --- three offices' daemons on one PostgreSQL ------------------------------------------------------

OFFICES = ("Q1", "Q3", "P-BEN-THANH")


@pytest.mark.slow
@pytest.mark.postgres
def test_three_offices_daemons_on_one_postgresql_account_for_each_input_once_in_its_office(
        pg_url, office, tmp_path):
    offices = {code: office({"queue": {"workers": 1}, "store": {"url": pg_url}, "office": {"district": code}},
                            name=code) for code in OFFICES}
    daemons = {code: o.start() for code, o in offices.items()}
    shared = scan_bytes("Tờ khai đăng ký khai sinh Lê Văn Tám nộp hai nơi")
    inputs = {code: {f"{code}-{n:02d}.png": scan_bytes(f"Hồ sơ {code} số {n:02d} Nguyễn Văn Bình") for n in range(8)}
              for code in OFFICES}
    for code, o in offices.items():
        drop_all(o.inbox, inputs[code], tmp_path / f"staging-{code}")
    (offices["Q1"].inbox / "chung.png").write_bytes(shared)  # the same file, dropped into two offices
    time.sleep(1.0)  # about a second apart, as it was reproduced
    (offices["Q3"].inbox / "chung.png").write_bytes(shared)
    inputs["Q1"]["chung.png"] = inputs["Q3"]["chung.png"] = shared
    form = scan_bytes("Tờ khai Phạm Thị Hoa")
    (offices["P-BEN-THANH"].inbox / "khai-sinh").mkdir()  # a procedure's folder
    (offices["P-BEN-THANH"].inbox / "khai-sinh" / "to-khai.png").write_bytes(form)
    inputs["P-BEN-THANH"]["khai-sinh/to-khai.png"] = form

    q3 = offices["Q3"]
    wait_until(lambda: any(r["status"] == "processing" for r in q3.batches() if r["office"] == "Q3"), timeout=120,
               what="Q3's worker to be busy", daemon=daemons["Q3"], every=0.05)
    daemons["Q3"].kill_everything()  # kill -9, daemon and workers, while it holds claims
    daemons["Q3"] = q3.start()

    store = offices["Q1"].store  # the one database of the three offices
    total = sum(len(files) for files in inputs.values())

    def settled():
        rows = offices["Q1"].batches()  # every office's batches: the store is the city's
        done = len(rows) >= total and all(r["status"] not in ("queued", "processing") for r in rows)
        empty = all(not any(p.is_file() for p in o.inbox.rglob("*")) for o in offices.values())
        return rows if done and empty else None

    rows = wait_until(settled, timeout=300, what="every office's inputs to settle", daemon=daemons["Q1"], every=1)
    for code in OFFICES:
        mine = [r for r in rows if r["office"] == code]
        assert Counter(r["source"] for r in mine) == Counter(inputs[code].keys()), code  # each input once, in its office
        assert Counter(r["status"] for r in mine) == {"done": len(inputs[code])}, code
        assert all(len(r["documents"]) == 1 for r in mine), code  # none filed twice
    q1_shared, q3_shared = (next(r for r in rows if r["office"] == code and r["source"] == "chung.png")
                            for code in ("Q1", "Q3"))
    assert {q1_shared["first_copy"], q3_shared["first_copy"]} == {None, min(q1_shared["batch_id"],
                                                                            q3_shared["batch_id"])}
    [from_folder] = [r for r in rows if r["source"] == "khai-sinh/to-khai.png"]
    assert (from_folder["procedure"], from_folder["procedure_source"]) == ("birth_registration", "folder")
    for code, o in offices.items():  # each office archived its own originals
        assert {sha256(data) for data in inputs[code].values()} == o.archived(), code
    store.dispose()
