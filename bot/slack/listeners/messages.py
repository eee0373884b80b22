"""Plain messages: direct messages are always answered; channel messages only when clearly asked."""

from __future__ import annotations

import re

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.replies import answer_reply
from bot.slack.ack import listen
from bot.slack.context import runtime_of, settings_of
from bot.slack.listeners.answers import reply_in_thread, strip_mentions

QUESTION = re.compile(r"\?\s*$|^\s*(who|whose|what|which|does|do|is|are|should|must|can|how)\b", re.IGNORECASE)


def register(app: App, lazy: bool) -> None:
    listen(app.event("message"), answer_message, lazy=lazy, once_per_event=False)


def looks_like_question(text: str) -> bool:
    return bool(QUESTION.search(text))


def answer_message(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return  # edits, joins, bot posts (ours included) are never answered
    runtime, settings = runtime_of(context), settings_of(context)
    text = event.get("text") or ""
    if event.get("channel_type") == "im":
        reply_in_thread(client, context, event, "dm")
        return
    if context.bot_user_id and f"<@{context.bot_user_id}" in text:
        return  # app_mention answers it
    mode = settings.mode_for(event.get("channel", ""))
    if mode == "off" or (mode == "questions" and not looks_like_question(text)):
        return
    reply = answer_reply(runtime.snapshot, strip_mentions(text))
    answer = reply.answer
    if (
        answer
        and answer.status == "answered"
        and answer.kind != "summary"
        and answer.confidence >= settings.answer_threshold
    ):
        reply_in_thread(client, context, event, "channel", reply)
