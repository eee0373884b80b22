"""Timeouts everywhere, over real HTTP: slow or half-sent requests are cut off, a slow Slack Web API or
response_url is retried after a short timeout, and failures are counted in /metrics."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from bot.render import blocks as ui
from bot.serve import http_config
from bot.slack.app import create_app
from bot.web import create_web_app
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_slack import FakeSlack, settle
from tests.support.local_server import free_port
from tests.support.signed import action_body, event_body, get, mention_event, post

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def sample(bot: RunningBot, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in get(bot.url + "/metrics").body.splitlines():
        if line.startswith(f"{name}{{{wanted}}} "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture(scope="module")
def bounded(bot: RunningBot) -> Iterator[int]:
    """The bot behind srm-bot's own uvicorn settings, with requests due whole within one second."""
    port = free_port()
    web = create_web_app(create_app(bot.settings, bot.runtime), bot.runtime)
    server = uvicorn.Server(http_config(web, "127.0.0.1", port, request_seconds=1))
    threading.Thread(target=server.run, daemon=True).start()
    assert settle(lambda: server.started, timeout=10)
    yield port
    server.should_exit = True


def closed_within(port: int, sent: bytes, seconds: float) -> bool:
    """Send `sent` and then nothing: whether the server closes the connection within `seconds`."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        sock.sendall(sent)
        try:
            while sock.recv(4096):
                pass  # a response to a complete request, if any
        except TimeoutError:
            return False
        return True


def test_a_half_sent_request_head_is_cut_off(bounded):
    assert closed_within(bounded, b"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Slack", seconds=5)


def test_a_connection_that_sends_nothing_is_cut_off(bounded):
    assert closed_within(bounded, b"", seconds=5)


def test_a_body_that_stops_half_way_is_cut_off(bounded):
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    assert closed_within(bounded, head + b'{"type": ', seconds=5)


def test_a_request_that_arrives_in_time_is_answered(bounded):
    with socket.create_connection(("127.0.0.1", bounded), timeout=5) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")


@pytest.fixture
def quick_bot(slack: FakeSlack) -> Iterator[RunningBot]:
    running, server = start_bot(slack, slack_timeout=1)
    yield running
    server.should_exit = True
    slack.held.clear()
    slack.failures.clear()


def test_a_web_api_call_that_times_out_is_retried_and_counted(quick_bot, slack):
    slow = slack.held["chat.postMessage"] = threading.Event()  # Slack takes the call and does not answer
    before = sample(quick_bot, "srm_slack_api_errors_total", reason="connection")
    post(quick_bot.events_url, event_body(mention_event("who patches rds?", "1700003000.000001"), "EvSlow"), JSON)
    assert settle(lambda: slack.attempts.get("chat.postMessage", 0) >= 2, timeout=10)  # timed out after 1 s, retried
    slow.set()
    assert sample(quick_bot, "srm_slack_api_errors_total", reason="connection") > before


def test_a_failing_response_url_is_retried(quick_bot, slack):
    slack.failures["response_url"] = [(500, {}), (503, {})]
    value = json.dumps({"q": "who patches the guest os on ec2?"})
    post(quick_bot.events_url, action_body(ui.SHARE, value, response_url=slack.response_url("retried")), FORM)
    [shared] = slack.wait_for("response_url", timeout=15)
    assert shared.args["response_type"] == "in_channel" and slack.attempts["response_url"] == 3


def test_a_response_url_that_keeps_failing_is_logged_and_counted(quick_bot, slack, caplog):
    slack.failures["response_url"] = [(500, {})] * 4  # the first try and its three retries
    before = sample(quick_bot, "srm_work_failures_total", error="ResponseUrlError")
    value = json.dumps({"q": "who patches the guest os on ec2?"})
    started = time.monotonic()
    post(quick_bot.events_url, action_body(ui.SHARE, value, response_url=slack.response_url("lost")), FORM)
    assert settle(lambda: sample(quick_bot, "srm_work_failures_total", error="ResponseUrlError") > before, 20)
    assert slack.attempts["response_url"] == 4 and time.monotonic() - started < 20
    assert settle(lambda: "response_url post failed: HTTP 500" in caplog.text)  # logged just after counting
