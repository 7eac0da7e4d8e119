"""The store's schema: replicated state tables, the op log, and desk-local tables.

Forward-only migrations with `sqlite_utils.Migrations`; the schema version of a store is the
number of migrations applied to it. A store whose version is above ours was written by a newer
hotline and is refused (never downgraded in place).

State tables are the materialisation of the op set (see `oplog`): every replicated column is
listed in `ENTITIES`, which is also what the op applier and the digest read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hotline.store.migration_set import MigrationSet

if TYPE_CHECKING:
    from sqlite_utils import Database


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
        Entity("note", "notes", ("call_id", "agent", "text", "at", "kind"), append_only=True),
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

migrations = MigrationSet("hotline")
"""Behaves as `sqlite_utils.Migrations("hotline")`, which it builds on first use."""


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


@migrations()
def m002_sync_bookkeeping(db: Database) -> None:
    """Desk-local sync records: bundles already imported (a shared folder is read again and
    again) and clocks of other desks seen running ahead (shown by `hotline doctor`)."""
    db["bundles_seen"].create(
        {"bundle_id": str, "from_desk": str, "file": str, "imported_at": str, "ops": int,
         "applied": int},
        pk="bundle_id",
    )
    db["clock_alerts"].create(
        {"desk": str, "ahead_ms": int, "op_hlc": int, "seen_at": str, "bundle_id": str},
        pk="desk",
    )


@migrations()
def m003_followup(db: Database) -> None:
    """Follow-up: the kind of a note (a reason for closing, escalating, reopening…).

    (Its first version also made the queue indexes; `m008_followup_queue_indexes` makes them
    now, so a store that ran that version gets the same indexes as a new one.)"""
    if "kind" not in db["notes"].columns_dict:  # m001 builds tables from today's ENTITIES
        db["notes"].add_column("kind", str)


@migrations()
def m004_report_indexes(db: Database) -> None:
    """Monthly report: edits of a call's intake fields after it was created (record accuracy:
    confirmed key fields corrected later) are rare, so a partial index holds only them and the
    report probes it once per call. The field list is `report_queries.CALL_EDIT_FIELDS`, which
    repeats it word for word (SQLite only uses a partial index when the query states its WHERE)."""
    db.execute(
        "CREATE INDEX ops_call_edits ON ops(entity_id, field) WHERE entity = 'call' AND field IN"
        " ('phone', 'customer_name', 'alt_phone', 'channel', 'product_model', 'serial_no',"
        " 'purchase_date', 'symptom', 'description', 'category', 'priority')"
    )


@migrations()
def m005_signin_lockouts_audit(db: Database) -> None:
    """Sign-in lockouts (desk-local, never synced: wrong PINs typed at this keyboard lock the code
    here, and a counter travelling in bundles would lock people out at other desks), and the
    audit view's indexes: newest ops first, and one agent's newest ops, by HLC (without them a
    page of the audit log sorts the whole op log: 1.9 s at 3 M ops)."""
    db["signin_failures"].create(
        {"code": str, "failures": int, "locked_until": str, "last_failure_at": str}, pk="code"
    )
    db.execute("CREATE INDEX IF NOT EXISTS ops_hlc ON ops(hlc)")
    db.execute("CREATE INDEX IF NOT EXISTS ops_agent_hlc ON ops(agent, hlc)")


PHONE_TAIL = "substr(phone, instr(phone || ';', ';') - 4, 4)"
"""The last four digits of a stored phone, before any `;ext=…` (what callers say: "尾号 8000").

Search repeats this expression word for word (`search_queries`): SQLite uses an expression
index only for the very expression it was built on. Never change it; add a new one instead."""


@migrations()
def m006_search_indexes(db: Database) -> None:
    """Search (F4, `hotline search`): customers and calls by the last four digits of the phone,
    newest first, and customers by name (exact, then by prefix), so each costs an index probe
    at 1,000,000 calls instead of a scan of the table."""
    db.execute(f"CREATE INDEX IF NOT EXISTS customers_phone_tail ON customers({PHONE_TAIL})")
    db.execute(
        f"CREATE INDEX IF NOT EXISTS calls_phone_tail ON calls({PHONE_TAIL}, started_at)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS customers_name ON customers(name, created_at)")


@migrations()
def m007_report_covering_indexes(db: Database) -> None:
    """Monthly report (DESIGN.md section 6: every section over 1,000,000 calls within 1 s): a
    call row carries its description and confirmations (about 1 KB), so reading a month of
    calls through `calls_started` touches ~100 MB of pages. These covering indexes hold only
    what the report counts, so a month is read from the index alone (`report_queries`), and
    a call's transfers and reached callbacks are one seek each."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS calls_report ON calls(started_at, training, agent, channel,"
        " category, priority, status, department, after_hours, duration_s, satisfaction,"
        " reopen_count, escalated, escalated_at, ended_at, closed_at, id)"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS transfers_report"
        " ON transfers(call_id, result_at, sent_at, due_at, department)"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS followups_reached ON followups(call_id, done_at)"
        " WHERE reached = 1"
    )


QUEUE_COLUMNS = (
    "number, status, agent, phone, customer_name, category, priority, department, product_model,"
    " symptom, started_at, callback_due_at, escalated, after_hours, training"
)
"""What a queue row shows (`queries.LIST_COLUMNS`, beside due_at and id), carried by the queue
indexes so a page is read from a small index alone, never from the big call rows."""


