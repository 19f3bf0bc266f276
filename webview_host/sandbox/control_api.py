"""The QA control API (`/_sandbox/...`): faults, time-like events, state, call counts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .faults import ENDPOINTS, Fault, FaultError, FaultPlan
from .responses import MintedJSONResponse, error_response, json_body, store_of
from .validation import SandboxError

# --- QA control API -------------------------------------------------------------


async def control_faults(request: Request) -> Response:
    plan: FaultPlan = request.app.state.faults
    if request.method == "POST":
        try:
            fault = Fault.from_json(await json_body(request))
        except (FaultError, SandboxError) as exc:
            return JSONResponse({"error": str(exc)}, 422)
        plan.arm(fault)
        return JSONResponse({"armed": plan.snapshot()}, 201)
    if request.method == "DELETE":
        plan.faults.clear()
    return JSONResponse({"armed": plan.snapshot(), "endpoints": list(ENDPOINTS)})


async def control_calls(request: Request) -> Response:
    plan: FaultPlan = request.app.state.faults
    return JSONResponse({"calls": plan.calls, "requests": plan.requests})


async def control_reset(request: Request) -> Response:
    store_of(request).reset()
    request.app.state.faults.clear()
    return JSONResponse({"reset": True})


async def control_expire_tokens(request: Request) -> Response:
    body = await json_body(request)
    return JSONResponse({"expired": store_of(request).expire_tokens(body.get("customer_id"))})


async def control_lapse(request: Request) -> Response:
    body = await json_body(request)
    return JSONResponse({"lapsed": store_of(request).lapse_pricefix(body.get("customer_id"))})


async def control_customer(request: Request) -> Response:
    """What the sandbox holds for one customer: QA asserts "exactly one order" with it."""
    store = store_of(request)
    customer_id = request.path_params["customer_id"]
    baskets = [b for b in store.baskets.values() if b.customer_id == customer_id]
    return MintedJSONResponse(
        {
            "orders": [store.render_basket(b) for b in baskets if b.status == "order"],
            "active_basket": store.render_basket(a)
            if (a := store.baskets.get(store.active.get(customer_id, "")))
            else None,
        }
    )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "service": "minted-sandbox"})


def sandbox_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SandboxError)
    return error_response(exc)


ROUTES = [
    Route("/_sandbox/faults", control_faults, methods=["GET", "POST", "DELETE"]),
    Route("/_sandbox/calls", control_calls, methods=["GET"]),
    Route("/_sandbox/reset", control_reset, methods=["POST"]),
    Route("/_sandbox/tokens/expire", control_expire_tokens, methods=["POST"]),
    Route("/_sandbox/pricefix/lapse", control_lapse, methods=["POST"]),
    Route("/_sandbox/customers/{customer_id}", control_customer, methods=["GET"]),
]
