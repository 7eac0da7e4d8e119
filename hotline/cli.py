"""The `hotline` command (DESIGN.md section 8 is its contract: names, options, exit codes, JSON).

Fast start: neither Textual nor sqlite-utils is imported at module level; each command imports
what it needs. Every error reaches the user as one line `hotline: error: …` on stderr with the
exit code of its kind (1 usage/config, 2 input refused, 3 not allowed), never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from hotline.errors import HotlineError, NotAllowed, UsageError

if TYPE_CHECKING:
    from hotline.services.desk import Desk

from hotline.launch import Options, errors_reported, report_error
from hotline.launch import run_app as _run_app

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="hotline: keyboard-first workstation for after-sales hotline desks.",
)
agents_app = typer.Typer(help="Manage agents.", no_args_is_help=True)
calls_app = typer.Typer(help="List and show calls.", no_args_is_help=True)
app.add_typer(agents_app, name="agents")
scripts_app = typer.Typer(help="Script templates (话术).", no_args_is_help=True)
app.add_typer(calls_app, name="calls")
app.add_typer(scripts_app, name="scripts")


def _options(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    assert isinstance(obj, Options)
    return obj


def _emit_json(document: Any) -> None:
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _t(msg_key: str, /, **params: Any) -> str:
    from hotline.i18n import t

    return t(msg_key, **params)


def _read_pin(env: str, prompt_key: str, *, confirm: bool = False) -> str:
    """A PIN from the environment, or typed at a hidden prompt when a person is there."""
    pin = os.environ.get(env)
    if pin is not None:
        return pin
    if not sys.stdin.isatty():
        raise UsageError("cli.pin_needed", env=env)
    return str(typer.prompt(_t(prompt_key), hide_input=True, confirmation_prompt=confirm))


def _sign_in(desk: Desk, code: str | None) -> None:
    """Authenticate `--as CODE` with `HOTLINE_PIN` (or a prompt) for a command that writes."""
    from hotline.services.agents import authenticate

    if not code:
        raise NotAllowed("cli.as_needed")
    authenticate(desk, code, _read_pin("HOTLINE_PIN", "cli.pin_prompt"))


AsOption = Annotated[Optional[str], typer.Option("--as", help="Agent code doing this (PIN from HOTLINE_PIN).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


TRAINING_REFUSED = ("init", "export", "import", "sync")
"""Commands that would make a desk or move ops between stores: drill ops never travel."""


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[Optional[Path], typer.Option("--db", envvar="HOTLINE_DB", help="Store file.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", envvar="HOTLINE_CONFIG", help="hotline.toml to use.")] = None,
    training: Annotated[bool, typer.Option("--training", help="Use the separate training store.")] = False,
) -> None:
    """Open the app on the configured store (sign-in first), or run a command."""
    ctx.obj = Options(db=db, config=config, training=training)
    if training and ctx.invoked_subcommand in TRAINING_REFUSED:
        raise UsageError("training.refused_command", command=ctx.invoked_subcommand)
    if ctx.invoked_subcommand is None:
        desk = ctx.obj.open_desk()
        _run_app(desk, signed_in=False)


@app.command()
def demo(
    ctx: typer.Context,
    fresh: Annotated[bool, typer.Option("--fresh", help="Throw the demo store away and make a new one.")] = False,
) -> None:
    """Open the app on a demo store, signed in as demo agent A01."""
    from hotline.services.demo import open_demo

    desk = open_demo(fresh=fresh, progress=lambda msg: typer.echo(msg, err=True))
    if _options(ctx).training:
        from hotline.services.training import switch_desk

        agent, role = desk.agent, desk.role
        desk = switch_desk(desk, training=True)
        desk.agent, desk.role = agent, role
    _run_app(desk, signed_in=True)


@app.command()
def init(
    ctx: typer.Context,
    desk_code: Annotated[str, typer.Option("--desk", help="Desk code, e.g. D01.")],
    company: Annotated[str, typer.Option("--company", help="Company name read in the greeting.")],
    join: Annotated[Optional[Path], typer.Option("--join", help="Join a site with its key file.")] = None,
    folder: Annotated[Optional[Path], typer.Option("--dir", help="Put config, store and key in this folder.")] = None,
    supervisor: Annotated[Optional[str], typer.Option("--supervisor", help="Code of the first supervisor (default S01; none when joining: the site's agents arrive with its first bundle).")] = None,
    name: Annotated[str, typer.Option("--name", help="Name of the first supervisor.")] = "",
    locale: Annotated[str, typer.Option("--locale", help="zh_CN or en.")] = "zh_CN",
    as_json: JsonOption = False,
) -> None:
    """Write hotline.toml, create the store and the site key, and the first supervisor."""
    from hotline.services.setup import init_desk

    if supervisor is None and join is None:
        supervisor = "S01"
    pin = _read_pin("HOTLINE_PIN", "cli.new_pin_prompt", confirm=True) if supervisor else ""
    result = init_desk(
        desk=desk_code, company=company, folder=folder, join=join, supervisor=supervisor,
        supervisor_name=name, pin=pin, locale=locale, config_option=_options(ctx).config,
        db_option=_options(ctx).db,
    )
    if as_json:
        _emit_json(result)
    else:
        from hotline.i18n import set_locale

        set_locale(locale)  # the new desk's language, not the one of whatever config was near
        typer.echo(_t("cli.init_done" if supervisor else "cli.join_done", **result))


@agents_app.command("add")
def agents_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Agent code, e.g. A07.")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    role: Annotated[str, typer.Option("--role", help="agent, senior or supervisor.")] = "agent",
    as_agent: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add an agent (supervisors only). The new agent's PIN comes from HOTLINE_NEW_PIN or a prompt."""
    from hotline.services.agents import add_agent

    desk = _options(ctx).open_desk()
    _sign_in(desk, as_agent)
    desk.require("supervisor")
    pin = _read_pin("HOTLINE_NEW_PIN", "cli.new_pin_prompt", confirm=True)
    agent = add_agent(desk, code, name=name, role=role, pin=pin)
    if as_json:
        _emit_json(agent)
    else:
        typer.echo(_t("cli.agent_added", **agent))


