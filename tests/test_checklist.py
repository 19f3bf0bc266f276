"""The headers-and-cookies checklist, as one test over every route, every method and every
status the host answers, over http (development) and https (production-like).

Every route the app has is requested (with and without a session, with each of its methods,
HEAD, and one it does not allow), then every status a route can answer is provoked; each
response must pass the same checklist. A route added later is covered without touching
this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from tests.helpers import (
    PARTNER_KEY,
    arm,
    create_launch,
    customer_payload,
    enter_shop,
    inline_code,
    make_settings,
    put_item,
    review_form,
    webview_token,
)
from webview_host.app import create_app

HTTPS = "https://shop.example"
AUTH = {"Authorization": f"Bearer {PARTNER_KEY}"}


class Crashing(httpx.AsyncBaseTransport):
    """A Minted transport with a bug of ours behind it: an unexpected exception (500)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug")


def check(response: Any, *, https: bool, what: str) -> None:
    """The checklist for one response."""
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp, what
    assert "frame-ancestors" in csp, what
    assert "unsafe-inline" not in csp, what
    assert "unsafe-eval" not in csp, what
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("referrer-policy") == "no-referrer", what
    assert headers.get("cross-origin-opener-policy") == "same-origin", what
    if not response.url.path.startswith("/static/"):
        assert headers.get("cache-control") == "no-store", what
    assert ("strict-transport-security" in headers) is https, what
    if response.status_code == 429:
        assert int(headers["retry-after"]) >= 1, what
    if response.status_code in (301, 302, 303, 307, 308):
        assert "/launch/" not in headers["location"], what
    if "text/html" in headers.get("content-type", ""):
        assert "charset=utf-8" in headers["content-type"], what
        assert inline_code(response.text) == [], what
    for cookie in headers.get_list("set-cookie"):
        check_cookie(cookie, https=https, what=what)


def check_cookie(cookie: str, *, https: bool, what: str) -> None:
    name = cookie.split("=", 1)[0]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    values = {
        part.strip().split("=")[0].lower(): part.strip().partition("=")[2].lower()
        for part in cookie.split(";")[1:]
    }
    assert "httponly" in attributes, f"{what}: {cookie}"
    assert values.get("path") == "/", f"{what}: {cookie}"
    assert "domain" not in attributes, f"{what}: {cookie}"
    assert values.get("samesite") in ("lax", "none"), f"{what}: {cookie}"
    if values["samesite"] == "none":
        assert {"secure", "partitioned"} <= attributes, f"{what}: a cross-site cookie: {cookie}"
    if https:
        assert name.startswith("__Host-"), f"{what}: {cookie}"
        assert "secure" in attributes, f"{what}: {cookie}"


def fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "not-a-real-id", path)


def every_route(app: Starlette) -> Iterator[tuple[str, str]]:
    """(method, path) for each route and method, HEAD for GET routes, and a method the route
    does not allow."""
    for route in app.routes:
        if isinstance(route, Mount):
            yield "GET", route.path + "/app.css"
            yield "GET", route.path + "/no-such-file.js"
        elif isinstance(route, Route):
            methods = set(route.methods or ())
            for method in sorted(methods):
                yield method, fill(route.path)
            yield ("DELETE" if "DELETE" not in methods else "PATCH"), fill(route.path)


@pytest.fixture(params=["http", "https"])
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def client_for(sandbox: Starlette, sqlite_url: str, scheme: str, **settings: str) -> TestClient:
    base = HTTPS if scheme == "https" else "http://127.0.0.1:8000"
    app = create_app(
        make_settings(database_url=sqlite_url, public_url=base, **settings),
        minted_transport=httpx.ASGITransport(app=sandbox),
    )
    return TestClient(app, base_url=base, follow_redirects=False, raise_server_exceptions=False)


