"""When a failed webhook delivery is tried again, and when it is given up.

Exponential: `initial` seconds after the first failure, doubling each time, at
most `maximum` apart; each delay is shortened by a random part of up to
`jitter` of itself, so the retries of many events failed at once (a receiver
outage) do not arrive together. An event still undelivered `give_up_after`
seconds after it was created is dead (it can still be redelivered by hand).
The defaults: 1 min, 2, 4, ... 12 h, dead after 3 days.
"""

from __future__ import annotations

import dataclasses
import random as _random
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Backoff:
    """The retry schedule of webhook deliveries."""

    initial: float = 60.0
    maximum: float = 12 * 3600.0
    give_up_after: float = 3 * 24 * 3600.0
    jitter: float = 0.2

    def delay(self, attempt: int, random: Callable[[], float] = _random.random) -> float:
        """Seconds to wait after failed attempt number `attempt` (1 for the first)."""
        base = min(self.initial * 2.0 ** min(attempt - 1, 62), self.maximum)
        return base * (1.0 - self.jitter * random())

    def retry_at(
        self,
        *,
        created_at: float,
        attempt: int,
        now: float,
        random: Callable[[], float] = _random.random,
    ) -> float | None:
        """When to try again after failed attempt `attempt`; None once it is time to give up."""
        if now - created_at >= self.give_up_after:
            return None
        return now + self.delay(attempt, random)
