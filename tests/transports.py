"""httpx transports around the sandbox: one that loses answers (Minted acted, but the host
never hears back), one that holds a call back so a test can order two requests.

In-process the sandbox sits behind `httpx.ASGITransport`, which has no timeouts;
`LosingTransport` raises the transport error the real network would (ReadTimeout,
ReadError) after the sandbox has acted on the request.
"""

from __future__ import annotations

import asyncio

import httpx


class LosingTransport(httpx.AsyncBaseTransport):
    """Forwards every request; loses the answer of the next call to a given path."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self._plan: list[tuple[str, Exception, bool]] = []

    def lose_next(self, path: str, error: Exception, *, delivered: bool = True) -> None:
        """Fail the next call to `path` with `error`, after (`delivered`) or instead of
        letting the sandbox act on it."""
        self._plan.append((path, error, delivered))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        planned = None
        if "authorization" in request.headers:  # not a Digest challenge round trip
            for index, (path, error, delivered) in enumerate(self._plan):
                if request.url.path == path:
                    planned = (error, delivered)
                    del self._plan[index]
                    break
        if planned is not None and not planned[1]:
            raise planned[0]
        response = await self.inner.handle_async_request(request)
        if planned is not None:
            await response.aclose()
            raise planned[0]
        return response


class GatedTransport(httpx.AsyncBaseTransport):
    """Forwards every request; `hold_next(path)` makes the next call to `path` wait, before
    it reaches the sandbox, until the test sets `release` (`held` says it is waiting)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.held = asyncio.Event()
        self.release = asyncio.Event()
        self._path: str | None = None

    def hold_next(self, path: str) -> None:
        self._path = path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == self._path:
            self._path = None
            self.held.set()
            await self.release.wait()
        return await self.inner.handle_async_request(request)
