"""Fault injection for QA: make the next N calls of one sandbox endpoint misbehave.

Armed through the control API (`POST /_sandbox/faults`, see the README) or
`SandboxControl.fault(...)`. Faults exist only in the sandbox process.

| kind | what the caller sees | does the sandbox act on the call? |
|---|---|---|
| `delay` | the normal answer, `seconds` late | yes |
| `timeout` | no answer for `seconds`, then the normal one | yes (answer lost) |
| `hang` | no answer for `seconds`, then a 504 | no |
| `status` | an error status (`status`, default 502) with an HTML body | no |
| `unauthorized` | 401 with the error envelope | no |
| `parameter_error` | 422 with the error envelope and a field error | no |
| `malformed` | 200 with a body that is not JSON | no |
| `drop` | the connection closes mid-answer | yes when `process` is true (default) |

`process` overrides the last column for any kind.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Sandbox endpoint names (used by faults and by `calls` statistics) -> (method, path).
ENDPOINTS: dict[str, tuple[str, str]] = {
    "create_token": ("POST", "/partner/ecom/token"),
    "get_active_basket": ("GET", "/partner/ecom/getActiveBasket"),
    "complete": ("POST", "/partner/ecom/complete"),
    "get_ecom_order": ("POST", "/partner/ecom/getorder"),
    "clear_basket": ("DELETE", "/partner/ecom/basket/empty"),
    "get_incomplete_baskets": ("GET", "/partner/ecom/baskets"),
    "get_order": ("POST", "/partner/order"),
    "sell": ("POST", "/partner/order/digital/sell"),
    "prices": ("GET", "/partner/prices"),
    "webview": ("GET", "/webview/"),
}
DIGEST_ENDPOINTS = frozenset(ENDPOINTS) - {"get_active_basket", "webview"}
KINDS = (
    "delay",
    "timeout",
    "hang",
    "status",
    "unauthorized",
    "parameter_error",
    "malformed",
    "drop",
)
_PROCESSED_BY_DEFAULT = {"delay", "timeout", "drop"}


class FaultError(ValueError):
    """A fault request is malformed; the message says which field and why."""


@dataclasses.dataclass
class Fault:
    endpoint: str
    kind: str
    count: int = 1
    seconds: float = 30.0
    status: int = 502
    process: bool = False

    @classmethod
    def from_json(cls, body: Any) -> Fault:
        if not isinstance(body, dict):
            raise FaultError("The fault must be a JSON object.")
        endpoint, kind = body.get("endpoint"), body.get("kind")
        if endpoint not in ENDPOINTS:
            raise FaultError(f"'endpoint' must be one of {', '.join(ENDPOINTS)}; got {endpoint!r}.")
        if kind not in KINDS:
            raise FaultError(f"'kind' must be one of {', '.join(KINDS)}; got {kind!r}.")
        count, seconds, status = body.get("count", 1), body.get("seconds", 30), body.get("status")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1000:
            raise FaultError(f"'count' must be an integer from 1 to 1000; got {count!r}.")
        if not isinstance(seconds, int | float) or not 0 <= seconds <= 600:
            raise FaultError(f"'seconds' must be a number from 0 to 600; got {seconds!r}.")
        if status is None:
            status = 502
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise FaultError(f"'status' must be an HTTP error status 400-599; got {status!r}.")
        process = body.get("process", kind in _PROCESSED_BY_DEFAULT)
        if not isinstance(process, bool):
            raise FaultError(f"'process' must be true or false; got {process!r}.")
        return cls(endpoint, kind, count, float(seconds), status, process)


class FaultPlan:
    """The armed faults and a call counter per endpoint."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.requests: dict[str, int] = {}  # every HTTP request, Digest challenges included
        self.calls: dict[str, int] = {}  # calls made by a client (Digest challenges excluded)

    def arm(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.faults.clear()
        self.requests.clear()
        self.calls.clear()

    def count_call(self, endpoint: str) -> None:
        self.calls[endpoint] = self.calls.get(endpoint, 0) + 1

    def take(self, endpoint: str) -> Fault | None:
        for fault in self.faults:
            if fault.endpoint == endpoint:
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(f) for f in self.faults]


def endpoint_of(method: str, path: str) -> str | None:
    for name, (m, p) in ENDPOINTS.items():
        if method == m and path == p:
            return name
    return None


class FaultMiddleware:
    """Counts calls per endpoint and applies the next armed fault, if any."""

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self.app = app
        self.plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = endpoint_of(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if endpoint is not None:
            self.plan.requests[endpoint] = self.plan.requests.get(endpoint, 0) + 1
        # A Digest endpoint's unauthenticated first request only fetches the challenge:
        # faults are for the real call that follows.
        challenge_only = endpoint in DIGEST_ENDPOINTS and not any(
            name == b"authorization" for name, _ in scope["headers"]
        )
        fault = self.plan.take(endpoint) if endpoint and not challenge_only else None
        if endpoint is None or fault is None:
            await self.app(scope, receive, send)
            return
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            await self.app(scope, receive, send)
            return
        if fault.process:
            await self._process_then(fault, scope, receive, send)
            return
        self.plan.count_call(endpoint)  # the caller did call, even if we answer in its place
        await self._fail(fault, send)

    async def _process_then(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the sandbox act on the call, then lose or break its answer."""
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        if fault.kind == "drop":
            await _drop(send)
            return
        if fault.kind in ("timeout", "hang"):
            await asyncio.sleep(fault.seconds)
            for message in held:
                await send(message)
            return
        await self._fail(fault, send)

    @staticmethod
    async def _fail(fault: Fault, send: Send) -> None:
        if fault.kind == "hang" or fault.kind == "timeout":
            await asyncio.sleep(fault.seconds)
            await _respond(send, 504, b"<html><body>Gateway Timeout</body></html>", "text/html")
        elif fault.kind == "status":
            body = f"<html><body><h1>{fault.status} Bad Gateway</h1></body></html>".encode()
            await _respond(send, fault.status, body, "text/html")
        elif fault.kind == "unauthorized":
            await _respond(send, 401, _envelope(401, "Unauthenticated.", {}), "application/json")
        elif fault.kind == "parameter_error":
            errors = {"fault": ["Injected parameter error."]}
            await _respond(
                send, 422, _envelope(422, "The given data was invalid.", errors), "application/json"
            )
        elif fault.kind == "malformed":
            await _respond(send, 200, b"<html>not json", "text/html")
        else:  # drop
            await _drop(send)


def _envelope(code: int, message: str, errors: dict[str, list[str]]) -> bytes:
    return json.dumps(
        {"data": None, "success": False, "code": code, "message": message, "errors": errors}
    ).encode()


async def _respond(send: Send, status: int, body: bytes, content_type: str) -> None:
    headers: Iterable[tuple[bytes, bytes]] = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})
    await send({"type": "http.response.body", "body": body})


async def _drop(send: Send) -> None:
    """Promise a body, send part of it, stop: the server closes the connection mid-answer."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"data": {', "more_body": False})
