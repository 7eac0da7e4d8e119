"""The store's schema: replicated state tables, the op log, and desk-local tables.

Forward-only migrations with `sqlite_utils.Migrations`; the schema version of a store is the
number of migrations applied to it. A store whose version is above ours was written by a newer
hotline and is refused (never downgraded in place).

State tables are the materialisation of the op set (see `oplog`): every replicated column is
listed in `ENTITIES`, which is also what the op applier and the digest read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database, Migrations


@dataclass(frozen=True)
class Entity:
    """A kind of replicated record: the table that materialises it and its fields."""

    name: str
    table: str
    fields: tuple[str, ...]
    key_fields: frozenset[str] = frozenset()
    """Fields whose concurrent edits become conflicts for a supervisor (DESIGN.md section 4)."""
    append_only: bool = False
    """Notes and audit entries are written once and never edited."""


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity(
            "customer",
            "customers",
            ("phone", "name", "alt_phone", "tags", "created_at", "merged_into"),
            frozenset({"phone"}),
        ),
        Entity(
            "call",
            "calls",
            (
                "number", "desk", "agent", "customer_id", "channel", "phone", "customer_name",
                "alt_phone", "product_model", "serial_no", "purchase_date", "symptom",
                "description", "category", "priority", "status", "department", "due_at",
                "callback_due_at", "escalated", "escalated_at", "after_hours", "training",
                "started_at", "ended_at", "duration_s", "closed_at", "satisfaction",
                "confirmations", "extra", "reopen_count", "updated_at",
            ),
            frozenset({"phone", "product_model", "symptom", "status", "priority", "department"}),
        ),
        Entity(
            "transfer",
            "transfers",
            (
                "call_id", "department", "reason", "priority", "sent_at", "due_at", "agent",
                "result", "result_by", "result_at",
            ),
            frozenset({"department", "due_at"}),
        ),
        Entity(
            "followup",
            "followups",
            (
                "call_id", "kind", "due_at", "attempt", "reached", "result_told",
                "satisfaction", "agent", "done_at",
            ),
            frozenset({"due_at"}),
        ),
        Entity("note", "notes", ("call_id", "agent", "text", "at"), append_only=True),
        Entity("agent", "agents", ("name", "role", "pin_hash", "active", "created_at")),
        Entity("notice", "notices", ("text", "set_by", "set_at", "active")),
    )
}
"""Every replicated entity by op name."""

INTEGER_FIELDS = frozenset(
    {"escalated", "after_hours", "training", "duration_s", "satisfaction", "reopen_count",
     "attempt", "reached", "active"}
)
JSON_FIELDS = frozenset({"tags", "confirmations", "extra"})

migrations = Migrations("hotline")


def _state_table(db: Database, entity: Entity) -> None:
    columns: dict[str, type] = {"id": str}
    for field in entity.fields:
        columns[field] = int if field in INTEGER_FIELDS else str
    db[entity.table].create(columns, pk="id")


@migrations()
def m001_initial(db: Database) -> None:
    """The first schema: op log, state tables, conflicts, and desk-local tables."""
    db.execute(
        """
        CREATE TABLE ops (
            op_id TEXT PRIMARY KEY,
            hlc INTEGER NOT NULL,
            desk TEXT NOT NULL,
            seq INTEGER NOT NULL,
            agent TEXT,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT,
            prev TEXT NOT NULL DEFAULT '[]'
        )
        """
    )
    db.execute("CREATE INDEX ops_entity ON ops(entity_id)")
    db.execute("CREATE UNIQUE INDEX ops_desk_seq ON ops(desk, seq)")
    for entity in ENTITIES.values():
        _state_table(db, entity)
    db.execute(
        """
        CREATE TABLE conflicts (
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            field TEXT NOT NULL,
            heads TEXT NOT NULL,
            vals TEXT NOT NULL,
            PRIMARY KEY (entity, entity_id, field)
        )
        """
    )
    # Hot queries: the caller lookup by phone, queues by status and deadline, call numbers.
    db.execute("CREATE INDEX customers_phone ON customers(phone)")
    db.execute("CREATE INDEX calls_customer ON calls(customer_id, started_at)")
    db.execute("CREATE INDEX calls_number ON calls(number)")
    db.execute("CREATE INDEX calls_started ON calls(started_at)")
    db.execute(
        "CREATE INDEX calls_open_due ON calls(status, due_at, id) WHERE status != 'closed'"
    )
    db.execute("CREATE INDEX calls_agent ON calls(agent, status, started_at)")
    db.execute("CREATE INDEX transfers_call ON transfers(call_id)")
    db.execute("CREATE INDEX followups_call ON followups(call_id)")
    db.execute("CREATE INDEX notes_call ON notes(call_id)")
    # Free text of calls for Chinese search (trigram works without word segmentation).
    db.execute(
        """
        CREATE VIRTUAL TABLE calls_fts USING fts5(
            number, customer_name, product_model, symptom, description,
            content='calls', content_rowid='rowid', tokenize='trigram'
        )
        """
    )
    for verb, body in (
        ("INSERT", "INSERT INTO calls_fts(rowid, number, customer_name, product_model, symptom,"
                   " description) VALUES (new.rowid, new.number, new.customer_name,"
                   " new.product_model, new.symptom, new.description);"),
        ("DELETE", "INSERT INTO calls_fts(calls_fts, rowid, number, customer_name, product_model,"
                   " symptom, description) VALUES ('delete', old.rowid, old.number,"
                   " old.customer_name, old.product_model, old.symptom, old.description);"),
    ):
        db.execute(f"CREATE TRIGGER calls_fts_{verb.lower()} AFTER {verb} ON calls BEGIN {body} END")
    db.execute(
        """
        CREATE TRIGGER calls_fts_update AFTER UPDATE OF number, customer_name, product_model,
            symptom, description ON calls BEGIN
            INSERT INTO calls_fts(calls_fts, rowid, number, customer_name, product_model,
                symptom, description) VALUES ('delete', old.rowid, old.number,
                old.customer_name, old.product_model, old.symptom, old.description);
            INSERT INTO calls_fts(rowid, number, customer_name, product_model, symptom,
                description) VALUES (new.rowid, new.number, new.customer_name,
                new.product_model, new.symptom, new.description);
        END
        """
    )
    # Desk-local, never synced.
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["drafts"].create(
        {"call_id": str, "agent": str, "number": str, "data": str, "updated_at": str},
        pk="call_id",
    )
    db.execute("CREATE INDEX drafts_agent ON drafts(agent, updated_at)")
    db["number_counters"].create({"day": str, "last": int}, pk="day")
    db["peers"].create({"desk": str, "vv": str, "last_import": str, "last_export": str}, pk="desk")


SCHEMA_VERSION = len(migrations._migrations)
"""The schema version this hotline writes and understands."""
