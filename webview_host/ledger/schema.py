"""Versioned schema migrations, applied at start-up under a lock every instance shares.

Several instances may start at the same instant on an empty database (the
first deploy with two replicas). Each applies the missing migrations inside
one transaction that first takes a lock: a PostgreSQL transaction-level
advisory lock, or SQLite's `BEGIN IMMEDIATE` write lock. The second instance
waits, then finds the work done. `schema_migrations` records what ran.

Migrations are append-only: never edit one that has shipped; add the next.
Version 1 uses `IF NOT EXISTS`, so a ledger created before versioning is
adopted as it is.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Final

from .backends import Database, Executor

# Any fixed 64-bit number, the same in every instance: it names "the schema lock".
_ADVISORY_LOCK_KEY: Final = 0x5756485F534348  # "WVH_SCH"


@dataclasses.dataclass(frozen=True)
class Migration:
    """One step of the schema; `statements` run in order in one transaction."""

    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(
        1,
        "launches and completions",
        (
            """CREATE TABLE IF NOT EXISTS launches (
                id TEXT PRIMARY KEY,
                code_hash TEXT NOT NULL UNIQUE,
                customer_id TEXT NOT NULL,
                customer_json TEXT NOT NULL,
                locale TEXT NOT NULL,
                return_url TEXT,
                created_at DOUBLE PRECISION NOT NULL,
                expires_at DOUBLE PRECISION NOT NULL,
                consumed_at DOUBLE PRECISION
            )""",
            "CREATE INDEX IF NOT EXISTS launches_created ON launches (created_at)",
            """CREATE TABLE IF NOT EXISTS completions (
                id TEXT PRIMARY KEY,
                basket_key TEXT NOT NULL UNIQUE,
                customer_id TEXT NOT NULL,
                launch_id TEXT,
                basket_guid TEXT NOT NULL,
                cart_token TEXT NOT NULL,
                locale TEXT NOT NULL,
                state TEXT NOT NULL,
                retryable INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL,
                total TEXT,
                currency TEXT,
                order_guid TEXT,
                increment_id TEXT,
                order_code TEXT,
                error_kind TEXT,
                support_code TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS completions_customer ON completions (customer_id)",
        ),
    ),
    Migration(
        2,
        "when Complete was sent, and which review each attempt confirmed",
        (
            "ALTER TABLE completions ADD COLUMN sent_at DOUBLE PRECISION",
            "ALTER TABLE completions ADD COLUMN review_id TEXT",
            "CREATE INDEX IF NOT EXISTS completions_open ON completions (state, updated_at)",
        ),
    ),
    Migration(
        3,
        "webhook outbox, written in the transaction of the completion change it reports",
        (
            """CREATE TABLE outbox (
                id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                completion_id TEXT NOT NULL,
                body TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at DOUBLE PRECISION NOT NULL,
                next_attempt_at DOUBLE PRECISION NOT NULL,
                last_attempt_at DOUBLE PRECISION,
                last_status INTEGER,
                last_error TEXT,
                delivered_at DOUBLE PRECISION
            )""",
            "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
            "CREATE INDEX outbox_created ON outbox (created_at)",
            "CREATE INDEX outbox_completion ON outbox (completion_id)",
        ),
    ),
    Migration(
        4,
        "result-token nonces the order status API has accepted (each token works once)",
        (
            """CREATE TABLE result_nonces (
                nonce TEXT PRIMARY KEY,
                completion_id TEXT NOT NULL,
                expires_at DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX result_nonces_expiry ON result_nonces (expires_at)",
        ),
    ),
)

LATEST: Final = MIGRATIONS[-1].version


def _apply(db: Executor, lock: bool) -> list[int]:
    if lock:
        db.execute(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK_KEY})")
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
    )
    rows = db.execute("SELECT MAX(version) AS version FROM schema_migrations")
    current = rows[0]["version"] or 0
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        for statement in migration.statements:
            db.execute(statement)
        db.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            (migration.version, migration.name, time.time()),
        )
        applied.append(migration.version)
    return applied


async def migrate(database: Database) -> list[int]:
    """Bring the schema to `LATEST`; returns the versions this call applied."""
    lock = database.name == "postgresql"
    return await database.transaction(lambda db: _apply(db, lock))


async def version(database: Database) -> int:
    """The schema version the database is at (0 before the first migration)."""
    rows = await database.execute("SELECT MAX(version) AS version FROM schema_migrations")
    return int(rows[0]["version"] or 0)
