"""Slack unit tests in the style of Bolt's starter template: each listener (and the ack plumbing) is a
plain function, called with a mocked `ack`, `respond` and Web API client, and the real knowledge snapshot
and in-memory store.

The runtime is serverless (as on AWS Lambda), so the work a listener leaves for after the ack runs inline
and every test is deterministic."""

from __future__ import annotations

from unittest.mock import Mock

import pytest
from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.knowledge.loader import Knowledge
from bot.runtime.snapshot import Snapshot
from bot.runtime.state import Runtime
from bot.settings import Settings
from tests.conftest import KNOWLEDGE_DIR

ADMIN = "UADMIN1"
BOT_USER = "UBOT0001"


@pytest.fixture(scope="session")
def snapshot(knowledge: Knowledge) -> Snapshot:
    return Snapshot.of(knowledge)


@pytest.fixture
def runtime(snapshot: Snapshot) -> Runtime:
    return Runtime(snapshot, serverless=True)  # a fresh in-memory store per test


@pytest.fixture
def settings() -> Settings:
    return Settings(
        knowledge_dir=KNOWLEDGE_DIR, admins=frozenset({ADMIN}), onboarding_channels=frozenset({"CWELCOME"}),
        channel_modes={"C0001": "questions", "CQUIET": "off", "CALL": "all"},  # channels opted in; default off
    )  # fmt: skip


@pytest.fixture
def context(runtime: Runtime, settings: Settings) -> BoltContext:
    """What the middleware puts in every request's context."""
    return BoltContext({"runtime": runtime, "settings": settings, "team_id": "T0001", "bot_user_id": BOT_USER})


@pytest.fixture
def ack() -> Mock:
    return Mock()


@pytest.fixture
def respond() -> Mock:
    return Mock()


@pytest.fixture
def client() -> Mock:
    return Mock(spec=WebClient)  # only methods WebClient has
