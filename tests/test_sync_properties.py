"""Sync properties, tested with hypothesis (SYNC-DESIGN.md section 3).

3 to 5 simulated desks, each with its own store and a skewed fake clock, take calls, edit them
(key fields too, to provoke conflicts), resolve conflicts, and exchange bundle files in random
orders and topologies (to one peer, through a hub, to everyone, twice, damaged). After every
step each store's state equals a rebuild from its op log; at the end every desk imports every
bundle in its own random order and all of them must hold the same ops, the same state and the
same conflicts, with no op lost.

`HYPOTHESIS_PROFILE=nightly` runs many more and longer examples.
"""

from __future__ import annotations

import os
import random
import shutil
import struct
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from hotline.config import DEFAULT_CONFIG_PATH, load_config
from hotline.errors import InputRefused
from hotline.services.conflicts import list_conflicts, resolve_conflict
from hotline.services.desk import Desk
from hotline.services.sync import export_bundle, import_bundle
from hotline.store import Store
from hotline.store import bundle as hb
from hotline.store.batch import apply_batch
from hotline.store.oplog import OP_COLUMNS, Op
from hotline.store.peers import peers

settings.register_profile(
    "nightly", max_examples=300, stateful_step_count=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
NIGHTLY = os.environ.get("HYPOTHESIS_PROFILE") == "nightly"
if NIGHTLY:
    settings.load_profile("nightly")

QUICK = settings(
    max_examples=20, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CONFIG = load_config(DEFAULT_CONFIG_PATH)
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
BASE_MS = 1_795_000_000_000
STATUSES = ("transferred", "awaiting_callback", "reopened", "closed")
NAMES = ("张三", "李四", "王五", "赵六")


def all_ops(store: Store) -> set[tuple[object, ...]]:
    return set(store.conn.execute(f"SELECT {', '.join(OP_COLUMNS)} FROM ops").fetchall())


def op_objects(store: Store) -> list[Op]:
    return [Op.from_row(r) for r in store.conn.execute(
        f"SELECT {', '.join(OP_COLUMNS)} FROM ops ORDER BY op_id")]


def rebuilt_digest(store: Store) -> str:
    """The digest of a rebuild from the log, the store left as it was."""
    return store.rebuilt_digest()


def local_tables(store: Store) -> tuple[object, ...]:
    return (
        store.digest(),
        sorted(all_ops(store)),  # type: ignore[type-var]
        store.query("SELECT * FROM peers ORDER BY desk"),
        store.query("SELECT * FROM bundles_seen ORDER BY bundle_id"),
    )


class DeskSim:
    """One simulated desk: a store in memory, a clock that can run fast or slow."""

    def __init__(self, code: str, machine: SyncMachine) -> None:
        self.code = code
        self.skew_ms = 0
        self.machine = machine
        self.store = Store.open(":memory:", desk=code)
        self.store.clock = self.now_ms
        self.desk = Desk(store=self.store, config=CONFIG, agent="S01", role="supervisor",
                         clock=lambda: datetime.fromtimestamp(self.now_ms() / 1000, UTC))
        self.counter = 0

    def now_ms(self) -> int:
        return BASE_MS + self.machine.tick * 1000 + self.skew_ms

    def known(self, table: str) -> list[str]:
        return [r["id"] for r in self.store.query(f"SELECT id FROM {table} ORDER BY id")]


class SyncMachine(RuleBasedStateMachine):
    bundles = Bundle("bundles")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="hotline-sync-"))
        self.sims: list[DeskSim] = []
        self.tick = 0
        self.files: list[Path] = []
        self.exported: dict[Path, tuple[set[str], set[str]]] = {}
        self.flood_seed = 0

    # -- set-up --------------------------------------------------------------------------------

    @initialize(n=st.integers(3, 5), flood_seed=st.integers(0, 2**32 - 1))
    def make_desks(self, n: int, flood_seed: int) -> None:
        self.sims = [DeskSim(f"D0{i + 1}", self) for i in range(n)]
        self.flood_seed = flood_seed

    def sim(self, index: int) -> DeskSim:
        self.tick += 1
        return self.sims[index % len(self.sims)]

    def other(self, a: int, b: int) -> int:
        """A desk other than `a` (hypothesis likes drawing the same small numbers twice)."""
        n = len(self.sims)
        return (a % n + 1 + b % (n - 1)) % n

    # -- desk work -----------------------------------------------------------------------------

    @rule(d=st.integers(0, 4), phone=st.integers(0, 4), name=st.sampled_from(NAMES))
    def take_call(self, d: int, phone: int, name: str) -> None:
        sim = self.sim(d)
        sim.counter += 1
        customer = f"cus-{phone}"  # derived from the phone: two desks meet the same caller
        if sim.store.get("customer", customer) is None:
            sim.store.write("A01", "customer", customer, {"phone": f"+8613800000{phone:03d}",
                                                          "name": name})
        sim.store.write("A01", "call", f"call-{sim.code}-{sim.counter}", {
            "number": f"{sim.code}-20261125-{sim.counter:04d}", "customer_id": customer,
            "phone": f"+8613800000{phone:03d}", "status": "transferred", "symptom": "不制冷",
            "priority": "normal",
        })

    @rule(d=st.integers(0, 4), pick=st.integers(0, 50),
          change=st.sampled_from([
              ("status", STATUSES), ("priority", ("urgent", "important", "normal")),
              ("symptom", ("漏水", "不制冷", "噪音大")), ("description", ("a", "b", "c")),
          ]), choice=st.integers(0, 3))
    def edit_call(
        self, d: int, pick: int, change: tuple[str, tuple[str, ...]], choice: int
    ) -> None:
        sim = self.sim(d)
        calls = sim.known("calls")
        if not calls:
            return
        field, values = change
        value = values[choice % len(values)]
        sim.store.write("A02", "call", calls[pick % len(calls)], {field: value})

    @rule(d=st.integers(0, 4), pick=st.integers(0, 50), name=st.sampled_from(NAMES),
          phone=st.integers(0, 9))
    def edit_customer(self, d: int, pick: int, name: str, phone: int) -> None:
        sim = self.sim(d)
        customers = sim.known("customers")
        if customers:
            sim.store.write("A02", "customer", customers[pick % len(customers)],
                            {"name": name, "phone": f"+8613900000{phone:03d}"})

    @rule(d=st.integers(0, 4), pick=st.integers(0, 50))
    def add_note(self, d: int, pick: int) -> None:
        sim = self.sim(d)
        calls = sim.known("calls")
        if calls:
            sim.counter += 1
            sim.store.write("A01", "note", f"note-{sim.code}-{sim.counter}",
                            {"call_id": calls[pick % len(calls)], "text": "客户再次来电",
                             "agent": "A01"})

    @rule(d=st.integers(0, 4), which=st.integers(0, 3))
    def resolve(self, d: int, which: int) -> None:
        sim = self.sim(d)
        pending = list_conflicts(sim.desk)
        if not pending:
            return
        conflict = pending[which % len(pending)]
        value = conflict["choices"][which % len(conflict["choices"])]["value"]
        resolve_conflict(sim.desk, conflict["entity"], conflict["entity_id"], conflict["field"],
                         value)
        left = {(c["entity_id"], c["field"]) for c in list_conflicts(sim.desk)}
        assert (conflict["entity_id"], conflict["field"]) not in left

    @rule(d=st.integers(0, 4), hours=st.integers(-3, 3))
    def skew_clock(self, d: int, hours: int) -> None:
        self.sim(d).skew_ms = hours * 3_600_000

    # -- exchanging bundles --------------------------------------------------------------------

    @rule(target=bundles, d=st.integers(0, 4), full=st.booleans())
    def export(self, d: int, full: bool) -> Path:
        sim = self.sim(d)
        path = self.folder / f"{len(self.files):04d}-{sim.code}.hlbundle"
        export_bundle(sim.desk, out=path, full=full, key=KEY)
        self.files.append(path)
        # Who the exporter knew, and what it held: a known peer must get all of it.
        self.exported[path] = ({p["desk"] for p in peers(sim.store)},
                               {r[0] for r in all_ops(sim.store)})
        return path

    @rule(d=st.integers(0, 4), bundle=bundles)
    def import_(self, d: int, bundle: Path) -> None:
        sim = self.sim(d)
        report = import_bundle(sim.desk, bundle, key=KEY)
        assert report.applied + report.duplicates == report.ops
        held = {r[0] for r in all_ops(sim.store)}
        assert {op.op_id for op in hb.open_bundle(bundle, KEY, _site()).ops} <= held
        knew, had = self.exported.get(bundle, (set(), set()))
        if sim.code in knew:  # the exporter knew what we hold: nothing of its may be missing
            assert had <= held, "an export left out ops a known peer lacked"
        event(f"import applied {'some' if report.applied else 'none'}")

    @rule(d=st.integers(0, 4), bundle=bundles)
    def import_twice(self, d: int, bundle: Path) -> None:
        sim = self.sim(d)
        import_bundle(sim.desk, bundle, key=KEY)
        digest, ops = sim.store.digest(), all_ops(sim.store)
        again = import_bundle(sim.desk, bundle, key=KEY)
        assert again.applied == 0 and again.duplicates == again.ops
        assert sim.store.digest() == digest and all_ops(sim.store) == ops

    @rule(d=st.integers(0, 4), hub=st.integers(0, 4), bundle=bundles)
    def through_a_hub(self, d: int, hub: int, bundle: Path) -> None:
        """The hub imports a desk's bundle and forwards what the other desk lacks."""
        hub_sim, sim = self.sim(hub), self.sim(self.other(hub, d))
        import_bundle(hub_sim.desk, bundle, key=KEY)
        forwarded = self.export(hub % len(self.sims), False)
        import_bundle(sim.desk, forwarded, key=KEY)

    @rule(a=st.integers(0, 4), b=st.integers(0, 4), full=st.booleans())
    def exchange(self, a: int, b: int, full: bool) -> None:
        """Desk a writes a bundle for its peers (or everything); desk b imports it."""
        path = self.export(a, full)
        self.import_(self.other(a, b), path)

    @rule(a=st.integers(0, 4))
    def broadcast(self, a: int) -> None:
        """Desk a's bundle reaches every other desk ("*")."""
        path = self.export(a, False)
        for other in range(len(self.sims)):
            if other != a % len(self.sims):
                self.import_(other, path)

    @rule(a=st.integers(0, 4), b=st.integers(0, 4), pick=st.integers(0, 50),
          change=st.sampled_from([("status", STATUSES), ("priority", ("urgent", "normal")),
                                  ("symptom", ("漏水", "不制冷", "噪音大"))]),
          choice=st.integers(0, 3))
    def concurrent_edit(self, a: int, b: int, pick: int, change: tuple[str, tuple[str, ...]],
                        choice: int) -> None:
        """Two desks change the same key field of a call they both hold, to different values:
        a conflict once they exchange bundles."""
        one, two = self.sim(a), self.sim(self.other(a, b))
        shared = sorted(set(one.known("calls")) & set(two.known("calls")))
        if not shared:  # take a call on one desk and let the other hear of it first
            self.take_call(a, pick % 5, NAMES[choice])
            self.import_(self.other(a, b), self.export(a, True))
            shared = sorted(set(one.known("calls")) & set(two.known("calls")))
        field, values = change
        call = shared[pick % len(shared)]
        one.store.write("A01", "call", call, {field: values[choice % len(values)]})
        two.store.write("B01", "call", call, {field: values[(choice + 1) % len(values)]})

    @rule(d=st.integers(0, 4), bundle=bundles,
          mode=st.sampled_from(["flip", "truncate", "wrong_key", "bad_version"]),
          where=st.floats(0, 1, exclude_max=True))
    def corrupt(self, d: int, bundle: Path, mode: str, where: float) -> None:
        sim = self.sim(d)
        data = bundle.read_bytes()
        at = int(where * len(data))
        key = KEY
        if mode == "flip":
            damaged = bytearray(data)
            damaged[at] ^= 1 << (at % 8)
            data = bytes(damaged)
        elif mode == "truncate":
            data = data[:at]
        elif mode == "wrong_key":
            key = OTHER_KEY
        else:
            major = len(hb.MAGIC)
            data = data[:major] + struct.pack(">H", hb.FORMAT_MAJOR + 1) + data[major + 2 :]
        bad = self.folder / "damaged.hlbundle"
        bad.write_bytes(data)
        before = local_tables(sim.store)
        with pytest.raises(InputRefused) as refused:
            import_bundle(sim.desk, bad, key=key)
        assert refused.value.key.startswith("bundle.")
        assert local_tables(sim.store) == before

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def state_is_a_rebuild_of_the_log(self) -> None:
        for sim in self.sims:
            assert sim.store.digest() == rebuilt_digest(sim.store), sim.code

    def teardown(self) -> None:
        try:
            if self.sims:
                self.final_flood()
        finally:
            for sim in self.sims:
                sim.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def final_flood(self) -> None:
        """Every desk exports everything it has, then every desk imports every bundle ever
        written, each in its own random order: all must end the same, with no op lost."""
        created: set[tuple[object, ...]] = set().union(*(all_ops(s.store) for s in self.sims))
        for sim in self.sims:
            path = self.folder / f"final-{sim.code}.hlbundle"
            export_bundle(sim.desk, out=path, full=True, key=KEY)
            self.files.append(path)
        rng = random.Random(self.flood_seed)
        for sim in self.sims:
            order = self.files[:]
            rng.shuffle(order)
            for path in order:
                import_bundle(sim.desk, path, key=KEY)
        first = self.sims[0].store
        event(f"conflicts at the end: {min(3, len(first.query('SELECT 1 FROM conflicts')))}")
        for sim in self.sims:
            assert all_ops(sim.store) == created, "an op was lost or invented"
            assert sim.store.digest() == first.digest(), f"{sim.code} differs from D01"
            assert sim.store.query("SELECT * FROM conflicts ORDER BY entity_id, field") == \
                first.query("SELECT * FROM conflicts ORDER BY entity_id, field")
        # The bulk path equals the op-at-a-time path and a rebuild, whatever the order.
        ops = op_objects(first)
        rng.shuffle(ops)
        reference = Store.open(":memory:", desk="D99")
        reference.apply(ops)
        assert reference.digest() == first.digest() == rebuilt_digest(first)
        reference.close()
        # Idempotence once more, on the converged state.
        digest = first.digest()
        import_bundle(self.sims[0].desk, self.files[0], key=KEY)
        assert first.digest() == digest


