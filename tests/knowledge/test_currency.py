"""Knowledge stays current: no retired tool or check is recommended, and files say when they were reviewed."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.report import stale_files

END_OF_SUPPORT = "https://docs.aws.amazon.com/codeguru/latest/security-ug/end-of-support.html"


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _problems(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(directory)
    return [str(p) for p in raised.value.problems]


def test_no_shipped_answer_recommends_a_retired_tool_or_check(knowledge):
    retired_tools = {key for key, tool in knowledge.tools.items() if tool.status == "retired"}
    retired_checks = {key for key, check in knowledge.checks.items() if check.status == "retired"}
    assert "codeguru_security" in retired_tools  # discontinued by AWS on 2025-11-20
    assert knowledge.tools["codeguru_security"].retired.source == END_OF_SUPPORT
    recommended = [
        *(t for s in knowledge.services.values() for i in (*s.responsibilities, *s.misconfigurations) for t in i.tools),
        *(t for c in knowledge.concepts.values() for t in c.tools),
        *(t for layer in knowledge.layers.values() for t in layer.tools),
    ]
    verified = [
        c for s in knowledge.services.values() for i in (*s.responsibilities, *s.misconfigurations) for c in i.verify
    ]
    assert not retired_tools & set(recommended)
    assert not retired_checks & set(verified)


def test_secure_coding_answers_recommend_the_current_scanner(matcher):
    for question in ("who secures our lambda function code", "who scans our application code for vulnerabilities"):
        answer = matcher.match(question)
        assert "codeguru_security" not in answer.tools, question
    assert "inspector_code_security" in matcher.match("who secures our lambda function code").tools


def test_a_retired_tool_still_recommended_fails_with_file_line_field(knowledge_copy, srm):
    lambda_file = knowledge_copy / "services" / "lambda.yaml"
    text = lambda_file.read_text()
    lambda_file.write_text(text.replace("inspector_code_security]", "codeguru_security]", 1))
    line = _line_of(lambda_file, "codeguru_security]")
    [problem] = _problems(knowledge_copy)
    assert problem.startswith(f"knowledge/services/lambda.yaml:{line}: responsibilities.")
    assert f"tool 'codeguru_security' was retired on 2025-11-20 ({END_OF_SUPPORT})" in problem
    result = srm("validate", str(knowledge_copy))
    assert result.returncode == 1 and "codeguru_security" in result.stdout


def test_a_retired_check_still_used_fails(knowledge_copy):
    checks = knowledge_copy / "checks" / "s3.yaml"
    text = checks.read_text()
    check_id = next(line for line in text.splitlines() if not line.startswith("#")).rstrip(":")
    checks.write_text(
        text.replace(
            f"{check_id}:\n",
            f"{check_id}:\n  status: retired\n  retired: {{date: 2026-01-01, source: {END_OF_SUPPORT}}}\n",
            1,
        )
    )
    problems = _problems(knowledge_copy)
    assert problems and all(f"check {check_id!r} was retired on 2026-01-01" in p for p in problems)


def test_retired_needs_a_date_and_the_aws_page(knowledge_copy):
    tools = knowledge_copy / "tools.yaml"
    tools.write_text(tools.read_text().replace("    date: 2025-11-20\n    source: " + END_OF_SUPPORT + "\n", "", 1))
    line = _line_of(tools, "codeguru_security:") + 1  # the entry's first field
    [problem] = [p for p in _problems(knowledge_copy) if p.startswith("knowledge/tools.yaml")]
    assert problem.startswith(f"knowledge/tools.yaml:{line}: codeguru_security: ")
    assert "status 'retired' and a 'retired: {date, source}' go together" in problem


def test_every_service_file_says_when_it_was_reviewed(knowledge, knowledge_copy):
    assert all(isinstance(s.reviewed, datetime.date) for s in knowledge.services.values())
    s3 = knowledge_copy / "services" / "s3.yaml"
    s3.write_text(re.sub(r"^reviewed: .*\n", "", s3.read_text(), count=1, flags=re.MULTILINE))
    line = _line_of(s3, "key: s3")  # the file's mapping starts there, after its comment
    assert _problems(knowledge_copy) == [f"knowledge/services/s3.yaml:{line}: reviewed: Field required"]


def test_stale_lists_files_reviewed_longer_ago(knowledge_copy, srm):
    s3 = knowledge_copy / "services" / "s3.yaml"
    s3.write_text(re.sub(r"^reviewed: .*$", "reviewed: 2020-01-31", s3.read_text(), count=1, flags=re.MULTILINE))
    knowledge = load_knowledge(knowledge_copy)
    today = datetime.date(2026, 12, 10)
    assert stale_files(knowledge, 365, today) == ["knowledge/services/s3.yaml: reviewed 2020-01-31, 2505 days ago"]
    assert len(stale_files(knowledge, 3, today)) == len(knowledge.services)
    result = srm("validate", str(knowledge_copy), "--stale", "365")
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("stale:")] == [
        line for line in result.stdout.splitlines() if "s3.yaml: reviewed 2020-01-31" in line
    ]
    assert srm("validate", str(knowledge_copy), "--stale", "100000").returncode == 0


def test_a_check_must_cite_its_own_aws_page(knowledge_copy):
    """Every Config rule id is its page's name and every Security Hub id its page's anchor."""
    checks = knowledge_copy / "checks" / "s3.yaml"
    text = checks.read_text()
    checks.write_text(text.replace("s3-controls.html#s3-1\n", "s3-controls.html#s3-2\n", 1))
    line = _line_of(checks, "#s3-2")
    [problem] = _problems(knowledge_copy)
    assert problem.startswith(f"knowledge/checks/s3.yaml:{line}: S3.1.url: ")
    assert "is not the AWS page for 'S3.1'" in problem
