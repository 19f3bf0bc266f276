"""Page objects: the shell, the embedded webview, review, result.

Every locator is a `data-testid`; every wait is on a state the page exposes
(`#shell[data-state]`, the webview's `body[data-state]`, texts), never a sleep.
"""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import FrameLocator, Locator, Page, expect

TIMEOUT = 15_000


class Webview:
    """The Minted (sandbox) webview inside the shell's iframe."""

    def __init__(self, page: Page, root: Page | FrameLocator | None = None) -> None:
        self.page = page
        self.frame: FrameLocator = (root or page).frame_locator('[data-testid="webview-frame"]')

    def wait_idle(self) -> None:
        expect(self.frame.locator("body")).to_have_attribute("data-state", "idle", timeout=TIMEOUT)

    def product(self, sku: str) -> Locator:
        return self.frame.get_by_test_id(f"product-{sku}")

    def add(self, sku: str, times: int = 1) -> None:
        self.wait_idle()
        for _ in range(times):
            self.product(sku).get_by_test_id("add-to-basket").click()
            self.wait_idle()

    def lines(self) -> Locator:
        return self.frame.get_by_test_id("basket-line")

    def line(self, sku: str) -> Locator:
        return self.frame.locator(f'[data-testid="basket-line"][data-sku="{sku}"]')

    def set_quantity(self, sku: str, quantity: int) -> None:
        field = self.line(sku).get_by_test_id("quantity-input")
        field.fill(str(quantity))
        field.press("Enter")
        field.blur()
        self.wait_idle()

    def remove(self, sku: str) -> None:
        self.line(sku).get_by_test_id("remove-item").click()
        self.wait_idle()

    def checkout(self) -> None:
        self.frame.get_by_test_id("checkout-button").click()


class Shell:
    """Our page around the webview: basket bar, countdown, watchdog.

    `root` is the frame the shell is in when a partner page (or the harness) frames it.
    """

    def __init__(self, page: Page, root: Page | FrameLocator | None = None) -> None:
        self.page = page
        self.root = root or page
        self.webview = Webview(page, self.root)

    def open(self, launch_url: str) -> Shell:
        self.page.goto(launch_url)
        expect(self.page).to_have_url(re.compile(r"/shop$"), timeout=TIMEOUT)
        return self

    def wait_ready(self) -> None:
        expect(self.root.locator("#shell")).to_have_attribute(
            "data-state", "ready", timeout=TIMEOUT
        )
        self.webview.wait_idle()

    def count(self) -> Locator:
        return self.root.get_by_test_id("basket-count")

    def total(self) -> Locator:
        return self.root.get_by_test_id("basket-total")

    def countdown(self) -> Locator:
        return self.root.get_by_test_id("pricefix-countdown")

    def close_button(self) -> Locator:
        return self.root.get_by_test_id("close-button")

    def expect_count(self, count: int) -> None:
        expect(self.count()).to_have_text(str(count), timeout=TIMEOUT)

    def review(self) -> Review:
        self.page.get_by_test_id("review-button").click()
        return Review(self.page).wait()


class Review:
    """The review page with the Confirm form."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def wait(self) -> Review:
        expect(self.page).to_have_url(re.compile(r"/checkout"), timeout=TIMEOUT)
        return self

    def lines(self) -> Locator:
        return self.page.get_by_test_id("checkout-line")

    def total(self) -> Locator:
        return self.page.get_by_test_id("checkout-total")

    def notice(self) -> Locator:
        return self.page.get_by_test_id("checkout-notice")

    def confirm_button(self) -> Locator:
        return self.page.get_by_test_id("confirm-button")

    def confirm(self) -> Result:
        self.confirm_button().click()
        return Result(self.page).wait()


class Result:
    """The order result page."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def wait(self) -> Result:
        expect(self.page).to_have_url(re.compile(r"/orders/"), timeout=TIMEOUT)
        return self

    def status(self) -> Locator:
        return self.page.get_by_test_id("order-status")

    def expect_state(self, state: str) -> None:
        expect(self.status()).to_have_attribute("data-state", state, timeout=TIMEOUT)

    def order_code(self) -> str:
        code = self.page.get_by_test_id("order-code")
        expect(code).to_have_text(re.compile(r"^[A-Z0-9]{6,}$"), timeout=TIMEOUT)
        return code.inner_text()

    def support_code(self) -> str:
        return self.page.get_by_test_id("support-code").inner_text()


class Harness:
    """The partner-app harness (/dev/partner-app): a launch form, the app's frame, the log."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.locator("#harness")
        self.app = page.frame_locator('[data-testid="app-frame"]')
        self.shell = Shell(page, self.app)

    def open(self) -> Harness:
        self.page.goto("/dev/partner-app")
        expect(self.root).to_have_attribute("data-schemas", "loaded", timeout=TIMEOUT)
        return self

    def launch(self, transport: str, **fields: str) -> Shell:
        self.page.get_by_test_id("transport").select_option(transport)
        for name, value in fields.items():
            self.page.locator(f'#launch-form [name="{name}"]').fill(value)
        self.page.get_by_test_id("launch-button").click()
        expect(self.root).to_have_attribute("data-state", "running", timeout=TIMEOUT)
        self.shell.wait_ready()
        return self.shell

    def rows(self) -> Locator:
        return self.page.get_by_test_id("event-row")

    def row(self, event_type: str) -> Locator:
        return self.page.locator(f'[data-testid="event-row"][data-type="{event_type}"]')

    def wait_for(self, event_type: str, count: int = 1) -> None:
        expect(self.row(event_type)).to_have_count(count, timeout=TIMEOUT)

    def shown(self) -> list[tuple[int, str, Any]]:
        """The log as the harness shows it: (seq, type, data) per row."""
        cells = self.rows().evaluate_all(
            "rows => rows.map(r => [r.dataset.seq, r.dataset.type, r.cells[2].textContent])"
        )
        return [(int(seq), kind, json.loads(data)) for seq, kind, data in cells]

    def raised(self) -> list[dict[str, Any]]:
        """What bridge.js raised in the app's frame this session (its sessionStorage log)."""
        handle = self.page.get_by_test_id("app-frame").element_handle()
        frame = handle.content_frame()
        assert frame is not None, "the app's frame shows a page"
        raw = frame.evaluate("() => window.sessionStorage.getItem('wvh.bridge.v1')")
        log: list[dict[str, Any]] = json.loads(raw)["log"] if raw else []
        return log

    def expect_clean_log(self) -> None:
        """Every event valid against its schema, numbered in order, none repeated."""
        expect(self.page.get_by_test_id("log-summary")).to_have_attribute("data-ok", "true")
        expect(self.page.locator('[data-testid="event-row"][data-valid="false"]')).to_have_count(0)
        expect(self.page.locator('[data-testid="event-row"][data-in-order="false"]')).to_have_count(
            0
        )
