"""The customer's happy path in real Chromium: launch -> shop -> webview basket -> order."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import Stack
from e2e.pages import Shell
from webview_host.sandbox.control import SandboxControl

pytestmark = pytest.mark.sandbox


def test_buy_a_gold_bar_through_the_embedded_webview(
    page: Page, launch, stack: Stack, control: SandboxControl
) -> None:
    completes_before = control.calls().get("complete", 0)
    url, customer = launch(locale="en")
    shell = Shell(page).open(url)
    shell.wait_ready()
    shell.expect_count(0)

    shell.webview.add("MNT0001")
    shell.expect_count(1)
    expect(shell.total()).not_to_have_text("–")
    expect(shell.countdown()).to_have_text(re.compile(r"Price fixed \d:\d\d"))

    review = shell.review()
    expect(review.lines()).to_have_count(1)
    expect(review.lines().first).to_contain_text("Minted 1 Gr")
    result = review.confirm()
    result.expect_state("completed")
    assert result.order_code()
    assert result.support_code().startswith("WVH-")

    orders = control.customer(customer["external_id"])["orders"]
    assert len(orders) == 1, "exactly one order at Minted"
    assert control.calls()["complete"] == completes_before + 1
