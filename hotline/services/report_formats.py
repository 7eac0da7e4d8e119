"""The monthly report in words and numbers: Markdown, CSV, HTML and XLSX from one layout.

`layout` turns a `Report` into sections of titled tables of cells, worded from the i18n
catalogs in the desk's locale, with configured names for categories, departments and bands.
Every format renders that one layout, so a figure reads the same in the terminal, in Excel, on
paper and on the reports screen. A cell keeps its raw value beside its text, so the XLSX sheet
holds real numbers (a rate is 0.853 shown as 85.3 %) while text formats show the text.
"""

from __future__ import annotations

import csv
import html
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotline.config import KPI_NAMES, Config
from hotline.errors import UsageError
from hotline.i18n import t
from hotline.services.reports import SECTIONS, Ratio, Report

FORMATS = ("md", "csv", "html", "xlsx")
"""Formats `hotline report --format` writes; md is the default."""
NONE = "—"
"""Shown for a figure with nothing to count (never 0 %)."""
CSV_BOM = "\ufeff"
"""Excel on Windows reads a CSV as UTF-8 only when it starts with this mark."""


@dataclass(frozen=True)
class Cell:
    """One cell: its text, and for XLSX its raw value and number format."""

    text: str
    value: Any = None
    """int, float or str written to XLSX; None: an empty cell."""
    number_format: str = "General"


@dataclass(frozen=True)
class Chart:
    """Bars drawn from a table: labels from one column, lengths from another's raw values."""

    label_column: int
    value_column: int
    replaces_table: bool = False
    """The bars show every row with its value, so a page need not print the table too."""


@dataclass
class Table:
    key: str
    """Stable id (CSS classes, tests, the screen's widget ids)."""
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: Chart | None = None

    def add(self, *cells: Cell) -> None:
        self.rows.append(list(cells))


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]


# -- cells --------------------------------------------------------------------------------------


def text(value: object) -> Cell:
    shown = "" if value is None else str(value)
    return Cell(shown, shown)


def count(value: int | None) -> Cell:
    if value is None:
        return Cell(NONE)
    return Cell(f"{value:,}", value, "#,##0")


def percent(rate: float | None) -> Cell:
    if rate is None:
        return Cell(NONE)
    return Cell(f"{rate * 100:.1f}%", rate, "0.0%")


def ratio(value: Ratio) -> Cell:
    return percent(value.rate)


def fraction(value: Ratio) -> Cell:
    """"count / total", the detail beside a rate."""
    return Cell(f"{value.count:,} / {value.total:,}", f"{value.count} / {value.total}")


def change(value: float | None) -> Cell:
    if value is None:
        return Cell(NONE)
    return Cell(f"{value * 100:+.1f}%", value, "+0.0%;-0.0%;0.0%")


def hours(seconds: float | None) -> Cell:
    if seconds is None:
        return Cell(NONE)
    value = seconds / 3600
    return Cell(f"{value:.1f}", round(value, 2), "0.0")


def minutes(seconds: float | None) -> Cell:
    """A call's length as m:ss."""
    if seconds is None:
        return Cell(NONE)
    whole = round(seconds)
    return Cell(f"{whole // 60}:{whole % 60:02d}", round(seconds / 60, 2), "0.00")


def score(value: float | None) -> Cell:
    if value is None:
        return Cell(NONE)
    return Cell(f"{value:.1f}", value, "0.0")


# -- layout -------------------------------------------------------------------------------------


class _Words:
    """Catalog texts and configured names in one locale."""

    def __init__(self, config: Config, locale: str) -> None:
        self.config = config
        self.locale = locale

    def __call__(self, key: str, **params: object) -> str:
        return t(f"report.{key}", self.locale, **params)

    def item(self, kind: str, item_id: str | None) -> str:
        if item_id is None or item_id == "":
            return self("none")
        try:
            return self.config.label(kind, item_id, self.locale)
        except KeyError:
            return item_id

    def band(self, band_id: str | None) -> str:
        if band_id is None:
            return NONE
        for band in self.config.grading.bands:
            if band.id == band_id:
                return band.label.text(self.locale)
        return band_id


