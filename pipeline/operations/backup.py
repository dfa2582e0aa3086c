"""Backup and restore (`dossier backup DEST`, `dossier restore SRC`): the store and the archive, whole and checked.

A backup is a folder:

    backup.json        what it is: format, when, which office, which backend, schema revision, counts
    dossier.sqlite3    the SQLite store, copied with SQLite's online backup API (consistent while the
                       daemon writes)    -- or --
    store.pgdump       the PostgreSQL store, `pg_dump -Fc`
    archive/aa/bb/...  every archived original the copied store records (and this folder holds)
    models/...         the trained classifier, when there is one
    MANIFEST.sha256    the SHA-256 of every file above (`sha256sum -c MANIFEST.sha256` checks it too)

Consistency: the store is copied first, as one snapshot (SQLite's backup API; on
PostgreSQL the SHA-256s are read in the very snapshot `pg_dump --snapshot` dumps),
and then exactly the originals that snapshot records are copied, each hashed while
copied. Originals are never altered nor removed, so none of them can be missing or
changed in between; a file archived after the snapshot belongs to a later backup.
The backup is written into a temporary folder beside DEST and renamed to DEST at the
end: a backup that stopped halfway never looks like a whole one.

Restore goes into an empty data folder (and, for PostgreSQL, the configured empty
database), checks every file against the manifest before using it, brings the
schema up to date (`dossier init`) and ends with `verify`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import URL

from pipeline import __version__
from pipeline.config import Settings
from pipeline.errors import ArchiveError, StoreError, ToolMissing, UsageError, printable
from pipeline.i18n import _
from pipeline.office.app import App
from pipeline.operations.verify import FixityReport, run_verify
from pipeline.privacy import DIR_MODE, FILE_MODE, ORIGINAL_MODE, make_private_dir, repair
from pipeline.store import db
from pipeline.store.models import utcnow

FORMAT: Final = 1
INFO: Final = "backup.json"
MANIFEST: Final = "MANIFEST.sha256"
SQLITE_COPY: Final = "dossier.sqlite3"
PG_DUMP: Final = "store.pgdump"
CHUNK: Final = 1 << 20
_RECORDED = "SELECT DISTINCT bf.sha256, b.office FROM batch_file bf JOIN batch b ON b.id = bf.batch_id"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class BackupReport:
    destination: Path
    backend: str
    office: str
    originals: int = 0
    bytes_copied: int = 0
    missing: list[str] = field(default_factory=list)  # this office's originals the archive lacks
    damaged: list[str] = field(default_factory=list)  # ... or holds no longer intact: not copied

    @property
    def complete(self) -> bool:
        return not self.missing and not self.damaged

    def as_json(self) -> dict:
        return {"destination": printable(str(self.destination)), "backend": self.backend, "office": self.office,
                "originals": self.originals, "bytes": self.bytes_copied, "complete": self.complete,
                "missing": self.missing, "damaged": self.damaged}


@dataclass
class RestoreReport:
    source: Path
    backend: str
    office: str
    created_at: str
    files_checked: int
    fixity: FixityReport

    def as_json(self) -> dict:
        return {"source": printable(str(self.source)), "backend": self.backend, "office": self.office,
                "created_at": self.created_at, "files_checked": self.files_checked,
                "verify": self.fixity.as_json()}


# --- backup ------------------------------------------------------------------------


def backup(app: App, destination: Path) -> BackupReport:
    """Write a consistent copy of the store and the archive to `destination` (absent, or an empty folder)."""
    _require_empty_destination(destination)
    make_private_dir(destination.parent)
    work = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}.partial-"))
    try:
        os.chmod(work, DIR_MODE)
        backend = app.store.dialect
        report = BackupReport(destination, backend, app.settings.office.code)
        if backend == "sqlite":
            recorded = _sqlite_snapshot(app, work / SQLITE_COPY)
            tool_version = None
        else:
            recorded, tool_version = _pg_snapshot(app, work / PG_DUMP)
        _copy_originals(app, recorded, work, report)
        models = app.settings.models_dir
        for model in sorted(models.glob("*.joblib")) if models.is_dir() else ():
            _copy_file(model, work / "models" / model.name, mode=FILE_MODE)
        info = {"format": FORMAT, "created_at": utcnow().isoformat(), "dossier_version": __version__,
                "backend": backend, "office": app.settings.office.code,
                "schema_revision": db.current_revision(app.store.engine),
                "store": SQLITE_COPY if backend == "sqlite" else PG_DUMP, "pg_dump_version": tool_version,
                **{k: v for k, v in report.as_json().items() if k in ("originals", "bytes", "complete",
                                                                         "missing", "damaged")}}
        _write_private(work / INFO, json.dumps(info, indent=2).encode())
        _write_manifest(work)
        _fsync_tree(work)
        os.rename(work, destination)  # an empty folder given as DEST is replaced whole
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return report


def _require_empty_destination(destination: Path) -> None:
    if destination.is_symlink() or (destination.exists() and not destination.is_dir()):
        raise UsageError(_("{path} exists and is not a folder").format(path=printable(str(destination))),
                         remedy=_("give a new folder for the backup"))
    if destination.is_dir() and any(destination.iterdir()):
        raise UsageError(_("{path} is not empty: a backup is never written over another").format(
            path=printable(str(destination))), remedy=_("give a new or empty folder"))
    if not destination.parent.is_dir():
        raise UsageError(_("the folder {path} does not exist").format(path=printable(str(destination.parent))),
                         remedy=_("create it first"))


def _sqlite_snapshot(app: App, copy: Path) -> dict[str, str]:
    """The SQLite store copied page by page while others may write (online backup API); what it records."""
    source = sqlite3.connect(app.store.engine.url.database, timeout=app.settings.store.statement_timeout_seconds)
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    os.close(fd)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return {sha256: office for sha256, office in target.execute(_RECORDED)}
    except sqlite3.Error as exc:
        raise StoreError(_("cannot copy the SQLite store: {reason}").format(reason=exc),
                         remedy=_("check the store with `dossier verify`, and the disk of the backup")) from None
    finally:
        target.close()
        source.close()


def _pg_snapshot(app: App, dump: Path) -> tuple[dict[str, str], str]:
    """`pg_dump -Fc` of the store, and the SHA-256 it records read in the very same snapshot."""
    dump_version = _pg_tool_version("pg_dump")
    engine = app.store.engine
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            server = int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000
            if int(dump_version.split(".")[0]) < server:
                raise ToolMissing(_("pg_dump {client} cannot dump a PostgreSQL {server} server").format(
                    client=dump_version, server=server),
                    remedy=_("install postgresql-client-{server}").format(server=server))
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
            recorded = {sha256: office for sha256, office in connection.execute(text(_RECORDED))}
            # The snapshot lives as long as this transaction: pg_dump runs inside it.
            _run_pg_tool(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}",
                          "--no-password"], engine.url, connect_timeout=app.settings.store.connect_timeout_seconds)
    os.chmod(dump, FILE_MODE)
    return recorded, dump_version


def _copy_originals(app: App, recorded: dict[str, str], work: Path, report: BackupReport) -> None:
    here = app.settings.office.code
    for sha256, office in sorted(recorded.items()):
        source = app.archive.path_for(sha256)
        if not os.path.lexists(source):
            if office == here or app.store.dialect == "sqlite":  # another office's original is in its own archive
                report.missing.append(sha256)
            continue
        target = work / "archive" / source.relative_to(app.archive.root)
        written, digest = _copy_file(source, target, mode=ORIGINAL_MODE)
        if digest != sha256:  # rotted since it was archived: copying it would pass the damage on
            target.unlink()
            report.damaged.append(sha256)
            continue
        report.originals += 1
        report.bytes_copied += written


def _copy_file(source: Path, target: Path, *, mode: int) -> tuple[int, str]:
    """Stream `source` (never through a link) into a new `target`; the bytes written and their SHA-256."""
    make_private_dir(target.parent)
    digest, size = hashlib.sha256(), 0
    src = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        dst = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(src, "rb", closefd=False) as reader, os.fdopen(dst, "wb", closefd=False) as writer:
                while chunk := reader.read(CHUNK):
                    digest.update(chunk)
                    writer.write(chunk)
                    size += len(chunk)
                writer.flush()
                os.fsync(dst)
            os.fchmod(dst, mode)
        finally:
            os.close(dst)
    finally:
        os.close(src)
    return size, digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _write_manifest(work: Path) -> None:
    lines = [f"{_sha256_of(path)}  {path.relative_to(work).as_posix()}\n" for path in _files(work)]
    _write_private(work / MANIFEST, "".join(lines).encode())


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p.name != MANIFEST)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, _files_here in os.walk(root):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- PostgreSQL tools ----------------------------------------------------------------


def _pg_tool_version(tool: str) -> str:
    try:
        out = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    except FileNotFoundError:
        raise ToolMissing(_("the {tool} command is not installed").format(tool=tool),
                          remedy=_("install postgresql-client (the version of the server)")) from None
    match = re.search(r"(\d+(?:\.\d+)?)", out)
    if not match:
        raise ToolMissing(_("cannot tell the version of {tool}: {out}").format(tool=tool, out=out.strip()))
    return match.group(1)


def _run_pg_tool(command: list[str], url: URL, *, connect_timeout: float) -> None:
    """Run pg_dump/pg_restore against the store's database; the password (if any) in the environment only.

    Connecting is bounded (store.connect_timeout_seconds); the dump or restore itself may rightly take long.
    """
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, "PGCONNECT_TIMEOUT": str(max(2, math.ceil(connect_timeout)))}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    result = subprocess.run([*command, f"--dbname={target}"], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise StoreError(_("{tool} failed: {detail}").format(tool=command[0], detail=detail),
                         remedy=_("check the database server and that the client matches its version"))


# --- restore -----------------------------------------------------------------------


def restore(settings: Settings, source: Path) -> RestoreReport:
    """Restore the backup in `source` into the (empty) data folder and store of `settings`, then verify."""
    info = _read_info(source)
    entries = _check_manifest(source, store=SQLITE_COPY if info["backend"] == "sqlite" else PG_DUMP)
    backend = info["backend"]
    url = db.database_url(settings.db_url)
    configured = url.get_backend_name()
    if configured != backend:
        raise UsageError(_("the backup holds a {backup} store and this configuration uses {configured}").format(
            backup=backend, configured=configured), remedy=_("restore with a --db of the same kind"))
    data_dir = settings.data_dir
    if data_dir.is_symlink() or (data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir()))):
        raise UsageError(_("the data folder {path} is not empty: restore never mixes a backup with other data")
                         .format(path=printable(str(data_dir))), remedy=_("give an empty or new --data-dir"))
    if backend == "sqlite" and Path(url.database).exists():
        raise UsageError(_("a store already exists at {path}").format(path=printable(url.database)),
                         remedy=_("restore into a new --db file or an empty data folder"))
    if backend == "postgresql":
        _require_empty_database(settings)
    created_dir = not data_dir.exists()
    try:
        make_private_dir(data_dir)
        _restore_files(source, entries, settings)
        if backend == "sqlite":
            target = Path(url.database)
            make_private_dir(target.parent)
            _copy_file(source / SQLITE_COPY, target, mode=FILE_MODE)
        else:
            restore_version = _pg_tool_version("pg_restore")
            dumped = info.get("pg_dump_version") or "0"
            if int(restore_version.split(".")[0]) < int(str(dumped).split(".")[0]):
                raise ToolMissing(_("pg_restore {client} cannot read a dump of pg_dump {dumped}").format(
                    client=restore_version, dumped=dumped), remedy=_("install the postgresql-client of the server"))
            _run_pg_tool(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                          "--no-password", str(source / PG_DUMP)], url,
                         connect_timeout=settings.store.connect_timeout_seconds)
        make_private_dir(settings.inbox_dir)
        with App.open(settings, check_schema=False) as app:
            app.store.init_schema()  # a backup of an older dossier: migrated as `dossier init` would
            fixity = run_verify(app, office=info["office"])
        repair(data_dir, group=settings.privacy.group, inbox=settings.inbox_dir)
    except BaseException:  # the data folder was empty: it is left so (a PostgreSQL restore is one transaction)
        _empty(data_dir, remove=created_dir)
        raise
    return RestoreReport(source, backend, info["office"], info["created_at"], len(entries), fixity)


def _read_info(source: Path) -> dict:
    try:
        info = json.loads((source / INFO).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(_("{path} holds no dossier backup ({info} is missing)").format(
            path=printable(str(source)), info=INFO), remedy=_("give the folder `dossier backup` wrote")) from None
    except ValueError:
        raise ArchiveError(_("{info} of the backup is damaged").format(info=INFO),
                           path=printable(str(source)), remedy=_("use another backup")) from None
    if info.get("format") != FORMAT or info.get("backend") not in ("sqlite", "postgresql"):
        raise UsageError(_("this backup's format ({format}) is not one this dossier reads").format(
            format=info.get("format")), remedy=_("restore it with the dossier version that wrote it"))
    return info


def _check_manifest(source: Path, store: str | None = None) -> dict[str, str]:
    """Every file the manifest lists, present and intact (never through a link): relative path → SHA-256."""
    try:
        lines = (source / MANIFEST).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ArchiveError(_("the backup has no {manifest}").format(manifest=MANIFEST), path=printable(str(source)),
                           remedy=_("use a whole backup")) from None
    entries: dict[str, str] = {}
    for line in lines:
        sha256, _sep, name = line.partition("  ")
        relative = PurePosixPath(name)
        if not _SHA256.fullmatch(sha256) or relative.is_absolute() or ".." in relative.parts or not name:
            raise ArchiveError(_("{manifest} has a line that is not `SHA-256  path`: {line!r}").format(
                manifest=MANIFEST, line=line[:120]), path=printable(str(source)), remedy=_("use another backup"))
        entries[name] = sha256
    wrong = []
    for name, sha256 in entries.items():
        try:
            actual = _sha256_of(source / name)
        except OSError as exc:
            wrong.append(f"{name} ({'a link' if exc.errno == errno.ELOOP else exc.strerror})")
            continue
        if actual != sha256:
            wrong.append(_("{name} (damaged)").format(name=name))
    for needed in (INFO, *([store] if store else [])):
        if needed not in entries:
            wrong.append(_("{name} (not in the manifest)").format(name=needed))
    if wrong:
        raise ArchiveError(_("the backup does not match its manifest: {files}").format(files=", ".join(wrong[:10])
                           + (f" … +{len(wrong) - 10}" if len(wrong) > 10 else "")), path=printable(str(source)),
                           remedy=_("nothing was restored; use another backup"))
    return entries


def _restore_files(source: Path, entries: dict[str, str], settings: Settings) -> None:
    """The archive and the models, each copy hashed again against the manifest as it is written."""
    for name, sha256 in sorted(entries.items()):
        parts = PurePosixPath(name).parts
        if parts[0] == "archive":
            target, mode = settings.archive_dir.joinpath(*parts[1:]), ORIGINAL_MODE
        elif parts[0] == "models":
            target, mode = settings.models_dir.joinpath(*parts[1:]), FILE_MODE
        else:
            continue  # the store and the backup's own files
        _, digest = _copy_file(source / name, target, mode=mode)
        if digest != sha256:
            raise ArchiveError(_("{name} changed while it was restored").format(name=name),
                               path=printable(str(source)), remedy=_("check the disk holding the backup"))


def _require_empty_database(settings: Settings) -> None:
    from pipeline.store.db import make_engine

    engine = make_engine(settings.db_url)
    try:
        with engine.connect() as connection:
            tables = connection.execute(text(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )).scalar()
    except Exception as exc:  # noqa: BLE001 - unreachable: said as the store's error
        raise db.unavailable(engine, exc) if hasattr(exc, "orig") else exc from None
    finally:
        engine.dispose()
    if tables:
        raise UsageError(_("the configured database is not empty ({count} table(s)): restore never mixes a "
                           "backup with other data").format(count=tables),
                         remedy=_("create an empty database (createdb) and give it with --db"))


def _empty(folder: Path, *, remove: bool) -> None:
    """Undo a restore that failed halfway: the folder was empty (or absent) before."""
    if not folder.is_dir() or folder.is_symlink():
        return
    if remove:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
