"""The /srm grammar: help, list, compare, quiz, a service, or any question; replies cached per snapshot."""

from __future__ import annotations

import json

import pytest

from bot.replies import answer_reply
from bot.runtime.snapshot import Snapshot
from bot.slash import USAGE_FALLBACK, srm_command


@pytest.fixture(scope="module")
def snapshot(knowledge) -> Snapshot:
    return Snapshot.of(knowledge)


def blocks_text(reply) -> str:
    return json.dumps(reply.blocks)


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP"])
def test_help(snapshot, text):
    reply = srm_command(snapshot, text)
    assert reply.text == USAGE_FALLBACK and reply.answer is None


def test_list_names_every_service(snapshot):
    reply = srm_command(snapshot, "list")
    assert reply.text == "Services srm-bot knows"
    assert all(service.name in blocks_text(reply) for service in snapshot.knowledge.services.values())


def test_a_service_gets_its_summary_with_a_share_button(snapshot):
    reply = srm_command(snapshot, "s3")
    assert reply.text == "Amazon S3: who owns what (overview)" and reply.answer.kind == "summary"
    assert "share_in_channel" in blocks_text(reply)


def test_compare_two_services(snapshot):
    reply = srm_command(snapshot, "compare ec2 lambda")
    assert reply.text == "Amazon EC2 vs AWS Lambda"


@pytest.mark.parametrize("text", ["compare ec2", "compare ec2 lambda s3"])
def test_compare_needs_two_services(snapshot, text):
    assert "/srm compare SERVICE SERVICE" in blocks_text(srm_command(snapshot, text))


def test_compare_with_an_unknown_service_says_which(snapshot):
    reply = srm_command(snapshot, "compare ec2 kendrra")
    assert reply.text == "Unknown service kendrra" and reply.unknown_service == "kendrra"


def test_a_misspelt_service_gets_did_you_mean(snapshot):
    reply = srm_command(snapshot, "lamda")
    assert reply.answer.status == "ambiguous" and reply.answer.service == "lambda"
    assert reply.text == "I am not sure what you mean; did you mean one of these?"


def test_one_word_naming_no_known_service_is_an_unknown_service(snapshot):
    reply = srm_command(snapshot, "kendra")
    assert reply.text == "Unknown service kendra" and reply.unknown_service == "kendra"
    assert reply.answer is not None and reply.answer.status == "out_of_scope"  # kept for the gap report


def test_anything_else_is_a_question(snapshot):
    reply = srm_command(snapshot, "who patches the guest os on ec2?")
    assert reply.answer.owner == "Customer" and reply.text == "Amazon EC2 · Guest OS patching: Customer (Shared)"
    assert "share_in_channel" in blocks_text(reply)


def test_a_word_that_is_a_command_elsewhere_in_the_text_is_a_question(snapshot):
    reply = srm_command(snapshot, "help me: who patches rds?")
    assert reply.answer is not None and reply.answer.service == "rds"


def test_quiz_starts_a_fresh_quiz_every_time(snapshot):
    first, second = srm_command(snapshot, "quiz"), srm_command(snapshot, "Quiz ")
    assert first.text == "Shared responsibility quiz" and first is not second


def test_replies_are_cached_per_snapshot(snapshot, knowledge):
    assert srm_command(snapshot, "s3") is srm_command(snapshot, "s3")
    assert answer_reply(snapshot, "who patches rds?") is answer_reply(snapshot, "who patches rds?")
    assert srm_command(Snapshot.of(knowledge), "s3") is not srm_command(snapshot, "s3")


def test_the_slash_response_is_the_reply_as_json(snapshot):
    reply = srm_command(snapshot, "who patches rds?")
    assert json.loads(reply.ephemeral_json) == {"response_type": "ephemeral", "blocks": reply.blocks,
                                                 "text": reply.text}  # fmt: skip
