"""Requests signed exactly as Slack signs them: v0 HMAC-SHA256 over 'v0:timestamp:body'."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.support.fake_slack import BOT_USER_ID

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token-not-real"


def signature(body: str, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


@dataclass
class HttpResult:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def post(url: str, body: str, content_type: str, *, timestamp: str | None = None, sign: bool = True,
         secret: str = SIGNING_SECRET, headers: dict[str, str] | None = None) -> HttpResult:  # fmt: skip
    timestamp = timestamp or str(int(time.time()))
    all_headers = {"Content-Type": content_type, **(headers or {})}
    if sign:
        all_headers["X-Slack-Request-Timestamp"] = timestamp
        all_headers["X-Slack-Signature"] = signature(body, timestamp, secret)
    request = urllib.request.Request(url, data=body.encode(), headers=all_headers, method="POST")
    return _send(request)


def get(url: str) -> HttpResult:
    return _send(urllib.request.Request(url, method="GET"))


def status(url: str) -> int | None:
    """GET's status code, or None while nothing answers (a server still starting)."""
    try:
        return get(url).status
    except OSError:
        return None


def _send(request: urllib.request.Request) -> HttpResult:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return HttpResult(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, error.read().decode(), dict(error.headers))


def mention_event(text: str, ts: str, channel: str = "C0001") -> dict[str, Any]:
    """An app_mention event: `text` addressed to the bot, as message `ts` in `channel`."""
    return {"type": "app_mention", "user": "U0001", "text": f"<@{BOT_USER_ID}> {text}", "ts": ts, "channel": channel,
            "event_ts": ts}  # fmt: skip


def event_body(event: dict[str, Any], event_id: str = "Ev0001") -> str:
    return json.dumps({
        "token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()), "event": event,
        "authorizations": [{"team_id": "T0001", "user_id": "UBOT0001", "is_bot": True}],
    })  # fmt: skip


def command_body(text: str, response_url: str = "https://hooks.slack.invalid/commands/1") -> str:
    """A slash command payload; each gets its own trigger_id, as every real invocation does."""
    return urlencode({
        "token": "legacy", "team_id": "T0001", "team_domain": "acme", "channel_id": "C0001", "channel_name": "general",
        "user_id": "U0001", "user_name": "alice", "command": "/srm", "text": text, "api_app_id": "A0001",
        "response_url": response_url, "trigger_id": uuid.uuid4().hex,
    })  # fmt: skip


def action_body(action_id: str, value: str, *, response_url: str | None, user: str = "U0001",
                container: dict[str, Any] | None = None, selected: str | None = None) -> str:  # fmt: skip
    action: dict[str, Any] = {"action_id": action_id, "block_id": "b1", "type": "button", "value": value,
                              "action_ts": str(time.time())}  # fmt: skip
    if selected is not None:
        action = {"action_id": action_id, "block_id": "b1", "type": "static_select",
                  "selected_option": {"value": selected, "text": {"type": "plain_text", "text": selected}},
                  "action_ts": str(time.time())}  # fmt: skip
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": "T0001"}, "user": {"id": user, "team_id": "T0001"},
        "api_app_id": "A0001", "token": "legacy", "trigger_id": "1.2.3", "actions": [action],
        "container": container or {"type": "message", "channel_id": "C0001", "message_ts": "1.0"},
        "channel": {"id": "C0001"},
    }  # fmt: skip
    if response_url:
        payload["response_url"] = response_url
    return urlencode({"payload": json.dumps(payload)})
