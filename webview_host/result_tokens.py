"""How the order status API checks a `return_url` result token (the bridge signs them).

The token's format and signature belong to `results.py` (the bridge's module,
`results.verify`); this is only the seam the status API calls through, so the
API does not depend on how the token is made. `open_services` is given a
`ResultTokenCheck`; without one, `?result_token=` is answered with a 422
saying result tokens are not enabled on this host.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Protocol


class ResultClaims(Protocol):
    """What a genuine result token states (`results.ResultClaims`)."""

    @property
    def completion_id(self) -> str: ...

    @property
    def state(self) -> str: ...

    @property
    def nonce(self) -> str: ...

    @property
    def iat(self) -> int: ...


@dataclasses.dataclass(frozen=True)
class ResultTokenCheck:
    """`verify(token)`: the claims of a genuine unexpired token, else None; `max_age`: how
    long a token lives (its nonce is remembered that long, so it works once)."""

    verify: Callable[[str], ResultClaims | None]
    max_age: int
