"""Capturing what the process logs, as configured for a run (bot.logs.configure_logging)."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

from bot.logs import configure_logging


@contextlib.contextmanager
def captured_logs(log_format: str) -> Iterator[io.StringIO]:
    """Everything logged inside the block, in `log_format` (text or json), at the level the process runs
    at; the root logger's handlers and level are put back after."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging(log_format)
    root.handlers[0].setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
