"""The supervisor's commands: `hotline notice set|clear|show`, `hotline audit`,
`hotline agents unlock` (DESIGN.md section 8).

Registered on the `hotline` typer app by `hotline.cli` (imported at its end). Like every
command, nothing heavy is imported before the command runs. Role checks happen in the
services; the CLI only signs in with `--as` (PIN from HOTLINE_PIN or a prompt).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from hotline.cli import (
    AsOption,
    JsonOption,
    _emit_json,
    _local_time,
    _options,
    _print_table,
    _sign_in,
    _t,
    agents_app,
    app,
)

notice_app = typer.Typer(help="The site notice shown on every desk.", no_args_is_help=True)
app.add_typer(notice_app, name="notice")


@notice_app.command("set")
def notice_set(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The notice, e.g. an outage and when it ends.")],
    as_agent: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put up the site notice (supervisors only); every desk shows it after its next sync."""
    from hotline.services.notices import set_notice

    desk = _options(ctx).open_desk()
    _sign_in(desk, as_agent)
    notice = set_notice(desk, text)
    if as_json:
        _emit_json(notice)
    else:
        typer.echo(_t("notice.cli_set", agent=desk.agent, text=notice["text"]))


@notice_app.command("clear")
def notice_clear(
    ctx: typer.Context,
    as_agent: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take the site notice down (supervisors only); clearing is synced like setting."""
    from hotline.services.notices import clear_notice

    desk = _options(ctx).open_desk()
    _sign_in(desk, as_agent)
    cleared = clear_notice(desk)
    if as_json:
        _emit_json({"cleared": cleared})
    else:
        typer.echo(_t("notice.cleared" if cleared else "notice.none"))


@notice_app.command("show")
def notice_show(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Print the notice on show (nothing to print: exit 0 with a line saying so)."""
    from hotline.services.notices import current_notice

    desk = _options(ctx).open_desk()
    notice = current_notice(desk)
    if as_json:
        _emit_json(notice)
    elif notice is None:
        typer.echo(_t("notice.nothing"))
    else:
        typer.echo(_t("notice.cli_show", agent=notice["set_by"] or "-",
                      time=_local_time(desk, notice["set_at"]), text=notice["text"]))


AGENT_HELP = "Only this agent's changes."
ENTITY_HELP = "Only this kind of record: call, customer, transfer, followup, note, agent, notice."
SINCE_HELP = "Only from this local date on (YYYY-MM-DD)."


@app.command("audit")
def audit(
    ctx: typer.Context,
    agent: Annotated[Optional[str], typer.Option("--agent", help=AGENT_HELP)] = None,
    entity: Annotated[Optional[str], typer.Option("--entity", help=ENTITY_HELP)] = None,
    since: Annotated[Optional[str], typer.Option("--since", help=SINCE_HELP)] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many entries.")] = 100,
    as_agent: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who did what and when, newest first, from the op log (supervisors; an agent may list
    their own with --agent THEMSELVES)."""
    from hotline.services.audit import audit_log

    desk = _options(ctx).open_desk()
    _sign_in(desk, as_agent)
    entries = audit_log(desk, agent=agent, entity=entity, since=since, limit=limit)
    if as_json:
        _emit_json([e.as_json() for e in entries])
        return
    _print_table(
        [_t(f"audit.col_{c}") for c in ("time", "desk", "agent", "subject", "what")],
        [[desk.local(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.desk, e.agent or "-", e.subject,
          e.text] for e in entries],
    )


@agents_app.command("unlock")
def agents_unlock(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The locked agent code.")],
    as_agent: AsOption = None,
) -> None:
    """Lift a sign-in lockout on this desk before it runs out (supervisors only)."""
    from hotline.services.agents import unlock_agent

    desk = _options(ctx).open_desk()
    _sign_in(desk, as_agent)
    done = unlock_agent(desk, code)
    typer.echo(_t("audit.cli_unlocked" if done else "audit.cli_not_locked", code=code.upper()))
