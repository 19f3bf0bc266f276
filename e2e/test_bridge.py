"""Partner apps in real Chromium: each bridge transport gets every event once and in order
across the shell, review and result pages (including events raised before it appeared),
messages from foreign origins and windows are ignored, the Minted iframe's sandbox still
lets the webview work, and the return_url carries a result the partner can verify."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import Stack
from e2e.containers import (
    NATIVE,
    NativeApp,
    PartnerSite,
    SchemeWatcher,
    assert_numbered_once_in_order,
    assert_shell_opened,
    assert_valid,
    bridge_config,
)
from e2e.pages import TIMEOUT, Result, Review, Shell
from webview_host.policy import SANDBOX_COOKIE_KEY
from webview_host.results import verify
from webview_host.sandbox.control import SandboxControl
from webview_host.settings import Secret

pytestmark = pytest.mark.sandbox

PURCHASE = ["basket.updated", "checkout.started", "order.completed"]


def types_of(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


def stored_events(page: Page) -> list[dict[str, Any]]:
    """What the bridge keeps for the app (sessionStorage), whether delivered or not."""
    raw = page.evaluate("() => window.sessionStorage.getItem('wvh.bridge.v1')")
    return json.loads(raw)["log"] if raw else []


@pytest.mark.parametrize("transport", NATIVE)
def test_native_transport_gets_every_event_once_in_order(
    context: BrowserContext, page: Page, launch: Any, control: SandboxControl, transport: str
) -> None:
    """The app's object appears only after the shell has raised its first events; they
    wait for it, then every later page has it from the start (as WKUserScript,
    addJavascriptInterface and React Native inject it)."""
    app = NativeApp(context, page, transport)
    url, customer = launch(return_url="bankapp://shop/done?x=1")
    shell = Shell(page).open(url)
    shell.wait_ready()
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    page.wait_for_function(
        "() => JSON.parse(sessionStorage.getItem('wvh.bridge.v1')).log"
        ".some(e => e.type === 'basket.updated' && e.data.item_count === 1)"
    )
    assert app.events() == [], "no transport yet: the events wait"

    config = bridge_config(page)
    app.inject_now(config)
    app.inject_from_start(config)
    app.wait_for_type("basket.updated", count=2)
    result = shell.review().confirm()
    result.expect_state("completed")
    app.wait_for_type("order.completed")

    # History after a terminal state: no live Confirm, and no second order.completed.
    page.go_back()
    expect(page.get_by_test_id("checkout-empty")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("confirm-button")).to_have_count(0)
    page.go_forward()
    Result(page).wait().expect_state("completed")
    back = page.get_by_test_id("back-to-app").get_attribute("href") or ""
    assert back.startswith("bankapp://shop/done?x=1&completion_id="), back

    shell.close_button().click()
    events = app.wait_for_type("close.requested")
    expect(page).to_have_url(re.compile(r"/orders/"))  # the app closes the WebView, not us

    assert_valid(events)
    assert_numbered_once_in_order(events)
    types = types_of(events)
    assert_shell_opened(types)
    assert types[3:] == [*PURCHASE, "close.requested"], types
    completed = events[-2]["data"]
    assert completed["order_code"] == result.order_code()
    assert completed["currency"] == "TRY"
    assert events[-1]["data"] == {"reason": "button", "page": "result"}
    assert events == stored_events(page), "the app got exactly what the bridge raised"
    assert len(control.customer(customer["external_id"])["orders"]) == 1


PARTNER_PAGE = """<!doctype html><html><head><title>partner web app</title></head><body>
<iframe id="wv" src="%(launch_url)s" style="width:390px;height:720px;border:0"></iframe>
<script>
  window.events = [];
  window.addEventListener("message", function (event) {
    var frame = document.getElementById("wv");
    if (event.origin !== %(host)s || event.source !== frame.contentWindow) { return; }
    window.events.push(event.data);
  });
  window.command = function (command) {
    document.getElementById("wv").contentWindow.postMessage({v: 1, command: command}, %(host)s);
  };
  window.spoofMinted = function (type) {
    document.getElementById("wv").contentWindow.postMessage(
      {source: "minted-sandbox", v: 1, type: type, data: {}}, "*");
  };
