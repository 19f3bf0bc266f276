"""Hostile input in every field of every partner operation and every path parameter: control
characters (NUL, which PostgreSQL cannot store), lone surrogates, bytes that are not UTF-8,
huge values and malformed return URLs are answered 4xx, never 5xx, on both ledgers."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import PARTNER_KEY, create_launch, customer_payload, enter_shop, host_client
from webview_host.views.partner import OPERATIONS

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


# --- every field of every partner operation -------------------------------------------------

# One well-formed request per partner operation: (query, JSON body), with "ID" where a path
# parameter goes. Each of its values (path parameter, query parameter, body leaf) is replaced
# in turn by each hostile value below.
WELL_FORMED: dict[tuple[str, str], tuple[dict[str, str], Any]] = {
    ("post", "/api/v1/launches"): ({}, {"customer": customer_payload("c-1")}),
    ("get", "/api/v1/orders/{completion_id}"): ({"result_token": "t"}, None),
    ("get", "/api/v1/orders"): ({"external_customer_id": "c-1", "page": "1"}, None),
    ("get", "/api/v1/webhooks/events"): ({"completion_id": "abc", "state": "pending"}, None),
    ("get", "/api/v1/webhooks/events/{event_id}"): ({}, None),
    ("post", "/api/v1/webhooks/events/{event_id}/redeliver"): ({}, None),
    ("get", "/api/v1/baskets"): ({"external_customer_id": "c-1", "card_bin": "123456"}, None),
    ("post", "/api/v1/baskets/clear"): (
        {}, {"external_customer_id": "c-1", "cart_token": "c" * 32}
    ),
    ("post", "/api/v1/orders/lookup"): ({}, {"external_id": "c-1", "push_hook": False}),
    ("post", "/api/v1/sales/digital"): (
        {},
        {"price_token": "t", "external_id": "c-1", "items": [{"sku": "GAG", "amount": 1}]},
    ),
}  # fmt: skip
NO_INPUT = {("get", "/api/v1/prices")}  # no parameter, no body: nothing to make hostile
# As raw bytes, so that what no JSON encoder writes (bytes that are not UTF-8, a lone
# surrogate) reaches the host too. The huge value is over WVH_LAUNCH_MAX_BODY in a body.
HOSTILE_RAW = [b"a\x00b", b"a\x1bb", "a\x85b".encode(), b"a\x85b", b"\xff\xfe", b"\xed\xa0\x80",
               b"x" * 20_000]  # fmt: skip


def _leaves(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*prefix, index))
    else:
        yield prefix


def _with_marker(body: Any, leaf: tuple[Any, ...]) -> bytes:
    document = copy.deepcopy(body)
    parent = document
    for key in leaf[:-1]:
        parent = parent[key]
    parent[leaf[-1]] = "MARK"
    return json.dumps(document).encode()


def hostile_requests(method: str, path: str) -> Iterator[tuple[str, str, bytes | None]]:
    """(what is hostile, URL, body) for each value of the operation's well-formed request."""
    params, body = WELL_FORMED[(method, path)]
    raw_body = None if body is None else json.dumps(body).encode()

    def url(path_value: bytes, query: dict[str, bytes]) -> str:
        filled = re.sub(r"\{[^}]+\}", quote(path_value, safe=""), path)
        return filled + ("?" + urlencode(query) if query else "")

    encoded = {name: value.encode() for name, value in params.items()}
    for value in HOSTILE_RAW:
        if "{" in path:
            yield "path parameter", url(value, encoded), raw_body
        for name in params:
            yield f"query {name}", url(b"abc", {**encoded, name: value}), raw_body
        for leaf in _leaves(body) if body is not None else ():
            hostile = _with_marker(body, leaf).replace(b"MARK", value)
            yield f"body {'.'.join(map(str, leaf))}", url(b"abc", encoded), hostile


@pytest.mark.parametrize(("method", "path"), list(WELL_FORMED))
def test_hostile_values_in_every_field_of_every_partner_operation(
    partner_host: TestClient, method: str, path: str
) -> None:
    """Control characters (NUL, which PostgreSQL cannot store), bytes that are not UTF-8, a
    lone surrogate and huge values, in each path parameter, query parameter and body field:
    a 4xx each, never a 5xx."""
    answers = [
        (what, partner_host.request(method, target, content=body, headers=AUTH).status_code)
        for what, target, body in hostile_requests(method, path)
    ]
    assert answers, "every operation has a value to make hostile"
    assert [a for a in answers if not 400 <= a[1] < 500] == []


def test_every_partner_operation_has_a_well_formed_request() -> None:
    assert set(WELL_FORMED) | NO_INPUT == {(op.method, op.path) for op in OPERATIONS}
    for op in OPERATIONS:
        if (op.method, op.path) in NO_INPUT:
            assert (op.request, op.query, op.parameters) == (None, None, ()), op.path
