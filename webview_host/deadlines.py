"""A deadline for reading a request's body, which uvicorn does not have.

uvicorn (h11 or httptools) keeps a connection open for as long as a client
takes to send its request: neither the headers nor the body have a deadline
(`--timeout-keep-alive` only runs *between* requests). The app is called once
the headers are in, so a slow body is ours to end: after `WVH_BODY_TIMEOUT`
seconds of reading it, the request is answered 408 and the connection closed.
Half-sent *headers* never reach the app; they are the reverse proxy's to cut
(README, "Serving": nginx `client_header_timeout`, HAProxy `timeout
http-request`).
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTimeout(Exception):
    """The client did not send the whole body in time (answered 408)."""


class BodyDeadlineMiddleware:
    """Raise `BodyTimeout` in whoever reads the body once `seconds` have passed since it
    began reading; messages after the body (a disconnect) are not timed."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline: float | None = None
        body_done = False

        async def timed_receive() -> Message:
            nonlocal deadline, body_done
            if body_done:
                return await receive()
            if deadline is None:
                deadline = anyio.current_time() + self.seconds
            with anyio.move_on_after(deadline - anyio.current_time()):
                message = await receive()
                if message["type"] != "http.request" or not message.get("more_body", False):
                    body_done = True
                return message
            raise BodyTimeout()

        await self.app(scope, timed_receive, send)
