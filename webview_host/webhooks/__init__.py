"""Signed webhooks to the partner's backend, from the ledger's transactional outbox.

`events` (which completion changes become events, written in the change's
transaction) -> `backoff` (the retry schedule) -> `signing` (the
`Webview-Host-Signature` header) -> `dispatcher` (the background worker).
"""

from .backoff import Backoff
from .dispatcher import Dispatcher, Outcome
from .events import EventType, EventWriter, event_type
from .signing import HEADER, signature, signature_header

__all__ = [
    "HEADER",
    "Backoff",
    "Dispatcher",
    "EventType",
    "EventWriter",
    "Outcome",
    "event_type",
    "signature",
    "signature_header",
]
