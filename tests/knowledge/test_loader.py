"""Loading and validating knowledge/: every error names file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge.loader import KnowledgeError, load_knowledge


def _problems(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return [str(p) for p in caught.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1))


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_shipped_knowledge_loads(knowledge):
    assert "ec2" in knowledge.services
    assert knowledge.concepts["physical_security"].owner == "AWS"


def test_every_item_has_a_source(knowledge):
    for service in knowledge.services.values():
        for item in service.responsibilities:
            assert item.sources, f"{service.key}:{item.topic} has no source"


def test_unknown_owner_reports_file_line_field(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    _edit(
        ec2,
        "    owner: Customer\n    category: Shared\n    aws: Patches and maintains the host OS",
        "    owner: Amazon\n    category: Shared\n    aws: Patches and maintains the host OS",
    )
    line = _line_of(ec2, "owner: Amazon")
    problems = _problems(knowledge_copy)
    expected = "'Amazon' is not one of 'AWS', 'Customer' or 'Shared'"
    assert problems == [f"knowledge/services/ec2.yaml:{line}: responsibilities.0.owner: {expected}"]


def test_unknown_tool_key(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    _edit(ec2, "tools: [ssm_patch_manager, inspector]", "tools: [ssm_patch_manager, nessus]")
    line = _line_of(ec2, "nessus")
    assert _problems(knowledge_copy) == [
        f"knowledge/services/ec2.yaml:{line}: responsibilities.0.tools.1: unknown tool key 'nessus' (see tools.yaml)"
    ]


def test_missing_source(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    text = ec2.read_text()
    start = text.index(
        "    sources:\n      - https://aws.amazon.com/compliance/shared-responsibility-model/\n  - topic: hypervisor"
    )
    ec2.write_text(
        text[:start]
        + text[start:].replace(
            "    sources:\n      - https://aws.amazon.com/compliance/shared-responsibility-model/\n", "", 1
        )
    )
    problems = _problems(knowledge_copy)
    assert len(problems) == 1
    assert re.fullmatch(r"knowledge/services/ec2\.yaml:\d+: responsibilities\.1\.sources: Field required", problems[0])


def test_source_must_be_https_url(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    _edit(
        ec2,
        "      - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/infrastructure-security.html",
        "      - see the EC2 guide",
    )
    problems = _problems(knowledge_copy)
    assert len(problems) == 1
    assert problems[0].endswith("responsibilities.2.sources.0: 'see the EC2 guide' is not an https URL")


def test_duplicate_alias_across_services(knowledge_copy):
    clone = knowledge_copy / "services" / "ec2_copy.yaml"
    text = (knowledge_copy / "services" / "ec2.yaml").read_text()
    clone.write_text(text.replace("key: ec2", "key: ec2_copy").replace("name: Amazon EC2", "name: Other compute"))
    problems = _problems(knowledge_copy)
    assert any(
        p.startswith("knowledge/services/ec2_copy.yaml:")
        and "aliases.0: alias 'ec2' is also used by service 'ec2'" in p
        for p in problems
    ), problems


def test_bad_yaml_reports_line(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    _edit(ec2, "model: infrastructure", "model: [infrastructure")
    problems = _problems(knowledge_copy)
    assert len(problems) == 1
    assert re.fullmatch(r"knowledge/services/ec2\.yaml:\d+: \(yaml\): invalid YAML: .+", problems[0])


def test_unknown_topic_and_check(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    _edit(ec2, "  - topic: host_patching", "  - topic: hostpatching")
    _edit(ec2, "verify: [ec2-imdsv2-check, EC2.8]", "verify: [ec2-imdsv2-check, EC2.999]")
    problems = _problems(knowledge_copy)
    assert any("responsibilities.1.topic: unknown topic 'hostpatching'" in p for p in problems)
    assert any("responsibilities.4.verify.1: unknown check 'EC2.999'" in p for p in problems)


def test_key_must_match_file_name(knowledge_copy):
    compute = knowledge_copy / "services" / "compute.yaml"
    (knowledge_copy / "services" / "ec2.yaml").rename(compute)
    line = _line_of(compute, "key: ec2")
    problems = _problems(knowledge_copy)
    assert problems == [f"knowledge/services/compute.yaml:{line}: key: key 'ec2' must match the file name 'compute'"]


def test_unknown_field_is_rejected(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    _edit(ec2, "model: infrastructure", "model: infrastructure\nowner: AWS")
    problems = _problems(knowledge_copy)
    assert len(problems) == 1 and problems[0].endswith("owner: Extra inputs are not permitted")


def test_all_problems_reported_at_once(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    _edit(ec2, "model: infrastructure", "model: iaas")
    _edit(knowledge_copy / "tools.yaml", "  purpose: Records resource configurations", "  purpose: ''\n  x: Records")
    problems = _problems(knowledge_copy)
    assert any(p.startswith("knowledge/services/ec2.yaml:") and ".model:" not in p and "model:" in p for p in problems)
    assert any(p.startswith("knowledge/tools.yaml:") and "config.purpose" in p for p in problems)


def test_missing_directory():
    problems = _problems(Path("/nonexistent/knowledge"))
    assert problems == ["/nonexistent/knowledge:1: (directory): knowledge directory not found"]


def test_overlay_schema_error_names_file_line_field(knowledge_copy):
    (knowledge_copy / "overlay.yaml").write_text(
        "teams:\n  platform:\n    name: Platform\n    channel: team-platform\nowners:\n  - {team: platform}\n"
    )
    assert _problems(knowledge_copy) == [
        "knowledge/overlay.yaml:4: teams.platform.channel: String should match pattern '^#[a-z0-9][a-z0-9._-]*$'"
    ]


def test_overlay_unknown_team_service_and_topic(knowledge_copy):
    (knowledge_copy / "overlay.yaml").write_text(
        "teams:\n  platform:\n    name: Platform\n"
        "owners:\n  - {service: ec99, team: platform}\n  - {topic: pathcing, team: nobody}\n"
    )
    assert _problems(knowledge_copy) == [
        "knowledge/overlay.yaml:5: owners.0.service: unknown service 'ec99'",
        "knowledge/overlay.yaml:6: owners.1.team: unknown team 'nobody' (see teams)",
        "knowledge/overlay.yaml:6: owners.1.topic: unknown topic 'pathcing'",
    ]


def _replace_customer_text(path: Path, text: str) -> None:
    """Replace the first item's (possibly folded, multi-line) customer text."""
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("    customer: "))
    end = start + 1
    while lines[end].startswith("      "):
        end += 1
    path.write_text("".join([*lines[:start], f"    customer: {text}\n", *lines[end:]]))


