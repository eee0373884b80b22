"""Container health probe: GET /healthz in HTTP mode; in Socket Mode a running process is the signal."""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    if os.environ.get("SLACK_APP_TOKEN"):
        return 0  # Socket Mode serves no port; Docker restarts the container if the process dies
    url = f"http://127.0.0.1:{os.environ.get('PORT', '3000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"healthcheck: {url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
