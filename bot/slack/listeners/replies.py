"""How listeners answer: ack at once, do the rest later; post in threads; note what was asked."""

from __future__ import annotations

import inspect
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient

from bot import metrics
from bot.commands import Reply, answer_reply
from bot.gaps import gap_record
from bot.runtime.state import Runtime
from bot.slack.context import runtime_of, settings_of

Work = Callable[..., None]
SHED_WARNING_SECONDS = 10.0
_last_shed_warning = -SHED_WARNING_SECONDS
log = logging.getLogger(__name__)


def ack_only(ack: Ack) -> None:
    ack()


def listen(register: Callable[..., Any], work: Work, *, lazy: bool, once_per_event: bool = True) -> None:
    """Register a listener that acks at once and then does `work`, which may call the Web API: on a
    worker thread, or, on AWS Lambda (`lazy`), as a Bolt lazy listener, because a Lambda function is
    frozen once it has returned its response.

    Bolt's lazy listeners deep-copy the whole request for each call, which costs more than answering
    the question, so threads are used wherever the process keeps running.

    `once_per_event=False` for work that is at-most-once by itself (reply_in_thread claims the message
    it answers, which also covers a retried event): one database write per answer instead of two."""
    later = _after_ack(work, once_per_event)
    if lazy:
        register(ack=ack_only, lazy=[later])
        return

    def listener(
        ack: Ack, body: dict, event: dict | None, action: dict | None, command: dict | None, client: WebClient,
        respond: Respond, context: BoltContext,
    ) -> BoltResponse | None:  # fmt: skip
        runtime = runtime_of(context)
        if runtime.work.overloaded:
            return shed(work.__name__, runtime)
        ack()
        runtime.work.run_later(later, {"body": body, "event": event, "action": action, "command": command,
                                  "client": client, "respond": respond, "context": context})  # fmt: skip
        return None

    listener.__name__ = work.__name__
    register(listener)


def shed(kind: str, runtime: Runtime) -> BoltResponse:
    """Refuse work while the backlog is full: not acked, Slack re-delivers the event later (and shows the
    user an error for a button), instead of the bot queueing without bound and answering minutes late."""
    global _last_shed_warning
    metrics.SHED.labels(kind=kind).inc()
    now = time.monotonic()
    if now - _last_shed_warning >= SHED_WARNING_SECONDS:  # one line, not one per refused request
        _last_shed_warning = now
        log.warning("work backlog full (%d queued): refusing new Slack work with 503 for Slack to re-deliver "
                    "(srm_requests_shed_total counts them)", runtime.backlog)  # fmt: skip
    return BoltResponse(status=503, body="srm-bot is busy; Slack will retry")


def _after_ack(work: Work, once_per_event: bool) -> Work:
    """`work` taking every argument Bolt passes (as lazy listeners must), called with the ones it names.

    Once per event: Slack re-delivers an event it thinks we missed, maybe to another instance; the
    check runs after the ack, so no request waits on the shared database."""
    names = list(inspect.signature(work).parameters)

    def later(
        body: dict, event: dict | None, action: dict | None, command: dict | None, client: WebClient,
        respond: Respond, context: BoltContext,
    ) -> None:  # fmt: skip
        event_id = body.get("event_id")
        if once_per_event and event_id and not runtime_of(context).store.claim(f"event:{event_id}"):
            log.info("dropping repeated event %s", event_id)
            return
        available = {"body": body, "event": event, "action": action, "command": command, "client": client,
                     "respond": respond, "context": context}  # fmt: skip
        work(**{name: available[name] for name in names})

    later.__name__ = work.__name__  # Bolt finds a lazy listener again by its name
    return later


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
        channel=channel, thread_ts=event.get("thread_ts") or ts, blocks=reply.blocks_json, text=reply.text,
        unfurl_links=False, unfurl_media=False,
    )  # fmt: skip
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
        answer, surface=surface, threshold=settings.answer_threshold,
        keep_text=settings.store_questions, team=context.team_id, unknown_service=reply.unknown_service,
    )  # fmt: skip
    if record is not None:
        runtime.questions.add(record)
