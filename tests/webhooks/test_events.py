"""Which completion changes become webhook events: every outcome, and nothing else."""

from __future__ import annotations

from typing import get_args

from webview_host.ledger import CompletionState
from webview_host.webhooks import event_type
from webview_host.webhooks.events import EventType

PENDING, COMPLETED, FAILED, UNKNOWN = (
    CompletionState.PENDING,
    CompletionState.COMPLETED,
    CompletionState.FAILED,
    CompletionState.UNKNOWN,
)
# Every change the ledger makes (checkout/complete.py, checkout/reconcile.py,
# Completions.reclaim and mark_sent), and the event it produces.
CHANGES = {
    (PENDING, COMPLETED): "order.completed",
    (PENDING, FAILED): "order.failed",  # a refusal, or a dead process's call that never left
    (PENDING, UNKNOWN): None,  # Minted's answer was lost: not an outcome yet
    (PENDING, PENDING): None,  # marked sent
    (FAILED, PENDING): None,  # a retry from a new review
    (UNKNOWN, COMPLETED): "order.reconciled",
    (UNKNOWN, FAILED): "order.reconciled",
    (UNKNOWN, UNKNOWN): None,
}


def test_every_change_the_ledger_makes_and_the_event_it_produces() -> None:
    for (before, after), expected in CHANGES.items():
        assert event_type(before, after) == expected, (before, after)
    assert {e for e in CHANGES.values() if e} == set(get_args(EventType))
