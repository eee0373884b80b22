"""The `srm` command: ask questions, browse services, validate knowledge, run the bot."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.knowledge.loader import Knowledge, KnowledgeError, load_knowledge
from bot.knowledge.report import authoring_warnings, coverage, stale_files
from bot.matching.matcher import Matcher
from bot.render.text import render_answer, render_service, render_service_list
from bot.render.views import answer_to_dict
from bot.settings import Settings, SettingsError

PROMPT = "srm> "
CONSOLE_BANNER = (
    'srm-bot offline console: ask who owns a security duty on AWS (e.g. "who patches RDS?"), '
    "or name a service. Ctrl-D or 'quit' to leave."
)
CONNECT_HINT = (
    "No Slack credentials found: running the offline console. To connect, set SLACK_BOT_TOKEN with "
    "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode), or SLACK_CLIENT_ID and "
    "SLACK_CLIENT_SECRET with SLACK_SIGNING_SECRET (HTTP mode, many workspaces); see README."
)


class CliError(Exception):
    """A user-facing failure: printed as one line on stderr, exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="srm", description="Who secures what on AWS? Answers from a cited knowledge base."
    )
    parser.add_argument("--overlay", metavar="FILE", type=Path, help="organisation overlay (default: SRM_OVERLAY)")
    parser.add_argument(
        "--knowledge", metavar="DIR", type=Path, help="knowledge directory (default: SRM_KNOWLEDGE_DIR or ./knowledge)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer one question (or a file of them)")
    ask.add_argument("text", nargs="*", help="the question")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--batch", metavar="FILE", type=Path, help="one question per line; JSON Lines out (with --json)")

    service = commands.add_parser("service", help="summary of one service")
    service.add_argument("key", help="service key or alias, e.g. s3, postgres")
    service.add_argument("--json", action="store_true", help="print JSON")

    listing = commands.add_parser("list", help="list the services the bot knows")
    listing.add_argument("--json", action="store_true", help="print JSON")

    validate = commands.add_parser("validate", help="check the knowledge files; exit 1 on problems")
    validate.add_argument("directory", nargs="?", type=Path, help="knowledge directory to check")
    validate.add_argument("--strict", action="store_true", help="treat authoring warnings as problems")
    validate.add_argument(
        "--stale", metavar="DAYS", type=int, help="list service files last reviewed more than DAYS ago (exit 1)"
    )

    commands.add_parser("console", help="interactive offline console")

    gaps = commands.add_parser(
        "gaps", help="knowledge-gap report: what the bot could not answer (reads SRM_DATABASE_URL)"
    )
    gaps.add_argument("--since", default="7d", help="window: 30m, 12h, 7d, 2w, or a date (default 7d)")
    gaps.add_argument("--json", action="store_true", help="print JSON")

    serve = commands.add_parser("serve", help="run the Slack bot (offline console without credentials)")
    serve.add_argument("--http", action="store_true", help="HTTP mode (default when there is no SLACK_APP_TOKEN)")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    serve.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "3000")), help="HTTP port (default $PORT or 3000)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        directory = args.knowledge or settings.knowledge_dir
        overlay = args.overlay or settings.overlay_path
        if args.command == "validate":
            return _validate(args.directory or directory, overlay, args.strict, args.stale)
        if args.command == "gaps":
            return _gaps(settings.database_url, args.since, args.json)
        command = args.command or "serve"
        if command == "serve":
            return _serve(replace(settings, knowledge_dir=directory, overlay_path=overlay), args)
        matcher = Matcher(_load(directory, overlay))
        if command == "ask":
            return _ask(matcher, args)
        if command == "service":
            return _service(matcher, args.key, args.json)
        if command == "list":
            return _list(matcher.knowledge, args.json)
        return run_console(matcher, sys.stdin, sys.stdout)
    except (CliError, SettingsError) as exc:
        print(f"srm: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _load(directory: Path, overlay: Path | None) -> Knowledge:
    try:
        return load_knowledge(directory, overlay)
    except KnowledgeError as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more; run 'srm validate {directory}')" if len(exc.problems) > 1 else ""
        raise CliError(f"cannot load knowledge from {directory}: {first}{more}") from None


