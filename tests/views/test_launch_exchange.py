"""The launch exchange: only the launch page's own POST uses a code, and it never silently
replaces another customer's live session (findings 2 and 3)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.helpers import (
    HOST,
    create_launch,
    customer_payload,
    enter_shop,
    open_launch,
    session_of,
)


def new_link(client: TestClient, external_id: str | None = None) -> str:
    response = create_launch(client, customer_payload(external_id))
    assert response.status_code == 201
    url: str = response.json()["launch_url"]
    return url.removeprefix(HOST)


@pytest.mark.parametrize(
    "visit",
    [
        {"method": "GET"},
        {"method": "HEAD"},
        {"method": "GET", "headers": {"Sec-Purpose": "prefetch"}},
        {"method": "GET", "headers": {"Sec-Purpose": "prefetch;prerender"}},
        {"method": "GET", "headers": {"Purpose": "prefetch"}},
        {"method": "POST", "headers": {"Sec-Purpose": "prefetch"}},
        {"method": "POST", "headers": {"Origin": "https://scanner.example"}},
        {"method": "POST", "headers": {"Origin": "null", "Sec-Fetch-Site": "cross-site"}},
    ],
)
def test_scanners_prefetches_and_heads_do_not_use_the_code(
    any_host: TestClient, visit: dict
) -> None:
    link = new_link(any_host)
    for _ in range(3):
        answer = any_host.request(visit["method"], link, headers=visit.get("headers", {}))
        assert answer.status_code in (200, 403)
        assert "set-cookie" not in answer.headers
    assert open_launch(any_host, link).status_code == 303, "the customer still gets in"


def test_the_launch_page_posts_itself_and_consumes_nothing(host: TestClient) -> None:
    link = new_link(host)
    page = host.get(link)
    assert page.status_code == 200
    assert '<form method="post" id="launch-form">' in page.text
    assert '<script src="/static/launch.js" defer></script>' in page.text
    assert link.rsplit("/", 1)[1] not in page.text, "the code is not repeated in the page"
    assert host.post(link).status_code == 303
    assert host.get(link).status_code == 410, "a used link says so at once"


def test_a_cross_site_post_is_refused_and_the_code_kept(host: TestClient) -> None:
    link = new_link(host)
    refused = host.post(link, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert host.post(link, headers={"Origin": HOST}).status_code == 303


def test_another_customers_link_asks_before_replacing_the_session(host: TestClient) -> None:
    enter_shop(host, customer_payload("victim-1"))
    victim = session_of(host)
    cookie = host.cookies["wvh_session"]
    link = new_link(host, "attacker-1")

    question = host.post(link)
    assert question.status_code == 409
    assert 'data-testid="launch-switch"' in question.text
    assert "victim-1" not in question.text
    assert "attacker-1" not in question.text
    assert "set-cookie" not in question.headers
    assert host.cookies["wvh_session"] == cookie, "the open session is untouched"

    forged = host.post(link, data={"replace": "1", "csrf": "guessed"})
    assert forged.status_code == 403
    assert session_of(host).customer_id == "victim-1"

    confirmed = host.post(link, data={"replace": "1", "csrf": victim.csrf})
    assert confirmed.status_code == 303
    assert session_of(host).customer_id == "attacker-1"


def test_a_new_link_of_the_same_customer_renews_silently(host: TestClient) -> None:
    enter_shop(host, customer_payload("same-1"))
    before = session_of(host)
    assert open_launch(host, new_link(host, "same-1")).status_code == 303
    after = session_of(host)
    assert after.customer_id == "same-1"
    assert after.sid != before.sid


def test_a_framed_launch_gets_a_partitioned_cross_site_cookie(host: TestClient) -> None:
    link = new_link(host)
    framed = host.post(link, headers={"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "same-origin"})
    assert framed.status_code == 303
    cookie = framed.headers["set-cookie"]
    assert "SameSite=none" in cookie or "SameSite=None" in cookie
    assert "Secure" in cookie
    assert cookie.endswith("; Partitioned")
    assert "HttpOnly" in cookie
    assert session_of(host).framed
    top = host.post(new_link(host), headers={"Sec-Fetch-Dest": "document"})
    assert "SameSite=lax" in top.headers["set-cookie"]
    assert "Partitioned" not in top.headers["set-cookie"]


def test_a_cookieless_cross_site_post_does_not_clear_anything(host: TestClient) -> None:
    """Finding 5: answering a request that carried no cookie with a deletion would let any
    site log the customer out."""
    enter_shop(host)
    host.cookies.clear()
    response = host.post(
        "/checkout/complete",
        data={"csrf": "x", "basket": "y"},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 401
    assert "set-cookie" not in response.headers
    host.cookies.set("wvh_session", "garbage")
    with_cookie = host.post("/checkout/complete", data={"csrf": "x", "basket": "y"})
    assert "wvh_session=" in with_cookie.headers["set-cookie"], "a bad cookie sent is cleared"
