"""The shell's "Start over" in real Chromium: link, confirmation, an empty basket after."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.pages import Shell

pytestmark = pytest.mark.sandbox


def shop_with_two_bars(page: Page, launch: Any) -> Shell:
    url, _ = launch(locale="en")
    shell = Shell(page).open(url)
    shell.wait_ready()
    shell.webview.add("MNT0001", times=2)
    shell.expect_count(2)
    return shell


def test_start_over_empties_the_basket_after_confirming(page: Page, launch: Any) -> None:
    shell = shop_with_two_bars(page, launch)
    page.get_by_test_id("start-over-link").click()
    expect(page.get_by_role("heading", name="Start over?")).to_be_visible()
    page.get_by_test_id("start-over-confirm").click()
    expect(page).to_have_url(re.compile(r"/shop$"))
    shell.wait_ready()
    shell.expect_count(0)
    expect(shell.webview.lines()).to_have_count(0)


def test_start_over_can_be_cancelled(page: Page, launch: Any) -> None:
    shell = shop_with_two_bars(page, launch)
    page.get_by_test_id("start-over-link").click()
    page.get_by_test_id("start-over-cancel").click()
    expect(page).to_have_url(re.compile(r"/shop$"))
    shell.wait_ready()
    shell.expect_count(2)