def layout(report: Report, config: Config, locale: str) -> Document:
    """The report as titled tables of cells, worded in `locale`."""
    w = _Words(config, locale)
    builders: dict[str, Callable[[Report, _Words], list[Table]]] = {
        "volume": _volume,
        "handling": _handling,
        "satisfaction": _satisfaction,
        "quality": _quality,
        "agents": _agents,
        "alerts": _alerts,
    }
    sections = [Section(key, w(f"section.{key}"), builders[key](report, w)) for key in SECTIONS]
    return Document(
        title=w("title", month=report.month, company=config.site.company),
        subtitle=w("subtitle", month=report.month, timezone=report.timezone,
                   generated=_local(report.generated_at, report.timezone),
                   calls=f"{report.volume.calls:,}"),
        sections=sections,
    )


def _local(stored: str, timezone: str) -> str:
    from zoneinfo import ZoneInfo

    from hotline.services.clock import from_text

    return from_text(stored).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _summary(w: _Words, key: str) -> Table:
    return Table(key, w(f"table.{key}"), [w("col.metric"), w("col.value"), w("col.detail")])


def _volume(r: Report, w: _Words) -> list[Table]:
    v = r.volume
    summary = _summary(w, "volume_summary")
    summary.add(text(w("m.calls")), count(v.calls), text(""))
    summary.add(text(w("m.after_hours")), ratio(v.after_hours), fraction(v.after_hours))
    summary.add(text(w("m.trend_average")),
                Cell(f"{v.trend_average:,.1f}", v.trend_average, "#,##0.0")
                if v.trend_average is not None else Cell(NONE), text(""))
    summary.add(text(w("m.trend_change")), change(v.trend_change), text(""))
    by_day = Table("by_day", w("table.by_day"), [w("col.day"), w("col.calls")],
                   chart=Chart(0, 1, replaces_table=True))
    for day in v.by_day:
        by_day.add(text(day.day), count(day.calls))
    tables = [summary, by_day]
    for key, kind, items in (("by_channel", "channel", v.by_channel),
                             ("by_category", "category", v.by_category),
                             ("by_priority", "priority", v.by_priority)):
        table = Table(key, w(f"table.{key}"), [w(f"col.{kind}"), w("col.calls"), w("col.share")],
                      chart=Chart(0, 1) if key == "by_category" else None)
        for item in items:
            table.add(text(w.item(kind, item.id)), count(item.calls.count), ratio(item.calls))
        tables.append(table)
    trend = Table("trend", w("table.trend"),
                  [w("col.month"), w("col.calls"), w("col.complaint_share"),
                   w("col.response_avg_h")], chart=Chart(0, 1))
    for month in v.trend:
        trend.add(text(month.month), count(month.calls), ratio(month.complaints),
                  hours(month.response_avg_s))
    complaints = r.alerts.items[0] if r.alerts.items else None
    response = r.alerts.items[1] if len(r.alerts.items) > 1 else None
    trend.add(text(r.month), count(v.calls),
              percent(complaints.current if complaints else None),
              hours(response.current if response else None))
    tables.append(trend)
    return tables


def _handling(r: Report, w: _Words) -> list[Table]:
    h = r.handling
    summary = _summary(w, "handling_summary")
    for key, value in (("first_contact", h.first_contact), ("transferred", h.transferred),
                       ("overdue", h.overdue), ("reopened", h.reopened),
                       ("responded_on_time", h.responded_on_time), ("callbacks", h.callbacks),
                       ("callbacks_on_time", h.callbacks_on_time)):
        summary.add(text(w(f"m.{key}")), ratio(value), fraction(value))
    summary.add(text(w("m.duration_avg")), minutes(h.duration_avg_s), text(""))
    summary.add(text(w("m.close_median")), hours(h.time_to_close.median_s),
                text(w("closed_calls", n=f"{h.time_to_close.count:,}")))
    summary.add(text(w("m.close_p90")), hours(h.time_to_close.p90_s), text(""))
    departments = Table("departments", w("table.departments"), [
        w("col.department"), w("col.transfers"), w("col.transfer_rate"), w("col.answered"),
        w("col.response_median_h"), w("col.response_p90_h"), w("col.sla_h"), w("col.overdue"),
        w("col.overdue_share"),
    ])
    for d in h.departments:
        sla = NONE if d.sla_hours is None else (
            w("sla_working", hours=f"{d.sla_hours:g}") if d.business_hours
            else w("sla_clock", hours=f"{d.sla_hours:g}"))
        departments.add(text(w.item("department", d.id)), count(d.transfers), ratio(d.calls),
                        count(d.response.count), hours(d.response.median_s),
                        hours(d.response.p90_s), Cell(sla, d.sla_hours), count(d.overdue.count),
                        ratio(d.overdue))
    return [summary, departments]


