"""The responsibility matrix: duties x services, the owner in each cell and its source, for audits and
onboarding docs (srm matrix, /srm matrix). Pure functions, no Slack client."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Responsibility, Service

FORMATS = ("md", "csv", "json")
NOT_COVERED = "-"


@dataclass(frozen=True)
class MatrixRow:
    topic: str
    duty: str
    cells: tuple[Responsibility | None, ...]  # one per service, None where the service has no such item

    @property
    def sources(self) -> tuple[str, ...]:
        """One source per covered cell (its item's first), in service order."""
        return tuple(cell.sources[0] for cell in self.cells if cell is not None and cell.sources)


@dataclass(frozen=True)
class Matrix:
    services: tuple[Service, ...]
    rows: tuple[MatrixRow, ...]


def build_matrix(knowledge: Knowledge, services: list[Service]) -> Matrix:
    """Every duty any of `services` has an item for, in the knowledge base's topic order."""
    by_service = [{item.topic: item for item in service.responsibilities} for service in services]
    topics = [topic for topic in knowledge.topics if any(topic in items for items in by_service)]
    rows = tuple(
        MatrixRow(topic, knowledge.topics[topic].label, tuple(items.get(topic) for items in by_service))
        for topic in topics
    )
    return Matrix(tuple(services), rows)


def _owner(cell: Responsibility | None) -> str:
    return cell.owner if cell is not None else NOT_COVERED


def to_markdown(matrix: Matrix) -> str:
    def row(values: list[str]) -> str:
        return "| " + " | ".join(value.replace("|", "\\|") for value in values) + " |"

    lines = [
        row(["Duty", *(s.name for s in matrix.services), "Sources"]),
        row(["---"] * (len(matrix.services) + 2)),
    ]
    for line in matrix.rows:
        sources = " ".join(f"<{url}>" for url in dict.fromkeys(line.sources))
        lines.append(row([line.duty, *(_owner(cell) for cell in line.cells), sources]))
    return "\n".join(lines)


def to_csv(matrix: Matrix) -> str:
    """One row per duty: the owner per service, then the source per service (spreadsheet-friendly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = [s.key for s in matrix.services]
    writer.writerow(["topic", "duty", *keys, *(f"{key} source" for key in keys)])
    for line in matrix.rows:
        sources = [cell.sources[0] if cell is not None and cell.sources else "" for cell in line.cells]
        writer.writerow([line.topic, line.duty, *(_owner(cell) for cell in line.cells), *sources])
    return out.getvalue().rstrip("\n")


def to_dict(matrix: Matrix) -> dict[str, Any]:
    return {
        "services": [{"key": s.key, "name": s.name, "model": s.model} for s in matrix.services],
        "rows": [
            {
                "topic": line.topic,
                "duty": line.duty,
                "cells": {
                    service.key: (
                        {"owner": cell.owner, "category": cell.category, "sources": list(cell.sources)}
                        if cell is not None
                        else None
                    )
                    for service, cell in zip(matrix.services, line.cells, strict=True)
                },
            }
            for line in matrix.rows
        ],
    }
