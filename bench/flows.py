"""The customer's way through the host over real HTTP, for the benchmark's Python driver.

wrk replays one request; the flows here need a distinct customer, cookie and basket per
request (launch, exchange, add an item, review, Confirm), so they run on aiohttp's client
with a bounded number of concurrent tasks.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp

PARTNER_KEY = "dev-partner-key"
COOKIE = "wvh_session"
SKU = "MNT0001"
T = TypeVar("T")

_TOKEN = re.compile(r'<iframe[^>]*src="[^"]*\?token=([A-Za-z0-9]+)')
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_BASKET = re.compile(r'name="basket" value="([^"]+)"')


def customer() -> dict[str, str]:
    return {
        "external_id": f"bench-{uuid.uuid4().hex[:12]}",
        "firstname": "Ayşe",
        "lastname": "Yılmaz",
        "email": "ayse@example.com",
        "phone": "+905330000000",
        "gender": "F",
        "identity_number": "10000000146",
        "birthdate": "1990-01-31",
    }


@dataclass(frozen=True)
class Shopper:
    """One customer inside the shell: the session cookie and the Minted token behind it."""

    cookie: str
    token: str = ""
    form: tuple[tuple[str, str], ...] = ()

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": f"{COOKIE}={self.cookie}"}


class Driver:
    """Customer flows against one host and its sandbox."""

    def __init__(self, http: aiohttp.ClientSession, host_url: str, sandbox_url: str) -> None:
        self.http = http
        self.host = host_url
        self.sandbox = sandbox_url

    async def launch_and_exchange(self) -> Shopper:
        async with self.http.post(
            f"{self.host}/api/v1/launches",
            json={"customer": customer(), "locale": "en"},
            headers={"Authorization": f"Bearer {PARTNER_KEY}"},
        ) as created:
            _expect(created.status == 201, "launch", created.status)
            launch_url = (await created.json())["launch_url"]
        path = launch_url.split("/launch/", 1)[1]
        # The launch page's own POST uses the code (GET only shows the page).
        async with self.http.post(f"{self.host}/launch/{path}", allow_redirects=False) as done:
            _expect(done.status == 303, "exchange", done.status)
            return Shopper(cookie=done.cookies[COOKIE].value)

    async def enter_shell(self, shopper: Shopper) -> Shopper:
        async with self.http.get(f"{self.host}/shop", headers=shopper.headers) as shell:
            _expect(shell.status == 200, "/shop", shell.status)
            match = _TOKEN.search(await shell.text())
        _expect(match is not None, "/shop iframe token", shell.status)
        assert match is not None
        return Shopper(shopper.cookie, match.group(1))

    async def add_item(self, shopper: Shopper, quantity: int = 1) -> None:
        async with self.http.put(
            f"{self.sandbox}/webview/api/basket/items/{SKU}",
            json={"quantity": quantity},
            headers={"Authorization": f"Bearer {shopper.token}", "x-client-id": "web"},
        ) as put:
            _expect(put.status == 200, "sandbox add item", put.status)

    async def review(self, shopper: Shopper) -> Shopper:
        async with self.http.get(f"{self.host}/checkout", headers=shopper.headers) as page:
            _expect(page.status == 200, "/checkout", page.status)
            text = await page.text()
        csrf, basket = _CSRF.search(text), _BASKET.search(text)
        _expect(csrf is not None and basket is not None, "/checkout form", page.status)
        assert csrf is not None
        assert basket is not None
        form = (("csrf", csrf.group(1)), ("basket", basket.group(1)))
        return Shopper(shopper.cookie, shopper.token, form)

    async def ready_to_confirm(self) -> Shopper:
        """A fresh customer with one item in the basket, on the review page."""
        shopper = await self.enter_shell(await self.launch_and_exchange())
        await self.add_item(shopper)
        return await self.review(shopper)

    async def confirm(self, shopper: Shopper) -> None:
        async with self.http.post(
            f"{self.host}/checkout/complete",
            data=dict(shopper.form),
            headers={**shopper.headers, "Origin": self.host},
            allow_redirects=False,
        ) as done:
            location = done.headers.get("location", "")
            _expect(done.status == 303 and "/orders/" in location, "Confirm", done.status)

    async def upstream_calls(self) -> dict[str, int]:
        async with self.http.get(f"{self.sandbox}/_sandbox/calls") as answer:
            calls: dict[str, int] = (await answer.json())["calls"]
            return calls


def _expect(ok: bool, what: str, status: int) -> None:
    if not ok:
        raise RuntimeError(f"{what} answered {status}")


async def bounded(
    items: Sequence[T], concurrency: int, work: Callable[[T], Awaitable[Any]]
) -> tuple[list[Any], float]:
    """`work` over every item with at most `concurrency` in flight; results and seconds."""
    results: list[Any] = [None] * len(items)
    next_index = 0

    async def worker() -> None:
        nonlocal next_index
        while next_index < len(items):
            index = next_index
            next_index += 1
            results[index] = await work(items[index])

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(items)))))
    return results, time.perf_counter() - started


def client_session(connections: int) -> aiohttp.ClientSession:
    """A driver client: `connections` keep-alive connections, no cookie jar (cookies are
    set per shopper), generous timeouts."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, limit_per_host=connections),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=60),
    )
