"""Content-addressed archive of originals: the canonical, never-altered copies.

An original is stored once under `archive/<aa>/<bb>/<sha256>` and made
read-only (0440: no access for other accounts). `put` streams the source into a temporary file while hashing it,
fsyncs, renames it into place and then re-reads the archived copy to verify
the SHA-256 before anyone may rely on it; only then may an inbox entry be
removed (and only after the database has recorded the batch).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import (ArchiveError, IncompleteFile, Stage, TooLarge, UnsupportedFile, UsageError, from_os_error,
                             printable)
from pipeline.i18n import _
from pipeline.privacy import FILE_MODE, ORIGINAL_MODE, make_private_dir

CHUNK = 1 << 20
MB = 1024 * 1024

# What an entry is when it is not a regular file: said in the reason a batch fails with.
_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def kind_of(mode: int) -> str | None:
    """What a non-regular file system entry is ("a symbolic link", ...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def refuse_unless_regular(mode: int, path: Path) -> None:
    kind = kind_of(mode)
    if kind is not None:
        raise UnsupportedFile(f"{kind}, not a regular file: refused, nothing was read", stage=Stage.INTAKE,
                              path=str(path), remedy="copy the scanned file itself; links are never followed"
                              if stat.S_ISLNK(mode) else "drop scanned files only")


@dataclass(frozen=True)
class Fixity:
    """What re-hashing one archived original found: `ok`, `damaged` or `missing`, and why."""

    sha256: str
    path: Path
    state: str
    size: int
    reason: str


_HEX2 = re.compile(r"[0-9a-f]{2}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ArchivedFile:
    sha256: str
    size: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, source: Path, *, max_bytes: int | None = None) -> ArchivedFile:
        """Copy `source` into the archive and verify the copy; return its identity.

        Only a regular file is read: the name is opened without following a link
        (O_NOFOLLOW) and without waiting for a writer (O_NONBLOCK: a FIFO would
        block), and what was opened must be the regular file that was looked at
        (same device and inode), so nothing outside the given paths is ever read.
        Copying stops once more than `max_bytes` were read (`limits.max_file_mb`).
        """
        looked = os.lstat(source)
        refuse_unless_regular(looked.st_mode, source)
        tmp_dir = make_private_dir(self.root / "tmp")
        digest = hashlib.sha256()
        size = 0
        try:
            src = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # replaced by a link since it was looked at
                refuse_unless_regular(stat.S_IFLNK, source)
            raise
        tmp = None
        try:
            opened = os.fstat(src)
            refuse_unless_regular(opened.st_mode, source)
            if (opened.st_dev, opened.st_ino) != (looked.st_dev, looked.st_ino):
                raise IncompleteFile("the file was replaced while it was being opened", stage=Stage.INTAKE,
                                     path=str(source), remedy="it will be taken again once it stays put")
            fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="incoming-")
            tmp = Path(tmp_name)
            with os.fdopen(src, "rb", closefd=False) as reader, os.fdopen(fd, "wb") as dst:
                while chunk := reader.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(
                            f"the file is larger than limits.max_file_mb ({max_bytes / MB:g} MB): it was not archived",
                            stage=Stage.INTAKE, path=str(source),
                            remedy="split the scan into smaller files, or raise limits.max_file_mb and drop it again")
                    digest.update(chunk)
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            after = os.fstat(src)
            if (after.st_size, after.st_mtime_ns) != (looked.st_size, looked.st_mtime_ns) or size != after.st_size:
                raise IncompleteFile(
                    "the file changed while it was being archived",
                    stage=Stage.INTAKE, path=str(source),
                    remedy="it is probably still being copied; it will be taken again once it is complete",
                )
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.exists() and self._matches(final, sha):
                tmp.unlink()
            else:
                make_private_dir(final.parent)
                os.chmod(tmp, ORIGINAL_MODE)  # read-only, and for the office group only
                os.replace(tmp, final)
                _fsync_dir(final.parent)
            if not self._matches(final, sha):
                raise ArchiveError(
                    f"archived copy of {source.name} does not match its SHA-256 {sha}",
                    stage=Stage.INTAKE, path=str(source),
                    remedy=f"check the disk holding {self.root}; the inbox file was left in place",
                )
            return ArchivedFile(sha256=sha, size=size)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):  # the archive's disk, not the input: retried
                raise from_os_error(exc, stage=Stage.INTAKE, path=str(self.root)) from None
            raise
        finally:
            os.close(src)
            if tmp is not None and tmp.exists():
                tmp.unlink()

    def verify(self, sha256: str) -> bool:
        """Fixity check: the archived copy still hashes to its name."""
        path = self.path_for(sha256)
        return path.is_file() and self._matches(path, sha256)

    def check(self, sha256: str) -> Fixity:
        """Re-hash the archived copy of `sha256` (streamed), opened without following a link."""
        path = self.path_for(sha256)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return Fixity(sha256, path, "missing", 0, "no file")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return Fixity(sha256, path, "damaged", 0, "a symbolic link in place of the original")
            return Fixity(sha256, path, "damaged", 0, f"cannot be read: {exc.strerror}")
        digest = hashlib.sha256()
        size = 0
        try:
            if kind := kind_of(os.fstat(fd).st_mode):
                return Fixity(sha256, path, "damaged", 0, f"{kind} in place of the original")
            with os.fdopen(fd, "rb", closefd=False) as reader:
                while chunk := reader.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except OSError as exc:  # a failing disk: EIO
            return Fixity(sha256, path, "damaged", size, f"cannot be read: {exc.strerror}")
        finally:
            os.close(fd)
        if digest.hexdigest() != sha256:
            return Fixity(sha256, path, "damaged", size, f"its content now hashes to {digest.hexdigest()}")
        return Fixity(sha256, path, "ok", size, "")

    def stored(self) -> Iterator[tuple[str | None, Path]]:
        """Every entry the archive holds, as (SHA-256 its place names, path); None for an entry out of place.

        The temporary folder of copies in progress is not part of it; links are listed, never followed.
        """
        if not self.root.is_dir():
            return
        for first in sorted(os.scandir(self.root), key=lambda e: e.name):
            if first.name == "tmp" and first.is_dir(follow_symlinks=False):
                continue
            if not (first.is_dir(follow_symlinks=False) and _HEX2.fullmatch(first.name)):
                yield None, Path(first.path)
                continue
            for second in sorted(os.scandir(first.path), key=lambda e: e.name):
                if not (second.is_dir(follow_symlinks=False) and _HEX2.fullmatch(second.name)):
                    yield None, Path(second.path)
                    continue
                for entry in sorted(os.scandir(second.path), key=lambda e: e.name):
                    name = entry.name
                    placed = _SHA256.fullmatch(name) and name[:2] == first.name and name[2:4] == second.name
                    yield (name if placed else None), Path(entry.path)

    def export(self, sha256: str, destination: Path) -> Path:
        """Write the original to `destination`, verified against its SHA-256; never overwrite, never follow a link.

        The copy goes to `<destination>.part`, created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW: an entry of that
        name, a link included, is refused, never written through), mode 0640 whatever the umask, fsynced and
        read back through the same descriptor; it then gets its name by a hard link, which fails rather than
        replace anything that appeared at `destination` meanwhile.
        """
        if not self.verify(sha256):
            raise ArchiveError(f"the archived original {sha256} is missing or damaged",
                               remedy="restore the archive folder from backup")
        tmp = destination.with_name(destination.name + ".part")
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
        except FileExistsError:
            raise UsageError(_("{path} is in the way (a leftover copy or a link): export never writes through "
                               "an existing file").format(path=printable(str(tmp))),
                             remedy=_("remove it, or choose another --to")) from None
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "w+b", closefd=False) as out, self.path_for(sha256).open("rb") as original:
                while chunk := original.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(fd)
                out.seek(0)
                digest = hashlib.sha256()
                while chunk := out.read(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() != sha256:
                raise ArchiveError(f"the copy written to {destination} does not match {sha256}",
                                   remedy="check the destination disk and try again")
            _place_without_overwriting(tmp, destination)
            _fsync_dir(destination.parent)
        except BaseException:  # a full disk, a refused folder, Ctrl-C: no half copy is left behind
            tmp.unlink(missing_ok=True)  # ours: created exclusively above
            raise
        finally:
            os.close(fd)
        return destination

    @staticmethod
    def _matches(path: Path, sha256: str) -> bool:
        return sha256_file(path) == sha256


def _place_without_overwriting(tmp: Path, destination: Path) -> None:
    """Give `tmp` the name `destination` only if nothing has it (a link that points nowhere included)."""
    try:
        os.link(tmp, destination, follow_symlinks=False)
    except FileExistsError:
        raise UsageError(_("would overwrite {path}").format(path=printable(str(destination))),
                         remedy=_("choose another --to or move the file away")) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links (FAT, some shares): check, then rename.
        if os.path.lexists(destination):
            raise UsageError(_("would overwrite {path}").format(path=printable(str(destination))),
                             remedy=_("choose another --to or move the file away")) from None
        os.rename(tmp, destination)
        return
    tmp.unlink()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
