"""The default transport (aiohttp's pool under httpx) over real loopback sockets: whether a
failed call may have reached Minted is reported right, whatever aiohttp raised."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.servers import free_port
from webview_host.minted import MintedClient, MintedUnavailable

pytestmark = pytest.mark.anyio

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    await asyncio.sleep(30)


async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.close()


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.write(b"NOT HTTP AT ALL\r\n\r\n")
    await writer.drain()
    writer.close()


async def truncated(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
    )
    await writer.drain()
    writer.close()


@pytest.fixture
async def server(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    behaviour: Behaviour = request.param
    tasks: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await behaviour(reader, writer)
        except (asyncio.CancelledError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        listener.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def client(base_url: str, timeout: float = 10.0, max_connections: int = 100) -> MintedClient:
    return MintedClient(
        base_url=base_url,
        username="u",
        password="p",
        read_retries=0,
        retry_backoff=0,
        timeout=timeout,
        max_connections=max_connections,
    )


async def test_refused_connection_was_not_sent() -> None:
    async with client(f"http://127.0.0.1:{free_port()}") as minted:
        with pytest.raises(MintedUnavailable) as caught:
            await minted.complete("cust", "x" * 32)
    assert caught.value.request_sent is False


@pytest.mark.parametrize(
    "server", [hang, drop, reset, garbage, truncated], indirect=True, ids=lambda b: b.__name__
)
async def test_a_request_that_reached_the_server_counts_as_sent(server: str) -> None:
    async with client(server, timeout=0.5) as minted:
        with pytest.raises(MintedUnavailable) as caught:
            await minted.complete("cust", "x" * 32)
    assert caught.value.request_sent is True, caught.value
