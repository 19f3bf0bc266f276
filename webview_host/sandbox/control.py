"""A Python helper for QA over the sandbox's control API (`/_sandbox/...`).

control = SandboxControl("http://127.0.0.1:8001", token=os.environ.get("WVH_SANDBOX_CONTROL_TOKEN"))
control.fault("complete", "timeout", seconds=15)
control.fault("get_active_basket", "status", status=401, body="empty")
control.lapse_pricefix()
control.calls()["complete"]
control.hooks()[0]["outcome"]
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx


class SandboxControl:
    """Drives one running sandbox: faults, time-like events, state, call counts, pushes.

    `token` is the sandbox's `WVH_SANDBOX_CONTROL_TOKEN`, when it has one.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=10, transport=transport, headers=headers
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SandboxControl:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.post(path, json=body or {})
        response.raise_for_status()
        return response.json()

    def _get(self, path: str) -> Any:
        response = self._http.get(path)
        response.raise_for_status()
        return response.json()

    def fault(
        self,
        endpoint: str,
        kind: str,
        *,
        count: int = 1,
        seconds: float | None = None,
        status: int | None = None,
        body: str | None = None,
        process: bool | None = None,
    ) -> Any:
        """Make the next `count` calls of `endpoint` misbehave (kinds and options:
        sandbox/faults.py). Options left out take the sandbox's defaults."""
        fault: dict[str, Any] = {"endpoint": endpoint, "kind": kind, "count": count}
        options = {"seconds": seconds, "status": status, "body": body, "process": process}
        fault.update({k: v for k, v in options.items() if v is not None})
        return self._post("/_sandbox/faults", fault)

    def clear_faults(self) -> None:
        self._http.delete("/_sandbox/faults").raise_for_status()

    def reset(self) -> None:
        self._post("/_sandbox/reset")

    def expire_tokens(self, customer_id: str | None = None) -> int:
        return int(self._post("/_sandbox/tokens/expire", {"customer_id": customer_id})["expired"])

    def lapse_pricefix(self, customer_id: str | None = None) -> int:
        return int(self._post("/_sandbox/pricefix/lapse", {"customer_id": customer_id})["lapsed"])

    def calls(self) -> dict[str, int]:
        """Calls per endpoint (Digest challenge round trips excluded)."""
        calls: dict[str, int] = self._get("/_sandbox/calls")["calls"]
        return calls

    def requests(self) -> dict[str, int]:
        """Every HTTP request per endpoint, Digest challenge round trips included."""
        requests: dict[str, int] = self._get("/_sandbox/calls")["requests"]
        return requests

    def customer(self, customer_id: str) -> dict[str, Any]:
        """The customer's orders and active basket, as Ecom Orders."""
        state: dict[str, Any] = self._get(f"/_sandbox/customers/{quote(customer_id, safe='')}")
        return state

    def hooks(self) -> list[dict[str, Any]]:
        """Every `push_hook` since the last reset: `id, guid, order_code, pushed_at, url,
        outcome (recorded | pending | delivered | failed), status_code, error, order`."""
        hooks: list[dict[str, Any]] = self._get("/_sandbox/hooks")["hooks"]
        return hooks
