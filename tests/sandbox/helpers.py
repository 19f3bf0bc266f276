"""Helpers for the sandbox's tests: Digest and bearer calls, a customer with a basket."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.request import parse_http_list, parse_keqv_list

import httpx2
from starlette.testclient import TestClient

from tests.helpers import customer_payload, put_item

USER, PASSWORD = "sandbox-partner", "sandbox-password"
# TestClient runs on httpx2, so its requests take httpx2 auth objects.
DIGEST = httpx2.DigestAuth(USER, PASSWORD)
HEADERS = {"x-client-id": "web"}


def token_for(client: TestClient, customer: dict[str, Any] | None = None) -> str:
    """A webview token for a new (or the given) customer."""
    response = client.post(
        "/partner/ecom/token", json=customer or customer_payload(), headers=HEADERS, auth=DIGEST
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["data"]["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {token}"}


def shopping_customer(client: TestClient) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A customer with a token and one gold bar in the basket: (customer, token, basket)."""
    customer = customer_payload()
    token = token_for(client, customer)
    return customer, token, put_item(client, token, "MNT0001", 1)


def completed_order(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A customer and their completed Ecom Order."""
    customer, _, basket = shopping_customer(client)
    done = client.post(
        "/partner/ecom/complete",
        json={"external_customer_id": customer["external_id"], "cart_token": basket["token"]},
        headers=HEADERS,
        auth=DIGEST,
    )
    assert done.status_code == 200, done.text
    order: dict[str, Any] = done.json()["data"]
    return customer, order


def digest_header(challenge: str, method: str, uri: str, *, response: str | None = None) -> str:
    """An RFC 7616 `Authorization: Digest` value (MD5, qop=auth) answering `challenge`;
    `response` replaces the computed one (to send a wrong or hostile one)."""
    params = parse_keqv_list(parse_http_list(challenge.removeprefix("Digest ")))

    def md5(text: str) -> str:
        # Header text is bytes decoded as latin-1: hash the bytes as they go on the wire.
        return hashlib.md5(text.encode("latin-1")).hexdigest()  # noqa: S324 - Digest's own hash

    ha1, ha2 = md5(f"{USER}:{params['realm']}:{PASSWORD}"), md5(f"{method}:{uri}")
    computed = md5(f"{ha1}:{params['nonce']}:00000001:0a4f113b:auth:{ha2}")
    return (
        f'Digest username="{USER}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
        f'uri="{uri}", response="{response or computed}", qop=auth, nc=00000001, '
        f'cnonce="0a4f113b", algorithm=MD5, opaque="{params["opaque"]}"'
    )


def assert_error_envelope(status: int, body: Any) -> None:
    """A refusal in Minted's error envelope, its code the HTTP status."""
    assert isinstance(body, dict), body
    assert body["success"] is False, body
    assert body["data"] is None, body
    assert body["code"] == status, body
    assert isinstance(body["message"], str), body
    assert body["message"], body


async def call_asgi(
    app: Any,
    method: str,
    path: str,
    *,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
) -> list[dict[str, Any]]:
    """Send one raw HTTP request to an ASGI app; the messages it sent back, in order.

    Raw bytes everywhere (paths, query strings, headers) reach the app as a
    server would pass them, which an HTTP client would have escaped first.
    """
    import asyncio

    sent: list[dict[str, Any]] = []
    request_read = False

    async def receive() -> dict[str, Any]:
        nonlocal request_read
        if not request_read:
            request_read = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays until the answer is complete
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": query,
        "root_path": "",
        "headers": headers or [],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8001),
    }
    await app(scope, receive, send)
    return sent


def status_of(messages: list[dict[str, Any]]) -> int:
    status: int = messages[0]["status"]
    return status


def body_of(messages: list[dict[str, Any]]) -> bytes:
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")


async def digest_call(
    app: Any,
    method: str,
    path: str,
    *,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
) -> list[dict[str, Any]]:
    """`call_asgi` with a valid Digest answer to a fresh challenge of the app's verifier,
    over the raw URI bytes (`"` and `\\` cannot appear in its quoted `uri`)."""
    uri = path + ("?" + query.decode("latin-1") if query else "")
    header = digest_header(app.state.digest.challenge(), method, uri)
    auth = [(b"authorization", header.encode("latin-1")), (b"x-client-id", b"web")]
    return await call_asgi(
        app, method, path, query=query, headers=auth + (headers or []), body=body
    )
