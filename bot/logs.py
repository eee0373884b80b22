"""Logging for the running bot: JSON lines (or plain text on a terminal), each with its request id."""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import threading
import time
from collections import Counter

from pythonjsonlogger.json import JsonFormatter

# Set per Slack request by the middleware; worker threads inherit it (Runtime.run_later copies the context).
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
# Control characters (newlines included) in a text log line would let request-derived text start a
# line of its own, e.g. a forged "CRITICAL" entry.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
REJECTION_LOG_SECONDS = 10.0


def escape_controls(text: str) -> str:
    """Control characters as visible escapes (\\n, \\x1b): one log record stays one line."""
    return CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.__dict__.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
        return True


class Throttle:
    """Lets something through at most once per interval for each key: the gate behind every log line
    that request traffic could otherwise repeat without end."""

    def __init__(self, interval: float):
        self._interval = interval
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def due(self, key: str = "") -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(key, -self._interval) < self._interval:
                return False
            self._last[key] = now
            return True


class ServerWarnings(logging.Filter):
    """uvicorn warns once per bad request ("Invalid HTTP request received."): each distinct warning is let
    through once per interval, so garbage sent on purpose cannot flood the log."""

    def __init__(self, interval: float = REJECTION_LOG_SECONDS):
        super().__init__()
        self._throttle = Throttle(interval)

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("uvicorn") or record.levelno != logging.WARNING:
            return True
        return self._throttle.due(str(record.msg))


class TextFormatter(logging.Formatter):
    """Plain text with the message and request id escaped; a traceback keeps its own lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        record.request_id = escape_controls(str(getattr(record, "request_id", "-")))
        return super().formatMessage(record)


class RejectionLog:
    """Rejected requests cost one short line per interval, with counts by reason, however many arrive:
    a client sending forged requests cannot flood the log (nothing from the request is written)."""

    def __init__(self, logger: logging.Logger, interval: float = REJECTION_LOG_SECONDS):
        self._log = logger
        self._interval = interval
        self._throttle = Throttle(interval)
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def note(self, reason: str) -> None:
        with self._lock:
            self._counts[reason] += 1
            if not self._throttle.due():
                return
            counts, self._counts = self._counts, Counter()
        summary = ", ".join(f"{reason} {count}" for reason, count in sorted(counts.items()))
        self._log.warning("rejected Slack requests (next summary in %gs at most): %s", self._interval, summary)


def configure_logging(log_format: str | None = None, level: int = logging.INFO) -> None:
    """json or text; by default JSON unless stderr is a terminal. Replaces any handlers already set."""
    use_json = log_format == "json" or (log_format is None and not sys.stderr.isatty())
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.addFilter(ServerWarnings())
    if use_json:
        handler.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level", "asctime": "time"}))
    else:
        handler.setFormatter(TextFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
