"""Log output: plain text or one JSON object per line (`WVH_LOG_FORMAT`), with the request id.

Every record gets `request_id` (None outside a request) from a filter on the
handler, so the `extra=` fields and the id reach the JSON line without any
call site knowing. The JSON comes from python-json-logger; what may be logged
at all (never tokens, cookies, identity numbers or launch codes) is the call
sites' discipline, checked by tests/test_telemetry.py.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from . import request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamps the current request's id on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.current()
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        # uvicorn repeats some messages with terminal colours in `color_message`.
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],
        json_ensure_ascii=False,
    )


def configure(level: str, format: str, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record to `stream` (stderr) as text or JSON lines; returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(json_formatter() if format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # No format of ours shows the caller's file and line, the thread or the process, and
    # finding them is most of a log call's cost (the access log makes one per request).
    # `_srcfile = None` is logging's documented switch for skipping the caller lookup.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    # httpx logs every request's full URL at INFO; our Minted transport logs what matters
    # (and the metrics count every call), so only its warnings are kept.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # uvicorn's own loggers propagate to ours, so its lines take the same format.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return handler
