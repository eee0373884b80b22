"""Identity, certificate, governance and network services: each is recognised by its own names and
answers with the owner AWS's pages give, including where the usual rule turns over."""

from __future__ import annotations

import pytest

from tests.knowledge.cards import check_owner_from_card

CASES = [
    # question, service, topic, owner
    ("who patches IAM Identity Center", "iam_identity_center", "patching", "AWS"),
    ("who manages MFA in aws sso", "iam_identity_center", "identity_management", "Customer"),
    ("who renews acm certificates", "acm", "encryption_in_transit", "Shared"),
    ("who protects the private key of an acm certificate", "acm", "key_management", "AWS"),
    ("who patches AWS Managed Microsoft AD", "directory_service", "patching", "AWS"),
    ("who enables ldaps on directory service", "directory_service", "encryption_in_transit", "Customer"),
    # AWS's guide gives landing zone updates, which are how Control Tower is patched, to your administrators.
    ("who patches control tower", "control_tower", "patching", "Customer"),
    ("who fixes drift in control tower", "control_tower", "configuration_management", "Customer"),
    ("who configures the firewall rules in firewall manager", "firewall_manager", "network_security", "Customer"),
    ("who patches detective", "detective", "patching", "AWS"),
    ("who protects global accelerator from ddos", "global_accelerator", "ddos_protection", "AWS"),
    # AWS updates its tunnel endpoints; the customer gateway device on your side is yours.
    ("who patches site-to-site vpn", "site_to_site_vpn", "patching", "Shared"),
    ("who turns on connection logging for client vpn", "client_vpn", "logging_monitoring", "Customer"),
    ("who keeps secrets out of cloudformation templates", "cloudformation", "secrets_management", "Customer"),
    ("who decides retention in amazon security lake", "security_lake", "customer_data", "Customer"),
    ("who encrypts audit manager evidence", "audit_manager", "encryption_at_rest", "AWS"),
    ("who writes the access policies for aws verified access", "verified_access", "access_control", "Customer"),
]


@pytest.mark.parametrize(("question", "service", "topic", "owner"), CASES)
def test_owner_from_the_service_card(matcher, question, service, topic, owner):
    check_owner_from_card(matcher, question, service, topic, owner)


@pytest.mark.parametrize("question", ["who manages mfa for iam users", "who rotates iam access keys"])
def test_iam_questions_stay_with_iam(matcher, question):
    assert matcher.match(question).service == "iam"


def test_detective_as_a_plain_word_needs_no_other_service(matcher):
    """'detective' is a weak alias: it names the service only when no other service is named."""
    assert matcher.match("who patches guardduty and detective").service == "guardduty"
