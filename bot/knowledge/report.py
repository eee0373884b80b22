"""Authoring report for a loaded knowledge base: gaps worth fixing and coverage figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.knowledge.loader import Knowledge

MIN_ITEMS = 6
AWS_HOSTS = ("docs.aws.amazon.com", "aws.amazon.com", "anywhere.eks.amazonaws.com")  # the last: EKS Anywhere's own docs


@dataclass(frozen=True)
class Coverage:
    services: int
    items: int
    sourced_percent: float
    aws_sourced_percent: float
    customer_side_items: int
    verified_percent: float
    concepts: int

    def __str__(self) -> str:
        return (
            f"coverage: {self.services} services, {self.items} items, {self.concepts} model-wide entries; "
            f"{self.sourced_percent:.0f}% of items sourced, {self.aws_sourced_percent:.0f}% from AWS documentation; "
            f"{self.verified_percent:.0f}% of {self.customer_side_items} customer-side items have a 'verify with' check"
        )


def _is_aws(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in AWS_HOSTS)


def authoring_warnings(knowledge: Knowledge) -> list[str]:
    warnings: list[str] = []
    used_tools: set[str] = set()
    for key, service in sorted(knowledge.services.items()):
        file = f"knowledge/services/{key}.yaml"
        if len(service.responsibilities) < MIN_ITEMS:
            warnings.append(f"{file}: has {len(service.responsibilities)} items; aim for at least {MIN_ITEMS}")
        for i, item in enumerate(service.responsibilities):
            used_tools.update(item.tools)
            if not any(_is_aws(url) for url in item.sources):
                warnings.append(f"{file}: responsibilities.{i}: no AWS documentation source")
        for misconfig in service.misconfigurations:
            used_tools.update(misconfig.tools)
    for concept in knowledge.concepts.values():
        used_tools.update(concept.tools)
    current = {key for key, tool in knowledge.tools.items() if tool.status == "current"}
    warnings += [f"knowledge/tools.yaml: tool {key!r} is never used" for key in sorted(current - used_tools)]
    return warnings


def stale_files(knowledge: Knowledge, days: int, today: datetime.date) -> list[str]:
    """Service files last reviewed against AWS's pages more than `days` ago, oldest first."""
    cutoff = today - datetime.timedelta(days=days)
    old = sorted((s.reviewed, key) for key, s in knowledge.services.items() if s.reviewed < cutoff)
    return [
        f"knowledge/services/{key}.yaml: reviewed {reviewed.isoformat()}, {(today - reviewed).days} days ago"
        for reviewed, key in old
    ]


def coverage(knowledge: Knowledge) -> Coverage:
    items = [item for service in knowledge.services.values() for item in service.responsibilities]
    customer_side = [item for item in items if item.owner != "AWS"]

    def percent(part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 100.0

    return Coverage(
        services=len(knowledge.services),
        items=len(items),
        sourced_percent=percent(sum(1 for i in items if i.sources), len(items)),
        aws_sourced_percent=percent(sum(1 for i in items if any(_is_aws(u) for u in i.sources)), len(items)),
        customer_side_items=len(customer_side),
        verified_percent=percent(sum(1 for i in customer_side if i.verify), len(customer_side)),
        concepts=len(knowledge.concepts),
    )
