"""What the script templates need to speak about a call in follow-up (transfer, callback).

The transfer modal serves both a saved call (a dict from `get_call`) and the call still on the
intake form (a `CallIntake`); `CallFacts` is what the two have in common.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hotline.i18n import t
from hotline.scripts import read_aloud
from hotline.services.calls import CallIntake
from hotline.services.desk import Desk


@dataclass(frozen=True)
class CallFacts:
    """The call a follow-up dialog is about."""

    number: str
    customer: str
    phone: str
    category: str
    priority: str
    product_model: str
    symptom: str

    @classmethod
    def of(cls, desk: Desk, call: dict[str, Any] | CallIntake) -> CallFacts:
        if isinstance(call, CallIntake):
            return cls(call.number, call.customer_name.strip(), call.phone.strip(),
                       call.category or desk.config.default_category,
                       call.priority or desk.config.default_priority,
                       call.product_model.strip(), call.symptom.strip())
        return cls(call.get("number") or "", call.get("customer_name") or "",
                   call.get("phone") or "", call.get("category") or "",
                   call.get("priority") or desk.config.default_priority,
                   call.get("product_model") or "", call.get("symptom") or "")


def agent_name(desk: Desk) -> str:
    """The signed-in agent's name as said to a customer (the code when unknown)."""
    if desk.agent is None:
        return ""
    from hotline.services.agents import get_agent

    agent = get_agent(desk, desk.agent)
    return (agent or {}).get("name") or desk.agent


def script_variables(desk: Desk, facts: CallFacts, *, locale: str, **more: str) -> dict[str, str]:
    """The `{variables}` of a template about this call; `more` adds department, eta, result…"""
    from hotline.services.phones import display

    phone = facts.phone
    if phone.startswith("+"):
        phone = display(phone)
    values = {
        "company": desk.config.site.company,
        "agent": agent_name(desk),
        "customer": facts.customer,
        "call_number": facts.number,
        "phone": read_aloud("phone", phone, locale) if phone else "",
        "product_model": read_aloud("product_model", facts.product_model, locale)
        if facts.product_model else "",
        "symptom": facts.symptom,
    }
    values.update({k: v for k, v in more.items() if v})
    return values


def eta_words(desk: Desk, moment: datetime, locale: str) -> str:
    """A deadline as said to a customer, in the desk's time zone."""
    local = desk.local(moment)
    return t(
        "sla.deadline", locale, month=t(f"sla.month_{local.month}", locale),
        day=local.day, weekday=t(f"sla.weekday_{local.weekday()}", locale),
        time=local.strftime("%H:%M"),
    )
