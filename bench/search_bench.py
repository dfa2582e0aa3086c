"""Search benchmark: latency, index size, indexing rate and name recall, SQLite and PostgreSQL side by side.

    .venv/bin/python bench/search_bench.py                      # 20,000 pages, both backends
    .venv/bin/python bench/search_bench.py --pages 1000000      # the issue's target size
    .venv/bin/python bench/search_bench.py --reuse              # query an already built store again

Builds a synthetic store of N pages of invented citizens' documents (names, ID numbers, addresses
from tools/citizens.py; types and titles from configs/catalog.toml; body text from the Vietnamese
legal texts of ../shared/corpus/vn-legal-text, or generated from pipeline/data/vie_syllables.txt on
a clone without it). About 4% of documents carry a name damaged by OCR-like letter errors.

The base tables are written in bulk; the index is written by pipeline.search.index.write, the code
that filing runs, and timed on its own (indexing rate). Queries go through pipeline.search.search
as the CLI calls it, in one process, after a warm-up: name (a citizen's name typed without
diacritics), phrase (three words in quotes, with diacritics), id (a 12-digit personal ID number),
filtered (a name with --type and --since) and fuzzy (the clean name of a document whose printed name
is damaged). Results go to bench/results/search.md.

recall@10: for a sampled document, its citizen's name typed without diacritics; a hit when the
document is in the first 10 results, or when all 10 results name someone of exactly that name
(more than 10 documents do; no ranking can put a particular one first). Both figures are reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from pipeline.catalog import load_catalog  # noqa: E402
from pipeline.search.index import SearchIndexer  # noqa: E402
from pipeline.search import SearchQuery, search  # noqa: E402
from pipeline.search import index as search_index  # noqa: E402
from pipeline.search.terms import field_key  # noqa: E402
from pipeline.store.models import Batch, BatchFile, Document, Field, Page  # noqa: E402
from pipeline.store.db import DEFAULT_TIMEOUTS  # noqa: E402
from pipeline.store.repository import Store  # noqa: E402
from pipeline.textnorm import nfc  # noqa: E402
from tools import citizens  # noqa: E402

LEGAL_TEXT = ROOT.parent / "shared" / "corpus" / "vn-legal-text"
SYLLABLES = ROOT / "pipeline" / "data" / "vie_syllables.txt"
RESULTS = ROOT / "bench" / "results" / "search.md"
PG_ADMIN_URL = os.environ.get("DOSSIER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_DATABASE = "dossier_search_bench"  # --pg-database: engineers sharing a server each need their own
CHUNK = 500  # documents per transaction while building
DAMAGED_SHARE = 0.04  # documents whose printed name OCR damaged
FOUR_WORD_NAMES = 0.3  # "Nguyễn Thị Ngọc Anh": two middle names
QUERY_KINDS = ("name", "phrase", "id", "filtered", "fuzzy")
TARGET_KINDS = ("name", "id", "filtered")  # the issue's latency targets apply to these

# Citizen-record types and how common they are at a district office.
TYPE_WEIGHTS = {
    "birth_certificate": 20, "citizen_id_card": 15, "residence_confirmation": 12, "application_letter": 10,
    "dossier_receipt": 10, "marriage_certificate": 8, "marital_status_certificate": 8, "power_of_attorney": 5,
    "land_use_certificate": 4, "business_registration": 3, "death_certificate": 3, "construction_permit": 2,
}
DISTRICT_CODES = {"Quận 1": "Q1", "Quận 3": "Q3", "Quận 10": "Q10", "Quận Bình Thạnh": "BTH",
                  "Quận Gò Vấp": "GVP", "Quận Phú Nhuận": "PNH", "Quận Tân Bình": "TBH", "Thành phố Thủ Đức": "TDC"}
# Letters OCR confuses in printed capitals (both directions are plausible).
OCR_CONFUSIONS = {"I": "l", "N": "H", "E": "F", "O": "0", "U": "V", "M": "N", "C": "G", "G": "C", "H": "N",
                  "T": "I", "A": "Á", "L": "I", "Y": "V", "R": "K", "B": "8", "D": "O", "Đ": "D"}


# --- text ------------------------------------------------------------------------------------------

class TextSource:
    """Sentences to fill document bodies with."""

    def __init__(self, sentences: list[str], origin: str) -> None:
        self.sentences = sentences
        self.origin = origin

    @classmethod
    def load(cls) -> TextSource:
        if LEGAL_TEXT.is_dir():
            sentences = []
            for path in sorted(LEGAL_TEXT.rglob("*.md")):
                body = nfc(path.read_text(encoding="utf-8", errors="replace"))
                body = re.sub(r"\A---.*?---", "", body, flags=re.S)  # front matter
                body = re.sub(r"[#*|>`\[\]()_]+", " ", body)
                for sentence in re.split(r"(?<=[.;:])\s+|\n+", body):
                    count = len(sentence.split())
                    if 5 <= count <= 60:
                        sentences.append(" ".join(sentence.split()))
            if sentences:
                return cls(sentences, f"{len(sentences):,} sentences of ../shared/corpus/vn-legal-text")
        origin = SYLLABLES.name if SYLLABLES.exists() else "a built-in word list"
        return cls(cls._generated(), f"generated from {origin} (../shared/corpus is absent)")

    @staticmethod
    def _generated() -> list[str]:
        """Sentences of Vietnamese syllables drawn with a Zipf-like skew, for clones without the corpus."""
        vocabulary = ([line.strip() for line in SYLLABLES.read_text(encoding="utf-8").splitlines()
                       if line.strip() and not line.startswith("#")]
                      if SYLLABLES.exists() else
                      "của và các có được cho theo quy định người tại về này đăng ký hộ tịch cơ quan "
                      "thẩm quyền giấy tờ cá nhân nhà nước thông tin khai sinh ủy ban nhân dân xã phường "
                      "trường hợp thực hiện việc hồ sơ yêu cầu bản sao trích lục công dân Việt Nam".split())
        rng = random.Random(6)
        rng.shuffle(vocabulary)  # the list is alphabetical: frequent words drawn at random
        weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
        sentences = []
        for _ in range(20_000):
            words = rng.choices(vocabulary, weights=weights, k=rng.randint(6, 24))
            sentences.append(" ".join(words).capitalize() + ".")
        return sentences

    def body(self, rng: random.Random, words: int) -> str:
        parts, count = [], 0
        while count < words:
            sentence = rng.choice(self.sentences)
            parts.append(sentence)
            count += len(sentence.split())
        return "\n".join(parts)


# --- documents -------------------------------------------------------------------------------------

@dataclass
class Generated:
    number: int
    doc_type: str
    district: str
    issue_date: dt.date
    pages: list[str]
    fields: list[tuple[str, str]]
    clean_name: str  # as the citizen's papers spell it
    damaged: bool  # the printed (and extracted) name carries OCR errors
    id_number: str
    phrase: str  # three consecutive body words, for phrase queries


class DocumentMaker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        catalog = load_catalog(ROOT / "configs" / "catalog.toml")
        self.types = [catalog.get(t) for t in TYPE_WEIGHTS if t in catalog]
        self.weights = [TYPE_WEIGHTS[t.id] for t in self.types]
        self.text = TextSource.load()
        self.start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)

    def name(self, citizen: citizens.Citizen) -> str:
        if self.rng.random() < FOUR_WORD_NAMES:
            _, extra, _ = citizens.make_name(self.rng, citizen.gender, surname=citizen.surname, given=citizen.given)
            if extra not in (citizen.middle, citizen.given):
                return citizens.upper_vi(f"{citizen.surname} {citizen.middle} {extra} {citizen.given}")
        return citizen.full_name

    def damage(self, name: str) -> str:
        letters = [i for i, ch in enumerate(name) if ch in OCR_CONFUSIONS]
        chars = list(name)
        for i in self.rng.sample(letters, k=min(len(letters), self.rng.choice((1, 1, 2)))):
            chars[i] = OCR_CONFUSIONS[chars[i]]
        return nfc("".join(chars))

    def make(self, number: int) -> Generated:
        rng = self.rng
        doc_type = rng.choices(self.types, weights=self.weights)[0]
        district = rng.choice(sorted(DISTRICT_CODES))
        citizen = citizens.make_citizen(rng, district=district)
        clean = self.name(citizen)
        damaged = rng.random() < DAMAGED_SHARE
        printed = self.damage(clean) if damaged else clean
        issue = citizens.random_date(rng, dt.date(2015, 1, 1), dt.date(2025, 12, 31))
        symbol = doc_type.symbols[0] if doc_type.symbols else "HT"
        number_text = citizens.document_number(rng, issue.year, symbol)
        lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", doc_type.titles[0],
                 f"Số: {number_text}", f"Họ, chữ đệm, tên: {printed}",
                 f"Ngày, tháng, năm sinh: {citizen.dob_text}", f"Giới tính: {citizen.gender}",
                 f"Số định danh cá nhân: {citizen.id_number}", f"Nơi cư trú: {citizen.address.full}",
                 f"Quê quán: {citizen.hometown_full}"]
        fields = {"full_name": printed, "date_of_birth": citizen.date_of_birth.isoformat(),
                  "gender": citizen.gender, "id_number": citizen.id_number, "document_number": number_text,
                  "issue_date": issue.isoformat(), "address": citizen.address.full}
        if doc_type.id == "birth_certificate":
            for role in ("cha", "mẹ"):
                parent = citizens.make_citizen(rng, gender="Nam" if role == "cha" else "Nữ")
                lines.append(f"Họ, chữ đệm, tên người {role}: {parent.full_name}")
        if "spouse_name" in doc_type.fields:
            spouse = citizens.make_citizen(rng, gender="Nữ" if citizen.gender == "Nam" else "Nam")
            lines.append(f"Họ, chữ đệm, tên người kia: {spouse.full_name}")
            fields["spouse_name"] = spouse.full_name
        if "agent_name" in doc_type.fields:
            agent = citizens.make_citizen(rng)
            lines.append(f"Người được ủy quyền: {agent.full_name}")
            fields["agent_name"] = agent.full_name
        body = self.text.body(rng, rng.randint(60, 160))
        lines += [body, citizens.date_line(citizen.address.district_name, issue)]
        pages = ["\n".join(lines)]
        for _ in range(rng.choices((0, 1, 2), weights=(50, 30, 20))[0]):
            pages.append(self.text.body(rng, rng.randint(180, 320)))
        body_words = body.split()
        at = rng.randrange(max(1, len(body_words) - 3))
        return Generated(number, doc_type.id, DISTRICT_CODES[district], issue, pages,
                         [(k, v) for k, v in fields.items() if k in doc_type.fields], clean, damaged,
                         citizen.id_number, " ".join(body_words[at:at + 3]))


# --- building --------------------------------------------------------------------------------------

@dataclass
class Sample:
    number: int
    name: str  # folded clean name
    id_number: str
    doc_type: str
    issue_date: str
    phrase: str
    damaged: bool


class Reservoir:
    """A uniform sample of k items from a stream (algorithm R), with its own random stream."""

    def __init__(self, k: int, seed: int) -> None:
        self.k, self.items, self.seen, self.rng = k, [], 0, random.Random(seed)

    def offer(self, item) -> None:
        self.seen += 1
        if len(self.items) < self.k:
            self.items.append(item)
        elif (j := self.rng.randrange(self.seen)) < self.k:
            self.items[j] = item


@dataclass
class BuildStats:
    pages: int = 0
    documents: int = 0
    base_seconds: float = 0.0
    index_seconds: float = 0.0
    index_bytes: int = 0
    store_bytes: int = 0
    text_origin: str = ""


PERSON_FIELDS = load_catalog(ROOT / "configs" / "catalog.toml").person_fields


def build(url: str, pages_wanted: int, seed: int, queries: int) -> tuple[BuildStats, list[Sample], Counter]:
    # Bulk loading on a shared machine may outlast the 30 s bound an office's statements have.
    store = Store(url, indexer=SearchIndexer(load_catalog(ROOT / "configs" / "catalog.toml")),
                  timeouts=DEFAULT_TIMEOUTS.unbounded())
    store.init_schema()
    maker = DocumentMaker(seed)
    stats = BuildStats(text_origin=maker.text.origin)
    clean, damaged = Reservoir(queries * 3, seed + 1), Reservoir(queries, seed + 2)
    names: Counter = Counter()  # folded person-name field values → documents
    number = 0
    started = time.monotonic()
    while stats.pages < pages_wanted:
        docs = []
        while len(docs) < CHUNK and stats.pages < pages_wanted:
            number += 1
            doc = maker.make(number)
            docs.append(doc)
            stats.pages += len(doc.pages)
            for name, value in doc.fields:
                if name in PERSON_FIELDS:
                    names[field_key(value)] += 1
            sample = Sample(number, field_key(doc.clean_name), doc.id_number, doc.doc_type, doc.issue_date.isoformat(),
                            doc.phrase, doc.damaged)
            (damaged if doc.damaged else clean).offer(sample)
        base, indexed = _insert(store, docs, maker.start)
        stats.base_seconds += base
        stats.index_seconds += indexed
        stats.documents += len(docs)
        if stats.documents % (CHUNK * 20) == 0:
            print(f"  {stats.pages:,} pages in {time.monotonic() - started:.0f} s", file=sys.stderr)
    if store.dialect == "postgresql":
        # What autovacuum does on a live server: statistics, and GIN's pending list merged.
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    stats.index_bytes, stats.store_bytes = _sizes(store)
    store.dispose()
    return stats, clean.items + damaged.items, names


def _insert(store: Store, docs: list[Generated], start: dt.datetime) -> tuple[float, float]:
    """Write the base tables in bulk, then the index through pipeline.search.index; (base s, index s)."""
    mark = time.monotonic()
    with store.engine.begin() as conn:
        batches, files, documents, pages, fields = [], [], [], [], []
        for d in docs:
            filed = start + dt.timedelta(minutes=5 * d.number)
            batches.append({"id": d.number, "source": f"bench/{d.number:07d}.pdf", "kind": "file",
                            "office": d.district, "sha256": f"{d.number:064x}", "status": "done", "attempts": 1,
                            "available_at": filed, "created_at": filed, "updated_at": filed,
                            "received_at": filed})
            files.append({"id": d.number, "batch_id": d.number, "ordinal": 0, "name": f"{d.number:07d}.pdf",
                          "sha256": f"{d.number:064x}", "size": 1, "media_type": "application/pdf"})
            documents.append({"id": d.number, "batch_id": d.number, "ordinal": 1, "office": d.district,
                              "doc_type": d.doc_type, "doc_type_confidence": 0.9, "doc_type_source": "classifier",
                              "needs_review": False, "review_reasons": [], "page_count": len(d.pages),
                              "issue_date": d.issue_date, "filed_at": filed, "details": {}})
            pages += [{"document_id": d.number, "number": n, "batch_file_id": d.number, "file_page": n,
                       "text": page, "confidence": 90.0, "method": "ocr", "details": {}, "words": []}
                      for n, page in enumerate(d.pages, start=1)]
            fields += [{"document_id": d.number, "name": k, "value": v, "confidence": 0.9, "page": 1,
                        "source": "extracted", "details": {}} for k, v in d.fields]
        for model, rows in ((Batch, batches), (BatchFile, files), (Document, documents), (Page, pages),
                            (Field, fields)):
            conn.execute(model.__table__.insert(), rows)
        base = time.monotonic() - mark
        mark = time.monotonic()
        search_index.write(conn, [search_index.entry_for(d.number, d.pages, d.fields, doc_type=d.doc_type,
                                                         district=d.district, issue_date=d.issue_date,
                                                         person_fields=PERSON_FIELDS)
                                  for d in docs])
        indexed = time.monotonic() - mark
    return base, indexed


def _sizes(store: Store) -> tuple[int, int]:
    """(bytes of the search index, bytes of the whole store)."""
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            index = conn.scalar(text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%' "
                                     "OR name LIKE 'ix_search%' OR name LIKE 'sqlite_autoindex_search%'"))
            whole = conn.scalar(text("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"))
        else:
            index = conn.scalar(text("SELECT sum(pg_total_relation_size(t)) FROM unnest(ARRAY"
                                     "['search_document', 'search_field', 'search_term']::regclass[]) t"))
            whole = conn.scalar(text("SELECT pg_database_size(current_database())"))
    return int(index or 0), int(whole or 0)


# --- querying --------------------------------------------------------------------------------------

@dataclass
class Measured:
    latencies: dict[str, list[float]]
    results: dict[str, list[list[int]]]  # per kind, the document ids each query returned
    recall_strict: float
    recall: float
    shared_names: float  # share of sampled names more than 10 documents carry
    fuzzy_fired: float
    fuzzy_found: float


def queries_for(samples: list[Sample], count: int) -> dict[str, list[tuple[SearchQuery, Sample]]]:
    clean = [s for s in samples if not s.damaged]
    damaged = [s for s in samples if s.damaged]
    return {
        "name": [(SearchQuery(text=s.name, limit=10), s) for s in clean[:count]],
        "phrase": [(SearchQuery(text=f'"{s.phrase}"', limit=10), s) for s in clean[count:2 * count]],
        "id": [(SearchQuery(text=s.id_number, limit=10), s) for s in clean[2 * count:3 * count]],
        "filtered": [(SearchQuery(text=s.name, doc_type=s.doc_type, limit=10,
                                  since=dt.date(int(s.issue_date[:4]), 1, 1)), s) for s in clean[:count]],
        "fuzzy": [(SearchQuery(text=s.name, limit=10), s) for s in damaged[:count]],
    }


def measure(url: str, samples: list[Sample], names: Counter, count: int) -> Measured:
    store = Store(url)
    plan = queries_for(samples, count)
    for query, _ in plan["name"][:20]:  # warm-up: connection pool, caches
        search(store, query)
    latencies: dict[str, list[float]] = {kind: [] for kind in QUERY_KINDS}
    results: dict[str, list[list[int]]] = {kind: [] for kind in QUERY_KINDS}
    found: dict[str, list] = {kind: [] for kind in QUERY_KINDS}
    for kind in QUERY_KINDS:
        for query, sample in plan[kind]:
            mark = time.perf_counter()
            answer = search(store, query)
            latencies[kind].append((time.perf_counter() - mark) * 1000)
            results[kind].append([h.document_id for h in answer.hits])
            found[kind].append((answer, sample))
    strict = relaxed = shared = 0
    for answer, sample in found["name"]:
        ids = [h.document_id for h in answer.hits]
        same_name = [any(k in PERSON_FIELDS and field_key(v) == sample.name
                         for k, v in h.fields.items()) for h in answer.hits]
        strict += sample.number in ids
        relaxed += sample.number in ids or (len(ids) == 10 and all(same_name))
        shared += names[sample.name] > 10
    fired = sum(a.fuzzy for a, _ in found["fuzzy"])
    fuzzy_found = sum(s.number in [h.document_id for h in a.hits] for a, s in found["fuzzy"])
    store.dispose()
    total, damaged_total = max(1, len(found["name"])), max(1, len(found["fuzzy"]))
    return Measured(latencies, results, strict / total, relaxed / total, shared / total,
                    fired / damaged_total, fuzzy_found / damaged_total)


# --- reporting -------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(command: str, stats: dict[str, BuildStats], measured: dict[str, Measured], pages: int) -> str:
    backends = list(measured)
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    lines = [
        "# Search benchmark", "",
        f"Command: `{command}`  ", f"Run: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {platform.node()}, "
        f"{os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}), shared with other work; "
        f"SQLite {_sqlite_version()}, {_pg_version() if 'postgresql' in backends else ''}  ",
        f"Store: {pages:,} pages, {next(iter(stats.values())).documents:,} documents; body text: "
        f"{next(iter(stats.values())).text_origin}.", "",
        "Latency is per `search()` call as `dossier search` makes it (ranking, count, result rows and snippets), "
        "in one process after a warm-up, milliseconds. Both backends ran in this one run on the same data.", "",
        "| query | " + " | ".join(f"{label[b]} p50 | {label[b]} p95" for b in backends)
        + (" | p95 PostgreSQL / SQLite |" if len(backends) == 2 else " |"),
        "|---|" + "---:|" * (2 * len(backends) + (1 if len(backends) == 2 else 0)),
    ]
    for kind in QUERY_KINDS:
        cells = []
        for b in backends:
            values = measured[b].latencies[kind]
            cells += [f"{percentile(values, 50):.1f}", f"{percentile(values, 95):.1f}"]
        if len(backends) == 2:
            ratio = percentile(measured[backends[1]].latencies[kind], 95) / max(
                1e-9, percentile(measured[backends[0]].latencies[kind], 95))
            cells.append(f"{ratio:.2f}")
        count = len(measured[backends[0]].latencies[kind])
        lines.append(f"| {kind} ({count} queries) | " + " | ".join(cells) + " |")
    lines += ["", "| | " + " | ".join(label[b] for b in backends) + " |", "|---|" + "---:|" * len(backends)]
    rows = {
        "indexing rate (pages/s, pipeline.search.index.write)":
            lambda s, m: f"{s.pages / max(s.index_seconds, 1e-9):,.0f}",
        "base tables bulk insert (pages/s)": lambda s, m: f"{s.pages / max(s.base_seconds, 1e-9):,.0f}",
        "search index size (MB)": lambda s, m: f"{s.index_bytes / 1e6:,.0f}",
        "search index per page (bytes)": lambda s, m: f"{s.index_bytes / max(s.pages, 1):,.0f}",
        "search index per million pages (GB; linear from this size when smaller)":
            lambda s, m: f"{s.index_bytes / max(s.pages, 1) * 1e6 / 1e9:,.1f}",
        "whole store size (MB)": lambda s, m: f"{s.store_bytes / 1e6:,.0f}",
        "recall@10, name without diacritics (all 10 share the name, or the document is in them)":
            lambda s, m: f"{m.recall:.1%}",
        "document itself in the first 10": lambda s, m: f"{m.recall_strict:.1%}",
        "sampled names carried by more than 10 documents": lambda s, m: f"{m.shared_names:.1%}",
        "fuzzy queries where the fallback ran": lambda s, m: f"{m.fuzzy_fired:.1%}",
        "fuzzy queries finding the damaged document in the first 10": lambda s, m: f"{m.fuzzy_found:.1%}",
    }
    for title, cell in rows.items():
        lines.append(f"| {title} | " + " | ".join(cell(stats[b], measured[b]) for b in backends) + " |")
    if len(backends) == 2:
        same = sum(a == b for kind in QUERY_KINDS for a, b in zip(measured[backends[0]].results[kind],
                                                                    measured[backends[1]].results[kind]))
        total = sum(len(measured[backends[0]].results[kind]) for kind in QUERY_KINDS)
        lines += ["", f"Same documents in the same order on both backends: {same} of {total} queries."]
    return "\n".join(lines) + "\n"


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def _pg_version() -> str:
    with create_engine(PG_ADMIN_URL).connect() as conn:
        return "PostgreSQL " + conn.scalar(text("SHOW server_version")).split()[0]


# --- main ------------------------------------------------------------------------------------------

def _pg_unreachable() -> str | None:
    try:
        with create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 5}).connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means the server cannot be measured
        return f"cannot connect to {PG_ADMIN_URL} ({str(exc).splitlines()[0]})"
    return None


def backend_url(backend: str, workdir: Path, fresh: bool, pg_database: str = PG_DATABASE) -> str:
    if backend == "sqlite":
        path = workdir / "search-bench.sqlite3"
        if fresh:
            for leftover in workdir.glob("search-bench.sqlite3*"):
                leftover.unlink()
        return f"sqlite:///{path}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if fresh:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{pg_database}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_database}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000, help="pages in the synthetic store (up to 1,000,000)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--queries", type=int, default=100, help="queries of each kind")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/dossier-search-bench"))
    parser.add_argument("--reuse", action="store_true", help="query the stores a previous run built in --workdir")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--pg-database", default=PG_DATABASE, help="database to build on the PostgreSQL server")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    command = "python bench/search_bench.py " + " ".join(sys.argv[1:])
    stats, measured, notes = {}, {}, []
    backends = args.backends.split(",")
    if "postgresql" in backends and (reason := _pg_unreachable()):
        backends.remove("postgresql")
        notes.append(f"PostgreSQL was not measured: {reason}.")
        print(f"skipping PostgreSQL: {reason}", file=sys.stderr)
    for backend in backends:
        saved = args.workdir / f"{backend}-build.json"
        url = backend_url(backend, args.workdir, fresh=not args.reuse, pg_database=args.pg_database)
        if args.reuse:
            data = json.loads(saved.read_text())
            stats[backend] = BuildStats(**data["stats"])
            samples = [Sample(**s) for s in data["samples"]]
            names = Counter(data["names"])
        else:
            print(f"building {args.pages:,} pages on {backend}", file=sys.stderr)
            stats[backend], samples, names = build(url, args.pages, args.seed, args.queries)
            saved.write_text(json.dumps({"stats": asdict(stats[backend]), "samples": [asdict(s) for s in samples],
                                         "names": {s.name: names[s.name] for s in samples}}))
        print(f"querying {backend}", file=sys.stderr)
        measured[backend] = measure(url, samples, names, args.queries)
    markdown = report(command, stats, measured, next(iter(stats.values())).pages) + "".join(
        f"\n{note}\n" for note in notes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