</script></body></html>"""


@pytest.fixture(scope="module")
def partner_site(stack: Stack) -> Iterator[PartnerSite]:
    if stack.partner_origin is None:
        raise pytest.UsageError("These scenarios need the local stack's partner origin.")
    with PartnerSite(stack.partner_origin).serving() as site:
        yield site


def test_web_partner_framing_the_shell_gets_events_and_sends_commands(
    page: Page, launch: Any, stack: Stack, partner_site: PartnerSite
) -> None:
    """A partner page on an allowed origin frames the shell: events reach it by
    postMessage to its origin, its commands come back; a fake Minted message from it
    (a foreign origin) or from a second frame on Minted's origin (a foreign window),
    and a command from the Minted frame, are all ignored."""
    url, _ = launch()
    html = PARTNER_PAGE % {"launch_url": url, "host": json.dumps(stack.host_url)}
    page.goto(partner_site.put("/app", html))
    app = page.frame_locator("#wv")
    shell = Shell(page, app)
    shell.wait_ready()
    shell_frame = next(f for f in page.frames if f.url.endswith("/shop"))
    minted = next(f for f in page.frames if "/webview/" in f.url)

    # Foreign origin: the partner page pretends to be Minted asking for checkout.
    page.evaluate("spoofMinted('checkout')")
    # Foreign window: a second frame on Minted's own origin does the same.
    shell_frame.evaluate(
        """src => { const f = document.createElement("iframe");
                    f.id = "intruder"; f.src = src; document.body.appendChild(f); }""",
        f"{stack.sandbox_url}/webview/?token=not-the-customers",
    )
    # Its page is loaded (and has already posted its own "session.expired" to the shell).
    expect(app.frame_locator("#intruder").get_by_test_id("webview-expired")).to_be_visible()
    intruder = next(f for f in page.frames if "not-the-customers" in f.url)
    intruder.evaluate(
        "() => parent.postMessage({source: 'minted-sandbox', v: 1, type: 'checkout'}, '*')"
    )
    # The Minted frame is no parent of the shell: its command must not count.
    minted.evaluate("() => parent.postMessage({v: 1, command: {type: 'close'}}, '*')")
    # Only the real Minted frame is heard: its basket.changed makes the shell read the basket.
    with page.expect_response(re.compile(r"/api/basket$")):
        minted.evaluate(
            "() => parent.postMessage({source: 'minted-sandbox', v: 1, type: 'basket.changed',"
            " data: {}}, '*')"
        )
    expect(app.locator("#shell")).to_have_attribute("data-state", "ready")
    assert shell_frame.url.endswith("/shop"), "no foreign message sent the shell to checkout"

    shell.webview.add("MNT0001")
    shell.expect_count(1)
    app.get_by_test_id("review-button").click()
    app.get_by_test_id("confirm-button").click()
    expect(app.get_by_test_id("order-status")).to_have_attribute(
        "data-state", "completed", timeout=TIMEOUT
    )
    page.wait_for_function("() => events.some(e => e.type === 'order.completed')")
    page.evaluate("command({type: 'close'})")
    page.wait_for_function("() => events.some(e => e.type === 'close.requested')")

    events = page.evaluate("events")
    assert_valid(events)
    assert_numbered_once_in_order(events)
    types = types_of(events)
    assert_shell_opened(types)
    assert types[3:] == [*PURCHASE, "close.requested"], types
    assert events[-1]["data"] == {"reason": "command", "page": "result"}


def test_url_scheme_channel_gets_every_event_once_in_order(
    context: BrowserContext, page: Page, launch: Any, stack: Stack
) -> None:
    """A container that can only watch navigations sees <scheme>://event?... for each event."""
    page.goto("/")
    scheme = bridge_config(page)["scheme"]
    if not scheme:
        raise pytest.UsageError("The deployment under test has no WVH_BRIDGE_URL_SCHEME.")
    watcher = SchemeWatcher(context, page, scheme)
    url, _ = launch()
    shell = Shell(page).open(url)
    shell.wait_ready()
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    shell.review().confirm().expect_state("completed")
    events = watcher.wait_for_type("order.completed")
    assert_valid(events)
    assert_numbered_once_in_order(events)
    types = types_of(events)
    assert_shell_opened(types)
    assert types[3:] == PURCHASE, types


