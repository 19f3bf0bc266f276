"""The sandbox's Digest verifier: the RFC's answer passes, anything else is a 401 challenge."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.helpers import Clock
from tests.sandbox.helpers import (
    HEADERS,
    assert_error_envelope,
    body_of,
    call_asgi,
    digest_header,
    status_of,
)
from webview_host.sandbox.digest import DigestVerifier


def signed(verifier: DigestVerifier, method: str, url: str) -> str:
    """What httpx.DigestAuth sends after the verifier's challenge."""
    request = httpx.Request(method, url)
    response = httpx.Response(
        401, headers={"www-authenticate": verifier.challenge()}, request=request
    )
    flow = httpx.DigestAuth("u", "p").auth_flow(request)
    next(flow)
    return flow.send(response).headers["authorization"]


def test_sha256_digest_is_verified() -> None:
    verifier = DigestVerifier("u", "p", algorithm="SHA-256")
    header = signed(verifier, "GET", "http://sandbox/partner/ecom/baskets?x=1")
    assert verifier.verify("GET", "/partner/ecom/baskets?x=1", header)
    assert not verifier.verify("GET", "/other", header)


def test_expired_nonce_is_reported_stale() -> None:
    clock = Clock()
    verifier = DigestVerifier("u", "p", nonce_ttl=10, clock=clock)
    header = signed(verifier, "GET", "http://sandbox/a")
    clock.advance(11)
    assert verifier.verify("GET", "/a", header) is None
    assert "stale=true" in verifier.challenge(stale=True)


@pytest.mark.parametrize(
    "response", ["ü" * 32, "\u0130" * 32, "\x00" * 32, "\udc80" * 32, "", "x" * 10_000]
)
def test_hostile_response_is_rejected_not_raised(response: str) -> None:
    """compare_digest raised TypeError on non-ASCII str: a 500 before this fix."""
    verifier = DigestVerifier("u", "p")
    header = signed(verifier, "GET", "http://sandbox/a")
    parts = [p for p in header.split(", ") if not p.startswith("response=")]
    assert verifier.verify("GET", "/a", ", ".join([*parts, f'response="{response}"'])) is False
    assert verifier.verify("GET", "/a", header.replace('username="u"', 'username="ü"')) is False


@pytest.mark.parametrize(
    "header",
    ["Digest", "Digest ", "Digest username=", 'Digest username="', "Digest ,,,", "Digest a=b=c",
     "Digest username", "Basic dTpw", "digest qop=auth", "Digest \x00=\x00"],
)  # fmt: skip
def test_malformed_headers_are_rejected(header: str) -> None:
    assert DigestVerifier("u", "p").verify("GET", "/a", header) is False


@given(header=st.text(max_size=400))
def test_any_header_text_is_a_verdict_never_an_exception(header: str) -> None:
    verdict = DigestVerifier("u", "p").verify("GET", "/a", "Digest " + header)
    assert verdict is False


_VALUES = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="latin-1"), max_size=80),
    st.sampled_from(["auth", "MD5", "SHA-256", "/a", "minted-sandbox", "00000001"]),
)


@given(params=st.dictionaries(
    st.sampled_from(["username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce",
                     "algorithm", "opaque"]),
    _VALUES,
))  # fmt: skip
def test_any_parameter_values_are_a_verdict(params: dict[str, str]) -> None:
    """Every parameter present in some form, with values from anywhere in Unicode."""
    header = "Digest " + ", ".join(f'{k}="{v}"' for k, v in params.items())
    assert DigestVerifier("u", "p").verify("POST", "/a", header) in (False, None)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.binary(max_size=300))
@pytest.mark.anyio
async def test_any_authorization_bytes_get_a_401_challenge(
    sandbox: Starlette, value: bytes
) -> None:
    """Over ASGI, as a server passes raw header bytes: a 401 envelope with a challenge."""
    messages = await call_asgi(
        sandbox,
        "POST",
        "/partner/ecom/token",
        headers=[(b"authorization", b"Digest " + value), (b"x-client-id", b"web")],
        body=b"{}",
    )
    assert status_of(messages) == 401
    assert dict(messages[0]["headers"])[b"www-authenticate"].startswith(b"Digest ")

    assert_error_envelope(401, json.loads(body_of(messages)))


def test_non_ascii_response_over_http_is_a_401_challenge(sandbox_client: TestClient) -> None:
    first = sandbox_client.post("/partner/ecom/token", json={}, headers=HEADERS)
    challenge = first.headers["www-authenticate"]
    header = digest_header(challenge, "POST", "/partner/ecom/token", response="é" * 32)
    response = sandbox_client.post(
        "/partner/ecom/token",
        json={},
        headers=[(b"x-client-id", b"web"), (b"authorization", header.encode())],  # UTF-8 bytes
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Digest ")
    ok = digest_header(challenge, "POST", "/partner/ecom/token")
    accepted = sandbox_client.post(
        "/partner/ecom/token", json={}, headers={**HEADERS, "Authorization": ok}
    )
    assert accepted.status_code == 422, "the same header with the right response passes Digest"
