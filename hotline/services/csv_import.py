"""Calls written down during an outage (on paper, then in a spreadsheet) brought into the store.

The file is a CSV with a header row naming these columns (any order; unknown columns refused):

    phone, customer_name, product_model, symptom, description, category, priority, channel,
    started_at, status, department, reason

UTF-8 (with or without the BOM Excel adds) or GB18030/GBK (what Chinese Excel writes).
`started_at` is the desk's local time `YYYY-MM-DD HH:MM`; `status` is `resolved` or
`transferred` (then `department` and `reason` are needed); category, priority, channel and
department take ids or their zh_CN/en labels. Every row is checked before anything is written:
one bad row and nothing of the file goes in, unless the caller asks to skip bad rows. The calls
go through the same use cases as the form (`take_call`, `take_transferred_call`), all in one
transaction; the importing agent is recorded as having confirmed the key fields, with
`"via": "csv"` on each mark so the timeline tells a read-back from a paper log.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from hotline.errors import HotlineError, InputRefused
from hotline.i18n import t
from hotline.services import callstate
from hotline.services.calls import CallIntake, take_call
from hotline.services.desk import Desk
from hotline.services.followup import TransferChoice, take_transferred_call
from hotline.services.intake import MAX_LENGTHS
from hotline.services.phones import normalize_phone
from hotline.store.text import clean

COLUMNS = ("phone", "customer_name", "product_model", "symptom", "description", "category",
           "priority", "channel", "started_at", "status", "department", "reason")
"""The documented header, in the order `hotline calls import-csv` writes it in its help."""
REQUIRED = ("phone", "symptom", "started_at", "status")
STATUSES = (callstate.RESOLVED, callstate.TRANSFERRED)
MAX_BYTES = 20 * 1024 * 1024
"""A month of outage logs is far below this; anything bigger is not a call log."""
REASON_MAX = 500


@dataclass
class BadRow:
    line: int
    """Line number in the file (the header is line 1)."""
    problem: str

    def describe(self) -> str:
        return t("csv_import.bad_row", line=self.line, problem=self.problem)


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    """Numbers of the calls written, in file order."""
    bad: list[BadRow] = field(default_factory=list)
    good: int = 0
    """Rows that passed every check (imported unless bad rows stopped the file)."""

    def as_json(self) -> dict[str, Any]:
        return {"imported": self.imported,
                "bad": [{"line": b.line, "problem": b.problem} for b in self.bad]}


@dataclass
class _Row:
    line: int
    intake: CallIntake
    status: str
    started: datetime
    choice: TransferChoice | None


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (BOM or not), else GB18030 (a superset of GBK).

    Raises:
        InputRefused: neither, or text with NUL/control bytes (not a spreadsheet export).
    """
    if len(data) > MAX_BYTES:
        raise InputRefused("csv_import.too_big", mib=MAX_BYTES // (1024 * 1024))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ch in text for ch in "\x00\x1b") or clean(text) != text.replace("\r", ""):
            break  # binary or terminal escapes: decoding "worked" but it is not a CSV log
        return text
    raise InputRefused("csv_import.not_text")


def read_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputRefused("csv_import.unreadable", path=str(path),
                           detail=exc.strerror or type(exc).__name__) from exc
    return decode(data)


def _choice_id(desk: Desk, kind: str, value: str) -> str:
    items = {"category": desk.config.categories, "priority": desk.config.priorities,
             "channel": desk.config.channels, "department": desk.config.departments}[kind]
    wanted = value.strip().casefold()
    for item in items:
        if wanted in (item.id.casefold(), item.label.text("zh_CN").casefold(),
                      item.label.text("en").casefold()):
            return item.id
    raise InputRefused("csv_import.unknown_choice", column=kind, value=value.strip(),
                       choices=", ".join(i.id for i in items))


def _started(desk: Desk, value: str) -> datetime:
    try:
        local = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise InputRefused("csv_import.bad_time", value=value.strip()) from exc
    moment = local.replace(tzinfo=desk.tz)
    if moment > desk.now():
        raise InputRefused("csv_import.future_time", value=value.strip())
    return moment


def _check_row(desk: Desk, line: int, raw: dict[str, str]) -> _Row:
    values = {k: clean(raw.get(k) or "").strip() for k in COLUMNS}
    for name in REQUIRED:
        if not values[name]:
            raise InputRefused("csv_import.missing", column=name)
    for name, most in MAX_LENGTHS.items():
        if name in values and len(values[name]) > most:
            raise InputRefused("csv_import.too_long", column=name, most=most)
    normalize_phone(values["phone"])
    status = values["status"].casefold()
    if status not in STATUSES:
        raise InputRefused("csv_import.bad_status", value=values["status"],
                           choices=", ".join(STATUSES))
    category = _choice_id(desk, "category", values["category"]) if values["category"] else ""
    priority = _choice_id(desk, "priority", values["priority"]) if values["priority"] else ""
    channel = _choice_id(desk, "channel", values["channel"]) if values["channel"] else "phone"
    started = _started(desk, values["started_at"])
    choice = None
    if status == callstate.TRANSFERRED:
        for name in ("department", "reason"):
            if not values[name]:
                raise InputRefused("csv_import.missing", column=name)
        if len(values["reason"]) > REASON_MAX:
            raise InputRefused("csv_import.too_long", column="reason", most=REASON_MAX)
        choice = TransferChoice(_choice_id(desk, "department", values["department"]),
                                values["reason"])
    intake = CallIntake(
        phone=values["phone"], customer_name=values["customer_name"],
        product_model=values["product_model"], symptom=values["symptom"],
        description=values["description"], category=category, priority=priority,
        channel=channel,
    )
    return _Row(line, intake, status, started, choice)


def check_rows(desk: Desk, text: str) -> tuple[list[_Row], list[BadRow]]:
    """Every row validated, nothing written: the good rows and the bad ones with their line.

    Raises:
        InputRefused: no header, or a header that is not the documented one.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [clean(h or "").strip().casefold() for h in (reader.fieldnames or [])]
    if not header:
        raise InputRefused("csv_import.no_header", columns=", ".join(COLUMNS))
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        raise InputRefused("csv_import.bad_header", unknown=", ".join(unknown) or "-",
                           missing=", ".join(missing) or "-", columns=", ".join(COLUMNS))
    reader.fieldnames = header
    good: list[_Row] = []
    bad: list[BadRow] = []
    try:
        for raw in reader:
            line = reader.line_num
            if None in raw:
                bad.append(BadRow(line, t("csv_import.extra_cells")))
                continue
            if not any((v or "").strip() for v in raw.values()):
                continue  # an empty line in the spreadsheet
            try:
                good.append(_check_row(desk, line, raw))
            except HotlineError as exc:
                bad.append(BadRow(line, exc.message()))
    except csv.Error as exc:
        bad.append(BadRow(reader.line_num, str(exc)))
    return good, bad


def import_calls(desk: Desk, text: str, *, skip_bad: bool = False) -> ImportReport:
    """Write the calls of a checked CSV text, all in one transaction.

    Returns:
        The numbers written and the bad rows. With bad rows and not `skip_bad`, nothing is
        written (the report lists them; the CLI exits 2).
    """
    good, bad = check_rows(desk, text)
    report = ImportReport(bad=bad, good=len(good))
    if bad and not skip_bad:
        return report
    confirmed_at = desk.now_text()
    with desk.store.transaction():
        for row in good:
            at_call = replace(desk, clock=lambda started=row.started: started)
            row.intake.confirmed = {
                name: {"value": row.intake.value(name), "by": desk.agent or "",
                       "at": confirmed_at, "via": "csv"}
                for name in desk.config.key_fields
            }
            try:
                if row.choice is None:
                    call = take_call(at_call, row.intake, status=callstate.RESOLVED)
                else:
                    call = take_transferred_call(at_call, row.intake, row.choice)
            except InputRefused as exc:  # refused by the use case itself: say which line
                raise InputRefused("csv_import.bad_row", line=row.line,
                                   problem=exc.message()) from exc
            report.imported.append(call["number"])
    return report
