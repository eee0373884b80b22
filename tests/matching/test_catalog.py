"""Services known by name only (knowledge/catalog.yaml): named, said to be uncurated, never another's card."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from bot.knowledge.loader import load_knowledge
from bot.matching.matcher import Matcher
from bot.render.blocks import build_answer_blocks
from bot.render.summaries import answer_to_dict
from bot.render.text import render_answer

ROOT = Path(__file__).resolve().parents[2]

# 20 AWS services that knowledge/services/ does not curate, asked as people ask. The owner is the general
# rule of the layer the question names under the service's model, or None where no rule applies: an
# unknown model (GameLift), or a duty no layer settles (patching in general, encryption). Outposts and the
# Snow family, whose hardware the customer holds, are curated (knowledge/services/) since 2026-12-04.
UNCURATED = [
    ("who patches the guest os behind amazon polly", "polly", "AWS"),
    ("who is responsible for our data in amazon rekognition", "rekognition", "Customer"),
    ("who manages iam permissions for amazon textract", "textract", "Customer"),
    ("amazon comprehend encryption", "comprehend", None),
    ("who secures the data centers for amazon translate", "translate", "AWS"),
    ("who patches amazon kendra", "kendra", None),
    ("who writes the security group rules for aws ground station", "groundstation", "Customer"),
    ("who owns the permissions of our amazon lex bots", "lexv2_models", "Customer"),
    ("who patches the hypervisor for amazon pinpoint", "pinpoint", "AWS"),
    ("who runs the host os of aws elemental mediaconvert", "mediaconvert", "AWS"),
    ("amazon location service who owns our data", "location", "Customer"),
    ("who patches the operating system of amazon braket", "braket", "AWS"),
    ("aws device farm physical security", "devicefarm", "AWS"),
    ("who patches amazon kinesis video streams", "kinesisvideo", None),
    ("is aws cloud map encrypted", "servicediscovery", None),
    ("amazon workmail who manages user passwords and mfa", "workmail", "Customer"),
    ("who patches aws app mesh", "appmesh", None),
    ("amazon gamelift guest os patching", "gamelift", None),
    ("who secures the data centers behind amazon personalize", "personalize", "AWS"),
    ("who patches aws iot sitewise", "iotsitewise", None),
]


@pytest.mark.parametrize(("question", "key", "owner"), UNCURATED, ids=[k for _q, k, _o in UNCURATED])
def test_uncurated_service_is_named_and_never_another_card(matcher, question, key, owner):
    answer = matcher.match(question)
    assert (answer.kind, answer.service, answer.owner) == ("uncurated", key, owner)
    assert key not in matcher.knowledge.services
    assert answer.item is None  # no curated item of any service
    entry = matcher.knowledge.catalog[key]
    assert answer.sources[0] == entry.security_docs
    assert "not curated yet" in (answer.message or "")
    if owner:
        assert answer.basis == "layer" and "general rule" in answer.message


def test_words_of_the_name_name_no_layer(matcher):
    """'certificate' in 'AWS Certificate Manager' is not AWS's certifications (an all-AWS layer)."""
    answer = matcher.match("who renews certificates in aws certificate manager")
    assert answer.service == "acm" and answer.basis != "layer" and answer.topic != "compliance"


def test_a_coined_short_name_stands_alone_and_a_device_is_not_aws_data_centre(matcher):
    answer = matcher.match("who is responsible for physical security of snowball devices")
    assert (answer.kind, answer.service, answer.owner) == ("item", "snow_family", "Customer")
    assert matcher.match("who patches quicksight").service == "quicksight"  # "QuickSight" is no English word


def test_the_issue_regressions_are_not_answered_from_s3_or_iam(matcher):
    """'amazon mq' was one typo from 'amazon s3'; 'iam identity center' contains 'iam'."""
    assert matcher.match("amazon mq broker patching").service not in ("s3", None)
    assert matcher.match("who patches amazon mq").service != "s3"
    assert matcher.match("iam identity center mfa").service not in ("iam", None)


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("who patches the guest os on ec2", "ec2"),  # curated services are unchanged
        ("who patches ec2 auto scaling groups", "ec2"),  # an API that is part of a curated service
        ("who patches ecs tasks registered in cloud map", "ecs"),  # a bare name yields to a curated one
        ("who owns the aws account root user", None),  # "AWS account" is speech, not the Account API
        ("do we need aws artifact reports for auditors", None),  # a layer's own phrase stays the layer's
        ("does trusted advisor check s3 buckets", "s3"),  # "TrustedAdvisor" stands alone only as one word
    ],
)
def test_curated_and_plain_words_are_not_taken_for_the_catalog(matcher, question, key):
    answer = matcher.match(question)
    assert answer.kind != "uncurated"
    assert answer.service == key


def test_catalog_entry_named_like_a_curated_service_defers_to_it(knowledge):
    """CloudWatch Logs is part of the curated CloudWatch; Step Functions' botocore name is SFN."""
    for deferred in ("cloudwatch", "stepfunctions", "s3", "ssm", "wafv2", "mq", "sso"):
        assert deferred not in knowledge.catalog  # Amazon MQ and IAM Identity Center are curated too
    assert "kendra" in knowledge.catalog and "polly" in knowledge.catalog


