"""The op log: every change to shared state is an op, and state is a function of the op set.

An op sets one field of one entity (`field`), or creates an entity with all its fields at once
(`field == "*"`, value an object): a created call is one op, not thirty, which keeps a store of a
million calls and its bundles small.

Merge rule, per (entity, field), from SYNC-DESIGN.md 2.4:
- candidates: the ops that write the field (its own ops, and creations that include it);
- heads: candidates that no op *of that field* lists in its `prev` (a writer lists the heads it
  saw, so a causally later edit always supersedes what it saw, whatever the clocks say);
- value: the head with the largest (hlc, desk, op_id): deterministic last-writer-wins;
- conflict: a key field whose heads hold more than one distinct value; a write that lists every
  head resolves it.
Every rule depends only on the set of ops, so any import order gives the same state.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from hotline.store.schema import ENTITIES, JSON_FIELDS, Entity

CREATE = "*"
"""The `field` of an op that creates an entity with an object of field values."""


@dataclass(frozen=True, slots=True)
class Op:
    """One change to shared state, as stored, exported and imported."""

    op_id: str
    hlc: int
    desk: str
    seq: int
    agent: str | None
    entity: str
    entity_id: str
    field: str
    value: Any
    prev: tuple[str, ...] = ()

    def row(self, encode: Callable[[Any], str] | None = None) -> tuple[Any, ...]:
        """The op as a row of the `ops` table (value and prev as JSON text, as `dumps`; a
        faster `encode` giving the same text may be passed)."""
        prev = self.prev
        return (
            self.op_id, self.hlc, self.desk, self.seq, self.agent, self.entity,
            self.entity_id, self.field, (encode or value_text)(self.value),
            _ENCODE(list(prev)) if prev else "[]",
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any] | tuple[Any, ...]) -> Op:
        if isinstance(row, Mapping):
            row = tuple(row[c] for c in OP_COLUMNS)
        op_id, hlc, desk, seq, agent, entity, entity_id, fld, value, prev = row
        return cls(op_id, hlc, desk, seq, agent, entity, entity_id, fld,
                   json.loads(value) if value is not None else None, tuple(json.loads(prev)))

    def fields(self) -> Iterable[str]:
        """The fields this op writes."""
        if self.field == CREATE:
            return self.value.keys()
        return (self.field,)

    def value_of(self, name: str) -> Any:
        return self.value.get(name) if self.field == CREATE else self.value

    @property
    def order(self) -> tuple[int, str, str]:
        """The LWW rank of this op among the heads of a field."""
        return (self.hlc, self.desk, self.op_id)


OP_COLUMNS = ("op_id", "hlc", "desk", "seq", "agent", "entity", "entity_id", "field", "value",
              "prev")


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
"""`json.dumps` with these options builds a new encoder on every call, which was most of the
cost of writing an op; one encoder with the same options gives the same text."""


def dumps(value: Any) -> str:
    """Canonical JSON: the same value always gives the same text (digests, bundles)."""
    return _ENCODE(value)


def value_text(value: Any) -> str:
    """`dumps(value)`, with the plain values most ops hold (text, integers, null, empty objects)
    done directly (`json` writes them exactly so)."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if not value and (kind is dict or kind is list):
        return "{}" if kind is dict else "[]"
    return _ENCODE(value)


@dataclass(frozen=True, slots=True)
class FieldState:
    """The merge result for one field of one entity."""

    name: str
    heads: list[Op]
    winner: Op | None

    @property
    def value(self) -> Any:
        return self.winner.value_of(self.name) if self.winner else None

    def distinct_values(self) -> list[Any]:
        """The different values the heads hold (equal values count once, as in TaskChampion)."""
        seen: dict[str, Any] = {}
        for op in sorted(self.heads, key=lambda op: op.order):
            value = op.value_of(self.name)
            seen.setdefault(dumps(value), value)
        return list(seen.values())


def merge_field(ops: Iterable[Op], name: str) -> FieldState:
    """Heads and winner of field `name`, given every op of one entity."""
    candidates = [op for op in ops if op.field == name or (op.field == CREATE and name in op.value)]
    superseded = {p for op in candidates if op.field == name for p in op.prev}
    heads = [op for op in candidates if op.op_id not in superseded]
    winner = max(heads, key=lambda op: op.order) if heads else None
    return FieldState(name, heads, winner)


def entity_of(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        raise ValueError(f"unknown entity {name!r}") from None


def to_column(name: str, value: Any) -> Any:
    """A field value as stored in its state-table column."""
    if name in JSON_FIELDS and value is not None:
        return dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value
