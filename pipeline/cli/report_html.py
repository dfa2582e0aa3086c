"""`dossier report --html FILE`: the report as one self-contained page, for the city's supervisors.

Everything is inline (CSS, SVG charts): the file opens offline, from a USB stick
or an e-mail, in any browser, and prints. Labels go through `_()`; office and
procedure names are shown as the city writes them, in Vietnamese. Every figure
cell and bar carries `data-office` / `data-figure` attributes with the raw value,
so that a script (and the tests, in a real browser) can read the page back.
"""

from __future__ import annotations

from html import escape

from pipeline.cli.render import day_text
from pipeline.cli.report import PERIOD_NAMES, duration_text, figures_json, share_text, waiting_text
from pipeline.i18n import _, current_language
from pipeline.operations.report import Figures, OfficeReport, PeriodRow, Report

STYLE = """
body { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 2rem; color: #1d2733; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
.meta { color: #5a6776; margin: 0 0 1.5rem; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; }
.card { border: 1px solid #d5dbe3; border-radius: 6px; padding: .6rem .9rem; min-width: 8rem; }
.card b { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #e3e7ec; padding: .3rem .6rem; text-align: right; }
th { background: #f3f5f8; } td.name, th.name { text-align: left; min-width: 14rem; } td { white-space: nowrap; }
td.name { white-space: normal; } .tag { font-size: .75rem; border: 1px solid #9aa5b1; border-radius: 3px; padding: 0 .25rem; margin-left: .4rem; }
tr.procedure td.name { padding-left: 1.6rem; color: #3d4a58; }
svg text { font-size: 12px; fill: #1d2733; } .bar { fill: #2f6fb0; } .bar2 { fill: #9cc0e6; } .axis { stroke: #9aa5b1; }
.legend span { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 1rem; vertical-align: middle; }
footer { color: #5a6776; font-size: .85rem; margin-top: 2rem; max-width: 60rem; }
@media print { body { margin: .5cm; } }
"""

BAR_HEIGHT, LABEL_WIDTH, CHART_WIDTH = 22, 230, 420


def render(report: Report) -> str:
    """The whole page."""
    scope = report.scope or _("all offices")
    title = _("Dossier digitisation report")
    generated = report.generated_at.strftime("%d/%m/%Y %H:%M UTC")
    since, until = day_text(report.since), day_text(report.until)
    arrived = _("Dossiers that arrived from {since} to {until}").format(since=since, until=until)
    headings = [_("generated"), _("Filed the same working day, by office"), _("Time from drop to searchable, by office"),
                _("Received and filed, by {period}").format(period=_(PERIOD_NAMES.get(report.by.value, report.by.value))),
                _("Offices, ranked")]
    generated_label, same_day, to_searchable, by_period, ranked = (escape(h) for h in headings)
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{current_language()}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} {since} – {until}</title>", f"<style>{STYLE}</style>", "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(arrived)} · {escape(scope)} · {generated_label} {generated}</p>',
        _cards(report.city, report),
        f"<h2>{same_day}</h2>",
        _office_chart(report.offices, [("bar", "same_day_share", lambda o: o.figures.same_day_share, share_text)],
                      maximum=1.0),
        f"<h2>{to_searchable}</h2>",
        _legend((_("median"), "bar"), (_("95th percentile"), "bar2")),
        _office_chart(report.offices, [
            ("bar", "time_to_searchable_median_s", lambda o: o.figures.median_seconds, duration_text),
            ("bar2", "time_to_searchable_p95_s", lambda o: o.figures.p95_seconds, duration_text)]),
        f"<h2>{by_period}</h2>",
        _legend((_("received"), "bar2"), (_("filed"), "bar")),
        _period_chart(report.city_periods),
        f"<h2>{ranked}</h2>",
        _ranking(report),
        f"<footer>{escape(_footnote())}</footer>",
        "</body>", "</html>", ""])


def _footnote() -> str:
    return _("Received: every dossier an office recorded (duplicates of one it already had included). Time to "
             "searchable: from when the dossier finished arriving to when it was filed and could be searched; "
             "median and 95th percentile. Same working day: searchable by the closing time of the working day it "
             "arrived (the next working day's when it arrived after closing or on a day off), as a share of the "
             "dossiers that are not duplicates. Incomplete: filed without a document its procedure requires. "
             "Waiting: documents to review and incomplete dossiers now, with the oldest, whenever they arrived.")


def _cards(city: Figures, report: Report) -> str:
    cards = [(_("received"), "received", str(city.received)), (_("filed"), "filed", str(city.filed)),
             (_("failed"), "failed", str(city.failed)), (_("pending"), "pending", str(city.pending)),
             (_("same working day"), "same_day_share", share_text(city.same_day_share)),
             (_("median to searchable"), "time_to_searchable_median_s", duration_text(city.median_seconds)),
             (_("95th percentile"), "time_to_searchable_p95_s", duration_text(city.p95_seconds)),
             (_("waiting for a human"), "backlog", waiting_text(report.city_backlog))]
    values = figures_json(city) | {"backlog": report.city_backlog.total}
    return '<div class="cards">' + "".join(
        f'<div class="card" data-office="city" data-figure="{key}" data-value="{_raw(values[key])}">'
        f"<b>{escape(shown)}</b>{escape(label)}</div>" for label, key, shown in cards) + "</div>"