def _verdict(w: _Words, verdict: str | None) -> str:
    return NONE if verdict is None else w(f"verdict.{verdict}")


def _satisfaction(r: Report, w: _Words) -> list[Table]:
    s = r.satisfaction
    summary = _summary(w, "satisfaction_summary")
    summary.add(text(w("m.answers")), count(s.satisfied.total), text(""))
    summary.add(text(w("m.satisfied", threshold=s.threshold)), ratio(s.satisfied),
                fraction(s.satisfied))
    summary.add(text(w("m.pass_line")), percent(s.pass_rate), text(""))
    summary.add(text(w("m.reward_line")), percent(s.reward_rate), text(""))
    summary.add(text(w("m.verdict")), text(_verdict(w, s.verdict)), text(""))
    answers = sum(s.distribution)
    distribution = Table("distribution", w("table.distribution"),
                         [w("col.score"), w("col.calls"), w("col.share")], chart=Chart(0, 1))
    for score_value, n in zip((1, 2, 3, 4, 5), s.distribution, strict=True):
        distribution.add(text(str(score_value)), count(n), ratio(Ratio(n, answers)))
    tables = [summary, distribution]
    for key, kind, rows in (("sat_by_category", "category", s.by_category),
                            ("sat_by_department", "department", s.by_department)):
        table = Table(key, w(f"table.{key}"),
                      [w(f"col.{kind}"), w("col.answers"), w("col.satisfied_rate")])
        for row in rows:
            table.add(text(w.item(kind, row.id)), count(row.satisfied.total), ratio(row.satisfied))
        tables.append(table)
    return tables


def _quality(r: Report, w: _Words) -> list[Table]:
    qy = r.quality
    summary = _summary(w, "quality_summary")
    summary.add(text(w("m.accuracy")), ratio(qy.accuracy), fraction(qy.accuracy))
    summary.add(text(w("m.corrected")), count(qy.corrected), text(""))
    summary.add(text(w("m.escalated")), count(qy.escalated), text(""))
    summary.add(text(w("m.escalations_in_time", hours=f"{_escalation_hours(w):g}")),
                ratio(qy.escalations_in_time), fraction(qy.escalations_in_time))
    summary.add(text(w("m.escalations_pending")), count(qy.escalations_pending), text(""))
    return [summary]


def _escalation_hours(w: _Words) -> float:
    return w.config.followup.escalation_hours


def _agents(r: Report, w: _Words) -> list[Table]:
    a = r.agents
    weights = ", ".join(f"{w(f'kpi.{k}')} {a.weights.get(k, 0) * 100:g}%" for k in KPI_NAMES
                        if a.weights.get(k, 0))
    grades = Table("grades", w("table.grades", weights=weights), [
        w("col.agent"), w("col.name"), w("col.calls"),
        *(w(f"kpi.{k}") for k in KPI_NAMES), w("col.score"), w("col.band"),
    ])
    for g in a.grades:
        grades.add(text(g.code), text(g.name), count(g.calls),
                   *(ratio(g.kpis[k]) for k in KPI_NAMES), score(g.score), text(w.band(g.band)))
    retrain = Table("retrain", w("table.retrain", months=a.retrain_after_months,
                                 band=w.band(a.pass_band)),
                    [w("col.agent"), w("col.name"), w("col.months")])
    for row in a.retrain:
        retrain.add(text(row.code), text(row.name), text(", ".join(row.months)))
    return [grades, retrain]


def _alerts(r: Report, w: _Words) -> list[Table]:
    alerts = Table("alerts", w("table.alerts"), [
        w("col.indicator"), w("col.this_month"), w("col.baseline"), w("col.change"),
        w("col.threshold"), w("col.alert"),
    ])
    for a in r.alerts.items:
        value = percent if a.kind == "complaint_share" else hours
        alerts.add(text(w(f"alert.{a.kind}")), value(a.current), value(a.baseline),
                   change(a.change), Cell(f"+{a.threshold * 100:g}%", a.threshold, "0%"),
                   text(w("alert.raised") if a.raised else w("alert.calm")))
    roots = Table("root_causes", w("table.root_causes"),
                  [w("col.product_model"), w("col.symptom"), w("col.calls")])
    for root in r.alerts.root_causes:
        roots.add(text(root.product_model or w("none")), text(root.symptom), count(root.calls))
    return [alerts, roots]


