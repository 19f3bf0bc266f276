"""The load scenarios of `make bench`, each against a running `Stack`; figures, not verdicts."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from . import wrk
from .flows import Driver, Shopper, bounded, client_session
from .stack import Stack

CONNECTIONS = (1, 64)


async def _with_driver(stack: Stack, connections: int, work: Any) -> Any:
    async with client_session(connections) as http:
        return await work(Driver(http, stack.host.url, stack.sandbox.url))


def shopper_with_item(stack: Stack) -> Shopper:
    """One customer in the shell with one item in the basket (what wrk replays)."""

    async def work(driver: Driver) -> Shopper:
        shopper = await driver.enter_shell(await driver.launch_and_exchange())
        await driver.add_item(shopper)
        return shopper

    result: Shopper = asyncio.run(_with_driver(stack, 1, work))
    return result


def shell_weight(stack: Stack, shopper: Shopper) -> dict[str, Any]:
    """Bytes of the shell's HTML and of the CSS/JS it loads; whether the iframe is in the HTML."""

    async def work(driver: Driver) -> dict[str, Any]:
        async with driver.http.get(f"{stack.host.url}/shop", headers=shopper.headers) as page:
            html = await page.read()
        text = html.decode()
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', text)
        sizes = {}
        for asset in assets:
            async with driver.http.get(f"{stack.host.url}{asset}") as answer:
                sizes[asset] = len(await answer.read())
        return {
            "html_bytes": len(html),
            "assets": sizes,
            "total_bytes": len(html) + sum(sizes.values()),
            "iframe_in_first_html": re.search(r'<iframe[^>]*src="http', text) is not None,
        }

    result: dict[str, Any] = asyncio.run(_with_driver(stack, 1, work))
    return result


def compare(
    url: str,
    baseline_url: str,
    *,
    headers: dict[str, str],
    baseline_headers: dict[str, str] | None = None,
    seconds: float,
    rounds: int = 3,
) -> dict[str, Any]:
    """wrk on `url` and on its baseline at each connection count: `rounds` short runs of
    each, alternated so that other work on the machine hits both alike; medians."""
    figures: dict[str, Any] = {}
    for connections in CONNECTIONS:
        ours_runs, base_runs = [], []
        for round_ in range(rounds):
            warmup = 1.0 if round_ == 0 else 0.0
            ours_runs.append(wrk.run(url, connections=connections, seconds=seconds,
                                     headers=headers, warmup=warmup))  # fmt: skip
            base_runs.append(wrk.run(baseline_url, connections=connections, seconds=seconds,
                                     headers=baseline_headers, warmup=warmup))  # fmt: skip
        ours, base = wrk.median(ours_runs), wrk.median(base_runs)
        figures[f"c{connections}"] = {
            "ours": ours.as_dict(),
            "baseline": base.as_dict(),
            "throughput_ratio": round(ours.rps / base.rps, 3),
            "added_p50_ms": round(ours.p50_ms - base.p50_ms, 3),
            "added_p99_ms": round(ours.p99_ms - base.p99_ms, 3),
            "rounds": rounds,
        }
    return figures


def sandbox_basket_headers(shopper: Shopper) -> dict[str, str]:
    """Get Active Basket as the host sends it: Bearer token, client id, API version."""
    return {
        "Authorization": f"Bearer {shopper.token}",
        "x-client-id": "web",
        "api-version": "3",
        "Accept": "application/json",
        "Accept-Language": "en",
    }


def confirm_throughput(stack: Stack, baskets: int, connections: int) -> dict[str, Any]:
    """Confirm over `baskets` distinct baskets; completions/s and upstream Completes."""

    async def work(driver: Driver) -> dict[str, Any]:
        shoppers, prepared_in = await bounded(
            range(baskets), 32, lambda _: driver.ready_to_confirm()
        )
        before = (await driver.upstream_calls()).get("complete", 0)
        _, seconds = await bounded(shoppers, connections, driver.confirm)
        after = (await driver.upstream_calls()).get("complete", 0)
        return {
            "connections": connections,
            "baskets": baskets,
            "seconds": round(seconds, 3),
            "completions_per_s": round(baskets / seconds, 1),
            "upstream_completes": after - before,
            "prepared_in_s": round(prepared_in, 2),
        }

    result: dict[str, Any] = asyncio.run(_with_driver(stack, max(connections, 32), work))
    return result


def sessions_and_rss(stack: Stack, counts: tuple[int, ...], connections: int) -> dict[str, Any]:
    """Host RSS before any session and after each total in `counts` of launch + exchange;
    the launch + exchange rate over the whole run."""

    async def work(driver: Driver) -> dict[str, Any]:
        rss = {"0": stack.host_rss()}
        done, elapsed = 0, 0.0
        for total in counts:
            _, seconds = await bounded(
                range(total - done), connections, lambda _: driver.launch_and_exchange()
            )
            elapsed += seconds
            done = total
            await asyncio.sleep(0.5)  # let the host finish writing its logs
            rss[str(total)] = stack.host_rss()
        return {
            "connections": connections,
            "sessions": done,
            "launch_exchange_per_s": round(done / elapsed, 1),
            "rss_bytes": rss,
            "rss_growth_mb": round((rss[str(counts[-1])] - rss["0"]) / 2**20, 1),
        }

    result: dict[str, Any] = asyncio.run(_with_driver(stack, connections, work))
    return result
