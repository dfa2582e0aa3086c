"""Who runs a command, and what their role lets them do (`[roles]`, `[ui] operator` in the configuration).

Two roles: `operator` (file, search, show, export, review and correct) and `admin`
(also reprocess, train, audit, verify, backup, run the daemon, `init`). A role
comes from the OS account running the command and its groups, never from a name
the user types: `[ui] operator` / `DOSSIER_OPERATOR` only says who sits at a
shared counter account, for the audit log. Checking is apart from rendering:
`refusal` returns the reason a command is refused, or None.
"""

from __future__ import annotations

import grp
import os
import pwd
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings
from pipeline.errors import ConfigError
from pipeline.i18n import _

OPERATOR, ADMIN = "operator", "admin"
ROLES = (OPERATOR, ADMIN)
# Commands beyond an operator's role; every other command is an operator's.
ADMIN_COMMANDS = frozenset({"reprocess", "train", "audit", "verify", "backup", "restore", "watch", "init"})


@dataclass(frozen=True)
class Identity:
    account: str  # the OS account running the command
    name: str  # who the events name: [ui] operator / DOSSIER_OPERATOR, else the account
    role: str
    reveal: bool  # may see personal ID numbers in clear without --reveal

    def may(self, command: str) -> bool:
        return self.role == ADMIN or command not in ADMIN_COMMANDS


def os_account() -> str:
    """The login name of the account running this process (its uid when it has none)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a passwd entry (a container)
        return f"uid {os.getuid()}"


def _os_groups() -> set[str]:
    names = set()
    for gid in {os.getgid(), *os.getgroups()}:
        try:
            names.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            names.add(str(gid))
    return names


def operator_name(settings: Settings, environ: dict[str, str] | None = None) -> str:
    """Who the events of this process name: DOSSIER_OPERATOR, else [ui] operator, else the OS account."""
    env = os.environ if environ is None else environ
    named = (env.get("DOSSIER_OPERATOR") or settings.ui.operator).strip()
    return named or os_account()


def identify(settings: Settings, environ: dict[str, str] | None = None) -> Identity:
    """This process's account, name, role and whether it sees ID numbers in clear."""
    roles = settings.roles
    for role in (roles.default, *roles.reveal_ids):
        if role not in ROLES:
            raise ConfigError(f"[roles] names an unknown role {role!r}", path=str(settings.config_path),
                              remedy=_("roles are {roles}").format(roles=", ".join(ROLES)))
    account = os_account()
    admin = (account in roles.admin_users or bool(_os_groups() & set(roles.admin_groups))
             or (roles.data_owner_is_admin and _owns(settings.data_dir)))
    role = ADMIN if admin else roles.default
    return Identity(account=account, name=operator_name(settings, environ), role=role,
                    reveal=role in roles.reveal_ids)


def _owns(data_dir: Path) -> bool:
    """The account that owns the data folder set it up (`dossier init`); before it exists, anyone may."""
    try:
        return data_dir.stat().st_uid == os.getuid()
    except FileNotFoundError:
        return True
    except OSError:
        return False


def refusal(identity: Identity, command: str) -> str | None:
    """Why `identity` may not run `command` (one line), or None."""
    if identity.may(command):
        return None
    return _("`dossier {command}` needs the admin role; {account} is {role}").format(
        command=command, account=identity.account, role=identity.role)
