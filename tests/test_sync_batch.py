"""The bundle import path (`store.batch.apply_records`, `bundle.parse_records`) against the
op-at-a-time `Store.apply` and `rebuild`, on the shapes the fast paths take apart: records new
to the store made of several ops (created, then edited, concurrently too), created twice,
edited without a creation, sharing an id with another kind, fields from a newer schema; floats
and integers orjson would read differently from `json`; a large import into an empty store,
which builds the indexes once at the end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.desk_traffic import traffic
from hotline.errors import InputRefused
from hotline.store import Store, batch
from hotline.store import bundle as hb
from hotline.store.batch import apply_batch, apply_records, record_of
from hotline.store.oplog import CREATE, OP_COLUMNS, Op
from hotline.store.sitekey import site_id

KEY = bytes(range(32))
KEY_FIELD_VALUES = ("a", "b", "c")
FIELDS = {
    "call": ("status", "priority", "symptom", "description", "extra", "duration_s", "escalated"),
    "customer": ("phone", "name", "tags"),
    "transfer": ("department", "result", "due_at"),
}


def _ops_table(store: Store) -> list[tuple[Any, ...]]:
    return sorted(store.conn.execute(f"SELECT {', '.join(OP_COLUMNS)} FROM ops").fetchall())


def _conflicts(store: Store) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM conflicts ORDER BY entity, entity_id, field")


def _value(draw: st.DrawFn, field: str) -> Any:
    if field in ("extra", "tags"):
        return draw(st.one_of(
            st.none(),
            st.dictionaries(st.sampled_from(["x", "y", "中"]),
                            st.one_of(st.integers(-3, 3), st.floats(allow_nan=False),
                                      st.text(max_size=3), st.booleans()), max_size=3),
            st.lists(st.sampled_from(["vip", "投诉"]), max_size=2),
        ))
    if field in ("duration_s", "escalated"):
        return draw(st.one_of(st.integers(-5, 5), st.booleans(), st.none(),
                              st.sampled_from([2.5, 1e-05, 3.0])))
    return draw(st.one_of(st.sampled_from(KEY_FIELD_VALUES), st.none(), st.text(max_size=4)))


@st.composite
def histories(draw: st.DrawFn) -> list[Op]:
    """Ops of a few records, each any mix of creations and edits whose `prev` lists any of
    the record's ops (superseded heads, concurrent heads, even cycles and itself)."""
    ops: list[Op] = []
    seqs: dict[str, int] = {}
    for n in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(sorted(FIELDS)))
        entity_id = draw(st.sampled_from([f"{kind}-{n}", "shared-id"]))
        count = draw(st.integers(1, 7))
        mine = [f"01OP{len(ops) + i:022d}" for i in range(count)]
        for op_id in mine:
            desk = draw(st.sampled_from(["D01", "D02", "D03"]))
            seqs[desk] = seqs.get(desk, 0) + 1
            hlc = draw(st.integers(1, 40))  # ties: desk and op id decide
            earlier = mine[: mine.index(op_id)]
            prev = tuple(draw(st.lists(st.sampled_from(mine if draw(st.integers(0, 5)) == 0
                                                      else earlier or mine),
                                       max_size=3, unique=True)))
            if draw(st.integers(0, 3)) == 0:
                names = draw(st.lists(st.sampled_from([*FIELDS[kind], "shoe_size"]),
                                      unique=True, max_size=4))
                value: Any = {name: _value(draw, name) for name in names}
                ops.append(Op(op_id, hlc, desk, seqs[desk], "A01", kind, entity_id, CREATE,
                              value, prev))
            else:
                name = draw(st.sampled_from([*FIELDS[kind], "shoe_size"]))
                ops.append(Op(op_id, hlc, desk, seqs[desk], "A01", kind, entity_id, name,
                              _value(draw, name), prev))
    return ops


def _reference(ops: list[Op]) -> Store:
    store = Store.open(":memory:", desk="D09")
    store.apply(ops)
    return store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=histories(), data=st.data())