def _site() -> str:
    from hotline.store.sitekey import site_id

    return site_id(KEY)


SyncMachine.TestCase.settings = settings() if NIGHTLY else QUICK
TestSync = SyncMachine.TestCase


# -- the bulk apply path against the op-at-a-time one ------------------------------------------


@st.composite
def op_histories(draw: st.DrawFn) -> list[Op]:
    """Ops of three desks that edit shared records and exchange ops at random moments."""
    rng = draw(st.randoms(use_true_random=False))
    steps = draw(st.integers(1, 40))
    stores = [Store.open(":memory:", desk=f"D0{i}") for i in (1, 2, 3)]
    for i, store in enumerate(stores):
        store.clock = lambda i=i: BASE_MS + i * 7_000_000  # noqa: B023 (bound per store)
    for _ in range(steps):
        who, record, value = rng.randrange(3), rng.randrange(3), rng.randrange(6)
        fields = [{"status": STATUSES[value % 4]}, {"symptom": f"s{value % 3}"},
                  {"priority": ("urgent", "normal")[value % 2], "description": f"d{value}"}]
        stores[who].write("A01", "call", f"call-{record}", fields[rng.randrange(3)])
        if rng.random() < 0.3:
            stores[(who + 1 + rng.randrange(2)) % 3].apply(op_objects(stores[who]))
    ops = [op for store in stores for op in op_objects(store)]
    unique = {op.op_id: op for op in ops}
    return list(unique.values())


