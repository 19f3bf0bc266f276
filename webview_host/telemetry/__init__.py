"""What operators see of a running host: request ids, log lines, Prometheus metrics.

`request_id` (the current request's id) -> `logs` (text or JSON lines carrying it)
-> `metrics` (the process's Prometheus registry).
"""

from .metrics import CONTENT_TYPE, Metrics

__all__ = ["CONTENT_TYPE", "Metrics"]
