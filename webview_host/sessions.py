"""The customer's session, carried in one signed cookie (itsdangerous).

One serializer per purpose, each with its own salt, so a value signed for one
purpose never verifies for another. Keys are a list, newest last: the newest
signs, all verify, so a key rotates without logging anyone out. A tampered,
expired or malformed cookie is simply "no session" (`BadData` is caught),
never an error page.

The cookie holds the Minted token (HttpOnly, never readable by scripts) but
no personal data: the customer's profile, needed to renew the token, stays in
the ledger under `launch_id`.
"""

from __future__ import annotations

import dataclasses
import math
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from .settings import Secret
from .types import Locale

SESSION_SALT = "wvh.session.v1"
CHECKOUT_SALT = "wvh.checkout.v1"


@dataclasses.dataclass(frozen=True)
class CustomerSession:
    """Who is shopping, in which language, with which Minted token."""

    sid: str
    customer_id: str
    launch_id: str
    locale: Locale
    token: str = dataclasses.field(repr=False)
    token_expires_at: float | None
    csrf: str = dataclasses.field(repr=False)
    return_url: str | None = None
    # When the session ends (epoch seconds), however often the token is renewed.
    # Stamped by `SessionStore.save`; None in cookies written before it existed.
    expires_at: float | None = None

    @classmethod
    def new(
        cls,
        *,
        customer_id: str,
        launch_id: str,
        locale: Locale,
        token: str,
        token_expires_at: float | None,
        return_url: str | None,
    ) -> CustomerSession:
        return cls(
            sid=secrets.token_urlsafe(12),
            customer_id=customer_id,
            launch_id=launch_id,
            locale=locale,
            token=token,
            token_expires_at=token_expires_at,
            csrf=secrets.token_urlsafe(24),
            return_url=return_url,
        )

    def with_token(self, token: str, expires_at: float | None) -> CustomerSession:
        return dataclasses.replace(self, token=token, token_expires_at=expires_at)


class Signer:
    """A timed, salted serializer over the key list; `loads` returns None on any bad value."""

    def __init__(self, keys: Sequence[Secret], salt: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer([k.reveal() for k in keys], salt=salt)
        self.max_age = max_age

    def dumps(self, value: Any) -> str:
        return self._serializer.dumps(value)

    def loads(self, signed: str | None) -> Any | None:
        if not signed:
            return None
        try:
            return self._serializer.loads(signed, max_age=self.max_age)
        except BadData:
            return None


class SessionStore:
    """Reads and writes the session cookie on requests and responses.

    A session lives `max_age` seconds from its first save: `expires_at` is
    stamped then and kept through token renewals, so the cookie's own
    (sliding) timestamp never stretches it.
    """

    def __init__(
        self,
        keys: Sequence[Secret],
        *,
        max_age: int,
        secure: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._signer = Signer(keys, SESSION_SALT, max_age)
        self._clock = clock
        self.max_age = max_age
        self.secure = secure
        # `__Host-` pins the cookie to this exact host over HTTPS, path /, no Domain.
        self.cookie_name = "__Host-wvh_session" if secure else "wvh_session"

    def load(self, request: Request) -> CustomerSession | None:
        data = self._signer.loads(request.cookies.get(self.cookie_name))
        if not isinstance(data, dict):
            return None
        try:
            session = CustomerSession(**data)
        except TypeError:
            return None
        if session.expires_at is not None and session.expires_at <= self._clock():
            return None
        return session

    def stamped(self, session: CustomerSession) -> CustomerSession:
        """The session with its end fixed (`max_age` from now) if it has none yet."""
        if session.expires_at is not None:
            return session
        return dataclasses.replace(session, expires_at=self._clock() + self.max_age)

    def save(self, response: Response, session: CustomerSession) -> None:
        session = self.stamped(session)
        assert session.expires_at is not None
        response.set_cookie(
            self.cookie_name,
            self._signer.dumps(dataclasses.asdict(session)),
            max_age=max(1, math.ceil(session.expires_at - self._clock())),
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(
            self.cookie_name, path="/", secure=self.secure, httponly=True, samesite="lax"
        )
