"""The city's lists: offices (configs/offices.toml) and procedures (configs/procedures.toml)."""

from __future__ import annotations

import argparse

from pipeline.cli.render import Names, print_json
from pipeline.config import Settings
from pipeline.errors import ExitCode
from pipeline.i18n import N_, _

# Kinds of office and days of the week as operators read them (ids stay English in `--json`).
KIND_NAMES = {"district": N_("district"), "ward": N_("ward"), "commune": N_("commune"),
              "special_zone": N_("special zone")}
DAY_NAMES = {"mon": N_("mon"), "tue": N_("tue"), "wed": N_("wed"), "thu": N_("thu"), "fri": N_("fri"),
             "sat": N_("sat"), "sun": N_("sun")}


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("offices", help=_("list the city's offices, their kind and office hours"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    p.set_defaults(handler=cmd_offices)

    p = commands.add_parser("procedures", help=_("list the citywide procedures and the documents each requires"))
    p.add_argument("--json", action="store_true", help=_("print as JSON (for scripts)"))
    p.set_defaults(handler=cmd_procedures)


def cmd_offices(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.offices import WEEKDAYS, load_offices

    offices = load_offices(settings.offices_path)  # no store needed: it works before `dossier init`
    rows = [{"code": o.code, "name": o.name, "kind": o.kind.value, "legacy": o.legacy,
             "opens": f"{o.hours.opens:%H:%M}", "closes": f"{o.hours.closes:%H:%M}",
             "working_days": [WEEKDAYS[d] for d in sorted(o.hours.working_days)]} for o in offices]
    if args.json:
        print_json(rows)
        return ExitCode.OK
    for row in rows:
        note = "  " + _("(former district office)") if row["legacy"] else ""
        here = "  " + _("← this office") if row["code"] == settings.office.code else ""
        kind = _(KIND_NAMES.get(row["kind"], row["kind"]))
        days = ",".join(_(DAY_NAMES.get(d, d)) for d in row["working_days"])
        print(f"{row['code']:<18} {kind:<9} {row['opens']}-{row['closes']} {days}  "
              f"{row['name']}{note}{here}")
    return ExitCode.OK


def cmd_procedures(settings: Settings, args: argparse.Namespace) -> ExitCode:
    from pipeline.catalog import load_catalog
    from pipeline.procedures import load_procedures

    catalog = load_catalog(settings.catalog_path)
    procedures = load_procedures(settings.procedures_path, catalog)
    names = Names(catalog)
    rows = [{"id": p.id, "name_vi": p.name_vi, "same_day": p.same_day, "requires": list(p.requires),
             "folder": p.folder} for p in procedures]
    if args.json:
        print_json(rows)
        return ExitCode.OK
    same_day = _("same day")
    for row in rows:
        timing = f"{same_day if row['same_day'] else '':<10}"
        folder = f"  inbox/{row['folder']}/" if row["folder"] else ""
        print(f"{row['id']:<32} {timing}  {row['name_vi']}{folder}")
        print(f"{'':<32} {'':<10}  " + _("requires: {types}").format(
            types=", ".join(map(names.short_type, row["requires"])) or _("(nothing in particular)")))
    return ExitCode.OK
