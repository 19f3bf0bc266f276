"""The webhook signature: Stripe's scheme, so partners' existing verifiers fit.

    Webview-Host-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">

One `v1=` per secret in `WVH_WEBHOOK_SECRETS` (oldest first, newest last): while
a secret rotates both are sent, and a receiver that knows either accepts the
event. The verification snippets partners copy are in `docs/webhooks.md`; the
tests run them against this module.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from ..environment import Secret

HEADER = "Webview-Host-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(body: bytes, secrets: Sequence[Secret], timestamp: int) -> str:
    """The `Webview-Host-Signature` value for `body`, signed with every secret."""
    parts = [f"t={timestamp}"]
    parts += [f"v1={signature(secret.reveal(), timestamp, body)}" for secret in secrets]
    return ",".join(parts)
