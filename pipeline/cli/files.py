"""Commands that set up the store and file dossiers: init, ingest, show, batches, types."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.cli.arguments import MAX_LIMIT, MAX_OFFSET, choice_of, document_id, whole_number
from pipeline.cli.render import (
    Names, Progress, add_office_options, label, office_scope, office_zone, print_json, status_text, when,
)
from pipeline.cli.views import batch_view, document_view
from pipeline.config import Settings
from pipeline.domain import OPERATOR, BatchStatus
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import _, in_vietnamese
from pipeline.office.app import App

_SHOWN_REPAIRS = 20  # init lists this many repaired entries, then counts the rest


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
    p.add_argument("document_id", type=document_id, metavar="DOC_ID", help=_("a document id (D34 or 34)"))
    p.add_argument("--text", action="store_true", help=_("print the full text of every page"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_show)

    p = commands.add_parser("batches", help=_("list batches (dropped files or folders) and their state"))
    p.add_argument("--status", type=choice_of("--status", [s.value for s in BatchStatus]), metavar="STATUS",
                   help=_("only batches in this state: {states}").format(states=", ".join(s.value for s in BatchStatus)))
    p.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=50, metavar="N",
                   help=_("batches to show (default 50)"))
    p.add_argument("--offset", type=whole_number(0, MAX_OFFSET), default=0, metavar="N",
                   help=_("skip the first N batches"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_batches)

    p = commands.add_parser("types", help=_("list the catalog of document types"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    p.set_defaults(handler=cmd_types)


# How a batch processed by `ingest` ended, said as the batch's status (`dossier batches`).
_AS_BATCH_STATUS = {"retry": BatchStatus.QUEUED.value}


def cmd_init(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.privacy import group_id, make_private_dir, repair

    group_id(settings.privacy.group)  # an unknown group is said before anything is made
    for folder in (settings.data_dir, settings.archive_dir, settings.inbox_dir):
        make_private_dir(folder)
    with App.open(settings, check_schema=False) as app:  # a broken catalog fails here, not at the first document
        reindexed = app.store.init_schema()
        office = app.offices.get(settings.office.code)
    # After the store: its file (SQLite, -wal, -shm) is among what is checked. An existing folder made
    # before dossier kept its files private (or under another umask) is repaired, and the change said.
    repaired = repair(settings.data_dir, group=settings.privacy.group, inbox=settings.inbox_dir)
    labels = [_("data dir"), _("store"), _("inbox"), _("office"), _("search")]
    width = max(11, 2 + max(map(len, labels)))  # values line up after the longest label of this language
    values = [str(settings.data_dir), app.store.engine.url.render_as_string(hide_password=True),
              str(settings.inbox_dir), f"{office.code}  {office.name}",
              _("{count} document(s) indexed again").format(count=reindexed) if reindexed else ""]
    for name, value in zip(labels, values, strict=True):
        if value:
            print(label(name, width) + value)
    if repaired:
        print(label(_("modes"), width) + _("{count} file(s) and folder(s) made private (no access for other "
                                           "accounts):").format(count=len(repaired)))
        for change in repaired[:_SHOWN_REPAIRS]:
            print(" " * width + change.describe(settings.data_dir))
        if len(repaired) > _SHOWN_REPAIRS:
            print(" " * width + _("... and {count} more").format(count=len(repaired) - _SHOWN_REPAIRS))
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
        report = ingest_paths(app, paths, procedure=args.procedure,
                              on_progress=lambda p: progress.update(p.done, p.total, p.name))
    failed = report.failed
    ended = {o.batch_id: _AS_BATCH_STATUS.get(o.status, o.status) for o in report.outcomes}
    if args.json:
        print_json({
            # How each batch ended here (done, failed, queued for a retry), not how intake left it.
            "batches": [{"batch_id": i.batch_id, "source": i.source, "status": ended.get(i.batch_id, i.status),
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
            print("  " + _("duplicate: {source} (same content as batch B{batch})").format(
                source=item.source, batch=item.duplicate_of))
        for _source, error in failed:
            print("  " + _("FAILED {reason}").format(reason=error.one_line()), file=sys.stderr)
    return ExitCode.BATCH_FAILED if failed else ExitCode.OK


def cmd_show(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations import audit
    from pipeline.operations.pages import find_document, origins

    with App.open(settings) as app:
        document = find_document(app, args.document_id, scope=office_scope(settings, args))
        _batch, files = app.store.batch_files(document.batch_id)
        view = document_view(document)
        audit.record(app, "show", office=document.office, batch_id=document.batch_id, document_id=document.id,
                     detail="with its text" if args.text or args.json else None)
        view["origin"] = [o.as_json() for o in origins(document, files)]
        shown_origin = [_("from file {file}, page {pages}").format(file=o.file, pages=o.span) if len(o.pages) == 1
                        else _("from file {file}, pages {pages}").format(file=o.file, pages=o.span)
                        for o in origins(document, files)]
        names = Names(app.catalog)
    if args.json:
        print_json(view)
        return ExitCode.OK
    print(_("Document D{id}  {type} (confidence {confidence:.2f})").format(
        id=view["document_id"], type=names.doc_type(view["doc_type"]), confidence=view["doc_type_confidence"]))
    print("  " + label(_("source"), 9) + _("{source}  (batch B{batch}, {pages} page(s), office {office})").format(
        source=view["source"], batch=view["batch_id"], pages=view["pages"], office=view["office"]))
    for line in shown_origin:
        print("  " + label(_("pages"), 9) + line)
    if view["review_reasons"]:
        print("  " + label(_("review"), 9) + "; ".join(map(names.reason, view["review_reasons"])))
    width = max(17, 2 + max((len(names.field(f["name"])) for f in view["field_details"]), default=0))
    for f in view["field_details"]:
        where = (_("set by hand") if f["source"] == OPERATOR
                 else _("confidence {confidence:.2f}").format(confidence=f["confidence"])
                 + (_(", page {page}").format(page=f["page"]) if f["page"] is not None else ""))
        print("  " + label(names.field(f["name"]), width) + f"{names.value(f['name'], f['value'])}  ({where})")
    if args.text:
        for number, text in enumerate(view["page_texts"], start=1):
            print("\n" + _("--- page {number} ---").format(number=number) + f"\n{text}")
    return ExitCode.OK


def cmd_batches(settings: Settings, args: argparse.Namespace) -> ExitCode:
    scope = office_scope(settings, args)
    zone = office_zone(settings)
    with App.open(settings) as app:
        rows = [batch_view(b) for b in app.store.batches(status=args.status, office=scope, limit=args.limit,
                                                         offset=args.offset)]
        total = app.store.count_batches(args.status, office=scope)
    if args.json:
        print_json(rows)
        return ExitCode.OK
    if not rows:
        print(_("no batches") if not total else _("no batches past --offset {offset}").format(offset=args.offset))
    for row in rows:
        line = (f"B{row['batch_id']:<5} {row['office']:<10} {status_text(row['status']):<12} "
                + _("attempts={count}").format(count=row["attempts"])
                + f"  {when(row['updated_at'], zone)}  {row['source']}")
        if row["status"] == BatchStatus.DUPLICATE:
            line += "  " + _("(duplicate of batch B{batch})").format(batch=row["duplicate_of"])
        if row["first_copy"]:
            line += "  " + _("(received first by another office: batch B{batch})").format(batch=row["first_copy"])
        if row["procedure"]:
            line += f"  [{row['procedure']}" + (" — " + _("incomplete") + "]" if row["missing_documents"] else "]")
        print(line)
        if row["reason"]:
            print("       " + _("stage={stage}").format(stage=row["stage"]) + f"  {row['reason']}")
    last = args.offset + len(rows)
    if rows and (args.offset or last < total):
        print(_("showing {first}-{last} of {total}").format(first=args.offset + 1, last=last, total=total)
              + ("; " + _("more: --offset {offset}").format(offset=last) if last < total else ""))
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
