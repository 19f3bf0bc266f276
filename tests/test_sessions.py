"""Encrypted session cookies: tamper, expiry and key rotation mean "no session", never an error;
the Minted token cannot be read from the cookie."""

from __future__ import annotations

import base64
import dataclasses
import time
from collections.abc import Callable

import pytest
from itsdangerous import URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from webview_host import sessions
from webview_host.sessions import (
    CHECKOUT_SALT,
    SESSION_SALT,
    CustomerSession,
    Sealer,
    SessionStore,
    Signer,
)
from webview_host.settings import Secret

OLD = Secret("old-key-0123456789abcdef")
NEW = Secret("new-key-0123456789abcdef")


def session() -> CustomerSession:
    return CustomerSession.new(
        customer_id="c-1",
        launch_id="L",
        locale="tr",
        token="T" * 32,
        token_expires_at=None,
        return_url=None,
    )


def request_with(name: str, value: str) -> Request:
    cookie = f"{name}={value}".encode()
    return Request({"type": "http", "headers": [(b"cookie", cookie)]})


def cookie_value(response: Response) -> tuple[str, str]:
    header = response.headers["set-cookie"]
    name, _, rest = header.partition("=")
    return name, rest.split(";")[0]


def test_round_trip_and_cookie_attributes() -> None:
    store = SessionStore([NEW], max_age=600, secure=False)
    response = Response()
    original = session()
    store.save(response, original)
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header
    assert "samesite=lax" in header
    assert "max-age=600" in header
    name, value = cookie_value(response)
    loaded = store.load(request_with(name, value))
    assert loaded is not None
    assert dataclasses.replace(loaded, expires_at=None) == original


def test_secure_cookie_uses_host_prefix() -> None:
    store = SessionStore([NEW], max_age=600, secure=True)
    response = Response()
    store.save(response, session())
    header = response.headers["set-cookie"]
    assert header.startswith("__Host-wvh_session=")
    assert "Secure" in header
    assert "Domain" not in header
    assert "Path=/" in header


@pytest.mark.parametrize(
    "mangle",
    [
        lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),
        lambda v: "garbage",
        lambda v: "",
        lambda v: v[:20] + v[21:],
        lambda v: v + "A",
        lambda v: "ü" + v,
    ],
)
def test_tampered_cookie_is_no_session(mangle: Callable[[str], str]) -> None:
    store = SessionStore([NEW], max_age=600, secure=False)
    response = Response()
    store.save(response, session())
    name, value = cookie_value(response)
    assert store.load(request_with(name, mangle(value))) is None


def test_expired_cookie_is_no_session() -> None:
    now = [time.time()]
    store = SessionStore([NEW], max_age=60, secure=False, clock=lambda: now[0])
    response = Response()
    store.save(response, session())
    name, value = cookie_value(response)
    now[0] += 61
    assert SessionStore([NEW], max_age=60, secure=False).load(request_with(name, value)), (
        "a store on the real clock still opens it: the expiry above is the clock's doing"
    )
    assert store.load(request_with(name, value)) is None


def test_a_remembered_session_still_ends_at_its_max_age() -> None:
    """Opened cookies are remembered (the shell polls with the same one); the memory must
    not outlive the cookie's max age nor the session's end."""
    now = [time.time()]
    store = SessionStore([NEW], max_age=60, secure=False, clock=lambda: now[0])
    response = Response()
    store.save(response, dataclasses.replace(session(), expires_at=now[0] + 30))
    name, value = cookie_value(response)
    assert store.load(request_with(name, value)) is not None
    now[0] += 29
    assert store.load(request_with(name, value)) is not None
    now[0] += 2
    assert store.load(request_with(name, value)) is None, "the session's end"
    long_lived = SessionStore([NEW], max_age=60, secure=False, clock=lambda: now[0])
    again = Response()
    long_lived.save(again, session())
    _, fresh = cookie_value(again)
    assert long_lived.load(request_with(name, fresh)) is not None
    now[0] += 61
    assert long_lived.load(request_with(name, fresh)) is None, "the cookie's max age"


