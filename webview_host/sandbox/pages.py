"""Laravel's length-aware page, as Minted's lists answer (seed 001).

The shape and the `links` window follow Laravel's `LengthAwarePaginator` and
`UrlWindow` (three pages each side of the current one, `...` between caps),
with the request's query kept in every URL (Laravel's `withQueryString`) so
a client can follow `next_page_url` as it is. URLs are relative to the API's
base URL, as the seed's are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

ON_EACH_SIDE = 3


def page(
    rows: Sequence[Any],
    *,
    number: int,
    per_page: int,
    path: str,
    query: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """Page `number` (from 1) of `rows`, `per_page` rows to a page."""
    total = len(rows)
    last = max(1, -(-total // per_page))
    chunk = list(rows[(number - 1) * per_page : number * per_page])

    def url(n: int) -> str:
        return _url(path, query, n)

    prev_url = url(number - 1) if number > 1 else None
    next_url = url(number + 1) if number < last else None
    links: list[dict[str, Any]] = [
        {"url": prev_url, "label": "pagination.previous", "active": False}
    ]
    for element in _window(number, last):
        if element is None:
            links.append({"url": None, "label": "...", "active": False})
        else:
            links.append({"url": url(element), "label": str(element), "active": element == number})
    links.append({"url": next_url, "label": "pagination.next", "active": False})
    first = (number - 1) * per_page + 1 if chunk else None
    return {
        "current_page": number,
        "data": chunk,
        "first_page_url": url(1),
        "from": first,
        "last_page": last,
        "last_page_url": url(last),
        "links": links,
        "next_page_url": next_url,
        "path": path,
        "per_page": per_page,
        "prev_page_url": prev_url,
        "to": first + len(chunk) - 1 if first is not None else None,
        "total": total,
    }


def _url(path: str, query: Sequence[tuple[str, str]], number: int) -> str:
    """The page's URL with the rest of the query kept, as Laravel builds it: one value
    per name (the last sent), `page` where it was sent or else last."""
    params = dict(query)
    params["page"] = str(number)
    return f"{path}?{urlencode(params, quote_via=quote)}"


def _window(current: int, last: int) -> list[int | None]:
    """The page numbers Laravel links, `None` standing for its `...`."""
    if last < ON_EACH_SIDE * 2 + 8:
        return list(range(1, last + 1))
    window = ON_EACH_SIDE + 4
    start, finish = [1, 2], [last - 1, last]
    if current <= window:
        return [*range(1, window + ON_EACH_SIDE + 1), None, *finish]
    if current > last - window:
        return [*start, None, *range(last - (window + ON_EACH_SIDE - 1), last + 1)]
    slider = range(current - ON_EACH_SIDE, current + ON_EACH_SIDE + 1)
    return [*start, None, *slider, None, *finish]
