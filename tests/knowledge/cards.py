"""One check shared by the per-family service tests: a question gets the owner its service card gives."""

from __future__ import annotations

from bot.matching.matcher import Matcher


def check_owner_from_card(matcher: Matcher, question: str, service: str, topic: str, owner: str) -> None:
    answer = matcher.match(question)
    if owner == "Shared" and answer.status == "ambiguous":
        # a split duty whose side the question only hints at is asked back with both parts, never one owner
        assert (answer.service, answer.topic, answer.owner) == (service, topic, None)
        assert "AWS's part and yours" in answer.suggestions[0].label
        return
    assert (answer.status, answer.service, answer.topic, answer.owner) == ("answered", service, topic, owner)
    assert answer.sources
