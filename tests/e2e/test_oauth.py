"""Many workspaces: Bolt's OAuth install flow through the local Slack stand-in, installations kept in the
bot's database (slack_sdk's SQLAlchemy stores), and later requests served with that team's token."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
import sqlalchemy

from bot.store.sql import open_store
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_slack import FakeSlack
from tests.support.signed import HttpResult, event_body, post

TEAM, TEAM_TOKEN = "T0009", "xoxb-installed-in-team-9"
ACCESS = {
    "access_token": TEAM_TOKEN, "token_type": "bot", "scope": "app_mentions:read,chat:write,commands",
    "bot_user_id": "UBOT0009", "app_id": "A0001", "team": {"id": TEAM, "name": "Nine"}, "enterprise": None,
    "authed_user": {"id": "U0009"}, "is_enterprise_install": False,
}  # fmt: skip


@pytest.fixture
def oauth_bot(slack: FakeSlack, database_url: str) -> Iterator[RunningBot]:
    running, server = start_bot(
        slack, open_store(database_url), bot_token=None, client_id="1111.2222", client_secret="oauth-secret"
    )
    slack.responses["oauth.v2.access"] = ACCESS
    yield running
    slack.responses.pop("oauth.v2.access")
    server.should_exit = True


def get(url: str, cookie: str | None = None) -> HttpResult:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return HttpResult(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, error.read().decode(), dict(error.headers))


def mention_from(team: str, ts: str, event_id: str) -> str:
    event = {"type": "app_mention", "user": "U0009", "text": "<@UBOT0009> who patches rds?", "ts": ts,
             "channel": "C0009", "event_ts": ts}  # fmt: skip
    return event_body(event, event_id).replace('"T0001"', f'"{team}"')


def test_install_then_a_request_from_that_team_is_served_with_its_token(oauth_bot, slack):
    page = get(oauth_bot.url + "/slack/install")
    assert page.status == 200 and "slack.com/oauth/v2/authorize" in page.body
    cookie = page.headers["set-cookie"].split(";")[0]
    state = re.search(r"state=([\w-]+)", page.body).group(1)
    assert "client_id=1111.2222" in page.body and "scope=app_mentions:read" in page.body.replace("%3A", ":")

    done = get(f"{oauth_bot.url}/slack/oauth_redirect?code=one-time-code&state={state}", cookie)
    assert done.status == 200, done.body
    [exchange] = slack.recorded("oauth.v2.access")
    assert exchange.args["code"] == "one-time-code"

    assert (
        post(oauth_bot.events_url, mention_from(TEAM, "1700000600.000100", "EvTeam9"), "application/json").status == 200
    )
    [answer] = slack.wait_for("chat.postMessage")
    assert answer.token == TEAM_TOKEN and answer.args["channel"] == "C0009"
    assert "Shared" in json.dumps(answer.args["blocks"])


def test_a_forged_state_installs_nothing(oauth_bot, slack):
    page = get(oauth_bot.url + "/slack/install")
    cookie = page.headers["set-cookie"].split(";")[0]
    refused = get(f"{oauth_bot.url}/slack/oauth_redirect?code=one-time-code&state=forged", cookie)
    assert refused.status >= 400
    assert slack.recorded("oauth.v2.access") == []


def test_a_team_that_never_installed_gets_no_answer(oauth_bot, slack):
    refused = post(oauth_bot.events_url, mention_from("T0404", "1700000700.000100", "EvTeam404"), "application/json")
    # Bolt refuses it while authorizing, before any listener could queue work: nothing to wait for.
    assert refused.status == 200 and "installation with this app is no longer available" in refused.body
    assert slack.recorded("chat.postMessage") == [] and oauth_bot.runtime.backlog == 0


def test_requests_after_the_install_look_the_installation_up_once(oauth_bot, slack):
    """Bolt authorizes every request: the workspace's bot is read from the database (on the event loop)
    and described by auth.test once, then served from memory."""
    page = get(oauth_bot.url + "/slack/install")
    state = re.search(r"state=([\w-]+)", page.body).group(1)
    done = get(f"{oauth_bot.url}/slack/oauth_redirect?code=c&state={state}", page.headers["set-cookie"].split(";")[0])
    assert done.status == 200, done.body
    slack.clear()
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    engine = oauth_bot.runtime.store.engine
    sqlalchemy.event.listen(engine, "before_cursor_execute", record)
    try:
        for i in range(3):
            body = mention_from(TEAM, f"1700000800.00010{i}", f"EvCached{i}")
            assert post(oauth_bot.events_url, body, "application/json").status == 200
        answers = slack.wait_for("chat.postMessage", count=3)
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", record)
    assert {answer.token for answer in answers} == {TEAM_TOKEN}
    assert len([s for s in statements if "slack_bots" in s or "slack_installations" in s]) == 1
    assert len(slack.recorded("auth.test")) == 1
