"""Hostile input in every field of the partner API and every path parameter: control
characters (NUL, which PostgreSQL cannot store), lone surrogates, bytes that are not UTF-8,
huge values and malformed return URLs are answered 4xx, never 5xx, on both ledgers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import PARTNER_KEY, create_launch, customer_payload, enter_shop, host_client

AUTH = {"Authorization": f"Bearer {PARTNER_KEY}", "Content-Type": "application/json"}
CUSTOMER_FIELDS = list(customer_payload())
HOSTILE_TEXT = {
    "nul": "a\x00b",
    "control": "a\x1bb",
    "c1-control": "a\x85b",
    "del": "a\x7fb",
    "only-spaces": "   ",
    "newline-end": "12345678901\n",
    "huge": "x" * 5000,
    "rtl-override": "a\u202eb",
}


@pytest.fixture
def partner_host(sandbox: Starlette, database_url: str) -> Any:
    with host_client(
        sandbox, database_url, partner_origins="https://bank.example", return_url_schemes="bankapp"
    ) as client:
        yield client


def post_raw(client: TestClient, body: bytes) -> int:
    return client.post("/api/v1/launches", content=body, headers=AUTH).status_code


@pytest.mark.parametrize("field", CUSTOMER_FIELDS)
@pytest.mark.parametrize("kind", list(HOSTILE_TEXT))
def test_hostile_text_in_every_customer_field(
    partner_host: TestClient, field: str, kind: str
) -> None:
    response = create_launch(partner_host, customer_payload(**{field: HOSTILE_TEXT[kind]}))
    if kind == "rtl-override" and field in ("firstname", "lastname", "external_id"):
        assert response.status_code == 201, "printable Unicode is a name's business"
    else:
        assert response.status_code == 422, response.text
        assert f"customer.{field}" in response.json()["fields"]


@pytest.mark.parametrize("field", CUSTOMER_FIELDS)
def test_lone_surrogates_and_bytes_that_are_not_utf8(partner_host: TestClient, field: str) -> None:
    template = json.dumps({"customer": customer_payload(**{field: "MARK"})}).encode()
    for raw in (b"\\ud800", b"\xff\xfe", b"\xed\xa0\x80", b"\xc0\xaf"):
        assert post_raw(partner_host, template.replace(b"MARK", raw)) == 422


@pytest.mark.parametrize(
    "url",
    [
        "http://[",
        "https://[::1",
        "https://ｂａｎｋ.example/",  # fullwidth letters
        "https://bank.exampl℮/",  # a letterlike symbol NFKC maps to 'e'
        "https://bank.example\u2100/",
        "https://bank.example@evil.example/",
        "https://bank.example.evil.example/",
        "https://bank.example\\@evil.example",
        "HTTPS://BANK.EXAMPLE/",
        "https://bank.example:443/",
        "\x00https://bank.example/",
        "https://bank.example/\x00",
        "https://bank.example/a b",
        "bankapp://x\ny",
        "javascript:alert(1)",
        "data:text/html,x",
        "bankapp" + "x" * 3000,
    ],
)
def test_malformed_return_urls_are_422(partner_host: TestClient, url: str) -> None:
    response = create_launch(partner_host, return_url=url)
    assert response.status_code == 422, (url, response.text)
    assert list(response.json()["fields"]) == ["return_url"]


def test_allowed_return_urls(partner_host: TestClient) -> None:
    for url in ("https://bank.example", "https://bank.example/back?x=1#y", "bankapp://shop/done"):
        assert create_launch(partner_host, return_url=url).status_code == 201, url


@pytest.mark.parametrize(
    "path",
    [
        "/launch/%00",
        "/launch/%FF%FE",
        "/launch/%ED%A0%80",
        "/launch/" + "A" * 5000,
        "/orders/%00",
        "/orders/%FF",
        "/orders/" + "A" * 5000,
        "/api/orders/%00",
        "/api/orders/%ED%A0%80",
    ],
)
def test_hostile_path_parameters(partner_host: TestClient, path: str) -> None:
    enter_shop(partner_host)
    for method in ("GET", "POST", "HEAD"):
        status = partner_host.request(method, path).status_code
        assert 400 <= status < 500, (method, path, status)


# The host is stateless between these requests (each is refused before the ledger).
SHARED_HOST = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@SHARED_HOST
@given(body=st.binary(max_size=300))
def test_any_bytes_as_a_launch_body(host: TestClient, body: bytes) -> None:
    assert post_raw(host, body) in (413, 422)


@SHARED_HOST
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_as_a_launch_body(host: TestClient, value: Any) -> None:
    status = post_raw(host, json.dumps(value).encode())
    assert status == 422
