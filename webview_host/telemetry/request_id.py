"""The id of the request being served, for log lines, Minted calls and support codes.

Set by the access-log middleware at the start of every request (taken from an
`X-Request-ID` header when it is a plain token, else made up) and read anywhere
below it through a context variable: the log filter stamps it on every record,
the Minted client sends it as `X-Request-ID`, and an error's support code is
derived from it, so one id links what the customer reads out to every line
logged for their request.
"""

from __future__ import annotations

import base64
import contextvars
import hashlib
import re
import secrets

HEADER = "X-Request-ID"
_CURRENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# What we accept from a proxy: a plain token, so it is safe in a log line and a header.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def new_request_id() -> str:
    return secrets.token_hex(8)


def accept(header: str | None) -> str:
    """The incoming id when it is a plain token, a new one otherwise."""
    if header is not None and _ACCEPTED.fullmatch(header):
        return header
    return new_request_id()


def current() -> str | None:
    """The id of the request this code runs for, or None outside a request."""
    return _CURRENT.get()


def bind(request_id: str | None) -> contextvars.Token[str | None]:
    return _CURRENT.set(request_id)


def reset(token: contextvars.Token[str | None]) -> None:
    _CURRENT.reset(token)


def support_code(request_id: str | None = None) -> str:
    """`WVH-XXXXXXXX`: a short code for an error, derived from the request's id (a
    random one outside a request), that support can find in the logs."""
    rid = request_id or current()
    if rid is None:
        return "WVH-" + secrets.token_hex(4).upper()
    digest = hashlib.sha256(rid.encode()).digest()
    return "WVH-" + base64.b32encode(digest)[:8].decode()
