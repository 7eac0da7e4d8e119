"""The site notice: one banner a supervisor puts on every desk (an outage, a recall, a holiday).

It is shared state like a call: setting and clearing are ops on entity "notice", id "site", so a
desk shows it as soon as it imports the bundle, and the outage script reads it as `{notice}`
(预计恢复时间…). One notice per site, the newest write wins.
"""

from __future__ import annotations

from typing import Any

from hotline.errors import InputRefused
from hotline.services.desk import Desk
from hotline.store.text import clean

NOTICE_ID = "site"
MAX_LENGTH = 200
"""A banner is one or two lines on an 80-column desk; longer belongs in a document."""


def current_notice(desk: Desk) -> dict[str, Any] | None:
    """The notice on show, or None: {"text", "set_by", "set_at"}."""
    row = desk.store.get("notice", NOTICE_ID)
    if row is None or not row["active"] or not (row["text"] or "").strip():
        return None
    return {"text": row["text"], "set_by": row["set_by"], "set_at": row["set_at"]}


def notice_text(desk: Desk) -> str | None:
    """Just the text of the notice on show (what the banner and `{notice}` need)."""
    notice = current_notice(desk)
    return notice["text"] if notice else None


def set_notice(desk: Desk, text: str) -> dict[str, Any]:
    """Put `text` up on every desk of the site (supervisors only).

    Line breaks become spaces: a banner is one line, and a line break would push the screen down.

    Raises:
        NotAllowed: the signed-in agent is not a supervisor.
        InputRefused: the text is empty or longer than `MAX_LENGTH`.
    """
    desk.require("supervisor")
    flat = " ".join(clean(text).split())
    if not flat:
        raise InputRefused("notice.empty")
    if len(flat) > MAX_LENGTH:
        raise InputRefused("notice.too_long", max=MAX_LENGTH, length=len(flat))
    desk.store.write(desk.agent, "notice", NOTICE_ID,
                     {"text": flat, "set_by": desk.agent, "set_at": desk.now_text(), "active": 1})
    return current_notice(desk) or {}


def clear_notice(desk: Desk) -> bool:
    """Take the notice down on every desk (supervisors only); the text stays in the op log.

    Returns:
        Whether a notice was on show (clearing nothing writes nothing).

    Raises:
        NotAllowed: the signed-in agent is not a supervisor.
    """
    desk.require("supervisor")
    if current_notice(desk) is None:
        return False
    desk.store.write(desk.agent, "notice", NOTICE_ID,
                     {"active": 0, "set_by": desk.agent, "set_at": desk.now_text()})
    return True
