"""The citywide catalog of document types and their fields, loaded from `configs/catalog.toml`.

The file format is documented at the top of that file. Loading validates it
(unique ids, fields of known kinds, required ⊆ fields, roles that exist, an
`other` entry) so that a district's edit fails at `dossier types`, not at the
first document. Whatever the code needs to know about a type or a field is
asked of the catalog, never written out in code.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from pipeline.config import read_toml
from pipeline.errors import ConfigError
from pipeline.textnorm import fold, nfc, strip_marks

OTHER = "other"
MAIN_FIELD = "full_name"  # the name of the person the document is about (../shared FIELDS.md)
MAX_MIN_AGE = 120


class FieldKind(StrEnum):
    """The shapes of value the code knows how to read and check (stages/extract/values.py).

    A field of a known kind is added to the catalog without a release.
    """

    NAME = "name"  # a person's full name: ranked first by search, matched allowing OCR errors
    ID_NUMBER = "id_number"  # the 12-digit personal ID number
    OLD_ID_NUMBER = "old_id_number"  # the 9-digit ID card (CMND) number
    DATE = "date"
    GENDER = "gender"
    DOCUMENT_NUMBER = "document_number"
    DOSSIER_CODE = "dossier_code"
    TAX_CODE = "tax_code"
    ADDRESS = "address"


class Role(StrEnum):
    """Whose data a form's label introduces; each type's `people` says which field a role fills."""

    MAIN = "main"  # the citizen the document is about: always `full_name`
    SPOUSE = "spouse"  # the other spouse on a marriage certificate
    AGENT = "agent"  # the person given a power of attorney
    REQUESTER = "requester"  # who asked for a civil-status entry on someone else's behalf
    FATHER = "father"  # "Họ, chữ đệm, tên người cha"
    MOTHER = "mother"  # "Họ, chữ đệm, tên người mẹ"
    HOUSEHOLD_HEAD = "household_head"  # "Họ và tên chủ hộ"
    BENEFICIARY = "beneficiary"  # whom an application asks for, when another ("… giải quyết cho con tôi là:")
    CO_HOLDER = "co_holder"  # a land user printed after the first ("… và chồng: Ông: …")
    RECEIVER = "receiver"  # the official who received a dossier: its receipt's "NGƯỜI TIẾP NHẬN HỒ SƠ"
    OTHER = "other"  # declarants, witnesses, officials: never the main person


@dataclass(frozen=True)
class FieldDef:
    name: str
    kind: FieldKind

    @property
    def is_person_name(self) -> bool:
        return self.kind is FieldKind.NAME


_TYPE_KEYS = {"id", "name_vi", "name_en", "group", "titles", "keywords", "fields", "required", "languages",
              "head_keywords", "symbols", "people", "record_of", "min_age", "markers",
              "applicant"}


@dataclass(frozen=True)
class DocType:
    id: str
    name_vi: str
    name_en: str
    group: str
    titles: tuple[str, ...]
    keywords: tuple[str, ...]
    fields: tuple[str, ...]
    required: tuple[str, ...]
    languages: str | None = None  # Tesseract languages for this type; None: the office default
    head_keywords: tuple[str, ...] = ()  # title-strength phrases for types printed without a title
    symbols: tuple[str, ...] = ()  # abbreviation in document numbers: "QĐ" in "45/QĐ-UBND"
    people: tuple[tuple[str, Role], ...] = ()  # (person field other than full_name, the role filling it)
    # The citizen's fields this type is the state's own record of (the ID card: ID number, birth date):
    # its reading is taken when a dossier's documents read one differently with no majority (`reconcile`)
    record_of: tuple[str, ...] = ()
    # The youngest the document's person (full_name) can be on its issue date: 18 for a marriage;
    # 0 for every type (no one is born after a document about them was issued)
    min_age: int = 0
    # Patterns of a line that only this type prints, anywhere on its pages (the ID card's machine-readable
    # zone): they count like a title for classification when OCR lost the title. Not for splitting.
    markers: tuple[str, ...] = ()
    # The document's person (full_name) is the citizen who files the dossier (an applicant, a holder):
    # the copy of their identity card the dossier holds supplies what this document's OCR lost (`reconcile`)
    applicant: bool = False

    # Cached: classification and splitting compare every head line of every page with these.
    @cached_property
    def folded_titles(self) -> tuple[str, ...]:
        return tuple(fold(t) for t in self.titles)

    @cached_property
    def folded_keywords(self) -> tuple[str, ...]:
        return tuple(fold(k) for k in self.keywords)

    @cached_property
    def folded_head_keywords(self) -> tuple[str, ...]:
        return tuple(fold(k) for k in self.head_keywords)

    @cached_property
    def compiled_markers(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(m) for m in self.markers)

    @cached_property
    def bare_symbols(self) -> tuple[str, ...]:
        """Symbols without accents, case kept: OCR often drops the bar of Đ, but "TTr" ≠ "TTg"."""
        return tuple(strip_marks(s) for s in self.symbols)


@dataclass(frozen=True)
class Catalog:
    types: tuple[DocType, ...]
    path: Path
    fields: Mapping[str, FieldDef] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    # What operators read for each field in Vietnamese (`[field_names]`); the name itself where none is given.
    field_names_vi: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def field(self, name: str) -> FieldDef:
        """The definition of a field, or KeyError."""
        return self.fields[name]

    @cached_property
    def person_fields(self) -> frozenset[str]:
        """Fields holding a person's name."""
        return frozenset(name for name, field in self.fields.items() if field.is_person_name)

    def get(self, type_id: str) -> DocType:
        for doc_type in self.types:
            if doc_type.id == type_id:
                return doc_type
        raise KeyError(type_id)

    def __contains__(self, type_id: str) -> bool:
        return any(t.id == type_id for t in self.types)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.types)

    @property
    def fingerprint(self) -> str:
        """Changes whenever the file does: a trained model records the catalog it was trained with."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()[:16] if self.path.exists() else ""


def load_catalog(path: Path) -> Catalog:
    data = read_toml(path, missing_remedy="set catalog.path in the configuration")
    fields = _load_fields(data.get("fields"), path)

    types: list[DocType] = []
    seen: set[str] = set()
    for index, entry in enumerate(data.get("types", []), start=1):
        where = f"type #{index} ({entry.get('id', '?')})"
        unknown_keys = sorted(set(entry) - _TYPE_KEYS)
        if unknown_keys:  # a misspelt "keyword" would otherwise be ignored silently
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown_keys)}", path=str(path),
                              remedy=f"known keys: {', '.join(sorted(_TYPE_KEYS))}")
        try:
            doc_type = DocType(
                id=str(entry["id"]),
                name_vi=nfc(str(entry["name_vi"])),
                name_en=str(entry["name_en"]),
                group=str(entry["group"]),
                titles=tuple(nfc(t) for t in entry.get("titles", [])),
                keywords=tuple(nfc(k) for k in entry.get("keywords", [])),
                fields=tuple(entry.get("fields", [])),
                required=tuple(entry.get("required", [])),
                languages=entry.get("languages"),
                head_keywords=tuple(nfc(k) for k in entry.get("head_keywords", [])),
                symbols=tuple(nfc(k) for k in entry.get("symbols", [])),
                people=tuple((str(k), Role(v)) for k, v in entry.get("people", {}).items()),
                record_of=tuple(entry.get("record_of", [])),
                min_age=entry.get("min_age", 0),
                markers=tuple(str(m) for m in entry.get("markers", [])),
                applicant=entry.get("applicant", False),
            )
        except KeyError as exc:
            raise ConfigError(f"{where} lacks the key {exc.args[0]!r}", path=str(path)) from None
        except ValueError as exc:  # a role the code does not know
            raise ConfigError(f"{where}: {exc}", path=str(path),
                              remedy=f"roles: {', '.join(r.value for r in Role)}") from None
        if type(doc_type.min_age) is not int or not 0 <= doc_type.min_age <= MAX_MIN_AGE:
            raise ConfigError(f"{where}: min_age must be a whole number of years from 0 to {MAX_MIN_AGE}",
                              path=str(path))
        if type(doc_type.applicant) is not bool:
            raise ConfigError(f"{where}: applicant must be true or false", path=str(path))
        try:
            doc_type.compiled_markers  # compiled once, here: a broken pattern stops the catalog loading
        except re.error as exc:
            raise ConfigError(f"{where}: marker {exc.pattern!r} is no regular expression ({exc})", path=str(path),
                              remedy="write markers as Python regular expressions "
                                     "(a backslash doubled in TOML)") from None
        if doc_type.id in seen:
            raise ConfigError(f"{where}: duplicate id", path=str(path))
        people = [name for name, _ in doc_type.people]
        unknown = [f for f in (*doc_type.fields, *doc_type.required, *people) if f not in fields]
        if unknown:
            raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)}", path=str(path),
                              remedy=f"known fields ([fields]): {', '.join(fields)}")
        missing = [f for f in (*doc_type.required, *people, *doc_type.record_of) if f not in doc_type.fields]
        if missing:
            raise ConfigError(f"{where}: required, people or record_of field(s) not in fields: {', '.join(missing)}",
                              path=str(path))
        not_names = [f for f in people if not fields[f].is_person_name]
        if not_names or MAIN_FIELD in people:
            raise ConfigError(f"{where}: people maps a person's role to {', '.join(not_names) or MAIN_FIELD}",
                              path=str(path), remedy=f"only name fields other than {MAIN_FIELD} take a role")
        seen.add(doc_type.id)
        types.append(doc_type)
    if OTHER not in seen:
        raise ConfigError(f"the catalog has no {OTHER!r} type", path=str(path),
                          remedy="keep the `other` entry: documents outside the catalog are filed under it")
    return Catalog(types=tuple(types), path=path, fields=fields,
                   field_names_vi=_load_field_names(data.get("field_names", {}), fields, path))


def _load_field_names(table: object, fields: Mapping[str, FieldDef], path: Path) -> Mapping[str, str]:
    """The optional `[field_names]` table: field name → its Vietnamese name."""
    if not isinstance(table, dict):
        raise ConfigError("[field_names] must be a table of field = \"Vietnamese name\"", path=str(path))
    unknown = [name for name in table if name not in fields]
    if unknown:
        raise ConfigError(f"[field_names]: unknown field(s) {', '.join(unknown)}", path=str(path),
                          remedy=f"known fields ([fields]): {', '.join(fields)}")
    return MappingProxyType({str(name): nfc(str(value)) for name, value in table.items()})


def _load_fields(table: object, path: Path) -> Mapping[str, FieldDef]:
    """The `[fields]` table: field name → kind."""
    if not isinstance(table, dict) or not table:
        raise ConfigError("the catalog has no [fields] table", path=str(path),
                          remedy="list every field with its kind, e.g. full_name = \"name\"")
    fields = {}
    for name, kind in table.items():
        try:
            fields[str(name)] = FieldDef(str(name), FieldKind(kind))
        except ValueError:
            raise ConfigError(f"field {name}: unknown kind {kind!r}", path=str(path),
                              remedy=f"kinds: {', '.join(k.value for k in FieldKind)}") from None
    if MAIN_FIELD not in fields or not fields[MAIN_FIELD].is_person_name:
        raise ConfigError(f"the catalog must define {MAIN_FIELD} = \"name\"", path=str(path))
    return MappingProxyType(fields)
