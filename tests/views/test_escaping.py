"""Whatever Minted sends is shown as text: hostile names never become markup or attributes."""

from __future__ import annotations

import html.parser
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.helpers import (
    HOST,
    create_launch,
    inline_code,
    make_settings,
    open_launch,
    review_form,
)
from webview_host.app import create_app
from webview_host.sandbox.seeds import seed_bytes

HOSTILE = [
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "<svg/onload=alert(1)>",
]


class Elements(html.parser.HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def hostile_basket(name: str) -> dict[str, Any]:
    data = json.loads(seed_bytes("active_basket"), parse_float=Decimal)["data"]
    data["pricefix"]["remaining"] = 200
    data["items"][0]["product_name"] = name
    data["items"][0]["sku"] = name  # written into an attribute (data-sku)
    data["items"][0]["prices"][0]["name"] = name
    data["currency_code"] = "TRY"
    return data


def minted(name: str) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/partner/ecom/token":
            data: Any = {"token": "T" * 32, "expires_at": None, "expire_ttl": 3600}
        else:
            data = hostile_basket(name)
        body = {"data": data, "success": True, "code": 0, "message": ""}
        return httpx.Response(200, content=json.dumps(body, default=str).encode())

    return httpx.MockTransport(handler)


@pytest.fixture(params=HOSTILE)
def review(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[tuple[str, str]]:
    """(the hostile name, the review page showing it)."""
    app = create_app(make_settings(database_url=sqlite_url), minted_transport=minted(request.param))
    with TestClient(app, base_url=HOST, follow_redirects=False) as client:
        launch = create_launch(client).json()["launch_url"].removeprefix(HOST)
        assert open_launch(client, launch).status_code == 303
        review_form(client)
        yield request.param, client.get("/checkout").text


def test_hostile_product_names_stay_text(review: tuple[str, str]) -> None:
    name, page = review
    parsed = parse(page)
    assert name in "".join(parsed.text), "the name is shown, as text"
    [line] = [attrs for tag, attrs in parsed.tags if attrs.get("data-testid") == "checkout-line"]
    assert line["data-sku"] == name, "the SKU stays one attribute's value"
    tags = [tag for tag, _ in parsed.tags]
    assert "img" not in tags
    assert "svg" not in tags
    assert tags.count("script") == 2, "only the page's own bridge.js and checkout.js"
    assert inline_code(page) == [], "no handler attribute, style or javascript: URL"
