"""`hotline seed`: realistic, deterministic, idempotent synthetic calls, one create op a record."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from ulid import ULID

from hotline.config import default_config_text, parse_config
from hotline.services import callstate
from hotline.services.calendar import is_working_time
from hotline.services.clock import from_text, to_text
from hotline.services.desk import Desk
from hotline.services.seed import seed_store
from hotline.store import Store
from hotline.store.hlc import wall_ms
from hotline.store.ids import customer_id
from hotline.store.oplog import CREATE, Op

END = datetime(2026, 3, 11, 7, 30, tzinfo=UTC)
"""Wednesday 11 March 2026, 15:30 in Shanghai: a working afternoon."""


def make_desk() -> Desk:
    config = parse_config(default_config_text(company="测试电器", desk="D01"))
    store = Store.open(":memory:", desk="D01", create=True)
    return Desk(store, config, clock=lambda: END)


def seeded(calls: int, **kw: object) -> Desk:
    desk = make_desk()
    seed_store(desk, calls=calls, desks=("D01", "D02"), **kw)  # type: ignore[arg-type]
    return desk


@pytest.fixture(scope="module")
def big() -> Desk:
    """2,000 calls over a year on two desks, shared by the read-only checks."""
    return seeded(2000)


def all_ops(store: Store) -> list[Op]:
    cols = "op_id, hlc, desk, seq, agent, entity, entity_id, field, value, prev"
    return [Op.from_row(r) for r in store.conn.execute(f"SELECT {cols} FROM ops ORDER BY op_id")]


def test_same_seed_gives_the_same_ops_and_state() -> None:
    one, two = seeded(100, seed=7), seeded(100, seed=7)
    assert one.store.digest() == two.store.digest()
    assert all_ops(one.store) == all_ops(two.store)
    assert seeded(20, seed=8).store.digest() != seeded(20, seed=7).store.digest()


def test_seeding_twice_changes_nothing() -> None:
    desk = seeded(150)
    before = desk.store.digest()
    ops = desk.store.scalar("SELECT count(*) FROM ops")
    report = seed_store(desk, calls=150, desks=("D01", "D02"))
    assert (report.calls, report.customers, report.ops) == (0, 0, 0)
    assert desk.store.digest() == before
    assert desk.store.scalar("SELECT count(*) FROM ops") == ops
    assert desk.store.scalar("SELECT count(*) FROM calls") == 150


def test_a_child_process_makes_the_same_calls(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A big seed into a fresh file is made by a forked child while the parent writes: the
    same ops and state as made in one process, batch after batch."""
    from hotline.services import seed

    monkeypatch.setattr(seed, "BATCH_CALLS", 40)
    monkeypatch.setattr(seed, "PARALLEL_CALLS", 50)
    config = make_desk().config
    store = Store.open(tmp_path / "seed.db", desk="D01", create=True)
    desk = Desk(store, config, clock=lambda: END)
    made = []
    original = seed._Child
    monkeypatch.setattr(seed, "_Child", lambda b: made.append(1) or original(b))
    seen: list[int] = []
    report = seed_store(desk, calls=210, seed=9, desks=("D01", "D02"),
                        progress=lambda done, total: seen.append(done))
    assert made and seen == [40, 80, 120, 160, 200, 210]
    alone = seeded(210, seed=9)
    assert report.ops == alone.store.scalar("SELECT count(*) FROM ops")
    assert desk.store.digest() == alone.store.digest()
    assert all_ops(desk.store) == all_ops(alone.store)


def test_state_equals_rebuild_from_the_op_log() -> None:
    desk = seeded(100)
    digest = desk.store.digest()
    desk.store.rebuild()
    assert desk.store.digest() == digest


def test_report_counts_what_was_written() -> None:
    desk = make_desk()
    seen: list[tuple[int, int]] = []
    report = seed_store(desk, calls=120, customers=50, seed=3,
                        progress=lambda done, total: seen.append((done, total)))
    store = desk.store
    assert report.calls == store.scalar("SELECT count(*) FROM calls") == 120
    assert report.customers == store.scalar("SELECT count(*) FROM customers") == 50
    assert report.ops == store.scalar("SELECT count(*) FROM ops")
    assert seen[-1] == (120, 120)
    assert store.scalar("SELECT count(DISTINCT desk) FROM calls") == 1


