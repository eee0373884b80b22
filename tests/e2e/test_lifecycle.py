"""Real `srm serve --http` processes: acked work survives SIGTERM and kill -9, a failing store is
reported and refused loudly, and no database password is ever printed."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from bot.settings import Settings
from tests.support.executables import srm_executable
from tests.support.fake_slack import FakeSlack, settle
from tests.support.local_server import free_port
from tests.support.signed import BOT_TOKEN, SIGNING_SECRET, event_body, get, mention_event, post, status

JSON = "application/json"
ROOT = Path(__file__).resolve().parents[2]
SRM = srm_executable()
MENTIONS = 24
PASSWORD = "hunter2-not-shown"


class Server:
    """One `srm serve --http` process on a free port, its output in a file."""

    def __init__(self, slack: FakeSlack, database_url: str, log: Path, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_"))}
        environment |= {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                        "SLACK_API_URL": slack.api_url, "SRM_DATABASE_URL": database_url, "SRM_LOG_FORMAT": "text",
                        "SRM_WORK_LEASE_SECONDS": "2", "SRM_DRAIN_SECONDS": "1", **env}  # fmt: skip
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [SRM, "serve", "--http", "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=out, stderr=subprocess.STDOUT, env=environment,
            )  # fmt: skip

    def ready(self, timeout: float = 20) -> Server:
        assert settle(lambda: status(self.url + "/healthz") == 200 or self.process.poll() is not None, timeout)
        assert self.process.poll() is None, self.log.read_text()
        return self

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=30)

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"


@pytest.fixture
def servers(slack: FakeSlack) -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop(signal.SIGKILL)
    slack.held.clear()


def unfinished(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM srm_work")).scalar()
    finally:
        engine.dispose()


def queue_mentions(server: Server, slack: FakeSlack, second: str) -> list[str]:
    """MENTIONS acked mentions, their answers held up by a slow Slack: most wait in the queue."""
    stamps = [f"{second}.{n:06d}" for n in range(MENTIONS)]
    for ts in stamps:
        body = event_body(mention_event("who patches the guest os on ec2?", ts), f"Ev{ts}")
        assert post(server.events_url, body, JSON).status == 200
    return stamps


def answered_once_each(slack: FakeSlack, stamps: list[str], database_url: str) -> None:
    assert settle(lambda: unfinished(database_url) == 0, timeout=30), "acked work left unfinished"
    posted = Counter(call.args["thread_ts"] for call in slack.recorded("chat.postMessage"))
    assert posted == Counter(stamps)  # every acked mention, exactly once


def test_acked_mentions_survive_sigterm_and_kill_9_answered_once(slack, servers, database_url, tmp_path):
    held = slack.held["chat.postMessage"] = threading.Event()  # a slow Slack: answers wait in the queue
    log = tmp_path / "server.log"
    first = Server(slack, database_url, log).ready()
    servers.append(first)
    stamps = queue_mentions(first, slack, "1700001000")
    slack.wait_for("chat.postMessage")  # the first answers are being posted (held, so never confirmed)
    assert unfinished(database_url) == MENTIONS  # recorded as they were acked
    stopping = time.monotonic()
    first.process.send_signal(signal.SIGTERM)
    late = event_body(mention_event("who patches rds?", "1700001999.000001"), "EvLate")
    with contextlib.suppress(OSError):  # refused while draining (503), or the port is closed already
        assert post(first.events_url, late, JSON).status == 503
    assert first.process.wait(timeout=10) in (0, -signal.SIGTERM)  # uvicorn ends by the signal it got
    assert time.monotonic() - stopping < 5  # drained for SRM_DRAIN_SECONDS=1, then left the rest
    assert f"{MENTIONS} pieces of acked work left for the next instance" in log.read_text()

    second = Server(slack, database_url, log).ready()  # takes up the first one's work at once
    servers.append(second)
    stamps += queue_mentions(second, slack, "1700002000")
    second.process.kill()  # kill -9: nothing handed over; its leases run out (SRM_WORK_LEASE_SECONDS=2)
    second.process.wait(timeout=10)
    held.set()

    servers.append(Server(slack, database_url, log).ready())
    answered_once_each(slack, stamps, database_url)


def test_a_hung_store_fails_healthz_and_refuses_events_then_recovers(slack, servers, database_url, tmp_path):
    server = Server(slack, database_url, tmp_path / "server.log", SRM_STORE_TIMEOUT_SECONDS="1")
    servers.append(server.ready())
    with hold_the_database(database_url):
        body = event_body(mention_event("who patches rds?", "1700002000.000001"), "EvHung")
        assert post(server.events_url, body, JSON).status == 503  # not acked: Slack re-delivers it
        assert settle(lambda: status(server.url + "/healthz") == 503, timeout=10)
        assert get(server.url + "/healthz").json()["status"] == "store_unavailable"
    assert settle(lambda: status(server.url + "/healthz") == 200, timeout=10)
    resent = str(int(time.time()) + 1)  # Slack's re-delivery, signed afresh
    assert post(server.events_url, body, JSON, timestamp=resent).status == 200
    [answer] = slack.wait_for("chat.postMessage")
    assert answer.args["thread_ts"] == "1700002000.000001"


# PostgreSQL only: a SQLite file the bot has open stays writable to it; the hung-store test covers SQLite
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_read_only_database_fails_healthz_and_refuses_events_then_recovers(slack, servers, database_url, tmp_path):
    server = Server(slack, database_url, tmp_path / "server.log", SRM_STORE_TIMEOUT_SECONDS="1")
    servers.append(server.ready())
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")

    def read_only(on: bool) -> None:  # as after a fail-over to a replica, for every session at once
        with admin.connect() as connection:
            connection.execute(sa.text(f"ALTER SYSTEM SET default_transaction_read_only = {'on' if on else 'off'}"))
            connection.execute(sa.text("SELECT pg_reload_conf()"))

    body = event_body(mention_event("who patches rds?", "1700004000.000001"), "EvReadOnly")
    try:
        read_only(True)
        assert settle(lambda: status(server.url + "/healthz") == 503, timeout=10)
        assert post(server.events_url, body, JSON).status == 503  # not acked: Slack re-delivers it
    finally:
        read_only(False)
        admin.dispose()
    assert settle(lambda: status(server.url + "/healthz") == 200, timeout=10)
    assert post(server.events_url, body, JSON, timestamp=str(int(time.time()) + 1)).status == 200
    [answer] = slack.wait_for("chat.postMessage")
    assert answer.args["thread_ts"] == "1700004000.000001"


class hold_the_database:  # a context manager, named for how it reads in a with
    """Another client holding the tables the bot writes, as a stuck migration or a hung server would."""

    def __init__(self, database_url: str):
        self.url = database_url

    def __enter__(self) -> None:
        if self.url.startswith("sqlite"):
            self.connection = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None)
            self.connection.execute("BEGIN EXCLUSIVE")
        else:
            self.engine = sa.create_engine(self.url)
            self.connection = self.engine.connect()
            self.connection.execute(sa.text("LOCK TABLE srm_claims, srm_work IN ACCESS EXCLUSIVE MODE"))

    def __exit__(self, *_exc: object) -> None:
        self.connection.rollback()
        self.connection.close()
        if hasattr(self, "engine"):
            self.engine.dispose()


@pytest.fixture
def silent_database() -> Iterator[int]:
    """A port that accepts connections and never answers, like a hung database server."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:  # closed at the end of the test
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()
    for connection in accepted:
        connection.close()


