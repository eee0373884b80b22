"""Operations over real HTTP: two instances sharing a database, the gap report, /metrics, JSON logs."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.store.sql import open_store
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_slack import FakeSlack, settle
from tests.support.logs import captured_logs
from tests.support.signed import command_body, event_body, get, mention_event, post

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
ADMIN = "UADMIN1"


@pytest.fixture
def two_instances(slack: FakeSlack, database_url: str) -> Iterator[tuple[RunningBot, RunningBot]]:
    """Two app instances, each with its own process state, sharing one database."""
    (first, server_a), (second, server_b) = (start_bot(slack, open_store(database_url)) for _ in range(2))
    yield first, second
    server_a.should_exit = server_b.should_exit = True


def test_two_instances_on_one_database_answer_a_retried_event_once(two_instances, slack):
    first, second = two_instances
    body = event_body(mention_event("who patches the guest os on ec2?", "1700000100.000100"), "EvShared1")
    assert post(first.events_url, body, JSON).status == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    resigned = str(int(time.time()) + 1)  # Slack signs each re-delivery afresh
    assert post(second.events_url, body, JSON, timestamp=resigned, headers=retry).status == 200
    slack.wait_for("chat.postMessage")
    first.finish_work()
    second.finish_work()
    assert len(slack.recorded("chat.postMessage")) == 1


@pytest.fixture
def gap_bot(slack: FakeSlack, tmp_path: Path) -> Iterator[tuple[RunningBot, str]]:
    url = f"sqlite:///{tmp_path}/gaps.sqlite3"
    running, server = start_bot(slack, open_store(url), store_questions=True, admins=frozenset({ADMIN}))
    yield running, url
    server.should_exit = True


def ask_gaps(bot: RunningBot, url: str, asked: int) -> None:
    """Questions are recorded after the ack: wait until all of them are in the database."""
    for text in ("what is the weather in paris", "What's the weather in Paris?", "who patches amazon kendra?"):
        post(bot.events_url, command_body(text), FORM)
    post(bot.events_url, command_body("who patches the guest os on ec2?"), FORM)  # answered: not a gap
    post(bot.events_url, event_body(mention_event("tell me a joke", "1700000200.000100"), "EvGap1"), JSON)
    assert settle(lambda: len(bot.runtime.store.questions(since=datetime(2000, 1, 1))) >= asked, timeout=10)


@pytest.fixture
def srm(srm_executable: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `srm ARGS` against `database_url`, without the caller's Slack and srm settings."""

    def run(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_"))}
        env["SRM_DATABASE_URL"] = database_url
        return subprocess.run([srm_executable, *args], capture_output=True, text=True, timeout=60, env=env)

    return run


def test_srm_gaps_groups_the_questions_the_bot_declined(gap_bot, srm):
    bot, url = gap_bot
    ask_gaps(bot, url, asked=4)
    result = srm("gaps", "--since", "1h", "--json", database_url=url)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"] == 4
    weather = report["groups"][0]
    assert weather["count"] == 2 and "weather in paris" in weather["example"].lower()
    assert weather["statuses"] == {"out_of_scope": 2}
    assert {"service": "kendra", "count": 1} in report["missing_services"]
    examples = {group["example"] for group in report["groups"]}
    assert "tell me a joke" in examples and not any("guest os" in e for e in examples)
    text = srm("gaps", database_url=url).stdout
    assert "2 x “what is the weather in paris”" in text and "kendra: asked 1 time(s)" in text


def test_without_store_questions_only_a_hash_is_kept(slack, tmp_path, srm):
    url = f"sqlite:///{tmp_path}/private.sqlite3"
    bot, server = start_bot(slack, open_store(url))
    try:
        post(bot.events_url, command_body("what is the weather in paris"), FORM)
        assert settle(lambda: bool(bot.runtime.store.questions(since=datetime(2000, 1, 1))), timeout=10)
    finally:
        server.should_exit = True
    [record] = open_store(url).questions(since=datetime(2000, 1, 1))
    assert record.text is None and len(record.text_hash) == 64
    assert "weather" not in srm("gaps", database_url=url).stdout


def test_slash_gaps_is_for_admins_only(gap_bot, slack):
    bot, url = gap_bot
    ask_gaps(bot, url, asked=4)
    refused = post(bot.events_url, command_body("gaps"), FORM).json()
    assert "Only srm-bot admins" in refused["text"]
    admin_body = command_body("gaps", response_url=slack.response_url("gaps")).replace("U0001", ADMIN)
    assert "Building the knowledge-gap report" in post(bot.events_url, admin_body, FORM).json()["text"]
    [report] = slack.wait_for("response_url")
    text = json.dumps(report.args["blocks"])
    assert "weather in paris" in text and "kendra" in text
    assert len(slack.recorded("response_url")) == 1  # the refused request posted nothing later


def test_metrics_count_questions_latency_and_reloads(bot, slack):
    def sample(name: str, **labels: str) -> float:
        wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))  # exposition sorts labels
        for line in get(bot.url + "/metrics").body.splitlines():
            if line.startswith(f"{name}{{{wanted}}}" if labels else f"{name} "):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = sample("srm_questions_total", surface="slash", status="answered", service="ec2")
    post(bot.events_url, command_body("who patches the guest os on ec2?"), FORM)
    assert settle(lambda: sample("srm_questions_total", surface="slash", status="answered", service="ec2") > before)
    assert sample("srm_request_duration_seconds_count", kind="command") >= 1
    bot.runtime.reload()
    assert sample("srm_knowledge_reloads_total", result="loaded") >= 1
    assert sample("srm_knowledge_services") == len(bot.runtime.snapshot.knowledge.services)
    slack.failures["chat.postMessage"] = [(500, {})]
    post(bot.events_url, event_body(mention_event("who patches rds?", "1700000300.000100"), "EvMetrics1"), JSON)
    slack.wait_for("chat.postMessage")
    assert sample("srm_slack_api_errors_total", reason="http_500") >= 1


