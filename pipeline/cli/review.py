"""Review commands: review, relabel, set-field, train."""

from __future__ import annotations

import argparse

from pipeline.cli.arguments import MAX_LIMIT, document_id, whole_number
from pipeline.cli.render import add_office_options, office_scope, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import _
from pipeline.office.app import App


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("review", help="list documents that need a human (uncertain type, missing or invalid field)")
    p.add_argument("--type", dest="doc_type", metavar="T", help="only documents of this type")
    p.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=50, metavar="N")
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_review)

    p = commands.add_parser("relabel", help="set a document's type by hand (fields are extracted again)")
    p.add_argument("document_id", type=document_id, metavar="DOC_ID")
    p.add_argument("--type", dest="doc_type", required=True, metavar="T", help="catalog id (see `dossier types`)")
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_relabel)

    p = commands.add_parser("set-field", help="set a document's field by hand: NAME=VALUE")
    p.add_argument("document_id", type=document_id, metavar="DOC_ID")
    p.add_argument("assignments", nargs="+", metavar="NAME=VALUE")
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_set_field)

    p = commands.add_parser("train", help="retrain the document classifier from the shipped examples and "
                                          "operators' relabels")
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_train)


def cmd_review(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations import audit
    from pipeline.operations.corrections import documents_to_review, dossiers_to_complete

    scope = office_scope(settings, args)
    with App.open(settings) as app:
        rows = documents_to_review(app.store, doc_type=args.doc_type, limit=args.limit, office=scope)
        if not args.doc_type:
            rows += dossiers_to_complete(app.store, app.procedures, office=scope, limit=args.limit)
        shown = [row["document_id"] for row in rows if row["kind"] == "document"]
        shown += [i for row in rows if row["kind"] == "dossier" for i in row["documents"]]
        audit.record(app, "review", office=settings.office.code,
                     detail=f"{'all offices: ' if scope is None else ''}{len(rows)} listed; {audit.listed(shown)}")
    if args.json:
        print_json(rows)
        return ExitCode.OK
    if not rows:
        print("no documents need review")
    for row in rows:
        if row["kind"] == "dossier":
            print(f"B{row['batch_id']:<5} {row['office']:<10} incomplete {row['procedure']:<18} "
                  f"documents {', '.join(map(str, row['documents'])) or '-'}  {row['source']}")
        else:
            guess = " " + _("(best guess {type})").format(type=row["best_guess"]) if row["best_guess"] else ""
            print(f"D{row['document_id']:<5} {row['office']:<10} {row['doc_type']:<26} "
                  f"{row['doc_type_confidence']:.2f}{guess}  {row['name'] or '-'}  {row['source']}")
            if row["title"]:
                print("       " + _("title: {title}").format(title=row["title"]))
        for reason in row["review_reasons"]:
            print(f"       - {reason}")
    return ExitCode.OK


def cmd_relabel(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.corrections import relabel

    with App.open(settings) as app:
        correction = relabel(app.store, app.catalog, args.document_id, args.doc_type, procedures=app.procedures,
                             scope=office_scope(settings, args))
    return _render_corrections([correction], args.json)


def cmd_set_field(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.corrections import set_fields

    pairs = []
    for item in args.assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"expected NAME=VALUE, got {item!r}", remedy='e.g. full_name="NGUYỄN VĂN AN"')
        pairs.append((name.strip(), value.strip()))
    with App.open(settings) as app:
        corrections = set_fields(app.store, app.catalog, args.document_id, pairs, scope=office_scope(settings, args))
    return _render_corrections(corrections, args.json)


def _render_corrections(corrections, as_json: bool) -> ExitCode:
    if as_json:
        print_json([{"document_id": c.document_id, "changed": c.what, "before": c.before, "after": c.after,
                     "needs_review": bool(c.review_reasons), "review_reasons": c.review_reasons}
                    for c in corrections])
        return ExitCode.OK
    for c in corrections:
        print(f"D{c.document_id} {c.what}: {c.before or '(none)'} → {c.after}")
    last = corrections[-1]
    if last.review_reasons:
        print("still needs review: " + "; ".join(last.review_reasons))
    else:
        print("no longer needs review")
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
    print(f"trained on {info['examples']} examples ({info['operator_examples']} operator correction(s)), "
          f"{len(info['types'])} types")
    if "held_out_accuracy" in info:
        print(f"accuracy on held-out wording (cross-validation): {info['held_out_accuracy']:.3f}")
    print(f"saved {path}")
    return ExitCode.OK
