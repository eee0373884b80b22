"""Feedback on answers: a vote replaces the buttons with a thanks; "Not helpful" asks what was wrong."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.render import blocks as ui
from bot.replies import answer_reply
from bot.slack.ack import listen
from bot.slack.context import runtime_of
from bot.slack.listeners.actions import button_value
from bot.store import Feedback

METADATA_LIMIT = 3000  # Slack's limit on a view's private_metadata


def register(app: App, lazy: bool) -> None:
    listen(app.action(ui.FEEDBACK_HELPFUL), vote_helpful, lazy=lazy)
    listen(app.action(ui.FEEDBACK_NOT_HELPFUL), ask_what_was_wrong, lazy=lazy)
    listen(app.view_submission(ui.FEEDBACK_FORM), record_what_was_wrong, lazy=lazy)
    listen(app.view_closed(ui.FEEDBACK_FORM), record_without_reason, lazy=lazy)


def _text(value: object, limit: int = 64) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def vote_helpful(action: dict, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    value = button_value(action)
    _record(context, body["user"]["id"], value, helpful=True)
    _thank(client, context, _where(body, value), helpful=True, respond=respond)


def ask_what_was_wrong(action: dict, body: dict, client: WebClient, context: BoltContext) -> None:
    """The vote is recorded when the form is sent or closed, so it counts once either way."""
    metadata = json.dumps(_where(body, button_value(action)), separators=(",", ":"))
    if len(metadata) > METADATA_LIMIT:
        return
    client.views_open(trigger_id=body["trigger_id"], view=ui.build_feedback_modal(metadata))


def record_what_was_wrong(body: dict, client: WebClient, context: BoltContext) -> None:
    view = body.get("view") or {}
    where = _metadata(view)
    values = (view.get("state") or {}).get("values") or {}
    reason = (((values.get("reason") or {}).get("reason") or {}).get("selected_option") or {}).get("value")
    comment = ((values.get("comment") or {}).get("comment") or {}).get("value")
    _record(
        context,
        body["user"]["id"],
        where,
        helpful=False,
        reason=reason if reason in ui.FEEDBACK_REASONS else "other",
        comment=_text(comment, ui.FEEDBACK_COMMENT_LIMIT),
    )
    _thank(client, context, where, helpful=False)


def record_without_reason(body: dict, client: WebClient, context: BoltContext) -> None:
    where = _metadata(body.get("view") or {})
    _record(context, body["user"]["id"], where, helpful=False)
    _thank(client, context, where, helpful=False)


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        where = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return where if isinstance(where, dict) else {}


def _where(body: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    """The answer voted on and the message that showed it, so the thanks can replace its buttons."""
    container = body.get("container") or {}
    return {
        "service": value.get("service"),
        "topic": value.get("topic"),
        "q": value.get("q"),
        "channel": container.get("channel_id"),
        "ts": container.get("message_ts"),
        "ephemeral": bool(container.get("is_ephemeral")) or "message" not in body,
        "response_url": body.get("response_url"),
    }


def _record(context: BoltContext, user: str, where: dict[str, Any], *, helpful: bool, **why: str | None) -> None:
    feedback = Feedback(user, _text(where.get("service")), _text(where.get("topic")), helpful, context.team_id, **why)
    runtime_of(context).store.record_feedback(feedback)


def _thank(
    client: WebClient, context: BoltContext, where: dict[str, Any], *, helpful: bool, respond: Respond | None = None
) -> None:
    """Update the answer in place (not a new message): its buttons become a thanks."""
    question = where.get("q")
    if not isinstance(question, str):
        return
    reply = answer_reply(runtime_of(context).snapshot, question, share=bool(where.get("ephemeral")))
    blocks = ui.build_voted_blocks(reply.blocks, helpful)
    if not where.get("ephemeral") and where.get("channel") and where.get("ts"):
        client.chat_update(channel=where["channel"], ts=where["ts"], blocks=blocks, text=reply.text)
    elif respond is not None and where.get("response_url"):
        respond(blocks=blocks, text=reply.text, replace_original=True, response_type="ephemeral")
    elif isinstance(where.get("response_url"), str):
        WebhookClient(where["response_url"]).send(blocks=blocks, text=reply.text, replace_original=True)