def test_every_status_flag_and_queue_has_data(big: Desk) -> None:
    store = big.store
    statuses = {r["status"] for r in store.query("SELECT DISTINCT status FROM calls")}
    assert statuses == set(callstate.STATUSES) - {callstate.NEW}
    now = to_text(END)
    open_in = "status IN ('transferred', 'awaiting_callback', 'reopened')"
    assert store.scalar(f"SELECT count(*) FROM calls WHERE {open_in} AND due_at < ?", (now,))
    assert store.scalar("SELECT count(*) FROM calls WHERE escalated = 1 AND status != 'closed'")
    assert store.scalar("SELECT count(*) FROM calls WHERE status = 'awaiting_callback'"
                        " AND callback_due_at <= ?", (now,))
    assert store.scalar("SELECT count(*) FROM calls WHERE training != 0") == 0
    counts = store.query(
        "SELECT count(*) n, sum(after_hours) ah, sum(escalated) esc, "
        "sum(status IN ('resolved', 'closed') AND department IS NULL) spot FROM calls")[0]
    assert 0.05 < counts["ah"] / counts["n"] < 0.2
    assert 0.005 < counts["esc"] / counts["n"] < 0.05
    assert 0.4 < counts["spot"] / counts["n"] < 0.7
    # Agents per desk, repeat callers, transfers with results, callbacks with satisfaction.
    agents = store.query("SELECT desk, count(DISTINCT agent) n FROM calls GROUP BY desk")
    assert {r["desk"]: r["n"] for r in agents} == {"D01": 3, "D02": 2}
    assert store.scalar("SELECT count(*) FROM (SELECT customer_id FROM calls GROUP BY customer_id"
                        " HAVING count(*) > 2)") > 50
    assert store.scalar("SELECT count(*) FROM transfers WHERE result IS NOT NULL") > 300
    scores = Counter(r["satisfaction"] for r in store.query(
        "SELECT satisfaction FROM followups WHERE reached = 1"))
    assert set(scores) == {1, 2, 3, 4, 5}
    assert scores[4] + scores[5] > 0.7 * sum(scores.values())
    assert store.scalar("SELECT count(*) FROM calls WHERE status = 'closed'"
                        " AND closed_at IS NULL") == 0
    assert store.scalar("SELECT count(*) FROM calls WHERE status = 'awaiting_callback'"
                        " AND callback_due_at IS NULL") == 0
    assert store.scalar("SELECT count(*) FROM calls WHERE status = 'transferred'"
                        " AND department IS NULL") == 0
    assert store.scalar("SELECT count(*) FROM calls WHERE reopen_count > 0") > 10
    assert store.scalar("SELECT count(*) FROM notes") > 0
    assert store.scalar("SELECT count(DISTINCT symptom) FROM calls") >= 60


def test_today_has_open_calls(big: Desk) -> None:
    d0, d1 = big.today_bounds()
    assert big.store.scalar(
        "SELECT count(*) FROM calls WHERE started_at >= ? AND started_at < ? AND status IN"
        " ('transferred', 'awaiting_callback', 'reopened')", (d0, d1))
    assert big.store.scalar("SELECT max(started_at) FROM calls") <= to_text(END)
    assert big.store.scalar("SELECT min(started_at) FROM calls") >= "2025-03-11"


def test_nothing_happens_after_the_end() -> None:
    """Callers who call again and again near the end (a short period, few callers) still call
    before it, and nothing of their calls' lives comes later."""
    desk = make_desk()
    seed_store(desk, calls=400, customers=8, days=2, seed=4)
    assert desk.store.scalar("SELECT max(started_at) FROM calls") <= to_text(END)
    newest = desk.store.scalar("SELECT max(hlc) FROM ops")
    assert wall_ms(newest) <= END.timestamp() * 1000


