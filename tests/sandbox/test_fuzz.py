"""No malformed request makes the sandbox answer 5xx (hypothesis, as a server passes bytes).

Every Minted endpoint, the webview and its API, and the control API get hostile
input: control characters and NUL, non-UTF-8 bytes, lone surrogates, huge
strings, wrong JSON types, deep nesting, bad query strings. Requests that
cannot be valid must get a 4xx in Minted's error envelope; generated ones that
happen to be valid may succeed; none may get a 5xx.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.sandbox.helpers import (
    assert_error_envelope,
    body_of,
    call_asgi,
    digest_call,
    status_of,
    token_for,
)
from webview_host.sandbox.endpoints import ENDPOINTS, Auth

pytestmark = pytest.mark.anyio


class _Big(bytes):
    """A huge body that prints as its size, should hypothesis report it."""

    def __repr__(self) -> str:
        return f"<{len(self)} bytes: {bytes(self[:40])!r}...>"


class _Long(str):
    """A huge string that prints as its size."""

    def __repr__(self) -> str:
        return f"<{len(self)} characters>"


FUZZ = settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),  # any code point but surrogates: control characters, NUL, RTL marks
    st.text(alphabet=st.characters(categories=["Cc", "Cs", "Zl", "Zp"]), max_size=20),
    st.sampled_from(["", "\x00", "\u202e", "😀" * 40, "1e999", "NaN", "-1", "0", "²", "٣"]),
    st.integers(100_000, 300_000).map(lambda n: _Long("x" * n)),
)
HOSTILE_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "external_id", "firstname", "lastname", "middlename", "email", "phone", "gender",
    "identity_number", "birthdate", "external_customer_id", "customer_external_id",
    "cart_token", "guid", "order_code", "push_hook", "price_token", "currency_code", "items",
    "quantity", "customer_id", "endpoint", "kind", "count", "seconds", "status", "body",
    "process",
]  # fmt: skip
ITEMS = st.lists(st.dictionaries(st.sampled_from(["sku", "amount"]), HOSTILE_JSON), max_size=3)
FIELD_BODIES = st.dictionaries(
    st.sampled_from(FIELDS), HOSTILE_JSON | ITEMS | st.sampled_from(["GAU", "GAG", "TRY", 1, True])
).map(lambda d: _Big(json.dumps(d).encode()))
# Bodies no endpoint can accept: 4xx and nothing else.
INVALID_BODIES = st.one_of(
    st.binary(max_size=300).filter(lambda b: not _is_json_object(b)),
    HOSTILE_JSON.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode()),
    st.integers(1_000, 200_000).map(lambda n: _Big(b'{"items": ' + b"[" * n + b"]" * n + b"}")),
    st.integers(1_000, 200_000).map(lambda n: _Big(b'{"a":' * n + b"1" + b"}" * n)),
    st.just(_Big(b'{"external_id": "' + b"x" * (2 * 1024 * 1024) + b'"}')),
    st.sampled_from([b'{"external_id": "\\ud800"}', b'{"a": "\xff"}', b"\xef\xbb\xbf{}", b"{,}"]),
)
QUERIES = st.one_of(
    st.binary(max_size=200).filter(lambda b: b'"' not in b and b"\\" not in b),
    st.lists(
        st.tuples(
            st.sampled_from(["customer_external_id", "page", "total", "startDate", "endDate",
                             "card_bin", "token", "lang"]),
            HOSTILE_TEXT,
        ),
        max_size=6,
    ).map(lambda pairs: "&".join(
        f"{k}={quote(v.encode('utf-8', 'surrogatepass'))}" for k, v in pairs
    ).encode()),
)  # fmt: skip


def _is_json_object(raw: bytes) -> bool:
    try:
        return isinstance(json.loads(raw or b"{}"), dict)
    except (ValueError, RecursionError):
        return False


def check(messages: list[dict[str, Any]], *, strict: bool) -> int:
    """Never a 5xx; a 4xx is Minted's error envelope; `strict`: nothing but a 4xx."""
    status = status_of(messages)
    assert status < 500, body_of(messages)[:500]
    if strict:
        assert 400 <= status < 500, body_of(messages)[:500]
    if status >= 400:
        assert_error_envelope(status, json.loads(body_of(messages)))
    return status


