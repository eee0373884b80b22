"""The srm command, run as a separate process exactly as a user or another tool would."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack, settle
from tests.support.local_server import free_port
from tests.support.signed import status

JSON_KEYS = {
    "query",
    "status",
    "service",
    "topic",
    "owner",
    "category",
    "tools",
    "sources",
    "confidence",
    "suggestions",
}


def test_ask_json_contract(srm):
    result = srm("ask", "--json", "who patches the guest OS on EC2")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= JSON_KEYS
    assert (answer["status"], answer["service"], answer["owner"], answer["category"]) == (
        "answered",
        "ec2",
        "Customer",
        "Shared",
    )
    assert "AWS Systems Manager Patch Manager" in answer["tools"]
    assert all(url.startswith("https://") for url in answer["sources"]) and answer["sources"]
    assert 0 <= answer["confidence"] <= 1


def test_ask_readable(srm):
    result = srm("ask", "who patches the guest OS on EC2")
    assert result.returncode == 0
    first, *rest = result.stdout.splitlines()
    assert first == "Guest OS patching on Amazon EC2: Customer - you own it (control category: Shared)."
    assert "https://docs.aws.amazon.com/" in result.stdout and len(rest) <= 8


def test_ask_is_chat_sized_and_full_has_everything(srm):
    short = srm("ask", "who patches RDS?").stdout
    full = srm("ask", "--full", "who patches RDS?").stdout
    assert len(short.splitlines()) <= 8 and "Extended Support" not in short and "changed 2024-02-29" in short
    assert "Extended Support" in full and "RDS.13" in full and "Control category: Shared" in full
    overview = srm("ask", "s3").stdout
    assert "Duties by owner: AWS 4 · Customer 7" in overview and "(7 more duties: srm service s3)" in overview
    assert "Common misconfigurations" in srm("service", "s3").stdout


def test_batch_writes_json_lines_in_order(tmp_path, srm):
    questions = tmp_path / "questions.txt"
    questions.write_text("who patches the guest OS on EC2\nwhat's for lunch\n\nhi\n")
    result = srm("ask", "--json", "--batch", str(questions))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["who patches the guest OS on EC2", "what's for lunch", "hi"]
    assert [r["status"] for r in rows] == ["answered", "out_of_scope", "out_of_scope"]


def test_service_summary_and_json(srm):
    text = srm("service", "ec2")
    assert text.returncode == 0 and "Amazon EC2" in text.stdout and "Common misconfigurations" in text.stdout
    data = json.loads(srm("service", "vm", "--json").stdout)
    assert data["key"] == "ec2" and data["model"] == "infrastructure"


def test_list_and_validate(srm):
    listing = srm("list")
    assert listing.returncode == 0 and "ec2" in listing.stdout
    validate = srm("validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "100% of items sourced" in validate.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("service", "ec3"), "srm: unknown service 'ec3'; did you mean: ec2"),
        (("service", "s4"), "srm: unknown service 's4'; did you mean: s3?"),
        (("ask", ""), "srm: empty question"),
        (("--knowledge", "/nonexistent", "list"), "srm: cannot load knowledge from /nonexistent"),
        (("ask", "--batch", "/nonexistent/file.txt"), "srm: cannot read /nonexistent/file.txt"),
    ],
)
def test_errors_are_one_line_without_traceback(args, message, srm):
    result = srm(*args)
    assert result.returncode != 0
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_validate_broken_directory_exits_1(knowledge_copy, srm):
    (knowledge_copy / "services" / "ec2.yaml").write_text("key: ec2\nmodel: [\n")
    result = srm("validate", str(knowledge_copy))
    assert result.returncode == 1
    assert result.stdout.startswith("knowledge/services/ec2.yaml:")


def test_console_answers_like_the_bot(srm):
    result = srm("console", stdin="who patches the guest os on ec2\nhi\nquit\n")
    assert result.returncode == 0
    assert "Customer - you own it" in result.stdout and "who patches RDS" in result.stdout


def on_terminal(srm_executable: str, args: list[str], typed: list[bytes], home: Path, env: dict[str, str] | None = None
                ) -> tuple[int, str, str]:  # fmt: skip
    """Run srm with a pseudo-terminal as its stdin and stdout, as a person at a terminal would: each
    of `typed` is sent once the console shows its prompt again."""
    primary, secondary = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_", "NO_COLOR"))}
    clean |= {"SRM_DATABASE_URL": "sqlite://", "HOME": str(home), "TERM": "xterm", **(env or {})}
    process = subprocess.Popen(
        [srm_executable, *args], stdin=secondary, stdout=secondary, stderr=subprocess.PIPE, env=clean
    )
    os.close(secondary)
    output, pending = b"", list(typed)
    while True:
        if pending and output.count(b"srm> ") > len(typed) - len(pending):
            os.write(primary, pending.pop(0))
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    code = process.wait(timeout=30)
    return code, output.decode(errors="replace"), process.stderr.read().decode()


def test_serve_without_credentials_on_a_terminal_runs_console_with_hint(tmp_path, srm_executable):
    code, output, errors = on_terminal(
        srm_executable, ["serve"], [b"tell me about ec2\n", b"quit\n"], tmp_path, {"NO_COLOR": "1"}
    )
    assert code == 0
    assert "No Slack credentials" in errors
    assert "Amazon EC2" in output and "\x1b[" not in output.replace("\x1b[?", "")  # NO_COLOR: no colours


def test_console_has_line_editing_history_and_did_you_mean(tmp_path, srm_executable):
    up_arrow = b"\x1b[A"
    code, output, _ = on_terminal(
        srm_executable, ["console"], [b"who patches rds\n", up_arrow + b"\n", b"s4\n", b"quit\n"], tmp_path
    )
    assert code == 0
    assert output.count("on Amazon RDS") == 2  # Up recalled the question; no ^[[A sent as text
    assert "^[[A" not in output
    assert "Did you mean: s3?" in output
    assert "who patches rds" in (tmp_path / ".srm_history").read_text()


def test_colour_on_a_terminal_plain_when_piped(tmp_path, srm, srm_executable):
    code, output, _ = on_terminal(srm_executable, ["ask", "who patches rds"], [], tmp_path)
    assert code == 0 and "\x1b[33mAWS owns it" in output  # the owner in its colour
    piped = srm("ask", "who patches rds").stdout
    assert "\x1b[" not in piped and piped.startswith("Database engine patching and upgrades on Amazon RDS: AWS owns it")


def test_version_stdin_batch_and_options_after_the_subcommand(srm):
    assert srm("--version").stdout.strip() == "srm 0.1.0"
    batch = srm("ask", "--json", "--batch", "-", stdin="who patches rds\nhi\n")
    assert [json.loads(line)["status"] for line in batch.stdout.splitlines()] == ["answered", "out_of_scope"]
    after = srm("ask", "--json", "--overlay", EXAMPLE_OVERLAY, "who patches our EC2 instances?")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["internal_owner"]["name"] == "Platform team"
    missing = srm("list", "--knowledge", "/nonexistent")
    assert missing.returncode == 2 and missing.stderr.startswith("srm: cannot load knowledge from /nonexistent")


def test_bad_slack_settings_do_not_stop_offline_commands(srm):
    bad = {"SRM_CHANNEL_MODE": "sometimes", "SRM_MAX_BACKLOG": "lots", "PORT": "http"}
    assert srm("ask", "who patches rds", env=bad).returncode == 0
    assert srm("service", "s3", env=bad).returncode == 0
    served = srm("serve", "--http", env={**bad, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert served.returncode == 2
    assert served.stderr.strip() == "srm: SRM_CHANNEL_MODE must be one of off, questions, all, not 'sometimes'"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("serve",), {}, "srm: HTTP mode needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (not set)"),
        (("serve", "--http"), {"SLACK_BOT_TOKEN": "xoxb-1"}, "srm: HTTP mode needs SLACK_SIGNING_SECRET (not set)"),
        (("serve",), {"SLACK_APP_TOKEN": "xapp-1"}, "srm: Socket Mode needs SLACK_BOT_TOKEN (not set)"),
    ],
)
def test_serve_without_credentials_and_no_terminal_fails_naming_them(args, env, message, srm):
    """A container with a missing secret fails at once instead of running a console nobody sees."""
    result = srm(*args, stdin="tell me about ec2\n", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
EXAMPLE_OVERLAY = str(KNOWLEDGE / "overlay.example.yaml")


def test_overlay_names_the_internal_team(srm):
    answer = json.loads(srm("--overlay", EXAMPLE_OVERLAY, "ask", "--json", "who patches our EC2 instances?").stdout)
    assert answer["owner"] == "Customer"
    assert answer["internal_owner"]["name"] == "Platform team"
    assert answer["internal_owner"]["channel"] == "#team-platform"
    text = srm("ask", "who patches our EC2 instances?", env={"SRM_OVERLAY": EXAMPLE_OVERLAY}).stdout
    assert "Platform team, #team-platform" in text
    aws_owned = json.loads(srm("--overlay", EXAMPLE_OVERLAY, "ask", "--json", "who secures the hypervisor?").stdout)
    assert aws_owned["owner"] == "AWS" and aws_owned["internal_owner"] is None


def test_without_overlay_internal_owner_is_null(srm):
    assert json.loads(srm("ask", "--json", "who patches our EC2 instances?").stdout)["internal_owner"] is None


def test_serve_when_slack_is_unreachable_fails_in_one_line(srm):
    env = {"SLACK_BOT_TOKEN": "xoxb-not-real", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://127.0.0.1:9/api/"}
    result = srm("serve", "--http", "--port", "0", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("srm: cannot connect to Slack:")
    assert "Traceback" not in result.stderr


def test_serve_with_an_unreachable_database_fails_in_one_line_without_the_password(srm):
    slack = FakeSlack().start()
    try:
        env = {"SLACK_BOT_TOKEN": "xoxb-not-real", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slack.api_url,
               "SRM_DATABASE_URL": "postgresql+psycopg://srm:s3cret@127.0.0.1:9/srm?connect_timeout=2"}  # fmt: skip
        result = srm("serve", "--http", "--host", "127.0.0.1", "--port", "0", env=env)
    finally:
        slack.stop()
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("srm: cannot open the database postgresql+psycopg://srm:***@127.0.0.1:9/srm")
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr
    assert "will be unused" not in result.stderr  # Bolt's warning about SLACK_BOT_TOKEN and our client


def test_gaps_without_a_database_says_where_it_looked(tmp_path, srm):
    result = srm("gaps", env={"SRM_DATABASE_URL": f"sqlite:///{tmp_path}/none.sqlite3"})
    assert result.returncode == 2 and "no database at sqlite:///" in result.stderr
    assert not (tmp_path / "none.sqlite3").exists()


def test_gaps_rejects_a_bad_window(srm):
    result = srm("gaps", "--since", "yesterday")
    assert result.returncode == 2 and "--since 'yesterday'" in result.stderr


def test_serve_with_oauth_offers_the_install_page(tmp_path, srm_executable):
    slack = FakeSlack().start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_"))}
    env |= {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "c",
            "SLACK_API_URL": slack.api_url, "SRM_DATABASE_URL": f"sqlite:///{tmp_path}/oauth.sqlite3"}  # fmt: skip
    server = subprocess.Popen([srm_executable, "serve", "--http", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert settle(lambda: status(f"http://127.0.0.1:{port}/slack/install") == 200, timeout=20)
    finally:
        server.terminate()
        server.communicate(timeout=20)
        slack.stop()


def test_serve_rejects_a_backlog_bound_that_is_not_a_positive_number(srm):
    result = srm("serve", "--http", env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                                         "SRM_MAX_BACKLOG": "lots"})  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == "srm: SRM_MAX_BACKLOG must be a whole number above 0, not 'lots'"


def test_matrix_exports_markdown_csv_and_json(knowledge, srm):
    md = srm("matrix", "s3", "rds", "lambda")
    assert md.returncode == 0 and md.stdout.startswith("| Duty | Amazon S3 | Amazon RDS | AWS Lambda | Sources |")
    assert "| Database engine patching and upgrades | - | AWS | - | <https://docs.aws.amazon.com/" in md.stdout
    rows = srm("matrix", "rds", "--format", "csv").stdout.splitlines()
    assert rows[0] == "topic,duty,rds,rds source" and any(r.startswith("engine_patching,") for r in rows)
    data = json.loads(srm("matrix", "--format", "json").stdout)
    assert [s["key"] for s in data["services"]] == sorted(knowledge.services)
    unknown = srm("matrix", "s3", "s4")
    assert unknown.returncode == 2 and unknown.stderr.strip() == "srm: unknown service 's4'; did you mean: s3?"


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root reads everything; needs setpriv")
def test_unreadable_services_folder_says_permission_denied(tmp_path_factory, srm_executable):
    """As root, srm runs as nobody (root may read any folder)."""
    shared = Path(tempfile.mkdtemp(prefix="srm-perm-"))  # world-traversable, unlike pytest's tmp_path
    try:
        shutil.copytree(KNOWLEDGE, shared / "knowledge")
        (shared / "knowledge" / "services").chmod(0)
        shared.chmod(0o755)
        user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_"))}
        command = [*user, srm_executable, "list", "--knowledge", str(shared / "knowledge")]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    finally:
        (shared / "knowledge" / "services").chmod(0o755)
        shutil.rmtree(shared)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("services:1: (directory): permission denied"), result.stderr
