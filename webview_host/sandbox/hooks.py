"""Get Order (Alternative)'s `push_hook`: Minted pushes the order to the partner.

The docs say only that `push_hook: true` asks for a push. The sandbox records
every push (QA reads them at `GET /_sandbox/hooks`) and, when
`WVH_SANDBOX_HOOK_URL` is set, POSTs the Order Schema JSON there after the
Get Order answer has gone, with a short timeout. A failed push is logged and
recorded, never turned into a failed Get Order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from . import render
from .state import HookPush

logger = logging.getLogger(__name__)


class HookPusher:
    """The pushes made so far, and their delivery to the partner's hook URL."""

    def __init__(
        self,
        url: str | None,
        *,
        timeout: float = 2.0,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self._timeout = timeout
        self._clock = clock
        self._transport = transport
        self.pushes: list[HookPush] = []

    def clear(self) -> None:
        self.pushes.clear()

    def record(self, order: dict[str, Any]) -> HookPush:
        """Note a push of this Order Schema; `deliver` it after answering."""
        push = HookPush(
            id=len(self.pushes) + 1,
            guid=str(order.get("guid")),
            order_code=order.get("order_code"),
            pushed_at=self._clock(),
            url=self.url,
            order=order,
            outcome="recorded" if self.url is None else "pending",
        )
        self.pushes.append(push)
        return push

    async def deliver(self, push: HookPush) -> None:
        """POST the order to the hook URL; the outcome lands on `push`."""
        if push.url is None:
            return
        try:
            async with httpx.AsyncClient(
                timeout=self._timeout, transport=self._transport
            ) as client:
                response = await client.post(
                    push.url,
                    content=render.minted_json(push.order),
                    headers={"content-type": "application/json", "user-agent": "minted-sandbox"},
                )
        except Exception as exc:  # whatever the partner's hook does, Get Order stands
            push.outcome, push.error = "failed", type(exc).__name__
        else:
            push.status_code = response.status_code
            push.outcome = "delivered" if response.is_success else "failed"
        if push.outcome == "failed":
            logger.warning(
                "push_hook of order %s failed: %s",
                push.guid,
                push.error or f"HTTP {push.status_code}",
                extra={"order_guid": push.guid, "hook_status": push.status_code},
            )
