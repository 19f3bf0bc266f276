"""Prometheus metrics of one host process, in a registry of its own.

Request latency is labelled by route *template* (`/orders/{completion_id}`),
never the raw path, so launch codes and ids cannot become label values and the
series stay few. Minted calls are labelled by endpoint path (fixed strings)
and outcome. Ledger figures (completions by state, the outbox's backlog and
its oldest pending event) are read from the database at scrape time: they are
the same on every instance, so aggregate them with `max`, not `sum`.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Web requests are mostly milliseconds; Minted calls and webhooks up to their timeouts.
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Every metric of the host; `render()` is the `/metrics` body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Histogram(
            "wvh_http_request_duration_seconds",
            "Time to answer a request, by route template, method and status.",
            ("route", "method", "status"),
            buckets=_REQUEST_BUCKETS,
            registry=r,
        )
        self.minted_calls = Histogram(
            "wvh_minted_call_duration_seconds",
            "Minted API calls (one per attempt), by endpoint path and outcome.",
            ("endpoint", "outcome"),
            buckets=_REQUEST_BUCKETS,
            registry=r,
        )
        self.webhook_deliveries = Counter(
            "wvh_webhook_deliveries",
            "Webhook delivery attempts by outcome (delivered, failed, dead, superseded).",
            ("outcome",),
            registry=r,
        )
        self.completions = Gauge(
            "wvh_completions",
            "Completions in the ledger by state (the same on every instance).",
            ("state",),
            registry=r,
        )
        self.outbox_pending = Gauge(
            "wvh_outbox_pending_events",
            "Webhook events not yet delivered (the same on every instance).",
            registry=r,
        )
        self.outbox_dead = Gauge(
            "wvh_outbox_dead_events",
            "Webhook events given up (redeliver them through the partner API or the CLI).",
            registry=r,
        )
        self.outbox_oldest_age = Gauge(
            "wvh_outbox_oldest_pending_age_seconds",
            "Age of the oldest undelivered webhook event (0 when none).",
            registry=r,
        )

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).observe(seconds)

    def observe_minted(self, endpoint: str, outcome: str, seconds: float) -> None:
        self.minted_calls.labels(endpoint, outcome).observe(seconds)

    def count_delivery(self, outcome: str) -> None:
        self.webhook_deliveries.labels(outcome).inc()

    def set_ledger(
        self,
        by_state: Mapping[str, int],
        *,
        pending: int,
        dead: int,
        oldest_age: float,
    ) -> None:
        for state, count in by_state.items():
            self.completions.labels(state).set(count)
        self.outbox_pending.set(pending)
        self.outbox_dead.set(dead)
        self.outbox_oldest_age.set(oldest_age)

    def render(self) -> bytes:
        return generate_latest(self.registry)
