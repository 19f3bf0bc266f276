"""An httpx transport that loses answers: Minted acted, but the host never hears back.

In-process the sandbox sits behind `httpx.ASGITransport`, which has no timeouts;
this wrapper raises the transport error the real network would (ReadTimeout,
ReadError) after the sandbox has acted on the request.
"""

from __future__ import annotations

import httpx


class LosingTransport(httpx.AsyncBaseTransport):
    """Forwards every request; loses the answer of the next call to a given path."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self._plan: list[tuple[str, Exception]] = []

    def lose_next(self, path: str, error: Exception) -> None:
        self._plan.append((path, error))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if "authorization" not in request.headers:
            return response  # a Digest challenge round trip
        for index, (path, error) in enumerate(self._plan):
            if request.url.path == path:
                del self._plan[index]
                await response.aclose()
                raise error
        return response
