"""Background jobs of a host process: run in the lifespan, stopped with it.

Every instance runs them; each job is safe to run on several instances at once
(its writes are compare-and-set), so there is no leader to elect.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import anyio

logger = logging.getLogger(__name__)


async def every(seconds: float, job: Callable[[], Awaitable[object]], name: str) -> None:
    """Run `job` every `seconds`, for ever; a failing run is logged and the next one tried."""
    while True:
        await anyio.sleep(seconds)
        try:
            await job()
        except Exception:  # a worker must outlive any one failed run; the log says why
            logger.exception("background job %s failed", name, extra={"job": name})
