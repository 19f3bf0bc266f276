"""The result a `return_url` carries back to the partner app, and its signed token.

When the customer goes back to the app (the "Back to the app" link, the Close
control or the automatic return after a terminal state), the partner's
`return_url` gets three query parameters added, whatever query it already has:

    completion_id  the completion (same id as the result page and the status API)
    state          pending | completed | failed | unknown, as the page showed it
    result_token   a signed, short-lived statement of the two above

The token is `URLSafeSerializer` output (itsdangerous, HMAC-SHA256, the
cookie keys with their own salt, newest key signs): base64url JSON
`{"completion_id", "state", "nonce", "iat"}` (zlib-compressed and prefixed with
`.` when that is shorter, as it often is), a dot, the signature. It is not
a secret and grants nothing; it lets the partner's backend tell a real return
from a forged deep link. The backend hands it to the order status API
(`GET /api/v1/orders/{completion_id}?result_token=...`), which checks it with
`verify` (through `result_token_check`, the seam `result_tokens.py` declares)
and records its `nonce` in the ledger until `iat` + `WVH_RESULT_TOKEN_MAX_AGE`,
so it is accepted once. The query parameters themselves are only hints: the
status API's answer is the truth.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, unquote_plus, urlencode

from itsdangerous import BadData, URLSafeSerializer

from .result_tokens import ResultTokenCheck
from .settings import Secret, Settings

RESULT_SALT = "wvh.result.v1"
# A token dated this far in the future is refused (clock skew between instances).
MAX_CLOCK_SKEW = 60


@dataclasses.dataclass(frozen=True)
class ResultClaims:
    """What a valid result token states."""

    completion_id: str
    state: str
    nonce: str
    iat: int


def _serializer(keys: Sequence[Secret]) -> URLSafeSerializer:
    return URLSafeSerializer(
        [key.reveal() for key in keys],
        salt=RESULT_SALT,
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def sign_result(
    keys: Sequence[Secret],
    completion_id: str,
    state: str,
    *,
    clock: Callable[[], float] = time.time,
) -> str:
    """A fresh result token (new nonce each call) for this completion and state."""
    claims = {
        "completion_id": completion_id,
        "state": state,
        "nonce": secrets.token_urlsafe(12),
        "iat": int(clock()),
    }
    return _serializer(keys).dumps(claims)


def verify(
    token: str,
    keys: Sequence[Secret],
    *,
    max_age: int,
    clock: Callable[[], float] = time.time,
) -> ResultClaims | None:
    """The claims of a genuine, unexpired token; None for anything else.

    It does not know whether the token was used before: the caller records
    `nonce` (see the module docstring).
    """
    try:
        data: Any = _serializer(keys).loads(token)
    except BadData:
        return None
    if not isinstance(data, dict) or set(data) != {"completion_id", "state", "nonce", "iat"}:
        return None
    completion_id, state, nonce, iat = (
        data["completion_id"],
        data["state"],
        data["nonce"],
        data["iat"],
    )
    if not (
        isinstance(completion_id, str)
        and isinstance(state, str)
        and isinstance(nonce, str)
        and isinstance(iat, int)
        and not isinstance(iat, bool)
    ):
        return None
    age = clock() - iat
    if age > max_age or age < -MAX_CLOCK_SKEW:
        return None
    return ResultClaims(completion_id=completion_id, state=state, nonce=nonce, iat=iat)


def return_link(return_url: str, **params: str) -> str:
    """`return_url` with `params` added to its query; its own query and fragment are kept.

    Works for https URLs and app schemes alike (`bankapp://shop/done?x=1#top`,
    `bankapp:done`). A parameter of ours that the URL already has is replaced,
    so the app never sees two `state`s; the rest of its query is kept byte for byte.
    """
    # Split by hand rather than urlsplit/urlunsplit, which rewrite some app-scheme
    # URLs (`bankapp:///done` comes back as `bankapp:/done`).
    before_fragment, hash_sign, fragment = return_url.partition("#")
    base, _, query = before_fragment.partition("?")
    kept = [
        pair
        for pair in query.split("&")
        if pair and unquote_plus(pair.partition("=")[0]) not in params
    ]
    new_query = "&".join([*kept, urlencode(params, quote_via=quote)])
    return f"{base}?{new_query}{hash_sign}{fragment}"


def result_link(return_url: str, completion_id: str, state: str, keys: Sequence[Secret]) -> str:
    """`return_url` carrying this completion's id, state and a fresh result token."""
    token = sign_result(keys, completion_id, state)
    return return_link(return_url, completion_id=completion_id, state=state, result_token=token)


def result_token_check(settings: Settings) -> ResultTokenCheck:
    """What the order status API verifies `?result_token=` with (`result_tokens.py`)."""
    max_age = settings.result_token_max_age
    return ResultTokenCheck(
        verify=lambda token: verify(token, settings.cookie_keys, max_age=max_age),
        max_age=max_age,
    )