# -- formats ------------------------------------------------------------------------------------


def render(report: Report, config: Config, locale: str, fmt: str) -> str | bytes:
    """The report in `fmt` (one of `FORMATS`): text for md, csv and html; bytes for xlsx."""
    doc = layout(report, config, locale)
    if fmt == "md":
        return to_markdown(doc)
    if fmt == "csv":
        return to_csv(doc, locale)
    if fmt == "html":
        return to_html(doc, locale)
    if fmt == "xlsx":
        return to_xlsx(doc, locale)
    raise ValueError(f"unknown report format {fmt!r}")


def _md_cell(value: str) -> str:
    """Text as Markdown shows it literally: pipes, HTML and line breaks neutralised."""
    out = value.replace("\\", "\\\\")
    for ch in "|<>`[]":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r", " ").replace("\n", " ")


def _numeric_column(table: Table, index: int) -> bool:
    """Right-align a column whose filled cells are all numbers."""
    cells = [row[index] for row in table.rows if row[index].text not in ("", NONE)]
    return bool(cells) and all(isinstance(c.value, (int, float)) for c in cells)


def to_markdown(doc: Document) -> str:
    out = [f"# {_md_cell(doc.title)}", "", _md_cell(doc.subtitle), ""]
    for section in doc.sections:
        out += [f"## {_md_cell(section.title)}", ""]
        for table in section.tables:
            out += [f"### {_md_cell(table.title)}", ""]
            if not table.rows:
                out += [f"{NONE}", ""]
                continue
            out.append("| " + " | ".join(_md_cell(h) for h in table.headers) + " |")
            out.append("|" + "|".join("---:" if _numeric_column(table, i) else "---"
                                      for i in range(len(table.headers))) + "|")
            for row in table.rows:
                out.append("| " + " | ".join(_md_cell(c.text) for c in row) + " |")
            out.append("")
    return "\n".join(out)


def to_csv(doc: Document, locale: str) -> str:
    """One long table: section, table, item (the row's first cell), measure (the column), value.
    Starts with the UTF-8 byte-order mark so Excel on Windows shows Chinese."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([t(f"report.csv.{c}", locale)
                     for c in ("section", "table", "item", "measure", "value")])
    for section in doc.sections:
        for table in section.tables:
            for row in table.rows:
                for header, cell in zip(table.headers[1:], row[1:], strict=True):
                    if cell.text == "" and header == t("report.col.detail", locale):
                        continue
                    writer.writerow([section.title, table.title, _csv_safe(row[0].text), header,
                                     _csv_safe(cell.text)])
    return CSV_BOM + buf.getvalue()


def _csv_safe(value: str) -> str:
    """A cell Excel would run as a formula (=, +, -, @ first) is kept as text."""
    if value and value[0] in "=+-@" and not _looks_numeric(value):
        return "'" + value
    return value


def _looks_numeric(value: str) -> bool:
    try:
        float(value.rstrip("%").replace(",", ""))
    except ValueError:
        return False
    return True


_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 2em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #335; padding-bottom: 0.2em; margin-top: 1.6em; }
h3 { font-size: 1em; margin: 1em 0 0.4em; }
p.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin-bottom: 0.8em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; }
th { background: #eef; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.chart { margin: 0.2em 0 1em; }
.chart text { font-size: 10px; fill: #333; }
.chart rect { fill: #4a6fa5; }
section { page-break-inside: auto; }
@media print { body { margin: 0.5cm; } h2 { page-break-after: avoid; }
               table, .chart { page-break-inside: avoid; } }
"""


