"""Which internal team owns the customer side of a duty, from the organisation overlay."""

from __future__ import annotations

from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Team


def _topic_chain(knowledge: Knowledge, topic: str | None) -> list[str]:
    chain = []
    while topic:
        chain.append(topic)
        topic = knowledge.topics[topic].broader
    return chain


def internal_owner(knowledge: Knowledge, service: str | None, topic: str | None) -> Team | None:
    """The most specific rule wins: service and topic, then service, then topic, then the default."""
    overlay = knowledge.overlay
    if overlay is None:
        return None
    chain = _topic_chain(knowledge, topic)
    best: tuple[float, str] | None = None
    for rule in overlay.owners:
        if rule.service and rule.service != service:
            continue
        if rule.topic and rule.topic not in chain:
            continue
        # service beats topic; a closer topic (earlier in the chain) beats a broader one
        rank = (2 if rule.service else 0) + (1 + (len(chain) - chain.index(rule.topic)) / 100 if rule.topic else 0)
        if best is None or rank > best[0]:
            best = (rank, rule.team)
    return overlay.teams[best[1]] if best else None


def describe(team: Team) -> str:
    """'Platform team, #team-platform, @platform-oncall' - for text and Slack answers."""
    return ", ".join(part for part in (team.name, team.channel, team.group) if part)
