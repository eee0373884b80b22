"""Shared fixtures: the shipped knowledge base, loaded once, and a matcher over it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy

from bot.knowledge.loader import Knowledge, load_knowledge
from bot.matching.matcher import Matcher
from bot.settings import Settings
from tests.support import executables

DATA = Path(__file__).parent / "data"
KNOWLEDGE_DIR = Settings.from_env().knowledge_dir


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def matcher(knowledge: Knowledge) -> Matcher:
    return Matcher(knowledge)


@pytest.fixture(scope="session")
def srm_executable() -> str:
    """The `srm` command of this checkout (tests.support.executables: the one way tests find it)."""
    return executables.srm_executable()


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge directory, for tests that break it."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


# --- databases: SQLite always; PostgreSQL when .ci/run (or you) set SRM_TEST_DATABASE_URL ----------
POSTGRES_URL = os.environ.get("SRM_TEST_DATABASE_URL")
POSTGRES_REQUIRED = os.environ.get("SRM_REQUIRE_POSTGRES") == "1"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind the bot supports, as a URL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/srm.sqlite3"
    if not POSTGRES_URL:
        if POSTGRES_REQUIRED:
            pytest.fail("SRM_REQUIRE_POSTGRES=1 but SRM_TEST_DATABASE_URL is not set")
        pytest.skip("no PostgreSQL: set SRM_TEST_DATABASE_URL (.ci/run starts a server and sets it)")
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    with engine.begin() as connection:  # start empty: no tables, no schema version
        connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL


Completed = subprocess.CompletedProcess[str]
Run = Callable[..., Completed]


@pytest.fixture
def srm(srm_executable: str) -> Run:
    """Run `srm ARGS` without the caller's Slack and srm settings (plus `env`), the store in memory."""

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Completed:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_"))}
        clean["SRM_DATABASE_URL"] = "sqlite://"  # in memory: no file left behind
        command = [srm_executable, *args]
        return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60, env=clean | (env or {}))

    return run
