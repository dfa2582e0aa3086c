"""Content-addressed archive of originals: the canonical, never-altered copies.

An original is stored once under `archive/<aa>/<bb>/<sha256>` and made
read-only. `put` streams the source into a temporary file while hashing it,
fsyncs, renames it into place and then re-reads the archived copy to verify
the SHA-256 before anyone may rely on it; only then may an inbox entry be
removed (and only after the database has recorded the batch).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ArchiveError, IncompleteFile, Stage

CHUNK = 1 << 20


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

    def put(self, source: Path) -> ArchivedFile:
        """Copy `source` into the archive and verify the copy; return its identity."""
        before = source.stat()
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="incoming-")
        tmp = Path(tmp_name)
        try:
            with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            after = source.stat()
            if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or size != after.st_size:
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
                final.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp, 0o444)
                os.replace(tmp, final)
                _fsync_dir(final.parent)
            if not self._matches(final, sha):
                raise ArchiveError(
                    f"archived copy of {source.name} does not match its SHA-256 {sha}",
                    stage=Stage.INTAKE, path=str(source),
                    remedy=f"check the disk holding {self.root}; the inbox file was left in place",
                )
            return ArchivedFile(sha256=sha, size=size)
        finally:
            if tmp.exists():
                tmp.unlink()

    def verify(self, sha256: str) -> bool:
        """Fixity check: the archived copy still hashes to its name."""
        path = self.path_for(sha256)
        return path.is_file() and self._matches(path, sha256)

    def export(self, sha256: str, destination: Path) -> Path:
        """Write the original to `destination`, verified against its SHA-256."""
        source = self.path_for(sha256)
        if not self.verify(sha256):
            raise ArchiveError(f"the archived original {sha256} is missing or damaged",
                               remedy="restore the archive folder from backup")
        tmp = destination.with_name(destination.name + ".part")
        shutil.copyfile(source, tmp)
        if sha256_file(tmp) != sha256:
            tmp.unlink()
            raise ArchiveError(f"the copy written to {destination} does not match {sha256}",
                               remedy="check the destination disk and try again")
        os.chmod(tmp, 0o644)
        os.replace(tmp, destination)
        return destination

    @staticmethod
    def _matches(path: Path, sha256: str) -> bool:
        return sha256_file(path) == sha256


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