def test_owner_that_disagrees_with_its_texts_fails_with_file_line_field(knowledge_copy):
    """Class 7: an item owned by AWS whose 'You do' makes you act is a broken file, not an answer."""
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    _edit(
        ec2,
        "    owner: Customer\n    category: Shared\n    aws: Patches and maintains the host OS",
        "    owner: AWS\n    category: Shared\n    aws: Patches and maintains the host OS",
    )
    _replace_customer_text(ec2, "You must start each guest OS upgrade yourself.")
    customer_line = _line_of(ec2, "    customer: You must")
    problems = _problems(knowledge_copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"knowledge/services/ec2.yaml:{customer_line}: responsibilities.0.customer: ")
    assert "owner is AWS" in problems[0]


def test_shared_category_with_nothing_for_you_fails(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    _replace_customer_text(ec2, "Nothing to do.")
    problems = _problems(knowledge_copy)
    assert any("owner is Customer but 'customer' gives you nothing to do" in p for p in problems), problems
    assert any("category is Shared but 'customer' gives you nothing to do" in p for p in problems), problems


def test_layer_table_names_an_unknown_topic(knowledge_copy):
    layers = knowledge_copy / "layers.yaml"
    _edit(layers, "    topic: hypervisor\n", "    topic: hypervisors\n")
    line = _line_of(layers, "topic: hypervisors")
    assert _problems(knowledge_copy) == [
        f"knowledge/layers.yaml:{line}: layers.virtualization.topic: unknown topic 'hypervisors' (see topics.yaml)"
    ]


def test_home_tour_names_an_unknown_concept(knowledge_copy):
    model = knowledge_copy / "model.yaml"
    _edit(
        model,
        "home_tour: [shared_responsibility_model, landlord_tenant,",
        "home_tour: [shared_responsibility_model, landlords,",
    )
    line = _line_of(model, "landlords")
    assert _problems(knowledge_copy) == [
        f"knowledge/model.yaml:{line}: home_tour.1: unknown concept 'landlords' (see concepts)"
    ]


def test_service_model_labels_are_required(knowledge_copy):
    model = knowledge_copy / "model.yaml"
    _edit(model, "    title: Container services\n", "")
    line = _line_of(model, "label: Container service")  # the mapping that lacks it
    assert _problems(knowledge_copy) == [f"knowledge/model.yaml:{line}: service_models.container.title: Field required"]


def test_service_model_labels_and_home_tour_come_from_knowledge(knowledge):
    assert knowledge.service_models.of("container").title == "Container services"
    assert [c.topic for c in knowledge.home_tour][:2] == ["shared_responsibility_model", "landlord_tenant"]


def test_a_bad_entry_of_a_keyed_file_is_named_by_its_key(knowledge_copy):
    topics = knowledge_copy / "topics.yaml"
    _edit(topics, "  label: Guest OS patching", "  label: '  '")
    line = _line_of(topics, "label: '  '")
    # (every reference to a topic fails as well while topics.yaml cannot be read)
    assert f"knowledge/topics.yaml:{line}: guest_os_patching.label: must not be blank" in _problems(knowledge_copy)


def test_a_key_that_breaks_the_naming_rule_is_named(knowledge_copy):
    layers = knowledge_copy / "layers.yaml"
    _edit(layers, "  shared_controls:", "  Shared-Controls:")
    line = _line_of(layers, "Shared-Controls:") + 1  # an entry's problems point at its first line inside
    expected = "layers.Shared-Controls: String should match pattern '^[a-z][a-z0-9_]*$'"
    assert _problems(knowledge_copy) == [f"knowledge/layers.yaml:{line}: {expected}"]


def test_an_empty_source_list_is_named(knowledge_copy):
    ec2 = knowledge_copy / "services" / "ec2.yaml"
    text = ec2.read_text()
    start = text.index("    sources:\n")
    end = text.index("\n", text.index("\n", start + len("    sources:\n")) + 1)
    ec2.write_text(text[:start] + "    sources: []" + text[end:])
    line = _line_of(ec2, "sources: []")
    assert _problems(knowledge_copy) == [
        f"knowledge/services/ec2.yaml:{line}: responsibilities.0.sources: must not be empty"
    ]


def test_acts_on_names_another_curated_service(knowledge_copy):
    _edit(knowledge_copy / "services" / "macie.yaml", "acts_on: [s3]", "acts_on: [s3, nosuchservice, macie]")
    problems = _problems(knowledge_copy)
    assert any(p.endswith("acts_on.1: 'nosuchservice' is not another curated service") for p in problems), problems
    assert any(p.endswith("acts_on.2: 'macie' is not another curated service") for p in problems), problems