@migrations()
def m008_followup_queue_indexes(db: Database) -> None:
    """Follow-up queues (F3, DESIGN.md section 6: any page of 50 rows within 5 ms, and no slower
    at 1,000,000 calls than at 1,000): one partial covering index per kind of queue, keyed for
    the keyset (due_at, id). Partial on the calls still waiting, so they stay small however many
    calls are closed. A queue's SQL repeats its index's WHERE word for word (`queries.QUEUES`):
    SQLite uses a partial index only when the query states that condition itself."""
    for name in ("calls_queue_due", "calls_mine_due", "calls_escalated_due"):
        db.execute(f"DROP INDEX IF EXISTS {name}")
    waiting = "status IN ('transferred', 'awaiting_callback', 'reopened')"
    cols = QUEUE_COLUMNS
    db.execute(f"CREATE INDEX calls_queue_due ON calls(due_at, id, {cols}) WHERE {waiting}")
    db.execute(
        f"CREATE INDEX calls_mine_due ON calls(agent, due_at, id, {cols}) WHERE {waiting}"
    )
    db.execute(
        f"CREATE INDEX calls_status_due ON calls(status, due_at, id, {cols})"
        " WHERE status != 'closed' AND status != 'resolved'"
    )
    db.execute(
        f"CREATE INDEX calls_escalated_due ON calls(due_at, id, {cols})"
        " WHERE escalated = 1 AND status != 'closed'"
    )


@migrations()
def m009_report_problems_index(db: Database) -> None:
    """Monthly report, root-cause candidates (the most repeated product model × symptom): the
    free text is not in `calls_report`, so counting a month's pairs read ~75,000 call rows of
    ~700 bytes each through `calls_started`. This covering index holds only the pair by month, so
    the count is read from the index (`report_queries._root_causes`): half the time, for
    ~64 bytes a call (1 % of a 1,000,000-call store)."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS calls_problems"
        " ON calls(started_at, training, product_model, symptom)"
    )


@migrations()
def m010_call_facts(db: Database) -> None:
    """Monthly report (DESIGN.md section 6): each transferred call's first department result,
    the callback that told it, and its transfers' response times, kept in the desk-local table
    `call_facts` by triggers, so a month reads them as one range instead of three index seeks
    per call (`hotline.store.call_facts`, which says what each column is). Filled from the
    existing records here."""
    from hotline.store import call_facts

    db.execute(
        "CREATE TABLE IF NOT EXISTS call_facts (started_at TEXT NOT NULL, id TEXT NOT NULL,"
        " training INTEGER, first_result TEXT, told_at TEXT, resp_s INTEGER, resp_n INTEGER,"
        " PRIMARY KEY (started_at, id)) WITHOUT ROWID"
    )

    def again(call: str) -> str:
        """Statements recomputing the row of the call whose id is `call`."""
        return (
            f"DELETE FROM call_facts WHERE id = {call}"
            f" AND started_at = (SELECT started_at FROM calls WHERE id = {call});"
            f" INSERT INTO call_facts ({', '.join(call_facts.COLUMNS)})"
            f" {call_facts.select_facts(f'transfers WHERE call_id = {call}')};"
        )

    def changed(*columns: str) -> str:
        return " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)

    triggers = {
        # Most calls arrive before any transfer: nothing to compute then.
        "call_facts_call_insert": (
            "AFTER INSERT ON calls WHEN EXISTS (SELECT 1 FROM transfers WHERE call_id = new.id)"
            f" BEGIN {again('new.id')} END"
        ),
        "call_facts_call_update": (
            "AFTER UPDATE OF id, started_at, training ON calls"
            f" WHEN {changed('id', 'started_at', 'training')} BEGIN"
            " DELETE FROM call_facts WHERE started_at = old.started_at AND id = old.id;"
            f" {again('new.id')} END"
        ),
        "call_facts_call_delete": (
            "AFTER DELETE ON calls BEGIN"
            " DELETE FROM call_facts WHERE started_at = old.started_at AND id = old.id; END"
        ),
        "call_facts_transfer_insert": f"AFTER INSERT ON transfers BEGIN {again('new.call_id')} END",
        "call_facts_transfer_update": (
            "AFTER UPDATE OF call_id, result_at, sent_at ON transfers"
            f" WHEN {changed('call_id', 'result_at', 'sent_at')} BEGIN {again('new.call_id')} END"
        ),
        "call_facts_transfer_moved": (
            "AFTER UPDATE OF call_id ON transfers WHEN old.call_id IS NOT new.call_id"
            f" BEGIN {again('old.call_id')} END"
        ),
        "call_facts_transfer_delete": f"AFTER DELETE ON transfers BEGIN {again('old.call_id')} END",
        "call_facts_followup_insert": (
            f"AFTER INSERT ON followups WHEN new.reached = 1 BEGIN {again('new.call_id')} END"
        ),
        "call_facts_followup_update": (
            "AFTER UPDATE OF call_id, reached, done_at ON followups"
            f" WHEN {changed('call_id', 'reached', 'done_at')} BEGIN {again('new.call_id')} END"
        ),
        "call_facts_followup_moved": (
            "AFTER UPDATE OF call_id ON followups WHEN old.call_id IS NOT new.call_id"
            f" BEGIN {again('old.call_id')} END"
        ),
        "call_facts_followup_delete": (
            f"AFTER DELETE ON followups WHEN old.reached = 1 BEGIN {again('old.call_id')} END"
        ),
    }
    for name, body in triggers.items():
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    call_facts.refill(db.conn)


SCHEMA_VERSION = len(migrations.names)
"""The schema version this hotline writes and understands."""
