"""The load benchmark's yardstick: a Bolt app that acks at once and does no work, behind Bolt's own
Starlette adapter on uvicorn with srm-bot's server settings (bot.serve.http_config).
Run: python benchmarks/bare_bolt.py PORT"""

from __future__ import annotations

import os
import sys

import uvicorn
from slack_bolt import Ack, App
from slack_bolt.adapter.starlette import SlackRequestHandler
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.serve import http_config
from bot.settings import Settings
from bot.slack.app import create_client


def main() -> None:
    settings = Settings.from_env()
    app = App(client=create_client(settings), signing_secret=os.environ["SLACK_SIGNING_SECRET"],
              process_before_response=True)  # fmt: skip

    def ack_only(ack: Ack) -> None:
        ack()

    app.command("/srm")(ack_only)
    app.event("app_mention")(ack_only)
    handler = SlackRequestHandler(app)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    web = Starlette(routes=[Route("/slack/events", slack_events, methods=["POST"])])
    uvicorn.Server(http_config(web, "127.0.0.1", int(sys.argv[1]))).run()


if __name__ == "__main__":
    main()
