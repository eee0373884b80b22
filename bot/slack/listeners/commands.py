"""/srm: every reply is computed at once and returned in the ack, ephemeral to the caller."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond

from bot.commands import Reply, srm_command
from bot.gaps import build_report, parse_since
from bot.render.blocks import build_gaps_blocks
from bot.slack.listeners.replies import listen, note_question
from bot.store import utc_now

GAPS = "gaps"
GAPS_WINDOW = "7d"
NOT_AN_ADMIN = "Only srm-bot admins (SRM_ADMINS) can see the knowledge-gap report."


def register(app: App, lazy: bool) -> None:
    listen(app.command("/srm"), after_srm, ack=answer_srm, lazy=lazy)


def _is_gaps(command: dict) -> bool:
    return (command.get("text") or "").strip().lower() == GAPS


def answer_srm(ack: Ack, command: dict, context: BoltContext) -> None:
    if _is_gaps(command):
        allowed = command.get("user_id") in context["settings"].admins
        text = f"Building the knowledge-gap report for the last {GAPS_WINDOW}…" if allowed else NOT_AN_ADMIN
        ack(response_type="ephemeral", text=text)
        return
    reply = srm_command(context["runtime"].snapshot, command.get("text") or "")
    ack(response_type="ephemeral", blocks=reply.blocks, text=reply.text)


def after_srm(command: dict, respond: Respond, context: BoltContext) -> None:
    """Off the request path: the gap report (read from the store), or noting the question asked."""
    if _is_gaps(command):
        if command.get("user_id") in context["settings"].admins:
            store = context["runtime"].store
            since = parse_since(GAPS_WINDOW, utc_now())
            report = build_report(since, store.questions(since), store.feedback(since))
            respond(blocks=build_gaps_blocks(report), text="Knowledge-gap report", response_type="ephemeral")
        return
    reply: Reply = srm_command(context["runtime"].snapshot, command.get("text") or "")
    note_question(context, "slash", reply)