def test_commands_refresh_replay_back_and_unknown(
    context: BrowserContext, page: Page, launch: Any, stack: Stack
) -> None:
    page.goto("/")
    app = NativeApp(context, page, "react_native")
    app.inject_from_start(bridge_config(page))
    url, _ = launch()
    shell = Shell(page).open(url)
    shell.wait_ready()
    app.wait_for(
        lambda events: {"basket.updated", "webview.loaded"} <= set(types_of(events)),
        "waiting for the shell's first events",
    )

    receive = "command => window.WebviewHost.receive(command)"
    for unknown in (
        {"type": "explode"},
        {"type": "refresh", "extra": 1},
        {"type": "replay", "after": -1},
        "not json",
        None,
    ):
        assert page.evaluate(receive, unknown) is False, unknown
    before = len(app.events())

    # refresh: the shell re-reads the basket without reloading (a change made elsewhere).
    with page.expect_response(re.compile(r"/api/basket$")):
        assert page.evaluate(receive, json.dumps({"type": "refresh"})) is True
    expect(page.locator("#shell")).to_have_attribute("data-state", "ready")

    # replay: everything again, from seq 1, to the transport present.
    assert page.evaluate(receive, {"type": "replay", "after": 0}) is True
    app.wait_for(lambda events: len(events) >= 2 * before, "waiting for the replay")
    events = app.events()
    assert events[before:] == events[:before], "the replay is the same events, same seqs"

    # back on the review page goes to the shell; on the shell it asks to close.
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    shell.review()
    assert page.evaluate(receive, {"type": "back"}) is True
    Shell(page).wait_ready()
    assert page.evaluate(receive, {"type": "back"}) is True
    closing = app.wait_for_type("close.requested")[-1]
    assert closing["data"] == {"reason": "back", "page": "shell"}
    assert_valid(app.events())


def test_load_timeout_and_retry_reach_the_app(
    context: BrowserContext, page: Page, launch: Any, control: SandboxControl
) -> None:
    page.goto("/")
    app = NativeApp(context, page, "ios")
    app.inject_from_start(bridge_config(page))
    url, _ = launch()
    control.fault("webview", "hang", seconds=8)
    page.goto(url, wait_until="domcontentloaded")
    app.wait_for_type("webview.load_timeout")
    page.get_by_test_id("retry-button").click()
    Shell(page).wait_ready()
    events = app.wait_for_type("webview.loaded")
    assert_valid(events)
    assert_numbered_once_in_order(events)
    types = types_of(events)
    assert types[0] == "shell.ready"
    assert types.index("webview.load_timeout") < types.index("webview.loaded")
    timeout = next(e for e in events if e["type"] == "webview.load_timeout")
    assert timeout["data"] == {"timeout_seconds": 4}


def test_an_order_being_reconciled_reaches_the_app_then_its_outcome(
    context: BrowserContext, page: Page, launch: Any, control: SandboxControl
) -> None:
    """Minted acts on Complete after the host stopped waiting: the app hears order.unknown,
    then order.completed for the same completion once Minted's record shows the order."""
    page.goto("/")
    app = NativeApp(context, page, "android")
    app.inject_from_start(bridge_config(page))
    url, customer = launch()
    shell = Shell(page).open(url)
    shell.wait_ready()
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    before = control.calls().get("complete", 0)
    control.fault("complete", "delay", seconds=5)  # the host gives up after 2 s
    result = shell.review().confirm()
    app.wait_for_type("order.unknown")
    result.expect_state("completed")
    events = app.wait_for_type("order.completed")
    assert_valid(events)
    assert_numbered_once_in_order(events)
    orders = [e for e in events if e["type"].startswith("order.")]
    assert types_of(orders) == ["order.unknown", "order.completed"]
    assert len({e["data"]["completion_id"] for e in orders}) == 1
    assert control.calls()["complete"] == before + 1, "settled by reading Minted, not again"
    assert len(control.customer(customer["external_id"])["orders"]) == 1


