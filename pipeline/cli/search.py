"""Operator commands: search."""

from __future__ import annotations

import argparse

from pipeline.app import App
from pipeline.cli.render import print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode, UsageError


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("search", help="find filed documents")
    p.add_argument("query", nargs="?", default="", help="words, a name or an ID number; accents optional")
    p.add_argument("--type", dest="doc_type", metavar="T", help="only this document type (see `dossier types`)")
    p.add_argument("--field", action="append", default=[], metavar="NAME=VALUE", help="exact field value")
    p.add_argument("--limit", type=_positive_int, default=20, metavar="N")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_search)


def cmd_search(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.search import SearchQuery, search

    fields = {}
    for item in args.field:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--field expects NAME=VALUE, got {item!r}")
        fields[name.strip()] = value.strip()
    app = App.open(settings)
    try:
        results = search(app.store, SearchQuery(text=args.query, doc_type=args.doc_type, fields=fields,
                                                limit=args.limit))
    finally:
        app.close()
    if args.json:
        print_json({"total": results.total, "results": [h.as_json() for h in results.hits]})
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
