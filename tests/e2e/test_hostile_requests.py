"""Hostile and broken requests over real HTTP cost nothing: size cap, malformed input, log floods, replays."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
import uvicorn

from bot.logs import TEXT_FORMAT, RequestIdFilter, TextFormatter
from bot.render import blocks as ui
from bot.slack.app import create_app
from bot.store.sql import open_store
from bot.web import create_web_app
from tests.e2e.conftest import RunningBot, start_bot
from tests.support import logs
from tests.support.fake_slack import FakeSlack, settle
from tests.support.local_server import free_port
from tests.support.signed import SIGNING_SECRET, action_body, command_body, get, post, signature

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MB = 1024 * 1024


def rss_kb() -> int:
    with open("/proc/self/status") as status:  # the bot serves from this process
        lines = status.read().splitlines()
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def raw_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def signed_bytes(url: str, body: bytes, content_type: str = JSON, timestamp: str | None = None) -> int:
    timestamp = timestamp or str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": "v0=" + digest.hexdigest()}  # fmt: skip
    return raw_post(url, body, headers)


def stream_post(url: str, total: int, *, declare_length: bool) -> str:
    """POST `total` bytes in 1 MB chunks, as a client would that never stops sending; returns the status
    line, or what ended the exchange when the server closed the connection first."""
    parts = urlsplit(url)
    chunk = b"x" * MB
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        length = f"Content-Length: {total}" if declare_length else "Transfer-Encoding: chunked"
        sock.sendall(f"POST {parts.path} HTTP/1.1\r\nHost: x\r\nContent-Type: {JSON}\r\n{length}\r\n\r\n".encode())
        try:
            for _ in range(total // MB):
                sock.sendall(chunk if declare_length else b"%x\r\n" % MB + chunk + b"\r\n")
        except OSError as exc:  # the server answered and closed without reading the rest
            ended = type(exc).__name__
        else:
            ended = "sent"
        try:
            return sock.recv(200).decode(errors="replace").split("\r\n")[0] or ended
        except OSError:
            return ended


def rejected_count(bot: RunningBot, reason: str) -> float:
    prefix = f'srm_requests_rejected_total{{reason="{reason}"}} '
    lines = [line for line in get(bot.url + "/metrics").body.splitlines() if line.startswith(prefix)]
    return float(lines[0].rsplit(" ", 1)[1]) if lines else 0.0


def test_a_50_mb_body_is_refused_unread(bot):
    before = rss_kb()
    assert stream_post(bot.events_url, 50 * MB, declare_length=True).startswith("HTTP/1.1 413")
    counted = rejected_count(bot, "too_large")
    stream_post(bot.events_url, 50 * MB, declare_length=False)  # no length: refused once 1 MiB is read
    assert rejected_count(bot, "too_large") == counted + 1
    assert rss_kb() - before < 30 * 1024
    assert get(bot.url + "/healthz").status == 200


def test_a_body_at_the_cap_is_read_and_one_byte_more_is_not(bot):
    at_cap = b'{"type": "url_verification", "challenge": "abc"}'
    web = create_web_app(create_app(bot.settings, bot.runtime), bot.runtime, max_body_bytes=len(at_cap))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    try:
        url = f"http://127.0.0.1:{port}/slack/events"
        assert signed_bytes(url, at_cap) == 200
        assert signed_bytes(url, at_cap.replace(b"abc", b"abcd")) == 413
    finally:
        server.should_exit = True


@pytest.mark.parametrize(
    ("body", "content_type", "timestamp", "status"),
    [
        (b'{"type": "url_verification"}', JSON, "abc", 401),
        (b"{not json", JSON, None, 400),
        (b"null", JSON, None, 400),
        (b"[]", JSON, None, 400),
        (b'{"type": "\xff\xfe"}', JSON, None, 400),
        (b"payload=%5B%5D", FORM, None, 400),
        (b"payload=%7Bnot", FORM, None, 400),
        (b"payload=null", FORM, None, 400),
    ],
)
def test_malformed_input_gets_a_4xx_never_a_500(bot, body, content_type, timestamp, status):
    if timestamp == "abc":
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}
        assert raw_post(bot.events_url, body, headers) == status
    else:
        assert signed_bytes(bot.events_url, body, content_type) == status
    assert get(bot.url + "/healthz").status == 200


def test_unsigned_requests_are_401(bot):
    assert raw_post(bot.events_url, b'{"type": "event_callback"}', {"Content-Type": JSON}) == 401
    stale = str(int(time.time()) - 600)
    assert signed_bytes(bot.events_url, b'{"type": "event_callback"}', timestamp=stale) == 401


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Everything the process logs, in text format, at the level it runs at."""
    with logs.captured_logs("text") as stream:
        yield stream