BODY_ENDPOINTS = [e for e in ENDPOINTS.values() if e.has_body]


@FUZZ
@given(endpoint=st.sampled_from(BODY_ENDPOINTS), body=INVALID_BODIES)
async def test_invalid_bodies_get_a_4xx(sandbox: Starlette, endpoint: Any, body: bytes) -> None:
    check(await digest_call(sandbox, endpoint.method, endpoint.path, body=body), strict=True)


@FUZZ
@given(endpoint=st.sampled_from(BODY_ENDPOINTS), body=FIELD_BODIES)
async def test_hostile_field_values_never_get_a_5xx(
    sandbox: Starlette, endpoint: Any, body: bytes
) -> None:
    messages = await digest_call(sandbox, endpoint.method, endpoint.path, body=body)
    assert check(messages, strict=False) != 401, "the Digest answer was right"


@FUZZ
@given(query=QUERIES)
async def test_hostile_queries_never_get_a_5xx(sandbox: Starlette, query: bytes) -> None:
    for name in ("get_incomplete_baskets", "prices"):
        endpoint = ENDPOINTS[name]
        messages = await digest_call(sandbox, endpoint.method, endpoint.path, query=query)
        assert check(messages, strict=False) != 401, "Digest over the raw URI bytes"


@FUZZ
@given(value=st.binary(max_size=200), client_id=st.binary(max_size=50))
async def test_hostile_bearer_and_headers_get_a_4xx(
    sandbox: Starlette, value: bytes, client_id: bytes
) -> None:
    for endpoint in ENDPOINTS.values():
        if endpoint.auth != Auth.BEARER:
            continue
        headers = [(b"authorization", b"Bearer " + value), (b"x-client-id", client_id)]
        check(
            await call_asgi(sandbox, endpoint.method, endpoint.path, headers=headers), strict=True
        )


@FUZZ
@given(query=QUERIES, language=st.binary(max_size=40))
async def test_webview_page_never_fails(sandbox: Starlette, query: bytes, language: bytes) -> None:
    messages = await call_asgi(
        sandbox, "GET", "/webview/", query=query, headers=[(b"accept-language", language)]
    )
    assert status_of(messages) in (200, 401)


@FUZZ
@given(
    sku=st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s),
    body=INVALID_BODIES | FIELD_BODIES,
)
async def test_webview_api_never_gets_a_5xx(sandbox: Starlette, sku: str, body: bytes) -> None:
    with TestClient(sandbox) as client:
        token = token_for(client)
    auth = [(b"authorization", f"Bearer {token}".encode())]
    path = f"/webview/api/basket/items/{sku}"
    check(await call_asgi(sandbox, "PUT", path, headers=auth, body=body), strict=False)
    for method, path in (("GET", "/webview/api/basket"), ("POST", "/webview/api/basket/refresh"),
                         ("GET", "/webview/api/catalog")):  # fmt: skip
        check(await call_asgi(sandbox, method, path, headers=auth, body=body), strict=False)


@FUZZ
@given(body=INVALID_BODIES | FIELD_BODIES, customer=st.text(min_size=1, max_size=40))
async def test_control_api_never_gets_a_5xx(sandbox: Starlette, body: bytes, customer: str) -> None:
    calls = [("POST", "/_sandbox/faults"), ("POST", "/_sandbox/tokens/expire"),
             ("POST", "/_sandbox/pricefix/lapse"),
             ("GET", "/_sandbox/customers/" + customer.replace("/", "_"))]  # fmt: skip
    for method, path in calls:
        messages = await call_asgi(sandbox, method, path, body=body)
        assert status_of(messages) < 500, body_of(messages)[:300]
        routed = body_of(messages) != b"Not Found"  # "\n" in a path matches no route
        if status_of(messages) >= 400 and routed:
            assert "error" in json.loads(body_of(messages))
    sandbox.state.faults.faults.clear()  # an armed fault would change the next examples
