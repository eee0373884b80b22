"""Hot reload: file changes and SIGHUP load new knowledge; a broken edit is logged and the bot keeps
answering from the last good knowledge."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import time
from pathlib import Path

from bot.runtime.knowledge import watch_knowledge
from bot.runtime.state import Runtime
from tests.support.fake_slack import FakeSlack, settle
from tests.support.local_server import free_port
from tests.support.signed import BOT_TOKEN, SIGNING_SECRET, command_body, post, status

SUMMARY_LINE = "  Virtual servers."


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_file_change_reloads_and_broken_edit_keeps_last_good(knowledge_copy, caplog):
    caplog.set_level(logging.INFO)
    runtime = Runtime.load(knowledge_copy)
    results: list[bool] = []
    stop = watch_knowledge(runtime.live_knowledge, on_reload=results.append)
    try:
        time.sleep(0.3)  # let the watcher start
        ec2 = knowledge_copy / "services" / "ec2.yaml"
        edit(ec2, SUMMARY_LINE, "  Reloaded virtual servers.")
        assert settle(lambda: "Reloaded" in runtime.snapshot.knowledge.services["ec2"].summary, timeout=15)

        good = runtime.snapshot
        edit(ec2, "    owner: Customer\n    category: Shared\n    aws: Patches and maintains the host OS",
             "    owner: Amazon\n    category: Shared\n    aws: Patches and maintains the host OS")  # fmt: skip
        assert settle(lambda: False in results, timeout=15)
        assert runtime.snapshot is good
        assert runtime.snapshot.matcher.match("who patches the guest os on ec2").owner == "Customer"
        assert "knowledge/services/ec2.yaml:" in caplog.text and "responsibilities.0.owner" in caplog.text
    finally:
        stop.set()


def test_sighup_reloads_a_running_server(knowledge_copy, tmp_path, srm_executable):
    slack = FakeSlack().start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_"))}
    env |= {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url,
            "SRM_KNOWLEDGE_DIR": str(knowledge_copy),
            "SRM_DATABASE_URL": f"sqlite:///{tmp_path}/srm.sqlite3"}  # fmt: skip
    server = subprocess.Popen([srm_executable, "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stderr=subprocess.PIPE, text=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        assert settle(lambda: _healthy(url), timeout=20), "server did not start"

        def summary() -> str:
            return json.dumps(
                post(url + "/slack/events", command_body("ec2"), "application/x-www-form-urlencoded").json()
            )

        assert "Virtual servers." in summary()
        # Break the knowledge first: the server logs it and keeps serving the last good summary.
        ec2 = knowledge_copy / "services" / "ec2.yaml"
        edit(ec2, "model: infrastructure", "model: iaas")
        server.send_signal(signal.SIGHUP)
        time.sleep(2.5)
        assert "Virtual servers." in summary()
        edit(ec2, "model: iaas", "model: infrastructure")
        edit(ec2, SUMMARY_LINE, "  Summary after SIGHUP.")
        server.send_signal(signal.SIGHUP)
        assert settle(lambda: "Summary after SIGHUP." in summary(), timeout=15)
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=20)
        slack.stop()
    assert "knowledge/services/ec2.yaml:" in err and "model" in err
    assert BOT_TOKEN not in err and SIGNING_SECRET not in err


def _healthy(url: str) -> bool:
    return status(url + "/healthz") == 200
