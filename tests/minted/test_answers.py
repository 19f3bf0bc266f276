"""How the client reads real-world answers: gateways' error bodies, Digest it cannot answer,
slow drips, huge bodies. Whatever arrives, the caller sees one of our exceptions."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from webview_host.minted import (
    MintedClient,
    MintedError,
    MintedForbidden,
    MintedNotFound,
    MintedParameterError,
    MintedProtocolError,
    MintedUnauthorized,
    MintedUnavailable,
)
from webview_host.minted.envelope import MAX_ANSWER_BYTES
from webview_host.sandbox import seeds

pytestmark = pytest.mark.anyio


def client(handler: Any, *, timeout: float = 10.0) -> MintedClient:
    return MintedClient(
        base_url="https://minted.test",
        username="u",
        password="p",
        timeout=timeout,
        read_retries=0,
        transport=httpx.MockTransport(handler),
    )


BODIES = {
    "json": lambda status: httpx.Response(
        status, json={"data": None, "success": False, "code": status, "message": "m"}
    ),
    "html": lambda status: httpx.Response(
        status,
        text="<html><body>Gateway says no</body></html>",
        headers={"content-type": "text/html"},
    ),
    "empty": lambda status: httpx.Response(status, content=b""),
}


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, MintedUnauthorized),
        (403, MintedForbidden),
        (404, MintedNotFound),
        (422, MintedParameterError),
    ],
)
async def test_an_error_status_decides_whatever_the_body(
    status: int, error: type[MintedError], body: str
) -> None:
    """A gateway's empty or HTML 401 is still "unauthorized", so a token is renewed."""
    minted = client(lambda request: BODIES[body](status))
    with pytest.raises(error) as caught:
        await minted.get_active_basket("tok")
    assert type(caught.value) is error


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("body", sorted(BODIES))
async def test_a_server_error_is_unavailable_and_the_call_may_have_been_acted_on(
    status: int, body: str
) -> None:
    with pytest.raises(MintedUnavailable) as caught:
        await client(lambda request: BODIES[body](status)).complete("c", "x" * 32)
    assert caught.value.status == status
    assert caught.value.request_sent


async def test_a_digest_challenge_offering_only_auth_int_is_a_refusal() -> None:
    """httpx cannot answer qop=auth-int; the caller sees our exception, not NotImplementedError."""
    challenge = 'Digest realm="r", qop="auth-int", nonce="abc", algorithm=MD5, opaque="o"'
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, headers={"www-authenticate": challenge}, content=b"")

    with pytest.raises(MintedUnauthorized, match="cannot be answered"):
        await client(handler).complete("c", "x" * 32)
    assert len(seen) == 1, "the authenticated Complete never left"


class Drip(httpx.AsyncByteStream):
    """A body arriving one byte at a time: every read is quick, the whole is slow."""

    def __init__(self, body: bytes, every: float) -> None:
        self.body = body
        self.every = every

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for index in range(len(self.body)):
            await asyncio.sleep(self.every)
            yield self.body[index : index + 1]


async def test_the_timeout_is_a_deadline_for_the_whole_call() -> None:
    """A body dripping one byte every 50 ms never trips a per-read timeout; the deadline
    ends the call, as a call that may have been acted on."""
    body = seeds.seed_bytes("active_basket")
    minted = client(lambda request: httpx.Response(200, stream=Drip(body, 0.05)), timeout=0.3)
    with pytest.raises(MintedUnavailable, match="deadline") as caught:
        await minted.get_active_basket("tok")
    assert caught.value.request_sent


async def test_a_huge_answer_is_refused() -> None:
    huge = b'{"data": "' + b"x" * (MAX_ANSWER_BYTES + 1) + b'", "success": true}'
    for headers in ({}, {"content-length": str(len(huge))}):
        minted = client(lambda request, h=headers: httpx.Response(200, content=huge, headers=h))
        with pytest.raises(MintedProtocolError, match="limit"):
            await minted.get_active_basket("tok")


async def test_deeply_nested_json_is_a_protocol_error() -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(MintedProtocolError):
        await client(lambda request: httpx.Response(200, content=nested)).get_active_basket("tok")


@pytest.mark.parametrize(
    "error",
    [
        httpx.DecodingError("bad gzip"),
        httpx.TooManyRedirects("loop"),
        httpx.LocalProtocolError("bad header"),
        httpx.UnsupportedProtocol("ftp"),
    ],
)
async def test_every_httpx_error_becomes_one_of_ours(error: httpx.HTTPError) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    with pytest.raises(MintedError):
        await client(handler).get_active_basket("tok")


async def test_an_answer_within_the_deadline_is_read() -> None:
    body = json.loads(seeds.seed_bytes("active_basket"))
    minted = client(lambda request: httpx.Response(200, json=body), timeout=0.5)
    assert (await minted.get_active_basket("tok")).id == 207


async def test_after_an_auth_int_challenge_the_next_call_asks_again() -> None:
    """httpx.DigestAuth keeps the last challenge: one auth-int answer (a misrouted request, a
    proxy) must not fail every later call."""
    answers = [
        httpx.Response(
            401,
            headers={"www-authenticate": 'Digest realm="r", qop="auth-int", nonce="a"'},
        ),
        httpx.Response(
            401, headers={"www-authenticate": 'Digest realm="r", qop="auth", nonce="b"'}
        ),
        httpx.Response(200, json={"data": {"token": "t" * 32}, "success": True}),
    ]
    minted = client(lambda request: answers.pop(0))
    with pytest.raises(MintedUnauthorized):
        await minted.create_token({"external_id": "c"})
    grant = await minted.create_token({"external_id": "c"})
    assert grant.token == "t" * 32
    assert answers == []
