"""Container health probe: GET /healthz in HTTP mode; in Socket Mode, whether the WebSocket to Slack was
connected moments ago (serve.watch_connection keeps a file saying until when that holds)."""

from __future__ import annotations

import os
import sys
import time
import urllib.request
from pathlib import Path

# Written by the Socket Mode process, read by this probe (same container, same /tmp).
CONNECTION_FILE = Path(os.environ.get("SRM_CONNECTION_FILE", "/tmp/srm-bot.connected"))


def main() -> int:
    if os.environ.get("SLACK_APP_TOKEN"):
        return socket_mode_health(CONNECTION_FILE)
    url = f"http://127.0.0.1:{os.environ.get('PORT', '3000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"healthcheck: {url}: {exc}", file=sys.stderr)
        return 1


def socket_mode_health(path: Path) -> int:
    """0 while the file's deadline (epoch seconds, renewed while connected) lies ahead."""
    try:
        connected_until = float(path.read_text())
    except (OSError, ValueError):
        print(f"healthcheck: Socket Mode has not reported a connection ({path})", file=sys.stderr)
        return 1
    if time.time() > connected_until:
        print(f"healthcheck: the Socket Mode connection is down (since {connected_until:.0f})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
