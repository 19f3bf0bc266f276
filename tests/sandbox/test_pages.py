"""Laravel's length-aware page: the fields, the links window, URLs that keep the query."""

from __future__ import annotations

import pytest

from webview_host.sandbox.pages import page


def labels(number: int, last: int) -> list[str]:
    rows = list(range(last))
    links = page(rows, number=number, per_page=1, path="/p")["links"]
    return [link["label"] for link in links[1:-1]]


@pytest.mark.parametrize(
    ("number", "last", "expected"),
    [
        (1, 1, "1"),
        (3, 13, "1 2 3 4 5 6 7 8 9 10 11 12 13"),  # under 2*3+8 pages: every page
        (1, 20, "1 2 3 4 5 6 7 8 9 10 ... 19 20"),  # near the start
        (7, 20, "1 2 3 4 5 6 7 8 9 10 ... 19 20"),
        (10, 20, "1 2 ... 7 8 9 10 11 12 13 ... 19 20"),  # a full slider
        (14, 20, "1 2 ... 11 12 13 14 15 16 17 18 19 20"),  # near the end
    ],
)
def test_links_window_is_laravels(number: int, last: int, expected: str) -> None:
    assert " ".join(labels(number, last)) == expected


def test_page_fields_and_urls() -> None:
    query = [("customer_external_id", "c 1/ş"), ("page", "2"), ("total", "2"), ("startDate", "")]
    result = page(list(range(5)), number=2, per_page=2, path="/partner/ecom/baskets", query=query)
    assert result["data"] == [2, 3]
    assert (result["from"], result["to"], result["total"], result["last_page"]) == (3, 4, 5, 3)
    base = "/partner/ecom/baskets?customer_external_id=c%201%2F%C5%9F"
    assert result["prev_page_url"] == f"{base}&page=1&total=2&startDate="
    assert result["next_page_url"] == f"{base}&page=3&total=2&startDate="
    assert result["links"][2] == {
        "url": f"{base}&page=2&total=2&startDate=",
        "label": "2",
        "active": True,
    }
    assert result["links"][0]["label"] == "pagination.previous"
    assert result["links"][-1] == {
        "url": result["next_page_url"],
        "label": "pagination.next",
        "active": False,
    }


def test_page_without_rows() -> None:
    result = page([], number=1, per_page=10, path="/p")
    assert result["last_page"] == 1
    assert (result["from"], result["to"], result["next_page_url"], result["prev_page_url"]) == (
        None,
        None,
        None,
        None,
    )
    assert result["first_page_url"] == "/p?page=1"
