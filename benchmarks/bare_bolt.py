"""The load benchmark's yardstick: a Bolt app that acks at once and does no work, served exactly like
srm-bot (same ASGI front, same uvicorn settings). Run: python benchmarks/bare_bolt.py PORT"""

from __future__ import annotations

import os
import sys

import uvicorn
from slack_bolt import Ack, App

from bot.settings import Settings
from bot.slack.app import create_client
from bot.web import create_web_app


def main() -> None:
    settings = Settings.from_env()
    app = App(client=create_client(settings), signing_secret=os.environ["SLACK_SIGNING_SECRET"],
              process_before_response=True)  # fmt: skip

    def ack_only(ack: Ack) -> None:
        ack()

    app.command("/srm")(ack_only)
    app.event("app_mention")(ack_only)
    uvicorn.run(create_web_app(app), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