def test_json_logs_carry_the_request_id(bot):
    with captured_logs("json") as stream:
        home = {"type": "app_home_opened", "user": "U0001", "tab": "home", "channel": "D0001", "event_ts": "1.0"}
        body = event_body(home, "EvLogged1")
        post(bot.events_url, body, JSON)
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"}
        post(bot.events_url, body, JSON, timestamp=str(int(time.time()) + 1), headers=retry)  # signed afresh
        settle(lambda: "dropping repeated" in stream.getvalue(), timeout=5)  # logged after the ack
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    dropped = [line for line in lines if "dropping repeated" in line["message"]]  # queued already, or done
    assert dropped and dropped[0]["request_id"] == "EvLogged1" and dropped[0]["level"] == "INFO"


def test_a_full_backlog_refuses_new_events_and_slack_redelivers_them(slack):
    running, server = start_bot(slack, max_backlog=1)
    slow_slack = slack.held["chat.postMessage"] = threading.Event()
    try:
        first = event_body(mention_event("who patches rds?", "1700000200.000100"), "EvBusy1")
        assert post(running.events_url, first, JSON).status == 200
        assert settle(lambda: running.runtime.backlog == 1)  # its answer is waiting on Slack
        second = event_body(mention_event("who encrypts s3 objects?", "1700000200.000200"), "EvBusy2")
        refused = post(running.events_url, second, JSON)
        assert refused.status == 503 and "busy" in refused.body
        slow_slack.set()
        assert settle(lambda: running.runtime.backlog == 0)
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
        assert post(running.events_url, second, JSON, timestamp=str(int(time.time()) + 1), headers=retry).status == 200
        answers = slack.wait_for("chat.postMessage", count=2)
        assert [call.args["thread_ts"] for call in answers] == ["1700000200.000100", "1700000200.000200"]
        metrics = get(running.url + "/metrics").body
        assert 'srm_requests_shed_total{kind="answer_mention"}' in metrics
    finally:
        slow_slack.set()
        slack.held.clear()
        server.should_exit = True