def test_start_up_against_a_hung_database_fails_within_seconds(slack, silent_database, tmp_path):
    url = f"postgresql+psycopg://srm:{PASSWORD}@127.0.0.1:{silent_database}/srm"
    server = Server(slack, url, tmp_path / "server.log", SRM_STORE_TIMEOUT_SECONDS="2")
    started = time.monotonic()
    assert server.process.wait(timeout=20) != 0
    assert time.monotonic() - started < 10
    output = server.log.read_text()
    assert "cannot open the database postgresql+psycopg://srm:***@127.0.0.1" in output
    assert PASSWORD not in output


BAD_URLS = [
    f"postgresql+psycopg://srm:{PASSWORD}@127.0.0.1:notaport/srm",  # a bad port
    f"postgresql+psycopg://srm@127.0.0.1:9/srm?password={PASSWORD}",  # the password in the query
    f"postgresql+psycopg://srm:{PASSWORD}@with-at@127.0.0.1:9/srm",  # an unencoded '@' in the password
    f"postgresql+psycopg://srm:{PASSWORD}@[::1:9/srm",  # a host that does not parse
    PASSWORD,  # not a URL at all
]


def test_no_password_is_printed_for_any_database_url(slack, tmp_path):
    started = [Server(slack, url, tmp_path / f"server{n}.log") for n, url in enumerate(BAD_URLS)]
    for server in started:
        assert server.process.wait(timeout=30) != 0
        output = server.log.read_text()
        assert "database" in output
        assert PASSWORD not in output and "hunter2" not in output and "with-at" not in output, output


def test_the_drain_fits_the_kubernetes_grace_period():
    pod = yaml.safe_load((ROOT / "deploy" / "kubernetes" / "deployment.yaml").read_text())["spec"]["template"]["spec"]
    [container] = pod["containers"]
    drain = int(next(e["value"] for e in container["env"] if e["name"] == "SRM_DRAIN_SECONDS"))
    assert drain == Settings.from_env({}).drain_seconds  # the manifest states the default
    assert drain + 5 <= pod["terminationGracePeriodSeconds"]  # room to stop the server and hand work over
