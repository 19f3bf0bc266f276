"""The partner's server-to-server API: each module declares its operations (`operation.py`);
`api.py` lists them all, for the routes and the OpenAPI document alike.

`auth` (the key, bodies, queries) -> `upstream` (Minted's failures as answers) ->
`operation` (one declaration) -> `openapi` (the document) -> one module per resource
(`launches`, `orders`, `minted_orders`, `baskets`, `sales`, `webhooks`) -> `api`.
"""

from .api import OPERATIONS, refused, routes
from .auth import Refused
from .operation import Operation

__all__ = ["OPERATIONS", "Operation", "Refused", "refused", "routes"]