def test_call_numbers_are_unique_per_desk_and_local_day(big: Desk) -> None:
    rows = big.store.query("SELECT number, desk, started_at FROM calls ORDER BY number")
    numbers = [r["number"] for r in rows]
    assert len(set(numbers)) == len(numbers)
    by_day: dict[str, list[int]] = {}
    for r in rows:
        m = re.fullmatch(r"(D0[12])-(\d{8})-(\d{4})", r["number"])
        assert m, r["number"]
        assert m[1] == r["desk"]
        assert m[2] == big.local(from_text(r["started_at"])).strftime("%Y%m%d")
        by_day.setdefault(m[1] + m[2], []).append(int(m[3]))
    # Numbered from 1 without gaps in a fresh store, in order of the calls' start, though
    # made in two lanes (each numbered together with the other by the writer).
    assert all(sorted(ns) == list(range(1, len(ns) + 1)) for ns in by_day.values())
    for desk in ("D01", "D02"):
        starts = [r["started_at"] for r in rows if r["desk"] == desk]  # ordered by number
        assert starts == sorted(starts)


def test_numbers_continue_after_those_already_used() -> None:
    desk = make_desk()
    day = desk.local().strftime("%Y%m%d")
    desk.store.write("A01", "call", "01KAAAAAAAAAAAAAAAAAAAAAAA",
                     {"number": f"D01-{day}-0007", "desk": "D01", "started_at": to_text(END)})
    seed_store(desk, calls=60, days=2)
    today = sorted(r["number"] for r in desk.store.query(
        "SELECT number FROM calls WHERE number LIKE ?", (f"D01-{day}-%",)))
    assert today[0] == f"D01-{day}-0007" and today[1] == f"D01-{day}-0008"
    assert len(set(today)) == len(today)


def test_phones_are_valid_e164_and_customers_keyed_by_them(big: Desk) -> None:
    rows = big.store.query("SELECT id, phone, name FROM customers ORDER BY id LIMIT 400")
    landlines = 0
    for r in rows:
        parsed = phonenumbers.parse(r["phone"])
        assert phonenumbers.is_valid_number(parsed), r["phone"]
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == r["phone"]
        assert r["id"] == customer_id(r["phone"])
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", r["name"]), r["name"]
        landlines += phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.FIXED_LINE
    assert 0.07 < landlines / len(rows) < 0.25
    orphan = big.store.scalar("SELECT count(*) FROM calls WHERE customer_id NOT IN"
                              " (SELECT id FROM customers)")
    assert orphan == 0


def service_fields() -> set[tuple[str, str]]:
    """(entity, field) of everything the services write over the lives of two calls: taken and
    rated at once; sent to a department, answered, not reached, not satisfied (reopened), sent
    again, escalated, resolved, rated, noted and closed by a supervisor."""
    from datetime import timedelta

    from hotline.services.calls import CallIntake, take_call
    from hotline.services.followup import (
        TransferChoice,
        add_note,
        call_back,
        close_by_supervisor,
        escalate,
        record_result,
        resolve,
        take_transferred_call,
        transfer_call,
    )

    now = [END - timedelta(days=5)]
    desk = make_desk()
    desk.clock = lambda: now[0]
    desk.agent, desk.role = "S01", "supervisor"

    def later(hours: float) -> None:
        now[0] += timedelta(hours=hours)

    def intake() -> CallIntake:
        call = CallIntake(phone="13812345678", symptom="空调不制冷", product_model="KFR-35GW/N1",
                          category="repair", started_at=to_text(now[0] - timedelta(minutes=5)))
        call.confirmed = {n: {"value": call.value(n), "by": "S01", "at": to_text(now[0])}
                          for n in desk.config.key_fields}
        return call

    spot = take_call(desk, intake())
    call_back(desk, spot["number"], reached=True, satisfaction=5, result_told="已解答")
    later(1)
    sent = take_transferred_call(desk, intake(), TransferChoice("tech_support", "需要上门"))
    number = sent["number"]
    later(3)
    record_result(desk, number, "已上门维修", reported_by="王工")
    call_back(desk, number, reached=False)
    later(1)
    call_back(desk, number, reached=True, satisfaction=2, comment="还是不制冷")
    transfer_call(desk, number, "quality", "再次检修")
    escalate(desk, number, "重大投诉")
    later(2)
    record_result(desk, number, "已更换主板", reported_by="孙经理")
    call_back(desk, number, reached=True, satisfaction=1)
    resolve(desk, number, "已协调补偿")
    add_note(desk, number, "客户要求晚上联系")
    close_by_supervisor(desk, number, "已按政策处理")
    ops = all_ops(desk.store)
    fields = {(op.entity, name) for op in ops for name in op.fields()}
    assert {e for e, _ in fields} == {"customer", "call", "transfer", "followup", "note"}
    return fields


