"""Load benchmark: srm-bot in HTTP mode (uvicorn) vs a bare Bolt app that acks at once, same run.

Both servers run at once on loopback against a local Slack Web API stand-in. Correctly signed requests,
each question drawn from the development question set, are sent (1) as slash commands at a fixed rate
for a fixed duration, to each server in turn, then (2) closed-loop at a fixed concurrency, in short
bursts alternating between the servers round after round (so a drift in the machine's speed hits both
alike): slash commands only, and with every Nth request an app_mention event, which srm-bot acks and
then answers with a real chat.postMessage to the stand-in (the bare app only acks). After each burst
the benchmark waits until every answer has been posted, and reports mentions both ways: requests acked
per second, and requests per second until the last answer was posted; a 503 (srm-bot's work backlog
full, for Slack to re-deliver) is counted apart from errors. Prints requests/s, p50/p99
latency and errors, the median of each server's bursts, the median of the per-round ratios (each
srm-bot burst over the bare app's burst right after it, so drift cancels), start-up time to the first
answer (median of several starts) and peak RSS. Bounded in count and time; asserts nothing.

Run: .venv/bin/python -m benchmarks.load [--rate 500] [--duration 30] [--concurrency 8] [--burst 3] [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Connection_
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

import yaml

from bot.store.sql import open_store
from tests.support.fake_slack import FakeSlack
from tests.support.local_server import free_port
from tests.support.signed import BOT_TOKEN, SIGNING_SECRET, signature

ROOT = Path(__file__).resolve().parents[1]

SRM = str(Path(sys.executable).parent / "srm")
PHASES = {  # closed-loop figures: key -> label
    "slash": "slash commands",
    "mixed": "slash commands + every {n}th a mention, acked",
    "answered": "the same until every mention's answer was posted",
}
MESSAGES = itertools.count()  # every mention is a new message, as in Slack: none is a repeat of another
QUESTIONS = [case["q"] for path in sorted((ROOT / "tests" / "data" / "questions").glob("*.yaml"))
             for case in yaml.safe_load(path.read_text())]  # fmt: skip


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    shed: int = 0  # 503: refused while the bot's work backlog was full, for Slack to re-deliver later
    mentions_acked: int = 0
    elapsed: float = 0.0
    drain: float = 0.0  # seconds after the burst until every acked mention's answer was posted
    error_kinds: dict[str, int] = field(default_factory=dict)  # status code or failure -> count

    def count_error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.elapsed if self.elapsed else 0.0

    def line(self, name: str) -> str:
        lat = sorted(self.latencies_ms) or [float("nan")]
        p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
        return (f"{name:<34} {self.throughput:>9.0f} req/s  p50 {p(0.5):6.2f} ms  p99 {p(0.99):6.2f} ms  "
                f"max {lat[-1]:7.2f} ms  errors {self.errors}  refused {self.shed}  "
                f"({len(self.latencies_ms)} ok){'  ' + str(self.error_kinds) if self.error_kinds else ''}")  # fmt: skip


def is_mention(n: int, mention_every: int) -> bool:
    return bool(mention_every) and n % mention_every == mention_every - 1


def request_bytes(port: int, n: int, mention_every: int = 0) -> bytes:
    """A signed slash command, or every `mention_every`-th an app_mention event; each unique as Slack's."""
    if is_mention(n, mention_every):
        message = next(MESSAGES)
        ts = f"{1_700_000_000 + message // 1_000_000}.{message % 1_000_000:06d}"
        event = {"type": "app_mention", "user": "U0001", "text": f"<@UBOT0001> {QUESTIONS[n % len(QUESTIONS)]}",
                 "ts": ts, "channel": "C0001", "event_ts": ts}  # fmt: skip
        body = json.dumps({"type": "event_callback", "team_id": "T0001", "api_app_id": "A0001",
                           "event_id": f"Ev{uuid.uuid4().hex}", "event": event, "token": "legacy"})  # fmt: skip
        content_type = "application/json"
    else:
        body = urlencode({"command": "/srm", "text": QUESTIONS[n % len(QUESTIONS)], "team_id": "T0001",
                          "user_id": "U0001", "channel_id": "C0001", "trigger_id": uuid.uuid4().hex,
                          "response_url": "https://hooks.slack.invalid/1", "token": "legacy"})  # fmt: skip
        content_type = "application/x-www-form-urlencoded"
    timestamp = str(int(time.time()))
    raw = body.encode()
    head = (f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(raw)}\r\nX-Slack-Request-Timestamp: {timestamp}\r\n"
            f"X-Slack-Signature: {signature(body, timestamp)}\r\n\r\n")  # fmt: skip
    return head.encode() + raw