ESCAPE_PROBE = """target => {
  const button = document.createElement("button");
  button.dataset.testid = "escape-probe";
  button.textContent = "probe";
  button.addEventListener("click", () => {
    try { top.location.href = target; button.dataset.outcome = "navigated"; }
    catch (e) { button.dataset.outcome = "refused"; }
  });
  document.body.prepend(button);
}"""


def test_webview_works_inside_the_iframe_sandbox(page: Page, launch: Any, base_url: str) -> None:
    """The Minted iframe is sandboxed, and the sandbox webview still works inside it."""
    url, _ = launch()
    shell = Shell(page).open(url)
    shell.wait_ready()
    frame = page.get_by_test_id("webview-frame")
    sandbox = set((frame.get_attribute("sandbox") or "").split())
    assert sandbox == {"allow-scripts", "allow-same-origin", "allow-forms"}
    # Even on a tap, the webview cannot take the customer away from the shell (an
    # unsandboxed cross-origin frame could: Chromium allows it with a user gesture).
    minted = next(f for f in page.frames if "/webview/" in f.url)
    minted.evaluate(ESCAPE_PROBE, f"{base_url}/?escaped")
    probe = shell.webview.frame.get_by_test_id("escape-probe")
    probe.click()
    expect(probe).to_have_attribute("data-outcome", "refused")
    expect(page).to_have_url(re.compile(r"/shop$"))
    probe.evaluate("probe => probe.remove()")
    shell.webview.add("MNT0001")  # its own API calls (allow-same-origin) and scripts
    shell.expect_count(1)  # its postMessage to the shell
    shell.webview.checkout()  # and its checkout message
    expect(Review(page).wait().lines()).to_have_count(1)


def test_return_url_gets_the_result_with_a_token_the_partner_can_verify(
    page: Page, launch: Any, partner_site: PartnerSite
) -> None:
    """In an in-app browser (no bridge) the result page goes back to the app on its own,
    keeping the partner's own query."""
    origin = partner_site.origin
    url, _ = launch(return_url=f"{origin}/done?ref=a%20b")
    shell = Shell(page).open(url)
    shell.wait_ready()
    shell.webview.add("MNT0001")
    shell.expect_count(1)
    shell.review().confirm_button().click()
    expect(page).to_have_url(re.compile(re.escape(origin) + r"/done\?"), timeout=TIMEOUT)
    query = parse_qs(urlsplit(page.url).query)
    assert query["ref"] == ["a b"], "the partner's own query is kept"
    assert query["state"] == ["completed"]
    claims = verify(query["result_token"][0], [Secret(SANDBOX_COOKIE_KEY)], max_age=900)
    assert claims is not None
    assert (claims.completion_id, claims.state) == (query["completion_id"][0], "completed")
    returns = [u for u in partner_site.requested if u.startswith(f"{origin}/done")]
    assert returns == [page.url], "one return, not one per page view"


def test_close_without_any_channel_leads_to_the_return_url_as_given(
    page: Page, launch: Any, partner_site: PartnerSite
) -> None:
    """An in-app browser has no bridge: Close on the shell (no purchase yet) follows the
    return_url unchanged; no close.requested can reach anyone."""
    return_url = f"{partner_site.origin}/closed?ref=1"
    url, _ = launch(return_url=return_url)
    shell = Shell(page).open(url)
    shell.wait_ready()
    shell.close_button().click()
    expect(page).to_have_url(return_url, timeout=TIMEOUT)
    assert return_url in partner_site.requested
