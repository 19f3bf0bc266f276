"""The customer flow in-process: launch -> session -> shell -> review -> exactly-once Complete."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conftest import (
    HOST,
    Clock,
    confirm,
    create_launch,
    customer_payload,
    enter_shop,
    host_client,
    put_item,
    review_form,
    webview_token,
)
from tests.transports import LosingTransport


def basket_reviewed(
    client: TestClient, sandbox_client: TestClient, sku: str = "MNT0001"
) -> tuple[str, dict[str, str]]:
    """A new customer's session with one `sku` in the basket: (webview token, Confirm form)."""
    token = enter_shop(client)
    put_item(sandbox_client, token, sku, 1)
    return token, review_form(client)


def calls(sandbox: Starlette, endpoint: str) -> int:
    count: int = sandbox.state.faults.calls.get(endpoint, 0)
    return count


def arm(sandbox: Starlette, **fault: Any) -> None:
    from webview_host.sandbox.faults import Fault

    sandbox.state.faults.arm(Fault.from_json(fault))


def order_page(client: TestClient, location: str) -> dict[str, str]:
    page = client.get(location)
    assert page.status_code == 200, page.text
    found = {}
    for testid in ("order-status", "order-code", "support-code", "order-total", "order-reason"):
        match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', page.text)
        if match:
            found[testid] = match.group(1).strip()
    state = re.search(r'data-testid="order-status" data-state="([a-z]+)"', page.text)
    assert state
    found["state"] = state.group(1)
    return found


def test_happy_path_from_launch_to_order(
    any_host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    client = any_host
    customer = customer_payload()
    token = enter_shop(client, customer)

    empty = client.get("/api/basket").json()
    assert empty["has_basket"] is False
    assert empty["item_count"] == 0

    put_item(sandbox_client, token, "MNT0001", 1)
    put_item(sandbox_client, token, "MNS0100", 2)
    live = client.get("/api/basket").json()
    assert live["item_count"] == 3
    assert live["pricefix"]["remaining"] > 200

    review = client.get("/checkout")
    assert review.text.count('data-testid="checkout-line"') == 2
    assert 'data-testid="checkout-total"' in review.text
    assert 'data-testid="fee-silver_craftsmanship"' in review.text

    done = confirm(client, review_form(client))
    assert done.status_code == 303
    location = done.headers["location"]
    assert location.startswith("/orders/")
    result = order_page(client, location)
    assert result["state"] == "completed"
    assert result["order-status"] == "Your order is placed"
    assert re.fullmatch(r"[A-Z0-9]{8}", result["order-code"])
    assert result["support-code"].startswith("WVH-")
    assert calls(sandbox, "complete") == 1
    orders = sandbox.state.store.baskets.values()
    assert sum(b.status == "order" for b in orders) == 1

    status = client.get(f"/api/orders/{location.rsplit('/', 1)[1]}").json()
    assert status["state"] == "completed"
    assert status["terminal"] is True

    after = client.get("/checkout")
    assert 'data-testid="checkout-empty"' in after.text, "no way back into a completed checkout"
    assert 'data-testid="confirm-button"' not in after.text
    assert f'href="{location}" data-testid="recent-order"' in after.text


def test_complete_twice_sequentially_is_one_order(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    first = confirm(host, form)
    second = confirm(host, form)
    assert first.headers["location"] == second.headers["location"]
    assert calls(sandbox, "complete") == 1


def test_fifty_concurrent_completes_make_one_upstream_call(
    any_host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(any_host, sandbox_client, "MNT0001")
    # Minted is slow to complete, so the other 49 arrive while the first is in flight.
    arm(sandbox, endpoint="complete", kind="delay", seconds=0.5)
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: confirm(any_host, form), range(50)))
    assert {r.status_code for r in responses} == {303}
    locations = {r.headers["location"] for r in responses}
    assert len(locations) == 1, "every response shows the same order"
    assert calls(sandbox, "complete") == 1
    assert order_page(any_host, locations.pop())["state"] == "completed"
    ledger_rows = any_host.portal.call(any_host.app_state["services"].ledger.count_completions)
    assert ledger_rows == 1


def test_two_instances_on_one_database_complete_once(
    sandbox: Starlette, sandbox_client: TestClient, database_url: str, clock: Clock
) -> None:
    """Two host instances (own pools, own event loops) share the ledger and the cookie keys."""
    with (
        host_client(sandbox, database_url, clock) as a,
        host_client(sandbox, database_url, clock) as b,
    ):
        _token, form = basket_reviewed(a, sandbox_client, "MNT0005")
        b.cookies = a.cookies
        arm(sandbox, endpoint="complete", kind="delay", seconds=0.5)
        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(lambda i: confirm(a if i % 2 else b, form), range(20)))
        assert len({r.headers["location"] for r in responses}) == 1
        assert calls(sandbox, "complete") == 1


