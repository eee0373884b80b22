"""The installation cache over slack_sdk's real SQLAlchemy store: one read per workspace until it expires
or an installation is saved."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.slack.installations import InstallationCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def installation(token: str, team: str = "T0009") -> Installation:
    return Installation(app_id="A0001", team_id=team, user_id="U0009", bot_token=token, bot_id="B0009",
                        bot_user_id="UBOT0009", bot_scopes=["chat:write"])  # fmt: skip


def token(cache: InstallationCache, team: str = "T0009") -> str | None:
    bot = cache.find_bot(enterprise_id=None, team_id=team)
    return bot.bot_token if bot else None


@pytest.fixture
def store(tmp_path) -> Iterator[tuple[SQLAlchemyInstallationStore, list[str]]]:
    """The real store on a SQLite file, and the SELECTs it runs on its bots table."""
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path}/installations.sqlite3")
    real = SQLAlchemyInstallationStore(client_id="1111.2222", engine=engine)
    real.create_tables()
    reads: list[str] = []

    def record(_connection, _cursor, statement, *_rest) -> None:
        if statement.startswith("SELECT") and "slack_bots" in statement:
            reads.append(statement)

    sqlalchemy.event.listen(engine, "before_cursor_execute", record)
    yield real, reads
    engine.dispose()


def test_a_bot_is_read_once_until_it_expires(store):
    real, reads = store
    clock = Clock()
    cache = InstallationCache(real, seconds=60, clock=clock)
    cache.save(installation("xoxb-first"))
    reads.clear()  # saving reads too
    for _ in range(3):
        assert token(cache) == "xoxb-first"
    assert len(reads) == 1
    real.save(installation("xoxb-reinstalled"))  # another instance saves a reinstall
    reads.clear()
    clock.now += 59
    assert token(cache) == "xoxb-first"
    assert reads == []
    clock.now += 1
    assert token(cache) == "xoxb-reinstalled"
    assert len(reads) == 1


def test_saving_here_is_seen_at_once(store):
    real, _reads = store
    cache = InstallationCache(real, seconds=60, clock=Clock())
    cache.save(installation("xoxb-first"))
    assert token(cache) == "xoxb-first"
    cache.save(installation("xoxb-second"))
    assert token(cache) == "xoxb-second"


def test_a_team_that_never_installed_is_not_remembered(store):
    real, reads = store
    cache = InstallationCache(real, seconds=60, clock=Clock())
    assert token(cache, "T0404") is None
    assert len(reads) == 1
    real.save(installation("xoxb-late", team="T0404"))
    reads.clear()
    assert token(cache, "T0404") == "xoxb-late"
    assert len(reads) == 1


def test_deleting_a_workspace_forgets_its_bot(store):
    real, _reads = store
    cache = InstallationCache(real, seconds=60, clock=Clock())
    cache.save(installation("xoxb-first"))
    assert token(cache) == "xoxb-first"
    cache.delete_all(enterprise_id=None, team_id="T0009")
    assert token(cache) is None
