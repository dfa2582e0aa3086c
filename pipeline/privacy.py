"""Citizens' files stay private: no access for other accounts, whatever the umask.

Everything dossier creates under its data folder (the store, the archive, models,
the state of scheduled checks) and every export is made without any access for
other accounts: folders 0750, files 0640, archived originals 0440 (read-only).
The command sets the umask to 027 when it starts, so that files made by the
libraries it uses (SQLite and its -wal/-shm, joblib) follow the same rule, and
the places that matter set their modes explicitly as well.

An office group (`[privacy] group`) gives operators read access: the data folder
is given to that group and its folders are made setgid, so what is created in
them later belongs to the group too. `repair` brings an existing folder to these
modes (`dossier init`) and returns what it changed.
"""

from __future__ import annotations

import grp
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.errors import ConfigError, SystemFailure
from pipeline.i18n import _

UMASK: Final = 0o027  # nothing for others, no writing for the group
DIR_MODE: Final = 0o750
FILE_MODE: Final = 0o640
ORIGINAL_MODE: Final = 0o440  # archived originals: never altered
_SETGID: Final = stat.S_ISGID
_SHA256_NAME = re.compile(r"[0-9a-f]{64}")


def private_umask() -> int:
    """Make what this process (and its workers) create private; returns the umask it had."""
    return os.umask(UMASK)


def group_id(name: str) -> int | None:
    """The office group's id (None: no group configured), or a ConfigError naming it."""
    if not name:
        return None
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise ConfigError(_("the office group {name!r} ([privacy] group) does not exist").format(name=name),
                          remedy=_("create it (groupadd), or correct [privacy] group")) from None


def make_private_dir(path: Path) -> Path:
    """Create `path` (and its parents) if missing; a folder this creates is 0750 (setgid inherited)."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    for made in missing:
        inherited = os.stat(made.parent).st_mode & _SETGID
        os.chmod(made, DIR_MODE | inherited)
    return path


@dataclass(frozen=True)
class ModeChange:
    """One repair `dossier init` made: a mode, a group, or both."""

    path: Path
    old_mode: int
    new_mode: int
    old_group: int | None = None
    new_group: int | None = None

    def describe(self, root: Path) -> str:
        where = str(self.path.relative_to(root)) if self.path != root else str(root)
        parts = []
        if self.old_mode != self.new_mode:
            parts.append(f"{self.old_mode:04o} → {self.new_mode:04o}")
        if self.new_group is not None and self.old_group != self.new_group:
            parts.append(_("group {old} → {new}").format(old=_group_name(self.old_group),
                                                           new=_group_name(self.new_group)))
        return f"{where}: {', '.join(parts)}"


def _group_name(gid: int | None) -> str:
    try:
        return grp.getgrgid(gid).gr_name if gid is not None else "?"
    except KeyError:
        return str(gid)


def wanted_mode(path: Path, mode: int, root: Path, *, grouped: bool, inbox: Path | None) -> int:
    """The mode an entry under the data folder should have."""
    if stat.S_ISDIR(mode):
        in_inbox = inbox is not None and (path == inbox or inbox in path.parents)
        base = 0o770 if grouped and in_inbox else DIR_MODE  # the office's operators drop scans there
        return base | (_SETGID if grouped else 0)
    if inbox is not None and inbox in path.parents:  # a scan waiting to be taken: only others lose access
        return stat.S_IMODE(mode) & ~0o007
    if _is_original(path, root):
        return ORIGINAL_MODE
    return FILE_MODE


def _is_original(path: Path, root: Path) -> bool:
    relative = path.relative_to(root).parts
    return len(relative) == 4 and relative[0] == "archive" and bool(_SHA256_NAME.fullmatch(relative[3]))


def repair(root: Path, *, group: str = "", inbox: Path | None = None) -> list[ModeChange]:
    """Bring every folder and file under `root` to its private mode (and the office group); what changed.

    Links are never followed nor changed (lstat; a link's own mode means nothing on Linux).
    """
    gid = group_id(group)
    changes: list[ModeChange] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        for path in [here] if here == root else []:
            changes += _repair_one(path, root, gid, inbox)
        for name in [*dirs, *files]:
            changes += _repair_one(here / name, root, gid, inbox)
    return changes


def _repair_one(path: Path, root: Path, gid: int | None, inbox: Path | None) -> list[ModeChange]:
    info = os.lstat(path)
    if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
        return []  # links, sockets (watch.lock is a regular file): left as they are
    old_mode = stat.S_IMODE(info.st_mode)
    new_mode = wanted_mode(path, info.st_mode, root, grouped=gid is not None, inbox=inbox)
    try:
        if gid is not None and info.st_gid != gid:
            os.chown(path, -1, gid, follow_symlinks=False)
        if old_mode != new_mode:
            os.chmod(path, new_mode)  # after chown: changing the group clears setgid bits
    except PermissionError as exc:
        raise SystemFailure(_("cannot change the mode or group: {reason}").format(reason=exc.strerror),
                            path=str(path), remedy=_("run `dossier init` as the account that owns the data "
                                                     "folder, a member of the office group")) from None
    if old_mode == new_mode and (gid is None or info.st_gid == gid):
        return []
    return [ModeChange(path, old_mode, new_mode, info.st_gid if gid is not None else None, gid)]


def readable_by_others(root: Path) -> list[Path]:
    """Entries under `root` that other accounts could read or enter (links excepted): should be none."""
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files]:
            info = os.lstat(Path(folder) / name)
            if not stat.S_ISLNK(info.st_mode) and info.st_mode & 0o007:
                found.append(Path(folder) / name)
    if os.lstat(root).st_mode & 0o007:
        found.insert(0, root)
    return found