def test_every_route_and_status_passes_the_checklist(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, scheme: str
) -> None:
    https = scheme == "https"
    seen: dict[int, int] = {}
    cookie = "__Host-wvh_session" if https else "wvh_session"

    def hit(client: TestClient, method: str, path: str, **kwargs: Any) -> Any:
        response = client.request(method, path, **kwargs)
        check(response, https=https, what=f"{scheme} {method} {path} -> {response.status_code}")
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        return response

    with client_for(sandbox, sqlite_url, scheme, limit_launch="40/hour") as client:
        assert isinstance(client.app, Starlette)
        routes = list(every_route(client.app))
        for method, path in routes:  # without a session
            hit(client, method, path, headers=AUTH)
        token = enter_shop(client)
        put_item(sandbox_client, token, "MNT0001", 1)
        for method, path in routes:  # with one
            hit(client, method, path)

        # Every status a route can answer: the launch exchange,
        link = create_launch(client).json()["launch_url"]
        hit(client, "GET", link)  # 200 launch page
        hit(client, "POST", link)  # 409: another customer's session is open
        hit(client, "POST", link, headers={"Origin": "https://evil.example"})  # 403
        client.cookies.clear()
        hit(client, "POST", link, headers={"Sec-Fetch-Dest": "iframe"})  # 303, framed cookie
        hit(client, "GET", link)  # 410 used
        client.cookies.clear()
        hit(client, "POST", create_launch(client).json()["launch_url"])  # 303
        # the partner API,
        hit(client, "POST", "/api/v1/launches", json={"customer": customer_payload()}, headers=AUTH)
        hit(client, "POST", "/api/v1/launches", json={"customer": {}}, headers=AUTH)  # 422
        hit(client, "POST", "/api/v1/launches", data={"a": "b"}, headers=AUTH)  # 415
        big = {"customer": customer_payload(middlename="x" * 20000)}
        hit(client, "POST", "/api/v1/launches", json=big, headers=AUTH)  # 413
        hit(client, "POST", "/api/v1/launches", json={})  # 401
        # checkout,
        webview_token(client)
        put_item(sandbox_client, webview_token(client), "MNT0001", 1)
        form = review_form(client)
        hit(client, "POST", "/checkout/complete", data={**form, "csrf": "x"})  # 403
        done = hit(client, "POST", "/checkout/complete", data=form)  # 303
        hit(client, "GET", done.headers["location"])  # 200 result page
        arm(sandbox, endpoint="get_active_basket", kind="status", status=502, count=3)
        hit(client, "GET", "/api/basket")  # 503
        arm(sandbox, endpoint="get_active_basket", kind="status", status=422, body="json")
        hit(client, "GET", "/checkout")  # 502
        client.cookies.set(cookie, "tampered")
        hit(client, "GET", "/shop")  # 401 and the bad cookie cleared

    with client_for(sandbox, sqlite_url, scheme, limit_launch="1/hour") as limited:
        hit(limited, "GET", "/launch/guess-1")  # 404
        hit(limited, "GET", "/launch/guess-2")  # 429
        hit(limited, "GET", "/api/basket")  # 401 JSON

    app = create_app(
        make_settings(database_url=sqlite_url, public_url=HTTPS if https else "http://x"),
        minted_transport=Crashing(),
    )
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as crashing:
        link = create_launch(crashing).json()["launch_url"]
        hit(crashing, "POST", link)  # 500: a bug of ours, still with every header

    assert {200, 201, 303, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 502, 503} <= set(
        seen
    ), seen


def test_inline_code_is_found_in_any_spelling() -> None:
    """The checklist parses pages: inline code a substring check for `<script>` misses."""
    for page in (
        '<script nonce="n">alert(1)</script>',
        "<SCRIPT>alert(1)</SCRIPT>",
        '<div style = "color: red">x</div>',
        "<img src=x onerror=alert(1)>",
        '<a href=" JavaScript:alert(1)">x</a>',
        "<style>p {}</style>",
    ):
        assert inline_code(page) != [], page
    clean = (
        '<link rel="stylesheet" href="/static/app.css"><script src="/static/x.js" defer></script>'
    )
    assert inline_code(clean) == []
