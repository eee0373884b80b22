"""The real app in HTTP mode on loopback (uvicorn), pointed at a local fake Slack Web API."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
import uvicorn

from bot.runtime.state import Runtime
from bot.settings import Settings
from bot.slack.app import create_app
from bot.store.sql import SqlStore
from bot.web import create_web_app
from tests.conftest import KNOWLEDGE_DIR
from tests.support.fake_slack import FakeSlack, settle
from tests.support.local_server import free_port
from tests.support.signed import BOT_TOKEN, SIGNING_SECRET


@dataclass
class RunningBot:
    url: str
    slack: FakeSlack
    runtime: Runtime
    settings: Settings

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"

    def finish_work(self) -> None:
        """Wait until the work accepted with every ack so far is done, so the Slack stand-in's call log is
        complete: what it lacks then did not happen (no sleep to show it)."""
        assert settle(lambda: self.runtime.backlog == 0, timeout=10), f"{self.runtime.backlog} still queued"


def start_bot(
    slack: FakeSlack, store: SqlStore | None = None, **overrides: object
) -> tuple[RunningBot, uvicorn.Server]:
    settings = replace(
        Settings(knowledge_dir=KNOWLEDGE_DIR, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
                 slack_api_url=slack.api_url, onboarding_channels=frozenset({"CWELCOME"})),
        **overrides,
    )  # fmt: skip
    runtime = Runtime.load(settings.knowledge_dir, settings.overlay_path, store, max_backlog=settings.max_backlog)
    web = create_web_app(create_app(settings, runtime), runtime)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    return RunningBot(f"http://127.0.0.1:{port}", slack, runtime, settings), server


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def bot(slack: FakeSlack) -> Iterator[RunningBot]:
    running, server = start_bot(slack, channel_modes={"CQUIET": "off", "CALL": "all", "CASK": "questions"})
    yield running
    server.should_exit = True


@pytest.fixture(autouse=True)
def fresh_calls(slack: FakeSlack) -> None:
    slack.clear()
