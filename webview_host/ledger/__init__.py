"""The durable record: launch codes, completions and webhook events, on SQLite or PostgreSQL.

`database` (the `Ledger`) -> `launches`, `completions`, `outbox`, `nonces` (one table
each; a completions row is a `completion`) ->
`schema` (versioned migrations) -> `backends` (SQLite / PostgreSQL).
"""

from .backends import Database, Executor, Row
from .completion import Completion, CompletionState, ErrorKind, basket_key, support_code
from .completions import Completions, Observer
from .database import Ledger
from .launches import Launch, Launches, LaunchPreview, LaunchRefused, RefusalReason, hash_code
from .nonces import ResultNonces
from .outbox import Backlog, Event, EventState, Outbox

__all__ = [
    "Backlog",
    "Completion",
    "CompletionState",
    "Completions",
    "Database",
    "ErrorKind",
    "Event",
    "EventState",
    "Executor",
    "Launch",
    "LaunchPreview",
    "LaunchRefused",
    "Launches",
    "Ledger",
    "Observer",
    "Outbox",
    "RefusalReason",
    "ResultNonces",
    "Row",
    "basket_key",
    "hash_code",
    "support_code",
]