def _svg_bars(table: Table) -> str:
    """A horizontal bar chart of `table.chart` as inline SVG (no script, no external file)."""
    assert table.chart is not None
    rows = [(r[table.chart.label_column].text, r[table.chart.value_column].value)
            for r in table.rows]
    values = [v for _, v in rows if isinstance(v, (int, float))]
    if not values:
        return ""
    top = max(values) or 1
    bar_h, gap, label_w, width = 14, 3, 110, 420
    height = len(rows) * (bar_h + gap) + gap
    parts = [f'<svg class="chart" role="img" aria-label="{html.escape(table.title)}" '
             f'width="{label_w + width + 70}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        length = (value / top * width) if isinstance(value, (int, float)) else 0
        parts.append(f'<text x="{label_w - 4}" y="{y + bar_h - 3}" text-anchor="end">'
                     f"{html.escape(label)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}"/>')
        shown = table.rows[i][table.chart.value_column].text
        parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + bar_h - 3}">'
                     f"{html.escape(shown)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def to_html(doc: Document, locale: str) -> str:
    """One self-contained printable page: tables and inline-SVG bar charts, every text escaped."""
    e = html.escape
    lang = "zh-CN" if locale == "zh_CN" else "en"
    out = [
        "<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
        f"<title>{e(doc.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>{e(doc.title)}</h1>", f'<p class="sub">{e(doc.subtitle)}</p>',
    ]
    for section in doc.sections:
        out.append(f'<section id="{e(section.key)}"><h2>{e(section.title)}</h2>')
        for table in section.tables:
            out.append(f'<h3>{e(table.title)}</h3>')
            if table.chart is not None:
                out.append(_svg_bars(table))
                if table.chart.replaces_table and table.rows:
                    continue
            if not table.rows:
                out.append(f"<p>{NONE}</p>")
                continue
            out.append(f'<table class="{e(table.key)}"><thead><tr>'
                       + "".join(f"<th>{e(h)}</th>" for h in table.headers)
                       + "</tr></thead><tbody>")
            for row in table.rows:
                out.append("<tr>" + "".join(
                    f'<td class="n">{e(c.text)}</td>' if isinstance(c.value, (int, float))
                    and i else f"<td>{e(c.text)}</td>" for i, c in enumerate(row)) + "</tr>")
            out.append("</tbody></table>")
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def to_xlsx(doc: Document, locale: str) -> bytes:
    """A workbook with one sheet per section; numbers stay numbers (rates as 0.0 %)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    title_font = Font(bold=True, size=12)
    fill = PatternFill("solid", fgColor="DDE3F0")
    for section in doc.sections:
        sheet = book.create_sheet(section.title.translate(_SHEET_FORBIDDEN)[:31] or section.key)
        widths: dict[int, int] = {}
        row_no = 1
        for table in section.tables:
            _put(sheet.cell(row=row_no, column=1), table.title).font = title_font
            row_no += 1
            for col, header in enumerate(table.headers, start=1):
                cell = _put(sheet.cell(row=row_no, column=col), header)
                cell.font, cell.fill = bold, fill
                widths[col] = max(widths.get(col, 0), _width(header))
            row_no += 1
            for row in table.rows:
                for col, c in enumerate(row, start=1):
                    value = c.value if c.value is not None else (c.text or None)
                    _put(sheet.cell(row=row_no, column=col), value, c.number_format)
                    widths[col] = max(widths.get(col, 0), _width(c.text))
                row_no += 1
            row_no += 1
        for col, chars in widths.items():
            sheet.column_dimensions[_column_letter(col)].width = min(60, chars + 2)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _put(cell: Any, value: Any, number_format: str = "General") -> Any:
    """Write a value; text is always stored as text (openpyxl would take "=…" for a formula)
    and loses the control characters an XLSX file cannot hold."""
    if isinstance(value, str):
        cell.value = "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)
        cell.data_type = "s"
    else:
        cell.value = value
        cell.number_format = number_format
    return cell


def _width(value: str) -> int:
    """Columns a text takes in a spreadsheet: CJK characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def write(report: Report, config: Config, locale: str, fmt: str, path: Path) -> Path:
    """Write the report to `path` in `fmt`; the file is complete or not there at all.

    Raises:
        UsageError: the file cannot be written (no such folder, no permission…).
    """
    content = render(report, config, locale, fmt)
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        if tmp.parent.is_dir():
            tmp.unlink(missing_ok=True)
        raise UsageError("report.cannot_write", path=str(path),
                         detail=exc.strerror or str(exc)) from None
    return path


def default_name(month: str, fmt: str) -> str:
    return f"hotline-report-{month}.{fmt}"

