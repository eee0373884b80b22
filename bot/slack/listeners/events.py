"""Events: mentions (answered in a thread), the Home tab, and the onboarding welcome."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.render.home import build_home_view, build_welcome_blocks
from bot.slack.ack import listen
from bot.slack.context import runtime_of, settings_of
from bot.slack.listeners.answers import reply_in_thread


def register(app: App, lazy: bool) -> None:
    listen(app.event("app_mention"), answer_mention, lazy=lazy, once_per_event=False)
    listen(app.event("app_home_opened"), publish_home, lazy=lazy)
    listen(app.event("member_joined_channel"), welcome_member, lazy=lazy)


def answer_mention(event: dict, client: WebClient, context: BoltContext) -> None:
    reply_in_thread(client, context, event, "mention")


def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    client.views_publish(user_id=event["user"], view=build_home_view(runtime_of(context).snapshot.knowledge))


def welcome_member(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("channel") not in settings_of(context).onboarding_channels:
        return
    starters = list(runtime_of(context).snapshot.knowledge.vocabulary.starter_questions)
    client.chat_postEphemeral(
        channel=event["channel"],
        user=event["user"],
        blocks=build_welcome_blocks(starters),
        text="Welcome! Ask me who secures what on AWS.",
    )
