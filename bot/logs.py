"""Logging for the running bot: JSON lines (or plain text on a terminal), each with its request id."""

from __future__ import annotations

import contextvars
import logging
import sys

from pythonjsonlogger.json import JsonFormatter

# Set per Slack request by the middleware; worker threads inherit it (Runtime.run_later copies the context).
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.__dict__.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
        return True


def configure_logging(log_format: str | None = None, level: int = logging.INFO) -> None:
    """json or text; by default JSON unless stderr is a terminal. Replaces any handlers already set."""
    use_json = log_format == "json" or (log_format is None and not sys.stderr.isatty())
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if use_json:
        handler.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level", "asctime": "time"}))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
