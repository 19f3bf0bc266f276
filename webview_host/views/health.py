"""Liveness, readiness and metrics for load balancers, orchestrators and Prometheus."""

from __future__ import annotations

import hmac

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..telemetry import CONTENT_TYPE
from .common import services


async def healthz(request: Request) -> Response:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Each dependency's state; 503 only when this instance cannot record anything (see
    `readiness.py` for why Minted and the outbox only make it `degraded`)."""
    status, checks = await services(request).readiness.report()
    return JSONResponse(
        {"status": status, "checks": {name: check.json() for name, check in checks.items()}},
        status_code=503 if status == "unavailable" else 200,
    )


async def metrics(request: Request) -> Response:
    """Prometheus text format; `WVH_METRICS` says who may read it (404 when off)."""
    svc = services(request)
    access = svc.settings.metrics
    if access == "off":
        raise HTTPException(404)
    if access == "token":
        expected = svc.settings.metrics_token
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if (
            expected is None
            or scheme.lower() != "bearer"
            or not hmac.compare_digest(expected.reveal().encode(), given.strip().encode())
        ):
            return Response(
                "Send 'Authorization: Bearer <WVH_METRICS_TOKEN>'.\n",
                status_code=401,
                media_type="text/plain",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
    by_state = await svc.ledger.completions.count_by_state()
    backlog = await svc.ledger.outbox.backlog(overdue_after=svc.settings.outbox_stuck_seconds)
    oldest = backlog.oldest_created_at
    svc.metrics.set_ledger(
        by_state,
        pending=backlog.pending,
        dead=backlog.dead,
        oldest_age=max(0.0, svc.clock() - oldest) if oldest is not None else 0.0,
    )
    return Response(svc.metrics.render(), media_type=CONTENT_TYPE)
