"""A partner API operation, declared once: its route, its models and every answer it can give.

Each resource module lists its `Operation`s; the routes and the OpenAPI
document (`openapi.py`) are both built from those declarations, so they
cannot disagree. What an operation's shape implies is added to what it
declares, for the route and the document alike:

- every operation: the partner key (401) and the abuse limits (429);
- a JSON body (`request`): 413, 415 and 422 (`auth.json_body`);
- a query model (`query`): 422 naming the bad parameter (`auth.query`);
- a Minted call (`minted`, its name in the log): Minted's failures, answered
  as `upstream.py` says (403, 404, 409, 502, 503).

A declared status replaces the implied one's description.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...minted import MintedError
from ...settings import Settings
from .auth import require_partner, throttled
from .upstream import UPSTREAM_RESPONSES, upstream_refusal

Endpoint = Callable[[Request], Awaitable[Response]]
# status -> (description, the answer's model; None for the error body)
Responses = dict[int, tuple[str, type[BaseModel] | None]]

COMMON_RESPONSES: Responses = {
    401: ("Missing or wrong partner API key", None),
    429: ("Too many requests for this key or address; wait Retry-After seconds", None),
}
BODY_RESPONSES: Responses = {
    413: ("Body too large", None),
    415: ("Body is not JSON", None),
    422: ("A bad field, named under fields", None),
}
QUERY_RESPONSES: Responses = {422: ("A bad query parameter, named under fields", None)}


@dataclasses.dataclass(frozen=True)
class Operation:
    """One partner API operation. `query` is the model the query string is validated with
    (its fields become the query parameters); `minted` names the Minted call it makes, and
    `repeatable` is False when Minted must not get that call twice (a sale)."""

    path: str
    method: Literal["get", "post"]
    endpoint: Endpoint
    operation_id: str
    summary: str
    responses: Responses
    # A model, or a function of the settings giving the model (validation and document alike).
    request: type[BaseModel] | Callable[[Settings], type[BaseModel]] | None = None
    parameters: tuple[dict[str, Any], ...] = ()
    description: str = ""
    query: type[BaseModel] | None = None
    minted: str | None = None
    repeatable: bool = True

    @property
    def answers(self) -> Responses:
        """Every status the operation can answer: the implied ones, then the declared."""
        implied = dict(COMMON_RESPONSES)
        if self.minted is not None:
            implied |= UPSTREAM_RESPONSES
        if self.query is not None:
            implied |= QUERY_RESPONSES
        if self.request is not None:
            implied |= BODY_RESPONSES
        return {**implied, **self.responses}

    def route(self) -> Route:
        """The endpoint behind the limits and the partner key, Minted's failures answered."""
        return Route(self.path, throttled(self._answering()), methods=[self.method.upper()])

    def _answering(self) -> Endpoint:
        endpoint, minted, repeatable = self.endpoint, self.minted, self.repeatable

        @functools.wraps(endpoint)
        async def answer(request: Request) -> Response:
            require_partner(request)
            try:
                return await endpoint(request)
            except MintedError as exc:
                if minted is None:
                    raise
                raise upstream_refusal(request, exc, minted, repeatable=repeatable) from None

        return answer


def path_parameter(name: str, description: str, pattern: str) -> dict[str, Any]:
    """A required path parameter, documented with the pattern the view enforces."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": pattern},
    }
