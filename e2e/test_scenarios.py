"""QA scenarios in real Chromium against the sandbox: every test is one thing a customer does
or one way Minted misbehaves. No sleeps: each wait is on a state the page shows."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import time
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from e2e.conftest import Stack, new_customer
from e2e.pages import TIMEOUT, Result, Review, Shell
from webview_host.sandbox.control import SandboxControl

pytestmark = pytest.mark.sandbox


def completes(control: SandboxControl) -> int:
    return control.calls().get("complete", 0)


def orders_of(control: SandboxControl, customer: dict[str, Any]) -> int:
    return len(control.customer(customer["external_id"])["orders"])


def open_shop(page: Page, launch: Any, locale: str = "en") -> tuple[Shell, dict[str, Any]]:
    url, customer = launch(locale=locale)
    shell = Shell(page).open(url)
    shell.wait_ready()
    return shell, customer


def review_one_gold_bar(page: Page, launch: Any) -> tuple[Review, dict[str, Any]]:
    """A fresh customer with one 1 g gold bar in the basket, on the review page."""
    shell, customer = open_shop(page, launch)
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    return shell.review(), customer


# --- buying -------------------------------------------------------------------------


def test_buy_silver(page: Page, launch: Any, control: SandboxControl) -> None:
    shell, customer = open_shop(page, launch)
    shell.webview.add("MNS0100")
    shell.expect_count(1)
    review = shell.review()
    expect(review.lines()).to_have_count(1)
    expect(page.get_by_test_id("fee-silver_craftsmanship")).to_be_visible()
    review.confirm().expect_state("completed")
    assert orders_of(control, customer) == 1


def test_buy_several_items(page: Page, launch: Any, control: SandboxControl) -> None:
    shell, customer = open_shop(page, launch)
    shell.webview.add("MNT0001", times=2)
    shell.webview.add("MNT0005")
    shell.webview.add("MNS0100")
    shell.expect_count(4)
    review = shell.review()
    expect(review.lines()).to_have_count(3)
    expect(review.lines().filter(has_text="Minted 1 Gr")).to_contain_text("2")
    review.confirm().expect_state("completed")
    order = control.customer(customer["external_id"])["orders"][0]
    assert sum(item["amount"] for item in order["items"]) == 4


def test_checkout_from_inside_the_webview(page: Page, launch: Any) -> None:
    shell, _ = open_shop(page, launch)
    shell.webview.add("MNT0001")
    shell.webview.checkout()
    review = Review(page).wait()
    expect(review.lines()).to_have_count(1)


def test_empty_basket_cannot_be_confirmed(page: Page, launch: Any) -> None:
    shell, _ = open_shop(page, launch)
    shell.expect_count(0)
    review_button = page.get_by_test_id("review-button")
    expect(review_button).to_have_attribute("aria-disabled", "true")
    review_button.click(force=True)  # a disabled Review goes nowhere
    expect(page).to_have_url(re.compile(r"/shop$"))
    page.goto("/checkout")  # nor does typing the address
    expect(page.get_by_test_id("checkout-empty")).to_be_visible()
    expect(page.get_by_test_id("confirm-button")).to_have_count(0)


def test_change_quantity_then_review(page: Page, launch: Any) -> None:
    shell, _ = open_shop(page, launch)
    shell.webview.add("MNT0001")
    shell.webview.add("MNT0005")
    shell.expect_count(2)
    shell.webview.set_quantity("MNT0001", 3)
    shell.expect_count(4)
    shell.webview.remove("MNT0005")
    shell.expect_count(3)
    review = shell.review()
    expect(review.lines()).to_have_count(1)
    expect(review.lines().first.locator("td.num").first).to_have_text("3")


# --- exactly once -------------------------------------------------------------------------


def test_double_tap_confirm_makes_one_order(
    page: Page, launch: Any, control: SandboxControl
) -> None:
    review, customer = review_one_gold_bar(page, launch)
    before = completes(control)
    control.fault("complete", "delay", seconds=1)
    review.confirm_button().dblclick()
    Result(page).wait().expect_state("completed")
    assert completes(control) == before + 1
    assert orders_of(control, customer) == 1


def test_back_button_after_completion_does_not_reopen_checkout(
    page: Page, launch: Any, control: SandboxControl
) -> None:
    shell, customer = open_shop(page, launch)
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    shell.review().confirm().expect_state("completed")
    page.go_back()
    expect(page.get_by_test_id("checkout-empty")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("confirm-button")).to_have_count(0)
    assert orders_of(control, customer) == 1


def test_two_tabs_complete_the_same_basket_once(
    context: BrowserContext, launch: Any, control: SandboxControl
) -> None:
    first = context.new_page()
    shell, customer = open_shop(first, launch)
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    shell.review()
    second = context.new_page()
    second.goto("/checkout")
    second_review = Review(second).wait()
    before = completes(control)
    first_result = Review(first).confirm()
    first_result.expect_state("completed")
    second_result = second_review.confirm()
    second_result.expect_state("completed")
    assert first.url == second.url, "both tabs show the same order"
    assert completes(control) == before + 1
    assert orders_of(control, customer) == 1


def reload_like_a_customer(page: Page, attempts: int = 3) -> None:
    """Press reload while a form post is in flight, as a customer would, until it takes."""
    for attempt in range(attempts):
        try:
            page.reload()
            return
        except PlaywrightError as exc:
            message = str(exc)
            if "interrupted by another navigation" in message or "ERR_ABORTED" in message:
                # The order page arrived during the reload and won the race, as in any browser.
                page.wait_for_load_state()
                return
            if "Not attached to an active page" in message and attempt < attempts - 1:
                # Chromium was swapping the page to a new process for the in-flight post
                # (seen 2 in 20 suite runs); the customer's reload simply did not register.
                page.wait_for_load_state()
                continue
            raise


def test_reload_during_complete(page: Page, launch: Any, control: SandboxControl) -> None:
    review, customer = review_one_gold_bar(page, launch)
    control.fault("complete", "delay", seconds=1.5)
    with page.expect_request(re.compile(r"/checkout/complete$")):
        review.confirm_button().click()
    reload_like_a_customer(page)
    if "/orders/" not in page.url:
        # The reload abandoned the POST. The review page then shows the order placed by
        # then, or (if Minted never got it) the same basket to confirm again.
        way_on = page.get_by_test_id("recent-order").or_(page.get_by_test_id("confirm-button"))
        way_on.click()
    Result(page).wait().expect_state("completed")
    assert orders_of(control, customer) == 1


# --- Minted misbehaving ----------------------------------------------------------------


def test_token_expired_mid_session_is_renewed(
    page: Page, launch: Any, control: SandboxControl
) -> None:
    shell, customer = open_shop(page, launch)
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    frame = page.get_by_test_id("webview-frame")
    old_src = frame.get_attribute("src")
    control.expire_tokens(customer["external_id"])
    page.get_by_test_id("basket-refresh").click()
    expect(frame).not_to_have_attribute("src", old_src or "", timeout=TIMEOUT)
    shell.wait_ready()
    shell.webview.add("MNT0001")
    shell.expect_count(2)


def test_price_fix_lapses_on_the_review_page(
    page: Page, launch: Any, control: SandboxControl
) -> None:
    review, customer = review_one_gold_bar(page, launch)
    old_total = review.total().inner_text()
    control.lapse_pricefix(customer["external_id"])
    review.confirm_button().click()
    expect(review.notice()).to_contain_text("Prices were updated", timeout=TIMEOUT)
    # The page refreshes itself until the new prices arrive, then Confirm is enabled again.
    expect(review.confirm_button()).to_be_enabled(timeout=20_000)
    expect(review.total()).not_to_have_text(old_total)
    review.confirm().expect_state("completed")
    assert orders_of(control, customer) == 1


@pytest.mark.parametrize(("kind", "extra"), [("status", {"status": 503}), ("hang", {"seconds": 4})])
def test_create_token_failure_at_launch_then_retry(
    page: Page, launch: Any, control: SandboxControl, kind: str, extra: dict[str, Any]
) -> None:
    url, _ = launch()
    control.fault("create_token", kind, **extra)
    page.goto(url)
    expect(page.get_by_test_id("error-panel")).to_contain_text(
        "Minted cannot be reached", timeout=TIMEOUT
    )
    expect(page.get_by_test_id("support-code")).to_have_text(re.compile(r"^WVH-"))
    page.get_by_test_id("retry-button").click()
    Shell(page).wait_ready()


def test_basket_read_fails_then_recovers(page: Page, launch: Any, control: SandboxControl) -> None:
    shell, _ = open_shop(page, launch)
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    control.fault("get_active_basket", "status", status=502, count=3)
    page.get_by_test_id("basket-refresh").click()
    expect(page.locator("#basket-error")).to_be_visible(timeout=TIMEOUT)
    page.get_by_test_id("basket-refresh").click()
    expect(page.locator("#basket-error")).to_be_hidden(timeout=TIMEOUT)
    shell.expect_count(1)


def test_complete_refused_then_retried(page: Page, launch: Any, control: SandboxControl) -> None:
    review, customer = review_one_gold_bar(page, launch)
    control.fault("complete", "parameter_error")
    result = review.confirm()
    result.expect_state("failed")
    expect(page.get_by_test_id("order-reason")).to_have_text("Minted did not accept the order.")
    page.get_by_test_id("retry-button").click()
    Review(page).wait().confirm().expect_state("completed")
    assert orders_of(control, customer) == 1


def test_complete_times_out_then_reconciles(
    page: Page, launch: Any, control: SandboxControl
) -> None:
    review, customer = review_one_gold_bar(page, launch)
    before = completes(control)
    control.fault("complete", "timeout", seconds=4)  # the host gives up after 2 s
    review.confirm().expect_state("completed")
    assert completes(control) == before + 1
    assert orders_of(control, customer) == 1


def test_webview_never_loads_then_retry(page: Page, launch: Any, control: SandboxControl) -> None:
    url, _ = launch()
    control.fault("webview", "hang", seconds=8)
    page.goto(url, wait_until="domcontentloaded")  # "load" would wait for the hung frame
    panel = page.get_by_test_id("error-panel")
    expect(panel).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#shell")).to_have_attribute("data-state", "error")
    expect(page.get_by_test_id("retry-button")).to_be_focused()
    page.get_by_test_id("retry-button").click()
    Shell(page).wait_ready()
    expect(panel).to_be_hidden()


# --- links and sessions --------------------------------------------------------------


def test_launch_link_reused(page: Page, launch: Any) -> None:
    url, _ = launch()
    Shell(page).open(url)
    page.context.clear_cookies()
    response = page.goto(url)
    assert response is not None
    assert response.status == 410
    expect(page.get_by_test_id("error-message")).to_contain_text("already used")


def wait_for_server_time(url: str, moment: dt.datetime) -> None:
    """Poll the server's clock (its Date header) until it is past `moment`."""
    import httpx

    with httpx.Client(base_url=url, timeout=5) as client:
        for _ in range(600):
            date = client.get("/healthz").headers["date"]
            if email.utils.parsedate_to_datetime(date) > moment:
                return
            time.sleep(0.1)  # the poll interval
    raise AssertionError(f"the server's clock never passed {moment}")


