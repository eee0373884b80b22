"""Edge, hybrid and operations services: each answers with the owner AWS's pages give, including the
services where the usual rule turns over (the hardware is on your premises, or is your own)."""

from __future__ import annotations

import pytest

from tests.knowledge.cards import check_owner_from_card

CASES = [
    # question, service, topic, owner
    # Outposts and Snow: AWS's hardware on your site - its physical security and custody are yours.
    ("who is responsible for physical security of an outpost rack", "outposts", "physical_security", "Customer"),
    ("who guards the data center for outposts", "outposts", "physical_security", "Customer"),
    ("who patches aws outposts", "outposts", "host_patching", "AWS"),
    ("who replaces failed hardware on outposts servers", "outposts", "hardware", "AWS"),
    ("who is responsible for physical security of a snowball device", "snow_family", "physical_security", "Customer"),
    ("who protects the unlock code for snowball", "snow_family", "secrets_management", "Customer"),
    # AWS provides the device software updates; installing them on the device is yours.
    ("who patches snowball edge", "snow_family", "patching", "Shared"),
    # Local Zones run in AWS's facilities: the usual rule holds.
    ("who is responsible for physical security in a local zone", "local_zones", "physical_security", "AWS"),
    # ECS Anywhere: your own servers under AWS's control plane.
    ("who patches ecs anywhere", "ecs_anywhere", "node_patching", "Customer"),
    ("who is responsible for the hardware for ecs anywhere", "ecs_anywhere", "hardware", "Customer"),
    ("who runs the control plane for ecs anywhere", "ecs_anywhere", "control_plane", "AWS"),
    ("who patches appstream 2.0", "appstream", "guest_os_patching", "Customer"),
    ("who deletes the agent access keys for aws drs", "elastic_disaster_recovery", "identity_management", "Customer"),
    ("who encrypts x-ray traces", "xray", "encryption_at_rest", "AWS"),
    ("who patches managed prometheus", "managed_prometheus", "patching", "AWS"),
    ("who manages users for amazon managed grafana", "managed_grafana", "identity_management", "Customer"),
    ("who patches aws iot core", "iot_core", "patching", "AWS"),
    ("who manages mfa for amazon connect agents", "connect", "identity_management", "Customer"),
    ("who patches cloudshell", "cloudshell", "application_patching", "Shared"),
]


@pytest.mark.parametrize(("question", "service", "topic", "owner"), CASES)
def test_owner_from_the_service_card(matcher, question, service, topic, owner):
    check_owner_from_card(matcher, question, service, topic, owner)


def test_physical_security_turns_over_only_on_your_premises(knowledge):
    """Outposts, Snow and ECS Anywhere put hardware on your site; Local Zones do not."""
    owners = {
        key: next(i.owner for i in knowledge.services[key].responsibilities if i.topic == "physical_security")
        for key in ("outposts", "snow_family", "ecs_anywhere", "local_zones")
    }
    assert owners == {
        "outposts": "Customer",
        "snow_family": "Customer",
        "ecs_anywhere": "Customer",
        "local_zones": "AWS",
    }


@pytest.mark.parametrize(
    "question",
    [
        "who patches our own prometheus on ec2",
        "who patches our own grafana on ec2",
        "who patches self-managed prometheus on ec2",
    ],
)
def test_self_hosted_tools_stay_with_the_infrastructure(matcher, question):
    """'prometheus' and 'grafana' are weak aliases, and 'self-managed X' is not 'Managed X'."""
    answer = matcher.match(question)
    assert (answer.service, answer.owner) == ("ec2", "Customer")


def test_x_ray_as_a_plain_word_needs_no_other_service(matcher):
    """'x-ray' is also a medical image: with S3 named, the question is S3's."""
    assert matcher.match("who encrypts x-ray images stored in s3").service == "s3"
    assert matcher.match("who encrypts x-ray traces").service == "xray"
