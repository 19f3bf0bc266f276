"""The two places the ledger can live: a SQLite file or a PostgreSQL database.

Both offer the same two synchronous calls, run by `Database` in a worker thread:
`execute` (one statement, committed on its own) and `transaction` (a function
of several statements, committed together or not at all, e.g. a completion's
state change and the webhook event it produces). Rows come back as dicts keyed
by column name. Statements are written once with `?` placeholders (PostgreSQL's
`%s` is substituted, so no statement may contain a literal `?` or `%`).

Atomicity and uniqueness come from the database itself (`INSERT ... ON CONFLICT
DO NOTHING`, `UPDATE ... WHERE state = ? RETURNING`), across processes and
instances.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import unquote, urlsplit

from anyio import to_thread

Row = dict[str, Any]
T = TypeVar("T")


class Executor(Protocol):
    """Runs statements inside one open transaction."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...


class Backend(Protocol):
    """One database connection source."""

    name: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def transaction(self, work: Callable[[Executor], T]) -> T: ...

    def close(self) -> None: ...


class _SQLiteExecutor:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(row) for row in self._conn.execute(sql, tuple(params)).fetchall()]


class SQLiteBackend:
    """A SQLite file in WAL mode; one connection, statements serialized by a lock.

    Transactions start with `BEGIN IMMEDIATE`, so a second process on the same
    file waits (busy timeout) instead of failing half-way. `synchronous = FULL`:
    a commit is on disk before it returns, so a recorded order survives a power
    loss, not just a crash of the process (WAL's `NORMAL` may roll the last
    commits back then). It costs an fsync per commit, about 1 ms on this project's
    machines: a few hundred Confirms a second on one file.
    """

    name = "sqlite"

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._executor = _SQLiteExecutor(self._conn)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA busy_timeout = 5000")
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return self._executor.execute(sql, params)

    def transaction(self, work: Callable[[Executor], T]) -> T:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._executor)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return result

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class _PostgresExecutor:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = self._conn.execute(sql.replace("?", "%s"), tuple(params))
        rows: list[Row] = cursor.fetchall() if cursor.description else []
        return rows


class PostgresBackend:
    """PostgreSQL through a psycopg connection pool.

    The pool checks a connection before lending it (`check_connection`), so
    connections a server restart killed are replaced instead of failing the
    request that draws them.
    """

    name = "postgresql"

    def __init__(self, url: str, *, max_size: int = 10) -> None:
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs={"autocommit": True, "row_factory": dict_row},
            check=ConnectionPool.check_connection,
            open=True,
        )
        self._pool.wait(timeout=10)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._pool.connection() as conn:
            return _PostgresExecutor(conn).execute(sql, params)

    def transaction(self, work: Callable[[Executor], T]) -> T:
        with self._pool.connection() as conn, conn.transaction():
            return work(_PostgresExecutor(conn))

    def close(self) -> None:
        self._pool.close()


def open_backend(url: str) -> Backend:
    """`sqlite:///relative/path`, `sqlite:////absolute/path`, `sqlite://:memory:` or
    `postgresql://user@host:port/db`."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        rest = url[len("sqlite://") :]
        path = rest[1:] if rest.startswith("/") else rest
        return SQLiteBackend(unquote(path) or ":memory:")
    if scheme in ("postgresql", "postgres"):
        return PostgresBackend(url)
    raise ValueError(
        f"Config 'WVH_DATABASE_URL' has value {url!r}. Use sqlite:///path/file.sqlite3 "
        "or postgresql://user@host:5432/dbname."
    )


class Database:
    """The async face of a backend: every call runs in a worker thread."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    @property
    def name(self) -> str:
        return self._backend.name

    async def execute(self, sql: str, *params: Any) -> list[Row]:
        """One statement, committed on its own."""
        return await to_thread.run_sync(self._backend.execute, sql, params)

    async def transaction(self, work: Callable[[Executor], T]) -> T:
        """`work` runs in one transaction: all its statements commit, or none do."""
        return await to_thread.run_sync(self._backend.transaction, work)

    async def close(self) -> None:
        await to_thread.run_sync(self._backend.close)