class Connection:
    """One keep-alive HTTP/1.1 connection; minimal client so the load generator stays cheap."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, payload: bytes) -> int:
        # The server closes keep-alive connections idle for 5 s: reconnect once, as any client would.
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            assert self.reader is not None
            self.writer.write(payload)
            status_line = await self.reader.readline()
            if status_line or attempt == 2:
                break
            self.writer.close()
            self.writer = None
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await self.reader.readexactly(length)
        return int(status_line.split()[1])


async def timed(connection: Connection, payload: bytes, result: Result, mention: bool = False) -> None:
    started = time.perf_counter()
    try:
        status = await connection.send(payload)
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
        connection.writer = None
        result.count_error("connection")
        return
    if status == 200:
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.mentions_acked += mention
    elif status == 503:
        result.shed += 1
    else:
        result.count_error(str(status))


async def fixed_rate(port: int, rate: int, duration: float, connections: int = 64) -> Result:
    """Open loop: a request every 1/rate s, spread over a pool of connections."""
    result, pool, busy = Result(), [Connection(port) for _ in range(connections)], set()
    tasks: list[asyncio.Task[None]] = []
    total = int(rate * duration)
    started = time.perf_counter()
    for n in range(total):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        free = next((c for c in pool if c not in busy), None)
        if free is None:
            result.count_error("all connections waiting")  # the server is falling behind
            continue
        busy.add(free)
        task = asyncio.create_task(timed(free, request_bytes(port, n), result))
        task.add_done_callback(lambda _t, c=free: busy.discard(c))
        tasks.append(task)
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    result.elapsed = time.perf_counter() - started
    return result


async def fixed_concurrency(port: int, concurrency: int, duration: float, mention_every: int = 0) -> Result:
    """Closed loop: each of `concurrency` connections sends its next request as soon as one returns."""
    result, deadline = Result(), time.perf_counter() + duration
    counter = iter(range(10**9))

    async def worker() -> None:
        connection = Connection(port)
        while time.perf_counter() < deadline:
            n = next(counter)
            await timed(connection, request_bytes(port, n, mention_every), result, is_mention(n, mention_every))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def start_server(command: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int, float]:
    """Start a server on a free port (its last argument); return it, the port and the seconds until it
    answered its first slash command."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([*command, str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = started + 30
    while time.perf_counter() < deadline:
        try:
            status = asyncio.run(Connection(port).send(request_bytes(port, 0)))
            if status == 200:
                return process, port, time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    process.kill()
    raise SystemExit(f"server {command} did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve_fake_slack(conn: Connection_) -> None:
    """The stand-in's process: answers "count" (messages posted so far) until told "stop"."""
    slack = FakeSlack().start()
    conn.send(slack.api_url)
    while (command := conn.recv()) != "stop":
        assert command == "count"
        conn.send(len(slack.recorded("chat.postMessage")))
    conn.send(len(slack.recorded("chat.postMessage")))
    slack.stop()


class StandIn:
    """The Slack stand-in in a process of its own, so that it does not compete with the load generator."""

    def __init__(self) -> None:
        self._pipe, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=serve_fake_slack, args=(child,), daemon=True)
        self._process.start()
        self.api_url: str = self._pipe.recv()

    def posted(self) -> int:
        self._pipe.send("count")
        return self._pipe.recv()

    def wait_for_posts(self, expected: int, timeout: float = 120) -> float:
        """Seconds until `expected` messages have been posted in all (the answers still queued drain)."""
        started = time.perf_counter()
        while self.posted() < expected and time.perf_counter() - started < timeout:
            time.sleep(0.05)
        return time.perf_counter() - started

    def stop(self) -> int:
        self._pipe.send("stop")
        posted = self._pipe.recv()
        self._process.join(timeout=10)
        return posted


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    command: list[str]
    startups: list[float]  # seconds from process start to the first answer, one per start
    answers_mentions: bool  # the bare app only acks
    bursts: dict[str, list[float]] = field(default_factory=dict)  # phase -> requests/s of each burst
    drains: list[float] = field(default_factory=list)  # seconds to post the answers left after mixed bursts


def start(name: str, command: list[str], env: dict[str, str], answers_mentions: bool) -> Server:
    process, port, startup = start_server(command, env)
    return Server(name, port, process, command, [startup], answers_mentions)


def time_more_starts(servers: list[Server], env: dict[str, str], starts: int) -> None:
    """Start each server again and again, alternating, each time until its first answer."""
    for _ in range(starts - 1):
        for server in servers:
            process, _port, startup = start_server(server.command, env)
            process.terminate()
            process.wait(timeout=10)
            server.startups.append(startup)


def burst(server: Server, stand_in: StandIn, concurrency: int, seconds: float, mention_every: int) -> Result:
    """A closed-loop burst, then a wait until every mention's answer is posted: a server acks a mention at
    once and posts later, and answers left queued would otherwise be posted during the next burst."""
    posted_before = stand_in.posted()
    result = asyncio.run(fixed_concurrency(server.port, concurrency, seconds, mention_every))
    if server.answers_mentions and result.mentions_acked:
        result.drain = stand_in.wait_for_posts(posted_before + result.mentions_acked)
        server.drains.append(result.drain)
    return result


