"""A webhook receiver behind an httpx transport: records what arrives, fails on demand."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import httpx

WEBHOOK_URL = "https://partner.example/webhooks"
SECRET = "partner-webhook-secret-1"


@dataclasses.dataclass
class Received:
    """One POST as the receiver saw it."""

    body: bytes
    signature: str
    status: int

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


class Receiver(httpx.AsyncBaseTransport):
    """Answers each POST with `answer()`: a status code, or an exception to raise (down,
    slow). Every request that reached it is in `received`, accepted or not."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answer: Callable[[], int | Exception] = lambda: 204

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.status < 300]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        outcome = self.answer()
        if isinstance(outcome, Exception):
            raise outcome
        signature = request.headers.get("webview-host-signature", "")
        self.received.append(Received(body, signature, outcome))
        return httpx.Response(outcome)
