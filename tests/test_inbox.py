"""Taking an inbox entry: archived and recorded first, removed from the inbox only after the commit.

Real archive and real SQLite; where a crash or a late write must happen at one exact moment,
the step around it is wrapped.
"""

from __future__ import annotations

import unicodedata

import pytest
from daemon_support import scan_bytes, sha256

from tests.conftest import batch_rows
from pipeline.archive.originals import Archive
from pipeline.config import load_settings
from pipeline.errors import IncompleteFile, Stage
from pipeline.office import inbox
from pipeline.office.app import App


@pytest.fixture
def app(tmp_path):
    settings = load_settings(data_dir=tmp_path / "data", environ={})
    settings.inbox_dir.mkdir(parents=True)
    application = App.open(settings, check_schema=False)
    application.store.init_schema()
    yield application
    application.close()


def _take(app, path):
    return inbox.take(app, path, inbox=app.settings.inbox_dir)


def test_a_file_is_archived_recorded_and_then_removed(app):
    data = scan_bytes("Giấy khai sinh")
    name = unicodedata.normalize("NFD", "giấy khai sinh.png")  # as macOS and some scanners write names
    entry = app.settings.inbox_dir / name
    entry.write_bytes(data)
    result = _take(app, entry)
    assert result.status == "queued" and not result.already_recorded
    assert app.archive.verify(sha256(data))
    assert not entry.exists()
    [row] = batch_rows(app.store)
    assert row["source"] == "giấy khai sinh.png" and row["source"] == unicodedata.normalize("NFC", row["source"])


def test_a_bad_file_leaves_the_inbox_too_recorded_as_failed(app):
    entry = app.settings.inbox_dir / "rong.pdf"
    entry.write_bytes(b"")
    result = _take(app, entry)
    assert result.status == "failed" and result.error.code == "empty"
    assert not entry.exists()  # it must not fail again and again from the inbox


def test_a_crash_between_the_commit_and_the_removal_does_not_record_the_entry_twice(app, monkeypatch):
    entry = app.settings.inbox_dir / "ho-so.png"
    entry.write_bytes(scan_bytes("Tờ khai hộ tịch"))

    def power_cut(*args, **kwargs):
        raise SystemExit("power cut")

    with monkeypatch.context() as patched:
        patched.setattr(inbox, "_remove", power_cut)
        with pytest.raises(SystemExit):
            _take(app, entry)
    assert entry.exists() and len(batch_rows(app.store)) == 1

    again = _take(app, entry)  # the restarted daemon sees the same entry
    assert again.already_recorded and again.status == "queued"
    assert not entry.exists()
    [row] = batch_rows(app.store)
    assert row["batch_id"] == again.batch_id


def test_the_same_file_dropped_again_later_is_a_new_drop_recorded_as_a_duplicate(app):
    data = scan_bytes("Tờ khai hộ tịch")
    entry = app.settings.inbox_dir / "ho-so.png"
    entry.write_bytes(data)
    first = _take(app, entry)
    entry.write_bytes(data)  # dropped again after the first was recorded
    second = _take(app, entry)
    assert not second.already_recorded
    assert (second.status, second.duplicate_of) == ("duplicate", first.batch_id)


def test_a_file_still_being_written_is_not_recorded_and_stays(app, monkeypatch):
    entry = app.settings.inbox_dir / "dang-chep.png"
    entry.write_bytes(scan_bytes("Đang chép"))

    def changed_during_copy(self, source, **limits):
        raise IncompleteFile("the file changed while it was being archived", stage=Stage.INTAKE, path=str(source))

    monkeypatch.setattr(Archive, "put", changed_during_copy)
    with pytest.raises(IncompleteFile):
        _take(app, entry)
    assert entry.exists() and batch_rows(app.store) == []


def test_a_file_rewritten_after_it_was_archived_is_left_in_the_inbox(app, monkeypatch):
    entry = app.settings.inbox_dir / "sua.png"
    entry.write_bytes(scan_bytes("Bản đầu"))
    real_intake = inbox.intake

    def rewritten_meanwhile(*args, **kwargs):
        result = real_intake(*args, **kwargs)
        entry.write_bytes(scan_bytes("Bản sửa lại, dài hơn"))
        return result

    monkeypatch.setattr(inbox, "intake", rewritten_meanwhile)
    _take(app, entry)
    assert entry.exists()  # the new content was never archived: it becomes a dossier of its own


def test_a_folder_is_removed_with_its_marker_and_junk_but_a_late_page_and_partial_copies_stay(app, monkeypatch):
    folder = app.settings.inbox_dir / "ho-so-an"
    (folder / "phu-luc").mkdir(parents=True)
    (folder / "1.png").write_bytes(scan_bytes("Trang một"))
    (folder / "phu-luc" / "2.png").write_bytes(scan_bytes("Trang hai"))
    (folder / "Thumbs.db").write_bytes(b"windows junk")
    (folder / "3.png.part").write_bytes(b"a copy in progress")
    (folder / "READY").write_text("")
    real_intake = inbox.intake

    def page_arrives_late(*args, **kwargs):
        result = real_intake(*args, **kwargs)
        (folder / "4.png").write_bytes(scan_bytes("Trang bốn, đến muộn"))
        return result

    monkeypatch.setattr(inbox, "intake", page_arrives_late)
    result = _take(app, folder)
    assert result.status == "queued"
    left = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    assert left == ["3.png.part", "4.png"]


def test_an_emptied_folder_dossier_disappears_entirely(app):
    folder = app.settings.inbox_dir / "ho-so-binh"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "1.png").write_bytes(scan_bytes("Trang một"))
    (folder / "READY").write_text("")
    _take(app, folder)
    assert not folder.exists()
