"""Posting an answer into a thread, shared by mentions, direct messages and channel messages."""

from __future__ import annotations

import re

from slack_sdk import WebClient

from bot.commands import Reply, answer_reply
from bot.runtime import Runtime

MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def strip_mentions(text: str) -> str:
    return MENTION.sub(" ", text).strip()


def reply_in_thread(client: WebClient, runtime: Runtime, event: dict, reply: Reply | None = None) -> bool:
    """Answer a message in its thread, once per message however many events name it."""
    channel, ts = event.get("channel"), event.get("ts")
    if not channel or not ts or not runtime.store.claim(f"message:{channel}:{ts}"):
        return False
    reply = reply or answer_reply(runtime.snapshot, strip_mentions(event.get("text") or ""))
    client.chat_postMessage(
        channel=channel, thread_ts=event.get("thread_ts") or ts, blocks=reply.blocks, text=reply.text,
        unfurl_links=False, unfurl_media=False,
    )  # fmt: skip
    return True