@agents_app.command("list")
def agents_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the agents of the site."""
    from hotline.services.agents import list_agents

    agents = list_agents(_options(ctx).open_desk())
    if as_json:
        _emit_json(agents)
        return
    _print_table(
        [_t("cli.col_code"), _t("cli.col_name"), _t("cli.col_role"), _t("cli.col_active")],
        [[a["code"], a["name"], _t(f"role.{a['role']}"), "✓" if a["active"] else "-"]
         for a in agents],
    )


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain table whose columns line up with Chinese text (Rich measures cell widths)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    for header in headers:
        table.add_column(header, no_wrap=True)
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row))
    Console(soft_wrap=True, highlight=False).print(table)


CALL_JSON_FIELDS = (
    "number", "status", "agent", "phone", "customer_name", "category", "priority",
    "department", "product_model", "symptom", "started_at", "due_at", "callback_due_at",
    "escalated", "after_hours",
)


def _call_json(row: dict[str, Any], now: str) -> dict[str, Any]:
    doc = {k: row.get(k) for k in CALL_JSON_FIELDS}
    doc["escalated"] = bool(doc["escalated"])
    doc["after_hours"] = bool(doc["after_hours"])
    doc["overdue"] = bool(
        row.get("status") in ("transferred", "awaiting_callback", "reopened")
        and row.get("due_at") and row["due_at"] < now
    )
    return doc


@calls_app.command("list")
def calls_list(
    ctx: typer.Context,
    status: Annotated[Optional[str], typer.Option("--status", help="Only calls in this status.")] = None,
    queue: Annotated[Optional[str], typer.Option("--queue", help="mine, awaiting-department, overdue, callback-due, reopened, escalated, conflicts.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many calls.")] = 50,
    as_agent: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List calls, newest first (a queue lists by deadline)."""
    from hotline.services.calls import list_calls
    from hotline.services.phones import mask

    desk = _options(ctx).open_desk()
    if queue == "mine":
        if not as_agent:
            raise UsageError("cli.mine_needs_as")
        desk.agent = as_agent.upper()
    rows = list_calls(desk, status=status, queue=queue, limit=limit)
    now = desk.now_text()
    if as_json:
        _emit_json([_call_json(r, now) for r in rows])
        return
    _print_table(
        [_t(f"cli.col_{c}") for c in ("number", "status", "phone", "customer", "category",
                                     "symptom", "due")],
        [[r["number"], _t(f"status.{r['status']}"), mask(r["phone"] or ""),
          r["customer_name"] or "", desk.config.label("category", r["category"], desk.config.site.locale)
          if r["category"] else "", (r["symptom"] or "")[:24], _local_time(desk, r["due_at"])]
         for r in rows],
    )


