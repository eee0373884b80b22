"""Shared fixtures: the shipped knowledge base, loaded once, and a matcher over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.loader import DEFAULT_DIR, Knowledge, load_knowledge
from bot.matching.matcher import Matcher

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(DEFAULT_DIR)


@pytest.fixture(scope="session")
def matcher(knowledge: Knowledge) -> Matcher:
    return Matcher(knowledge)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge directory, for tests that break it."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    return target
