"""The Minted client's exception tree. Views never see an httpx exception.

    MintedError
    ├── MintedAPIError            Minted answered with an error envelope or status
    │   ├── MintedUnauthorized    401: bad Digest credentials or an expired bearer token
    │   ├── MintedForbidden       403
    │   ├── MintedNotFound        404: "Record Not Found" (e.g. no active basket)
    │   └── MintedParameterError  422: carries the per-field errors
    ├── MintedUnavailable         timeouts, connection errors, 5xx
    └── MintedProtocolError       not JSON, or not the documented envelope

`MintedUnavailable.request_sent` tells whether Minted may have acted on the
request: a write whose request was sent and whose answer was lost has an
unknown outcome and must be reconciled, never blindly repeated.
"""

from __future__ import annotations


class MintedError(Exception):
    """Base of every failure of a call to Minted."""


class MintedAPIError(MintedError):
    """Minted answered, and the answer is an error.

    `message` is Minted's own text: for logs, never for customers.
    """

    def __init__(
        self,
        status: int,
        message: str = "",
        code: int | None = None,
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.code = code
        self.field_errors = field_errors or {}
        super().__init__(f"Minted answered {status} (code {code}): {message or 'no message'}")


class MintedUnauthorized(MintedAPIError):
    """401: the Digest credentials or the bearer token were refused."""


class MintedForbidden(MintedAPIError):
    """403: the partner may not do this."""


class MintedNotFound(MintedAPIError):
    """404: the record (basket, order, customer) does not exist."""


class MintedParameterError(MintedAPIError):
    """422: a parameter was refused; `field_errors` maps field names to messages."""


class MintedUnavailable(MintedError):
    """Minted could not be reached or failed (timeout, connection error, 5xx).

    `request_sent` is False only when the request certainly never reached
    Minted (connect error / connect timeout).
    """

    def __init__(self, message: str, *, request_sent: bool, status: int | None = None) -> None:
        self.request_sent = request_sent
        self.status = status
        super().__init__(message)


class MintedProtocolError(MintedError):
    """Minted's answer is not JSON or not the documented envelope."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


STATUS_ERRORS: dict[int, type[MintedAPIError]] = {
    401: MintedUnauthorized,
    403: MintedForbidden,
    404: MintedNotFound,
    422: MintedParameterError,
}


def outcome(exc: BaseException | None) -> str:
    """A call's outcome as a short label (metrics, logs): `ok` when `exc` is None."""
    if exc is None:
        return "ok"
    if isinstance(exc, MintedAPIError):
        labels = {401: "unauthorized", 403: "forbidden", 404: "not_found", 422: "parameter_error"}
        return labels.get(exc.status, "api_error")
    if isinstance(exc, MintedUnavailable):
        return "unavailable"
    if isinstance(exc, MintedProtocolError):
        return "protocol_error"
    return "error"
