"""Turning a raw chat message into words the matcher can look up: cleaning and stemming (the words
themselves come from bot.knowledge.text, shared with the loader)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import Stemmer

MAX_QUESTION_CHARS = 1000

_STEMMER = Stemmer.Stemmer("english")  # PyStemmer: the Snowball English stemmer, in C


def clean_question(text: str) -> tuple[str, bool]:
    """Drop control characters and cap the length; report whether the text was cut."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUESTION_CHARS:
        return text[:MAX_QUESTION_CHARS], True
    return text, False


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def has_phrase(sequence: Sequence[str], phrase: tuple[str, ...]) -> bool:
    """Whether `phrase` stands in `sequence` as consecutive words."""
    size = len(phrase)
    return any(tuple(sequence[i : i + size]) == phrase for i in range(len(sequence) - size + 1))
