"""/srm: every reply is computed at once and returned in the ack, ephemeral to the caller."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond

from bot.gaps import build_report, parse_since
from bot.render.blocks import build_gaps_blocks
from bot.slack.context import runtime_of, settings_of
from bot.slack.listeners.answers import note_question
from bot.slash import srm_command
from bot.store import utc_now

GAPS = "gaps"
GAPS_WINDOW = "7d"
NOT_AN_ADMIN = "Only srm-bot admins (SRM_ADMINS) can see the knowledge-gap report."


def register(app: App, lazy: bool) -> None:
    # No follow-up Web API work except the admins' gap report. On Lambda that report is built by a lazy
    # listener (a second invocation), since nothing may run after the response and building it inside the
    # 3-second ack window would risk the ack; the matcher is checked there only, off the hot path elsewhere.
    if lazy:
        app.command("/srm", matchers=[asks_for_gaps])(ack=acknowledge_gap_report, lazy=[post_gap_report])
    app.command("/srm")(handle_srm)


def asks_for_gaps(command: dict) -> bool:
    return (command.get("text") or "").strip().lower() == GAPS


def handle_srm(ack: Ack, command: dict, respond: Respond, context: BoltContext) -> BoltResponse | None:
    """Returns the reply, already encoded (Reply.ephemeral_json says why), as the response to Slack's
    request: Bolt sends a listener's returned BoltResponse."""
    text = command.get("text") or ""
    if text.strip().lower() == GAPS:
        send_gap_report(ack, command, respond, context)
        return None
    reply = srm_command(runtime_of(context).snapshot, text)
    note_question(context, "slash", reply)
    return BoltResponse(status=200, body=reply.ephemeral_json)


def send_gap_report(ack: Ack, command: dict, respond: Respond, context: BoltContext) -> None:
    """Ack, then build the report on a worker thread."""
    if acknowledge_gap_report(ack, command, context):
        runtime_of(context).work.run_later(
            post_gap_report, {"command": command, "respond": respond, "context": context}
        )


def acknowledge_gap_report(ack: Ack, command: dict, context: BoltContext) -> bool:
    """Tell the caller what happens next; True when they may see the report."""
    if not _is_admin(command, context):
        ack(response_type="ephemeral", text=NOT_AN_ADMIN)
        return False
    ack(response_type="ephemeral", text=f"Building the knowledge-gap report for the last {GAPS_WINDOW}…")
    return True


def post_gap_report(command: dict, respond: Respond, context: BoltContext) -> None:
    """After the ack, off the request path: it reads the database."""
    if not _is_admin(command, context):
        return
    report = build_report(runtime_of(context).store, parse_since(GAPS_WINDOW, utc_now()))
    respond(blocks=build_gaps_blocks(report), text="Knowledge-gap report", response_type="ephemeral")


def _is_admin(command: dict, context: BoltContext) -> bool:
    return command.get("user_id") in settings_of(context).admins
