"""Property tests for what we parse from outside: Minted's answers and models, the session
cookie, launch codes. Each yields a value or our own error, never another exception."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.testclient import TestClient

from tests.helpers import HOST, create_launch, host_client, make_settings
from webview_host.minted import MintedError, MintedProtocolError
from webview_host.minted.envelope import parse, unwrap
from webview_host.minted.models import EcomOrder, Order, OrderResponse, Page, TokenGrant
from webview_host.sandbox.seeds import seed_bytes
from webview_host.sessions import SessionStore

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["", "2024-07-19T09:39:03.000000Z", "06-11-2023 07:18", "1e999", "NaN"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
SEEDS: dict[str, Any] = {
    "active_basket": EcomOrder,
    "clear_basket": EcomOrder,
    "incomplete_baskets": Page[EcomOrder],
    "order_alternative": Order,
    "sell": OrderResponse,
}
SHARED_HOST = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@given(seed=st.sampled_from(sorted(SEEDS)), data=st.data(), replacement=JSON)
def test_a_documented_answer_with_any_value_replaced_parses_or_is_a_protocol_error(
    seed: str, data: st.DataObject, replacement: Any
) -> None:
    document = copy.deepcopy(unwrap(200, seed_bytes(seed)))
    path = data.draw(st.sampled_from(_paths(document)))
    if not path:
        document = replacement
    else:
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = replacement
    with contextlib.suppress(MintedProtocolError):
        parse(SEEDS[seed], document)


@given(status=st.integers(100, 599), body=st.binary(max_size=200) | JSON.map(repr).map(str.encode))
def test_any_answer_bytes_are_data_or_one_of_our_errors(status: int, body: bytes) -> None:
    with contextlib.suppress(MintedError):
        unwrap(status, body, "application/json")


@given(data=JSON)
def test_any_token_grant_data_parses_or_is_a_protocol_error(data: Any) -> None:
    with contextlib.suppress(MintedProtocolError):
        parse(TokenGrant, data)


STORE = SessionStore(make_settings().cookie_keys, max_age=3600, secure=False)


@given(value=st.text(max_size=400) | st.binary(max_size=400).map(lambda b: b.decode("latin-1")))
def test_any_cookie_value_is_no_session(value: str) -> None:
    header = f"{STORE.cookie_name}={value}".encode("latin-1", "replace")
    request = Request({"type": "http", "headers": [(b"cookie", header)]})
    assert STORE.load(request) is None


@SHARED_HOST
@given(cookie=st.binary(max_size=200).filter(lambda b: b"\r" not in b and b"\n" not in b))
def test_any_cookie_header_over_http_is_a_401_page(host: TestClient, cookie: bytes) -> None:
    host.cookies.clear()
    for path in ("/shop", "/api/basket", "/checkout"):
        response = host.get(path, headers={b"cookie": b"wvh_session=" + cookie})
        assert response.status_code == 401


@pytest.fixture
def unlimited_host(sandbox: Starlette, sqlite_url: str) -> Iterator[TestClient]:
    """A host without the launch limit: these guesses come from one address, far faster
    than the limit lets anyone guess."""
    with host_client(sandbox, sqlite_url, limit_launch="off") as client:
        yield client


@SHARED_HOST
@given(code=st.text(min_size=1, max_size=80).filter(lambda c: c not in (".", "..")))
def test_any_launch_code_is_unknown_not_an_error(unlimited_host: TestClient, code: str) -> None:
    for method in ("GET", "HEAD", "POST"):
        response = unlimited_host.request(method, f"{HOST}/launch/" + _quote(code))
        # 307 only for a code ending in an encoded '/': Starlette's redirect to no slash.
        assert response.status_code in (307, 404, 405), (code, response.status_code)
        assert "set-cookie" not in response.headers


def test_a_real_code_still_opens(host: TestClient) -> None:
    url = create_launch(host).json()["launch_url"]
    assert host.get(url).status_code in (200, 303)


def _quote(code: str) -> str:
    from urllib.parse import quote

    return quote(code.encode("utf-8", "surrogatepass"), safe="")
