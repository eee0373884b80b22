"""The `srm` command: ask questions, browse services, validate knowledge, run the bot."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TextIO

import msgspec

from bot.knowledge.loader import Knowledge, KnowledgeError, load_knowledge
from bot.knowledge.report import authoring_warnings, coverage, stale_files
from bot.knowledge.schema import Service
from bot.matching.matcher import Matcher
from bot.render.matrix import FORMATS as MATRIX_FORMATS
from bot.render.matrix import build_matrix, to_csv, to_markdown
from bot.render.matrix import to_dict as matrix_to_dict
from bot.render.summaries import answer_to_dict
from bot.render.text import render_answer, render_service, render_service_list
from bot.runtime.heap import gc_paused
from bot.runtime.snapshot import Snapshot
from bot.settings import Settings, SettingsError, knowledge_paths
from bot.suggestions import similar_services

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
    # --knowledge and --overlay work before or after the subcommand; SUPPRESS keeps a subcommand's
    # unset option from overwriting one given before it.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--overlay",
        metavar="FILE",
        type=Path,
        default=argparse.SUPPRESS,
        help="organisation overlay (default: SRM_OVERLAY)",
    )
    shared.add_argument(
        "--knowledge",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help="knowledge directory (default: SRM_KNOWLEDGE_DIR, or the knowledge shipped with srm)",
    )
    parser = argparse.ArgumentParser(
        prog="srm", description="Who secures what on AWS? Answers from a cited knowledge base.", parents=[shared]
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, parents=[shared])

    ask = command("ask", "answer one question (or a file of them)")
    ask.add_argument("text", nargs="*", help="the question")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument(
        "--batch", metavar="FILE", help="one question per line ('-': standard input); JSON Lines out with --json"
    )
    ask.add_argument("--full", action="store_true", help="every part of the answer (tools, checks, all sources)")

    service = command("service", "summary of one service")
    service.add_argument("key", help="service key or alias, e.g. s3, postgres")
    service.add_argument("--json", action="store_true", help="print JSON")

    listing = command("list", "list the services the bot knows")
    listing.add_argument("--json", action="store_true", help="print JSON")

    validate = command("validate", "check the knowledge files; exit 1 on problems")
    validate.add_argument("directory", nargs="?", type=Path, help="knowledge directory to check")
    validate.add_argument("--strict", action="store_true", help="treat authoring warnings as problems")
    validate.add_argument(
        "--stale", metavar="DAYS", type=int, help="list service files last reviewed more than DAYS ago (exit 1)"
    )

    matrix = command("matrix", "duties x services: the owner in each cell, sources per row (for audits)")
    matrix.add_argument("services", nargs="*", metavar="SERVICE", help="services to include (default: all)")
    matrix.add_argument("--format", choices=MATRIX_FORMATS, default="md", help="md (default), csv or json")

    command("console", "interactive offline console")

    gaps = command("gaps", "knowledge-gap report: what the bot could not answer (reads SRM_DATABASE_URL)")
    gaps.add_argument("--since", default="7d", help="window: 30m, 12h, 7d, 2w, or a date (default 7d)")
    gaps.add_argument("--json", action="store_true", help="print JSON")

    serve = command("serve", "run the Slack bot (offline console on a terminal without credentials)")
    serve.add_argument("--http", action="store_true", help="HTTP mode (default when there is no SLACK_APP_TOKEN)")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="HTTP port (default $PORT or 3000)")
    return parser


def _version() -> str:
    try:
        return version("srm-bot")
    except PackageNotFoundError:  # run from a source tree without installing
        return "unknown"


def _knowledge_paths(args: argparse.Namespace) -> tuple[Path, Path | None]:
    """The options where given, else the environment (settings.knowledge_paths)."""
    directory, overlay = knowledge_paths(os.environ)
    given_overlay = getattr(args, "overlay", None)
    return Path(getattr(args, "knowledge", None) or directory), Path(given_overlay) if given_overlay else overlay


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        directory, overlay = _knowledge_paths(args)
        command = args.command or "serve"
        if command == "validate":
            return _validate(args.directory or directory, overlay, args.strict, args.stale)
        if command in ("gaps", "serve"):
            settings = Settings.from_env()
            if command == "gaps":
                return _gaps(settings.database_url, args.since, args.json)
            return _serve(replace(settings, knowledge_dir=directory, overlay_path=overlay), args)
        matcher = _load(directory, overlay).matcher
        if command == "ask":
            return _ask(matcher, args)
        if command == "service":
            return _service(matcher, args.key, args.json)
        if command == "list":
            return _list(matcher.knowledge, args.json)
        if command == "matrix":
            return _matrix(matcher, args.services, args.format)
        return run_console(matcher, sys.stdin, sys.stdout)
    except (CliError, SettingsError) as exc:
        print(f"srm: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `srm ask ... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _load(directory: Path, overlay: Path | None) -> Snapshot:
    try:
        return Snapshot.load(directory, overlay)
    except KnowledgeError as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more; run 'srm validate {directory}')" if len(exc.problems) > 1 else ""
        raise CliError(f"cannot load knowledge from {directory}: {first}{more}") from None


def _validate(directory: Path, overlay: Path | None, strict: bool, stale_days: int | None = None) -> int:
    try:
        with gc_paused():  # as Snapshot.load does: nearly everything loaded lives on
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
            text = sys.stdin.read() if args.batch == "-" else Path(args.batch).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"cannot read {args.batch}: {exc}") from None
        for line in text.splitlines():
            if line.strip():
                _print_answer(matcher, line, args.json, args.full)
        return 0
    question = " ".join(args.text).strip()
    if not question:
        raise CliError('empty question; usage: srm ask "who patches RDS?"')
    _print_answer(matcher, question, args.json, args.full)
    return 0


def use_colour(stream: TextIO) -> bool:
    """Colour on a terminal only; NO_COLOR (https://no-color.org) and TERM=dumb turn it off."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _print_answer(matcher: Matcher, question: str, as_json: bool, full: bool = False) -> None:
    answer = matcher.match(question)
    if as_json:
        print(json.dumps(answer_to_dict(matcher.knowledge, answer), ensure_ascii=False))
    else:
        print(render_answer(matcher.knowledge, answer, full=full, colour=use_colour(sys.stdout)))


def _known_service(matcher: Matcher, name: str) -> Service:
    """A curated service by key, name or alias; a service AWS has but we have not curated says so."""
    service = matcher.service_by_name(name)
    uncurated = matcher.catalog.key_for(name) if service is None else None
    if uncurated:
        entry = matcher.knowledge.catalog[uncurated]
        raise CliError(f"{entry.name} ({uncurated}) is not curated yet; security documentation: {entry.security_docs}")
    if service is None:
        similar = ", ".join(s.key for s in similar_services(matcher.knowledge, name, matcher.index.aliases))
        hint = f"; did you mean: {similar}?" if similar else "; run 'srm list'"
        raise CliError(f"unknown service {name!r}{hint}")
    return service


def _matrix(matcher: Matcher, names: list[str], output: str) -> int:
    knowledge = matcher.knowledge
    every = sorted(knowledge.services.values(), key=lambda s: s.key)
    chosen = [_known_service(matcher, name) for name in names] or every
    matrix = build_matrix(knowledge, list(dict.fromkeys(chosen)))
    if output == "json":
        print(json.dumps(matrix_to_dict(matrix), ensure_ascii=False, indent=2))
    else:
        print(to_csv(matrix) if output == "csv" else to_markdown(matrix))
    return 0


def _service(matcher: Matcher, name: str, as_json: bool) -> int:
    service = _known_service(matcher, name)
    if as_json:
        print(json.dumps(msgspec.to_builtins(service), ensure_ascii=False, indent=2))
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
    from bot.render.summaries import gaps_to_dict
    from bot.render.text import render_gaps
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
    """Answer each line as the bot would answer a direct message; on a terminal with line editing and
    history (readline), kept in ~/.srm_history."""
    interactive = stdin.isatty() and stdout.isatty()
    history = _start_history() if interactive else None
    if interactive:
        print(CONSOLE_BANNER, file=stdout)
    colour = use_colour(stdout)
    try:
        while True:
            try:
                line = input(PROMPT) if interactive else stdin.readline()
            except EOFError:
                line = ""
            if not line or line.strip().lower() in ("quit", "exit"):
                return 0
            if line.strip():
                print(_console_answer(matcher, line.strip(), colour), file=stdout, flush=True)
                print(file=stdout)
    finally:
        if history is not None:
            history()


def _console_answer(matcher: Matcher, line: str, colour: bool) -> str:
    answer = matcher.match(line)
    shown = render_answer(matcher.knowledge, answer, colour=colour)
    if answer.kind == "decline" and len(line.split()) == 1 and matcher.service_by_name(line) is None:
        similar = similar_services(matcher.knowledge, line, matcher.index.aliases)
        if similar:
            shown += "\nDid you mean: " + ", ".join(s.key for s in similar) + "?"
    return shown


def _start_history() -> Callable[[], None] | None:
    """Load readline history; returns the function that saves it (None without readline)."""
    try:
        import readline
    except ImportError:  # not every Python has it (e.g. Windows)
        return None
    path = Path.home() / ".srm_history"
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(path)

    return save


def _port(given: int | None) -> int:
    if given is not None:
        return given
    value = os.environ.get("PORT") or "3000"
    if not value.isdigit():
        raise CliError(f"PORT must be a port number, not {value!r}")
    return int(value)


def missing_credentials(settings: Settings, http: bool) -> list[str]:
    """The variables a run mode needs that are not set (HTTP or Socket Mode; OAuth needs no bot token)."""
    have = {
        "SLACK_BOT_TOKEN": settings.bot_token or settings.oauth,
        "SLACK_APP_TOKEN": settings.app_token,
        "SLACK_SIGNING_SECRET": settings.signing_secret,
    }
    needed = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET") if http else ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    return [name for name in needed if not have[name]]


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    http = args.http or settings.oauth or not settings.app_token  # the install flow needs HTTP
    nothing_set = not (settings.bot_token or settings.oauth or settings.app_token or settings.signing_secret)
    if nothing_set and not args.http and sys.stdin.isatty() and sys.stdout.isatty():
        print(CONNECT_HINT, file=sys.stderr)  # a person trying it out: the console, not an error
        return run_console(_load(settings.knowledge_dir, settings.overlay_path).matcher, sys.stdin, sys.stdout)
    missing = missing_credentials(settings, http)
    if missing:
        # A container with a missing secret must fail, not "complete" by running a console on no terminal.
        mode = "HTTP mode" if http else "Socket Mode"
        raise CliError(f"{mode} needs {' and '.join(missing)} (not set); see README, Run modes")
    snapshot = _load(settings.knowledge_dir, settings.overlay_path)  # one clear line before connecting
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackApiError

    from bot.logs import configure_logging
    from bot.serve import serve_http, serve_socket_mode
    from bot.store import StoreError

    configure_logging(settings.log_format)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # seven lines per start, never news
    try:
        if http:
            serve_http(settings, snapshot, args.host, _port(args.port))
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
