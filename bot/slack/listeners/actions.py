"""Buttons and menus: share, did-you-mean, details, quiz, Home tab service menu, starter questions."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.quiz import QuizState, answer_quiz, new_quiz, question_at
from bot.render import blocks as ui
from bot.render import home
from bot.replies import answer_reply, fallback_text
from bot.slack.ack import Work, listen
from bot.slack.context import runtime_of
from bot.store import QuizScore


def register(app: App, lazy: bool) -> None:
    # Every click is acked at once; the Web API work runs after, off the request path.
    listeners: dict[str | re.Pattern[str], Work] = {
        ui.SHARE: share_in_channel,
        re.compile(rf"^{ui.SUGGESTION}_\d+$"): open_suggestion,
        home.QUIZ_START: start_quiz,
        re.compile(rf"^{home.QUIZ_ANSWER}_"): answer_quiz_button,
        home.HOME_SERVICE: open_home_service,
        ui.DETAILS: show_details,
        re.compile(rf"^{home.STARTER_QUESTION}_\d+$"): ask_starter_question,
    }
    for action_id, listener in listeners.items():
        listen(app.action(action_id), listener, lazy=lazy)


def button_value(action: dict[str, Any]) -> dict[str, Any]:
    """A button's JSON value, or {} when it is not a JSON object (a value is only as trustworthy as the user)."""
    try:
        value = json.loads(action.get("value") or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _reply(body: dict, client: WebClient, respond: Respond, blocks: list, text: str, *, replace: bool = False) -> None:
    """Answer where the click happened: in the message's place, or by direct message from the Home tab."""
    if body.get("response_url"):
        respond(blocks=blocks, text=text, replace_original=replace, response_type="ephemeral")
    else:
        client.chat_postMessage(channel=body["user"]["id"], blocks=blocks, text=text)


def share_in_channel(action: dict, respond: Respond, context: BoltContext) -> None:
    reply = answer_reply(runtime_of(context).snapshot, str(button_value(action).get("q", "")))
    respond(blocks=reply.blocks, text=reply.text, response_type="in_channel", replace_original=False)


def open_suggestion(action: dict, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    snapshot = runtime_of(context).snapshot
    value = button_value(action)
    answer = snapshot.matcher.answer_for(value.get("service"), value.get("topic"))
    _reply(body, client, respond, ui.build_answer_blocks(snapshot.knowledge, answer), fallback_text(snapshot, answer))


def show_details(action: dict, body: dict, client: WebClient, context: BoltContext) -> None:
    """The long form of an answer or a service summary, in a modal: the message itself stays short."""
    snapshot = runtime_of(context).snapshot
    value = button_value(action)
    service = snapshot.knowledge.services.get(str(value.get("service", "")))
    if service is not None:
        title = service.name
        blocks = ui.build_service_blocks(snapshot.knowledge, service, str(value.get("section", "")) or None)
    else:
        answer = answer_reply(snapshot, str(value.get("q", ""))).answer
        if answer is None:
            return
        named = snapshot.knowledge.services.get(answer.service or "")
        title = named.name if named else "Answer details"
        blocks = ui.build_answer_detail_blocks(snapshot.knowledge, answer)
    client.views_open(trigger_id=body["trigger_id"], view=ui.build_details_modal(title, blocks))


def start_quiz(body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    questions = runtime_of(context).snapshot.quiz
    state = new_quiz(questions)
    first = question_at(questions, state)
    if first is not None:
        _reply(body, client, respond, home.build_quiz_intro_blocks(first, state), "Shared responsibility quiz")


def answer_quiz_button(action: dict, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    value = button_value(action)
    questions = runtime_of(context).snapshot.quiz
    try:
        state = QuizState.from_value(value)
    except (KeyError, TypeError, ValueError):
        return
    picked = str(value.get("pick", ""))
    question, state = answer_quiz(questions, state, picked)
    if question is None:
        return
    following = question_at(questions, state)
    best = _record_score(body["user"]["id"], state, context) if following is None else None
    blocks = home.build_quiz_feedback_blocks(question, picked, state, following, best)
    _reply(body, client, respond, blocks, f"Quiz: the answer is {question.owner}", replace=True)


def _record_score(user: str, state: QuizState, context: BoltContext) -> tuple[int, int] | None:
    """Keep a finished quiz's score (once, even if the last button is clicked again); the best so far."""
    store = runtime_of(context).store
    if store.claim(f"quiz:{context.team_id}:{user}:{state.seed}"):
        store.record_quiz_score(QuizScore(user, state.score, state.total, context.team_id))
    best = store.best_quiz_score(user)
    return (best.score, best.total) if best else None


def open_home_service(action: dict, body: dict, client: WebClient, context: BoltContext) -> None:
    knowledge = runtime_of(context).snapshot.knowledge
    key = (action.get("selected_option") or {}).get("value", "")
    client.views_publish(user_id=body["user"]["id"], view=home.build_home_view(knowledge, knowledge.services.get(key)))


def ask_starter_question(action: dict, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    reply = answer_reply(runtime_of(context).snapshot, str(button_value(action).get("q", "")))
    _reply(body, client, respond, reply.blocks, reply.text)
