"""/srm: every reply is computed at once and returned in the ack, ephemeral to the caller."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.commands import srm_command


def register(app: App) -> None:
    app.command("/srm")(handle_srm)


def handle_srm(ack: Ack, command: dict, context: BoltContext) -> None:
    reply = srm_command(context["runtime"].snapshot, command.get("text") or "")
    ack(response_type="ephemeral", blocks=reply.blocks, text=reply.text)