def _validate(directory: Path, overlay: Path | None, strict: bool, stale_days: int | None = None) -> int:
    try:
        knowledge = load_knowledge(directory, overlay)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    warnings = authoring_warnings(knowledge)
    for warning in warnings:
        print(f"warning: {warning}")
    print(coverage(knowledge))
    stale = stale_files(knowledge, stale_days, datetime.date.today()) if stale_days is not None else []
    for line in stale:
        print(f"stale: {line}")
    return 1 if (strict and warnings) or stale else 0


def _ask(matcher: Matcher, args: argparse.Namespace) -> int:
    if args.batch:
        try:
            lines = args.batch.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"cannot read {args.batch}: {exc}") from None
        for line in lines:
            if line.strip():
                _print_answer(matcher, line, args.json)
        return 0
    question = " ".join(args.text).strip()
    if not question:
        raise CliError('empty question; usage: srm ask "who patches RDS?"')
    _print_answer(matcher, question, args.json)
    return 0


def _print_answer(matcher: Matcher, question: str, as_json: bool) -> None:
    answer = matcher.match(question)
    if as_json:
        print(json.dumps(answer_to_dict(matcher.knowledge, answer), ensure_ascii=False))
    else:
        print(render_answer(matcher.knowledge, answer))


def _service(matcher: Matcher, name: str, as_json: bool) -> int:
    service = matcher.service_by_name(name)
    uncurated = matcher.catalog.key_for(name) if service is None else None
    if uncurated:
        entry = matcher.knowledge.catalog[uncurated]
        raise CliError(f"{entry.name} ({uncurated}) is not curated yet; security documentation: {entry.security_docs}")
    if service is None:
        similar = ", ".join(s.key for s in matcher.similar_services(name))
        hint = f"; did you mean: {similar}?" if similar else "; run 'srm list'"
        raise CliError(f"unknown service {name!r}{hint}")
    if as_json:
        print(json.dumps(service.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(render_service(matcher.knowledge, service))
    return 0


def _list(knowledge: Knowledge, as_json: bool) -> int:
    if as_json:
        rows = [
            {"key": s.key, "name": s.name, "model": s.model}
            for s in sorted(knowledge.services.values(), key=lambda s: s.key)
        ]
        print(json.dumps(rows, indent=2))
    else:
        print(render_service_list(knowledge))
    return 0


def _gaps(database_url: str, since_text: str, as_json: bool) -> int:
    from bot.gaps import SinceError, build_report, parse_since
    from bot.render.text import render_gaps
    from bot.render.views import gaps_to_dict
    from bot.store import StoreError, utc_now
    from bot.store.sql import open_store

    try:
        since = parse_since(since_text, utc_now())
        store = open_store(database_url, create=False)
    except (SinceError, StoreError) as exc:
        raise CliError(str(exc)) from None
    report = build_report(store, since)
    print(json.dumps(gaps_to_dict(report), indent=2) if as_json else render_gaps(report))
    return 0


def run_console(matcher: Matcher, stdin: TextIO, stdout: TextIO) -> int:
    """Answer each line as the bot would answer a direct message."""
    interactive = stdin.isatty()
    if interactive:
        print(CONSOLE_BANNER, file=stdout)
    while True:
        if interactive:
            print(PROMPT, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in ("quit", "exit"):
            return 0
        if line.strip():
            print(render_answer(matcher.knowledge, matcher.match(line)), file=stdout, flush=True)
            print(file=stdout)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    knowledge = _load(settings.knowledge_dir, settings.overlay_path)  # one clear line before connecting
    if not settings.bot_token and not settings.oauth:
        print(CONNECT_HINT, file=sys.stderr)
        return run_console(Matcher(knowledge), sys.stdin, sys.stdout)
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackApiError

    from bot.logs import configure_logging
    from bot.runtime import Snapshot
    from bot.serve import serve_http, serve_socket_mode
    from bot.store import StoreError

    configure_logging(settings.log_format)
    snapshot = Snapshot.of(knowledge)
    try:
        if args.http or settings.oauth or not settings.app_token:  # the install flow needs HTTP
            serve_http(settings, snapshot, args.host, args.port)
        else:
            serve_socket_mode(settings, snapshot)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    except (BoltError, SlackApiError, OSError) as exc:
        # Bolt checks the token with auth.test at start: a bad token or no route to Slack ends here
        raise CliError(f"cannot connect to Slack: {exc}") from None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
