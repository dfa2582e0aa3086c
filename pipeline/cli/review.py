"""Review commands: review, relabel, set-field, train."""

from __future__ import annotations

import argparse

from pipeline.cli.arguments import MAX_LIMIT, document_id, pick, pick_type, whole_number
from pipeline.cli.render import Names, add_office_options, office_scope, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import _, in_vietnamese
from pipeline.office.app import App


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("review", help=_("list documents that need a human (uncertain type, missing or invalid field)"))
    p.add_argument("--type", dest="doc_type", metavar="T", help=_("only documents of this type"))
    p.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=50, metavar="N",
                   help=_("results to show (default 50)"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_review)

    p = commands.add_parser("relabel", help=_("set a document's type by hand (fields are extracted again)"))
    p.add_argument("document_id", type=document_id, metavar="DOC_ID", help=_("a document id (D34 or 34)"))
    p.add_argument("--type", dest="doc_type", required=True, metavar="T", help=_("catalog id (see `dossier types`)"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_relabel)

    p = commands.add_parser("set-field", help=_("set a document's field by hand: NAME=VALUE"))
    p.add_argument("document_id", type=document_id, metavar="DOC_ID", help=_("a document id (D34 or 34)"))
    p.add_argument("assignments", nargs="+", metavar="NAME=VALUE",
                   help=_("a field and its value, as printed on the document (see `dossier types --json`)"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_set_field)

    p = commands.add_parser("train", help=_("retrain the document classifier from the shipped examples and "
                                            "operators' relabels"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    add_office_options(p)
    p.set_defaults(handler=cmd_train)


def cmd_review(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations import audit
    from pipeline.operations.corrections import documents_to_review, dossiers_to_complete

    scope = office_scope(settings, args)
    with App.open(settings) as app:
        names = Names(app.catalog)
        doc_type = (pick_type(args.doc_type, app.catalog)
                    if args.doc_type else None)
        rows = documents_to_review(app.store, doc_type=doc_type, limit=args.limit, office=scope)
        if not doc_type:
            rows += dossiers_to_complete(app.store, app.procedures, office=scope, limit=args.limit)
        shown = [row["document_id"] for row in rows if row["kind"] == "document"]
        shown += [i for row in rows if row["kind"] == "dossier" for i in row["documents"]]
        audit.record(app, "review", office=settings.office.code,
                     detail=f"{'all offices: ' if scope is None else ''}{len(rows)} listed; {audit.listed(shown)}")
    if args.json:
        print_json(rows)
        return ExitCode.OK
    if not rows:
        print(_("no documents need review"))
    for row in rows:
        if row["kind"] == "dossier":
            print(_("batch {batch} {office} incomplete {procedure} documents {documents}  {source}").format(
                batch=f"B{row['batch_id']:<5}", office=f"{row['office']:<10}", procedure=f"{row['procedure']:<18}",
                documents=", ".join(f"D{d}" for d in row["documents"]) or "-", source=row["source"]))
            missing = ", ".join(names.short_type(t) for t in row["missing_documents"])
            print("       - " + _("incomplete dossier for {procedure}: no {documents}").format(
                procedure=row["procedure_name"], documents=missing))
            continue
        else:
            guess = (" " + _("(best guess {type})").format(type=names.doc_type(row["best_guess"]))
                     if row["best_guess"] else "")
            print(f"D{row['document_id']:<5} {row['office']:<10} {names.short_type(row['doc_type']):<26} "
                  f"{row['doc_type_confidence']:.2f}{guess}  {row['name'] or '-'}  {row['source']}")
            if row["title"]:
                print("       " + _("title: {title}").format(title=row["title"]))
        for reason in row["review_reasons"]:
            print(f"       - {names.reason(reason)}")
    return ExitCode.OK


def cmd_relabel(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.corrections import relabel

    with App.open(settings) as app:
        doc_type = pick_type(args.doc_type, app.catalog)
        correction = relabel(app.store, app.catalog, args.document_id, doc_type, procedures=app.procedures,
                             scope=office_scope(settings, args))
    return _render_corrections([correction], args.json, Names(app.catalog))


def cmd_set_field(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.corrections import set_fields

    pairs = []
    for item in args.assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(_("expected NAME=VALUE, got '{item}'").format(item=item),
                             remedy=_('e.g. full_name="NGUYỄN VĂN AN"'))
        pairs.append((name.strip(), value.strip()))
    with App.open(settings) as app:
        pairs = [(pick(name, app.catalog.fields, option=_("field")), value) for name, value in pairs]
        corrections = set_fields(app.store, app.catalog, args.document_id, pairs, scope=office_scope(settings, args))
    return _render_corrections(corrections, args.json, Names(app.catalog))


def _render_corrections(corrections, as_json: bool, names: Names) -> ExitCode:
    if as_json:
        print_json([{"document_id": c.document_id, "changed": c.what, "before": c.before, "after": c.after,
                     "needs_review": bool(c.review_reasons), "review_reasons": c.review_reasons}
                    for c in corrections])
        return ExitCode.OK
    for c in corrections:
        if c.what == "doc_type":  # the type's name in Vietnamese, its id in English (as before)
            what, before, after = (c.what if not in_vietnamese() else _("type"),
                                   names.doc_type(c.before) if c.before else None, names.doc_type(c.after))
        else:
            what, before, after = names.field(c.what), c.before and names.value(c.what, c.before), \
                names.value(c.what, c.after)
        before = before or _("(none)")
        print(f"D{c.document_id} {what}: {before} → {after}")
    last = corrections[-1]
    if last.review_reasons:
        print(_("still needs review: {reasons}").format(reasons="; ".join(map(names.reason, last.review_reasons))))
    else:
        print(_("no longer needs review"))
    return ExitCode.OK


def cmd_train(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.corrections import operator_examples
    from pipeline.stages import training

    with App.open(settings) as app:
        corrections = operator_examples(app.store, office=office_scope(settings, args))
        model = training.fit(training.shipped_examples() + corrections, app.catalog)
        path = training.model_path(settings.models_dir)
        training.save(model, path)
    info = model.info
    if args.json:
        print_json({"model": str(path), **info})
        return ExitCode.OK
    print(_("trained on {examples} examples ({corrections} operator correction(s)), {types} types").format(
        examples=info["examples"], corrections=info["operator_examples"], types=len(info["types"])))
    if "held_out_accuracy" in info:
        print(_("accuracy on held-out wording (cross-validation): {accuracy:.3f}").format(
            accuracy=info["held_out_accuracy"]))
    print(_("saved {path}").format(path=path))
    return ExitCode.OK
