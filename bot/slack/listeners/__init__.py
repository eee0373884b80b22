"""Listeners split by kind of Slack surface; each module exposes register(app)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, events, feedback, messages


def register(app: App, lazy: bool = False) -> None:
    """`lazy`: work after the ack runs as Bolt lazy listeners (AWS Lambda), not on worker threads."""
    for module in (commands, events, messages, actions, feedback):
        module.register(app, lazy)
