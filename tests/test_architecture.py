"""Which parts of bot/ may import which: the layers point one way (YAML -> models -> matching -> rendering
-> Slack), so the domain can be tested and reused without Slack, a server or a database.

A part is a folder of bot/ (knowledge, matching, render, store, slack) or a top-level module (settings,
cli, ...). Every import counts, including those inside functions and under TYPE_CHECKING."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"

# The inner layers, allow-listed: the parts of bot/ each may import (itself included).
ALLOWED = {
    "knowledge": {"knowledge"},
    "matching": {"knowledge", "matching"},
    "render": {"knowledge", "matching", "render", "gaps", "quiz", "settings"},
    "store": {"store"},
    "settings": set(),  # settings owns every default: it reads the environment and imports no other part
}
ENTRY_POINTS = {"cli", "serve", "web", "lambda_handler", "healthcheck"}
# Slack and the HTTP server stay out of the domain; the domain is everything pure that a CLI also uses.
SLACK_AND_WEB = {"slack_bolt", "slack_sdk", "starlette", "uvicorn"}
DOMAIN = {"knowledge", "matching", "render", "store", "quiz", "gaps", "settings"}


def part_of(module: str) -> str:
    """'bot.knowledge.loader' -> 'knowledge', 'bot.cli' -> 'cli', 'slack_bolt.app' -> 'slack_bolt'."""
    names = module.split(".")
    return names[1] if names[0] == "bot" and len(names) > 1 else names[0]


def module_name(path: Path) -> str:
    names = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(names[:-1] if names[-1] == "__init__" else names)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, relative imports made absolute."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "bot":  # `from bot import metrics` imports bot.metrics
                found.update(f"bot.{alias.name}" for alias in node.names)
            else:
                found.add(base)
    return found


def edges() -> set[tuple[str, str, str]]:
    """(importing part, imported part, importing module) for every import in bot/ of another part."""
    result = set()
    for path in sorted(BOT.rglob("*.py")):
        source = part_of(module_name(path))
        for imported in imports_of(path):
            target = part_of(imported)
            if target != source:
                result.add((source, target, module_name(path)))
    return result


def bot_parts() -> set[str]:
    return {path.stem for path in BOT.glob("*.py")} | {path.name for path in BOT.iterdir() if path.is_dir()}


def violations() -> set[tuple[str, str, str]]:
    parts = bot_parts()
    found = set()
    for source, target, module in edges():
        if source in ALLOWED and target in parts and target not in ALLOWED[source]:
            found.add((source, target, module))
        if target in ENTRY_POINTS and source not in ENTRY_POINTS:
            found.add((source, target, module))
        if target in {"tests", "benchmarks"}:
            found.add((source, target, module))
        if source in DOMAIN and target in SLACK_AND_WEB:
            found.add((source, target, module))
        if source == "slack" and target == "matching":  # listeners answer through the reply path, not the matcher
            found.add((source, target, module))
    return found


def test_the_import_scan_sees_the_imports_it_checks():
    found = edges()
    assert ("slack", "runtime", "bot.slack.middleware") in found  # absolute, from the module
    assert ("render", "gaps", "bot.render.blocks") in found
    assert ("cli", "serve", "bot.cli") in found  # inside a function
    assert ("slack", "slack_bolt", "bot.slack.app") in found
    assert part_of("bot.store.migrations.env") == "store" and "__pycache__" not in bot_parts()


def test_parts_import_only_what_their_layer_allows():
    unexpected = sorted(violations())
    assert not unexpected, "\n".join(f"{module} ({source}) imports {target}" for source, target, module in unexpected)
