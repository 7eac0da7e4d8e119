"""`hotline seed`: synthetic calls for demos and benchmarks, appended to a store as ops.

A year (`days`) of realistic calls: Chinese names and how agents write them down (王先生), mobiles
and landlines in E.164, appliance models and serial numbers, faults and other reasons to call
with descriptions, over working hours and after hours, several desks and agents, callers who
call again. Every call lives its life (DESIGN.md section 2) up to `end`, step by step as the
services decide it (`followup.transfer_deadline` for a department's deadline, the callback,
retry, escalation and reopen rules of `followup`), so every status, queue and report figure has
data: answered on the spot and rated, sent to departments that answer (late, sometimes),
called back, reopened and re-coordinated, escalated, unreachable, closed by a supervisor weeks
later, or still open (overdue, or taken today).

The data is synthetic, not a replay of the services, so it is written compactly (DESIGN.md
section 6: a million calls within 2 minutes): each record is ONE create op holding its state as
of its last event —

- a new caller: the customer's create op (`customers.ensure_customer`);
- the call: its create op at the moment it was saved, with every field as the call's life left
  it (status, department, deadlines, satisfaction, `closed_at`, `escalated`, `reopen_count` …);
- each transfer: its create op when it was sent, with the department's result if it came back;
- each callback attempt: a follow-up's create op; each note (a reason written with a change
  too): the note's create op;
- for a few calls (`CORRECTED_SHARE`), one real edit: a confirmed key field corrected later,
  an op with `prev` = the call's create op, so the report's record accuracy has data.

A seeded call's timeline tells its intake, transfers, callbacks and notes; the field-by-field
history the services write for real calls is not invented. Nothing happens after `end`. Op
clocks are `hlc.pack(ms, counter)` of each record's moment, sequence numbers continue each
desk's, times are `clock.to_text` UTC text.

The same `seed` gives the same ops, ids included (ULIDs from the record's moment and the seeded
generators), so seeding a store twice changes nothing: calls whose id already has ops are
skipped, and a caller already in the store is reused, never created again.

Calls are made in `LANES` lanes by caller, each with its own generator (a call depends only on
its caller's history), and numbered together afterwards in the order they start (`_finish`).
A lane writes each batch's rows into a scratch file (`store.staging.write_stage`); this process
numbers them and copies them into the store by SQL (`copy_stages`). Into a store file without
calls yet, each lane is made by a forked child while this process writes the last batch, and
the store's indexes are built once at the end (`store.bulk_load`): a million calls take about
two minutes on two cores instead of eight.
"""

from __future__ import annotations

import bisect
import copy
import gc
import multiprocessing
import random
import tempfile
import time
import traceback
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotline.services import callstate
from hotline.services import seed_data as data
from hotline.services.calendar import intervals
from hotline.services.desk import Desk
from hotline.services.followup import transfer_deadline
from hotline.store.bulk_load import bulk_load
from hotline.store.core import created_row
from hotline.store.hlc import pack
from hotline.store.ids import call_number, customer_id
from hotline.store.oplog import CREATE, dumps, to_column
from hotline.store.plain_json import plain_bytes, plain_text
from hotline.store.schema import ENTITIES
from hotline.store.staging import EMPTY_NUMBER_BYTES, Group, copy_stages, write_stage

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

DEFAULT_AGENTS: dict[str, tuple[str, ...]] = {"D01": ("A01", "A02", "A03"), "D02": ("B01", "B02")}
"""Agents per desk when the caller names none; a desk's last agent takes its after-hours calls."""

BATCH_CALLS = 20_000
"""Calls written per transaction (with their customers, transfers, follow-ups and notes)."""

PARALLEL_CALLS = 2 * BATCH_CALLS
"""From this many calls into a fresh store file, child processes make the batches while this
one writes them (`_Child`); fewer are made here, between writes."""

LANES = 2
"""Calls are made in two lanes, by caller (customer index modulo LANES), each drawing from its
own seeded generator: what a call becomes depends only on its caller's earlier calls, so two
processes can make the lanes at once. The data depends on LANES, never on the machine or on
whether the lanes ran in parallel."""

LIVE_INDEXES = frozenset({"ops_desk_seq", "calls_number", "calls_started"})
"""Indexes kept up to date while a seed loads an empty store (`bulk_load`'s `keep`): batches
come in the order of the calls' start, so these grow at their end (by sequence, number, start)
or hold only the few open calls (the queues'); the others are built once at the end."""

CUSTOMERS_PER_CALL = 0.3
"""Customers made per call when `customers` is not given (1,000,000 calls: 300,000 callers)."""

KEEP_OPEN = frozenset({"stall_department", "stall_callback", "stall_reopened", "escalate"})
"""Fates of calls that stay open (nobody closes them) so the overdue queues always have data."""

RECENT_CALLS = 24
"""Calls always placed in the last 36 hours (half of them today), so today's screens have data."""

CORRECTED_SHARE = 0.035
"""Calls about a product whose confirmed model is corrected later (about 3 % of all calls)."""

# Records are made with their keys in sorted order: `oplog.dumps` sorts them, and sorting what
# is sorted already is a third of the time of encoding a call.
FOLLOWUP_FIELDS = tuple(sorted(ENTITIES["followup"].fields))
NOTE_FIELDS = tuple(sorted(ENTITIES["note"].fields))
_CALL_COLUMN = {name: 2 + i for i, name in enumerate(ENTITIES["call"].fields)}
"""Where a call's staged state row holds each field (after its group and id)."""

_NEXT_STRETCH_DAYS = 30
"""How far ahead the start of working time is looked for (a long holiday)."""
_DAY = 86_400
_HOUR = 3_600
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_HMS = [f"{h:02d}:{m:02d}:{s:02d}Z" for h in range(24) for m in range(60) for s in range(60)]
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]
"""Every 10-bit value as two Crockford base-32 digits: a ULID is 13 lookups."""


@dataclass
class SeedReport:
    """What `seed_store` wrote."""

    calls: int
    customers: int
    """Customers created (callers already in the store are reused, not counted)."""
    ops: int
    seconds: float


