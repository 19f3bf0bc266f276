"""Partner-app containers emulated in Chromium, and the bridge contract they check.

A native container injects its object before the page's scripts run (WKUserScript,
`addJavascriptInterface`, React Native's injected `ReactNativeWebView`); here an
init script does the same and forwards every delivery to Python through an
exposed binding, in arrival order. `NativeApp.inject_now` adds the object to a page
that is already open, as a container that attaches late would. `SchemeWatcher`
plays a container that only watches navigations (`<scheme>://event?...`).
`PartnerSite` is a web partner's own origin: a real loopback server, since Chromium
refuses to let a page with no address (one Playwright fulfilled) frame a loopback one.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jsonschema import Draft202012Validator
from playwright.sync_api import BrowserContext, Page

from e2e.pages import TIMEOUT

SCHEMAS = Path(__file__).resolve().parent.parent / "static" / "bridge" / "v1" / "events"
NATIVE = ("ios", "android", "react_native")

_INJECT = {
    "ios": "window.webkit = {messageHandlers: {[%(ios)s]: {postMessage: function (m) {"
    " window.__wvhDeliver('ios', JSON.stringify(m)); }}}};",
    "android": "window[%(android)s] = {postMessage: function (text) {"
    " window.__wvhDeliver('android', text); }};",
    "react_native": "window.ReactNativeWebView = {postMessage: function (text) {"
    " window.__wvhDeliver('react_native', text); }};",
}

_WATCH_SCHEME = """
(function () {
  var prefix = %(scheme)s + "://event?";
  var seen = new WeakSet();  // a frame is one navigation, however often we meet it
  function take(node) {
    if (node.nodeType !== 1) { return; }
    var frames = node.tagName === "IFRAME" ? [node] : Array.from(node.querySelectorAll("iframe"));
    frames.forEach(function (f) {
      var src = f.getAttribute("src") || "";
      if (src.indexOf(prefix) === 0 && !seen.has(f)) {
        seen.add(f);
        window.__wvhDeliver("scheme", src);
      }
    });
  }
  new MutationObserver(function (ms) {
    ms.forEach(function (m) { m.addedNodes.forEach(take); });
  }).observe(document, {childList: true, subtree: true});
})();
"""


@cache
def validators() -> dict[str, Draft202012Validator]:
    found = {}
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema)
        found[path.name.removesuffix(".schema.json")] = Draft202012Validator(schema)
    return found


def assert_valid(events: list[dict[str, Any]]) -> None:
    """Each event validates against the schema of its type."""
    for event in events:
        validator = validators().get(str(event.get("type")))
        assert validator is not None, f"no schema for {event!r}"
        errors = [e.message for e in validator.iter_errors(event)]
        assert not errors, f"{event['type']} #{event.get('seq')}: {errors}"


def assert_numbered_once_in_order(events: list[dict[str, Any]]) -> None:
    """seq runs 1, 2, 3... with no gap and no repeat, and one session throughout."""
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1)), [
        (e["seq"], e["type"]) for e in events
    ]
    assert len({e["session"] for e in events}) == 1, "one session id throughout"


def assert_shell_opened(types: list[str]) -> None:
    """shell.ready first; the webview's load and the first basket read race each other."""
    assert types[0] == "shell.ready", types
    assert sorted(types[1:3]) == ["basket.updated", "webview.loaded"], types


def bridge_config(page: Page) -> dict[str, Any]:
    """The bridge settings of the deployment under test, as its pages carry them."""
    config: dict[str, Any] = json.loads(
        page.locator("script[data-config]").get_attribute("data-config") or "{}"
    )
    return config


class Recorder:
    """Deliveries from the main frame, in arrival order; `wait_for` polls them."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.deliveries: list[tuple[str, str]] = []

    def deliver(self, source: dict[str, Any], transport: str, payload: str) -> None:
        if source["frame"] == self.page.main_frame:
            self.deliveries.append((transport, payload))

    def events(self, transport: str) -> list[dict[str, Any]]:
        found = []
        for name, payload in self.deliveries:
            if name != transport:
                continue
            if name == "scheme":
                payload = parse_qs(urlsplit(payload).query)["msg"][0]
            found.append(json.loads(payload))
        return found

    def wait_for(
        self, transport: str, until: Callable[[list[dict[str, Any]]], bool], what: str
    ) -> list[dict[str, Any]]:
        """Poll (the binding calls arrive while Playwright waits) until `until(events)`."""
        deadline = time.monotonic() + TIMEOUT / 1000
        while time.monotonic() < deadline:
            events = self.events(transport)
            if until(events):
                return events
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{transport}: {what}; got {self.events(transport)!r}")

    def wait_for_type(
        self, transport: str, event_type: str, count: int = 1
    ) -> list[dict[str, Any]]:
        return self.wait_for(
            transport,
            lambda events: sum(e["type"] == event_type for e in events) >= count,
            f"waiting for {count} x {event_type}",
        )


class NativeApp:
    """An iOS, Android or React Native container around the pages of one Playwright page."""

    def __init__(self, context: BrowserContext, page: Page, transport: str) -> None:
        assert transport in NATIVE
        self.context = context
        self.page = page
        self.transport = transport
        self.recorder = Recorder(page)
        context.expose_binding("__wvhDeliver", self.recorder.deliver)

    def _script(self, config: dict[str, Any]) -> str:
        return _INJECT[self.transport] % {
            "ios": json.dumps(config["ios"]),
            "android": json.dumps(config["android"]),
        }

    def inject_from_start(self, config: dict[str, Any]) -> None:
        """Every page from now on has the object before its scripts run."""
        self.context.add_init_script(self._script(config))

    def inject_now(self, config: dict[str, Any]) -> None:
        """The object appears on the page that is open (a container that attaches late)."""
        self.page.evaluate(self._script(config))

    def events(self) -> list[dict[str, Any]]:
        return self.recorder.events(self.transport)

    def wait_for(
        self, until: Callable[[list[dict[str, Any]]], bool], what: str
    ) -> list[dict[str, Any]]:
        return self.recorder.wait_for(self.transport, until, what)

    def wait_for_type(self, event_type: str, count: int = 1) -> list[dict[str, Any]]:
        return self.recorder.wait_for_type(self.transport, event_type, count)


class SchemeWatcher:
    """A container that only sees navigations to `<scheme>://event?...`."""

    def __init__(self, context: BrowserContext, page: Page, scheme: str) -> None:
        self.recorder = Recorder(page)
        context.expose_binding("__wvhDeliver", self.recorder.deliver)
        context.add_init_script(_WATCH_SCHEME % {"scheme": json.dumps(scheme)})

    def events(self) -> list[dict[str, Any]]:
        return self.recorder.events("scheme")

    def wait_for_type(self, event_type: str, count: int = 1) -> list[dict[str, Any]]:
        return self.recorder.wait_for_type("scheme", event_type, count)


class PartnerSite:
    """The partner's web app on its allowed origin: pages a test puts there, and the
    URLs it was asked for (where a return_url landed)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.pages: dict[str, str] = {}
        self.requested: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requested.append(site.origin + self.path)
                body = site.pages.get(urlsplit(self.path).path, "<p>the partner app</p>")
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the test reports what matters

        port = urlsplit(origin).port
        assert port is not None
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)

    def put(self, path: str, html: str) -> str:
        self.pages[path] = html
        return self.origin + path

    @contextlib.contextmanager
    def serving(self) -> Iterator[PartnerSite]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()