def _local_time(desk: Desk, text: str | None) -> str:
    if not text:
        return ""
    from hotline.services.clock import from_text

    return desk.local(from_text(text)).strftime("%Y-%m-%d %H:%M")


@calls_app.command("import-csv")
def calls_import_csv(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or GB18030) with the header: phone, customer_name, product_model, symptom, description, category, priority, channel, started_at, status, department, reason.")],
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Import the good rows, list the bad ones.")] = False,
    as_agent: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import calls logged on paper or in a spreadsheet during an outage. Every row is checked
    first; one bad row and nothing is imported (exit 2) unless --skip-bad."""
    from hotline.services.csv_import import import_calls, read_file

    text = read_file(file)
    desk = _options(ctx).open_desk()
    _sign_in(desk, as_agent)
    report = import_calls(desk, text, skip_bad=skip_bad)
    if as_json:
        _emit_json(report.as_json())
    else:
        for bad in report.bad:
            typer.echo(bad.describe())
    if report.bad and not skip_bad:
        report_error(_t("csv_import.refused", n=len(report.bad), good=report.good))
        raise typer.Exit(2)
    if not as_json:
        typer.echo(_t("csv_import.done", n=len(report.imported)))
        if report.bad:
            typer.echo(_t("csv_import.skipped", n=len(report.bad)))


@calls_app.command("show")
def calls_show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Call number, e.g. D01-20261126-0001.")],
    as_json: JsonOption = False,
) -> None:
    """Show one call with its timeline."""
    from hotline.services.calls import show_call
    from hotline.services.phones import display

    desk = _options(ctx).open_desk()
    call = show_call(desk, number)
    if as_json:
        doc = _call_json(call, desk.now_text())
        for key in ("id", "customer_id", "channel", "alt_phone", "serial_no", "purchase_date",
                    "description", "callback_due_at", "ended_at", "duration_s", "closed_at",
                    "satisfaction", "confirmations", "extra", "desk", "reopen_count"):
            doc[key] = call.get(key)
        # Who read each key field back to the caller, and when (关键信息复核).
        doc["confirmed"] = {
            name: {"agent": mark.get("by"), "at": mark.get("at")}
            for name, mark in (call.get("confirmations") or {}).items()
        }
        doc["timeline"] = call["timeline"]
        _emit_json(doc)
        return
    loc = desk.config.site.locale
    lines = [
        f"{call['number']}  {_t('status.' + call['status'])}",
        f"{_t('cli.col_phone')}: {display(call['phone'] or '')}  {call['customer_name'] or ''}",
        f"{_t('cli.col_category')}: {desk.config.label('category', call['category'], loc)}  "
        f"{_t('cli.col_priority')}: {desk.config.label('priority', call['priority'], loc)}",
        f"{_t('cli.col_model')}: {call['product_model'] or ''}",
        f"{_t('cli.col_symptom')}: {call['symptom'] or ''}",
    ]
    if call.get("description"):
        lines.append(f"{_t('cli.col_description')}: {call['description']}")
    lines.append(f"{_t('cli.col_timeline')}:")
    from hotline.services.timeline import call_timeline

    for event in call_timeline(desk, call):  # the story in words, as the call screen tells it
        what = event.text + (f": {event.detail}" if event.detail else "")
        when = desk.local(event.at).strftime("%Y-%m-%d %H:%M")
        lines.append(f"  {when}  {event.desk}/{event.agent or '-'}  {what}")
    from rich.console import Console
    from rich.text import Text

    Console(highlight=False).print(Text("\n".join(lines)))


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Phone or its last 4 digits, call number, name, or words.")],
    limit: Annotated[int, typer.Option("--limit", help="At most this many of each group.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Search customers and calls, newest first (JSON: {"customers": [...], "calls": [...]})."""
    from hotline.services.search import search as run_search

    if not text.strip():
        raise UsageError("search.empty")
    desk = _options(ctx).open_desk()
    found = run_search(desk, text, limit=limit)
    now = desk.now_text()
    if as_json:
        _emit_json({
            "customers": [{k: c.get(k) for k in ("id", "name", "phone", "tags", "call_count",
                                                 "last_call_at")} for c in found.customers],
            "calls": [_call_json(c, now) for c in found.calls],
        })
        return
    from hotline.services.phones import mask

    if found.customers:
        typer.echo(_t("search.customers"))
        _print_table(
            [_t(f"search.col_{c}") for c in ("name", "phone", "calls", "last_call")],
            [[c["name"] or "", mask(c["phone"] or ""), c["call_count"],
              _local_time(desk, c["last_call_at"])] for c in found.customers],
        )
    if found.calls:
        typer.echo(_t("search.calls"))
        _print_table(
            [_t(f"cli.col_{c}") for c in ("number", "status", "phone", "customer", "symptom")],
            [[c["number"], _t(f"status.{c['status']}"), mask(c["phone"] or ""),
              c["customer_name"] or "", (c["symptom"] or "")[:24]] for c in found.calls],
        )
    if not found.customers and not found.calls:
        from hotline.store.text import clean

        typer.echo(_t("search.nothing", text=clean(text).strip()))
    if found.window:
        typer.echo(_t("search.recent", window=f"{found.window:,}"), err=True)


