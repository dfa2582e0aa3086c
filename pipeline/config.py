"""Settings: configuration is data, read from TOML files in `configs/`.

Precedence: command-line option > environment variable > config file > the
defaults in `configs/default.toml` (mirrored by the dataclass defaults below).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.i18n import _

PROJECT_CONFIGS = Path(__file__).resolve().parent.parent / "configs"
DEFAULT_CONFIG = PROJECT_CONFIGS / "default.toml"


@dataclass(frozen=True)
class OfficeSettings:
    code: str = "Q1"  # one of configs/offices.toml
    timezone: str = "Asia/Ho_Chi_Minh"  # human output shows times in it (`--json` stays UTC)

    @property
    def district(self) -> str:
        """The office code by its first name: offices were districts until wards got their own (2025)."""
        return self.code


@dataclass(frozen=True)
class StoreSettings:
    url: str = ""
    connect_timeout_seconds: float = 10.0
    statement_timeout_seconds: float = 30.0


@dataclass(frozen=True)
class CitySettings:
    offices: str = "offices.toml"  # the city's offices, their hours and public holidays
    procedures: str = "procedures.toml"  # the citywide catalog of procedures


@dataclass(frozen=True)
class CatalogSettings:
    path: str = "catalog.toml"
    min_confidence: float = 0.5


@dataclass(frozen=True)
class OcrSettings:
    languages: str = "vie"
    dpi: int = 300
    engine: str = "tesserocr"
    timeout_seconds: float = 180.0
    correct: bool = True  # Vietnamese post-correction by the syllable language model
    # A poorly read page is read again from variants of its image; an unread ID, birth date or name from its line
    reread: bool = True


@dataclass(frozen=True)
class LimitSettings:
    max_file_mb: float = 512.0
    max_pages: int = 1000
    max_page_pixels: int = 60_000_000


@dataclass(frozen=True)
class InboxSettings:
    path: str = ""
    quiet_seconds: float = 5.0
    folder_marker: str = "READY"
    folder_quiet_seconds: float = 60.0
    incomplete_seconds: float = 300.0
    rescan_seconds: float = 30.0
    polling: bool = False


@dataclass(frozen=True)
class QueueSettings:
    workers: int = 0
    max_attempts: int = 5
    retry_base_seconds: float = 10.0
    lease_seconds: float = 600.0
    shutdown_seconds: float = 30.0


@dataclass(frozen=True)
class UiSettings:
    language: str = ""  # "vi" or "en"; empty: from LC_ALL / LC_MESSAGES / LANG (Vietnamese when unset)
    operator: str = ""  # who sits at this account, for the audit log (env DOSSIER_OPERATOR); empty: the OS account


@dataclass(frozen=True)
class LoggingSettings:
    format: str = "text"
    level: str = "INFO"


@dataclass(frozen=True)
class RolesSettings:
    """Who is an admin (pipeline/roles.py); everyone else has the `default` role."""

    admin_users: list[str] = field(default_factory=lambda: ["root", "dossier"])
    admin_groups: list[str] = field(default_factory=lambda: ["dossier-admin"])
    data_owner_is_admin: bool = True  # the account owning the data folder (it ran `dossier init`)
    default: str = "operator"
    reveal_ids: list[str] = field(default_factory=lambda: ["admin"])  # roles that see ID numbers in clear


@dataclass(frozen=True)
class PrivacySettings:
    group: str = ""  # the office group given read access to the data folder; empty: the owner only


@dataclass(frozen=True)
class VerifySettings:
    every_days: float = 7.0  # the daemon re-hashes the archive this often; 0: never


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    config_path: Path
    office: OfficeSettings = field(default_factory=OfficeSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    city: CitySettings = field(default_factory=CitySettings)
    catalog: CatalogSettings = field(default_factory=CatalogSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    inbox: InboxSettings = field(default_factory=InboxSettings)
    queue: QueueSettings = field(default_factory=QueueSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    roles: RolesSettings = field(default_factory=RolesSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    verify: VerifySettings = field(default_factory=VerifySettings)

    # --- derived locations ------------------------------------------------
    @property
    def db_url(self) -> str:
        return self.store.url or f"sqlite:///{self.data_dir / 'dossier.sqlite3'}"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def inbox_dir(self) -> Path:
        return Path(self.inbox.path) if self.inbox.path else self.data_dir / "inbox"

    @property
    def catalog_path(self) -> Path:
        return Path(self.catalog.path)

    @property
    def offices_path(self) -> Path:
        return Path(self.city.offices)

    @property
    def procedures_path(self) -> Path:
        return Path(self.city.procedures)


# A bound longer than a day is no bound (and overflows some of the clocks it is handed to).
MAX_TIMEOUT_SECONDS = 86_400
_SECTIONS = {f.name: f.type for f in fields(Settings) if f.name not in ("data_dir", "config_path")}
# Paths in a config file are relative to the file that names them: an office
# file that leaves catalog.path alone still gets the catalog beside default.toml.
_PATH_KEYS = (("catalog", "path"), ("inbox", "path"), ("city", "offices"), ("city", "procedures"))
# Keys renamed since office files were first written: the old name keeps working.
_RENAMED = {("office", "district"): "code"}


def load_settings(
    *,
    config: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    db_url: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build the settings for one command from options, environment and files."""
    env = os.environ if environ is None else environ
    config_path = Path(config or env.get("DOSSIER_CONFIG") or DEFAULT_CONFIG).expanduser().resolve()
    data = _read_toml(DEFAULT_CONFIG) if DEFAULT_CONFIG.exists() else {}
    if config_path != DEFAULT_CONFIG.resolve():
        data = _merge(data, _read_toml(config_path))

    settings = Settings(
        data_dir=Path(data_dir or env.get("DOSSIER_DATA_DIR") or "var").expanduser().resolve(),
        config_path=config_path,
    )
    for section, values in data.items():
        if section not in _SECTIONS:
            raise ConfigError(_("unknown section [{section}]").format(section=section), path=str(config_path),
                              remedy=_("known sections: {names}").format(names=", ".join(sorted(_SECTIONS))))
        settings = replace(settings, **{section: _build(section, getattr(settings, section), values, config_path)})
    url = db_url or env.get("DOSSIER_DB_URL")
    if url:
        settings = replace(settings, store=replace(settings.store, url=url))
    return settings


