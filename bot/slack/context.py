"""Typed access to what the middleware (bot.slack.middleware) puts in every request's Bolt context."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from slack_bolt import BoltContext

if TYPE_CHECKING:
    from bot.runtime.state import Runtime
    from bot.settings import Settings

RUNTIME = "runtime"
SETTINGS = "settings"


def runtime_of(context: BoltContext) -> Runtime:
    return cast("Runtime", context[RUNTIME])


def settings_of(context: BoltContext) -> Settings:
    return cast("Settings", context[SETTINGS])