def test_every_seeded_field_is_one_the_services_write(big: Desk) -> None:
    real = service_fields()
    seeded = {(op.entity, name) for op in all_ops(big.store) for name in op.fields()}
    assert seeded <= real, sorted(seeded - real)
    # And every field those lives touch has seeded data.
    assert real == seeded, sorted(real - seeded)


def test_each_record_is_one_create_op(big: Desk) -> None:
    store = big.store
    calls = store.scalar("SELECT count(*) FROM calls")
    ops = store.scalar("SELECT count(*) FROM ops")
    assert 2.0 < ops / calls < 3.5
    assert store.scalar("SELECT count(*) FROM ops WHERE field != '*' AND entity != 'call'") == 0
    for table in ("customers", "transfers", "followups", "notes", "calls"):
        assert store.scalar(f"SELECT count(*) FROM {table}") == store.scalar(
            f"SELECT count(*) FROM ops WHERE field = '*' AND entity_id IN (SELECT id FROM {table})")


def test_records_are_made_with_sorted_keys() -> None:
    """Only speed depends on it (`dumps` sorts anyway): sorting sorted keys is quick."""
    from hotline.services import seed

    desk = make_desk()
    made: list[tuple[Any, ...]] = []
    original = seed._Seeder._stage
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(seed._Seeder, "_stage", lambda self, groups, *a: made.extend(
            spec for g in groups for spec in g.specs) or original(self, groups, *a))
        seed_store(desk, calls=300, seed=2)

    def is_sorted(value: object) -> bool:
        return not isinstance(value, dict) or (
            list(value) == sorted(value) and all(map(is_sorted, value.values())))

    # (op id, hlc, agent, entity, entity id, field, value, prev)
    creates = [spec for spec in made if spec[5] == CREATE]
    assert {spec[3] for spec in creates} == {"customer", "call", "transfer", "followup", "note"}
    assert all(is_sorted(spec[6]) for spec in creates)


def test_a_few_confirmed_key_fields_are_corrected_later(big: Desk) -> None:
    """The report's record accuracy needs calls whose confirmed key field was edited."""
    store = big.store
    edits = all_ops(store)
    creates = {op.entity_id: op for op in edits if op.field == CREATE}
    edits = [op for op in edits if op.field != CREATE]
    calls = store.scalar("SELECT count(*) FROM calls")
    assert 0.015 < len(edits) / calls < 0.05
    assert len({op.entity_id for op in edits}) == len(edits)
    for op in edits:
        assert op.entity == "call" and op.field in big.config.key_fields
        created = creates[op.entity_id]
        assert op.prev == (created.op_id,) and op.hlc > created.hlc
        confirmed = created.value["confirmations"][op.field]["value"]
        assert op.value != confirmed and op.value != created.value[op.field]
        assert store.get("call", op.entity_id)[op.field] == op.value  # type: ignore[index]


def test_seeded_values_pass_the_services_checks(big: Desk) -> None:
    """What the seed wrote is what the services would accept: the intake (re-taken on another
    desk), each transfer's department, priority and deadline, callbacks, notes."""
    from hotline.services import followup
    from hotline.services.calls import CallIntake, take_call

    store = big.store
    other = make_desk()
    other.agent, other.role = "A01", "agent"
    rows = store.query("SELECT * FROM calls ORDER BY id LIMIT 150")
    for row in rows:
        marks = json.loads(row["confirmations"])
        intake = CallIntake(
            phone=marks["phone"]["value"], symptom=row["symptom"],
            product_model=marks["product_model"]["value"], customer_name=row["customer_name"],
            alt_phone=row["alt_phone"], channel=row["channel"], serial_no=row["serial_no"],
            purchase_date=row["purchase_date"], description=row["description"],
            category=row["category"], priority=row["priority"], confirmed=marks,
            started_at=row["started_at"])
        again = take_call(other, intake, status=row["status"] if row["status"] in (
            callstate.RESOLVED, callstate.TRANSFERRED) else callstate.RESOLVED)
        assert again["phone"] == row["phone"] and again["alt_phone"] == row["alt_phone"]
        assert again["after_hours"] == row["after_hours"]
        assert row["status"] in callstate.STATUSES
    for t in store.query("SELECT * FROM transfers"):
        due = followup.transfer_deadline(big, t["department"], priority=t["priority"],
                                         start=from_text(t["sent_at"]))
        assert to_text(due.at) == t["due_at"]
        assert 0 < len(t["reason"]) <= followup.REASON_MAX
        if t["result"] is not None:
            assert len(t["result"]) <= followup.TEXT_MAX
            assert 0 < len(t["result_by"]) <= followup.NAME_MAX
            assert t["result_at"] > t["sent_at"]
    for f in store.query("SELECT * FROM followups"):
        assert f["kind"] == "callback" and f["attempt"] >= 1
        assert (f["satisfaction"] is not None) == bool(f["reached"])
        assert f["satisfaction"] is None or 1 <= f["satisfaction"] <= 5
    for n in store.query("SELECT kind, text FROM notes"):
        assert n["kind"] in followup.NOTE_KINDS and 0 < len(n["text"]) <= followup.TEXT_MAX


