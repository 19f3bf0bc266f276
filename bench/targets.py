"""The issue-9 targets, checked against a run's figures and printed as pass/miss.

They live here, in the benchmark's output, never as timed asserts in tests.
"""

from __future__ import annotations

from typing import Any

MB = 2**20


def evaluate(ledgers: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def target(name: str, value: float | bool | str, goal: str, ok: bool) -> None:
        rows.append({"target": name, "value": value, "goal": goal, "pass": ok})

    for kind, f in ledgers.items():
        shell = f["shell"]
        shop = f["shop_vs_bare"]["c64"]["throughput_ratio"]
        basket = f["basket_vs_sandbox"]
        confirm = f["confirm"]["c64"]
        sessions = f["sessions"]
        target(f"[{kind}] /shop vs bare page, 64 conn", shop, ">= 0.85x", shop >= 0.85)
        target(f"[{kind}] shell HTML + CSS/JS bytes", shell["total_bytes"], "<= 25600",
               shell["total_bytes"] <= 25 * 1024)  # fmt: skip
        target(f"[{kind}] iframe src in the first HTML", shell["iframe_in_first_html"], "yes",
               shell["iframe_in_first_html"])  # fmt: skip
        ratio = basket["c64"]["throughput_ratio"]
        target(f"[{kind}] /api/basket vs sandbox, 64 conn", ratio, ">= 0.5x", ratio >= 0.5)
        added = basket["c1"]["added_p50_ms"]
        target(f"[{kind}] /api/basket added p50, 1 conn (ms)", added, "<= 0.5", added <= 0.5)
        rate = confirm["completions_per_s"]
        target(f"[{kind}] Confirm-to-order, 64 conn (/s)", rate, ">= 300", rate >= 300)
        exact = confirm["upstream_completes"] == confirm["baskets"]
        target(f"[{kind}] upstream Completes = baskets",
               f"{confirm['upstream_completes']}/{confirm['baskets']}", "equal", exact)  # fmt: skip
        growth = sessions["rss_growth_mb"]
        target(f"[{kind}] host RSS growth 0 -> {sessions['sessions']} sessions (MB)", growth,
               "< 20", growth < 20)  # fmt: skip
    return rows


def print_ledger(kind: str, f: dict[str, Any]) -> None:
    print(f"\n== ledger: {kind}")
    shell = f["shell"]
    assets = sum(shell["assets"].values())
    print(f"shell: HTML {shell['html_bytes']} B + assets {assets} B = {shell['total_bytes']} B;"
          f" iframe in first HTML: {shell['iframe_in_first_html']}")  # fmt: skip
    print(f"{'request':34} {'conn':>4} {'req/s':>8} {'base req/s':>10} {'ratio':>6} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'+p50':>7} {'+p99':>7}")  # fmt: skip
    for label, key in (("/shop vs bare page", "shop_vs_bare"),
                       ("bare page + host middleware vs bare", "middleware_vs_bare"),
                       ("/api/basket vs sandbox direct", "basket_vs_sandbox")):  # fmt: skip
        for level, row in f.get(key, {}).items():
            ours, base = row["ours"], row["baseline"]
            print(f"{label:34} {level[1:]:>4} {ours['rps']:8.0f} {base['rps']:10.0f} "
                  f"{row['throughput_ratio']:6.3f} {ours['p50_ms']:7.2f} {ours['p99_ms']:7.1f} "
                  f"{row['added_p50_ms']:7.2f} {row['added_p99_ms']:7.1f}")  # fmt: skip
    for level, row in f["confirm"].items():
        rate, completes = row["completions_per_s"], row["upstream_completes"]
        print(f"{'Confirm to order':34} {level[1:]:>4} {rate:8.0f}/s over {row['baskets']}"
              f" baskets, upstream Completes {completes}")  # fmt: skip
    s = f["sessions"]
    rss = ", ".join(f"{n}: {b / MB:.1f} MB" for n, b in s["rss_bytes"].items())
    print(f"{'launch + exchange':34} {s['connections']:>4} {s['launch_exchange_per_s']:8.0f}/s")
    print(f"host RSS by sessions: {rss} (growth {s['rss_growth_mb']} MB)")


def print_targets(rows: list[dict[str, Any]]) -> None:
    print("\n== targets (issue 9)")
    for row in rows:
        verdict = "pass" if row["pass"] else "MISS"
        print(f"  {verdict:4}  {row['target']:52} {row['value']!s:>12}  (goal {row['goal']})")
