"""Commands that set up the store and file dossiers: init, ingest, show, batches, types."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.cli.arguments import whole_number
from pipeline.cli.arguments import choice_of
from pipeline.cli.render import (
    Names, Progress, add_office_options, label, office_scope, office_zone, print_json, status_text, when,
)
from pipeline.cli.views import batch_view, document_view
from pipeline.config import Settings
from pipeline.domain import BatchStatus
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import _, in_vietnamese
from pipeline.office.app import App


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("init", help=_("create the data folders and the database schema (safe to repeat)"))
    add_office_options(p, every_office=False)
    p.set_defaults(handler=cmd_init)

    p = commands.add_parser("ingest", help=_("archive, OCR, classify and file the given files or folders"))
    p.add_argument("paths", nargs="+", metavar="PATH", help=_("a file, or a folder holding one dossier"))
    p.add_argument("--procedure", metavar="ID",
                   help=_("the procedure these dossiers are for (see `dossier procedures`); otherwise read from "
                          "their receipt or application"))
    p.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    add_office_options(p, every_office=False)
    p.set_defaults(handler=cmd_ingest)

    p = commands.add_parser("show", help=_("show one document"))
    p.add_argument("document_id", type=whole_number(1), metavar="DOC_ID", help=_("a document id"))
    p.add_argument("--text", action="store_true", help=_("print the full text of every page"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_show)

    p = commands.add_parser("batches", help=_("list batches (dropped files or folders) and their state"))
    p.add_argument("--status", type=choice_of("--status", [s.value for s in BatchStatus]), metavar="STATUS",
                   help=_("only batches in this state: {states}").format(states=", ".join(s.value for s in BatchStatus)))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_batches)

    p = commands.add_parser("types", help=_("list the catalog of document types"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    p.set_defaults(handler=cmd_types)


def cmd_init(settings: Settings, args: argparse.Namespace) -> ExitCode:
    for folder in (settings.data_dir, settings.archive_dir, settings.inbox_dir):
        folder.mkdir(parents=True, exist_ok=True)
    with App.open(settings, check_schema=False) as app:  # a broken catalog fails here, not at the first document
        reindexed = app.store.init_schema()
        office = app.offices.get(settings.office.code)
    labels = [_("data dir"), _("store"), _("inbox"), _("office"), _("search")]
    width = max(11, 2 + max(map(len, labels)))  # values line up after the longest label of this language
    values = [str(settings.data_dir), app.store.engine.url.render_as_string(hide_password=True),
              str(settings.inbox_dir), f"{office.code}  {office.name}",
              _("{count} document(s) indexed again").format(count=reindexed) if reindexed else ""]
    for name, value in zip(labels, values, strict=True):
        if value:
            print(label(name, width) + value)
    return ExitCode.OK


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.ingest import ingest_paths

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not os.path.lexists(p)]  # a dangling link is refused, not missing
    if missing:
        raise UsageError(_("no such file or folder: {paths}").format(paths=", ".join(missing)))
    with App.open(settings) as app, Progress(enabled=not args.json) as progress:
        if args.procedure:
            app.procedures.get(args.procedure)  # an unknown id is a usage error, before anything is archived
        report = ingest_paths(app, paths, on_progress=progress.update, procedure=args.procedure)
    failed = report.failed
    if args.json:
        print_json({
            "batches": [{"batch_id": i.batch_id, "source": i.source, "status": i.status,
                         "duplicate_of": i.duplicate_of} for i in report.intakes],
            "filed": [{"batch_id": o.batch_id, "source": o.source, "documents": list(o.document_ids)}
                      for o in report.outcomes if o.status == "done"],
            "failed": [{"source": source, "stage": e.stage.value if e.stage else None, "code": e.code,
                        "reason": e.one_line()} for source, e in failed],
        })
    else:
        filed = [o for o in report.outcomes if o.status == "done"]
        duplicates = [i for i in report.intakes if i.status == "duplicate"]
        print(_("{filed} batch(es) filed ({documents} document(s)), {duplicates} duplicate(s), {failed} failed").format(
            filed=len(filed), documents=sum(len(o.document_ids) for o in filed), duplicates=len(duplicates),
            failed=len(failed)))
        for item in duplicates:
            print("  " + _("duplicate: {source} (same content as batch {batch})").format(
                source=item.source, batch=item.duplicate_of))
        for _source, error in failed:
            print("  " + _("FAILED {reason}").format(reason=error.one_line()), file=sys.stderr)
    return ExitCode.BATCH_FAILED if failed else ExitCode.OK


def cmd_show(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.scope import require_in_scope

    with App.open(settings) as app:
        document = app.store.document(args.document_id)
        require_in_scope(document.office, office_scope(settings, args),
                         what=_("document {id}").format(id=args.document_id), offices=app.offices)
        view = document_view(document)
        names = Names(app.catalog)
    if args.json:
        print_json(view)
        return ExitCode.OK
    print(_("Document #{id}  {type} (confidence {confidence:.2f})").format(
        id=view["document_id"], type=names.doc_type(view["doc_type"]), confidence=view["doc_type_confidence"]))
    print("  " + label(_("source"), 9) + _("{source}  (batch {batch}, {pages} page(s), office {office})").format(
        source=view["source"], batch=view["batch_id"], pages=view["pages"], office=view["office"]))
    if view["review_reasons"]:
        print("  " + label(_("review"), 9) + "; ".join(map(names.reason, view["review_reasons"])))
    width = max(17, 2 + max((len(names.field(f["name"])) for f in view["field_details"]), default=0))
    for f in view["field_details"]:
        print("  " + label(names.field(f["name"]), width) + _("{value}  (confidence {confidence:.2f}, page {page})")
              .format(value=names.value(f["name"], f["value"]), confidence=f["confidence"], page=f["page"]))
    if args.text:
        for number, text in enumerate(view["page_texts"], start=1):
            print("\n" + _("--- page {number} ---").format(number=number) + f"\n{text}")
    return ExitCode.OK


def cmd_batches(settings: Settings, args: argparse.Namespace) -> ExitCode:
    zone = office_zone(settings)
    with App.open(settings) as app:
        rows = [batch_view(b) for b in app.store.batches(status=args.status, office=office_scope(settings, args))]
    if args.json:
        print_json(rows)
        return ExitCode.OK
    if not rows:
        print(_("no batches"))
    for row in rows:
        line = (f"#{row['batch_id']:<5} {row['office']:<10} {status_text(row['status']):<12} "
                + _("attempts={count}").format(count=row["attempts"])
                + f"  {when(row['updated_at'], zone)}  {row['source']}")
        if row["status"] == BatchStatus.DUPLICATE:
            line += "  " + _("(duplicate of batch {batch})").format(batch=row["duplicate_of"])
        if row["first_copy"]:
            line += "  " + _("(received first by another office: batch {batch})").format(batch=row["first_copy"])
        if row["procedure"]:
            line += f"  [{row['procedure']}" + (" — " + _("incomplete") + "]" if row["missing_documents"] else "]")
        print(line)
        if row["reason"]:
            print("       " + _("stage={stage}").format(stage=row["stage"]) + f"  {row['reason']}")
    return ExitCode.OK


def cmd_types(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.catalog import load_catalog

    catalog = load_catalog(settings.catalog_path)  # no store needed: it works before `dossier init`
    if args.json:
        print_json([{"id": t.id, "name_vi": t.name_vi, "name_en": t.name_en, "group": t.group,
                     "fields": list(t.fields), "required": list(t.required)} for t in catalog.types])
        return ExitCode.OK
    type_, group, name = _("TYPE"), _("GROUP"), _("NAME")
    print(f"{type_:<28} {group:<15} {name}")
    for t in catalog.types:
        name = f"{t.name_vi}  /  {t.name_en}" if in_vietnamese() else f"{t.name_en}  /  {t.name_vi}"
        print(f"{t.id:<28} {t.group:<15} {name}")
    return ExitCode.OK
