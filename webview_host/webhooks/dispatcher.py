"""The webhook worker: takes due events from the outbox and POSTs them to the partner.

Runs in the background of every instance (`services.open_services`), every
`WVH_WEBHOOK_POLL_INTERVAL` seconds; the outbox's leases keep two workers from
taking the same attempt. Each attempt has one deadline (`WVH_WEBHOOK_TIMEOUT`)
for connecting, sending and the answer's status; a 2xx answer delivers the
event, anything else (a timeout, a refused connection, a redirect, 4xx, 5xx)
is a failed attempt retried on the `Backoff` schedule until it is given up.
"""

from __future__ import annotations

import logging
import random as _random
import time
from collections.abc import Callable, Sequence
from typing import Literal

import anyio
import httpx

from ..environment import Secret
from ..ledger import Event, Outbox
from .backoff import Backoff
from .signing import HEADER, signature_header

logger = logging.getLogger(__name__)

Outcome = Literal["delivered", "failed", "dead", "superseded"]
# Deliveries started at once by one worker run; the rest wait for the next run.
BATCH = 20
# How much longer than the attempt's deadline a claimed event stays leased.
LEASE_MARGIN = 30.0


class Dispatcher:
    """Delivers outbox events to `url`, signed with `secrets`."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        url: str,
        secrets: Sequence[Secret],
        timeout: float,
        backoff: Backoff,
        clock: Callable[[], float] = time.time,
        random: Callable[[], float] = _random.random,
        transport: httpx.AsyncBaseTransport | None = None,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self._outbox = outbox
        self._url = url
        self._secrets = tuple(secrets)
        self._timeout = timeout
        self._backoff = backoff
        self._clock = clock
        self._random = random
        self._on_outcome = on_outcome
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport, follow_redirects=False)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Dispatcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def run_once(self) -> list[tuple[Event, Outcome]]:
        """Claim the due events (one batch) and deliver them concurrently."""
        events = await self._outbox.claim(limit=BATCH, lease=self._timeout + LEASE_MARGIN)
        results: list[tuple[Event, Outcome]] = []

        async def one(event: Event) -> None:
            results.append((event, await self.deliver(event)))

        async with anyio.create_task_group() as group:
            for event in events:
                group.start_soon(one, event)
        return results

    async def deliver(self, event: Event) -> Outcome:
        """One attempt at `event` (already claimed), and its outcome recorded."""
        body = event.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "webview-host-webhooks/1",
            HEADER: signature_header(body, self._secrets, int(self._clock())),
        }
        status: int | None = None
        try:
            with anyio.fail_after(self._timeout):
                response = await self._http.post(self._url, content=body, headers=headers)
                await response.aclose()
            status = response.status_code
            error = "" if response.is_success else f"the receiver answered {status}"
        except TimeoutError:
            error = f"no answer within {self._timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: the request could not be completed"
        outcome = await self._record(event, status, error)
        if self._on_outcome is not None:
            self._on_outcome(outcome)
        log = logger.info if outcome == "delivered" else logger.warning
        log(
            "webhook %s %s attempt %d: %s",
            event.type,
            event.id,
            event.attempts,
            outcome if not error else f"{outcome} ({error})",
            extra={"event_id": event.id, "attempt": event.attempts, "outcome": outcome},
        )
        return outcome

    async def _record(self, event: Event, status: int | None, error: str) -> Outcome:
        if not error and status is not None:
            recorded = await self._outbox.delivered(event, status=status)
            return "delivered" if recorded else "superseded"
        retry_at = self._backoff.retry_at(
            created_at=event.created_at,
            attempt=event.attempts,
            now=self._clock(),
            random=self._random,
        )
        recorded = await self._outbox.failed(event, status=status, error=error, retry_at=retry_at)
        if not recorded:
            return "superseded"
        return "failed" if retry_at is not None else "dead"