def _conflicts_of(ops: list[Op]) -> int:
    store = Store.open(":memory:", desk="D06")
    store.apply(ops)
    return int(store.scalar("SELECT count(*) FROM conflicts"))


@settings(max_examples=40 if not NIGHTLY else 400, deadline=None)
@given(ops=op_histories(), data=st.data())
def test_bulk_apply_equals_apply_and_rebuild_in_any_order_and_chunking(
    ops: list[Op], data: st.DataObject
) -> None:
    event(f"conflicts: {min(2, _conflicts_of(ops))}")
    one = Store.open(":memory:", desk="D08")
    one.apply(data.draw(st.permutations(ops)))
    bulk = Store.open(":memory:", desk="D09")
    result = apply_batch(bulk, data.draw(st.permutations(ops)))
    assert result.applied == len(ops)
    chunked = Store.open(":memory:", desk="D07")
    shuffled = data.draw(st.permutations(ops))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(ops)), max_size=4)))
    for lo, hi in zip([0, *cuts], [*cuts, len(ops)], strict=True):
        apply_batch(chunked, shuffled[lo:hi])  # entities already held take the other path
    again = apply_batch(chunked, ops)
    assert (again.applied, again.duplicates) == (0, len(ops))
    assert one.digest() == bulk.digest() == chunked.digest() == rebuilt_digest(bulk)
    assert one.query("SELECT * FROM conflicts ORDER BY entity_id, field") == \
        bulk.query("SELECT * FROM conflicts ORDER BY entity_id, field")