def closed_loop_rounds(servers: list[Server], stand_in: StandIn, args: argparse.Namespace) -> None:
    """Bursts alternate between the servers, round after round, so that a drift in the machine's speed
    hits both alike; each server's figure is the median of its bursts, and the ratio is taken per round
    (the two bursts seconds apart), then the median of the rounds. With mentions there are two
    figures: requests acked per second of the burst, and per second until the last answer was posted."""
    phases = {"slash": 0, "mixed": args.mention_every}
    for _ in range(args.rounds):
        for phase, mention_every in phases.items():
            for server in servers:
                result = burst(server, stand_in, args.concurrency, args.burst, mention_every)
                server.bursts.setdefault(phase, []).append(result.throughput)
                if mention_every:
                    answered = len(result.latencies_ms) / (result.elapsed + result.drain)
                    server.bursts.setdefault("answered", []).append(answered)
                if result.errors:
                    print(f"{server.name}: {result.errors} errors in a {phase} burst")
                if result.shed:
                    print(
                        f"{server.name}: {result.shed} requests refused with 503 (work backlog full) in a {phase} burst"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=500, help="requests per second in the fixed-rate phase")
    parser.add_argument("--duration", type=float, default=30, help="seconds of the fixed-rate phase")
    parser.add_argument("--concurrency", type=int, default=8, help="connections in the closed-loop phase")
    parser.add_argument("--burst", type=float, default=3, help="seconds of each closed-loop burst")
    parser.add_argument("--rounds", type=int, default=7, help="closed-loop rounds, alternating the servers")
    parser.add_argument("--mention-every", type=int, default=4, help="every Nth request is an app_mention (0: none)")
    parser.add_argument("--starts", type=int, default=7, help="start-ups timed per server (median reported)")
    parser.add_argument("--database-url", help="srm-bot's store (default: a fresh SQLite file in a temp directory)")
    args = parser.parse_args()

    stand_in = StandIn()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_"))}
    env |= {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": stand_in.api_url}
    scratch = tempfile.TemporaryDirectory()
    env["SRM_DATABASE_URL"] = args.database_url or f"sqlite:///{scratch.name}/load.sqlite3"
    # Created (migrated) before the server starts, as on every start but the very first one.
    open_store(env["SRM_DATABASE_URL"]).engine.dispose()
    print(f"srm-bot store: {env['SRM_DATABASE_URL']} (schema created before start-up)")
    servers: list[Server] = []
    try:
        srm = [SRM, "serve", "--http", "--host", "127.0.0.1", "--port"]
        servers.append(start("srm-bot", srm, env, answers_mentions=True))
        servers.append(start("bare Bolt", [sys.executable, str(ROOT / "benchmarks" / "bare_bolt.py")], env, False))
        for server in servers:
            burst(server, stand_in, args.concurrency, 2, args.mention_every)  # warm-up
            rate = asyncio.run(fixed_rate(server.port, args.rate, args.duration))
            print(rate.line(f"{server.name}: {args.rate} slash/s for {args.duration:.0f}s"))
        closed_loop_rounds(servers, stand_in, args)
        time_more_starts(servers, env, args.starts)
        for server in servers:
            print_bursts(server, args)
    finally:
        for server in servers:
            server.process.terminate()
            server.process.wait(timeout=10)
        posted = stand_in.stop()
        scratch.cleanup()
    ours, bare = servers
    for phase, label in PHASES.items():
        ratios = sorted(mine / theirs for mine, theirs in zip(ours.bursts[phase], bare.bursts[phase], strict=True))
        print(f"srm-bot throughput at concurrency {args.concurrency}, {label.format(n=args.mention_every)}: "
              f"{median(ratios):.0%} of the bare Bolt app's (median of {len(ratios)} rounds; "
              f"{ratios[0]:.0%}-{ratios[-1]:.0%})")  # fmt: skip
    print(f"chat.postMessage calls received by the Slack stand-in: {posted}")


def print_bursts(server: Server, args: argparse.Namespace) -> None:
    for phase, label in PHASES.items():
        bursts = ", ".join(f"{r:.0f}" for r in server.bursts[phase])
        print(f"{server.name}: {label.format(n=args.mention_every)}, concurrency {args.concurrency}: "
              f"median {median(server.bursts[phase]):.0f} req/s (bursts: {bursts})")  # fmt: skip
    if server.drains:
        print(f"{server.name}: answers still queued after a mixed burst were posted within "
              f"{', '.join(f'{d:.1f}' for d in server.drains)} s")  # fmt: skip
    startups = sorted(server.startups)
    print(f"{server.name}: start-up to first answer: median {median(startups):.2f} s over {len(startups)} starts "
          f"({startups[0]:.2f}-{startups[-1]:.2f} s); peak RSS of the measured process "
          f"{peak_rss_mb(server.process.pid):.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
