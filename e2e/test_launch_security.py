"""Launch links in real Chromium against attacks from other sites (findings 2, 3 and the
framing half of 5): a prefetch or prerender does not use a link, a cross-site page cannot
swap the victim's session for the attacker's, and a partner page on another site can frame
the shop with its own partitioned session.

The "other site" is a small page server reached as `localhost`, while the host is
`127.0.0.1`: two sites, as far as the browser's cookie rules go.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import DEV_PARTNER_KEY, new_customer
from e2e.pages import TIMEOUT, Shell
from tests.servers import HOST_FACTORY, SANDBOX_FACTORY, free_port, running, stack_env

pytestmark = pytest.mark.sandbox


class OtherSite:
    """Pages served from `http://localhost:<port>`: `site.serve(html) -> url`."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path, "not found").encode()
                self.send_response(200 if self.path in pages else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.origin = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, html: str) -> str:
        path = f"/page-{len(self.pages)}"
        self.pages[path] = f"<!doctype html><html><body>{html}</body></html>"
        return self.origin + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def other_site() -> Iterator[OtherSite]:
    site = OtherSite()
    yield site
    site.close()


@pytest.fixture(scope="module")
def host_url(other_site: OtherSite) -> Iterator[str]:
    """A host + sandbox whose partner origin is the other site (so it may frame the shop)."""
    data = Path(tempfile.mkdtemp(prefix="wvh-e2e-sec-"))
    host_port, sandbox_port = free_port(), free_port()
    env = stack_env(
        host_port,
        sandbox_port,
        WVH_DATABASE_URL=f"sqlite:///{data}/ledger.sqlite3",
        WVH_PARTNER_ORIGINS=other_site.origin,
    )
    with (
        running("sandbox", SANDBOX_FACTORY, env, sandbox_port),
        running("host", HOST_FACTORY, env, host_port) as host,
    ):
        yield host.url
    shutil.rmtree(data, ignore_errors=True)


def new_link(host_url: str, customer: dict[str, Any] | None = None) -> str:
    response = httpx.post(
        f"{host_url}/api/v1/launches",
        json={"customer": customer or new_customer(), "locale": "en"},
        headers={"Authorization": f"Bearer {DEV_PARTNER_KEY}"},
    )
    assert response.status_code == 201, response.text
    url: str = response.json()["launch_url"]
    return url


def test_prefetch_and_prerender_do_not_use_the_link(
    page: Page, other_site: OtherSite, host_url: str
) -> None:
    link = new_link(host_url)
    rules = json.dumps({"prerender": [{"source": "list", "urls": [link]}]})
    page.goto(
        other_site.serve(
            f'<link rel="prefetch" href="{link}">'
            f'<script type="speculationrules">{rules}</script>'
            f'<a id="go" href="{link}">go</a>'
        )
    )
    # Whatever Chromium fetched or prerendered meanwhile, a HEAD and a scanner's GET too:
    assert httpx.head(link).status_code == 200
    assert httpx.get(link, headers={"Sec-Purpose": "prefetch"}).status_code == 200
    page.get_by_text("go").click()
    expect(page).to_have_url(re.compile(r"/shop$"), timeout=TIMEOUT)
    Shell(page).wait_ready()


def test_an_attackers_link_opened_from_another_site_does_not_swap_the_session(
    page: Page, other_site: OtherSite, host_url: str
) -> None:
    victim = Shell(page).open(new_link(host_url))
    victim.wait_ready()
    cookie = next(c for c in page.context.cookies() if c["name"] == "wvh_session")

    attacker_link = new_link(host_url)  # the attacker's own customer
    page.goto(other_site.serve(f'<a id="go" href="{attacker_link}">win a prize</a>'))
    page.get_by_text("win a prize").click()
    expect(page.get_by_test_id("launch-switch")).to_be_visible(timeout=TIMEOUT)
    after = next(c for c in page.context.cookies() if c["name"] == "wvh_session")
    assert after["value"] == cookie["value"], "the victim's session is untouched"

    # A cross-site form POST straight at the exchange is refused outright.
    form = (
        f'<form id="f" method="post" action="{attacker_link}">'
        '<input name="replace" value="1"><button>go</button></form>'
    )
    page.goto(other_site.serve(form))
    page.locator("#f button").click()
    expect(page.get_by_test_id("error-panel")).to_be_visible(timeout=TIMEOUT)
    final = next(c for c in page.context.cookies() if c["name"] == "wvh_session")
    assert final["value"] == cookie["value"]

    page.goto(f"{host_url}/shop")
    Shell(page).wait_ready()


def test_the_customer_may_choose_the_new_session(page: Page, host_url: str) -> None:
    Shell(page).open(new_link(host_url)).wait_ready()
    page.goto(new_link(host_url))
    page.get_by_test_id("launch-confirm").click()
    expect(page).to_have_url(re.compile(r"/shop$"), timeout=TIMEOUT)
    Shell(page).wait_ready()


def test_a_partner_page_on_another_site_frames_the_shop(
    browser: Browser, other_site: OtherSite, host_url: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    link = new_link(host_url)
    page.goto(
        other_site.serve(
            f'<iframe id="shop" src="{link}" style="width:800px;height:600px"></iframe>'
        )
    )
    frame = page.frame_locator("#shop")
    expect(frame.locator("#shell")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(frame.get_by_test_id("basket-count")).to_have_text("0", timeout=TIMEOUT)
    framed_cookies = [c for c in context.cookies() if c["name"] == "wvh_session"]
    assert framed_cookies
    assert all(c["sameSite"] == "None" and c["secure"] for c in framed_cookies)
    # The partitioned cookie is the partner site's only: top-level, the host has no session.
    top = context.new_page()
    answer = top.goto(f"{host_url}/shop")
    assert answer is not None
    assert answer.status == 401
    context.close()
