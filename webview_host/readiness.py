"""What `/readyz` and `webview-host check-config` check: the ledger, Minted, the outbox.

- ledger: it answers and its schema is at the latest migration. Failing, the
  instance is **not ready** (503): nothing can be recorded.
- minted: a Digest-authenticated read (Get Incomplete Baskets of a probe
  customer) is answered, even with 403/404/422. Failing: *degraded*.
- outbox: no webhook event has been due for longer than
  `WVH_OUTBOX_STUCK_SECONDS`. Failing: *degraded* (no worker is delivering).

Only the ledger takes an instance out of rotation: Minted and the partner's
receiver are shared by every instance, so failing readiness for them would
turn a partial outage into a full one. The Minted probe is cached for
`MINTED_PROBE_SECONDS` so a load balancer polling every second does not
become Minted's load.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any, Literal

from .ledger import Ledger
from .ledger.schema import LATEST, version
from .minted import MintedAPIError, MintedClient, MintedError, MintedUnauthorized

Status = Literal["ok", "degraded", "unavailable"]
MINTED_PROBE_SECONDS = 30.0
PROBE_CUSTOMER = "webview-host-readiness-probe"


@dataclasses.dataclass(frozen=True)
class Check:
    """One dependency's state: `ok`, and a sentence (and figures) saying why."""

    ok: bool
    detail: str
    figures: dict[str, Any] = dataclasses.field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        return {"ok": self.ok, "detail": self.detail, **self.figures}


async def probe_minted(minted: MintedClient) -> Check:
    """A Digest-authenticated read: reachable and our credentials accepted?"""
    try:
        await minted.get_incomplete_baskets(PROBE_CUSTOMER, per_page=1)
    except MintedUnauthorized:
        return Check(False, "Minted refused our Digest credentials (401)")
    except MintedAPIError as exc:
        # 403/404/422 for a made-up customer: Minted answered an authenticated call.
        return Check(True, f"reachable, Digest accepted (it answered {exc.status})")
    except MintedError as exc:
        return Check(False, f"Minted is not reachable: {exc}")
    return Check(True, "reachable, Digest accepted")


class Readiness:
    """The checks, with the Minted probe cached."""

    def __init__(
        self,
        ledger: Ledger,
        minted: MintedClient,
        *,
        webhooks_on: bool,
        stuck_after: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._ledger = ledger
        self._minted = minted
        self._webhooks_on = webhooks_on
        self._stuck_after = stuck_after
        self._clock = clock
        self._minted_check: tuple[float, Check] | None = None

    async def ledger(self) -> Check:
        try:
            at = await version(self._ledger.database)
        except Exception as exc:  # any failure means "not ready"; the type says enough
            return Check(False, f"the ledger does not answer ({type(exc).__name__})")
        if at != LATEST:
            return Check(False, f"the ledger's schema is at {at}, expected {LATEST}")
        return Check(True, f"{self._ledger.backend_name}, schema {at}")

    async def minted(self) -> Check:
        now = time.monotonic()
        if self._minted_check is None or now - self._minted_check[0] > MINTED_PROBE_SECONDS:
            self._minted_check = (now, await probe_minted(self._minted))
        return self._minted_check[1]

    async def outbox(self) -> Check:
        if not self._webhooks_on:
            return Check(True, "webhooks are off (WVH_WEBHOOK_URL is unset)")
        try:
            backlog = await self._ledger.outbox.backlog(overdue_after=self._stuck_after)
        except Exception as exc:  # reported, not raised: readiness must answer
            return Check(False, f"the outbox cannot be read ({type(exc).__name__})")
        oldest = backlog.oldest_created_at
        figures = {
            "pending": backlog.pending,
            "overdue": backlog.overdue,
            "dead": backlog.dead,
            "oldest_pending_age_seconds": round(self._clock() - oldest, 1) if oldest else 0,
        }
        if backlog.overdue:
            return Check(
                False,
                f"{backlog.overdue} event(s) due for over {self._stuck_after} s: "
                "no worker is delivering",
                figures,
            )
        return Check(True, "delivering", figures)

    async def report(self) -> tuple[Status, dict[str, Check]]:
        checks = {
            "ledger": await self.ledger(),
            "minted": await self.minted(),
            "outbox": await self.outbox(),
        }
        if not checks["ledger"].ok:
            return "unavailable", checks
        return ("ok" if all(c.ok for c in checks.values()) else "degraded"), checks