def test_launch_link_expired(page: Page, stack: Stack) -> None:
    import httpx

    response = httpx.post(
        f"{stack.host_url}/api/v1/launches",
        json={"customer": new_customer(), "locale": "en"},
        headers={"Authorization": f"Bearer {stack.partner_key}"},
    )
    body = response.json()
    wait_for_server_time(stack.host_url, dt.datetime.fromisoformat(body["expires_at"]))
    answer = page.goto(body["launch_url"])
    assert answer is not None
    assert answer.status == 410
    expect(page.get_by_test_id("error-message")).to_contain_text("expired")


def test_tampered_cookie_shows_a_clear_page(page: Page, launch: Any, stack: Stack) -> None:
    open_shop(page, launch)
    cookie = next(c for c in page.context.cookies() if c["name"] == "wvh_session")
    tampered = {**cookie, "value": cookie["value"][:-4] + "AAAA"}
    page.context.add_cookies([tampered])  # type: ignore[list-item]  # a Cookie is a SetCookieParam
    response = page.goto("/shop")
    assert response is not None
    assert response.status == 401
    expect(page.get_by_test_id("error-message")).to_contain_text("session has ended")


# --- languages, devices, keyboard ------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "review_label", "confirm_label", "currency"),
    [
        ("tr", "Sepeti incele", "Onayla ve satın al", "₺"),
        ("en", "Review basket", "Confirm and buy", "TRY"),
    ],
)
def test_languages(
    page: Page, launch: Any, locale: str, review_label: str, confirm_label: str, currency: str
) -> None:
    shell, _ = open_shop(page, launch, locale=locale)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    expect(page.get_by_test_id("review-button")).to_have_text(review_label)
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    review = shell.review()
    expect(review.confirm_button()).to_have_text(confirm_label)
    expect(review.total()).to_contain_text(currency)


