"""The webview page and its JSON API: framed by the host only, quantities as documented."""

from __future__ import annotations

import html

import pytest
from starlette.testclient import TestClient

from tests.helpers import customer_payload, inline_code, make_sandbox_settings, put_item
from tests.sandbox.helpers import token_for
from webview_host.sandbox.app import create_app


def test_webview_page_is_framable_only_by_the_host(sandbox_client: TestClient) -> None:
    token = token_for(sandbox_client)
    page = sandbox_client.get(f"/webview/?token={token}")
    assert page.status_code == 200
    assert "frame-ancestors http://127.0.0.1:8000" in page.headers["content-security-policy"]
    assert 'data-testid="product-MNT0001"' in page.text
    assert 'data-parent-origin="http://127.0.0.1:8000"' in page.text
    assert inline_code(page.text) == []
    expired = sandbox_client.get("/webview/?token=nope")
    assert expired.status_code == 401
    assert 'data-testid="webview-expired"' in expired.text


def test_partner_origins_may_frame_the_webview() -> None:
    app = create_app(make_sandbox_settings(partner_origins="https://bank.example/app"))
    with TestClient(app) as client:
        page = client.get(f"/webview/?token={token_for(client)}")
    assert page.headers["content-security-policy"].endswith(
        "frame-ancestors http://127.0.0.1:8000 https://bank.example"
    )


def test_hostile_token_is_not_echoed(sandbox_client: TestClient) -> None:
    hostile = '"><img src=x onerror=alert(1)>'
    page = sandbox_client.get("/webview/", params={"token": hostile})
    assert page.status_code == 401
    assert hostile not in page.text
    assert html.escape(hostile) not in page.text


def test_static_files_come_from_the_package(sandbox_client: TestClient) -> None:
    script = sandbox_client.get("/webview/static/webview.js")
    assert script.status_code == 200
    assert "postMessage" in script.text


def test_webview_quantity_rules(sandbox_client: TestClient) -> None:
    token = token_for(sandbox_client)
    auth = {"Authorization": f"Bearer {token}"}
    for body in ({"quantity": -1}, {"quantity": "2"}, {"quantity": 100}, {"quantity": True}):
        response = sandbox_client.put("/webview/api/basket/items/MNT0001", json=body, headers=auth)
        assert response.status_code == 422, body
    unknown = sandbox_client.put(
        "/webview/api/basket/items/NOPE", json={"quantity": 1}, headers=auth
    )
    assert unknown.status_code == 422
    put_item(sandbox_client, token, "MNT0005", 3)
    emptied = put_item(sandbox_client, token, "MNT0005", 0)
    assert emptied["items"] == []


@pytest.mark.parametrize("path", ["/webview/api/basket", "/webview/api/catalog"])
def test_webview_api_needs_the_token(sandbox_client: TestClient, path: str) -> None:
    assert sandbox_client.get(path).status_code == 401
    assert sandbox_client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    token = token_for(sandbox_client, customer_payload())
    assert sandbox_client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200
