"""The citywide catalog of document types, loaded from `configs/catalog.toml`.

The file format is documented at the top of that file. Loading validates it
(unique ids, known field names, required ⊆ fields, an `other` entry) so that a
district's edit fails at `dossier types`, not at the first document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.config import read_toml
from pipeline.errors import ConfigError
from pipeline.textnorm import fold, nfc, strip_marks

OTHER = "other"

FIELD_NAMES = (
    "full_name", "id_number", "old_id_number", "date_of_birth", "gender", "document_number",
    "issue_date", "dossier_code", "tax_code", "address", "spouse_name", "agent_name",
)


_TYPE_KEYS = {"id", "name_vi", "name_en", "group", "titles", "keywords", "fields", "required", "languages",
              "head_keywords", "symbols"}


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
    def bare_symbols(self) -> tuple[str, ...]:
        """Symbols without accents, case kept: OCR often drops the bar of Đ, but "TTr" ≠ "TTg"."""
        return tuple(strip_marks(s) for s in self.symbols)


@dataclass(frozen=True)
class Catalog:
    types: tuple[DocType, ...]
    path: Path

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
            )
        except KeyError as exc:
            raise ConfigError(f"{where} lacks the key {exc.args[0]!r}", path=str(path)) from None
        if doc_type.id in seen:
            raise ConfigError(f"{where}: duplicate id", path=str(path))
        unknown = [f for f in doc_type.fields + doc_type.required if f not in FIELD_NAMES]
        if unknown:
            raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)}", path=str(path),
                              remedy=f"known fields: {', '.join(FIELD_NAMES)}")
        missing = [f for f in doc_type.required if f not in doc_type.fields]
        if missing:
            raise ConfigError(f"{where}: required field(s) not in fields: {', '.join(missing)}", path=str(path))
        seen.add(doc_type.id)
        types.append(doc_type)
    if OTHER not in seen:
        raise ConfigError(f"the catalog has no {OTHER!r} type", path=str(path),
                          remedy="keep the `other` entry: documents outside the catalog are filed under it")
    return Catalog(types=tuple(types), path=path)
