"""Pages of a partner API list: `page` and `per_page` in, `total` and a `next` link out."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

# Bounded so an offset can never overflow a database integer.
MAX_PAGE = 10_000
MAX_PER_PAGE = 100


class PageQuery(BaseModel):
    """`page` (1-10000, default 1) and `per_page` (1-100, default 20); nothing else unknown."""

    model_config = ConfigDict(extra="forbid")

    page: Annotated[int, Field(ge=1, le=MAX_PAGE, description="1-10000, default 1")] = 1
    per_page: Annotated[
        int, Field(ge=1, le=MAX_PER_PAGE, description="rows per page, 1-100, default 20")
    ] = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_links(request: Request, params: PageQuery, total: int) -> str | None:
    """The next page's path and query (the request's own query, `page` + 1), or None."""
    if params.page * params.per_page >= total or params.page >= MAX_PAGE:
        return None
    url = request.url.include_query_params(page=params.page + 1, per_page=params.per_page)
    return f"{url.path}?{url.query}"
