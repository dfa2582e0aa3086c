"""`dossier reprocess`: a failed batch is filed once its cause is fixed, and running it again
replaces its documents instead of adding copies. Through the real CLI, OCR and SQLite.
"""

from __future__ import annotations

import os

from daemon_support import office, pdf_bytes, scan_bytes, trained_model, write_config  # noqa: F401 - fixtures

# One file per test: one worker process is enough, and starts faster than two.
ONE_WORKER = {"queue": {"workers": 1}}
LIMITED = {**ONE_WORKER, "limits": {"max_pages": 1}}


def _two_page_dossier(o) -> None:
    (o.inbox / "hai-trang.pdf").write_bytes(pdf_bytes("Giấy khai sinh Nguyễn Văn An", "Trang hai Lê Thị Hà"))


def test_a_batch_failed_by_a_config_limit_is_filed_after_the_fix(office, tmp_path):
    o = office(LIMITED)
    _two_page_dossier(o)
    assert o.cli("watch", "--once").code == 1
    [failed] = o.batches()
    assert failed["status"] == "failed" and failed["stage"] == "rasterize"
    assert o.error_codes() == {"hai-trang.pdf": "too_large"}

    o.cli.config = write_config(tmp_path / "fixed.toml", ONE_WORKER)  # the admin raises the limit again
    result = o.cli("reprocess", "--failed")
    assert result.code == 0, result.out + result.err
    assert f"B{failed['batch_id']}" in result.out and "done" in result.out
    [filed] = o.batches()
    assert filed["status"] == "done" and filed["reason"] is None and len(filed["documents"]) >= 1
    assert sum(len(p) for p in o.inbox.iterdir()) == 0


def test_reprocessing_twice_replaces_the_documents_instead_of_adding_copies(office):
    o = office(ONE_WORKER)
    _two_page_dossier(o)
    assert o.cli("watch", "--once").code == 0
    [before] = o.batches()
    first = o.cli("reprocess", str(before["batch_id"]), "--json").json()
    second = o.cli("reprocess", str(before["batch_id"]), "--json").json()
    [after] = o.batches()
    assert first[0]["status"] == second[0]["status"] == "done"
    assert len(after["documents"]) == len(before["documents"]) == o.document_count()  # no copies anywhere
    assert after["documents"] == second[0]["documents"]


def test_reprocess_queue_hands_the_batch_to_the_daemon(office, tmp_path):
    o = office(LIMITED)
    _two_page_dossier(o)
    o.cli("watch", "--once")
    o.cli.config = write_config(tmp_path / "fixed.toml", ONE_WORKER)
    result = o.cli("reprocess", "--failed", "--queue")
    assert result.code == 0 and "queued" in result.out
    assert [r["status"] for r in o.batches()] == ["queued"]
    assert o.cli("watch", "--once").code == 0  # the daemon's workers take it from the queue
    assert [r["status"] for r in o.batches()] == ["done"]


def test_what_cannot_be_reprocessed_is_skipped_with_the_reason(office):
    o = office(ONE_WORKER)
    data = scan_bytes("Giấy chứng nhận kết hôn")
    (o.inbox / "a.png").write_bytes(data)
    (o.inbox / "b.png").write_bytes(data)  # a duplicate
    (o.inbox / "c.pdf").write_bytes(b"")  # refused at intake: the file itself is bad
    o.cli("watch", "--once")
    rows = {r["source"]: r for r in o.batches()}
    ids = [str(rows[name]["batch_id"]) for name in ("b.png", "c.pdf")]
    result = o.cli("reprocess", *ids, "--json")
    assert result.code == 1
    notes = {r["source"]: (r["status"], r["note"]) for r in result.json()}
    assert notes["b.png"][0] == "skipped" and "duplicate of batch" in notes["b.png"][1]
    assert notes["c.pdf"][0] == "skipped" and "refused at intake" in notes["c.pdf"][1]


def test_a_damaged_archived_original_is_reported_and_not_processed(office):
    o = office(ONE_WORKER)
    (o.inbox / "a.png").write_bytes(scan_bytes("Giấy khai sinh"))
    o.cli("watch", "--once")
    [row] = o.batches()
    [original] = (o.data_dir / "archive").glob("??/??/*")
    os.chmod(original, 0o644)
    original.write_bytes(b"bit rot")
    result = o.cli("reprocess", str(row["batch_id"]))
    assert result.code == 1 and "missing or damaged" in result.out
    assert [r["documents"] for r in o.batches()] == [row["documents"]]  # the filed documents are kept


def test_reprocess_needs_ids_or_failed_and_existing_batches(office):
    o = office(ONE_WORKER)
    assert o.cli("reprocess").code == 2
    assert o.cli("reprocess", "1", "--failed").code == 2
    missing = o.cli("reprocess", "999")
    assert missing.code == 3 and "batch 999 does not exist" in missing.err
