"""Turning a raw chat message into words the matcher can look up."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

MAX_QUESTION_CHARS = 1000

_STEMMER = Stemmer.Stemmer("english")  # PyStemmer: the Snowball English stemmer, in C
# Slack wraps mentions, channels and links in angle brackets: <@U123>, <#C1|general>, <https://x|label>.
_SLACK_LABELLED = re.compile(r"<[^<>|]*\|([^<>]*)>")
_SLACK_MARKUP = re.compile(r"<[^<>]*>")
_CODE_FENCE = re.compile(r"```.*?```", re.DOTALL)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def clean_question(text: str) -> tuple[str, bool]:
    """Drop control characters and cap the length; report whether the text was cut."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUESTION_CHARS:
        return text[:MAX_QUESTION_CHARS], True
    return text, False


def words(text: str) -> list[str]:
    """Lower-case ASCII words of a message, with Slack markup and code blocks removed."""
    text = _CODE_FENCE.sub(" ", text)
    text = _SLACK_LABELLED.sub(r" \1 ", text)
    text = _SLACK_MARKUP.sub(" ", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", text.lower()).split()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def compact(text: str) -> str:
    """The form aliases are compared in: lower-case letters and digits only."""
    return "".join(words(text))
