"""A Python helper for QA over the sandbox's control API (`/_sandbox/...`).

control = SandboxControl("http://127.0.0.1:8001")
control.fault("complete", "timeout", seconds=15)
control.lapse_pricefix()
control.calls()["complete"]
"""

from __future__ import annotations

from typing import Any

import httpx


class SandboxControl:
    """Drives one running sandbox: faults, time-like events, state, call counts."""

    def __init__(self, base_url: str, *, transport: httpx.BaseTransport | None = None) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=10, transport=transport)

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

    def fault(
        self,
        endpoint: str,
        kind: str,
        *,
        count: int = 1,
        seconds: float = 30,
        status: int | None = None,
        process: bool | None = None,
    ) -> Any:
        """Make the next `count` calls of `endpoint` misbehave (see sandbox/faults.py)."""
        body: dict[str, Any] = {
            "endpoint": endpoint,
            "kind": kind,
            "count": count,
            "seconds": seconds,
        }
        if status is not None:
            body["status"] = status
        if process is not None:
            body["process"] = process
        return self._post("/_sandbox/faults", body)

    def clear_faults(self) -> None:
        self._http.delete("/_sandbox/faults").raise_for_status()

    def reset(self) -> None:
        self._post("/_sandbox/reset")

    def expire_tokens(self, customer_id: str | None = None) -> int:
        return int(self._post("/_sandbox/tokens/expire", {"customer_id": customer_id})["expired"])

    def lapse_pricefix(self, customer_id: str | None = None) -> int:
        return int(self._post("/_sandbox/pricefix/lapse", {"customer_id": customer_id})["lapsed"])

    def calls(self) -> dict[str, int]:
        response = self._http.get("/_sandbox/calls")
        response.raise_for_status()
        calls: dict[str, int] = response.json()["calls"]
        return calls

    def requests(self) -> dict[str, int]:
        """Every HTTP request per endpoint, Digest challenge round trips included."""
        response = self._http.get("/_sandbox/calls")
        response.raise_for_status()
        requests: dict[str, int] = response.json()["requests"]
        return requests

    def customer(self, customer_id: str) -> dict[str, Any]:
        response = self._http.get(f"/_sandbox/customers/{customer_id}")
        response.raise_for_status()
        state: dict[str, Any] = response.json()
        return state
