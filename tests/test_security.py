"""The security module, driven directly: CSP, headers middleware, access log, origin checks."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.helpers import make_settings
from webview_host.security import (
    AccessLogMiddleware,
    SecurityHeadersMiddleware,
    content_security_policy,
    origin_allowed,
    tokens_match,
)

PUBLIC = "http://127.0.0.1:8000"


def request(**headers: str) -> Request:
    raw = [(k.lower().replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "POST", "headers": raw})


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"origin": PUBLIC}, True),
        ({"origin": "https://evil.example"}, False),
        ({"origin": PUBLIC + ".evil.example"}, False),
        ({"origin": "http://127.0.0.1:8001"}, False),
        ({"origin": "null", "sec_fetch_site": "same-origin"}, True),
        ({"origin": "null", "sec_fetch_site": "cross-site"}, False),
        ({"origin": "null", "sec_fetch_site": "same-site"}, False),
        ({"sec_fetch_site": "cross-site"}, False),
        ({}, True),  # a non-browser client: the CSRF token still decides
    ],
)
def test_origin_check(headers: dict[str, str], allowed: bool) -> None:
    assert origin_allowed(request(**headers), PUBLIC) is allowed


def test_tokens_match_in_constant_time_and_only_strings() -> None:
    assert tokens_match("abc", "abc")
    assert not tokens_match("abc", "abd")
    assert not tokens_match("abc", None)
    assert not tokens_match("abc", ["abc"])
    assert not tokens_match("abc", "")


def test_csp_names_the_webview_and_partner_origins() -> None:
    sandbox = content_security_policy(make_settings())
    assert "frame-ancestors 'self'" in sandbox, "sandbox mode: the partner-app harness frames us"
    assert "frame-src http://127.0.0.1:8001" in sandbox
    assert "script-src" not in sandbox, "default-src 'self' covers scripts: no inline, no eval"
    partners = content_security_policy(
        make_settings(partner_origins="https://bank.example, https://app.bank.example/x")
    )
    assert "frame-ancestors 'self' https://bank.example https://app.bank.example" in partners
    real = make_settings(
        sandbox="0",
        public_url="https://shop.example",
        minted_base_url="https://api.minted.example",
        minted_username="partner",
        minted_password="s3cret-password",
        webview_url_template="https://webview.minted.example/?token={token}",
        cookie_keys="Vx0rK3qf9Lr7yBz2N4cT8wPa6mJ1sHd5uGe0kQiWoYn",
        partner_keys="pk_Jt7Hw2Lm9Qx4Rb6Nc1Vz8Kd3Fs5Gy0Ua2Ee7Oi4P",
    )
    assert "frame-ancestors 'none'" in content_security_policy(real), "nothing frames us"
    framed = dataclasses.replace(
        real, partner_origins=("https://bank.example", "https://app.bank.example")
    )
    policy = content_security_policy(framed).split("; ")
    assert "frame-ancestors https://bank.example https://app.bank.example" in policy, (
        "outside sandbox mode exactly the partner origins, not 'self' (the harness's)"
    )


def test_csp_lets_the_bridge_url_scheme_channel_navigate_its_frames() -> None:
    csp = content_security_policy(make_settings(bridge_url_scheme="bankapp-events"))
    assert "frame-src http://127.0.0.1:8001 bankapp-events:" in csp


def app(public_url: str = PUBLIC) -> Starlette:
    async def page(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/launch/{code}", page), Route("/static/x.css", page)],
        middleware=[
            Middleware(AccessLogMiddleware),
            Middleware(SecurityHeadersMiddleware, settings=make_settings(public_url=public_url)),
        ],
    )


def test_headers_on_dynamic_and_static_responses() -> None:
    with TestClient(app()) as client:
        dynamic = client.get("/launch/abc")
        static = client.get("/static/x.css")
    for response in (dynamic, static):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in response.headers
    assert dynamic.headers["cache-control"] == "no-store"
    assert "cache-control" not in static.headers, "static files may be cached"


def test_hsts_over_https() -> None:
    with TestClient(app("https://host.example")) as client:
        response = client.get("/launch/abc")
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_access_log_names_the_route_not_the_path(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="webview_host.access")
    with TestClient(app()) as client:
        client.get("/launch/secret-code-123")
        client.get("/nowhere/secret-code-456")
    lines = [r.getMessage() for r in caplog.records if r.name == "webview_host.access"]
    assert lines[0].startswith("GET /launch/{code} 200 ")
    assert lines[1].startswith("GET (unmatched) 404 ")
    assert "secret-code" not in "\n".join(lines)
