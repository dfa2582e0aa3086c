"""Watching the inbox: which dropped files and folders are complete and may be taken.

Every top-level entry of the inbox is one dossier: a file, or a folder of
files. Scanners and counter PCs write there over network shares, slowly and
with pauses, so an entry is taken only when

- a file: its size and mtime have not changed for `inbox.quiet_seconds` and
  it opens as its format (`looks_complete`: a PDF has its end marker, a PNG
  its last chunk, a TIFF all its pages inside the file). A copy that paused
  longer than the quiet period is not taken half-written. A quiet file that
  never completes (truncated for good, 0 bytes) is taken after
  `inbox.incomplete_seconds` and then fails with its reason.
- a folder: it holds the marker file (`READY`) and nothing in it has changed
  for the quiet period, or, without a marker, nothing in it has changed for
  `inbox.folder_quiet_seconds`. An empty folder without a marker is left alone
  (it may still be filling): logged once, and not counted as waiting.
- a link, a named pipe, a device or a socket: taken once quiet, never opened
  nor followed, and recorded as a failed batch with the reason (only regular
  files are dossiers; the same holds for the entries of a folder dossier).

Discovery uses filesystem events (watchdog, recursive) for speed, a full
rescan every `inbox.rescan_seconds` because events get lost (inotify queue
overflow, a share remounted, a daemon restart), and a polling observer where
events do not fire at all (SMB/NFS shares, `inbox.polling = true`).
"""

from __future__ import annotations

