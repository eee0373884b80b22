"""deploy/: the Lambda template passes cfn-lint and the Kubernetes manifests pass schema validation,
and both agree with the code (handler, health endpoint, secret and overlay wiring)."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from bot.knowledge.loader import load_knowledge
from tests.conftest import KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parents[1]
LAMBDA = ROOT / "deploy" / "lambda"
KUBERNETES = ROOT / "deploy" / "kubernetes"
CFN_LINT = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or shutil.which("cfn-lint")
MANIFESTS = sorted(p for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")


def kube(name: str) -> dict:
    return yaml.safe_load((KUBERNETES / name).read_text())


def test_lambda_template_passes_cfn_lint():
    assert CFN_LINT, "cfn-lint is part of the test extras"
    result = subprocess.run([CFN_LINT, str(LAMBDA / "template.yaml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lambda_image_runs_the_handler_and_may_invoke_itself():
    command = re.search(r'^CMD \["([\w.]+)"\]', (LAMBDA / "Dockerfile").read_text(), flags=re.MULTILINE)
    module, _, function = command.group(1).rpartition(".")
    assert callable(getattr(importlib.import_module(module), function))
    template = (LAMBDA / "template.yaml").read_text()
    assert "Action: lambda:InvokeFunction" in template and ":function:${FunctionName}" in template
    assert "Dockerfile: deploy/lambda/Dockerfile" in template


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_kubernetes_manifest_is_valid(path: Path):
    kubernetes_validate.validate(yaml.safe_load(path.read_text()), kubernetes_validate.latest_version(), strict=True)


def test_kustomization_lists_existing_manifests():
    resources = kube("kustomization.yaml")["resources"]
    assert all((KUBERNETES / name).exists() for name in resources)
    assert "secret.example.yaml" not in resources  # secrets come from the operator, not the repository


def test_deployment_runs_http_mode_with_replicas_probes_and_resources():
    deployment = kube("deployment.yaml")
    spec = deployment["spec"]
    [container] = spec["template"]["spec"]["containers"]
    assert spec["replicas"] >= 2 and container["args"] == ["srm", "serve", "--http"]
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["ports"] == [{"name": "http", "containerPort": 3000}]
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys() and container["resources"]["limits"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_deployment_wires_the_secret_and_the_overlay(tmp_path):
    pod = kube("deployment.yaml")["spec"]["template"]["spec"]
    [container] = pod["containers"]
    secret = kube("secret.example.yaml")
    assert container["envFrom"] == [{"secretRef": {"name": secret["metadata"]["name"]}}]
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SRM_DATABASE_URL"} <= secret["stringData"].keys()
    overlay_path = Path(next(e["value"] for e in container["env"] if e["name"] == "SRM_OVERLAY"))
    mount = next(m for m in container["volumeMounts"] if Path(m["mountPath"]) == overlay_path.parent)
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    configmap = kube("configmap.yaml")
    assert volume["configMap"]["name"] == configmap["metadata"]["name"]
    overlay = tmp_path / overlay_path.name
    overlay.write_text(configmap["data"][overlay_path.name])
    assert load_knowledge(KNOWLEDGE_DIR, overlay).overlay is not None  # the shipped overlay is valid


def test_service_and_budget_select_the_pods():
    labels = kube("deployment.yaml")["spec"]["template"]["metadata"]["labels"]
    assert kube("service.yaml")["spec"]["selector"].items() <= labels.items()
    assert kube("poddisruptionbudget.yaml")["spec"]["selector"]["matchLabels"].items() <= labels.items()
