"""Messaging, transfer, data and delivery services: each answers with the owner AWS's pages give,
including the hybrid appliances whose host is on your premises (Storage Gateway, DataSync agents)."""

from __future__ import annotations

import pytest

from tests.knowledge.cards import check_owner_from_card

CASES = [
    # question, service, topic, owner
    ("amazon mq broker patching - aws?", "amazon_mq", "engine_patching", "AWS"),
    ("who patches transfer family", "transfer_family", "patching", "AWS"),
    ("who rotates ses smtp credentials", "ses", "secrets_management", "Customer"),
    ("who patches memorydb", "memorydb", "engine_patching", "AWS"),
    ("who patches storage gateway", "storage_gateway", "patching", "AWS"),
    # the gateway appliance is AWS's to update, but on premises its host and room are yours
    ("who patches the host of storage gateway", "storage_gateway", "host_patching", "Customer"),
    ("who is responsible for physical security of storage gateway", "storage_gateway", "physical_security", "Customer"),
    ("who owns the hardware for a volume gateway", "storage_gateway", "hardware", "Customer"),
    ("who patches datasync agent", "datasync", "patching", "AWS"),
    ("who encrypts data at rest with datasync", "datasync", "encryption_at_rest", "Customer"),
    ("who restricts rows in quicksight with row level security", "quicksight", "access_control", "Customer"),
    ("is quicksight spice encrypted", "quicksight", "encryption_at_rest", "AWS"),
    ("who controls access in lake formation", "lake_formation", "access_control", "Customer"),
    ("can my dms replication instance be public", "dms", "public_access", "Customer"),
    ("is data firehose encrypted at rest", "data_firehose", "encryption_at_rest", "AWS"),
    ("who manages secrets in codepipeline", "codepipeline", "secrets_management", "Customer"),
    ("who patches codedeploy", "codedeploy", "patching", "Shared"),
    ("who patches mwaa", "mwaa", "patching", "Shared"),
    ("who patches timestream for influxdb", "timestream", "engine_patching", "AWS"),
]


@pytest.mark.parametrize(("question", "service", "topic", "owner"), CASES)
def test_owner_from_the_service_card(matcher, question, service, topic, owner):
    check_owner_from_card(matcher, question, service, topic, owner)


@pytest.mark.parametrize(
    ("question", "service"),
    [
        ("who patches rabbitmq on ec2", "ec2"),
        ("who patches my sftp server on ec2", "ec2"),
        ("who patches influxdb on ec2", "ec2"),
        ("who patches kinesis", "kinesis"),
    ],
)
def test_self_managed_look_alikes_stay_with_their_host(matcher, question, service):
    """Weak aliases (rabbitmq, sftp server, influxdb, firehose) never pull a question off the service it names."""
    assert matcher.match(question).service == service
