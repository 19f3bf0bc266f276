"""The review page's own script in real Chromium: one submit per review, with or without a
price fix (the server is exactly-once anyway; the page must not even try twice)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from e2e.pages import Shell

pytestmark = pytest.mark.sandbox


def without_price_fix(route: Route) -> None:
    """The review page as a basket with no price fix renders it (no `data-remaining`)."""
    response = route.fetch()
    html = re.sub(r'data-remaining="[^"]*"', "", response.text())
    route.fulfill(response=response, body=html)


def test_a_second_submit_is_swallowed_when_the_basket_has_no_price_fix(
    page: Page, launch: Any
) -> None:
    url, _ = launch(locale="en")
    shell = Shell(page).open(url)
    shell.wait_ready()
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    page.route(re.compile(r"/checkout$"), without_price_fix)
    review = shell.review()
    expect(page.locator("#review")).not_to_have_attribute("data-remaining", re.compile(".*"))
    # Watch every submit after the page's own handler, and keep the page where it is.
    allowed = page.evaluate(
        """() => new Promise((done) => {
            const seen = [];
            document.addEventListener("submit", (event) => {
                seen.push(!event.defaultPrevented);
                event.preventDefault();
            });
            const form = document.getElementById("confirm-form");
            form.requestSubmit();
            setTimeout(() => { form.requestSubmit(); done(seen); }, 50);
        })"""
    )
    assert allowed == [True, False], "the second submit is swallowed by the page"
    expect(review.confirm_button()).to_be_disabled()
