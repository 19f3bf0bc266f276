"""The partner-app harness (/dev/partner-app), as QA and partner developers use it: launch,
buy, and watch the bridge events arrive for each transport, valid and in order; a failed
Complete; a lapsed session; the app closing the WebView.

The harness checks each event with its own small JSON Schema validator; the tests also
check, with `jsonschema`, that what it shows is exactly what the bridge raised and that
every one of those events is valid (tests/test_bridge_contract.py keeps the schemas to the
keywords the harness's validator knows)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.containers import assert_numbered_once_in_order, assert_shell_opened, assert_valid
from e2e.pages import TIMEOUT, Harness
from webview_host.sandbox.control import SandboxControl

pytestmark = pytest.mark.sandbox

TRANSPORTS = ("ios", "android", "react_native", "parent", "scheme")


def expect_shown_as_raised(harness: Harness) -> list[str]:
    """The harness's log is clean, shows every event the bridge raised (no more, none
    twice, in order), and each is valid against its schema; returns the types."""
    harness.expect_clean_log()
    raised = harness.raised()
    assert_valid(raised)
    assert_numbered_once_in_order(raised)
    assert harness.shown() == [(e["seq"], e["type"], e["data"]) for e in raised]
    return [e["type"] for e in raised]


def buy_one_gold_bar(harness: Harness) -> None:
    shell = harness.shell
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    harness.app.get_by_test_id("review-button").click()
    harness.app.get_by_test_id("confirm-button").click()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_harness_shows_a_purchase(page: Page, transport: str) -> None:
    harness = Harness(page).open()
    harness.launch(transport)
    buy_one_gold_bar(harness)
    harness.wait_for("order.completed")
    types = expect_shown_as_raised(harness)
    assert_shell_opened(types)
    assert types[3:] == ["basket.updated", "checkout.started", "order.completed"], types


def test_harness_shows_a_failed_complete(page: Page, control: SandboxControl) -> None:
    harness = Harness(page).open()
    harness.launch("ios")
    control.fault("complete", "parameter_error")
    buy_one_gold_bar(harness)
    harness.wait_for("order.failed")
    failed = harness.row("order.failed")
    expect(failed).to_contain_text('"retryable":true')
    expect(failed).to_contain_text('"reason":"rejected"')
    types = expect_shown_as_raised(harness)
    assert_shell_opened(types)
    assert types[3:] == ["basket.updated", "checkout.started", "order.failed"], types


def test_harness_shows_a_lapsed_session(page: Page) -> None:
    harness = Harness(page).open()
    harness.launch("android")
    harness.wait_for("basket.updated")
    page.get_by_test_id("lapse-seconds").fill("2")
    page.get_by_test_id("lapse-button").click()
    harness.wait_for("session.expiring")
    harness.wait_for("session.expired")
    expect(harness.app.get_by_test_id("error-message")).to_contain_text(
        "session has ended", timeout=TIMEOUT
    )
    expect(harness.row("session.expired")).to_contain_text('"reason":"timeout"')
    types = expect_shown_as_raised(harness)
    assert_shell_opened(types)
    reloaded = types.index("shell.ready", 1)  # the page came back with its new end
    assert reloaded < types.index("session.expiring") < types.index("session.expired"), types
    assert types[-1] == "session.expired", "nothing after the end"


def test_harness_closes_the_webview_on_close_requested(page: Page) -> None:
    harness = Harness(page).open()
    harness.launch("react_native")
    harness.shell.close_button().click()
    harness.wait_for("close.requested")
    expect(harness.root).to_have_attribute("data-state", "closed")
    expect(page.get_by_test_id("closed-note")).to_be_visible()
    expect(harness.row("close.requested")).to_contain_text('"page":"shell"')
    harness.expect_clean_log()
