"""The supervisors' conflicts queue: side-by-side values, and a choice that is itself an op."""

from __future__ import annotations

import pytest

from hotline.errors import InputRefused, NotAllowed
from hotline.services.conflicts import list_conflicts, resolve_conflict
from hotline.services.desk import Desk
from hotline.store import Store
from hotline.store.oplog import OP_COLUMNS, Op


def _ops(store: Store) -> list[Op]:
    return [Op.from_row(r) for r in store.conn.execute(f"SELECT {', '.join(OP_COLUMNS)} FROM ops")]


def make_conflict(desk: Desk) -> Store:
    """Call D01-…-0001 edited offline on two desks: status transferred→closed here,
    →awaiting_callback on D02. Returns D02's store (it has seen both sides too)."""
    other = Store.open(":memory:", desk="D02")
    desk.store.write("A01", "call", "k1", {"number": "D01-20261125-0001", "status": "transferred",
                                           "symptom": "漏水"})
    other.apply(_ops(desk.store))
    desk.store.write("A01", "call", "k1", {"status": "closed"})
    other.write("B01", "call", "k1", {"status": "awaiting_callback"})
    desk.store.apply(_ops(other))
    other.apply(_ops(desk.store))
    return other


def test_a_conflict_lists_each_value_with_who_wrote_it(desk: Desk) -> None:
    make_conflict(desk)
    [conflict] = list_conflicts(desk)
    assert conflict["record"] == "D01-20261125-0001" and conflict["field"] == "status"
    by_value = {c["value"]: c for c in conflict["choices"]}
    assert set(by_value) == {"closed", "awaiting_callback"}
    assert (by_value["closed"]["desk"], by_value["closed"]["agent"]) == ("D01", "A01")
    assert (by_value["awaiting_callback"]["desk"], by_value["awaiting_callback"]["agent"]) == \
        ("D02", "B01")


def test_a_supervisor_s_choice_is_an_op_over_every_head_and_clears_it_everywhere(
    desk: Desk,
) -> None:
    other = make_conflict(desk)
    heads = set(desk.store.query("SELECT heads FROM conflicts")[0]["heads"][2:-2].split('","'))
    resolve_conflict(desk, "call", "k1", "status", "awaiting_callback")
    assert list_conflicts(desk) == []
    newest = max(_ops(desk.store), key=lambda op: op.hlc)
    assert newest.field == "status" and set(newest.prev) == heads and newest.agent == "S01"
    assert desk.store.get("call", "k1")["status"] == "awaiting_callback"  # type: ignore[index]
    other.apply(_ops(desk.store))
    assert other.scalar("SELECT count(*) FROM conflicts") == 0
    assert other.digest() == desk.store.digest()


def test_only_a_supervisor_may_resolve(desk: Desk) -> None:
    make_conflict(desk)
    desk.agent, desk.role = "A01", "agent"
    with pytest.raises(NotAllowed):
        resolve_conflict(desk, "call", "k1", "status", "closed")
    assert len(list_conflicts(desk)) == 1


def test_a_value_that_was_not_in_conflict_or_a_settled_field_is_refused(desk: Desk) -> None:
    make_conflict(desk)
    with pytest.raises(InputRefused) as bad:
        resolve_conflict(desk, "call", "k1", "status", "reopened")
    assert bad.value.key == "conflict.bad_choice"
    with pytest.raises(InputRefused) as gone:
        resolve_conflict(desk, "call", "k1", "symptom", "漏水")
    assert gone.value.key == "conflict.not_found"


def test_two_supervisors_resolving_differently_make_a_new_visible_conflict(desk: Desk) -> None:
    other = make_conflict(desk)
    other_desk = Desk(store=other, config=desk.config, agent="S02", role="supervisor",
                      clock=desk.clock)
    resolve_conflict(desk, "call", "k1", "status", "closed")
    resolve_conflict(other_desk, "call", "k1", "status", "awaiting_callback")
    desk.store.apply(_ops(other))
    other.apply(_ops(desk.store))
    assert len(list_conflicts(desk)) == 1 and desk.store.digest() == other.digest()