def test_a_seeded_call_tells_its_story(big: Desk) -> None:
    """The timeline of a seeded call: taken, its transfers, callbacks and notes."""
    from hotline.services.timeline import call_timeline

    row = big.store.query(
        "SELECT c.* FROM calls c WHERE c.status = 'closed' AND c.reopen_count > 0 AND"
        " (SELECT count(*) FROM transfers t WHERE t.call_id = c.id) >= 2 ORDER BY c.id LIMIT 1")[0]
    events = call_timeline(big, row, locale="en")
    kinds = [e.kind for e in events]
    assert kinds[0] == "taken"
    assert kinds.count("transferred") >= 2 and "callback" in kinds
    # Each department's answer is told, after its transfer, in the order things happened.
    assert kinds.count("result") >= 2
    assert kinds.index("transferred") < kinds.index("result")
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert kinds.count("confirmed") == len(big.config.key_fields)


def test_op_ids_clocks_and_sequences(big: Desk) -> None:
    store = big.store
    ops = all_ops(store)[::7]
    for op in ops:
        assert ULID.from_str(op.op_id).milliseconds == wall_ms(op.hlc)
        assert str(ULID.from_str(op.op_id)) == op.op_id
        for p in op.prev:
            before = store.query("SELECT entity_id, hlc FROM ops WHERE op_id = ?", (p,))[0]
            assert before["entity_id"] == op.entity_id and before["hlc"] < op.hlc
    assert store.scalar("SELECT count(*) - count(DISTINCT op_id) FROM ops") == 0
    for r in store.query("SELECT count(*) n, min(seq) lo, max(seq) hi FROM ops GROUP BY desk"):
        assert (r["lo"], r["hi"]) == (1, r["n"])
    # A desk's ops are numbered call after call in order of their start, across both lanes.
    for desk in ("D01", "D02"):
        starts = [json.loads(v)["started_at"] for (v,) in store.conn.execute(
            "SELECT value FROM ops WHERE desk = ? AND entity = 'call' AND field = '*' "
            "ORDER BY seq", (desk,))]
        assert starts == sorted(starts)
    assert int(store.meta("hlc") or 0) == store.scalar("SELECT max(hlc) FROM ops")


def test_calls_as_take_call_saves_them(big: Desk) -> None:
    rows = big.store.query("SELECT * FROM calls ORDER BY id LIMIT 300")
    for v in rows:
        assert v["training"] == 0 and v["extra"] == "{}" and 60 <= v["duration_s"] <= 900
        assert set(json.loads(v["confirmations"])) == set(big.config.key_fields)
        started = from_text(v["started_at"])
        assert (from_text(v["ended_at"]) - started).total_seconds() == v["duration_s"]
        assert bool(v["after_hours"]) != is_working_time(big.config.calendar, started, big.tz)


