"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .common import services

logger = logging.getLogger(__name__)


async def healthz(request: Request) -> Response:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """The process can serve customers: its ledger answers."""
    svc = services(request)
    try:
        await svc.ledger.ping()
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        logger.warning("ledger not ready: %s", type(exc).__name__)
        return JSONResponse({"status": "unavailable", "ledger": "down"}, status_code=503)
    return JSONResponse(
        {
            "status": "ok",
            "ledger": svc.ledger.backend_name,
            "minted": "sandbox" if svc.settings.sandbox_mode else "configured",
        }
    )
