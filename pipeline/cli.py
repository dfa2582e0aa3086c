"""The `dossier` command: parses arguments, calls the pipeline, renders results.

No business logic lives here. Exit codes are stable (see pipeline.errors.ExitCode).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pipeline import __version__, logs
from pipeline.app import App
from pipeline.config import Settings, load_settings
from pipeline.errors import DossierError, ExitCode, UsageError
from pipeline.store.models import BatchStatus


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier",
        description="Digitize citizens' dossiers: OCR, classify, extract fields, file and search.",
    )
    parser.add_argument("--version", action="version", version=f"dossier {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="data folder (env DOSSIER_DATA_DIR; default ./var)")
    parser.add_argument("--config", metavar="FILE", help="configuration file (env DOSSIER_CONFIG)")
    parser.add_argument("--db", metavar="URL", help="database URL (env DOSSIER_DB_URL; default SQLite in the data dir)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("init", help="create the data folders and the database schema (safe to repeat)")

    p = commands.add_parser("ingest", help="archive, OCR, classify and file the given files or folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a file, or a folder holding one dossier")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = commands.add_parser("search", help="find filed documents")
    p.add_argument("query", nargs="?", default="", help="words, a name or an ID number; accents optional")
    p.add_argument("--type", dest="doc_type", metavar="T", help="only this document type (see `dossier types`)")
    p.add_argument("--field", action="append", default=[], metavar="NAME=VALUE", help="exact field value")
    p.add_argument("--limit", type=_positive_int, default=20, metavar="N")
    p.add_argument("--json", action="store_true")

    p = commands.add_parser("show", help="show one document")
    p.add_argument("document_id", type=int, metavar="DOC_ID")
    p.add_argument("--text", action="store_true", help="print the full text of every page")
    p.add_argument("--json", action="store_true")

    p = commands.add_parser("batches", help="list batches (dropped files or folders) and their state")
    p.add_argument("--status", choices=BatchStatus.ALL)
    p.add_argument("--json", action="store_true")

    p = commands.add_parser("types", help="list the catalog of document types")
    p.add_argument("--json", action="store_true")
    return parser


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(config=args.config, data_dir=args.data_dir, db_url=args.db)
        logs.configure(level=settings.logging.level if args.command == "watch" else "ERROR",
                       fmt=settings.logging.format)
        return int(COMMANDS[args.command](settings, args))
    except DossierError as error:
        print(f"dossier: {error.one_line()}", file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("dossier: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)


# --- commands -----------------------------------------------------------------


def cmd_init(settings: Settings, args: argparse.Namespace) -> ExitCode:
    for folder in (settings.data_dir, settings.archive_dir, settings.inbox_dir, settings.work_dir):
        folder.mkdir(parents=True, exist_ok=True)
    app = App.open(settings, check_schema=False)
    try:
        app.store.init_schema()
        app.catalog  # fail now, not at the first document, if the catalog is broken
    finally:
        app.close()
    print(f"data dir   {settings.data_dir}")
    print(f"store      {app.store.engine.url.render_as_string(hide_password=True)}")
    print(f"inbox      {settings.inbox_dir}")
    print(f"district   {settings.office.district}")
    return ExitCode.OK


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.ingest import ingest_paths

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    app = App.open(settings)
    try:
        with _Progress(enabled=not args.json) as progress:
            report = ingest_paths(app, paths, on_progress=progress.update)
    finally:
        app.close()
    failed = report.failed
    if args.json:
        _print_json({
            "batches": [{"batch_id": i.batch_id, "source": i.source, "status": i.status,
                         "duplicate_of": i.duplicate_of} for i in report.intakes],
            "filed": [{"batch_id": o.batch_id, "source": o.source, "documents": list(o.document_ids)}
                      for o in report.outcomes if o.status == "done"],
            "failed": [{"source": s, "stage": e.stage.value if e.stage else None, "reason": e.one_line(),
                        "code": e.code} for s, e in failed],
        })
    else:
        filed = [o for o in report.outcomes if o.status == "done"]
        duplicates = [i for i in report.intakes if i.status == "duplicate"]
        print(f"{len(filed)} batch(es) filed ({sum(len(o.document_ids) for o in filed)} document(s)), "
              f"{len(duplicates)} duplicate(s), {len(failed)} failed")
        for item in duplicates:
            print(f"  duplicate: {item.source} (same content as batch {item.duplicate_of})")
        for _source, error in failed:
            print(f"  FAILED {error.one_line()}", file=sys.stderr)
    return ExitCode.BATCH_FAILED if failed else ExitCode.OK


def cmd_search(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.search import SearchQuery, search

    fields = {}
    for item in args.field:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--field expects NAME=VALUE, got {item!r}")
        fields[name.strip()] = value.strip()
    app = App.open(settings)
    try:
        results = search(app.store, SearchQuery(text=args.query, doc_type=args.doc_type, fields=fields,
                                                limit=args.limit))
    finally:
        app.close()
    if args.json:
        _print_json({"total": results.total, "results": [h.as_json() for h in results.hits]})
        return ExitCode.OK
    if not results.hits:
        print("no documents found")
        return ExitCode.OK
    print(f"{results.total} document(s) found" + (" (approximate matches)" if results.fuzzy else ""))
    for hit in results.hits:
        name = hit.fields.get("full_name", "")
        ident = hit.fields.get("id_number", "")
        print(f"#{hit.document_id:<5} {hit.doc_type:<26} {name:<28} {ident:<12}  {hit.source}")
        if hit.snippet:
            print(f"       {hit.snippet}")
    return ExitCode.OK


def cmd_show(settings: Settings, args: argparse.Namespace) -> ExitCode:
    app = App.open(settings)
    try:
        document = app.store.document(args.document_id)
    finally:
        app.close()
    view = document_view(document)
    if args.json:
        _print_json(view)
        return ExitCode.OK
    print(f"Document #{view['document_id']}  {view['doc_type']} (confidence {view['doc_type_confidence']:.2f})")
    print(f"  source   {view['source']}  (batch {view['batch_id']}, {view['pages']} page(s))")
    if document.review_reasons:
        print(f"  review   {'; '.join(document.review_reasons)}")
    for f in view["field_details"]:
        print(f"  {f['name']:<16} {f['value']}  (confidence {f['confidence']:.2f}, page {f['page']})")
    if args.text:
        for number, text in enumerate(view["page_texts"], start=1):
            print(f"\n--- page {number} ---\n{text}")
    return ExitCode.OK


def cmd_batches(settings: Settings, args: argparse.Namespace) -> ExitCode:
    app = App.open(settings)
    try:
        rows = app.store.batches(status=args.status)
    finally:
        app.close()
    if args.json:
        _print_json(rows)
        return ExitCode.OK
    if not rows:
        print("no batches")
    for row in rows:
        line = f"#{row['batch_id']:<5} {row['status']:<10} attempts={row['attempts']}  {row['updated_at']}  {row['source']}"
        if row["status"] == BatchStatus.DUPLICATE:
            line += f"  (duplicate of batch {row['duplicate_of']})"
        print(line)
        if row["reason"]:
            print(f"       stage={row['stage']}  {row['reason']}")
    return ExitCode.OK


def cmd_types(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.catalog import load_catalog

    catalog = load_catalog(settings.catalog_path)
    if args.json:
        _print_json([{"id": t.id, "name_vi": t.name_vi, "name_en": t.name_en, "group": t.group,
                      "fields": list(t.fields), "required": list(t.required)} for t in catalog.types])
        return ExitCode.OK
    for t in catalog.types:
        print(f"{t.id:<28} {t.group:<15} {t.name_vi}  /  {t.name_en}")
    return ExitCode.OK


COMMANDS = {
    "init": cmd_init, "ingest": cmd_ingest, "search": cmd_search, "show": cmd_show,
    "batches": cmd_batches, "types": cmd_types,
}


# --- rendering helpers ----------------------------------------------------------


def document_view(document) -> dict[str, Any]:
    """The `show --json` shape: the search keys plus page texts and field details."""
    return {
        "document_id": document.id, "batch_id": document.batch_id, "source": document.batch.source,
        "doc_type": document.doc_type, "doc_type_confidence": document.doc_type_confidence,
        "fields": {f.name: f.value for f in document.fields}, "pages": len(document.pages),
        "snippet": " ".join(document.pages[0].text.split())[:160] if document.pages else "", "score": None,
        "needs_review": document.needs_review, "review_reasons": list(document.review_reasons),
        "page_texts": [p.text for p in document.pages],
        "field_details": [{"name": f.name, "value": f.value, "confidence": f.confidence, "page": f.page}
                          for f in document.fields],
    }


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


class _Progress:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._bar = None

    def __enter__(self) -> _Progress:
        return self

    def update(self, source: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="batch", file=sys.stderr, leave=False)
        self._bar.n = done
        self._bar.set_postfix_str(Path(source).name[:40] if source else "")
        self._bar.refresh()

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