IN_APP_DEVICES = {
    "iphone-wkwebview": (
        "iPhone 13",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    ),
    "android-webview": (
        "Pixel 7",
        "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
        "Chrome/126.0.0.0 Mobile Safari/537.36",
    ),
}


@pytest.mark.parametrize("device", sorted(IN_APP_DEVICES))
def test_phone_in_app_webview(
    browser: Browser,
    base_url: str,
    launch: Any,
    control: SandboxControl,
    device: str,
    playwright: Any,
) -> None:
    name, user_agent = IN_APP_DEVICES[device]
    descriptor = {k: v for k, v in playwright.devices[name].items() if k != "default_browser_type"}
    context = browser.new_context(**{**descriptor, "user_agent": user_agent}, base_url=base_url)
    try:
        page = context.new_page()
        shell, customer = open_shop(page, launch)
        viewport = page.viewport_size
        assert viewport is not None
        for testid in ("review-button", "basket-total", "webview-frame"):
            box = page.get_by_test_id(testid).bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= viewport["width"] + 1, f"{testid} fits the screen"
        shell.webview.product("MNT0001").get_by_test_id("add-to-basket").tap()
        shell.webview.wait_idle()
        shell.expect_count(1)
        page.get_by_test_id("review-button").tap()
        review = Review(page).wait()
        review.confirm_button().tap()
        Result(page).wait().expect_state("completed")
        assert orders_of(control, customer) == 1
    finally:
        context.close()


def _tab_to(page: Page, testid: str, limit: int = 30) -> None:
    target = page.get_by_test_id(testid)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{testid} cannot be reached with the keyboard")


def test_keyboard_only_checkout(page: Page, launch: Any, control: SandboxControl) -> None:
    shell, customer = open_shop(page, launch)
    add = shell.webview.product("MNT0001").get_by_test_id("add-to-basket")
    add.focus()
    page.keyboard.press("Enter")
    shell.webview.wait_idle()
    shell.expect_count(1)
    page.get_by_test_id("basket-total").click()  # back to the shell's document, no focus
    page.keyboard.press("Shift+Tab")
    _tab_to(page, "review-button")
    page.keyboard.press("Enter")
    Review(page).wait()
    _tab_to(page, "confirm-button")
    page.keyboard.press("Enter")
    Result(page).wait().expect_state("completed")
    assert orders_of(control, customer) == 1