def read_toml(path: Path, *, missing_remedy: str) -> dict[str, Any]:
    """A TOML file of configs/, or a ConfigError naming it."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(_("file not found"), path=str(path), remedy=missing_remedy) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("invalid TOML: {error}").format(error=exc), path=str(path)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    data = read_toml(path, missing_remedy=_("pass an existing file with --config or DOSSIER_CONFIG"))
    for (section, old), new in _RENAMED.items():
        table = data.get(section)
        if isinstance(table, dict) and old in table:
            if new in table:
                raise ConfigError(_("[{section}] gives both {old} and {new}").format(section=section, old=old, new=new),
                                  path=str(path), remedy=_("keep {new} ({old} is its former name)").format(
                                      new=new, old=old))
            table[new] = table.pop(old)
    for section, key in _PATH_KEYS:
        value = data.get(section, {}).get(key) if isinstance(data.get(section), dict) else None
        if isinstance(value, str) and value:
            data[section][key] = str((path.parent / Path(value).expanduser()).resolve())
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _build(section: str, current: Any, values: Any, source: Path) -> Any:
    if not isinstance(values, dict) or not is_dataclass(current):
        raise ConfigError(_("[{section}] must be a table").format(section=section), path=str(source))
    known = {f.name: f for f in fields(current)}
    changes = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(_("unknown key {section}.{key}").format(section=section, key=key), path=str(source),
                              remedy=_("known keys in [{section}]: {keys}").format(
                                  section=section, keys=", ".join(sorted(known))))
        expected = type(getattr(current, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(_("{section}.{key} must be {kind}, not {value!r}").format(
                section=section, key=key, kind=expected.__name__, value=value), path=str(source))
        if expected is list and not all(isinstance(item, str) for item in value):
            raise ConfigError(_("{section}.{key} must be a list of names, not {value!r}").format(
                section=section, key=key, value=value), path=str(source))
        if key.endswith("timeout_seconds") and not 0 < value <= MAX_TIMEOUT_SECONDS:
            raise ConfigError(_("{section}.{key} must be more than 0 and at most {most} seconds, not {value!r}").format(
                section=section, key=key, most=MAX_TIMEOUT_SECONDS, value=value), path=str(source),
                remedy=_("every call to a program or the store is bounded in time: give the bound"))
        _check_value(section, key, value, source)
        changes[key] = value
    return replace(current, **changes)


UI_LANGUAGES = ("vi", "en")


def _check_value(section: str, key: str, value: Any, source: Path) -> None:
    """Values a later command would trip on, refused where they are written."""
    if (section, key) == ("ui", "language") and value not in ("", *UI_LANGUAGES):
        raise ConfigError(_("ui.language must be one of {languages}, not {value!r}").format(
            languages=", ".join(UI_LANGUAGES), value=value), path=str(source),
            remedy=_('"vi" (Vietnamese) or "en" (English); leave it out to follow LANG'))
    if (section, key) == ("office", "timezone"):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(_("office.timezone {value!r} is not a time zone").format(value=value), path=str(source),
                              remedy=_('an IANA name such as "Asia/Ho_Chi_Minh"')) from None