def test_only_cookies_that_opened_are_remembered_and_only_so_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sessions, "OPENED_CACHE_SIZE", 3)
    store = SessionStore([NEW], max_age=600, secure=False)
    opened = []
    real_open = store._sealer.open

    def counting(sealed: str | None) -> object:
        opened.append(sealed)
        return real_open(sealed)

    monkeypatch.setattr(store._sealer, "open", counting)
    values = []
    for _ in range(5):
        response = Response()
        store.save(response, session())
        values.append(cookie_value(response)[1])
    for value in values:
        assert store.load(request_with(store.cookie_name, value)) is not None
    assert store.load(request_with(store.cookie_name, values[-1])) is not None
    assert len(opened) == 5, "the last cookie was remembered, not decrypted again"
    assert len(store._opened) == 3, "the oldest were dropped"
    for _ in range(2):
        assert store.load(request_with(store.cookie_name, "garbage")) is None
    assert opened.count("garbage") == 2, "a cookie that did not open is tried every time"
    assert store.load(request_with(store.cookie_name, values[0])) is not None, "dropped, reopened"


def test_rotation_old_key_still_accepted_new_key_signs() -> None:
    before = SessionStore([OLD], max_age=600, secure=False)
    response = Response()
    before.save(response, session())
    name, old_value = cookie_value(response)
    rotated = SessionStore([OLD, NEW], max_age=600, secure=False)
    assert rotated.load(request_with(name, old_value)) is not None
    fresh = Response()
    rotated.save(fresh, session())
    _, new_value = cookie_value(fresh)
    only_new = SessionStore([NEW], max_age=600, secure=False)
    assert only_new.load(request_with(name, new_value)) is not None
    assert only_new.load(request_with(name, old_value)) is None


def test_the_minted_token_cannot_be_read_from_the_cookie() -> None:
    """Finding 5: a signed cookie only base64-encodes its JSON, token and all."""
    store = SessionStore([NEW], max_age=600, secure=False)
    response = Response()
    store.save(response, session())
    _, value = cookie_value(response)
    padded = value + "=" * (-len(value) % 4)
    decoded = base64.urlsafe_b64decode(padded)
    assert b"T" * 32 not in decoded
    assert b"c-1" not in decoded, "nothing of the session shows"
    assert '"' not in value, "a value that needs no quoting"


def test_a_cookie_sealed_for_another_purpose_or_key_does_not_open() -> None:
    other_purpose = Sealer([NEW], CHECKOUT_SALT, 600).seal({"sid": "x"})
    store = SessionStore([NEW], max_age=600, secure=False)
    assert store.load(request_with(store.cookie_name, other_purpose)) is None
    other_key = SessionStore([OLD], max_age=600, secure=False)
    response = Response()
    other_key.save(response, session())
    _, value = cookie_value(response)
    assert store.load(request_with(store.cookie_name, value)) is None


def test_a_value_signed_for_one_purpose_does_not_verify_for_another() -> None:
    checkout = Signer([NEW], CHECKOUT_SALT, 600)
    signed = checkout.dumps({"customer_id": "c-1"})
    store = SessionStore([NEW], max_age=600, secure=False)
    assert store.load(request_with(store.cookie_name, signed)) is None
    direct = URLSafeTimedSerializer(NEW.reveal(), salt=SESSION_SALT).dumps({"sid": "x"})
    assert store.load(request_with(store.cookie_name, direct)) is None, "wrong shape is no session"


def test_session_repr_hides_token_and_csrf() -> None:
    text = repr(session())
    assert "T" * 32 not in text
    assert "csrf" not in text


def test_session_ends_at_its_first_save_however_often_it_is_saved_again() -> None:
    """Token renewals re-save the cookie; the session still ends `max_age` after it began."""
    now = [time.time()]
    store = SessionStore([NEW], max_age=600, secure=False, clock=lambda: now[0])
    first = Response()
    store.save(first, session())
    name, value = cookie_value(first)
    loaded = store.load(request_with(name, value))
    assert loaded is not None
    assert loaded.expires_at == pytest.approx(now[0] + 600)
    now[0] += 500
    renewed = Response()
    store.save(renewed, loaded.with_token("U" * 32, None))
    assert "max-age=100" in renewed.headers["set-cookie"].lower()
    _, renewed_value = cookie_value(renewed)
    again = store.load(request_with(name, renewed_value))
    assert again is not None
    assert again.expires_at == loaded.expires_at
    now[0] += 101
    assert store.load(request_with(name, renewed_value)) is None


def test_cookie_from_before_expires_at_existed_still_loads() -> None:
    fields = dataclasses.asdict(session())
    del fields["expires_at"]
    old = Sealer([NEW], SESSION_SALT, 600).seal(fields)
    store = SessionStore([NEW], max_age=600, secure=False)
    loaded = store.load(request_with(store.cookie_name, old))
    assert loaded is not None
    assert loaded.expires_at is None
    assert store.stamped(loaded).expires_at is not None, "its next save gives it an end"
