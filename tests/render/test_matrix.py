"""The responsibility matrix: duties x services, owner per cell, sources per row, in md, csv and json."""

from __future__ import annotations

import csv
import io

from bot.render.matrix import build_matrix, to_csv, to_dict, to_markdown


def test_rows_are_the_duties_any_service_covers_with_owner_and_source(knowledge):
    services = [knowledge.services[key] for key in ("s3", "rds", "lambda")]
    matrix = build_matrix(knowledge, services)
    topics = {row.topic: row for row in matrix.rows}
    covered = {item.topic for service in services for item in service.responsibilities}
    assert set(topics) == covered
    engine = topics["engine_patching"]
    assert [cell.owner if cell else None for cell in engine.cells] == [None, "AWS", None]
    rds_item = next(i for i in knowledge.services["rds"].responsibilities if i.topic == "engine_patching")
    assert engine.sources == (rds_item.sources[0],)


def test_markdown_csv_and_json_agree(knowledge):
    services = [knowledge.services[key] for key in ("s3", "rds")]
    matrix = build_matrix(knowledge, services)
    md = to_markdown(matrix).splitlines()
    assert md[0] == "| Duty | Amazon S3 | Amazon RDS | Sources |" and len(md) == len(matrix.rows) + 2
    rows = list(csv.DictReader(io.StringIO(to_csv(matrix))))
    data = to_dict(matrix)
    assert len(rows) == len(data["rows"]) == len(matrix.rows)
    for row, entry in zip(rows, data["rows"], strict=True):
        for key in ("s3", "rds"):
            cell = entry["cells"][key]
            assert row[key] == (cell["owner"] if cell else "-")
            assert row[f"{key} source"] == (cell["sources"][0] if cell else "")
        assert f"| {entry['duty']} |" in "\n".join(md)


def test_every_service_row_has_a_source_for_each_covered_cell(knowledge):
    matrix = build_matrix(knowledge, sorted(knowledge.services.values(), key=lambda s: s.key))
    for row in matrix.rows:
        assert len(row.sources) == sum(cell is not None for cell in row.cells), row.topic
