"""The customer's session, carried in one encrypted cookie; signed values for other purposes.

The session cookie holds the Minted bearer token, so it is encrypted, not just
signed: Fernet (AES-128-CBC + HMAC-SHA256, with a timestamp for the max age)
from `cryptography`, one Fernet key per cookie key, derived with HKDF under a
purpose of its own. A `MultiFernet` over the key list (newest last in the
setting) encrypts with the newest and decrypts with any, so a key rotates
without logging anyone out. Other values (the Confirm form's basket reference)
are signed with itsdangerous, one salt per purpose, so a value made for one
purpose never verifies for another. A tampered, expired or malformed cookie is
simply "no session", never an error page.

The cookie holds no personal data: the customer's profile, needed to renew the
token, stays in the ledger under `launch_id`.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from .settings import Secret
from .types import Locale

SESSION_SALT = "wvh.session.v2"  # v2: encrypted (v1 cookies were signed only)
CHECKOUT_SALT = "wvh.checkout.v1"
# Opened session cookies kept per process (about 1 KB each).
OPENED_CACHE_SIZE = 2048


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
    # Opened inside a partner's cross-site frame: the cookie is then SameSite=None and
    # Partitioned (kept for that partner site only), as a Lax cookie is never sent there.
    framed: bool = False

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


class Sealer:
    """Encrypts and authenticates values with every key of the list (newest last), using
    the newest; `open` returns None for anything not sealed by one of them within
    `max_age` seconds."""

    def __init__(
        self,
        keys: Sequence[Secret],
        purpose: str,
        max_age: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._fernet = MultiFernet([_fernet(key, purpose) for key in reversed(keys)])
        self.max_age = max_age
        self._clock = clock

    def seal(self, value: Any) -> str:
        plain = json.dumps(value, separators=(",", ":")).encode()
        token = self._fernet.encrypt_at_time(plain, int(self._clock()))
        # Without base64's '=' padding the cookie value needs no quoting.
        return token.decode().rstrip("=")

    def open(self, sealed: str | None) -> tuple[Any, int] | None:
        """The value and when it was sealed (epoch seconds), or None."""
        if not sealed:
            return None
        try:
            token = (sealed + "=" * (-len(sealed) % 4)).encode("ascii")
            plain = self._fernet.decrypt_at_time(token, self.max_age, int(self._clock()))
        except (InvalidToken, UnicodeEncodeError):
            return None
        # A Fernet token is version (1 byte), timestamp (8, big-endian), IV, ciphertext, HMAC.
        sealed_at = int.from_bytes(base64.urlsafe_b64decode(token)[1:9], "big")
        return json.loads(plain), sealed_at


def _fernet(key: Secret, purpose: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        key.reveal().encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


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
        self._sealer = Sealer(keys, SESSION_SALT, max_age, clock)
        self._clock = clock
        # Cookie value -> (session, when sealed): the shell polls /api/basket with the same
        # cookie many times, and decrypting it is most of a request's own work. The key
        # list is fixed for the process's life, so a value that opened once opens again
        # until its max age; only values that opened are kept, oldest dropped first.
        self._opened: dict[str, tuple[CustomerSession, int]] = {}
        self._opened_max = OPENED_CACHE_SIZE
        self.max_age = max_age
        self.secure = secure
        # `__Host-` pins the cookie to this exact host over HTTPS, path /, no Domain.
        self.cookie_name = "__Host-wvh_session" if secure else "wvh_session"

    def load(self, request: Request) -> CustomerSession | None:
        sealed = request.cookies.get(self.cookie_name)
        if not sealed:
            return None
        found = self._opened.get(sealed) or self._open(sealed)
        if found is None:
            return None
        session, sealed_at = found
        now = self._clock()
        if sealed_at + self.max_age < now:
            return None
        if session.expires_at is not None and session.expires_at <= now:
            return None
        return session

    def _open(self, sealed: str) -> tuple[CustomerSession, int] | None:
        opened = self._sealer.open(sealed)
        if opened is None or not isinstance(opened[0], dict):
            return None
        try:
            session = CustomerSession(**opened[0])
        except TypeError:
            return None
        if len(self._opened) >= self._opened_max:
            del self._opened[next(iter(self._opened))]
        self._opened[sealed] = (session, opened[1])
        return session, opened[1]

    def stamped(self, session: CustomerSession) -> CustomerSession:
        """The session with its end fixed (`max_age` from now) if it has none yet."""
        if session.expires_at is not None:
            return session
        return dataclasses.replace(session, expires_at=self._clock() + self.max_age)

    def save(self, response: Response, session: CustomerSession) -> None:
        session = self.stamped(session)
        assert session.expires_at is not None
        max_age = max(1, math.ceil(session.expires_at - self._clock()))
        sealed = self._sealer.seal(dataclasses.asdict(session))
        self._set(response, sealed, session.framed, max_age)

    def clear(self, response: Response, *, framed: bool = False) -> None:
        """Delete the cookie; a framed one lives in the partner's partition, so the deletion
        must be partitioned too."""
        self._set(response, "", framed, 0)

    def _set(self, response: Response, value: str, framed: bool, max_age: int) -> None:
        response.set_cookie(
            self.cookie_name,
            value,
            max_age=max_age,
            path="/",
            # SameSite=None demands Secure; browsers accept it on http only from localhost.
            secure=self.secure or framed,
            httponly=True,
            samesite="none" if framed else "lax",
        )
        if framed:
            # CHIPS: Starlette writes `Partitioned` only on Python 3.14, so append it here.
            name, value_bytes = response.raw_headers[-1]
            response.raw_headers[-1] = (name, value_bytes + b"; Partitioned")
