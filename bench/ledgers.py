"""The two ledgers a run measures: a fresh SQLite file, and a fresh PostgreSQL schema that
is dropped afterwards (`WVH_BENCH_POSTGRES_URL`, default the test database)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator

import psycopg

POSTGRES_URL = os.environ.get(
    "WVH_BENCH_POSTGRES_URL",
    os.environ.get("WVH_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/test"),
)


@contextlib.contextmanager
def ledger_url(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="wvh-bench-") as folder:
            yield f"sqlite:///{folder}/ledger.sqlite3"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
