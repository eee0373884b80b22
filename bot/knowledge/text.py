"""Word normalisation shared by the loader (comparing service names) and matching (looking words up)."""

from __future__ import annotations

import re
import unicodedata

# Slack wraps mentions, channels and links in angle brackets: <@U123>, <#C1|general>, <https://x|label>.
_SLACK_LABELLED = re.compile(r"<[^<>|]*\|([^<>]*)>")
_SLACK_MARKUP = re.compile(r"<[^<>]*>")
_CODE_FENCE = re.compile(r"```.*?```", re.DOTALL)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-case ASCII words of a message, with Slack markup and code blocks removed."""
    text = _CODE_FENCE.sub(" ", text)
    text = _SLACK_LABELLED.sub(r" \1 ", text)
    text = _SLACK_MARKUP.sub(" ", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", text.lower()).split()


def compact(text: str) -> str:
    """The form aliases are compared in: lower-case letters and digits only."""
    return "".join(words(text))