def test_a_customer_already_in_the_store_is_reused() -> None:
    desk = make_desk()
    seed_store(desk, calls=50, customers=20, seed=5, desks=("D01",))
    first = {r["id"]: r["name"] for r in desk.store.query("SELECT id, name FROM customers")}
    # Another run with other calls but the same callers (same seed: same phones).
    report = seed_store(desk, calls=80, customers=20, seed=5, desks=("D01",))
    assert report.customers == 0 and report.calls == 80
    assert desk.store.scalar("SELECT count(*) FROM customers") == 20
    creates = desk.store.scalar("SELECT count(*) FROM ops WHERE entity = 'customer'")
    assert creates == 20
    names = desk.store.query("SELECT customer_id, customer_name FROM calls")
    assert all(first[r["customer_id"]] == r["customer_name"] for r in names)


def test_descriptions_read_as_chinese(big: Desk) -> None:
    rows = big.store.query("SELECT id, symptom, description, product_model, confirmations"
                           " FROM calls LIMIT 200")
    corrected = {r["entity_id"] for r in big.store.query(
        "SELECT entity_id FROM ops WHERE entity = 'call' AND field != '*'")}
    for r in rows:
        assert r["symptom"] in r["description"]
        assert re.search(r"[\u4e00-\u9fff]{4}", r["description"])
        marks = json.loads(r["confirmations"])
        assert marks["product_model"]["value"] == r["product_model"] or r["id"] in corrected
    models = {r["product_model"] for r in big.store.query("SELECT product_model FROM calls")}
    assert any(m.startswith("KFR-") for m in models) and any(m.startswith("BCD-") for m in models)


def test_values_are_stored_as_canonical_json(big: Desk) -> None:
    """The seed writes its objects with orjson: the text must be what `oplog.dumps` writes, or
    digests and bundles of seeded stores would differ from those of the services' ops."""
    from hotline.store.oplog import dumps

    # Text, though a lane hands them over as UTF-8 bytes (`plain_json.plain_bytes`).
    assert big.store.scalar(
        "SELECT count(*) FROM ops WHERE typeof(value) NOT IN ('text', 'null')") == 0
    rows = big.store.conn.execute("SELECT value FROM ops WHERE value LIKE '{%'").fetchall()
    assert len(rows) > 2000
    assert all(text == dumps(json.loads(text)) for (text,) in rows)
    states = big.store.conn.execute(
        "SELECT confirmations, extra FROM calls WHERE confirmations != '{}'").fetchall()
    assert states and all(t == dumps(json.loads(t)) for row in states for t in row if t)


def test_scratch_files_go_even_when_a_seed_is_interrupted(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Lanes hand their rows over in scratch files (`store.staging`); none is left behind,
    and no child process either, when the seed stops half-way."""
    import multiprocessing
    import tempfile

    from hotline.services import seed

    monkeypatch.setattr(seed, "BATCH_CALLS", 40)
    monkeypatch.setattr(seed, "PARALLEL_CALLS", 50)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    store = Store.open(tmp_path / "seed.db", desk="D01", create=True)
    desk = Desk(store, make_desk().config, clock=lambda: END)

    def stop(done: int, total: int) -> None:
        if done >= 80:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        seed_store(desk, calls=300, seed=4, progress=stop)
    assert list(scratch.iterdir()) == []
    assert multiprocessing.active_children() == []
    assert store.scalar("SELECT count(*) FROM calls") == 80
    seed_store(desk, calls=120, seed=5)
    assert list(scratch.iterdir()) == []


def test_a_lane_failing_first_stops_the_other_lanes_child(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other lane's child, never asked for a batch, must not be left making them."""
    import multiprocessing
    import time

    from hotline.services import seed

    monkeypatch.setattr(seed, "BATCH_CALLS", 40)
    monkeypatch.setattr(seed, "PARALLEL_CALLS", 50)
    original = seed._Seeder._stage

    def stage(self: Any, *args: Any) -> Any:
        if self.index == 0:
            raise OSError("disk full")
        time.sleep(0.5)
        return original(self, *args)

    monkeypatch.setattr(seed._Seeder, "_stage", stage)
    store = Store.open(tmp_path / "seed.db", desk="D01", create=True)
    desk = Desk(store, make_desk().config, clock=lambda: END)
    with pytest.raises(RuntimeError) as failed:
        seed_store(desk, calls=300, seed=4)
    # The cause on the first line: all a CLI user sees of an unexpected error.
    assert str(failed.value).splitlines()[0].endswith("failed: OSError: disk full")
    assert multiprocessing.active_children() == []
    assert store.scalar("SELECT count(*) FROM calls") == 0