def test_twenty_forged_1_mb_requests_add_under_100_kb_of_log(bot, captured_logs):
    forged = ("\nCRITICAL forged line " + "A" * 1_000_000).encode()
    headers = {"Content-Type": JSON, "X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=0"}
    for _ in range(20):
        assert raw_post(bot.events_url, forged, headers) == 401
    written = captured_logs.getvalue()
    assert len(written.encode()) < 100 * 1024
    assert "forged" not in written and "AAAA" not in written
    assert written.count("rejected Slack requests") <= 1  # a summary line at most, not one per request


def test_garbage_http_is_answered_400_and_logged_once(bot, captured_logs):
    port = int(bot.url.rsplit(":", 1)[1])
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 400")
    assert captured_logs.getvalue().count("Invalid HTTP request") <= 1


def test_a_stale_genuine_request_logs_no_question_text(bot, captured_logs):
    stale = str(int(time.time()) - 600)
    body = command_body("who patches the zebra-secret-question", response_url="https://hooks.slack.invalid/x/y")
    assert post(bot.events_url, body, FORM, timestamp=stale).status == 401
    assert post(bot.events_url, command_body("who patches the zebra-secret-question"), FORM).status == 200
    written = captured_logs.getvalue()
    assert "zebra" not in written and "hooks.slack.invalid" not in written


def test_text_logs_escape_newlines_and_control_characters_from_requests():
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "asked %s", ("x\nCRITICAL fake\r\x1b[31m",), None)
    RequestIdFilter().filter(record)
    line = TextFormatter(TEXT_FORMAT).format(record)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert "x\\nCRITICAL fake\\r\\x1b[31m" in line


def test_a_replay_with_added_retry_headers_does_nothing(bot, slack):
    value = json.dumps({"q": "who patches the guest os on ec2?"})
    body, timestamp = action_body(ui.SHARE, value, response_url=slack.response_url("shared")), str(int(time.time()))
    assert post(bot.events_url, body, FORM, timestamp=timestamp).status == 200
    slack.wait_for("response_url")
    for attempt in ("1", "2", "3"):
        retry = {"X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": "http_timeout"}
        assert post(bot.events_url, body, FORM, timestamp=timestamp, headers=retry).status == 401
    later = action_body(ui.SHARE, value, response_url=slack.response_url("later"))
    post(bot.events_url, later, FORM)
    slack.wait_for("response_url", count=2)  # the later click is answered: a replay's post would precede it
    assert len(slack.recorded("response_url")) == 2


def test_a_replay_to_another_instance_or_after_a_restart_is_refused(slack: FakeSlack, database_url: str):
    first, server_a = start_bot(slack, open_store(database_url))
    body, timestamp = command_body("ec2"), str(int(time.time()))
    try:
        assert post(first.events_url, body, FORM, timestamp=timestamp).status == 200
        claimed = "signature:" + signature(body, timestamp)
        assert settle(lambda: first.runtime.store.claimed(claimed))  # written in the next batch
    finally:
        server_a.should_exit = True
    restarted, server_b = start_bot(slack, open_store(database_url))  # its own process state, the same database
    try:
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert post(restarted.events_url, body, FORM, timestamp=timestamp, headers=retry).status == 401
        assert post(restarted.events_url, command_body("ec2"), FORM).status == 200  # a new request is served
    finally:
        server_b.should_exit = True


def test_an_url_encoded_form_without_payload_is_still_a_slash_command(bot):
    body = urlencode({"command": "/srm", "text": "help", "trigger_id": "t-1", "team_id": "T0001", "user_id": "U0001",
                      "channel_id": "C0001", "response_url": "https://hooks.slack.invalid/1"})  # fmt: skip
    result = post(bot.events_url, body, FORM)
    assert result.status == 200 and "/srm" in result.body
