"""Minted's failures, as the partner API answers them: one clear JSON error per kind.

| Minted | partner API | error |
|---|---|---|
| 422 Parameter Error | 409 | `upstream_rejected`, Minted's field errors under `fields` |
| 404 Record Not Found | 404 | `upstream_not_found` |
| 403 Forbidden | 403 | `upstream_forbidden` |
| 401 (our Digest credentials) | 502 | `upstream_refused` (our configuration's fault) |
| any other error status | 502 | `upstream_refused` |
| not JSON / not the envelope | 502 | `upstream_bad_answer` |
| timeout, connection, 5xx | 503 | `upstream_unavailable`, with `Retry-After` |
| a sale whose answer was lost after it left | 502 | `upstream_outcome_unknown` |

A sale is not safe to repeat: when its answer is lost after the request left,
Minted may have sold. The partner is told so, and to look the order up by its
external id before deciding, never "try again".

Minted's 422 is a 409 here, not a 422: our own validation already refused every
value the OpenAPI document rules out, so what Minted still refuses is a
well-formed request it cannot serve as things stand (a customer or SKU it does
not know, an expired price token). A 422 from us always means "the request
does not match the document".

Every answer carries a support code (the request's, see `telemetry.request_id`)
that is also in the log line with Minted's own message.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request

from ...minted import errors
from ..errors import ErrorCode, error_response, new_support_code
from .auth import Refused

logger = logging.getLogger(__name__)

# (status, description) of each upstream error, for the OpenAPI responses of the operations
# that call Minted (`operation.py`); an operation may describe its 403 and 404 more closely.
UPSTREAM_RESPONSES: dict[int, tuple[str, None]] = {
    403: ("Minted does not allow this (upstream_forbidden)", None),
    404: ("Minted has no such record (upstream_not_found)", None),
    409: (
        "Minted refused well-formed values as things stand, e.g. an unknown customer or SKU "
        "or an expired price token (`upstream_rejected`, Minted's field errors under fields)",
        None,
    ),
    502: ("Minted refused our call or answered something unreadable (`upstream_*`)", None),
    503: ("Minted cannot be reached right now; retry later (`upstream_unavailable`)", None),
}
# A sale's answer may be lost after Minted acted: that 502 says so (`upstream_outcome_unknown`).


def upstream_refusal(
    request: Request, exc: errors.MintedError, operation: str, *, repeatable: bool = True
) -> Refused:
    """The partner API's answer to Minted failing `operation` with `exc`; `repeatable`
    is False for a call Minted must not get twice (a sale)."""
    code = new_support_code()
    logger.warning(
        "Minted failed %s: %s (%s)",
        operation,
        exc,
        code,
        extra={"support_code": code, "operation": operation},
    )
    if not repeatable and _maybe_acted(exc):
        return Refused(
            error_response(
                request,
                502,
                "upstream_outcome_unknown",
                "Minted's answer was lost after the call left: it may have acted. Look the "
                "order up (POST /api/v1/orders/lookup) before repeating it.",
                support_code=code,
            )
        )
    status, error, message, extra = _mapped(exc)
    headers = {"Retry-After": "5"} if status == 503 else None
    return Refused(
        error_response(request, status, error, message, support_code=code, headers=headers, **extra)
    )


def _maybe_acted(exc: errors.MintedError) -> bool:
    if isinstance(exc, errors.MintedUnavailable):
        return exc.request_sent
    return isinstance(exc, errors.MintedProtocolError)


def _mapped(exc: errors.MintedError) -> tuple[int, ErrorCode, str, dict[str, Any]]:
    if isinstance(exc, errors.MintedParameterError):
        return (
            409,
            "upstream_rejected",
            "Minted refused these values as things stand; see fields.",
            {"fields": exc.field_errors or {"body": [exc.message or "refused by Minted"]}},
        )
    if isinstance(exc, errors.MintedNotFound):
        return 404, "upstream_not_found", "Minted has no such record.", {}
    if isinstance(exc, errors.MintedForbidden):
        return 403, "upstream_forbidden", "Minted does not allow this for this partner.", {}
    if isinstance(exc, errors.MintedUnauthorized):
        return (
            502,
            "upstream_refused",
            "Minted refused our credentials; the host's configuration needs attention.",
            {},
        )
    if isinstance(exc, errors.MintedAPIError):
        return 502, "upstream_refused", f"Minted refused the call ({exc.status}).", {}
    if isinstance(exc, errors.MintedProtocolError):
        return 502, "upstream_bad_answer", "Minted's answer could not be read.", {}
    return 503, "upstream_unavailable", "Minted cannot be reached right now; try again.", {}
