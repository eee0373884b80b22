"""Shared fixtures: the shipped knowledge base, loaded once, and a matcher over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.loader import Knowledge, load_knowledge
from bot.matching.matcher import Matcher
from bot.settings import Settings

DATA = Path(__file__).parent / "data"
KNOWLEDGE_DIR = Settings.from_env().knowledge_dir


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def matcher(knowledge: Knowledge) -> Matcher:
    return Matcher(knowledge)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge directory, for tests that break it."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target
