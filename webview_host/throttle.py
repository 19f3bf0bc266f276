"""Abuse limits: how often one partner key, one client address or one session may call us.

| limit | counted per | where |
|---|---|---|
| `partner` | partner key | every partner API operation |
| `partner_failures` | client address | partner calls with a missing or wrong key |
| `launch` | client address | `GET` and `POST /launch/{code}` (guessing codes) |
| `basket` | session | basket reads: `/api/basket`, `/checkout` |
| `confirm` | session | `POST /checkout/complete` |

Over a limit the answer is 429 with `Retry-After` (seconds until the oldest
counted request leaves the window). The windows are moving windows from the
`limits` library, kept in Redis when `WVH_REDIS_URL` is set (shared by every
instance) and in this process's memory otherwise. Keys that are secrets
(partner keys, session ids) are stored hashed. If Redis cannot be reached the
request is let through and a warning logged: customers are not refused because
a limiter is down.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from .environment import PREFIX, EnvReader, Secret, SettingsError

logger = logging.getLogger(__name__)


class Limit(enum.StrEnum):
    """What is being counted."""

    PARTNER = "partner"
    PARTNER_FAILURES = "partner_failures"
    LAUNCH = "launch"
    BASKET = "basket"
    CONFIRM = "confirm"


class TooManyRequests(Exception):
    """Over a limit: answer 429 and ask the client to wait `retry_after` seconds."""

    def __init__(self, limit: Limit, retry_after: int) -> None:
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(f"{limit} over its limit; retry after {retry_after}s")


def parse_rule(text: str) -> list[RateLimitItem]:
    """`"10/minute"`, `"5/second;100/hour"` (several windows), or `"off"` for none; raises
    `ValueError` on anything else."""
    if text.strip().lower() == "off":
        return []
    return parse_many(text)


def rate_setting(name: str, text: str) -> str:
    """`text` if it is a rule `parse_rule` reads, else `SettingsError` naming `WVH_<name>`."""
    try:
        parse_rule(text)
    except ValueError:
        raise SettingsError(
            f"Config '{PREFIX}{name}' has value {text!r}. Use a rate such as '30/minute', "
            "several joined by ';' ('5/second;100/hour'), or 'off'."
        ) from None
    return text


def redis_setting(url: str) -> Secret | None:
    """`WVH_REDIS_URL` as a secret (it may carry a password), or None when unset."""
    if url and urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise SettingsError(
            f"Config '{PREFIX}REDIS_URL' has an unknown scheme. Use redis://host:6379/0, "
            "rediss://... (TLS) or unix:///path/to/redis.sock."
        )
    return Secret(url) if url else None


def limit_settings(env: EnvReader) -> dict[str, Any]:
    """The `Settings` fields of the limits and the body deadline (README rows `WVH_REDIS_*`,
    `WVH_LIMIT_*`, `WVH_BODY_TIMEOUT`)."""
    return {
        "redis_url": redis_setting(env.text("REDIS_URL", "")),
        "redis_key_prefix": env.text("REDIS_KEY_PREFIX", "wvh"),
        "limit_partner": rate_setting("LIMIT_PARTNER", env.text("LIMIT_PARTNER", "600/minute")),
        "limit_partner_failures": rate_setting(
            "LIMIT_PARTNER_FAILURES", env.text("LIMIT_PARTNER_FAILURES", "20/minute")
        ),
        "limit_launch": rate_setting("LIMIT_LAUNCH", env.text("LIMIT_LAUNCH", "30/minute")),
        "limit_basket": rate_setting("LIMIT_BASKET", env.text("LIMIT_BASKET", "120/minute")),
        "limit_confirm": rate_setting("LIMIT_CONFIRM", env.text("LIMIT_CONFIRM", "10/minute")),
        "body_timeout": float(env.decimal("BODY_TIMEOUT", "10")),
    }


def hashed(value: str) -> str:
    """A key that may be stored where operators can read it (Redis) without revealing it."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def client_address(request: Request) -> str:
    """The client's address as the server saw it (behind a reverse proxy, uvicorn's
    `--forwarded-allow-ips` makes this the real client's)."""
    return request.client.host if request.client else "unknown"


class Throttle:
    """Counts requests per limit and key; `hit` raises `TooManyRequests` when over."""

    def __init__(
        self,
        rules: Mapping[Limit, Sequence[RateLimitItem]],
        storage: Storage,
    ) -> None:
        self._rules = rules
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(storage)

    @classmethod
    def open(cls, rules: Mapping[Limit, str], redis_url: str | None, key_prefix: str) -> Throttle:
        """Parse the rules and connect the storage (Redis when a URL is given)."""
        parsed = {limit: parse_rule(text) for limit, text in rules.items()}
        if redis_url:
            storage: Storage = RedisStorage(
                "async+" + redis_url, implementation="redispy", key_prefix=key_prefix
            )
        else:
            storage = MemoryStorage()
        return cls(parsed, storage)

    async def hit(self, limit: Limit, key: str) -> None:
        """Count one request for `key`; raises `TooManyRequests` if that is one too many."""
        for item in self._rules.get(limit, ()):
            try:
                allowed = await self._limiter.hit(item, limit.value, key)
                if allowed:
                    continue
                stats = await self._limiter.get_window_stats(item, limit.value, key)
            except Exception as exc:  # the limiter's store is down: let the customer through
                logger.warning(
                    "rate limit store unavailable (%s); request allowed",
                    type(exc).__name__,
                    extra={"limit": limit.value},
                )
                return
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            logger.info(
                "rate limited: %s", limit.value, extra={"limit": limit.value, "retry": retry_after}
            )
            raise TooManyRequests(limit, retry_after)

    async def ping(self) -> bool:
        """Whether the store answers (always true in memory)."""
        return bool(await self._storage.check())
