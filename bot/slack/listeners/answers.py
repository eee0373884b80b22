"""Answering where a question was asked: in its thread, once per message; and noting every question for
the metrics and the gap report."""

from __future__ import annotations

import logging
import re

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import metrics
from bot.gaps import gap_record
from bot.replies import Reply, answer_reply
from bot.slack.context import runtime_of, settings_of

log = logging.getLogger(__name__)

MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def strip_mentions(text: str) -> str:
    return MENTION.sub(" ", text).strip()


def reply_in_thread(
    client: WebClient, context: BoltContext, event: dict, surface: str, reply: Reply | None = None
) -> bool:
    """Answer a message in its thread, once per message however many events (or instances) see it."""
    runtime = runtime_of(context)
    channel, ts = event.get("channel"), event.get("ts")
    if not channel or not ts:
        return False
    if not runtime.store.claim(f"message:{channel}:{ts}"):
        log.info("message %s/%s already answered", channel, ts)
        return False
    reply = reply or answer_reply(runtime.snapshot, strip_mentions(event.get("text") or ""))
    # Blocks as JSON text, which Slack and slack_sdk take as they are: a list of dicts would be walked
    # and encoded again on every post.
    client.chat_postMessage(
        channel=channel,
        thread_ts=event.get("thread_ts") or ts,
        blocks=reply.blocks_json,
        text=reply.text,
        unfurl_links=False,
        unfurl_media=False,
    )
    note_question(context, surface, reply)
    return True


def note_question(context: BoltContext, surface: str, reply: Reply) -> None:
    """Count every question; keep the ones answered badly for the gap report (text only if allowed)."""
    answer = reply.answer
    if answer is None:
        return
    metrics.question_counter(surface, answer.status, answer.service or "none").inc()
    runtime = runtime_of(context)
    settings = settings_of(context)
    record = gap_record(
        answer,
        surface=surface,
        threshold=settings.answer_threshold,
        keep_text=settings.store_questions,
        team=context.team_id,
        unknown_service=reply.unknown_service,
    )
    if record is not None:
        runtime.questions.add(record)
