"""Buttons and menus: each click answers where it happened (in the message, or by direct message from the
Home tab) and keeps feedback and quiz scores in the store."""

from __future__ import annotations

import json
from unittest.mock import Mock

from bot.quiz import QuizState, question_at
from bot.render import blocks as ui
from bot.render import home
from bot.slack.listeners.actions import (
    answer_quiz_button,
    ask_starter_question,
    open_home_service,
    open_suggestion,
    register,
    share_in_channel,
    start_quiz,
)

IN_A_MESSAGE = {"user": {"id": "U0001"}, "response_url": "https://hooks.slack.invalid/1"}
ON_THE_HOME_TAB = {"user": {"id": "U0001"}}  # no response_url: answered by direct message


def button(action_id: str, value: dict | str) -> dict:
    return {"action_id": action_id, "value": value if isinstance(value, str) else json.dumps(value)}


def test_share_posts_the_answer_in_the_channel(respond, context):
    share_in_channel(action=button(ui.SHARE, {"q": "who patches rds?"}), respond=respond, context=context)
    kwargs = respond.call_args.kwargs
    assert kwargs["response_type"] == "in_channel" and kwargs["replace_original"] is False
    assert kwargs["text"] == "Amazon RDS · Database engine patching and upgrades: AWS (Shared)"


def test_a_button_value_that_is_not_json_is_an_empty_question(respond, context):
    share_in_channel(action=button(ui.SHARE, "{not json"), respond=respond, context=context)
    respond.assert_called_once()  # answered with help, not a crash


def test_a_suggestion_opens_that_answer_in_place(client, respond, context):
    value = {"service": "ec2", "topic": "guest_os_patching"}
    open_suggestion(action=button(f"{ui.SUGGESTION}_0", value), body=IN_A_MESSAGE, client=client, respond=respond,
                    context=context)  # fmt: skip
    assert respond.call_args.kwargs["text"] == "Amazon EC2 · Guest OS patching: Customer (Shared)"
    client.chat_postMessage.assert_not_called()


def test_from_the_home_tab_the_answer_comes_by_direct_message(client, respond, context):
    value = {"service": "ec2", "topic": "guest_os_patching"}
    open_suggestion(action=button(f"{ui.SUGGESTION}_0", value), body=ON_THE_HOME_TAB, client=client, respond=respond,
                    context=context)  # fmt: skip
    respond.assert_not_called()
    assert client.chat_postMessage.call_args.kwargs["channel"] == "U0001"


def test_start_quiz_shows_the_first_question(client, respond, context):
    start_quiz(body=IN_A_MESSAGE, client=client, respond=respond, context=context)
    blocks = json.dumps(respond.call_args.kwargs["blocks"])
    assert "Question 1 of 5" in blocks and home.QUIZ_ANSWER in blocks


def test_a_quiz_answer_is_scored_and_the_next_question_shown(client, respond, context):
    questions = context["runtime"].snapshot.quiz
    state = QuizState(seed=7, total=5)
    right = question_at(questions, state).owner
    answer_quiz_button(action=button(f"{home.QUIZ_ANSWER}_x", {**state.as_value(), "pick": right}), body=IN_A_MESSAGE,
                       client=client, respond=respond, context=context)  # fmt: skip
    kwargs = respond.call_args.kwargs
    assert kwargs["replace_original"] is True and kwargs["text"] == f"Quiz: the answer is {right}"
    assert "Right!" in json.dumps(kwargs["blocks"]) and "Question 2 of 5" in json.dumps(kwargs["blocks"])


def test_the_last_answer_keeps_the_score_once(client, respond, context):
    questions = context["runtime"].snapshot.quiz
    last = QuizState(seed=7, position=4, score=3, total=5)
    right = question_at(questions, last).owner
    wrong = next(owner for owner in ("AWS", "Customer", "Shared") if owner != right)
    for pick in (wrong, right):  # the last question answered twice: only the first counts
        action = button(f"{home.QUIZ_ANSWER}_x", {**last.as_value(), "pick": pick})
        answer_quiz_button(action=action, body=IN_A_MESSAGE, client=client, respond=respond, context=context)
    assert "Quiz finished: 4 of 5 right" in json.dumps(respond.call_args.kwargs["blocks"])
    best = context["runtime"].store.best_quiz_score("U0001")
    assert (best.score, best.total) == (3, 5)


def test_a_forged_quiz_state_is_ignored(client, respond, context):
    answer_quiz_button(action=button(f"{home.QUIZ_ANSWER}_x", {"seed": "x"}), body=IN_A_MESSAGE, client=client,
                       respond=respond, context=context)  # fmt: skip
    respond.assert_not_called()
    client.chat_postMessage.assert_not_called()


def test_the_home_menu_publishes_the_home_tab_with_that_service(client, context):
    action = {"action_id": home.HOME_SERVICE, "selected_option": {"value": "s3"}}
    open_home_service(action=action, body=ON_THE_HOME_TAB, client=client, context=context)
    kwargs = client.views_publish.call_args.kwargs
    assert kwargs["user_id"] == "U0001" and "Amazon S3" in json.dumps(kwargs["view"])


def test_a_starter_question_is_answered_by_direct_message_from_the_welcome(client, respond, context):
    action = button(f"{home.STARTER_QUESTION}_0", {"q": "who patches the guest os on ec2?"})
    ask_starter_question(action=action, body=ON_THE_HOME_TAB, client=client, respond=respond, context=context)
    assert "Customer" in json.dumps(client.chat_postMessage.call_args.kwargs["blocks"])


def test_every_button_and_menu_the_blocks_use_is_registered():
    app = Mock()
    register(app, lazy=False)
    registered = [call.args[0] for call in app.action.call_args_list]
    for action_id in (ui.SHARE, home.QUIZ_START, home.HOME_SERVICE,
                      f"{ui.SUGGESTION}_3", f"{home.QUIZ_ANSWER}_aws", f"{home.STARTER_QUESTION}_0"):  # fmt: skip
        assert any(r == action_id or (not isinstance(r, str) and r.match(action_id)) for r in registered), action_id
