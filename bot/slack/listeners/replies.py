"""Posting an answer into a thread, shared by mentions, direct messages and channel messages."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.commands import Reply, answer_reply
from bot.runtime import Runtime


def ack_then(work: Callable[..., None]) -> Callable[..., None]:
    """A listener that acks at once and leaves `work` (which may call the Web API) to a worker thread.

    Bolt's lazy listeners do the same but deep-copy the whole request for each one, which costs more
    than answering the question; the work here needs only the arguments it names."""
    names = list(inspect.signature(work).parameters)

    def listener(
        ack: Ack, body: dict, event: dict | None, action: dict | None, client: WebClient, respond: Respond,
        context: BoltContext,
    ) -> None:  # fmt: skip
        ack()
        available = {"body": body, "event": event, "action": action, "client": client, "respond": respond,
                     "context": context}  # fmt: skip
        context["runtime"].run_later(work, {name: available[name] for name in names})

    listener.__name__ = work.__name__
    return listener


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
