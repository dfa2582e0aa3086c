"""Page commands: `page` (one page of a document as an image); `export --pages` and `--batch` live in `export`."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.arguments import document_id, whole_number
from pipeline.cli.render import add_office_options, office_scope, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import _
from pipeline.office.app import App


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("page", help=_("write one page of a document as a PNG image"),
                            description=_("Write page N of a document as a PNG image: rasterized from the archived "
                                          "original as it was archived, or with --as-read as the reader saw it "
                                          "after preprocessing (turned upright, deskewed, enlarged)."))
    p.add_argument("document_id", type=document_id, metavar="DOC_ID", help=_("a document id (D34 or 34)"))
    p.add_argument("number", type=whole_number(1), metavar="N", help=_("the page, 1-based within the document"))
    p.add_argument("--to", required=True, metavar="FILE.png", help=_("a new file (never overwritten)"))
    p.add_argument("--as-read", action="store_true", help=_("the page after preprocessing, as OCR read it"))
    p.add_argument("--json", action="store_true")
    add_office_options(p)
    p.set_defaults(handler=cmd_page)


def cmd_page(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.operations.pages import origins, write_page_image

    destination = _destination(args.to)
    with App.open(settings) as app:
        page, note = write_page_image(app, args.document_id, args.number, destination,
                                      scope=office_scope(settings, args), as_read=args.as_read)
        document = app.store.document(args.document_id)
        _batch, files = app.store.batch_files(document.batch_id)
        name = next(o.file for o in origins(document, files) if page.file_page in o.pages)
    if args.json:
        print_json({"document_id": args.document_id, "page": args.number, "file": name, "file_page": page.file_page,
                    "as_read": args.as_read, "path": str(destination), "note": note or None})
        return ExitCode.OK
    print(_("wrote {path}  (page {number} of D{id}: file {file}, page {file_page})").format(
        path=destination, number=args.number, id=args.document_id, file=name, file_page=page.file_page))
    if note:
        print(f"  {note}")
    return ExitCode.OK


def _destination(value: str) -> Path:
    if value.strip() in ("", "-"):
        raise UsageError(_("--to {value!r} is not a file name (nothing is written to standard output)").format(
            value=value), remedy=_("give a file, e.g. --to ~/Desktop/page.png"))
    return Path(value).expanduser()