def test_records_new_to_the_store_merge_as_apply_merges_them(
    ops: list[Op], data: st.DataObject
) -> None:
    one = _reference(ops)
    bulk = Store.open(":memory:", desk="D08")
    result = apply_batch(bulk, data.draw(st.permutations(ops)))
    assert result.applied == len(ops)
    assert bulk.digest() == one.digest() == bulk.rebuilt_digest()
    assert _conflicts(bulk) == _conflicts(one)
    assert _ops_table(bulk) == _ops_table(one)
    # Part of it first: the rest merges against the stored heads (the other path).
    split = Store.open(":memory:", desk="D07")
    cut = data.draw(st.integers(0, len(ops)))
    apply_batch(split, ops[:cut])
    apply_batch(split, ops[cut:])
    assert split.digest() == one.digest()
    assert _conflicts(split) == _conflicts(one)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=histories())
def test_the_bulk_path_into_an_empty_store_merges_as_apply(ops: list[Op]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "BULK_OPS", 1)
        bulk = Store.open(":memory:", desk="D08")
        apply_batch(bulk, ops)
    one = _reference(ops)
    assert bulk.digest() == one.digest() == bulk.rebuilt_digest()
    assert _conflicts(bulk) == _conflicts(one)


def _fresh_schema(store: Store) -> list[tuple[str, str]]:
    return sorted(store.conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger')").fetchall())


@pytest.mark.parametrize("bulk", [False, True])
def test_a_day_of_desk_traffic_imports_as_apply_writes_it(
    bulk: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calls created then edited eight times, transfers and their results, callbacks, notes:
    most records arrive as several ops and are new to the importing store."""
    ops = traffic(3_000, desks=("D01", "D02", "D04"))
    assert sum(op.field != CREATE for op in ops) > len(ops) / 2
    monkeypatch.setattr(batch, "BULK_OPS", 1 if bulk else 10**9)
    monkeypatch.setattr(hb, "PARSE_CHUNK", 20_000)  # read in about 35 pieces
    one = _reference(ops)
    store = Store.open(tmp_path / "bulk.db", desk="D08", create=True)
    schema = _fresh_schema(store)
    data = hb.seal(KEY, bundle_id="B1", site=site_id(KEY), desk="D01", schema=1,
                   created="2026-11-25T02:30:00Z", vv={},
                   lines=[hb.op_line(op.row()) for op in ops])
    path = tmp_path / "day.hlbundle"
    path.write_bytes(data)
    opened = hb.open_bundle(path, KEY, site_id(KEY))
    assert opened.plain
    apply_records(store, opened.records, plain=opened.plain)
    assert store.digest() == one.digest() == store.rebuilt_digest()
    assert _ops_table(store) == _ops_table(one)
    assert _fresh_schema(store) == schema  # every index and trigger is back
    # The search index holds the calls (rebuilt at the end of a bulk load).
    hits = store.scalar("SELECT count(*) FROM calls_fts WHERE calls_fts MATCH ?", ('"不制冷"',))
    assert hits == one.scalar("SELECT count(*) FROM calls_fts WHERE calls_fts MATCH ?",
                              ('"不制冷"',)) > 0
    # A store that holds ops takes the incremental path; the result is the same.
    again = apply_records(store, opened.records, plain=opened.plain)
    assert (again.applied, again.duplicates) == (0, len(ops))
    assert store.digest() == one.digest()


@pytest.mark.parametrize("extra", [
    {"ratio": 1e-05, "big": 2**70, "half": 0.5},
    {"big": 2**70},  # no float written: orjson reads it as one, `json` as the integer it is
    {"text": "\ud800"},  # a lone surrogate: orjson refuses it, `json` reads it
])
def test_floats_and_huge_integers_read_and_store_as_json_has_them(
    tmp_path: Path, extra: dict[str, Any]
) -> None:
    """orjson reads an integer beyond 64 bits as a float, writes `1e-5` for 1e-05 and refuses
    lone surrogates: such a bundle is read by `json` and its values written back by `json`, as
    `Store.apply` does."""
    value = {"extra": extra, "duration_s": 7}
    ops = [Op("01OP0000000000000000000001", 5, "D01", 1, "A01", "call", "call-1", CREATE, value),
           Op("01OP0000000000000000000002", 6, "D01", 2, "A01", "call", "call-1", "extra",
              {"big": -(2**80)}, ("01OP0000000000000000000001",))]
    lines = [hb.op_line(op.row()).replace("\ud800", "\\ud800") for op in ops]
    opened = hb.open_bundle(_sealed_lines(tmp_path, lines), KEY, site_id(KEY))
    assert not opened.plain
    assert opened.records == [record_of(op) for op in ops]
    if "text" in extra:
        return  # no column holds a lone surrogate (`test_bundle` refuses it)
    store = Store.open(":memory:", desk="D08")
    apply_records(store, opened.records, plain=opened.plain)
    one = _reference(ops)
    assert _ops_table(store) == _ops_table(one)
    assert store.digest() == one.digest()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text()),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=6), min_size=1, max_size=5))
def test_a_bundle_means_what_json_reads_in_it(tmp_path_factory: pytest.TempPathFactory,
                                              values: list[Any]) -> None:
    lines = [hb.op_line(Op(f"01OP{i:022d}", i + 1, "D01", i + 1, "A01", "note", f"n-{i}",
                           "text", value).row()) for i, value in enumerate(values)]
    if any(hb._has_control(line.encode()) for line in lines):
        return  # refused before it is read (a desk never writes control characters)
    path = tmp_path_factory.mktemp("b") / "v.hlbundle"
    path.write_bytes(hb.seal(KEY, bundle_id="B3", site=site_id(KEY), desk="D01", schema=1,
                             created="2026-11-25T02:30:00Z", vv={}, lines=lines))
    opened = hb.open_bundle(path, KEY, site_id(KEY))
    assert opened.records == [json.loads(line) for line in lines]
    assert [r[8] for r in opened.records] == values


def test_a_payload_read_piece_by_piece_names_a_bad_op_by_its_number_in_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hb, "PARSE_CHUNK", 300)  # a few ops per piece
    ops = traffic(60)
    lines = [hb.op_line(op.row()) for op in ops]
    good = hb.open_bundle(_sealed_lines(tmp_path, lines), KEY, site_id(KEY))
    assert good.records == [record_of(op) for op in ops]
    bad = lines[:]
    bad[41] = bad[41].replace(f'"{ops[41].desk}"', '"d 1"', 1)
    with pytest.raises(InputRefused) as refused:
        hb.open_bundle(_sealed_lines(tmp_path, bad), KEY, site_id(KEY))
    assert refused.value.params["n"] == 42
    twice = [*lines, lines[3]]  # the same op in the first piece and the last
    with pytest.raises(InputRefused) as refused:
        hb.open_bundle(_sealed_lines(tmp_path, twice), KEY, site_id(KEY))
    assert refused.value.params["reason"] == "the same op twice"


def _sealed_lines(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "lines.hlbundle"
    path.write_bytes(hb.seal(KEY, bundle_id="B4", site=site_id(KEY), desk="D01", schema=1,
                             created="2026-11-25T02:30:00Z", vv={}, lines=lines))
    return path


@pytest.mark.parametrize("held", [False, True])
def test_two_ops_under_one_desk_and_number_are_a_fork_and_nothing_is_written(
    held: bool
) -> None:
    store = Store.open(":memory:", desk="D08")
    if held:
        apply_batch(store, [Op("01OP0000000000000000000009", 1, "D05", 9, "A01", "note",
                               "n-9", CREATE, {"text": "x"})])
    before = _ops_table(store), store.digest()
    ops = [Op(f"01OP000000000000000000000{i}", i, "D01", 1 if i in (2, 4) else i, "A01", "note",
              f"n-{i}", CREATE, {"text": "x"}) for i in range(1, 6)]
    with pytest.raises(InputRefused) as refused:
        apply_batch(store, ops)
    assert (refused.value.key, refused.value.params) == ("bundle.fork", {"desk": "D01", "seq": 1})
    assert (_ops_table(store), store.digest()) == before
