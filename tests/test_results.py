"""The return_url result: the signed one-time token and the link that carries it."""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

from webview_host.results import return_link, sign_result, verify
from webview_host.sessions import CHECKOUT_SALT, Signer
from webview_host.settings import Secret

OLD = Secret("old-key-0123456789abcdef")
NEW = Secret("new-key-0123456789abcdef")
NOW = 1_800_000_000.0


def clock_at(t: float):
    return lambda: t


def test_a_signed_result_verifies_with_its_claims() -> None:
    token = sign_result([NEW], "cmp-1", "completed", clock=clock_at(NOW))
    claims = verify(token, [NEW], max_age=900, clock=clock_at(NOW + 10))
    assert claims is not None
    assert (claims.completion_id, claims.state, claims.iat) == ("cmp-1", "completed", int(NOW))
    assert len(claims.nonce) >= 16


def test_every_token_has_its_own_nonce() -> None:
    """One-time use is enforced on the nonce, so two returns never share one."""
    first = verify(sign_result([NEW], "cmp-1", "completed"), [NEW], max_age=900)
    second = verify(sign_result([NEW], "cmp-1", "completed"), [NEW], max_age=900)
    assert first is not None
    assert second is not None
    assert first.nonce != second.nonce


@pytest.mark.parametrize("state", ["completed", "failed"])
def test_the_payload_is_only_the_four_claims(state: str) -> None:
    """Read without the key, as anyone can: base64url JSON, compressed and marked by a
    leading '.' when that is shorter (a completed one usually is; docs/partner-apps.md)."""
    completion_id = secrets.token_urlsafe(12)
    payload = sign_result([NEW], completion_id, state).rpartition(".")[0]
    packed = payload.removeprefix(".")
    data = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
    claims = json.loads(zlib.decompress(data) if payload.startswith(".") else data)
    assert set(claims) == {"completion_id", "state", "nonce", "iat"}
    assert (claims["completion_id"], claims["state"]) == (completion_id, state)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: t.split(".")[0],
        lambda t: "",
        lambda t: "not.a.token",
    ],
)
def test_a_tampered_token_is_refused(mangle) -> None:
    token = sign_result([NEW], "cmp-1", "completed")
    assert verify(mangle(token), [NEW], max_age=900) is None


def test_a_token_is_refused_after_its_max_age_and_when_dated_in_the_future() -> None:
    token = sign_result([NEW], "cmp-1", "completed", clock=clock_at(NOW))
    assert verify(token, [NEW], max_age=900, clock=clock_at(NOW + 900)) is not None
    assert verify(token, [NEW], max_age=900, clock=clock_at(NOW + 901)) is None
    assert verify(token, [NEW], max_age=900, clock=clock_at(NOW - 3600)) is None


def test_keys_rotate_and_other_purposes_do_not_verify() -> None:
    old_token = sign_result([OLD], "cmp-1", "completed")
    assert verify(old_token, [OLD, NEW], max_age=900) is not None
    assert verify(old_token, [NEW], max_age=900) is None
    other_purpose = Signer([NEW], CHECKOUT_SALT, 900).dumps(
        {"completion_id": "cmp-1", "state": "completed", "nonce": "n", "iat": int(NOW)}
    )
    assert verify(other_purpose, [NEW], max_age=900) is None


@pytest.mark.parametrize(
    ("return_url", "expected_prefix", "kept"),
    [
        ("https://app.partner.example/done", "https://app.partner.example/done?", {}),
        (
            "https://app.partner.example/done?ref=a%20b&lang=tr",
            "https://app.partner.example/done?ref=a%20b&lang=tr&",
            {"ref": ["a b"], "lang": ["tr"]},
        ),
        ("bankapp://shop/done", "bankapp://shop/done?", {}),
        ("bankapp:///done?x=1", "bankapp:///done?x=1&", {"x": ["1"]}),
        ("bankapp:done", "bankapp:done?", {}),
    ],
)
def test_the_return_link_keeps_the_partners_url(return_url, expected_prefix, kept) -> None:
    link = return_link(return_url, completion_id="cmp-1", state="completed", result_token="t.s")
    assert link.startswith(expected_prefix)
    query = parse_qs(urlsplit(link).query)
    assert query == {
        **kept,
        "completion_id": ["cmp-1"],
        "state": ["completed"],
        "result_token": ["t.s"],
    }


def test_the_return_link_keeps_the_fragment_and_replaces_our_own_parameters() -> None:
    link = return_link(
        "bankapp://shop/done?state=stale&x=1#section",
        completion_id="cmp-1",
        state="failed",
        result_token="t.s",
    )
    assert (
        link == "bankapp://shop/done?x=1&completion_id=cmp-1&state=failed&result_token=t.s#section"
    )
