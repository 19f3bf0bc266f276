#!/usr/bin/env python3
"""A local webhook receiver for trying webview-host's webhooks (standard library only).

    python3 scripts/webhook_receiver.py [--port 9100] [--secret dev-webhook-secret]

Listens on 127.0.0.1, verifies each POST's `Webview-Host-Signature` exactly as
docs/webhooks.md tells partners to, prints one line per event, and answers 204
(verified) or 400 (not). `--fail N` answers 500 to the first N requests, to
watch the retries. The secret defaults to WVH_WEBHOOK_SECRETS' newest entry,
else the sandbox's development secret.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.server
import json
import os
import sys
import time

TOLERANCE_SECONDS = 300


def verify(payload: bytes, header: str, secret: str, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """The snippet of docs/webhooks.md: true when one v1 signature matches and t is recent."""
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or abs(time.time() - timestamp) > tolerance:
        return False
    signed = str(timestamp).encode() + b"." + payload
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, s) for s in signatures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=9100)
    default_secret = os.environ.get("WVH_WEBHOOK_SECRETS", "dev-webhook-secret").split(",")[-1]
    parser.add_argument("--secret", default=default_secret.strip())
    parser.add_argument("--fail", type=int, default=0, help="answer 500 to the first N requests")
    args = parser.parse_args()
    failures_left = args.fail

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            nonlocal failures_left
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if failures_left > 0:
                failures_left -= 1
                print("answered 500 on purpose", flush=True)
                self.send_response(500)
                self.end_headers()
                return
            header = self.headers.get("Webview-Host-Signature", "")
            ok = verify(body, header, args.secret)
            event = json.loads(body) if ok else {}
            data = event.get("data", {})
            print(
                f"{'verified' if ok else 'REJECTED'} {event.get('type', '?')} {event.get('id', '')}"
                f" completion={data.get('completion_id')} state={data.get('state')}"
                f" order={data.get('order_code')} total={data.get('total')} {data.get('currency')}",
                flush=True,
            )
            self.send_response(204 if ok else 400)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per event is printed above

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on http://127.0.0.1:{args.port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
