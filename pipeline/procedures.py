"""The citywide catalog of procedures, from `configs/procedures.toml`.

A procedure (đăng ký khai sinh, đăng ký kết hôn, ...) says which document types
a complete dossier holds and whether the law wants its result the day the
dossier arrives. Loading validates the file against the catalog of document
types (a procedure cannot require a type the catalog does not know) so that an
edit fails at `dossier procedures`, not at the first dossier. How a dossier's
procedure is recognised from its documents is `pipeline.stages.procedure`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from pipeline.catalog import Catalog
from pipeline.config import read_toml
from pipeline.errors import ConfigError, UsageError
from pipeline.i18n import _
from pipeline.textnorm import fold, nfc, unknown_value

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
_KEYS = {"id", "name_vi", "same_day", "requires", "phrases", "folder"}

# How a batch got its procedure (stored on the batch beside it).
FROM_OPERATOR = "operator"  # `dossier ingest --procedure`
FROM_FOLDER = "folder"  # the inbox subfolder it was dropped in
FROM_DOCUMENTS = "documents"  # named by its receipt or application


@dataclass(frozen=True)
class Procedure:
    id: str
    name_vi: str
    same_day: bool
    requires: tuple[str, ...]  # catalog type ids, each needed at least once
    phrases: tuple[str, ...]  # NFC, as printed
    folder: str | None = None

    @cached_property
    def folded_phrases(self) -> tuple[str, ...]:
        return tuple(" ".join(fold(p).split()) for p in self.phrases)

    def missing(self, doc_types: list[str]) -> list[str]:
        """The required document types a dossier of these types lacks, in the order listed."""
        present = set(doc_types)
        return [t for t in self.requires if t not in present]


@dataclass(frozen=True)
class Procedures:
    path: Path
    named_by: tuple[str, ...]  # document types whose text may name the procedure, most reliable first
    by_id: Mapping[str, Procedure] = field(default_factory=lambda: MappingProxyType({}))

    def __contains__(self, procedure_id: str) -> bool:
        return procedure_id in self.by_id

    def __iter__(self):
        return iter(self.by_id.values())

    def get(self, procedure_id: str) -> Procedure:
        try:
            return self.by_id[procedure_id]
        except KeyError:
            raise UsageError(unknown_value(procedure_id, self.by_id, what=_("procedure")),
                             remedy=_("`dossier procedures` lists those of {path}").format(path=self.path)) from None

    def find(self, procedure_id: str | None) -> Procedure | None:
        """The procedure, or None for none or one no longer listed (old batches keep their id)."""
        return self.by_id.get(procedure_id) if procedure_id else None

    def by_folder(self, folder: str) -> Procedure | None:
        for procedure in self.by_id.values():
            if procedure.folder == folder:
                return procedure
        return None

    @property
    def folders(self) -> frozenset[str]:
        """Inbox subfolders that hold dossiers of one procedure rather than being a dossier themselves."""
        return frozenset(p.folder for p in self.by_id.values() if p.folder)


def load_procedures(path: Path, catalog: Catalog) -> Procedures:
    data = read_toml(path, missing_remedy="set city.procedures in the configuration")
    named_by = data.get("named_by", [])
    unknown_types = [t for t in named_by if t not in catalog]
    if not isinstance(named_by, list) or unknown_types:
        raise ConfigError(f"named_by: unknown document type(s) {', '.join(map(str, unknown_types))}",
                          path=str(path), remedy="see `dossier types` for the catalog ids")
    procedures: dict[str, Procedure] = {}
    folders: set[str] = set()
    for index, entry in enumerate(data.get("procedures", []), start=1):
        where = f"procedure #{index} ({entry.get('id', '?')})"
        unknown_keys = sorted(set(entry) - _KEYS)
        if unknown_keys:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown_keys)}", path=str(path),
                              remedy=f"known keys: {', '.join(sorted(_KEYS))}")
        try:
            procedure = Procedure(
                id=str(entry["id"]), name_vi=nfc(str(entry["name_vi"])), same_day=entry["same_day"],
                requires=tuple(entry["requires"]), phrases=tuple(nfc(str(p)) for p in entry["phrases"]),
                folder=str(entry["folder"]) if "folder" in entry else None)
        except KeyError as exc:
            raise ConfigError(f"{where} lacks the key {exc.args[0]!r}", path=str(path)) from None
        if not ID_PATTERN.fullmatch(procedure.id):
            raise ConfigError(f"{where}: an id is lower-case letters, digits and '_'", path=str(path))
        if procedure.id in procedures:
            raise ConfigError(f"{where}: duplicate id", path=str(path))
        if not isinstance(procedure.same_day, bool):
            raise ConfigError(f"{where}: same_day must be true or false", path=str(path))
        unknown = [t for t in procedure.requires if t not in catalog]
        if unknown:
            raise ConfigError(f"{where}: requires unknown document type(s) {', '.join(unknown)}", path=str(path),
                              remedy="see `dossier types` for the catalog ids")
        if not procedure.phrases or not all(procedure.folded_phrases):
            raise ConfigError(f"{where}: phrases must list how a receipt or application names it", path=str(path))
        if procedure.folder is not None:
            if not procedure.folder or "/" in procedure.folder or procedure.folder.startswith("."):
                raise ConfigError(f"{where}: folder must be a plain folder name", path=str(path))
            if procedure.folder in folders:
                raise ConfigError(f"{where}: folder {procedure.folder!r} is already another procedure's",
                                  path=str(path))
            folders.add(procedure.folder)
        procedures[procedure.id] = procedure
    return Procedures(path, tuple(named_by), MappingProxyType(procedures))
