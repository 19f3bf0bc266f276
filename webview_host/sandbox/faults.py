"""Fault injection for QA: make the next N calls of one sandbox endpoint misbehave.

Armed through the control API (`POST /_sandbox/faults`, see the README) or
`SandboxControl.fault(...)`; applied by `injection.FaultMiddleware`. Faults
exist only in the sandbox process, and only with `WVH_SANDBOX_FAULTS` on.

| kind | what the caller sees | the sandbox acts? |
|---|---|---|
| `delay` | the normal answer, `seconds` late | yes, then (even if the caller left) |
| `timeout` | no answer for `seconds`, then the normal one | yes (answer lost) |
| `hang` | no answer for `seconds`, then a 504 with an HTML body | no |
| `drip` | status and headers at once, then the body one byte every `seconds` (1) | yes |
| `status` | the error `status` (default 502) with a `body` (2) | no |
| `unauthorized` | 401 with the error envelope, no challenge | no |
| `parameter_error` | 422 with the error envelope and a field error | no |
| `malformed` | 200 with a body that is not JSON | no |
| `envelope` | 200 JSON without `success` or `data` | no |
| `huge` | 200 JSON of 8 MiB (a valid envelope with padding) | no |
| `drop` | the connection closes mid-answer | yes |
| `auth_int` | 401 whose Digest challenge offers only `qop="auth-int"` (3) | no |

(1) A per-read timeout never fires; only an overall deadline ends it. The
body is the normal answer, or with `process: false` a 504 HTML page.
(2) `html` (default), `json` (the error envelope) or `empty`.
(3) Digest endpoints only. It answers the first request, the one that only
fetches the challenge included, because a client fails on the challenge.

`process` (true/false) overrides the last column for every kind but `delay`.
Options a kind does not use are refused, so a typo cannot pass silently:
`seconds` (0-600, default 30; per byte for `drip`, default 1) belongs to
`delay`, `timeout`, `hang` and `drip`; `status` (400-599) and `body` to
`status`. `count` (1-1000, default 1) to every kind.
"""

from __future__ import annotations

import dataclasses
import math
from enum import StrEnum
from typing import Any, Literal, get_args

from .endpoints import ENDPOINTS, Auth, EndpointName


class FaultKind(StrEnum):
    """What an armed fault does (the table above)."""

    DELAY = "delay"
    TIMEOUT = "timeout"
    HANG = "hang"
    DRIP = "drip"
    STATUS = "status"
    UNAUTHORIZED = "unauthorized"
    PARAMETER_ERROR = "parameter_error"
    MALFORMED = "malformed"
    ENVELOPE = "envelope"
    HUGE = "huge"
    DROP = "drop"
    AUTH_INT = "auth_int"


FaultBody = Literal["json", "html", "empty"]
BODIES: tuple[FaultBody, ...] = get_args(FaultBody)
KINDS = tuple(FaultKind)
TIMED = frozenset({FaultKind.DELAY, FaultKind.TIMEOUT, FaultKind.HANG, FaultKind.DRIP})
_PROCESSED_BY_DEFAULT = frozenset(
    {FaultKind.DELAY, FaultKind.TIMEOUT, FaultKind.DRIP, FaultKind.DROP}
)
_FIELDS = ("endpoint", "kind", "count", "seconds", "status", "body", "process")


class FaultError(ValueError):
    """A fault request is malformed; the message says which field and why."""


@dataclasses.dataclass
class Fault:
    """One armed fault: the next `count` calls of `endpoint` get `kind`."""

    endpoint: EndpointName
    kind: FaultKind
    count: int = 1
    seconds: float = 30.0
    status: int = 502
    body: FaultBody = "html"
    process: bool = False

    @classmethod
    def from_json(cls, body: Any) -> Fault:
        """A fault from the control API's JSON; `FaultError` names the first bad field."""
        if not isinstance(body, dict):
            raise FaultError("The fault must be a JSON object.")
        unknown = [str(k) for k in body if k not in _FIELDS]
        if unknown:
            raise FaultError(f"Unknown fault fields {unknown}; use {', '.join(_FIELDS)}.")
        endpoint, kind = body.get("endpoint"), body.get("kind")
        if not isinstance(endpoint, str) or endpoint not in ENDPOINTS:
            raise FaultError(f"'endpoint' must be one of {', '.join(ENDPOINTS)}; got {endpoint!r}.")
        if kind not in KINDS:
            raise FaultError(f"'kind' must be one of {', '.join(KINDS)}; got {kind!r}.")
        kind = FaultKind(kind)
        if kind == FaultKind.AUTH_INT and ENDPOINTS[endpoint].auth != Auth.DIGEST:
            raise FaultError(f"'auth_int' needs a Digest endpoint; {endpoint!r} is not one.")
        for option, kinds in (("seconds", TIMED), ("status", {FaultKind.STATUS}),
                              ("body", {FaultKind.STATUS})):  # fmt: skip
            if option in body and kind not in kinds:
                raise FaultError(f"'{option}' does not apply to kind {kind.value!r}.")
        if "process" in body and kind == FaultKind.DELAY:
            raise FaultError("'process' does not apply to kind 'delay' (it always processes).")
        count = body.get("count", 1)
        if not _is_int(count) or not 1 <= count <= 1000:
            raise FaultError(f"'count' must be an integer from 1 to 1000; got {count!r}.")
        seconds = body.get("seconds", 1 if kind == FaultKind.DRIP else 30)
        if not _is_number(seconds) or not 0 <= seconds <= 600:
            raise FaultError(f"'seconds' must be a number from 0 to 600; got {seconds!r}.")
        status = body.get("status", 502)
        if not _is_int(status) or not 400 <= status <= 599:
            raise FaultError(f"'status' must be an HTTP error status 400-599; got {status!r}.")
        fault_body = body.get("body", "html")
        if fault_body not in BODIES:
            raise FaultError(f"'body' must be one of {', '.join(BODIES)}; got {fault_body!r}.")
        process = body.get("process", kind in _PROCESSED_BY_DEFAULT)
        if not isinstance(process, bool):
            raise FaultError(f"'process' must be true or false; got {process!r}.")
        return cls(ENDPOINTS[endpoint].name, kind, count, float(seconds), status, fault_body,
                   process)  # fmt: skip


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


class FaultPlan:
    """The armed faults, and the requests and calls seen per endpoint."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.requests: dict[str, int] = {}  # every HTTP request, Digest challenges included
        self.calls: dict[str, int] = {}  # calls made by a client (Digest challenges excluded)

    def arm(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.faults.clear()
        self.requests.clear()
        self.calls.clear()

    def count_request(self, endpoint: str) -> None:
        self.requests[endpoint] = self.requests.get(endpoint, 0) + 1

    def count_call(self, endpoint: str) -> None:
        self.calls[endpoint] = self.calls.get(endpoint, 0) + 1

    def take(self, endpoint: str, *, challenge_only: bool = False) -> Fault | None:
        """The fault for this request, if one is armed, spending one of its `count`.

        A Digest endpoint's unauthenticated first request only fetches the
        challenge: faults are for the real call that follows, except
        `auth_int`, which is about the challenge itself.
        """
        for fault in self.faults:
            if fault.endpoint != endpoint:
                continue
            if challenge_only and fault.kind != FaultKind.AUTH_INT:
                return None
            fault.count -= 1
            if fault.count <= 0:
                self.faults.remove(fault)
            return fault
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(f) for f in self.faults]
