"""Watching the inbox: an entry is offered only once it has finished arriving.

The stability rules are tested with real files and a clock passed in; discovery
with the real watchdog observers (inotify and polling).
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from conftest import corpus_file
from daemon_support import pdf_bytes, scan_bytes, text_image

from pipeline.config import InboxSettings
from pipeline.office.watcher import InboxWatcher, StabilityTracker, looks_complete

RULES = InboxSettings(quiet_seconds=5.0, folder_marker="READY", folder_quiet_seconds=60.0,
                      incomplete_seconds=300.0, rescan_seconds=30.0)


def _image_bytes(fmt: str, pages: int = 1) -> bytes:
    frames = [text_image(f"Trang {n} Nguyễn Văn An") for n in range(1, pages + 1)]
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=pages > 1, append_images=frames[1:])
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- a file opens as its format only when complete ---------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "GIF", "BMP", "WEBP"])
def test_a_complete_image_opens_as_its_format_and_a_truncated_one_does_not(tmp_path, fmt):
    data = _image_bytes(fmt)
    assert looks_complete(_write(tmp_path / "whole", data))
    assert not looks_complete(_write(tmp_path / "half", data[: len(data) * 2 // 3]))


def test_a_pdf_is_complete_only_with_its_end_marker(tmp_path):
    data = pdf_bytes("Tờ khai Nguyễn Văn An", "Trang hai")
    assert looks_complete(_write(tmp_path / "whole.pdf", data))
    assert not looks_complete(_write(tmp_path / "half.pdf", data[: len(data) - 200]))


def test_a_multi_page_tiff_missing_its_last_page_is_incomplete(tmp_path):
    data = _image_bytes("TIFF", pages=3)
    assert looks_complete(_write(tmp_path / "whole.tif", data))
    assert not looks_complete(_write(tmp_path / "cut.tif", data[:-100]))


def test_an_empty_or_just_begun_file_is_not_complete_but_a_non_document_is(tmp_path):
    assert not looks_complete(_write(tmp_path / "empty.pdf", b""))
    assert not looks_complete(_write(tmp_path / "start.pdf", b"%PD"))  # a copy that has just begun
    assert not looks_complete(_write(tmp_path / "start.png", b"\x89PNG"))
    assert not looks_complete(_write(tmp_path / "preallocated.tif", b"\0" * 512))
    assert not looks_complete(_write(tmp_path / "junk-first.pdf", b"\xef\xbb\xbf%"))
    # Not a document at all, long or short: taken at once, to fail with its reason.
    assert looks_complete(_write(tmp_path / "note.pdf", b"just some text\n" * 100))
    assert looks_complete(_write(tmp_path / "note.txt", b"hello\n"))


@pytest.mark.parametrize("relative", [
    "paperless-ngx/paperless/tests/samples/tesseract/simple.tif",
    "paperless-ngx/paperless/tests/samples/tesseract/multi-page-images.tiff",
    "paperless-ngx/paperless/tests/samples/tesseract/simple.jpg",
    "paperless-ngx/paperless/tests/samples/tesseract/simple.png",
    "paperless-ngx/paperless/tests/samples/tesseract/multi-page-mixed.pdf",
    "paperless-ngx/paperless/tests/samples/tesseract/encrypted.pdf",
])
def test_real_scans_are_complete_and_their_truncated_copies_are_not(tmp_path, relative):
    data = corpus_file(relative).read_bytes()
    assert looks_complete(_write(tmp_path / "whole", data))
    assert not looks_complete(_write(tmp_path / "cut", data[: len(data) // 2]))


# --- stability rules ------------------------------------------------------------------


def test_a_file_is_ready_only_after_a_quiet_period(tmp_path):
    tracker = StabilityTracker(RULES)
    scan = _write(tmp_path / "a.png", scan_bytes("Giấy khai sinh"))
    tracker.see(scan, now=100.0)
    assert tracker.ready(now=104.9) == []
    assert tracker.ready(now=105.0) == [scan]


def test_a_change_restarts_the_quiet_period(tmp_path):
    tracker = StabilityTracker(RULES)
    scan = _write(tmp_path / "a.png", scan_bytes("Giấy khai sinh"))
    tracker.see(scan, now=100.0)
    with scan.open("ab") as fh:  # still arriving
        fh.write(b"\0" * 10)
    assert tracker.ready(now=103.0) == []
    assert tracker.ready(now=107.0) == []
    assert tracker.ready(now=108.0) == [scan]


def test_an_event_restarts_the_quiet_period_even_when_size_and_mtime_look_unchanged(tmp_path):
    tracker = StabilityTracker(RULES)
    scan = _write(tmp_path / "a.png", scan_bytes("Giấy khai sinh"))
    tracker.see(scan, now=100.0)
    tracker.touch(scan, now=104.0)  # coarse mtimes on shares: only the event shows the write
    assert tracker.ready(now=106.0) == []
    assert tracker.ready(now=109.0) == [scan]


def test_a_quiet_but_incomplete_file_waits_until_the_incomplete_limit_then_is_offered(tmp_path):
    tracker = StabilityTracker(RULES)
    truncated = _write(tmp_path / "a.png", scan_bytes("Giấy khai sinh")[:-30])
    tracker.see(truncated, now=100.0)
    assert tracker.ready(now=110.0) == []
    assert tracker.ready(now=399.0) == []
    assert tracker.ready(now=400.0) == [truncated]  # to fail with its reason, not to wait forever


def test_a_zero_byte_file_is_a_copy_that_has_not_started_until_the_incomplete_limit(tmp_path):
    tracker = StabilityTracker(RULES)
    empty = _write(tmp_path / "a.pdf", b"")
    tracker.see(empty, now=0.0)
    assert tracker.ready(now=10.0) == []
    assert tracker.ready(now=300.0) == [empty]


def test_a_folder_with_its_marker_is_ready_after_the_short_quiet_period(tmp_path):
    tracker = StabilityTracker(RULES)
    folder = tmp_path / "ho-so"
    folder.mkdir()
    _write(folder / "1.png", scan_bytes("Trang một"))
    tracker.see(folder, now=100.0)
    assert tracker.ready(now=106.0) == []  # no marker: needs the long quiet period
    (folder / "READY").write_text("")
    tracker.touch(folder, now=106.0)
    assert tracker.ready(now=110.0) == []
    assert tracker.ready(now=111.0) == [folder]


def test_a_folder_without_marker_is_ready_after_the_folder_quiet_period(tmp_path):
    tracker = StabilityTracker(RULES)
    folder = tmp_path / "ho-so"
    (folder / "sub").mkdir(parents=True)
    _write(folder / "sub" / "1.png", scan_bytes("Trang một"))
    tracker.see(folder, now=100.0)
    _write(folder / "2.png", scan_bytes("Trang hai"))  # a page added later restarts the wait
    assert tracker.ready(now=110.0) == []
    assert tracker.ready(now=169.0) == []
    assert tracker.ready(now=170.0) == [folder]


def test_a_folder_with_an_incomplete_page_waits(tmp_path):
    tracker = StabilityTracker(RULES)
    folder = tmp_path / "ho-so"
    folder.mkdir()
    _write(folder / "1.png", scan_bytes("Trang một")[:-30])
    (folder / "READY").write_text("")
    tracker.see(folder, now=0.0)
    assert tracker.ready(now=10.0) == []
    assert tracker.ready(now=300.0) == [folder]


def test_an_empty_folder_without_marker_is_never_offered_and_not_worth_waiting_for(tmp_path):
    tracker = StabilityTracker(RULES)
    folder = tmp_path / "trong"
    folder.mkdir()
    _write(folder / "Thumbs.db", b"junk")
    tracker.see(folder, now=0.0)
    assert tracker.ready(now=10_000.0) == []
    assert tracker.settling() == 0
    (folder / "READY").write_text("")  # a marker on an empty folder: taken, to fail with "no files"
    assert tracker.settling() == 1


def test_deferred_and_held_entries_wait(tmp_path):
    tracker = StabilityTracker(RULES)
    a = _write(tmp_path / "a.png", scan_bytes("Một"))
    b = _write(tmp_path / "b.png", scan_bytes("Hai"))
    tracker.see(a, now=0.0)
    tracker.see(b, now=0.0)
    tracker.defer(a, now=10.0)  # it changed while being archived
    tracker.hold(b, until=50.0)  # the store was down
    assert tracker.ready(now=12.0) == []
    assert tracker.ready(now=15.0) == [a]
    assert tracker.ready(now=50.0) == [b, a]  # oldest change first


def test_entries_that_vanish_are_forgotten_and_links_and_pipes_are_offered_without_being_opened(tmp_path):
    tracker = StabilityTracker(RULES)
    scan = _write(tmp_path / "a.png", scan_bytes("Một"))
    tracker.see(scan, now=0.0)
    scan.unlink()
    assert tracker.ready(now=100.0) == [] and len(tracker) == 0
    os.symlink("/etc/hostname", tmp_path / "link.png")
    os.mkfifo(tmp_path / "pipe.png")  # opening a FIFO would block the daemon forever
    tracker.see(tmp_path / "link.png", now=0.0)
    tracker.see(tmp_path / "pipe.png", now=0.0)
    # Offered once quiet (intake refuses them with the reason), never opened nor followed.
    assert tracker.ready(now=RULES.quiet_seconds + 1) == [tmp_path / "link.png", tmp_path / "pipe.png"]


# --- discovery with the real observers --------------------------------------------------


def _discovered(watcher: InboxWatcher, path: Path, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        watcher.poll(time.monotonic())
        if path in watcher.tracker:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("polling", [False, True], ids=["inotify", "polling"])
def test_filesystem_events_discover_a_new_entry_without_waiting_for_the_rescan(tmp_path, polling):
    rules = InboxSettings(quiet_seconds=2.0, rescan_seconds=3600.0, polling=polling)
    watcher = InboxWatcher(tmp_path, rules)
    watcher.start()
    try:
        watcher.poll(time.monotonic())  # the first rescan, of an empty inbox
        scan = _write(tmp_path / "moi.png", scan_bytes("Mới đến"))
        assert _discovered(watcher, scan)
    finally:
        watcher.stop()


def test_the_rescan_finds_entries_no_event_announced(tmp_path):
    (tmp_path / "ho-so").mkdir()
    _write(tmp_path / "ho-so" / "1.png", scan_bytes("Một"))
    _write(tmp_path / "da-co.png", scan_bytes("Đã có trước khi khởi động"))
    for junk in ("Thumbs.db", ".hidden.png", "~$tam.docx", "dang-chep.pdf.part", "READY"):
        _write(tmp_path / junk, b"x")
    watcher = InboxWatcher(tmp_path, RULES)  # not started: no events at all
    watcher.poll(0.0)
    assert len(watcher.tracker) == 2
    assert watcher.poll(30.0) == [tmp_path / "da-co.png"]  # the folder waits for its own quiet period
