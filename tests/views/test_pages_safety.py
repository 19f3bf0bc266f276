"""What every page promises: security headers, CSP-safe markup, no secret in any log."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from tests.helpers import (
    HOST,
    confirm,
    create_launch,
    customer_payload,
    enter_shop,
    inline_code,
    open_launch,
    put_item,
    review_form,
    webview_token,
)


def test_every_page_has_the_security_headers(host: TestClient) -> None:
    enter_shop(host)
    for path in ("/", "/shop", "/checkout", "/healthz", "/launch/nope", "/static/app.css"):
        response = host.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-src http://127.0.0.1:8001" in csp
        assert "frame-ancestors 'self'" in csp, "sandbox mode: the partner-app harness frames us"
        assert "unsafe-inline" not in csp
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers, "plain http on localhost"


def test_shell_embeds_the_webview_in_the_html(host: TestClient) -> None:
    enter_shop(host)
    shell = host.get("/shop").text
    for testid in (
        "webview-frame",
        "basket-count",
        "basket-total",
        "pricefix-countdown",
        "review-button",
        "error-panel",
        "retry-button",
    ):
        assert f'data-testid="{testid}"' in shell
    assert inline_code(shell) == [], "CSP-safe markup"


def test_secrets_never_reach_the_logs(
    host: TestClient, sandbox_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    customer = customer_payload(identity_number="98765432109")
    launch_url = create_launch(host, customer).json()["launch_url"]
    open_launch(host, launch_url.removeprefix(HOST))
    token = webview_token(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    confirm(host, review_form(host))
    server_records = [r for r in caplog.records if not r.name.startswith("httpx2")]  # test client
    text = "\n".join(record.getMessage() + str(record.__dict__) for record in server_records)
    code = launch_url.rsplit("/", 1)[1]
    assert "/launch/{code}" in text, "the access log names the route"
    for secret in (code, token, "98765432109", host.cookies["wvh_session"]):
        assert secret not in text
