"""/srm: every reply is computed at once and returned in the ack, ephemeral to the caller."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond

from bot.commands import srm_command
from bot.gaps import build_report, parse_since
from bot.render.blocks import build_gaps_blocks
from bot.slack.listeners.replies import note_question
from bot.store import utc_now

GAPS = "gaps"
GAPS_WINDOW = "7d"
NOT_AN_ADMIN = "Only srm-bot admins (SRM_ADMINS) can see the knowledge-gap report."


def register(app: App, lazy: bool) -> None:
    # No follow-up Web API work except the admins' gap report, so no lazy listener even on Lambda.
    app.command("/srm")(handle_srm)


def handle_srm(ack: Ack, command: dict, respond: Respond, context: BoltContext) -> BoltResponse | None:
    """The reply is the response to Slack's request (Bolt sends a listener's returned response)."""
    text = command.get("text") or ""
    if text.strip().lower() == GAPS:
        send_gap_report(ack, command, respond, context)
        return None
    reply = srm_command(context["runtime"].snapshot, text)
    note_question(context, "slash", reply)
    return BoltResponse(status=200, body=reply.ephemeral_json)


def send_gap_report(ack: Ack, command: dict, respond: Respond, context: BoltContext) -> None:
    if command.get("user_id") not in context["settings"].admins:
        ack(response_type="ephemeral", text=NOT_AN_ADMIN)
        return
    ack(response_type="ephemeral", text=f"Building the knowledge-gap report for the last {GAPS_WINDOW}…")
    context["runtime"].run_later(_post_gap_report, {"respond": respond, "context": context})


def _post_gap_report(respond: Respond, context: BoltContext) -> None:
    """Off the request path: it reads the database."""
    report = build_report(context["runtime"].store, parse_since(GAPS_WINDOW, utc_now()))
    respond(blocks=build_gaps_blocks(report), text="Knowledge-gap report", response_type="ephemeral")
