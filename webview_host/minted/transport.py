"""The network under the Minted client's `httpx.AsyncClient`: aiohttp's connection pool.

httpx keeps the API (auth flows, timeouts, `httpx.MockTransport` and
`httpx.ASGITransport` in tests); `httpx-aiohttp` hands the bytes to aiohttp, whose
pool stays fast under concurrency where httpcore's slows down (measured in
`bench/upstream.py`, README "Performance").

The one thing we do not take from `httpx-aiohttp` is its error mapping: it reports
every `aiohttp.ClientConnectionError`, a server that dropped the connection after
reading our request included, as `httpx.ConnectTimeout`, which our client must read
as "never sent". Here an error is "not sent" only when aiohttp failed to open the
connection; every other failure counts as sent, so a lost write is never taken for a
failed one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import httpx
import yarl
from httpx_aiohttp import AiohttpTransport
from httpx_aiohttp.transport import AiohttpResponseStream, map_aiohttp_exceptions


class MintedTransport(httpx.AsyncBaseTransport):
    """An aiohttp pool of `max_connections`, each kept open `keepalive_expiry` seconds idle.

    Every connection may stay alive (no separate keep-alive cap), so a burst of
    concurrent calls does not tear down and reopen connections afterwards.
    """

    def __init__(self, *, max_connections: int, keepalive_expiry: float) -> None:
        ssl_context = httpx.create_ssl_context()  # httpx's trust store, as before

        def session() -> aiohttp.ClientSession:
            # Cookies, redirects and decompression stay httpx's business.
            return aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=max_connections,
                    keepalive_timeout=keepalive_expiry,
                    ssl=ssl_context,
                ),
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
            )

        self._inner = _AsSigned(client=session)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(request)
        except (httpx.TransportError, aiohttp.ClientError, TimeoutError) as exc:
            raise by_delivery(exc) from exc
        response.stream = _BodyStream(response.stream)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class _AsSigned(AiohttpTransport):
    """`httpx-aiohttp` sending the request-target exactly as httpx built it.

    It hands aiohttp `str(url)`, which yarl re-quotes (`%3F` in a query becomes `?`),
    so the request-target differed from the `uri` httpx's DigestAuth had signed and
    Minted answered 401 to any query with such a character. A URL marked `encoded`
    is sent as it is.
    """

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(self.client, aiohttp.ClientSession):
            self.client = self.get_client()
        timeout = request.extensions.get("timeout", {})
        data: bytes | httpx.AsyncByteStream | None
        try:
            data = request.content or None
        except httpx.RequestNotRead:
            data = request.stream  # type: ignore[assignment]
            request.headers.pop("transfer-encoding", None)  # aiohttp frames the body itself
        with map_aiohttp_exceptions():
            response = await self.client.request(
                method=request.method,
                url=yarl.URL(str(request.url), encoded=True),
                headers=request.headers,
                data=data,
                allow_redirects=False,
                auto_decompress=False,
                compress=False,
                timeout=aiohttp.ClientTimeout(
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                    connect=timeout.get("pool"),
                ),
            ).__aenter__()
        extensions = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode()
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=AiohttpResponseStream(response),
            request=request,
            extensions=extensions,
        )


class _BodyStream(httpx.AsyncByteStream):
    """The response body, with errors while reading it mapped like the request's."""

    def __init__(self, inner: httpx.SyncByteStream | httpx.AsyncByteStream) -> None:
        assert isinstance(inner, httpx.AsyncByteStream)
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except (httpx.TransportError, aiohttp.ClientError, TimeoutError) as exc:
            raise by_delivery(exc) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


def by_delivery(exc: Exception) -> httpx.TransportError:
    """The httpx error for an aiohttp failure, by whether the request may have left.

    Not sent: aiohttp could not open a connection (refused, DNS, TLS handshake) or
    timed out waiting for one. Everything else may have reached the server.
    """
    cause = exc.__cause__ if isinstance(exc, httpx.TransportError) else exc
    message = f"{type(cause).__name__}: {cause}" if cause is not None else str(exc)
    if isinstance(cause, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)
    if isinstance(cause, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(cause, aiohttp.SocketTimeoutError | aiohttp.ServerTimeoutError | TimeoutError):
        return httpx.ReadTimeout(message)
    if isinstance(cause, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(message)
    if isinstance(cause, aiohttp.ClientPayloadError | aiohttp.ClientOSError):
        return httpx.ReadError(message)
    if isinstance(exc, httpx.TransportError) and not isinstance(
        exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
    ):
        return exc
    return httpx.RemoteProtocolError(message)