def test_general_rule_is_marked_in_every_renderer(matcher, knowledge):
    answer = matcher.match("who patches the guest os behind amazon polly")
    text = render_answer(knowledge, answer)
    assert text.startswith("Amazon Polly: not curated yet") and "Owner: AWS (general rule)" in text
    blocks = json.dumps(build_answer_blocks(knowledge, answer))
    assert "not curated yet" in blocks and "(general rule)" in blocks and "polly/latest/dg/security.html" in blocks
    data = answer_to_dict(knowledge, answer)
    assert (data["service"], data["curated"], data["owner"], data["basis"]) == ("polly", False, "AWS", "layer")


def test_user_text_is_escaped_in_the_uncurated_reply(matcher, knowledge):
    answer = matcher.match("<!channel> who patches amazon kendra")
    shown = [b for b in build_answer_blocks(knowledge, answer) if b.get("type") != "actions"]  # buttons carry data
    assert "<!channel>" not in json.dumps(shown)


def test_cli_json_contract_for_an_uncurated_service(srm):
    result = srm("ask", "--json", "who patches the guest os behind amazon polly")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["kind"], answer["service"], answer["curated"]) == ("uncurated", "polly", False)
    assert (answer["owner"], answer["category"], answer["basis"]) == ("AWS", "Shared", "layer")
    assert answer["sources"][0] == "https://docs.aws.amazon.com/polly/latest/dg/security.html"
    no_rule = json.loads(srm("ask", "--json", "who patches amazon kendra").stdout)
    assert (no_rule["service"], no_rule["owner"], no_rule["category"], no_rule["curated"]) == (
        "kendra",
        None,
        None,
        False,
    )
    curated = json.loads(srm("ask", "--json", "who patches rds").stdout)
    assert curated["curated"] is True
    assert json.loads(srm("ask", "--json", "hello").stdout)["curated"] is None


def test_cli_readable_answer_for_an_uncurated_service(srm):
    result = srm("ask", "amazon kendra index patching")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Amazon Kendra: not curated yet")
    assert "https://docs.aws.amazon.com/kendra/latest/dg/security.html" in result.stdout


def test_cli_service_summary_of_an_uncurated_service_says_so(srm):
    result = srm("service", "kendra")
    assert result.returncode == 2 and not result.stdout
    assert result.stderr.strip() == (
        "srm: Amazon Kendra (kendra) is not curated yet; security documentation: "
        "https://docs.aws.amazon.com/kendra/latest/dg/security.html"
    )


def test_catalog_errors_name_file_line_field(knowledge_copy, srm):
    path = knowledge_copy / "catalog.yaml"
    path.write_text(path.read_text().replace("model: container", "model: containr", 1))
    result = srm("validate", str(knowledge_copy))
    assert result.returncode == 1
    [line] = [ln for ln in result.stdout.splitlines() if "catalog.yaml" in ln]
    assert ".model: 'containr' is not one of" in line and line.startswith("knowledge/catalog.yaml:")
    line_no = int(line.split(":")[1])
    assert "containr" in path.read_text().splitlines()[line_no - 1]


def test_knowledge_without_a_catalog_still_loads(knowledge_copy):
    (knowledge_copy / "catalog.yaml").unlink()
    assert Matcher(load_knowledge(knowledge_copy)).match("amazon mq broker patching").kind != "uncurated"


def test_generated_catalog_carries_every_override():
    """catalog.yaml is regenerated after the overrides change (scripts/gen_catalog.py)."""
    overrides = yaml.safe_load((ROOT / "knowledge" / "catalog.overrides.yaml").read_text())["products"]
    services = yaml.safe_load((ROOT / "knowledge" / "catalog.yaml").read_text())["services"]
    by_api = {api: key for key, entry in services.items() for api in entry["apis"]}
    for api, extra in overrides.items():
        entry = services[by_api[api]]
        for name in extra.get("names", []):
            assert name in entry["names"] or any(name in e["names"] for e in services.values()), (api, name)
        if entry["apis"][0] == api:
            for field in ("model", "security_docs", "part_of", "on_premises", "ordinary_word"):
                assert entry.get(field) == extra.get(field), (api, field)
            assert set(extra.get("abbreviations", [])) <= set(entry.get("abbreviations", [])), api


def test_generator_groups_apis_into_products():
    """scripts/gen_catalog.py on a few botocore-shaped descriptions (botocore is not needed for this)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        gen = pytest.importorskip("gen_catalog")
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    meta = {
        "kinesis": {"serviceId": "Kinesis", "serviceFullName": "Amazon Kinesis"},
        "kinesis-video-media": {"serviceId": "Kinesis Video Media", "serviceFullName": "Amazon KVS Media"},
        "kinesisvideo": {"serviceId": "Kinesis Video", "serviceFullName": "Amazon Kinesis Video Streams"},
        "mq": {"serviceId": "mq", "serviceFullName": "AmazonMQ"},
    }
    overrides = {
        "products": {"kinesisvideo": {"separate": True}, "mq": {"abbreviations": ["mq"], "model": "container"}}
    }
    built = gen.build(meta, overrides)
    assert sorted(built) == ["kinesis", "kinesisvideo", "mq"]
    assert built["kinesisvideo"]["apis"] == ["kinesisvideo", "kinesis-video-media"]
    assert built["mq"]["model"] == "container" and built["mq"]["abbreviations"] == ["mq", "AmazonMQ"]  # coined