def test_launch_code_cannot_be_replayed(host: TestClient) -> None:
    launch = create_launch(host).json()["launch_url"].removeprefix(HOST)
    assert host.get(launch).status_code == 303
    host.cookies.clear()
    replay = host.get(launch)
    assert replay.status_code == 410
    assert "expired or was already used" in replay.text
    assert launch.rsplit("/", 1)[1] not in replay.text, "the code is not echoed"
    unknown = host.get("/launch/not-a-real-code")
    assert unknown.status_code == 404
    assert 'data-testid="error-panel"' in unknown.text


def test_expired_launch_code(host: TestClient, clock: Clock) -> None:
    launch = create_launch(host).json()["launch_url"].removeprefix(HOST)
    clock.advance(61)
    assert host.get(launch).status_code == 410


def test_create_token_failure_offers_a_retry_that_works(
    host: TestClient, sandbox: Starlette
) -> None:
    launch = create_launch(host).json()["launch_url"].removeprefix(HOST)
    arm(sandbox, endpoint="create_token", kind="status", status=503)
    failed = host.get(launch)
    assert failed.status_code == 503
    assert 'data-testid="retry-button"' in failed.text
    assert re.search(r'data-testid="support-code">WVH-[A-Z0-9]+<', failed.text)
    retried = host.get(launch)
    assert retried.status_code == 303, "the code was given back, so Try again works"


@pytest.mark.parametrize("cookie", ["garbage", "e30.AAAA.BBBB", ""])
def test_tampered_cookie_is_a_clear_page_not_an_error(host: TestClient, cookie: str) -> None:
    host.cookies.set("wvh_session", cookie)
    page = host.get("/shop")
    assert page.status_code == 401
    assert "Your session has ended" in page.text or "Oturumunuz sona erdi" in page.text
    api = host.get("/api/basket")
    assert api.status_code == 401
    assert api.json()["error"] == "no_session"


def test_forged_session_signed_with_another_key_is_refused(host: TestClient) -> None:
    enter_shop(host)
    value = host.cookies["wvh_session"]
    head, _, _ = value.rpartition(".")
    host.cookies.clear()
    host.cookies.set("wvh_session", head + ".forgedsignature")
    assert host.get("/shop").status_code == 401