@app.command()
def seed(
    ctx: typer.Context,
    calls: Annotated[int, typer.Option("--calls", min=1, help="How many calls to add.")],
    customers: Annotated[Optional[int], typer.Option("--customers", min=1, help="How many customers.")] = None,
    seed_value: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """Append synthetic calls (realistic Chinese data, a year of every kind of call)."""
    from hotline.services.seed import seed_store

    desk = _options(ctx).open_desk()

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            typer.echo(f"\r{done:,}/{total:,}", err=True, nl=False)

    report = seed_store(desk, calls=calls, customers=customers, seed=seed_value,
                        progress=progress)
    if sys.stderr.isatty():
        typer.echo("", err=True)
    doc = {"calls": report.calls, "customers": report.customers, "ops": report.ops,
           "seconds": round(report.seconds, 2)}
    if as_json:
        _emit_json(doc)
    else:
        typer.echo(_t("cli.seeded", **doc))


def _progress_bar(label_key: str) -> Any:
    """A context giving a (done, total) callback that draws a bar on stderr, only when stderr
    is a terminal (pipes and logs get nothing)."""
    from contextlib import contextmanager

    @contextmanager
    def bar() -> Any:
        if not sys.stderr.isatty():
            yield None
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task(_t(label_key), total=None)
            yield lambda done, total: progress.update(task, completed=done, total=total)

    return bar()


def _report_imports(reports: list[Any], as_json: bool) -> bool:
    """Print what each bundle did (refusals on stderr); True when any was refused."""
    done = [r for r in reports if r.error is None]
    if as_json:
        _emit_json([r.as_json() for r in done])
    else:
        for r in done:
            typer.echo(_t("sync.imported", **r.as_json()))
    for r in done:
        for desk_code, ahead_ms in r.clocks_ahead.items():
            typer.echo(_t("sync.clock_ahead", desk=desk_code, minutes=ahead_ms // 60_000), err=True)
    for r in reports:
        if r.error is not None:
            report_error(r.error.message())
    return len(done) != len(reports)


@app.command("export")
def export_(
    ctx: typer.Context,
    out: Annotated[Optional[Path], typer.Option("--out", help="Bundle file to write.")] = None,
    to_dir: Annotated[Optional[Path], typer.Option("--to-dir", help="Folder to write a new bundle into.")] = None,
    full: Annotated[bool, typer.Option("--full", help="Every op, not only what the peers lack.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write a bundle (.hlbundle) of the ops the known peers lack, or with --full all of them.
    The file is sealed with the site key, written to *.tmp, synced, renamed and read back."""
    from hotline.services.sync import export_bundle

    desk = _options(ctx).open_desk()
    with _progress_bar("sync.progress_export") as progress:
        report = export_bundle(desk, out=out, to_dir=to_dir, full=full, progress=progress)
    if as_json:
        _emit_json(report.as_json())
    else:
        typer.echo(_t("sync.exported", path=str(report.path), ops=report.ops,
                      kib=max(1, report.bytes // 1024)))


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Bundle files to apply.", metavar="FILE")],
    as_json: JsonOption = False,
) -> None:
    """Apply bundle files. Each file is verified completely (site, key, checksums, every op)
    before the store is touched, then applied in its own transaction: a refused file is named on
    stderr, changes nothing and makes the exit code 2, and the other files are still applied.
    --json lists the applied files: [{bundle, from_desk, ops, applied, duplicates, conflicts}]."""
    from hotline.services.sync import import_bundles

    desk = _options(ctx).open_desk()
    with _progress_bar("sync.progress_import") as progress:
        reports = import_bundles(desk, files, progress=progress)
    if _report_imports(reports, as_json):
        raise typer.Exit(2)


@app.command("sync")
def sync(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Option("--dir", help="Shared folder of the site's bundles.")],
    as_json: JsonOption = False,
) -> None:
    """Import every new bundle in a shared folder (not ours, not imported before), then export
    what the peers lack into it. Refused files are named on stderr (exit 2); the rest applies."""
    from hotline.services.sync import sync_dir

    desk = _options(ctx).open_desk()
    with _progress_bar("sync.progress_sync") as progress:
        report = sync_dir(desk, folder, progress=progress)
    if as_json:
        _emit_json(report.as_json())
        for r in report.refused:
            report_error(r.error.message() if r.error else "")
    else:
        _report_imports(report.imported, False)
        if report.skipped:
            typer.echo(_t("sync.skipped", n=report.skipped))
        if report.exported:
            typer.echo(_t("sync.exported", path=str(report.exported.path),
                          ops=report.exported.ops, kib=max(1, report.exported.bytes // 1024)))
        else:
            typer.echo(_t("sync.nothing_to_send"))
    if report.refused:
        raise typer.Exit(2)


@app.command()
def report(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="The desk's local month, YYYY-MM.")],
    fmt: Annotated[str, typer.Option("--format", help="md (default, to stdout), csv, html or xlsx.")] = "md",
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file (needed for xlsx).")] = None,
    as_json: JsonOption = False,
) -> None:
    """The monthly customer-feedback report: volume, handling, satisfaction, quality, agents,
    alerts. Counts the calls received in the month (training calls left out)."""
    from hotline.services.report_formats import FORMATS, render, write
    from hotline.services.reports import as_data, monthly_report, parse_month

    parse_month(month)
    if fmt not in FORMATS:
        raise UsageError("report.bad_format", value=fmt, choices=", ".join(FORMATS))
    if fmt == "xlsx" and out is None and not as_json:
        raise UsageError("report.xlsx_needs_out")
    desk = _options(ctx).open_desk()
    result = monthly_report(desk, month.strip())
    if as_json:
        _emit_json(as_data(result))
        return
    locale = desk.config.site.locale
    if out is not None:
        write(result, desk.config, locale, fmt, out)
        typer.echo(_t("report.written", path=str(out)))
        return
    content = render(result, desk.config, locale, fmt)
    assert isinstance(content, str)
    typer.echo(content, nl=False)


@app.command()
def digest(ctx: typer.Context) -> None:
    """Print the hash of the shared state (equal on desks that hold the same ops)."""
    typer.echo(_options(ctx).open_desk().store.digest())


@app.command()
def doctor(
    ctx: typer.Context,
    as_json: JsonOption = False,
) -> None:
    """Check the store: SQLite integrity, op log against state, clock, pending conflicts."""
    from hotline.services.doctor import run_checks

    checks = run_checks(_options(ctx).open_desk())
    if as_json:
        _emit_json({"ok": all(c["ok"] for c in checks), "checks": checks})
    else:
        for check in checks:
            mark = "ok " if check["ok"] else "!! "
            typer.echo(f"{mark}{check['name']}: {check['detail']}")
    if not all(c["ok"] for c in checks):
        raise typer.Exit(2)


@scripts_app.command("check")
def scripts_check(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Report every problem in the script template files (file, line, name); exit 2 if any."""
    from hotline.scripts import check

    problems = check(_options(ctx).load_config().scripts_dir)
    if as_json:
        _emit_json([{"file": str(p.file), "line": p.line, "name": p.name,
                     "message": p.describe()} for p in problems])
    else:
        for problem in problems:
            typer.echo(str(problem))
        if not problems:
            typer.echo(_t("cli.scripts_ok"))
    if problems:
        raise typer.Exit(2)


import hotline.cli_supervision  # noqa: E402,F401 - registers notice, audit, agents unlock


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command and turn every failure into one line and an exit code."""
    from typer.exceptions import TyperException

    command = typer.main.get_command(app)
    with errors_reported():
        try:
            # Outside standalone mode a command's `typer.Exit(n)` comes back as the return value.
            code = command.main(args=argv, prog_name="hotline", standalone_mode=False)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.exit(1)
        except TyperException as exc:  # usage errors: unknown option, missing argument…
            if type(exc).__name__ == "NoArgsIsHelpError":  # `hotline agents` alone: its help
                typer.echo(exc.format_message())
                sys.exit(0)
            report_error(exc.format_message())
            sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