import os
import queue as stdlib_queue
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from PIL import Image, ImageSequence
from watchdog.events import (
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from pipeline import logs
from pipeline.archive import formats
from pipeline.config import InboxSettings
from pipeline.office.inbox import inbox_entries, is_empty_folder
from pipeline.office.intake import dossier_files, file_signature

log = logs.get_logger("watcher")

# The end of a file holds what a complete copy must have (PDF %%EOF, PNG IEND, JPEG EOI).
_TAIL_BYTES: Final = 4096
_HEAD_BYTES: Final = 1024
_TIFF_DATA_TAGS: Final = ((273, 279), (324, 325))  # (StripOffsets, StripByteCounts), (TileOffsets, TileByteCounts)


# --- "opens as its format" ----------------------------------------------------


def looks_complete(path: Path) -> bool:
    """False while a file looks like a copy still in progress (its format's end is missing)."""
    try:
        looked = path.lstat()
        if not stat.S_ISREG(looked.st_mode):
            return True  # a link, a pipe, a device: never opened, refused at once with its reason
        size = looked.st_size
        if size == 0:
            return False
        # Not following a link, not waiting for a writer: the entry may have been swapped since lstat.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb") as fh:
            head = fh.read(_HEAD_BYTES)
            fh.seek(max(0, size - _TAIL_BYTES))
            tail = fh.read()
    except OSError:
        return False
    media_type = formats.sniff(head)
    if media_type is None:
        # Not a document at all: taken at once, to fail with its reason. Unless it
        # may still become one: too short to tell (a copy that has just begun, the
        # junk some gateways put before %PDF) or zeros a copy has yet to fill.
        return size >= _HEAD_BYTES or not formats.may_still_be_supported(head)
    check = _END_CHECKS.get(media_type)
    return check(path, head, tail, size) if check else True


def _pdf_complete(path: Path, head: bytes, tail: bytes, size: int) -> bool:
    return b"%%EOF" in tail


def _png_complete(path: Path, head: bytes, tail: bytes, size: int) -> bool:
    return b"IEND" in tail[-64:]


def _jpeg_complete(path: Path, head: bytes, tail: bytes, size: int) -> bool:
    # 0xFFD9 cannot occur inside JPEG entropy-coded data (0xFF is stuffed), so
    # finding it near the end means the image has been written to its end.
    return b"\xff\xd9" in tail


def _gif_complete(path: Path, head: bytes, tail: bytes, size: int) -> bool:
    return b";" in tail[-16:]


def _bmp_complete(path: Path, head: bytes, tail: bytes, size: int) -> bool:
    declared = int.from_bytes(head[2:6], "little")
    return declared == 0 or size >= declared  # some writers leave the size field 0


def _webp_complete(path: Path, head: bytes, tail: bytes, size: int) -> bool:
    return size >= int.from_bytes(head[4:8], "little") + 8


def _tiff_complete(path: Path, head: bytes, tail: bytes, size: int) -> bool:
    """Every page's directory and image data lie inside the file (TIFF has no end marker)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # odd EXIF in real scans: not our question here
            with Image.open(path) as image:
                for frame in ImageSequence.Iterator(image):
                    tags = frame.tag_v2
                    for offsets_tag, counts_tag in _TIFF_DATA_TAGS:
                        offsets, counts = tags.get(offsets_tag) or (), tags.get(counts_tag) or ()
                        if any(offset + count > size for offset, count in zip(offsets, counts)):
                            return False
    except Exception:  # noqa: BLE001 - any failure to parse means "not (yet) a whole TIFF"
        return False
    return True


_END_CHECKS = {
    formats.PDF: _pdf_complete,
    formats.PNG: _png_complete,
    formats.JPEG: _jpeg_complete,
    formats.GIF: _gif_complete,
    formats.BMP: _bmp_complete,
    formats.WEBP: _webp_complete,
    formats.TIFF: _tiff_complete,
}


# --- stability ------------------------------------------------------------------


def _folder_signature(folder: Path) -> frozenset[tuple[str, int, int]]:
    """Every file below the folder with its size and mtime: any change restarts the quiet period."""
    entries = set()
    for root, _dirs, names in os.walk(folder):
        for name in names:
            member = Path(root, name)
            try:
                size, mtime = file_signature(member)
            except FileNotFoundError:
                continue
            entries.add((str(member.relative_to(folder)), size, mtime))
    return frozenset(entries)


@dataclass
class _Pending:
    path: Path
    is_folder: bool
    signature: object
    changed_at: float  # monotonic time of the last change seen (signature or event)
    not_before: float = 0.0  # held back after it could not be taken (store down, unreadable)
    completeness: tuple[object, bool] | None = None  # (signature, looks complete) cached per signature
    said_empty: bool = False  # an empty folder is logged once, not at every look


@dataclass
class StabilityTracker:
    """Decides when an inbox entry has finished arriving. Time is passed in, so rules are testable alone."""

    rules: InboxSettings
    _pending: dict[Path, _Pending] = field(default_factory=dict)

    def __contains__(self, path: Path) -> bool:
        return path in self._pending

    def __len__(self) -> int:
        return len(self._pending)

    def see(self, path: Path, now: float) -> None:
        """Start tracking an entry, or notice that it changed."""
        try:
            # A link, FIFO, device or socket is an entry like a file: taken (never read), it fails with its reason.
            is_folder = stat.S_ISDIR(path.lstat().st_mode)
            signature = _folder_signature(path) if is_folder else file_signature(path)
        except FileNotFoundError:
            self.forget(path)
            return
        pending = self._pending.get(path)
        if pending is None or pending.is_folder != is_folder:
            self._pending[path] = _Pending(path, is_folder, signature, changed_at=now)
        elif pending.signature != signature:
            pending.signature, pending.changed_at, pending.said_empty = signature, now, False

    def touch(self, path: Path, now: float) -> None:
        """A filesystem event says the entry changed (mtimes on shares can be too coarse to show it)."""
        self.see(path, now)
        if path in self._pending:
            self._pending[path].changed_at = now

    def defer(self, path: Path, now: float) -> None:
        """It was not ready after all (it changed while being archived): wait a full quiet period again."""
        if path in self._pending:
            self._pending[path].changed_at = now

    def hold(self, path: Path, until: float) -> None:
        """Do not offer this entry before `until` (it could not be taken: store down, unreadable)."""
        if path in self._pending:
            self._pending[path].not_before = until

    def forget(self, path: Path) -> None:
        self._pending.pop(path, None)

    def settling(self) -> int:
        """How many entries will become ready by waiting (empty folders without a marker never do)."""
        return len(self._pending) - len(self.empty_folders())

    def empty_folders(self) -> list[Path]:
        """Folders without files or marker: left in the inbox, waiting for files that may never come."""
        return [p.path for p in self._pending.values()
                if p.is_folder and is_empty_folder(p.path, marker=self.rules.folder_marker)]

    def ready(self, now: float) -> list[Path]:
        """Entries complete now, oldest change first; every pending entry is looked at again."""
        ready = []
        for path in list(self._pending):
            self.see(path, now)
            pending = self._pending.get(path)
            if pending and pending.not_before <= now and self._is_ready(pending, now):
                ready.append(pending)
        return [p.path for p in sorted(ready, key=lambda p: (p.changed_at, p.path))]

    def _is_ready(self, pending: _Pending, now: float) -> bool:
        quiet_for = now - pending.changed_at
        rules = self.rules
        if pending.is_folder:
            members = self._members(pending.path)
            if (pending.path / rules.folder_marker).exists():
                needed = rules.quiet_seconds
            elif members:
                needed = rules.folder_quiet_seconds
            else:  # an empty folder without a marker is not a dossier (yet): it may still be filling
                if not pending.said_empty:
                    pending.said_empty = True
                    logs.log_event(log, "an empty folder: left alone until files arrive", source=pending.path.name)
                return False
        else:
            members, needed = [pending.path], rules.quiet_seconds
        if quiet_for < needed:
            return False
        return quiet_for >= rules.incomplete_seconds or self._complete(pending, members)

    def _members(self, folder: Path) -> list[Path]:
        try:
            return dossier_files(folder, marker=self.rules.folder_marker)
        except FileNotFoundError:  # removed while we looked
            return []

    def _complete(self, pending: _Pending, members: list[Path]) -> bool:
        if pending.completeness is None or pending.completeness[0] != pending.signature:
            pending.completeness = (pending.signature, all(looks_complete(m) for m in members))
            if not pending.completeness[1]:  # once per state of the entry: say why it is not taken
                logs.log_event(log, "waiting: it does not open as its format yet", source=pending.path.name,
                               taken_anyway_after_s=self.rules.incomplete_seconds)
        return pending.completeness[1]


# --- discovery ------------------------------------------------------------------


# Our own reads (completeness check, archiving) open the file: they must not
# restart its quiet period, or a file that never completes would wait forever.
_READ_ONLY_EVENTS: Final = frozenset({EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE})


class _EntryEvents(FileSystemEventHandler):
    """Hands the inbox entry that any event touched to the daemon's loop: a top-level file or
    folder, or one inside a procedure's folder (`containers`)."""

    def __init__(self, root: Path, changed: stdlib_queue.SimpleQueue[Path], containers: frozenset[str]) -> None:
        self.root = root
        self.changed = changed
        self.containers = containers

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _READ_ONLY_EVENTS:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(os.fsdecode(raw))
            try:
                parts = path.relative_to(self.root).parts
            except ValueError:
                continue
            if parts and parts[0] in self.containers:
                if len(parts) > 1:
                    self.changed.put(self.root / parts[0] / parts[1])
            elif parts:
                self.changed.put(self.root / parts[0])


class InboxWatcher:
    """Events + periodic rescan + stability rules: `poll()` returns the entries ready to be taken."""

    def __init__(self, root: Path, rules: InboxSettings, *, rescan_seconds: float | None = None,
                 containers: frozenset[str] = frozenset()) -> None:
        self.root = root
        self.rules = rules
        self.containers = containers  # procedures' folders: what is dropped in them is a dossier
        self.rescan_seconds = rules.rescan_seconds if rescan_seconds is None else rescan_seconds
        self.tracker = StabilityTracker(rules)
        self._changed: stdlib_queue.SimpleQueue[Path] = stdlib_queue.SimpleQueue()
        self._observer = None
        self._next_rescan = 0.0

    def start(self) -> None:
        handler = _EntryEvents(self.root, self._changed, self.containers)
        polling = self.rules.polling
        if not polling:
            try:
                self._observer = self._schedule(Observer(), handler)
            except OSError as exc:  # e.g. the inotify watch limit: polling still works
                logs.log_event(log, "inotify unavailable, polling instead", level=30, reason=str(exc))
                polling = True
        if polling:
            interval = max(1.0, min(self.rules.quiet_seconds / 2, self.rules.rescan_seconds))
            self._observer = self._schedule(PollingObserver(timeout=interval), handler)
        logs.log_event(log, "watching", inbox=self.root, mode="polling" if polling else "events")

    def _schedule(self, observer, handler):
        observer.schedule(handler, str(self.root), recursive=True)
        observer.start()
        return observer

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
            self._observer = None

    def poll(self, now: float) -> list[Path]:
        while True:
            try:
                self.tracker.touch(self._changed.get_nowait(), now)
            except stdlib_queue.Empty:
                break
        if now >= self._next_rescan:
            self.rescan(now)
        return self.tracker.ready(now)

    def rescan(self, now: float) -> None:
        """Look at every entry of the inbox: the safety net for events that never came."""
        self._next_rescan = now + self.rescan_seconds
        try:
            for path in inbox_entries(self.root, marker=self.rules.folder_marker, containers=self.containers):
                if path not in self.tracker:
                    self.tracker.see(path, now)
        except OSError as exc:  # a share that went away: keep trying, lose nothing
            logs.log_event(log, "inbox unreadable", level=40, inbox=self.root, reason=str(exc))
