"""The ASGI middleware that applies armed faults (`faults.py`) to endpoint calls.

It counts every request and call per endpoint, takes the next armed fault,
and either answers in the sandbox's place or lets the sandbox act and then
delays, drips, loses or breaks its answer. Every long wait ends early when
the client goes away, so an abandoned `hang` or `drip` holds nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
from collections.abc import AsyncIterator

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .digest import DigestVerifier
from .endpoints import Auth, endpoint_of
from .faults import Fault, FaultKind, FaultPlan

HUGE_BYTES = 8 * 1024 * 1024
_CHUNK = 64 * 1024
_GATEWAY_TIMEOUT = b"<html><body><h1>504 Gateway Timeout</h1></body></html>"


class FaultMiddleware:
    """Counts calls per endpoint and applies the next armed fault, if any."""

    def __init__(self, app: ASGIApp, plan: FaultPlan, digest: DigestVerifier) -> None:
        self.app = app
        self.plan = plan
        self.digest = digest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = endpoint_of(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        self.plan.count_request(endpoint.name)
        authorised = any(name == b"authorization" for name, _ in scope["headers"])
        challenge_only = endpoint.auth == Auth.DIGEST and not authorised
        fault = self.plan.take(endpoint.name, challenge_only=challenge_only)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == FaultKind.DELAY:
            # Minted has the whole request, and acts on it `seconds` later whether or not
            # the caller is still waiting: a slow Minted, not a slow network.
            replay = await _received(receive)
            await asyncio.sleep(fault.seconds)
            await self.app(scope, replay, send)
        elif fault.process:
            await self._process_then(fault, scope, receive, send)
        else:
            if not challenge_only:  # the caller did call, even if we answer in its place
                self.plan.count_call(endpoint.name)
            async with _watch_disconnect(receive) as gone:
                await self._answer(fault, send, gone)

    async def _process_then(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the sandbox act on the call, then lose, delay, drip or break its answer."""
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        async with _watch_disconnect(receive) as gone:
            if fault.kind == FaultKind.DROP:
                await _drop(send)
            elif fault.kind in (FaultKind.TIMEOUT, FaultKind.HANG):
                if await _pause(fault.seconds, gone):
                    for message in held:
                        await send(message)
            elif fault.kind == FaultKind.DRIP:
                start = next(m for m in held if m["type"] == "http.response.start")
                body = b"".join(m.get("body", b"") for m in held if m["type"] != start["type"])
                await _drip(send, start, body, fault.seconds, gone)
            else:
                await self._answer(fault, send, gone)

    async def _answer(self, fault: Fault, send: Send, gone: asyncio.Event) -> None:
        """Answer in the sandbox's place, as the fault's kind says."""
        kind = fault.kind
        if kind in (FaultKind.HANG, FaultKind.TIMEOUT):
            if await _pause(fault.seconds, gone):
                await _respond(send, 504, _GATEWAY_TIMEOUT, "text/html")
        elif kind == FaultKind.DRIP:
            start = _start(504, len(_GATEWAY_TIMEOUT), "text/html")
            await _drip(send, start, _GATEWAY_TIMEOUT, fault.seconds, gone)
        elif kind == FaultKind.STATUS:
            await _status(send, fault)
        elif kind == FaultKind.UNAUTHORIZED:
            await _respond(send, 401, _envelope(401, "Unauthenticated."), "application/json")
        elif kind == FaultKind.PARAMETER_ERROR:
            errors = {"fault": ["Injected parameter error."]}
            body = _envelope(422, "The given data was invalid.", errors)
            await _respond(send, 422, body, "application/json")
        elif kind == FaultKind.MALFORMED:
            await _respond(send, 200, b"<html>not json", "text/html")
        elif kind == FaultKind.ENVELOPE:
            body = json.dumps({"status": "ok", "result": {"id": 1}}).encode()
            await _respond(send, 200, body, "application/json")
        elif kind == FaultKind.HUGE:
            await _huge(send)
        elif kind == FaultKind.AUTH_INT:
            challenge = self.digest.challenge(qop="auth-int")
            await _respond(
                send,
                401,
                _envelope(401, "Unauthenticated."),
                "application/json",
                [(b"www-authenticate", challenge.encode("latin-1"))],
            )
        else:  # drop
            await _drop(send)


async def _received(receive: Receive) -> Receive:
    """Read the whole request body now; a `receive` that gives it again later."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return replay


@contextlib.asynccontextmanager
async def _watch_disconnect(receive: Receive) -> AsyncIterator[asyncio.Event]:
    """An event set when the client disconnects (reads and drops any request body)."""
    gone = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    task = asyncio.create_task(watch())
    try:
        yield gone
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _pause(seconds: float, gone: asyncio.Event) -> bool:
    """Wait `seconds`; False when the client went away meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(gone.wait(), seconds)
    return not gone.is_set()


async def _drip(
    send: Send, start: Message, body: bytes, seconds: float, gone: asyncio.Event
) -> None:
    """Status and headers now, then the body one byte every `seconds`."""
    await send(start)
    if not body:
        await send({"type": "http.response.body", "body": b""})
    for i in range(len(body)):
        if not await _pause(seconds, gone):
            return
        more = i < len(body) - 1
        await send({"type": "http.response.body", "body": body[i : i + 1], "more_body": more})


def _envelope(code: int, message: str, errors: dict[str, list[str]] | None = None) -> bytes:
    body: dict[str, object] = {"data": None, "success": False, "code": code, "message": message}
    if errors:
        body["errors"] = errors
    return json.dumps(body).encode()


async def _status(send: Send, fault: Fault) -> None:
    try:
        phrase = http.HTTPStatus(fault.status).phrase
    except ValueError:  # a status Python does not name, e.g. 499
        phrase = "Error"
    if fault.body == "json":
        await _respond(send, fault.status, _envelope(fault.status, phrase), "application/json")
    elif fault.body == "html":
        body = f"<html><body><h1>{fault.status} {phrase}</h1></body></html>".encode()
        await _respond(send, fault.status, body, "text/html")
    else:
        await _respond(send, fault.status, b"", None)


def _start(
    status: int,
    length: int,
    content_type: str | None,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> Message:
    headers = [(b"content-length", str(length).encode())]
    if content_type is not None:
        headers.append((b"content-type", content_type.encode()))
    return {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: str | None,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    await send(_start(status, len(body), content_type, extra))
    await send({"type": "http.response.body", "body": body})


async def _huge(send: Send) -> None:
    """A valid envelope padded to `HUGE_BYTES`, sent in chunks."""
    head = b'{"data": null, "success": true, "code": 0, "message": "", "padding": "'
    tail = b'"}'
    padding = HUGE_BYTES - len(head) - len(tail)
    await send(_start(200, HUGE_BYTES, "application/json"))
    await send({"type": "http.response.body", "body": head, "more_body": True})
    for offset in range(0, padding, _CHUNK):
        chunk = b"x" * min(_CHUNK, padding - offset)
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": tail})


async def _drop(send: Send) -> None:
    """Promise a body, send part of it, stop: the server closes the connection mid-answer."""
    await send(_start(200, 1000, "application/json"))
    await send({"type": "http.response.body", "body": b'{"data": {', "more_body": False})
