"""Operator commands: search, export."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.cli.arguments import MAX_LIMIT, MAX_OFFSET, whole_number
from pipeline.cli.render import add_office_options, date_argument, office_scope, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode, UsageError
from pipeline.office.app import App

BOLD, RESET = "\033[1m", "\033[0m"


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "search", help="find filed documents", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Find this office's filed documents (--office CODE, --all-offices) by words, a name or\n"
                    "an ID number; accents optional.\n"
                    "Documents naming the person come first, then documents holding the words in sequence\n"
                    "(words found only apart are shown when no document holds them in sequence); exact\n"
                    "diacritics rank above other spellings; newest first within each. Names within two\n"
                    "OCR errors come last (said in the output): any near name when the typed one finds\n"
                    "almost nothing, else only copies damaged into non-Vietnamese words (WGUYEN).",
        epilog="examples:\n"
               '  dossier search "nguyen van an"\n'
               "  dossier search 079203001234\n"
               '  dossier search "le thi ha" --type birth_certificate --since 2020-01-01\n'
               "  dossier search --field date_of_birth=12/03/1990 --all-offices\n"
               "  dossier search 0792030* --json")
    p.add_argument("query", nargs="?", default="",
                   help="words to find; quotes, AND/OR and other operators are ignored; word* matches a prefix")
    p.add_argument("--type", dest="doc_type", metavar="T", help="only this document type (see `dossier types`)")
    p.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                   help="a field equals VALUE, accents and case ignored; dates in any form (12/03/1990), "
                        "ID numbers with or without spaces; repeatable")
    p.add_argument("--since", type=date_argument, metavar="DATE",
                   help="issued on or after DATE (the issue date printed on the document; "
                        "documents without one are left out); with --filed, filed on or after DATE")
    p.add_argument("--until", type=date_argument, metavar="DATE", help="issued (with --filed: filed) on or before DATE")
    p.add_argument("--filed", action="store_true",
                   help="--since/--until compare the date the document was filed here (this computer's time zone)")
    p.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=20, metavar="N", help="results to show (default 20)")
    p.add_argument("--offset", type=whole_number(0, MAX_OFFSET), default=0, metavar="N", help="skip the first N results")
    p.add_argument("--exact", action="store_true", help="no fuzzy fallback for names with OCR errors")
    p.add_argument("--json", action="store_true", help="print the results as JSON (for scripts)")
    add_office_options(p)
    p.set_defaults(handler=cmd_search)

    p = commands.add_parser("export", help="write a document's original file, verified against its SHA-256")
    p.add_argument("document_id", type=whole_number(1), metavar="DOC_ID", help="a document id from `dossier search`")
    p.add_argument("--to", required=True, metavar="PATH",
                   help="a file or folder (a trailing / means a folder, created if missing); a document read "
                        "from several files of a folder dossier needs a folder; existing files are never overwritten")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    add_office_options(p)
    p.set_defaults(handler=cmd_export)


def cmd_search(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.search import SearchQuery, search

    fields = {}
    for item in args.field:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--field expects NAME=VALUE, got {item!r}")
        fields[name.strip()] = value.strip()
    query = SearchQuery(text=args.query, doc_type=args.doc_type, fields=fields, district=office_scope(settings, args),
                        since=args.since, until=args.until, by_filing_date=args.filed,
                        limit=args.limit, offset=args.offset, fuzzy_below=0 if args.exact else SearchQuery.fuzzy_below)
    with App.open(settings) as app:
        results = search(app.store, query)
    if args.json:
        print_json({"total": results.total, "total_exact": not results.total_capped, "fuzzy": results.fuzzy,
                    "results": [h.as_json() for h in results.hits]})
        return ExitCode.OK
    if not results.hits:
        print("no documents found" if not results.total else f"no documents past --offset {args.offset}")
        return ExitCode.OK
    bold = sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    count = f"more than {results.total}" if results.total_capped else str(results.total)
    last = args.offset + len(results.hits)
    print(f"{count} document(s), showing {args.offset + 1}-{last}"
          + ("; names within two OCR errors included" if results.fuzzy else ""))
    for hit in results.hits:
        name = hit.fields.get("full_name", "")
        ident = hit.fields.get("id_number", "")
        office = f"{hit.office:<10} " if getattr(args, "all_offices", False) else ""  # else: all this office's
        print(f"#{hit.document_id:<6} {office}{hit.doc_type:<26} {name:<28} {ident:<12}  {hit.source}")
        if hit.snippet:
            print(f"        {highlight(hit.snippet, hit.highlights, bold=bold)}")
    if results.total_capped or last < results.total:
        print(f"more: --offset {last}" + ("; or narrow with --type, --since, --field" if results.total_capped else ""))
    return ExitCode.OK


def highlight(text: str, spans: tuple[tuple[int, int], ...], *, bold: bool) -> str:
    """Mark the matched words: bold on a terminal, [brackets] in files and pipes."""
    before, after = (BOLD, RESET) if bold else ("[", "]")
    out, at = [], 0
    for start, end in spans:
        out += [text[at:start], before, text[start:end], after]
        at = end
    out.append(text[at:])
    return "".join(out)


def cmd_export(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.export import export_document

    if args.to.strip() in ("", "-"):
        raise UsageError(f"--to {args.to!r} is not a file or folder name (export does not write to standard output)",
                         remedy="give a file or folder, e.g. --to ~/Desktop/")
    with App.open(settings) as app:
        exported = export_document(app, args.document_id, Path(args.to).expanduser(),
                                   scope=office_scope(settings, args), folder=args.to.endswith(os.sep))
    if args.json:
        print_json({"document_id": args.document_id,
                    "files": [{"name": f.name, "sha256": f.sha256, "path": str(f.path)} for f in exported]})
        return ExitCode.OK
    for f in exported:
        print(f"wrote {f.path}  (original {f.name}, SHA-256 {f.sha256} verified)")
    return ExitCode.OK