def _office_chart(offices: list[OfficeReport], series, *, maximum: float | None = None) -> str:
    """A row per office with one bar per (css class, figure, value of the office, how it is shown) of `series`."""
    if not offices:
        return "<p>" + escape(_("no dossiers in this period")) + "</p>"
    top = maximum or max((value(o) or 0 for o in offices for _css, _f, value, _s in series), default=0) or 1
    height = BAR_HEIGHT // len(series)
    rows = []
    for n, o in enumerate(offices):
        y = 4 + n * (BAR_HEIGHT + 8)  # 4: room above the first row for its labels
        rows.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(_label(o))}</text>')
        for k, (css, figure, value, shown) in enumerate(series):
            v, top_y = value(o), y + k * height
            width = 0 if v is None else max(1, round(CHART_WIDTH * v / top))
            rows.append(f'<rect class="{css}" x="{LABEL_WIDTH}" y="{top_y}" width="{width}" height="{height}" '
                        f'data-office="{escape(o.office)}" data-figure="{figure}" '
                        f'data-value="{_raw(figures_json(o.figures)[figure])}"/>'
                        f'<text x="{LABEL_WIDTH + width + 6}" y="{top_y + min(height, 15)}">{escape(shown(v))}</text>')
    return _svg(4 + len(offices) * (BAR_HEIGHT + 8), "".join(rows))


def _period_chart(periods: list[PeriodRow]) -> str:
    if not periods:
        return ""
    height, step = 160, max(12, min(48, 700 // len(periods)))
    top = max(p.figures.received for p in periods) or 1
    bars, labels = [], []
    for n, p in enumerate(periods):
        x = 40 + n * step
        for offset, css, figure, v in ((0, "bar2", "received", p.figures.received),
                                       (step // 3, "bar", "filed", p.figures.filed)):
            h = round(height * v / top)
            bars.append(f'<rect class="{css}" x="{x + offset}" y="{height - h}" width="{max(3, step // 3)}" '
                        f'height="{h}" data-period="{p.start}" data-figure="{figure}" data-value="{v}"/>')
        if n % max(1, len(periods) // 10) == 0:
            labels.append(f'<text x="{x}" y="{height + 16}">{p.start:%d/%m}</text>')
    axis = f'<line class="axis" x1="36" y1="{height}" x2="{40 + len(periods) * step}" y2="{height}"/>'
    scale = f'<text x="0" y="12">{top}</text><text x="0" y="{height}">0</text>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{60 + len(periods) * step}" height="{height + 24}" '
            f'role="img">{axis}{scale}{"".join(bars)}{"".join(labels)}</svg>')


def _ranking(report: Report) -> str:
    head = [_("rank"), _("office"), _("received"), _("filed"), _("failed"), _("pending"), _("duplicates"),
            _("incomplete"), _("median to searchable"), _("95th percentile"), _("same working day"),
            _("waiting (oldest)")]
    rows = ["<table>", "<tr>" + "".join(f'<th class="{"name" if n == 1 else ""}">{escape(h)}</th>'
                                        for n, h in enumerate(head)) + "</tr>"]
    for rank, o in enumerate(report.offices, start=1):
        rows.append(_figure_row(str(rank), escape(_label(o)), o.office, o.figures, waiting_text(o.backlog), "office"))
        for p in o.procedures:
            tag = ' <span class="tag">' + escape(_("same-day procedure")) + "</span>" if p.same_day_procedure else ""
            rows.append(_figure_row("", escape(p.name or _("no procedure named")) + tag, o.office, p.figures,
                                    waiting_text(p.backlog), "procedure", procedure=p.procedure or ""))
    if len(report.offices) > 1:
        rows.append(_figure_row("", escape(_("city")), "city", report.city, waiting_text(report.city_backlog), "city"))
    rows.append("</table>")
    return "\n".join(rows)


def _figure_row(rank: str, name_html: str, office: str, f: Figures, waiting: str, level: str, *,
                procedure: str | None = None) -> str:
    values = figures_json(f)
    cells = [("received", str(f.received)), ("filed", str(f.filed)), ("failed", str(f.failed)),
             ("pending", str(f.pending)), ("duplicates", str(f.duplicates)), ("incomplete", str(f.incomplete)),
             ("time_to_searchable_median_s", duration_text(f.median_seconds)),
             ("time_to_searchable_p95_s", duration_text(f.p95_seconds)),
             ("same_day_share", share_text(f.same_day_share))]
    where = f'data-office="{escape(office)}"' + (f' data-procedure="{escape(procedure)}"' if procedure is not None else "")
    tds = "".join(f'<td {where} data-figure="{key}" data-value="{_raw(values[key])}">{escape(shown)}</td>'
                  for key, shown in cells)
    return (f'<tr class="{level}"><td>{rank}</td><td class="name">{name_html}</td>{tds}'
            f"<td>{escape(waiting)}</td></tr>")


def _label(office: OfficeReport) -> str:
    return f"{office.name} ({office.office})" if office.name != office.office else office.office


def _legend(*entries: tuple[str, str]) -> str:
    return '<p class="legend">' + "".join(
        f'<span class="{css}" style="background:{"#2f6fb0" if css == "bar" else "#9cc0e6"}"></span>{escape(label)}'
        for label, css in entries) + "</p>"


def _svg(height: int, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH + CHART_WIDTH + 80}" '
            f'height="{max(height, 1)}" role="img">{body}</svg>')


def _raw(value) -> str:
    return "" if value is None else escape(str(value))