def test_csrf_and_origin_are_checked(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    missing = host.post(
        "/checkout/complete", data={"basket": form["basket"]}, headers={"Origin": HOST}
    )
    assert missing.status_code == 403
    wrong = host.post(
        "/checkout/complete", data={**form, "csrf": "x" * 32}, headers={"Origin": HOST}
    )
    assert wrong.status_code == 403
    evil = host.post("/checkout/complete", data=form, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    cross = host.post(
        "/checkout/complete", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403
    assert calls(sandbox, "complete") == 0
    # Browsers send Origin: null on same-origin posts under no-referrer.
    ok = host.post(
        "/checkout/complete", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    )
    assert ok.status_code == 303
    assert calls(sandbox, "complete") == 1


def test_forged_basket_reference_goes_back_to_review(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    forged = confirm(host, {**form, "basket": form["basket"][:-3] + "abc"})
    assert forged.headers["location"] == "/checkout?notice=changed"
    assert calls(sandbox, "complete") == 0


def test_basket_changed_after_review(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    put_item(sandbox_client, token, "MNT0001", 2)
    response = confirm(host, form)
    assert response.headers["location"] == "/checkout?notice=changed"
    assert calls(sandbox, "complete") == 0
    notice = host.get(response.headers["location"])
    assert 'data-testid="checkout-notice"' in notice.text


def test_price_fix_lapse_sends_back_to_review_with_new_total(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette, clock: Clock
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    old_total = re.search(r'data-testid="checkout-total">([^<]+)<', host.get("/checkout").text)
    sandbox.state.store.lapse_pricefix()
    response = confirm(host, form)
    assert response.headers["location"] == "/checkout?notice=price_lapsed"
    assert calls(sandbox, "complete") == 0
    lapsed = host.get("/checkout?notice=price_lapsed")
    assert "Prices were updated" in lapsed.text
    assert 'data-testid="pricefix-lapsed"' in lapsed.text
    assert re.search(r'data-testid="confirm-button"[^>]*disabled', lapsed.text)
    clock.advance(6)  # past nextUpdate: the feed re-prices the basket
    fresh = host.get("/checkout")
    new_total = re.search(r'data-testid="checkout-total">([^<]+)<', fresh.text)
    assert old_total
    assert new_total
    assert new_total.group(1) != old_total.group(1)
    done = confirm(host, review_form(host))
    assert order_page(host, done.headers["location"])["state"] == "completed"
    assert calls(sandbox, "complete") == 1


def test_complete_refused_by_minted_can_be_retried(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    arm(sandbox, endpoint="complete", kind="parameter_error")
    first = confirm(host, form)
    failed = order_page(host, first.headers["location"])
    assert failed["state"] == "failed"
    assert failed["order-reason"] == "Minted did not accept the order."
    again = confirm(host, review_form(host))
    assert again.headers["location"] == first.headers["location"], "same basket, same record"
    assert order_page(host, again.headers["location"])["state"] == "completed"
    assert calls(sandbox, "complete") == 2


@pytest.mark.parametrize("lost", [httpx.ReadTimeout("slow"), httpx.ReadError("reset")])
def test_complete_timeout_is_unknown_then_reconciled(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock, lost: Exception
) -> None:
    transport = LosingTransport(httpx.ASGITransport(app=sandbox))
    with host_client(sandbox, sqlite_url, clock, transport) as client:
        _token, form = basket_reviewed(client, sandbox_client, "MNT0001")
        # Minted completes the order but its answer never arrives.
        transport.lose_next("/partner/ecom/complete", lost)
        response = confirm(client, form)
        result = order_page(client, response.headers["location"])
        assert result["state"] == "completed", "reconciled by reading Minted's order"
        assert calls(sandbox, "complete") == 1
        assert calls(sandbox, "get_ecom_order") == 1


def test_unknown_stays_unknown_until_minted_can_be_read(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    with host_client(
        sandbox, sqlite_url, clock, minted_timeout="0.3", minted_read_retries="0"
    ) as client:
        _token, form = basket_reviewed(client, sandbox_client, "MNT0001")
        arm(sandbox, endpoint="complete", kind="drop")
        # Reading Minted fails at Complete time, on the result page and on a resubmit.
        arm(sandbox, endpoint="get_ecom_order", kind="status", status=503, count=3)
        response = confirm(client, form)
        location = response.headers["location"]
        checking = order_page(client, location)
        assert checking["state"] == "unknown"
        assert "checking" in checking["order-status"]
        again = confirm(client, form)
        assert again.headers["location"] == location
        assert calls(sandbox, "complete") == 1, "an unknown outcome is never completed again"
        assert order_page(client, location)["state"] == "completed", "reconciled once readable"
        assert calls(sandbox, "get_ecom_order") == 4


def test_crash_between_claim_and_answer_is_reconciled(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette, clock: Clock
) -> None:
    """A pending row whose process died is stale after a while and is read from Minted."""
    _token, form = basket_reviewed(host, sandbox_client, "MNT0001")
    services = host.app_state["services"]
    view = host.portal.call(
        services.shop.read_basket, services.sessions.load(_request_with_cookies(host))
    )
    basket = view.basket
    from webview_host.checkout import BasketRef

    ref = BasketRef.of(view.session, basket)
    _claimed, won = host.portal.call(
        lambda: services.ledger.claim(
            key=ref.key,
            customer_id=view.session.customer_id,
            launch_id=view.session.launch_id,
            basket_guid=basket.guid,
            cart_token=basket.token,
            locale="en",
            total=basket.total,
            currency="TRY",
        )
    )
    assert won
    # The "dead" process had sent Complete: Minted made the order.
    sandbox.state.store.complete(view.session.customer_id, basket.token)
    pending = confirm(host, form)
    assert order_page(host, pending.headers["location"])["state"] == "pending"
    clock.advance(services.settings.pending_stale_seconds + 1)
    assert order_page(host, pending.headers["location"])["state"] == "completed"
    assert calls(sandbox, "complete") == 0


def _request_with_cookies(client: TestClient) -> Any:
    from starlette.requests import Request

    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return Request({"type": "http", "headers": [(b"cookie", cookie.encode())]})


def test_expired_token_is_renewed_once(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    token = enter_shop(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    before = calls(sandbox, "create_token")
    sandbox.state.store.expire_tokens()
    body = host.get("/api/basket").json()
    assert body["item_count"] == 1
    assert calls(sandbox, "create_token") == before + 1
    assert body["webview_url"].startswith("http://127.0.0.1:8001/webview/?token=")
    new_token = webview_token(host)
    assert new_token != token, "the new token is in the cookie and the shell"
    assert host.get("/api/basket").json()["item_count"] == 1
    assert calls(sandbox, "create_token") == before + 1


def test_basket_read_failure_is_a_json_503(host: TestClient, sandbox: Starlette) -> None:
    enter_shop(host)
    arm(sandbox, endpoint="get_active_basket", kind="status", status=502, count=3)
    response = host.get("/api/basket")
    assert response.status_code == 503
    assert response.json()["error"] == "upstream_unavailable"
    assert host.get("/api/basket").status_code == 200, "and it recovers"


def test_orders_of_other_customers_are_not_found(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    token = enter_shop(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    location = confirm(host, review_form(host)).headers["location"]
    host.cookies.clear()
    enter_shop(host)
    assert host.get(location).status_code == 404
    assert host.get("/api" + location).status_code == 404


def test_every_page_has_the_security_headers(host: TestClient) -> None:
    enter_shop(host)
    for path in ("/", "/shop", "/checkout", "/healthz", "/launch/nope", "/static/app.css"):
        response = host.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-src http://127.0.0.1:8001" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers, "plain http on localhost"


def test_shell_embeds_the_webview_in_the_html(host: TestClient) -> None:
    enter_shop(host)
    shell = host.get("/shop").text
    for testid in (
        "webview-frame",
        "basket-count",
        "basket-total",
        "pricefix-countdown",
        "review-button",
        "error-panel",
        "retry-button",
    ):
        assert f'data-testid="{testid}"' in shell
    assert re.search(r"<script>|<style>| style=| on[a-z]+=", shell) is None, "CSP-safe markup"


def test_turkish_is_the_default_language(host: TestClient, sandbox_client: TestClient) -> None:
    response = host.post(
        "/api/v1/launches",
        json={"customer": customer_payload()},
        headers={"Authorization": "Bearer dev-partner-key"},
    )
    host.get(response.json()["launch_url"].removeprefix(HOST))
    token = webview_token(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    review = host.get("/checkout").text
    assert '<html lang="tr">' in review
    assert "Onayla ve satın al" in review
    assert "₺" in review


def test_secrets_never_reach_the_logs(
    host: TestClient, sandbox_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    customer = customer_payload(identity_number="98765432109")
    launch_url = create_launch(host, customer).json()["launch_url"]
    host.get(launch_url.removeprefix(HOST))
    token = webview_token(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    confirm(host, review_form(host))
    server_records = [r for r in caplog.records if not r.name.startswith("httpx2")]  # test client
    text = "\n".join(record.getMessage() + str(record.__dict__) for record in server_records)
    code = launch_url.rsplit("/", 1)[1]
    assert "/launch/{code}" in text, "the access log names the route"
    for secret in (code, token, "98765432109", host.cookies["wvh_session"]):
        assert secret not in text


def test_lost_complete_that_minted_never_received_becomes_retryable(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    """A basket still a basket is only declared failed after the grace period."""
    with _complete_never_delivered(sandbox, sandbox_client, sqlite_url, clock) as (
        client,
        _form,
        location,
        _,
    ):
        assert order_page(client, location)["state"] == "unknown", "too early to conclude"
        clock.advance(client.app_state["services"].settings.pending_stale_seconds + 1)
        failed = order_page(client, location)
        assert failed["state"] == "failed"
        assert "cannot be reached" in failed["order-reason"]
        done = confirm(client, review_form(client))
        assert done.headers["location"] == location
        assert order_page(client, location)["state"] == "completed"
        assert calls(sandbox, "complete") == 1, "the lost call never reached Minted"


def test_late_complete_is_found_when_the_customer_retries(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> None:
    """Minted completed after we had given up: a retry finds the order, not an empty basket."""
    with _complete_never_delivered(sandbox, sandbox_client, sqlite_url, clock) as (
        client,
        form,
        location,
        token,
    ):
        clock.advance(client.app_state["services"].settings.pending_stale_seconds + 1)
        assert order_page(client, location)["state"] == "failed"
        store = sandbox.state.store
        basket = store.active_basket(store.customer_for_token(token))
        store.complete(basket.customer_id, basket.token)  # the "lost" call lands late
        again = confirm(client, form)
        assert again.headers["location"] == location
        assert order_page(client, location)["state"] == "completed"


def test_review_while_an_order_is_being_placed_shows_the_order(
    host: TestClient, sandbox_client: TestClient, sandbox: Starlette
) -> None:
    """A reload of /checkout mid-confirm leads to the order in progress, not a stale form."""
    token = enter_shop(host)
    put_item(sandbox_client, token, "MNT0001", 1)
    services = host.app_state["services"]
    session = services.sessions.load(_request_with_cookies(host))
    view = host.portal.call(services.shop.read_basket, session)
    from webview_host.checkout import BasketRef

    ref = BasketRef.of(view.session, view.basket)
    claimed, _ = host.portal.call(
        lambda: services.ledger.claim(
            key=ref.key,
            customer_id=session.customer_id,
            launch_id=session.launch_id,
            basket_guid=view.basket.guid,
            cart_token=view.basket.token,
            locale="en",
            total=view.basket.total,
            currency="TRY",
        )
    )
    review = host.get("/checkout")
    assert review.status_code == 303
    assert review.headers["location"] == f"/orders/{claimed.id}"


@contextlib.contextmanager
def _complete_never_delivered(
    sandbox: Starlette, sandbox_client: TestClient, sqlite_url: str, clock: Clock
) -> Iterator[tuple[TestClient, dict[str, str], str, str]]:
    """A confirmed basket whose Complete timed out before reaching Minted:
    (client, review form, order location, webview token)."""
    transport = LosingTransport(httpx.ASGITransport(app=sandbox))
    with host_client(sandbox, sqlite_url, clock, transport) as client:
        token, form = basket_reviewed(client, sandbox_client, "MNT0001")
        transport.lose_next("/partner/ecom/complete", httpx.ReadTimeout("t"), delivered=False)
        yield client, form, confirm(client, form).headers["location"], token
