"""Server-side HTTP Digest (RFC 7616, qop=auth) for the sandbox's partner endpoints.

The client side is `httpx.DigestAuth`; no kept library verifies Digest inside
a Starlette app, so this small module does, following the RFC: a challenge
with a fresh nonce and opaque, then `response = H(H(A1):nonce:nc:cnonce:qop:H(A2))`
checked in constant time. Nonces live for `nonce_ttl` seconds and may be
reused (that is the point of Digest: one challenge, many requests); the nonce
count is not required to grow, because concurrent requests may arrive out of
order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from urllib.request import parse_http_list, parse_keqv_list

ALGORITHMS: dict[str, Callable[[bytes], str]] = {
    "MD5": lambda b: hashlib.md5(b).hexdigest(),  # noqa: S324 - the RFC's default algorithm
    "SHA-256": lambda b: hashlib.sha256(b).hexdigest(),
}


@dataclasses.dataclass
class DigestStats:
    """Counts that tests read to see the challenge flow happen."""

    challenges: int = 0
    accepted: int = 0
    rejected: int = 0
    nonce_uses: dict[str, int] = dataclasses.field(default_factory=dict)


class DigestVerifier:
    """Issues challenges and verifies `Authorization: Digest` headers for one user."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        realm: str = "minted-sandbox",
        algorithm: str = "MD5",
        nonce_ttl: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if algorithm not in ALGORITHMS:
            raise ValueError(f"Digest algorithm {algorithm!r} is not one of {sorted(ALGORITHMS)}.")
        self._username = username
        self._password = password
        self.realm = realm
        self.algorithm = algorithm
        self._nonce_ttl = nonce_ttl
        self._clock = clock
        self._nonces: dict[str, float] = {}
        self._opaque = secrets.token_hex(16)
        self.stats = DigestStats()

    def challenge(self, *, stale: bool = False, qop: str = "auth") -> str:
        """A `WWW-Authenticate` value with a fresh nonce (`qop` other than "auth" only
        for the `auth_int` fault: the verifier itself accepts "auth" alone)."""
        now = self._clock()
        self._nonces = {n: t for n, t in self._nonces.items() if now - t < self._nonce_ttl}
        nonce = secrets.token_hex(16)
        self._nonces[nonce] = now
        self.stats.challenges += 1
        header = (
            f'Digest realm="{self.realm}", qop="{qop}", algorithm={self.algorithm}, '
            f'nonce="{nonce}", opaque="{self._opaque}"'
        )
        return header + (", stale=true" if stale else "")

    def verify(self, method: str, uri: str, authorization: str | None) -> bool | None:
        """True when valid, None when only the nonce is stale (re-challenge), else False."""
        if not authorization or authorization[:7].lower() != "digest ":
            self.stats.rejected += 1
            return False
        try:
            params = parse_keqv_list(parse_http_list(authorization[7:]))
        except (ValueError, IndexError):  # no "=", or an empty value (`username=`)
            self.stats.rejected += 1
            return False
        required = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")
        if any(name not in params for name in required) or params["qop"] != "auth":
            self.stats.rejected += 1
            return False
        if params.get("algorithm", "MD5").upper() != self.algorithm.upper():
            self.stats.rejected += 1
            return False
        if params["uri"] != uri or params["realm"] != self.realm:
            self.stats.rejected += 1
            return False
        issued = self._nonces.get(params["nonce"])
        digest = ALGORITHMS[self.algorithm]
        ha1 = digest(b":".join(_utf8(v) for v in (self._username, self.realm, self._password)))
        ha2 = digest(_wire(method) + b":" + _wire(uri))
        fields = (params["nonce"], params["nc"], params["cnonce"], "auth")
        expected = digest(b":".join([ha1.encode(), *(_wire(f) for f in fields), ha2.encode()]))
        # Bytes, not str: compare_digest raises TypeError on non-ASCII str (a 500 once).
        valid = hmac.compare_digest(expected.encode(), _wire(params["response"]))
        valid &= hmac.compare_digest(_wire(params["username"]), _utf8(self._username))
        if not valid:
            self.stats.rejected += 1
            return False
        if issued is None or self._clock() - issued >= self._nonce_ttl:
            return None
        self.stats.accepted += 1
        self.stats.nonce_uses[params["nonce"]] = self.stats.nonce_uses.get(params["nonce"], 0) + 1
        return True


def _wire(text: str) -> bytes:
    """The bytes a client sent, from a header-derived str: servers decode header bytes
    as latin-1, so encoding back restores what the client hashed. Text no header can
    carry (from a direct caller) falls back to UTF-8."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return _utf8(text)


def _utf8(text: str) -> bytes:
    """Configured values (user, password) as clients encode them; lone surrogates too."""
    return text.encode("utf-8", "surrogatepass")
