"""Slack behaviour end to end: signed HTTP requests into the real Bolt app, Web API calls recorded."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from pathlib import Path

from bot.render import blocks as ui
from bot.render import home
from tests.support.fake_slack import BOT_USER_ID, settle
from tests.support.signed import (
    BOT_TOKEN,
    SIGNING_SECRET,
    action_body,
    command_body,
    event_body,
    get,
    mention_event,
    post,
    signature,
)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_url_verification(bot):
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "legacy"})
    result = post(bot.events_url, body, JSON)
    assert result.status == 200 and result.json()["challenge"] == "abc123"


def test_healthz(bot):
    result = get(bot.url + "/healthz")
    assert result.status == 200 and result.json()["status"] == "ok"


def test_slash_service_summary_is_ephemeral_within_3s(bot):
    started = time.monotonic()
    result = post(bot.events_url, command_body("ec2"), FORM)
    elapsed = time.monotonic() - started
    assert result.status == 200 and elapsed < 3
    reply = result.json()
    assert reply["response_type"] == "ephemeral"
    text = all_text(reply["blocks"])
    assert "Amazon EC2" in text and "Infrastructure service" in text and "Full summary" in text
    assert "Common misconfigurations" not in text  # the overview; the full summary is one click away
    assert ui.SHARE in text


def test_slash_help_list_compare_quiz(bot):
    assert "/srm compare" in all_text(post(bot.events_url, command_body(""), FORM).json()["blocks"])
    assert "Amazon EC2" in all_text(post(bot.events_url, command_body("list"), FORM).json()["blocks"])
    quiz = post(bot.events_url, command_body("quiz"), FORM).json()
    assert home.QUIZ_ANSWER in all_text(quiz["blocks"])


def test_slash_unknown_service_offers_did_you_mean(bot):
    reply = post(bot.events_url, command_body("ec3"), FORM).json()
    text = all_text(reply["blocks"])
    assert "Did you mean" in text and "Amazon EC2" in text


def test_slash_free_text_answers_like_a_question(bot):
    reply = post(bot.events_url, command_body("who patches the guest os on ec2?"), FORM).json()
    text = all_text(reply["blocks"])
    assert "Customer - you own it" in text and "Systems Manager Patch Manager" in text and "docs.aws.amazon.com" in text
    assert reply["text"] == "Amazon EC2 · Guest OS patching: Customer (Shared)"


def test_app_mention_answers_once_in_thread(bot, slack):
    event = mention_event("who patches the guest os on EC2?", "1700000000.000100")
    result = post(bot.events_url, event_body(event, "EvMention1"), JSON)
    assert result.status == 200
    [call] = slack.wait_for("chat.postMessage")
    assert call.args["channel"] == "C0001" and call.args["thread_ts"] == "1700000000.000100"
    assert call.token == BOT_TOKEN
    text = all_text(call.args["blocks"])
    assert "Customer" in text and "Shared" in text and "Patch Manager" in text and "https://docs.aws.amazon.com" in text


def test_retried_event_gets_no_second_reply(bot, slack):
    event = mention_event("tell me about ec2", "1700000000.000200")
    body = event_body(event, "EvRetry1")
    assert post(bot.events_url, body, JSON).status == 200
    slack.wait_for("chat.postMessage")
    resigned = str(int(time.time()) + 1)  # Slack signs each re-delivery afresh
    retry_headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    retry = post(bot.events_url, body, JSON, timestamp=resigned, headers=retry_headers)
    assert retry.status == 200
    bot.finish_work()
    assert len(slack.recorded("chat.postMessage")) == 1


def test_mention_and_channel_message_for_same_text_answer_once(bot, slack):
    ts = "1700000000.000300"
    text = f"<@{BOT_USER_ID}> who patches the hypervisor on ec2?"
    mention = {"type": "app_mention", "user": "U0001", "text": text, "ts": ts, "channel": "CALL", "event_ts": ts}
    message = {"type": "message", "user": "U0001", "text": text, "ts": ts, "channel": "CALL", "channel_type": "channel"}
    post(bot.events_url, event_body(message, "EvMsgA"), JSON)
    post(bot.events_url, event_body(mention, "EvMsgB"), JSON)
    slack.wait_for("chat.postMessage")
    bot.finish_work()
    assert len(slack.recorded("chat.postMessage")) == 1


def test_direct_message_answers_in_thread(bot, slack):
    event = {"type": "message", "channel_type": "im", "user": "U0001", "text": "who secures the hypervisor?",
             "ts": "1700000000.000400", "channel": "D0001"}  # fmt: skip
    post(bot.events_url, event_body(event, "EvDm1"), JSON)
    [call] = slack.wait_for("chat.postMessage")
    assert call.args["channel"] == "D0001" and call.args["thread_ts"] == "1700000000.000400"
    assert "AWS" in all_text(call.args["blocks"])


def test_channel_message_rules(bot, slack):
    def message(text: str, channel: str, ts: str, **extra: str) -> dict:
        return {"type": "message", "user": "U0001", "text": text, "ts": ts, "channel": channel,
                "channel_type": "channel", **extra}  # fmt: skip

    post(bot.events_url, event_body(message("who patches the guest os on ec2?", "CQUIET", "1.1"), "EvC1"), JSON)
    # quiet by default: a channel that did not opt in gets answers to mentions only
    post(bot.events_url, event_body(message("who patches the guest os on ec2?", "C0001", "1.0"), "EvC0"), JSON)
    post(bot.events_url, event_body(message("lunch anyone?", "CASK", "1.2"), "EvC2"), JSON)
    post(
        bot.events_url,
        event_body(message("who patches the guest os on ec2?", "CASK", "1.3", bot_id="B9"), "EvC3"),
        JSON,
    )
    post(bot.events_url, event_body(message("we patched ec2 guest os yesterday", "CASK", "1.4"), "EvC4"), JSON)
    post(bot.events_url, event_body(message("who patches the guest os on ec2?", "CASK", "1.5"), "EvC5"), JSON)
    [call] = slack.wait_for("chat.postMessage")
    bot.finish_work()
    assert len(slack.recorded("chat.postMessage")) == 1
    assert call.args["thread_ts"] == "1.5"


def test_channel_mention_in_question_is_escaped(bot, slack):
    event = mention_event("<!channel> who knows <@U999> &stuff?", "1700000000.000500")
    post(bot.events_url, event_body(event, "EvEsc1"), JSON)
    [call] = slack.wait_for("chat.postMessage")
    text = all_text(call.args["blocks"]) + call.args.get("text", "")
    assert "<!channel>" not in text and "<@U999>" not in text and "<!here" not in text


def test_app_home_opened_publishes_tour(bot, slack):
    event = {"type": "app_home_opened", "user": "U0001", "channel": "D0001", "tab": "home", "event_ts": "1.0"}
    post(bot.events_url, event_body(event, "EvHome1"), JSON)
    [call] = slack.wait_for("views.publish")
    assert call.args["user_id"] == "U0001"
    view = call.args["view"]
    text = all_text(view["blocks"])
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    assert "Security OF the cloud" in text and home.QUIZ_START in text and home.HOME_SERVICE in text


def test_home_service_menu_shows_summary(bot, slack):
    body = action_body(home.HOME_SERVICE, "", response_url=None, selected="ec2",
                       container={"type": "view", "view_id": "V1"})  # fmt: skip
    assert post(bot.events_url, body, FORM).status == 200
    [call] = slack.wait_for("views.publish")
    assert "Common misconfigurations" in all_text(call.args["view"]["blocks"])


def test_quiz_flow_from_home_to_score(bot, slack):
    post(bot.events_url, action_body(home.QUIZ_START, "{}", response_url=None, container={"type": "view"}), FORM)
    [intro] = slack.wait_for("chat.postMessage")
    assert intro.args["channel"] == "U0001"
    blocks = intro.args["blocks"]
    for _ in range(10):
        button = next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                      if e["action_id"].startswith(home.QUIZ_ANSWER))  # fmt: skip
        slack.clear()
        post(bot.events_url, action_body(button["action_id"], button["value"], response_url=slack.response_url()), FORM)
        [reply] = slack.wait_for("response_url")
        assert reply.args["replace_original"] is True
        blocks = reply.args["blocks"]
        text = all_text(blocks)
        assert "Source" in text
        if "Quiz finished" in text:
            break
    assert "Quiz finished" in text
    [score] = bot.runtime.store.quiz_scores(user_id="U0001")
    assert f"{score.score} of {score.total} right" in text and "Your best so far" in text
    # Clicking the last answer again (an old message) records nothing more.
    post(bot.events_url, action_body(button["action_id"], button["value"], response_url=slack.response_url()), FORM)
    slack.wait_for("response_url", count=2)
    assert len(bot.runtime.store.quiz_scores(user_id="U0001")) == 1


def test_did_you_mean_button_answers(bot, slack):
    value = json.dumps({"service": "ec2", "topic": "guest_os_patching"})
    post(bot.events_url, action_body(f"{ui.SUGGESTION}_0", value, response_url=slack.response_url()), FORM)
    [reply] = slack.wait_for("response_url")
    assert "Customer" in all_text(reply.args["blocks"])


def test_share_in_channel_posts_in_channel(bot, slack):
    value = json.dumps({"q": "who patches the guest os on ec2?"})
    post(bot.events_url, action_body(ui.SHARE, value, response_url=slack.response_url()), FORM)
    [reply] = slack.wait_for("response_url")
    assert reply.args["response_type"] == "in_channel"


def test_feedback_on_an_answer_posted_before_votes_carried_the_question_is_recorded(bot, slack):
    """Buttons on older messages carry no question: the vote counts, the message is left as it is."""
    before = len(bot.runtime.store.feedback(since=datetime.min))
    value = json.dumps({"service": "ec2", "topic": "guest_os_patching"})
    post(bot.events_url, action_body(ui.FEEDBACK_HELPFUL, value, response_url=slack.response_url()), FORM)
    assert settle(lambda: len(bot.runtime.store.feedback(since=datetime.min)) > before, timeout=10)
    recorded = bot.runtime.store.feedback(since=datetime.min)[before:]
    assert [(f.service, f.topic, f.helpful, f.team) for f in recorded] == [("ec2", "guest_os_patching", True, "T0001")]


def test_welcome_in_onboarding_channel_only(bot, slack):
    joined = {"type": "member_joined_channel", "user": "U0002", "channel": "CWELCOME", "event_ts": "1.0"}
    elsewhere = {"type": "member_joined_channel", "user": "U0003", "channel": "C0001", "event_ts": "1.0"}
    post(bot.events_url, event_body(elsewhere, "EvJoin0"), JSON)
    post(bot.events_url, event_body(joined, "EvJoin1"), JSON)
    [call] = slack.wait_for("chat.postEphemeral")
    bot.finish_work()
    assert len(slack.recorded("chat.postEphemeral")) == 1
    assert call.args["user"] == "U0002" and all_text(call.args["blocks"]).count(home.STARTER_QUESTION) == 3


def test_bad_signature_is_rejected(bot, slack):
    result = post(bot.events_url, command_body("ec2"), FORM, secret="wrong-secret")
    assert result.status == 401


def test_missing_signature_is_rejected(bot):
    assert post(bot.events_url, command_body("ec2"), FORM, sign=False).status == 401


def test_stale_timestamp_is_rejected(bot):
    stale = str(int(time.time()) - 6 * 60)
    assert post(bot.events_url, command_body("ec2"), FORM, timestamp=stale).status == 401


def test_replayed_signature_is_rejected(bot):
    body, timestamp = command_body("ec2"), str(int(time.time()))  # the same request, sent twice
    assert post(bot.events_url, body, FORM, timestamp=timestamp).status == 200
    assert post(bot.events_url, body, FORM, timestamp=timestamp).status == 401


def test_forged_body_with_valid_header_is_rejected(bot):
    timestamp = str(int(time.time()))
    genuine = command_body("ec2")
    forged = command_body("list")
    headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature(genuine, timestamp)}
    assert post(bot.events_url, forged, FORM, sign=False, headers=headers).status == 401


def test_rate_limited_and_failing_web_api_calls_are_retried(bot, slack):
    slack.failures["chat.postMessage"] = [(429, {"Retry-After": "1"}), (503, {})]
    event = mention_event("who secures the hypervisor?", "1700000000.000600")
    started = time.monotonic()
    post(bot.events_url, event_body(event, "EvRetryApi"), JSON)
    [_call] = slack.wait_for("chat.postMessage", timeout=15)
    assert slack.attempts["chat.postMessage"] == 3
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured


def test_no_token_or_secret_in_logs(bot, slack, caplog):
    caplog.set_level(logging.DEBUG)
    event = mention_event("who patches ec2?", "1700000000.000700")
    post(bot.events_url, event_body(event, "EvLogs"), JSON)
    post(bot.events_url, command_body("s3"), FORM)
    post(bot.events_url, command_body("s3"), FORM, secret="wrong")
    slack.wait_for("chat.postMessage")
    assert caplog.records, "logging was captured"
    assert BOT_TOKEN not in caplog.text and SIGNING_SECRET not in caplog.text


def test_channel_mention_is_escaped_in_slash_and_dm_replies(bot, slack):
    for text in ("<!channel>", "<!here> <!channel> zzz qqq", "<!channel> who patches the guest os on ec2?"):
        reply = post(bot.events_url, command_body(text), FORM).json()
        shown = json.dumps([b for b in reply["blocks"] if b["type"] != "actions"]) + reply.get("text", "")
        assert "<!channel>" not in shown and "<!here>" not in shown, text
    event = {"type": "message", "channel_type": "im", "user": "U0001", "text": "<!channel> <!here> blah?",
             "ts": "1700000000.000800", "channel": "D0001"}  # fmt: skip
    post(bot.events_url, event_body(event, "EvDmEsc"), JSON)
    [call] = slack.wait_for("chat.postMessage")
    shown = json.dumps(call.args["blocks"]) + call.args.get("text", "")
    assert "<!channel>" not in shown and "<!here>" not in shown


def test_overlay_team_appears_in_slack_answer(slack):
    from tests.e2e.conftest import start_bot

    overlay = Path(__file__).resolve().parents[2] / "knowledge" / "overlay.example.yaml"
    running, server = start_bot(slack, overlay_path=overlay)
    try:
        event = mention_event("who patches our EC2 instances?", "1700000000.000900")
        post(running.events_url, event_body(event, "EvOverlay"), JSON)
        [call] = slack.wait_for("chat.postMessage")
        text = all_text(call.args["blocks"])
        assert "In your organisation: Platform team, #team-platform" in text
    finally:
        server.should_exit = True
