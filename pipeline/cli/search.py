"""Operator commands: search, export."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.cli.arguments import MAX_LIMIT, MAX_OFFSET, batch_id, document_id, pick, pick_type, whole_number
from pipeline.cli.render import Names, add_office_options, date_argument, office_scope, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import _
from pipeline.office.app import App

BOLD, RESET = "\033[1m", "\033[0m"


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "search", help=_("find filed documents"), formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_("Find this office's filed documents (--office CODE, --all-offices) by words, a name or\n"
                      "an ID number; accents optional.\n"
                      "Documents naming the person come first, then documents holding the words in sequence\n"
                      "(words found only apart are shown when no document holds them in sequence); exact\n"
                      "diacritics rank above other spellings; newest first within each. Names within two\n"
                      "OCR errors come last (said in the output): any near name when the typed one finds\n"
                      "almost nothing, else only copies damaged into non-Vietnamese words (WGUYEN)."),
        epilog=_("examples:") + "\n"
               '  dossier search "nguyen van an"\n'
               "  dossier search 079203001234\n"
               '  dossier search "le thi ha" --type birth_certificate --since 01/01/2020\n'
               "  dossier search --field date_of_birth=12/03/1990 --all-offices\n"
               "  dossier search -- -doan\n"
               "  dossier search 0792030* --json")
    p.add_argument("query", nargs="?", default="",
                   help=_("words to find; quotes, AND/OR and other operators are ignored; word* matches a prefix"))
    p.add_argument("--type", dest="doc_type", metavar="T", help=_("only this document type (see `dossier types`)"))
    p.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                   help=_("a field equals VALUE, accents and case ignored; dates in any form (12/03/1990), "
                          "ID numbers with or without spaces; repeatable"))
    p.add_argument("--since", type=date_argument, metavar="DATE",
                   help=_("issued on or after DATE, dd/mm/yyyy or yyyy-mm-dd (the issue date printed on the "
                          "document; documents without one are left out); with --filed, filed on or after DATE"))
    p.add_argument("--until", type=date_argument, metavar="DATE", help=_("issued (with --filed: filed) on or before DATE"))
    p.add_argument("--filed", action="store_true",
                   help=_("--since/--until compare the date the document was filed here (the office's time zone)"))
    p.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=20, metavar="N", help=_("results to show (default 20)"))
    p.add_argument("--offset", type=whole_number(0, MAX_OFFSET), default=0, metavar="N", help=_("skip the first N results"))
    p.add_argument("--exact", action="store_true", help=_("no fuzzy fallback for names with OCR errors"))
    p.add_argument("--json", action="store_true", help=_("print the results as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_search)

    p = commands.add_parser("export", help=_("write a document's original file, verified against its SHA-256; "
                                             "with --pages only its own pages, as a searchable PDF"))
    p.add_argument("document_id", type=document_id, metavar="DOC_ID", nargs="?",
                   help=_("a document id from `dossier search` (D34 or 34)"))
    p.add_argument("--to", required=True, metavar="PATH",
                   help=_("a file or folder (a trailing / means a folder, created if missing); a document read "
                          "from several files of a folder dossier needs a folder; existing files are never overwritten"))
    p.add_argument("--pages", action="store_true",
                   help=_("only the document's own pages, as a PDF (--to FILE.pdf) whose invisible text layer "
                          "holds the words read: searchable in any PDF reader"))
    p.add_argument("--batch", type=batch_id, metavar="BATCH_ID",
                   help=_("instead of a document: every original of this batch (a failed one too), into --to DIR"))
    p.add_argument("--json", action="store_true", help=_("print what was written as JSON"))
    add_office_options(p)
    p.set_defaults(handler=cmd_export)


def cmd_search(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations import audit
    from pipeline.search import SearchQuery, search

    with App.open(settings) as app:
        names = Names(app.catalog)
        doc_type = (pick_type(args.doc_type, app.catalog)
                    if args.doc_type else None)
        fields = {}
        for item in args.field:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise UsageError(_("--field expects NAME=VALUE, got '{item}'").format(item=item),
                                 remedy=_("e.g. --field date_of_birth=12/03/1990"))
            fields[pick(name, app.catalog.fields, option="--field")] = value.strip()
        query = SearchQuery(text=args.query, doc_type=doc_type, fields=fields,
                            district=office_scope(settings, args), since=args.since, until=args.until,
                            by_filing_date=args.filed, time_zone=settings.office.timezone,
                            limit=args.limit, offset=args.offset,
                            fuzzy_below=0 if args.exact else SearchQuery.fuzzy_below)
        results = search(app.store, query)
        audit.record(app, "search", office=settings.office.code, detail=audit.search_detail(
            args.query, {"type": args.doc_type, **{f"field {k}": v for k, v in fields.items()},
                         "since": args.since, "until": args.until, "filed": args.filed, "offset": args.offset,
                         "offices": "all" if query.district is None else None},
            results.total, [h.document_id for h in results.hits]))
    if args.json:
        print_json({"total": results.total, "total_exact": not results.total_capped, "fuzzy": results.fuzzy,
                    "results": [h.as_json() for h in results.hits]})
        return ExitCode.OK
    if not results.hits:
        print(_("no documents found") if not results.total
              else _("no documents past --offset {offset}").format(offset=args.offset))
        return ExitCode.OK
    bold = sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    count = _("more than {count}").format(count=results.total) if results.total_capped else str(results.total)
    last = args.offset + len(results.hits)
    print(_("{count} document(s), showing {first}-{last}").format(count=count, first=args.offset + 1, last=last)
          + (_("; names within two OCR errors or a syllable short included") if results.fuzzy else ""))
    type_width = max(26, *(len(names.short_type(hit.doc_type)) + 1 for hit in results.hits))
    for hit in results.hits:
        name = hit.fields.get("full_name", "")
        ident = hit.fields.get("id_number", "")
        office = f"{hit.office:<10} " if getattr(args, "all_offices", False) else ""  # else: all this office's
        print(f"D{hit.document_id:<6} {office}{names.short_type(hit.doc_type):<{type_width}} {name:<28} {ident:<12}  "
              f"{hit.source}")
        if hit.snippet:
            print(f"        {highlight(hit.snippet, hit.highlights, bold=bold)}")
    if results.total_capped or last < results.total:
        print(_("more: --offset {offset}").format(offset=last)
              + (_("; or narrow with --type, --since, --field") if results.total_capped else ""))
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
        raise UsageError(_("--to '{to}' is not a file or folder name (export does not write to standard output)")
                         .format(to=args.to), remedy=_("give a file or folder, e.g. --to ~/Desktop/"))
    if (args.batch is None) == (args.document_id is None):
        raise UsageError(_("give a document id or --batch BATCH_ID (one of the two)"),
                         remedy=_("dossier export D34 --to FILE, or dossier export --batch B12 --to DIR"))
    if args.batch is not None and args.pages:
        raise UsageError(_("--pages exports a document's pages: give a document id, not --batch"))
    if args.pages:
        return _export_pages(settings, args)
    if args.batch is not None:
        return _export_batch(settings, args)
    with App.open(settings) as app:
        exported = export_document(app, args.document_id, Path(args.to).expanduser(),
                                   scope=office_scope(settings, args), folder=args.to.endswith(os.sep))
    if args.json:
        print_json({"document_id": args.document_id, "files": _files_json(exported)})
        return ExitCode.OK
    for f in exported:
        print(_("wrote {path}  (original {name}, SHA-256 {sha256} verified)").format(
            path=f.path, name=f.name, sha256=f.sha256))
    return ExitCode.OK


def _files_json(exported) -> list[dict[str, str]]:
    """The originals an export wrote, as `--json` gives them (one shape for a document and a batch)."""
    return [{"name": f.name, "sha256": f.sha256, "path": str(f.path)} for f in exported]


def _export_pages(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.pages import export_pages_pdf

    destination = Path(args.to).expanduser()
    with App.open(settings) as app:
        count = export_pages_pdf(app, args.document_id, destination, scope=office_scope(settings, args))
    if args.json:
        print_json({"document_id": args.document_id, "pages": count, "path": str(destination)})
        return ExitCode.OK
    print(_("wrote {path}  ({count} page(s) of D{id}, with the text read as a searchable layer)").format(
        path=destination, count=count, id=args.document_id))
    return ExitCode.OK


def _export_batch(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.export import export_batch

    with App.open(settings) as app:
        exported = export_batch(app, args.batch, Path(args.to).expanduser(), scope=office_scope(settings, args))
    if args.json:
        print_json({"batch_id": args.batch, "files": _files_json(exported)})
        return ExitCode.OK
    for f in exported:
        print(_("wrote {path}  (original {name} of B{batch}, SHA-256 {sha256} verified)").format(
            path=f.path, name=f.name, batch=args.batch, sha256=f.sha256))
    return ExitCode.OK