def seed_store(
    desk: Desk,
    *,
    calls: int,
    customers: int | None = None,
    seed: int = 1,
    desks: tuple[str, ...] | None = None,
    end: datetime | None = None,
    days: int = 365,
    agents: Mapping[str, tuple[str, ...]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Append `calls` synthetic calls, made by `customers` callers, to `desk.store`.

    Args:
        desk: the desk whose store and configuration (categories, departments, calendar …) are used.
        calls: how many calls to make.
        customers: how many callers (default 30 % of `calls`); many call more than once.
        seed: the same seed gives the same data.
        desks: desk codes the calls are spread over (default: the store's own desk).
        end: the moment "now" of the data (default: the desk's clock); nothing happens after it.
        days: the calls start over this many days before `end`.
        agents: agent codes per desk (default `DEFAULT_AGENTS`; a desk not listed gets two
            agents named after it, e.g. `D03A1`, `D03A2`).
        progress: called with (calls done, calls in all) after each batch.

    Raises:
        ValueError: a negative count, calls without customers, or `days` below 1.
    """
    if customers is None:
        customers = max(min(calls, 1), round(calls * CUSTOMERS_PER_CALL))
    if calls < 0 or customers < 0 or days < 1 or (calls and not customers):
        raise ValueError("seed needs calls >= 0, customers >= 1 when there are calls, days >= 1")
    began = time.perf_counter()
    seeder = _Seeder(
        desk,
        calls=calls,
        customers=customers,
        seed=seed,
        desks=desks or (desk.store.desk,),
        end=end or desk.now(),
        days=days,
        agents=DEFAULT_AGENTS if agents is None else agents,
    )
    # A batch makes hundreds of thousands of objects and no reference cycles; the collector
    # would walk them over and over (it tripled the time when measured), so it waits.
    collecting = gc.isenabled()
    gc.disable()
    try:
        report = seeder.run(progress)
    finally:
        if collecting:
            gc.enable()
    report.seconds = time.perf_counter() - began
    return report


@dataclass
class _Made:
    """One lane's share of a batch: its calls' rows in a stage file, not numbered yet."""

    done: int
    """Calls of the schedule made so far, this batch's included."""
    heads: list[tuple[int, str, int, str, int, bool]]
    """Per group, in the lane's order: (place in the schedule, desk, day index, call id or "",
    how many ops it has, whether it creates its customer)."""
    stage: Path | None
    """The stage file holding the rows (None: no rows)."""
    newest: int = 0
    """The largest HLC of the ops."""


@dataclass
class _Batch:
    """A batch of calls numbered, ready for the store, and what it holds."""

    done: int
    """Calls made so far, this batch's included."""
    stages: list[tuple[Path, list[Group]]]
    newest: int = 0
    calls: int = 0
    customers: int = 0
    ops: int = 0


class _Child:
    """A lane's batches made by a forked copy of this process (started at once) while this one
    writes.

    Making a call's rows is Python (the GIL: a thread would not help), writing them is mostly
    SQLite; each lane in a child of its own and the writer here share the machine's cores.
    The child never touches the store (`_Seeder` reads everything it needs first); the pipe
    holds it one batch ahead.
    """

    def __init__(self, made: Iterator[_Made]) -> None:
        context = multiprocessing.get_context("fork")
        self._receiving, sending = context.Pipe(duplex=False)
        self._child = context.Process(target=_send_batches, args=(made, sending), daemon=True,
                                      name="hotline-seed")
        self._child.start()
        sending.close()
        self._batches = self._received()

    def __iter__(self) -> _Child:
        return self

    def __next__(self) -> _Made:
        return next(self._batches)

    def close(self) -> None:
        """Stop listening, and make sure the child is gone: also when the seed failed before
        asking it for a batch (closing a generator never started runs none of its code)."""
        self._batches.close()
        self._receiving.close()
        if self._child.is_alive():
            self._child.terminate()  # still making batches nobody will read
        self._child.join()

    def _received(self) -> Iterator[_Made]:
        while True:
            try:
                kind, payload = self._receiving.recv()
            except EOFError:
                raise RuntimeError("hotline seed: the process making the calls ended") from None
            if kind == "done":
                self._child.join()
                return
            if kind == "error":
                raise RuntimeError(f"hotline seed: making the calls failed: {payload}")
            yield payload


def _send_batches(made: Iterator[_Made], sending: Connection) -> None:
    """The child's work: make every batch and send it; a failure is sent as its traceback."""
    try:
        for batch in made:
            sending.send(("batch", batch))
        sending.send(("done", None))
    except BrokenPipeError:
        pass  # the parent stopped listening (interrupted): nothing left to do
    except BaseException as exc:  # whatever it is, the parent raises it
        # What went wrong first (a CLI shows only an error's first line), then where.
        sending.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        sending.close()


# -- small fast helpers ---------------------------------------------------------------------


def _ulid_time(ms: int) -> str:
    """The first 10 characters of a ULID: its 48-bit millisecond time."""
    p = _PAIRS
    return (p[ms >> 40] + p[(ms >> 30) & 1023] + p[(ms >> 20) & 1023] + p[(ms >> 10) & 1023]
            + p[ms & 1023])


def _ulid_random(bits: int) -> str:
    """14 characters of a ULID's random part from 70 random bits (the last 2 characters,
    10 bits, number the ids made from the same random part)."""
    p = _PAIRS
    return (p[bits >> 60] + p[(bits >> 50) & 1023] + p[(bits >> 40) & 1023]
            + p[(bits >> 30) & 1023] + p[(bits >> 20) & 1023] + p[(bits >> 10) & 1023]
            + p[bits & 1023])


class _Texts:
    """Epoch seconds as stored text, `clock.to_text` without a datetime per value."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self.seen: dict[int, str] = {}
        """Texts made since it was last emptied: the steps of a call ask for the same moments
        several times (the call's owner empties it, so it stays small)."""

    def day(self, epoch_day: int) -> str:
        """The UTC date `YYYY-MM-DD` of a day counted from the epoch."""
        text = self._days.get(epoch_day)
        if text is None:
            text = self._days[epoch_day] = date.fromordinal(_EPOCH_ORDINAL + epoch_day).isoformat()
        return text

    def at(self, t: int) -> str:
        text = self.seen.get(t)
        if text is None:
            d, s = divmod(t, _DAY)
            day = self._days.get(d)
            if day is None:
                day = self.day(d)
            text = self.seen[t] = f"{day}T{_HMS[s]}"
        return text


class _TransferDeadlines:
    """`followup.transfer_deadline` of many transfers, asking it far less often than once per
    transfer (it walks the calendar day by day: a third of the generator's time).

    Working time counts second for second within a stretch (one working interval of a day), so
    two transfers sent in the same stretch, `d` seconds apart, are due `d` seconds apart as long
    as both deadlines fall within one stretch too (or the department counts on the clock). So
    the deadlines asked in a stretch are shifted for the next transfers sent there, and one is
    asked again when no shift stays within its stretch. A transfer sent outside working time
    is due as if sent when the next stretch begins. At a million calls, one transfer in twenty
    or so is asked. A test compares seeded deadlines with `transfer_deadline` itself.
    """

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.calendar = desk.config.calendar
        self.tz = desk.tz
        self.clock = {d.id: not d.business_hours for d in desk.config.departments}
        """Departments whose deadlines run on the clock (any shift is exact)."""
        self._stretches: dict[date, tuple[tuple[int, int], ...]] = {}
        self._anchors: dict[tuple[str, str, int], list[tuple[int, int, float, float]]] = {}
        """(department, priority, stretch start) -> (sent, due, bounds of due's stretch) of
        each deadline asked there (the deadlines of one stretch fall in a few stretches)."""
        self._waiting: dict[tuple[str, str, int], int] = {}
        """(department, priority, next stretch start) -> due, for transfers sent off hours."""

    def due(self, department: str, priority: str, t: int) -> int:
        """The deadline (epoch seconds) of a transfer sent at `t`."""
        clock = self.clock.get(department, False)
        stretch = self._stretch(t, inclusive_end=False)
        if stretch is None:
            begin = None if clock else self._next_begin(t)
            if begin is None:
                return self._ask(department, priority, t)
            key = (department, priority, begin)
            due = self._waiting.get(key)
            if due is None:
                due = self._waiting[key] = self._ask(department, priority, begin)
            return due
        key = (department, priority, stretch[0])
        anchors = self._anchors.get(key)
        if anchors is None:
            anchors = self._anchors[key] = []
        for sent, due, low, high in anchors:
            shifted = due + (t - sent)
            if low < shifted <= high:
                return shifted
        due = self._ask(department, priority, t)
        if clock:
            low, high = float("-inf"), float("inf")
        else:
            found = self._stretch(due, inclusive_end=True)
            low, high = found if found is not None else (due, due)
        anchors.append((t, due, low, high))
        return due

    def _next_begin(self, t: int) -> int | None:
        """The start of the first stretch after `t` (within a few weeks)."""
        day = datetime.fromtimestamp(t, self.tz).date()
        for offset in range(_NEXT_STRETCH_DAYS):
            for begin, _ in self._of_day(day + timedelta(days=offset)):
                if begin > t:
                    return begin
        return None

    def _ask(self, department: str, priority: str, t: int) -> int:
        moment = datetime.fromtimestamp(t, UTC)
        return int(transfer_deadline(self.desk, department, priority=priority,
                                     start=moment).at.timestamp())

    def _stretch(self, t: int, *, inclusive_end: bool) -> tuple[int, int] | None:
        """The working interval holding `t` (its end included when `inclusive_end`, its start
        then excluded: where a deadline may fall)."""
        day = datetime.fromtimestamp(t, self.tz).date()
        for offset in ((0, -1) if inclusive_end else (0,)):
            for begin, end in self._of_day(day + timedelta(days=offset)):
                if (begin < t <= end) if inclusive_end else (begin <= t < end):
                    return begin, end
        return None

    def _of_day(self, day: date) -> tuple[tuple[int, int], ...]:
        found = self._stretches.get(day)
        if found is None:
            tz = self.tz
            found = self._stretches[day] = tuple(
                (int(datetime.combine(day, b, tz).timestamp()),
                 int(datetime.combine(day, e, tz).timestamp()))
                for b, e in intervals(self.calendar, day))
        return found


def _seconds(moment: dt_time) -> int:
    """Seconds after midnight of a time of day."""
    return moment.hour * _HOUR + moment.minute * 60 + moment.second


def _weighted(rng: random.Random, items: tuple[Any, ...], weights: tuple[float, ...]
              ) -> Callable[[], Any]:
    """A picker of `items` by `weights` drawing from `rng`."""
    cum = list(accumulate(weights))
    total = cum[-1]
    rand = rng.random
    return lambda: items[bisect.bisect(cum, rand() * total)]


@dataclass
class _Day:
    """One local day of the seeded period."""

    midnight: int
    """Epoch seconds of local midnight."""
    label: str
    """`YYYYMMDD`, the day part of call numbers."""
    work: tuple[tuple[int, int], ...]
    """Working intervals as seconds after midnight."""
    span: int
    """Working seconds in the day."""


@dataclass(slots=True)
class _Group:
    """The ops of one call's life (or of a customer without calls), written together."""

    key: str
    """The id that tells whether the group is already in the store (its call, or customer)."""
    specs: list[tuple[Any, ...]]
    k: int = 0
    """Its place in the schedule (a customer nobody calls: before every call)."""
    call_value: dict[str, Any] | None = None
    desk: str = ""
    day: int = 0
    customer: int = -1
    """Index of the customer this group creates (-1: none)."""
    random: str = ""
    """The random part the group's ids share (70 bits from the seeded generator)."""
    made: int = 0
    """Ids made so far, the last 10 bits of each id's random part."""
    time_ms: int = -1
    time_text: str = ""

    def new_id(self, ms: int, rng: random.Random) -> str:
        """A ULID at `ms`: like a monotonic ULID generator, the ids of one group share a random
        part and count up in its last bits; the time part is reused within a millisecond."""
        if self.made % 1024 == 0:
            self.random = _ulid_random(rng.getrandbits(70))
        if ms != self.time_ms:
            self.time_ms, self.time_text = ms, _ulid_time(ms)
        self.made += 1
        return self.time_text + self.random + _PAIRS[self.made % 1024]


# -- the generator ----------------------------------------------------------------------------


class _Seeder:
    """One run of `seed_store`: the pools, the period and the writers' counters."""

    def __init__(self, desk: Desk, *, calls: int, customers: int, seed: int,
                 desks: tuple[str, ...], end: datetime, days: int,
                 agents: Mapping[str, tuple[str, ...]]) -> None:
        self.desk = desk
        self.store = desk.store
        self.config = config = desk.config
        self.seed = seed
        self.rng = rng = random.Random(seed)
        self._weights: dict[str, tuple[tuple[Any, ...], tuple[float, ...]]] = {}
        """Every picker's items and weights, to make it again for a lane (`_lane`)."""
        self.index = -1
        """Which lane this is (-1: the seeder itself, which makes the customers and the
        schedule)."""
        self.n_calls = calls
        self.n_customers = customers
        self.desks = desks
        self.agents = {d: tuple(agents.get(d) or (f"{d}A1", f"{d}A2")) for d in desks}
        self.end = int(end.timestamp())
        self.tz = desk.tz
        self.texts = _Texts()
        self.threshold = config.satisfaction.threshold
        self.callback_s = int(config.followup.callback_hours * _HOUR)
        self.retry_s = int(config.followup.callback_retry_minutes * 60)
        self.escalation_s = int(config.followup.escalation_hours * _HOUR)
        self.resolve_s = {c.id: int(c.resolve_hours * _HOUR) for c in config.categories}
        self.key_fields = tuple(config.key_fields)
        self.deadlines = _TransferDeadlines(desk)
        self.correctable = next((f for f in ("product_model", "symptom") if f in self.key_fields),
                                "")
        """The key field a seeded correction edits (none when neither is a key field)."""
        n = len(self.key_fields)
        self.confirm_at = tuple(sorted((name, (j + 2, n + 3))
                                       for j, name in enumerate(self.key_fields)))
        """Key fields in sorted order, each read back at (numerator, denominator) of the call."""
        self._setup_choices(rng)
        self._setup_days(days)

    # -- setup ---------------------------------------------------------------------------------

    def _picker(self, name: str, items: tuple[Any, ...], weights: tuple[float, ...]
                ) -> Callable[[], Any]:
        self._weights[name] = (items, weights)
        return _weighted(self.rng, items, weights)

    def _lane(self, index: int) -> _Seeder:
        """The seeder of lane `index`: the same pools and period, its own generator (seeded
        from the seed and the lane) and its own callers' histories."""
        lane = copy.copy(self)
        lane.index = index
        lane.rng = random.Random(f"{self.seed}:{index}")
        lane.texts = _Texts()
        lane.products = {}
        lane.last_call = {}
        lane.priority_pick = {}
        for name, (items, weights) in self._weights.items():
            pick = _weighted(lane.rng, items, weights)
            base, _, kind = name.partition(":")
            if kind:
                lane.priority_pick[kind] = pick
            else:
                setattr(lane, base, pick)
        return lane

    def _setup_choices(self, rng: random.Random) -> None:
        config = self.config
        cat_ids = [c.id for c in config.categories]
        complaint_ids = [c.id for c in config.categories if c.complaint]
        plain_ids = [c.id for c in config.categories if not c.complaint] or cat_ids
        dept_ids = [d.id for d in config.departments]
        self.kind_category: dict[str, str] = {}
        self.kind_departments: dict[str, tuple[str, ...]] = {}
        for kind, (cats, depts, _) in data.PROBLEM_KINDS.items():
            found = [c for c in cats if c in cat_ids]
            if found:
                self.kind_category[kind] = found[0]
            elif kind == "complaint" and complaint_ids:
                self.kind_category[kind] = complaint_ids[0]
            else:
                self.kind_category[kind] = plain_ids[len(kind) % len(plain_ids)]
            known = [d for d in depts if d in dept_ids]
            # The first preferred department takes most transfers.
            self.kind_departments[kind] = (known[0], *known) if known else tuple(dept_ids)
        self.on_spot = {k: p for k, (_, _, p) in data.PROBLEM_KINDS.items()}

        # Priorities ranked by response deadline: the tightest is "urgent".
        ranked = sorted(config.priorities,
                        key=lambda p: float("inf") if p.respond_hours is None else p.respond_hours)
        ids = [p.id for p in ranked]
        urgent, important = ids[0], ids[min(1, len(ids) - 1)]
        normal = ids[-1]
        shares = {"complaint": (0.3, 0.4), "repair": (0.1, 0.3), "return": (0.05, 0.25),
                  "logistics": (0.05, 0.25)}
        self.priority_pick: dict[str, Callable[[], Any]] = {}
        for kind in data.PROBLEM_KINDS:
            u, i = shares.get(kind, (0.03, 0.12))
            self.priority_pick[kind] = self._picker(f"priority_pick:{kind}",
                                                    (urgent, important, normal), (u, i, 1 - u - i))

        channels = tuple(c.id for c in config.channels)
        self.channel_pick = self._picker(
            "channel_pick", channels, tuple(data.CHANNEL_WEIGHTS.get(c, 2.0) for c in channels))

        surnames = tuple(s for s, _ in data.SURNAMES)
        self.surname_pick = self._picker("surname_pick", surnames,
                                         tuple(w for _, w in data.SURNAMES))
        self.mobile_pick = self._picker("mobile_pick", tuple(p for p, _ in data.MOBILE_PREFIXES),
                                        tuple(w for _, w in data.MOBILE_PREFIXES))
        self.area_pick = self._picker("area_pick", tuple(a for a, _ in data.AREA_CODES),
                                      tuple(w for _, w in data.AREA_CODES))

        # Symptoms: a fault of an appliance, or an issue (delivery, invoice, complaint …).
        kinds = tuple(data.APPLIANCE_WEIGHTS)
        self.appliance_pick = self._picker("appliance_pick", kinds,
                                           tuple(data.APPLIANCE_WEIGHTS.values()))
        self.faults = {k: tuple(f"{data.APPLIANCES[k][0]}{f}" for f in data.FAULTS[k])
                       for k in kinds}
        self.issue_pick = self._picker("issue_pick", tuple((s, k) for s, k, _ in data.ISSUES),
                                       tuple(w for _, _, w in data.ISSUES))
        # Models: a pool per appliance kind, made from the nameplate templates.
        self.models: dict[str, tuple[str, ...]] = {}
        for kind in kinds:
            pool: set[str] = set()
            templates = data.APPLIANCES[kind][2]
            for _ in range(40):
                template, a, b, c = rng.choice(templates)
                pool.add(template.format(a=rng.choice(a), b=rng.choice(b), c=rng.choice(c)))
            self.models[kind] = tuple(sorted(pool))
        self.sat_first = self._picker("sat_first", (1, 2, 3, 4, 5), (3, 4, 8, 30, 55))
        self.sat_spot = self._picker("sat_spot", (2, 3, 4, 5), (1, 2, 30, 67))
        self.sat_again = self._picker("sat_again", (1, 2, 3, 4, 5), (2, 3, 8, 37, 50))

    def _setup_days(self, days: int) -> None:
        tz = self.tz
        calendar = self.config.calendar
        last = datetime.fromtimestamp(self.end, tz).date()
        self.days: list[_Day] = []
        weights: list[float] = []
        for i in range(days, -1, -1):
            day = last - timedelta(days=i)
            midnight = int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())
            work = tuple((_seconds(b), _seconds(e)) for b, e in intervals(calendar, day))
            self.days.append(_Day(midnight, day.strftime("%Y%m%d"), work,
                                  sum(e - b for b, e in work)))
            weights.append(1.0 if work else 0.12)
        self.start = self.end - days * _DAY
        self.midnights = [d.midnight for d in self.days]
        self.day_weights = weights
        self.day_pick = self._picker("day_pick", tuple(range(len(self.days))), tuple(weights))

    # -- customers -----------------------------------------------------------------------------

    def _make_customers(self) -> None:
        rng = self.rng
        n = self.n_customers
        phones: list[str] = []
        national: list[str] = []
        names: list[str] = []
        titles: list[str] = []
        tags: list[list[str]] = []
        seen: set[str] = set()
        male, female = data.GIVEN_MALE, data.GIVEN_FEMALE
        rand, randrange = rng.random, rng.randrange
        while len(phones) < n:
            if rand() < 0.15:
                area = self.area_pick()
                sub = f"{data.LANDLINE_FIRST_DIGITS[randrange(6)]}{randrange(10_000_000):07d}"
                e164, nat = f"+86{area}{sub}", f"0{area}{sub}"
            else:
                nat = f"{self.mobile_pick()}{randrange(100_000_000):08d}"
                e164 = f"+86{nat}"
            if e164 in seen:
                continue
            seen.add(e164)
            phones.append(e164)
            national.append(nat)
            surname = self.surname_pick()
            is_male = rand() < 0.5
            chars = male if is_male else female
            given = chars[randrange(len(chars))]
            if rand() < 0.7:
                given += chars[randrange(len(chars))]
            title = surname + ("先生" if is_male else "女士")
            # Agents often write down only how the caller is addressed.
            names.append(title if rand() < 0.2 else surname + given)
            titles.append(title)
            r = rand()
            tags.append(list(data.CUSTOMER_TAGS[int(r * 100)]) if r < 0.04 else [])
        self.phones, self.national, self.names, self.titles, self.tags = (
            phones, national, names, titles, tags)
        self.customer_ids = [customer_id(p) for p in phones]

    # -- when calls happen ---------------------------------------------------------------------

    def _second_of_day(self, day: _Day) -> int:
        """When in a local day a call comes: mostly in working hours, some in the evening,
        a few at night; on a day off, through the day."""
        rand = self.rng.random
        if day.work and rand() < 0.92:
            x = int(rand() * day.span)
            for b, e in day.work:
                if x < e - b:
                    return b + x
                x -= e - b
        if rand() < 0.02:
            s = int(rand() * 7 * _HOUR) - _HOUR  # a night call, 23:00-06:00
            return s + _DAY if s < 0 else s
        return 7 * _HOUR + int(rand() * 15 * _HOUR)

    def _moment(self, lo: int, hi: int, first_day: int = -1, last_day: int = -1
                ) -> tuple[int, int]:
        """A call's start (epoch seconds) and its day index, between `lo` and `hi`; on a day
        between `first_day` and `last_day` (indexes into `days`) when given."""
        lo = min(lo, hi)
        days = self.days
        for _ in range(50):
            if first_day >= 0:
                i = first_day + int(self.rng.random() * (last_day - first_day + 1))
                i = min(len(days) - 1, i)
                if self.rng.random() >= self.day_weights[i]:
                    continue  # fewer calls on days off, as `day_pick` does
            else:
                i = self.day_pick()
            t = days[i].midnight + self._second_of_day(days[i])
            if lo <= t <= hi:
                return t, i
        t = lo + int(self.rng.random() * max(1, hi - lo))
        return t, self._day_of(t)

    def _day_of(self, t: int) -> int:
        return max(0, bisect.bisect(self.midnights, t) - 1)

    def _schedule(self) -> list[tuple[int, int, int]]:
        """Every call as (start, day index, customer index), in order of start."""
        rng = self.rng
        rand = rng.random
        n, m = self.n_calls, self.n_customers
        counts = [1] * min(n, m) + [0] * max(0, m - n)
        frequent = max(1, m // 20)
        for _ in range(max(0, n - m)):
            counts[int(rand() * frequent) if rand() < 0.4 else int(rand() * m)] += 1
        latest = self.end - 900
        recent_lo = max(self.start, self.end - 36 * _HOUR)
        today_lo = max(recent_lo, self.days[-1].midnight)
        schedule: list[tuple[int, int, int]] = []
        placed = 0
        for c, count in enumerate(counts):
            prev = -1
            for _ in range(count):
                if placed < RECENT_CALLS:
                    lo = today_lo if placed % 2 == 0 and today_lo < latest else recent_lo
                    t = lo + int(rand() * max(1, latest - lo))
                    i = self._day_of(t)
                elif 0 <= prev <= latest - _HOUR and rand() < 0.35:
                    # A repeat caller: again within a week, about the same thing or not.
                    first = self._day_of(prev)
                    t, i = self._moment(prev + _HOUR, latest, first, first + 7)
                else:
                    t, i = self._moment(self.start, latest)
                placed += 1
                prev = t
                schedule.append((t, i, c))
        schedule.sort()
        return schedule

    # -- running -------------------------------------------------------------------------------

    def run(self, progress: Callable[[int, int], None] | None) -> SeedReport:
        store = self.store
        self._make_customers()
        schedule = self._schedule()
        self.forced = self._forced(schedule)
        # No call or customer yet (a new store has its first supervisor): nothing to skip or
        # reuse, and no call number taken but those reserved.
        self.fresh = (store.scalar("SELECT 1 FROM calls LIMIT 1") is None
                      and store.scalar("SELECT 1 FROM customers LIMIT 1") is None)
        self.reserved = {r["day"]: int(r["last"] or 0)
                         for r in store.query("SELECT day, last FROM number_counters")}
        self.seq = {d: int(store.scalar("SELECT max(seq) FROM ops WHERE desk = ?", (d,)) or 0)
                    for d in self.desks}
        self.numbers: dict[tuple[str, int], int] = {}
        self.created = bytearray(self.n_customers)
        self.products: dict[int, list[tuple[str, str, str, str]]] = {}
        self.last_call: dict[int, tuple[int, str, str, tuple[str, str, str, str] | None]] = {}
        report = SeedReport(0, 0, 0, 0.0)
        total = len(schedule)
        with tempfile.TemporaryDirectory(prefix="hotline-seed-",
                                         ignore_cleanup_errors=True) as scratch:
            self.scratch = Path(scratch)
            streams: list[Generator[_Made, None, None] | _Child] = [
                self._lane(i)._made(schedule) for i in range(LANES)]
            if (self.fresh and store.path is not None and total > PARALLEL_CALLS
                    and "fork" in multiprocessing.get_all_start_methods()):
                streams = [_Child(stream) for stream in streams]
            try:
                # Into an empty store, the indexes are built once at the end (`bulk_load`).
                with bulk_load(store, LIVE_INDEXES) if self.fresh else nullcontext():
                    for made in zip(*streams, strict=True):
                        batch = self._finish(made)
                        if batch.stages:
                            copy_stages(store, batch.stages, batch.newest,
                                        checked=not self.fresh)
                        for stage, _ in batch.stages:
                            stage.unlink()
                        report.calls += batch.calls
                        report.customers += batch.customers
                        report.ops += batch.ops
                        if progress is not None:
                            progress(batch.done, total)
            finally:
                for stream in streams:  # stops a child still making batches (interrupted)
                    stream.close()
        return report

    def _made(self, schedule: list[tuple[int, int, int]]) -> Generator[_Made, None, None]:
        """This lane's calls (and its callers nobody calls), `BATCH_CALLS` of the schedule at
        a time, as rows without their numbers: `_finish` numbers the lanes' calls together."""
        total = len(schedule)
        lane = self.index
        # Customers nobody calls (more customers than calls) are created on their own.
        lonely = [self._lonely_customer(c) for c in range(total, self.n_customers)
                  if c % LANES == lane]
        for first in range(0, max(total, 1), BATCH_CALLS):
            last = min(total, first + BATCH_CALLS)
            groups = [self._call(k, *schedule[k]) for k in range(first, last)
                      if schedule[k][2] % LANES == lane]
            if first == 0:
                groups = lonely + groups
            if not self.fresh:
                groups = self._skip_existing(groups)
            yield self._stage(groups, last, self.scratch / f"lane{lane}-{last}.db")

    def _stage(self, groups: list[_Group], done: int, path: Path) -> _Made:
        """The groups' ops and state rows written to a stage file, with the call numbers empty
        and no sequence numbers (both count across lanes: `_finish`)."""
        heads: list[tuple[int, str, int, str, int, bool]] = []
        op_rows: list[tuple[Any, ...]] = []
        state: dict[str, list[list[Any]]] = {name: [] for name in ENTITIES}
        calls = state["call"]
        newest = i = 0
        for g, group in enumerate(groups):
            desk = group.desk
            call_row: list[Any] = []
            for op_id, hlc, agent, entity, entity_id, field, value, prev in group.specs:
                i += 1
                if field == CREATE:
                    text = plain_bytes(value)
                    op_rows.append((i, g, op_id, hlc, desk, agent, entity, entity_id, field,
                                    text, "[]"))
                    row = created_row(entity, entity_id, value, plain_text, (g,))
                    state[entity].append(row)
                    if entity == "call":
                        call_row = row
                        # The writer replaces every empty number in the text by the call's.
                        assert text.count(EMPTY_NUMBER_BYTES) == 1, value
                else:
                    # The one edit a seeded record has: its call's confirmed key field corrected,
                    # after (and listing) the create op, so it is what the state holds.
                    assert entity == "call" and call_row and call_row[1] == entity_id
                    op_rows.append((i, g, op_id, hlc, desk, agent, entity, entity_id, field,
                                    plain_bytes(value), dumps(list(prev))))
                    call_row[_CALL_COLUMN[field]] = to_column(field, value)
                if hlc > newest:
                    newest = hlc
            heads.append((group.k, desk, group.day, group.key if group.call_value is not None
                          else "", len(group.specs), group.customer >= 0))
        if not op_rows:
            return _Made(done, heads, None)
        assert len(calls) == sum(1 for head in heads if head[3])
        write_stage(path, op_rows, state)
        return _Made(done, heads, path, newest)

    def _finish(self, made: tuple[_Made, ...]) -> _Batch:
        """The lanes' groups of a batch numbered in the schedule's order: each call within its
        desk's local day, each op within its desk, as if one process had made them all."""
        batch = _Batch(done=made[0].done, stages=[],
                       newest=max(m.newest for m in made))
        order = sorted((head[0], lane, g) for lane, m in enumerate(made)
                       for g, head in enumerate(m.heads))
        starts = []
        for m in made:
            at, firsts = 1, []
            for head in m.heads:
                firsts.append(at)
                at += head[4]
            starts.append(firsts)
        groups: list[list[Group]] = [[] for _ in made]
        seq = self.seq
        for _, lane, g in order:
            _, desk, day, call_id, count, created = made[lane].heads[g]
            number = None
            if call_id:
                key = (desk, day)
                n = self.numbers.get(key)
                if n is None:
                    n = self._last_number(desk, self.days[day].label)
                n += 1
                self.numbers[key] = n
                number = call_number(desk, self.days[day].label, n)
                batch.calls += 1
            batch.customers += created
            groups[lane].append(Group(g, seq[desk] + 1 - starts[lane][g], number))
            seq[desk] += count
            batch.ops += count
        batch.stages = [(m.stage, lane_groups) for m, lane_groups in zip(made, groups, strict=True)
                        if m.stage is not None]
        return batch

    def _forced(self, schedule: list[tuple[int, int, int]]) -> dict[int, str]:
        """A few calls whose fate is set, so every status and queue has data even in a small
        seed: stalled ones from 3 to 40 days ago (overdue), transfers in progress today."""
        forced: dict[int, str] = {}
        lo, hi = self.end - 40 * _DAY, self.end - 3 * _DAY
        older = [k for k, (t, _, _) in enumerate(schedule) if lo <= t <= hi]
        fates = ("stall_department", "stall_callback", "stall_reopened", "escalate",
                 "stall_department", "stall_callback", "stall_reopened", "escalate")
        step = max(1, len(older) // (len(fates) + 1))
        for j, fate in enumerate(fates):
            if (j + 1) * step < len(older):
                forced[older[(j + 1) * step]] = fate
        today = self.days[-1].midnight
        recent = [k for k, (t, _, _) in enumerate(schedule[-RECENT_CALLS * 4:])
                  if t >= today - _DAY]
        base = len(schedule) - len(schedule[-RECENT_CALLS * 4:])
        for k in recent[-4:]:
            forced.setdefault(base + k, "transfer")
        return forced

    def _skip_existing(self, groups: list[_Group]) -> list[_Group]:
        """Groups whose call is new; a customer already in the store is reused (its name too)."""
        store = self.store
        ids = [g.key for g in groups]
        known_calls = set()
        for i in range(0, len(ids), 5000):
            chunk = ids[i:i + 5000]
            marks = ",".join("?" * len(chunk))
            known_calls.update(r["entity_id"] for r in store.query(
                f"SELECT DISTINCT entity_id FROM ops WHERE entity_id IN ({marks})", chunk))
        cids = [self.customer_ids[g.customer] for g in groups if g.customer >= 0]
        known_customers: dict[str, str] = {}
        for i in range(0, len(cids), 5000):
            chunk = cids[i:i + 5000]
            for r in store.query(
                f"SELECT id, name FROM customers WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ):
                known_customers[r["id"]] = r["name"] or ""
        kept = []
        for g in groups:
            if g.key in known_calls:
                continue
            if g.customer >= 0 and self.customer_ids[g.customer] in known_customers:
                name = known_customers[self.customer_ids[g.customer]]
                g.specs = [s for s in g.specs if s[3] != "customer"]
                if name and g.call_value is not None:
                    g.call_value["customer_name"] = name
                g.customer = -1
                if g.call_value is None:
                    continue
            kept.append(g)
        return kept

    def _last_number(self, desk: str, day: str) -> int:
        if self.fresh:
            # No call was in the store, and calls come in order of their day: only numbers this
            # desk reserved for open intake forms are taken (read before, as a child makes
            # batches without the store).
            return self.reserved.get(day, 0) if desk == self.store.desk else 0
        prefix = f"{desk}-{day}-"
        used = self.store.scalar(
            "SELECT max(number) FROM calls WHERE number >= ? AND number < ?", (prefix, prefix + "~")
        )
        last = int(used.rsplit("-", 1)[1]) if used else 0
        if desk == self.store.desk:
            # Numbers this desk reserved for open intake forms are taken too.
            last = max(last, int(self.store.scalar(
                "SELECT last FROM number_counters WHERE day = ?", (day,)) or 0))
        return last

    # -- one call --------------------------------------------------------------------------------

    def _lonely_customer(self, c: int) -> _Group:
        """A customer nobody calls (there are more customers than calls), created on their own."""
        t, _ = self._moment(self.start, self.end)
        desk = self.desks[int(self.rng.random() * len(self.desks))]
        group = _Group(self.customer_ids[c], [], k=c - self.n_customers, desk=desk, customer=c)
        life = _Life(self, group, "", desk, self.agents[desk][0], self.agents[desk], "", "", "")
        life.customer(life.tick(t), c, t)
        return group

    def _product(self, c: int, kind: str | None, t: int, fresh: bool
                 ) -> tuple[str, str, str, str]:
        """A product of customer `c` (kind, model, serial, purchase date), bought before `t`."""
        rng = self.rng
        owned = self.products.get(c)
        if owned and rng.random() < 0.7:
            same = [p for p in owned if kind is None or p[0] == kind]
            if same:
                return same[int(rng.random() * len(same))]
        kind = kind or self.appliance_pick()
        models = self.models[kind]
        model = models[int(rng.random() * len(models))]
        age = 1 + int(rng.random() * 20) if fresh else 20 + int(rng.random() * 5 * 365)
        bought = t // _DAY - age
        serial = (f"{data.APPLIANCES[kind][1]}{self.texts.day(bought)[2:7].replace('-', '')}"
                  f"{rng.randrange(100_000_000):08d}")
        product = (kind, model, serial, self.texts.day(bought))
        self.products.setdefault(c, []).append(product)
        return product

    def _call(self, k: int, t0: int, day: int, c: int) -> _Group:
        rng = self.rng
        rand = rng.random
        texts = self.texts
        texts.seen.clear()
        at = texts.at
        fate = self.forced.get(k, "")
        desk = self.desks[int(rand() * len(self.desks))]
        agents = self.agents[desk]
        work = self.days[day].work
        s = t0 - self.days[day].midnight
        after_hours = 1
        for b, e in work:
            if b <= s < e:
                after_hours = 0
                break
        agent = agents[-1] if after_hours else agents[int(rand() * len(agents))]

        # What the call is about: maybe the same thing as this caller's last call.
        last = self.last_call.get(c)
        if last is not None and t0 - last[0] < 7 * _DAY and rand() < 0.5:
            _, symptom, kind, product = last
            repeat = True
        else:
            repeat = False
            if rand() < data.FAULT_SHARE:
                appliance = self.appliance_pick()
                faults = self.faults[appliance]
                symptom, kind = faults[int(rand() * len(faults))], "repair"
                product = self._product(c, appliance, t0, False)
            else:
                symptom, kind = self.issue_pick()
                product = (self._product(c, None, t0, kind in ("install", "return", "logistics"))
                           if rand() < 0.7 else None)
        self.last_call[c] = (t0, symptom, kind, product)
        category = self.kind_category[kind]
        priority = self.priority_pick[kind]()
        channel = self.channel_pick()
        duration = int(rng.triangular(60, 900, 180))
        t_end = t0 + duration
        model, serial, bought = (product[1], product[2], product[3]) if product else ("", "", "")
        if product and rand() < 0.25:
            serial = ""  # the caller could not read the nameplate
        if product and rand() < 0.3:
            bought = ""
        who = self.titles[c] if rand() < 0.6 else "客户"
        detail = data.DETAILS[kind][int(rand() * len(data.DETAILS[kind]))]
        if repeat:
            detail = "客户再次来电，" + detail
        requests = data.REQUESTS[kind]
        patterns = data.DESCRIPTION_PATTERNS
        description = patterns[int(rand() * len(patterns))].format(
            who=who, symptom=symptom, since=data.SINCE[int(rand() * len(data.SINCE))],
            detail=detail, request=requests[int(rand() * len(requests))])
        alt = ""
        if rand() < 0.05:
            alt = f"+86{self.mobile_pick()}{rng.randrange(100_000_000):08d}"
        intake = {"phone": self.national[c], "customer_name": self.names[c], "channel": channel,
                  "product_model": model, "serial_no": serial, "purchase_date": bought,
                  "symptom": symptom, "description": description, "category": category,
                  "priority": priority, "alt_phone": alt[3:] if alt else ""}
        confirmations = {
            name: {"at": at(t0 + duration * num // den), "by": agent, "value": intake.get(name, "")}
            for name, (num, den) in self.confirm_at}

        group = _Group("", [], k=k, desk=desk, day=day)
        call_id = group.key = group.new_id(t0 * 1000 + int(rand() * 1000), rng)
        life = _Life(self, group, call_id, desk, agent, agents, kind, category, fate)
        ms = life.tick(t_end)
        if not self.created[c]:
            group.customer = c
            life.customer(ms, c, t_end)

        on_spot = not fate and rand() < self.on_spot[kind]
        # take_call: the intake form saved, as resolved or (take_transferred_call) transferred.
        # Every field, in sorted order (see FOLLOWUP_FIELDS); None: not set (yet).
        value: dict[str, Any] = {
            "after_hours": after_hours, "agent": agent, "alt_phone": alt,
            "callback_due_at": None, "category": category, "channel": channel,
            "closed_at": None, "confirmations": confirmations, "customer_id": self.customer_ids[c],
            "customer_name": self.names[c], "department": None, "description": description,
            "desk": desk, "due_at": at(t0 + self.resolve_s[category]),
            "duration_s": duration, "ended_at": at(t_end), "escalated": 0, "escalated_at": None,
            "extra": {}, "number": "", "phone": self.phones[c], "priority": priority,
            "product_model": model, "purchase_date": bought, "reopen_count": 0,
            "satisfaction": None, "serial_no": serial, "started_at": at(t0),
            "status": callstate.RESOLVED if on_spot else callstate.TRANSFERRED,
            "symptom": symptom, "training": 0, "updated_at": at(t_end),
        }
        group.call_value = value
        life.create(ms, value, t0 + self.resolve_s[category])
        self._live(life, kind, priority, fate, on_spot, t_end)
        for name in [name for name, v in value.items() if v is None]:
            del value[name]  # never set, or cleared: the column is NULL either way
        if product and self.correctable and rand() < CORRECTED_SHARE:
            t = t_end + 300 + int(rand() * 2 * _DAY)
            if t <= self.end:
                if self.correctable == "product_model":
                    fixed = self._pick_other(self.models[product[0]], model)
                else:
                    fixed = self._pick_other(self.faults[product[0]], symptom)
                if fixed != value[self.correctable]:
                    life.correct(t, self.correctable, fixed)
        return group

    def _pick_other(self, options: tuple[str, ...], current: str) -> str:
        """One of `options` other than `current` (when there is another)."""
        fixed = options[int(self.rng.random() * len(options))]
        return fixed if fixed != current else options[options.index(current) - 1]

    def _live(self, life: _Life, kind: str, priority: str, fate: str, on_spot: bool,
              t_end: int) -> None:
        """The call's life after it was saved, up to `end`."""
        rand = self.rng.random
        if on_spot:
            life.maybe_note(t_end)
            if rand() < 0.65:
                life.call_back(t_end + 5 + int(rand() * 85), True, self.sat_spot(), "", 1)
            return
        life.send(life.ms, t_end, self._pick_department(kind), priority)
        life.maybe_note(t_end)
        t = t_end
        if fate == "escalate" or rand() < (0.28 if kind == "complaint" else 0.006):
            t = t_end + 60 + int(rand() * 540)
            if t > self.end:
                return
            life.escalate(t)
        life.department(t, 1)

    def _pick_department(self, kind: str) -> str:
        options = self.kind_departments[kind]
        return options[int(self.rng.random() * len(options))]


class _Life:
    """One call's life, decided step by step as `services.followup` decides it, written compactly.

    Each step names the use case it mirrors. The call's create op is made when the call is saved
    and holds `current`, the call's fields, which later steps keep changing in place (as
    `Store.write` would change the state row), so the op ends up with the call's state as of its
    last event. A transfer's create op likewise receives the department's result. Follow-ups and
    notes are create ops of their own, at their moment.
    """

    __slots__ = ("s", "rng", "group", "append", "call_id", "desk", "agent", "agents", "kind",
                 "resolve_s", "fate", "keep_open", "end", "at", "ms", "counter", "current",
                 "created", "due", "escalation_due", "transfer", "department_due", "result",
                 "result_at", "callbacks")
    """A million of these are made: slots make them and their attributes quicker."""

    def __init__(self, seeder: _Seeder, group: _Group, call_id: str, desk: str, agent: str,
                 agents: tuple[str, ...], kind: str, category: str, fate: str) -> None:
        self.s = seeder
        self.rng = seeder.rng
        self.group = group
        self.append = group.specs.append
        self.call_id = call_id
        self.desk = desk
        self.agent = agent
        self.agents = agents
        self.kind = kind
        self.resolve_s = seeder.resolve_s.get(category, 0)
        self.fate = fate
        self.keep_open = fate in KEEP_OPEN
        self.end = seeder.end
        self.at = seeder.texts.at
        self.ms = -1
        self.counter = 0
        self.current: dict[str, Any] = {}
        """The call's fields as the state table has them (absent: never written, or cleared)."""
        self.created = ""
        """The op id of the call's create op."""
        self.due = 0
        self.escalation_due: int | None = None
        """The escalation's solution deadline, while it is not settled by a close."""
        self.transfer: dict[str, Any] = {}
        """The fields of the call's latest transfer (its create op's value)."""
        self.department_due = 0
        self.result = ""
        self.result_at = -1
        self.callbacks: list[tuple[int, bool]] = []
        """(done at, reached) of every callback attempt."""

    # -- ops ---------------------------------------------------------------------------------

    def tick(self, t: int) -> int:
        """The millisecond of an event at second `t`, after every earlier event of the call."""
        return max(t * 1000 + int(self.rng.random() * 1000), self.ms + 1)

    def _op(self, ms: int, agent: str, entity: str, entity_id: str, field: str, value: Any,
            prev: tuple[str, ...]) -> str:
        if ms == self.ms:
            self.counter += 1
        else:
            self.ms, self.counter = ms, 0
        op_id = self.group.new_id(ms, self.rng)
        self.append((op_id, pack(ms, self.counter), agent, entity, entity_id, field, value, prev))
        return op_id

    def customer(self, ms: int, c: int, t: int) -> None:
        """`customers.ensure_customer`: a caller seen for the first time."""
        s = self.s
        s.created[c] = 1
        value = {"created_at": self.at(t), "name": s.names[c], "phone": s.phones[c],
                 "tags": s.tags[c]}
        self._op(ms, self.agent, "customer", s.customer_ids[c], CREATE, value, ())

    def create(self, ms: int, value: dict[str, Any], due: int) -> None:
        """`calls.take_call`: the call's create op, whose value later steps keep changing."""
        self.created = self._op(ms, self.agent, "call", self.call_id, CREATE, value, ())
        self.current = value
        self.due = due

    def write(self, values: tuple[tuple[str, Any], ...]) -> None:
        """What a `Store.write` of the call changes, applied to the call's create op (whose
        fields set to None are left out when the call's life is over)."""
        current = self.current
        for field, value in values:
            current[field] = value

    def correct(self, t: int, field: str, value: str) -> None:
        """A confirmed key field corrected after the call (a misheard model): the one real
        edit of a seeded call, overwriting the create op."""
        ms = t * 1000 + int(self.rng.random() * 1000)
        self._op(ms, self._someone(), "call", self.call_id, field, value, (self.created,))

    def note(self, ms: int, t: int, agent: str, text: str, kind: str) -> None:
        """`followup.add_note`, or the reason written with a change (`_write_note`)."""
        note_id = self.group.new_id(ms, self.rng)
        value = dict.fromkeys(NOTE_FIELDS)
        value.update(call_id=self.call_id, agent=agent, text=text, at=self.at(t))
        if "kind" in value:
            value["kind"] = kind
        self._op(ms, agent, "note", note_id, CREATE, value, ())

    def _pick(self, items: tuple[str, ...]) -> str:
        return items[int(self.rng.random() * len(items))]

    def _someone(self) -> str:
        """Who does the next step: mostly the agent who took the call."""
        return self.agent if self.rng.random() < 0.7 else self._pick(self.agents)

    # -- deadlines (as followup._current_due and friends) ---------------------------------------

    def _current_due(self, due: int) -> int:
        return min(due, self.escalation_due) if self.escalation_due is not None else due

    def _set_due(self, due: int) -> str:
        self.due = due
        return self.at(due)

    # -- steps -------------------------------------------------------------------------------

    def maybe_note(self, t: int) -> None:
        if self.rng.random() < 0.05:
            t += 10
            self.note(self.tick(t), t, self.agent, self._pick(data.NOTES), "note")

    def send(self, ms: int, t: int, dept: str, priority: str) -> None:
        """`followup.transfer_call`: a transfer record, the call waits on the department."""
        s = self.s
        agent = self.agent if ms == self.ms else self._someone()
        due = s.deadlines.due(dept, priority, t)
        self.transfer = {
            "agent": agent, "call_id": self.call_id, "department": dept, "due_at": self.at(due),
            "priority": priority, "reason": self._pick(data.TRANSFER_REASONS[self.kind]),
            "sent_at": self.at(t),
        }
        self._op(ms, agent, "transfer", self.group.new_id(ms, self.rng), CREATE, self.transfer,
                 ())
        self.department_due = due
        self.write((
            ("status", callstate.TRANSFERRED), ("department", dept),
            ("due_at", self._set_due(self._current_due(due))), ("callback_due_at", None),
            ("updated_at", self.at(t))))

    def escalate(self, t: int) -> None:
        """`followup.escalate`: a major complaint to the supervisor, 24 h to a solution."""
        s = self.s
        ms = self.tick(t)
        deadline_ = t + s.escalation_s
        open_ = self.current["status"] in callstate.OPEN_STATUSES
        due = min(self.due, deadline_) if open_ else deadline_
        self.write((("escalated", 1), ("escalated_at", self.at(t)),
                    ("due_at", self._set_due(due)), ("updated_at", self.at(t))))
        self.escalation_due = deadline_
        self.note(ms, t, self.agent, self._pick(data.ESCALATION_REASONS), "escalation")

    def department(self, sent: int, round_: int) -> None:
        """The department works on the transfer; `followup.record_result` enters its answer."""
        rand = self.rng.random
        s = self.s
        if self.fate == "transfer":
            return  # the department has not answered yet
        if self.fate in ("stall_department", "escalate") or rand() < 0.01:
            self._supervisor_close(sent)
            return
        due = self.department_due
        if rand() < 0.88:
            t = sent + 600 + int(max(0, due - sent - 600) * (0.15 + 0.8 * rand()))
        else:
            t = due + _HOUR + int(rand() * 47 * _HOUR)
        if t > self.end:
            return
        self.result = self._pick(data.RESULTS[self.kind])
        self.result_at = t
        reporters = data.REPORTERS.get(self.current["department"], data.OTHER_REPORTERS)
        sent_at = self.transfer.pop("sent_at")  # keeps the keys sorted (see FOLLOWUP_FIELDS)
        self.transfer.update(result=self.result, result_at=self.at(t),
                             result_by=self._pick(reporters), sent_at=sent_at)
        self.write((
            ("status", callstate.AWAITING_CALLBACK), ("callback_due_at", self.at(t)),
            ("due_at", self._set_due(self._current_due(t + s.callback_s))),
            ("updated_at", self.at(t))))
        if self.fate == "stall_callback" or rand() < 0.005:
            self._supervisor_close(t)
            return
        if rand() < 0.9:
            t_call = t + 900 + int(rand() * max(1, s.callback_s - 1800))
        else:
            t_call = t + s.callback_s + _HOUR + int(rand() * 23 * _HOUR)
        while t_call <= self.end:
            reached = rand() >= 0.12
            score = None
            if reached:
                score = s.sat_first() if round_ == 1 else s.sat_again()
                if self.fate == "stall_reopened":
                    score = min(score, s.threshold - 1)
            retry = self.call_back(t_call, reached, score, self.result, round_)
            if retry is None:
                return
            t_call = retry + int(rand() * 1800)

    def call_back(self, t: int, reached: bool, score: int | None, told: str, round_: int
                  ) -> int | None:
        """`followup.call_back`: one attempt; returns when to try again (None: no retry)."""
        s = self.s
        ms = self.tick(t)
        agent = self._someone()
        since = self.result_at
        attempts = sum(1 for done, _ in self.callbacks if done >= since)
        failed = sum(1 for done, ok in self.callbacks if done >= since and not ok)
        callback_due = self.current.get("callback_due_at")
        followup_id = self.group.new_id(ms, self.rng)
        value = dict.fromkeys(FOLLOWUP_FIELDS)
        value.update(call_id=self.call_id, kind="callback", due_at=callback_due or self.at(t),
                     attempt=attempts + 1, reached=1 if reached else 0, result_told=told,
                     satisfaction=score if reached else None, agent=agent, done_at=self.at(t))
        self._op(ms, agent, "followup", followup_id, CREATE, value, ())
        self.callbacks.append((t, reached))
        now = self.at(t)
        if reached:
            assert score is not None
            if score >= s.threshold:
                self.write((("updated_at", now), ("status", callstate.CLOSED),
                            ("satisfaction", score), ("callback_due_at", None),
                            ("closed_at", now)))
                self.escalation_due = None
                return None
            self.write((
                ("updated_at", now), ("status", callstate.REOPENED), ("satisfaction", score),
                ("callback_due_at", None),
                ("reopen_count", int(self.current.get("reopen_count") or 0) + 1),
                ("due_at", self._set_due(self._current_due(t + self.resolve_s)))))
            if self.rng.random() < 0.5:
                self.note(ms, t, agent, self._pick(data.FEEDBACK), "feedback")
            self._recoordinate(t, round_)
            return None
        if failed + 1 >= s.config.followup.callback_max_attempts:
            # Tried enough: the call goes to the supervisor (escalated), who closes it.
            values: tuple[tuple[str, Any], ...] = (("updated_at", now),)
            if self.escalation_due is None:
                deadline_ = t + s.escalation_s
                open_ = self.current["status"] in callstate.OPEN_STATUSES
                due = min(self.due, deadline_) if open_ else deadline_
                values += (("escalated", 1), ("escalated_at", now), ("due_at", self._set_due(due)))
                self.escalation_due = deadline_
            self.write((*values, ("callback_due_at", None)))
            self._supervisor_close(t, data.UNREACHED_CLOSE, 1 * _DAY)
            return None
        retry = t + s.retry_s
        self.write((("updated_at", now), ("callback_due_at", self.at(retry))))
        return retry

    def _recoordinate(self, t: int, round_: int) -> None:
        """A reopened call: `transfer_call` again, or `resolve` and ask satisfaction again."""
        rand = self.rng.random
        if self.fate == "stall_reopened" or rand() < 0.03 or round_ >= 3:
            self._supervisor_close(t)
            return
        t += 1800 + int(rand() * 36 * _HOUR)
        if t > self.end:
            return
        if rand() < 0.7:
            current = self.current.get("department")
            dept = current if current and rand() < 0.6 else self.s._pick_department(self.kind)
            self.send(self.tick(t), t, dept, self.current["priority"])
            self.department(t, round_ + 1)
            return
        ms = self.tick(t)
        agent = self._someone()
        self.write((("status", callstate.RESOLVED), ("callback_due_at", None),
                    ("updated_at", self.at(t))))
        self.note(ms, t, agent, self._pick(data.RESOLUTIONS), "resolution")
        t += 30 + int(rand() * 300)
        if t <= self.end:
            self.call_back(t, True, self.s.sat_spot(), "", round_ + 1)

    def _supervisor_close(self, t: int, reason: str = "", after: int = 20 * _DAY) -> None:
        """`followup.close_by_supervisor`, weeks later, for a call that went nowhere — unless
        that is still to come (or the seed keeps it open): then it waits, overdue."""
        if self.keep_open:
            return
        t += after + int(self.rng.random() * 2 * after)
        if t > self.end:
            return
        ms = self.tick(t)
        supervisor = self.agents[0]
        now = self.at(t)
        self.write((("status", callstate.CLOSED), ("closed_at", now),
                    ("callback_due_at", None), ("updated_at", now)))
        self.escalation_due = None
        self.note(ms, t, supervisor, reason or self._pick(data.CLOSE_REASONS), "close")
