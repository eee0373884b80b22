"""Did-you-mean for service names: the services whose key, name or alias is a small typo away."""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz.distance import DamerauLevenshtein

from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Service
from bot.knowledge.text import compact


def _allowed_edits(length: int) -> int:
    """Typos tolerated for a name this long: one in 's4', two in 'dynamdb', three in longer names."""
    return 1 if length <= 4 else 2 if length <= 9 else 3


def similar_services(
    knowledge: Knowledge, name: str, aliases: Mapping[str, str] | None = None, limit: int = 3
) -> list[Service]:
    """The services nearest to `name` by typos (insert, delete, substitute or swap a character) over
    keys, names and aliases; `aliases`: more compact alias -> key pairs (the matcher's index). Edit
    distance rather than a partial-match score: 's4' must suggest s3, not every name with an 's'."""
    wanted = compact(name)
    if not wanted:
        return []
    most = _allowed_edits(len(wanted))
    names: dict[str, str] = dict(aliases or {})
    for service in knowledge.services.values():
        names.update({compact(n): service.key for n in (service.key, service.name, *service.aliases)})
    found: dict[str, int] = {}
    for candidate, key in names.items():
        distance = DamerauLevenshtein.distance(wanted, candidate, score_cutoff=most + 1)
        if distance <= most and distance < found.get(key, most + 1):
            found[key] = distance
    if not found:
        return []
    nearest = min(found.values())  # the closest tier only: 'amazon s4' -> s3, not also fsx and msk
    keys = sorted(key for key, distance in found.items() if distance == nearest)[:limit]
    return [knowledge.services[key] for key in keys if key in knowledge.services]
