"""`/srm` sub-commands -> Block Kit replies. Pure: no Slack client, so it is tested and reused directly."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.knowledge.schema import Service
from bot.matching.answer import Answer, summary_answer
from bot.quiz import new_quiz, question_at
from bot.render import blocks as ui
from bot.render.matrix import build_matrix
from bot.render.views import brief
from bot.runtime.snapshot import Snapshot
from bot.suggestions import similar_services

REPLY_CACHE_SIZE = 4096
USAGE_FALLBACK = (
    "srm-bot usage: /srm QUESTION | /srm SERVICE | /srm compare A B | /srm matrix A B … | /srm list | /srm quiz"
)
MATRIX_SERVICES = 6  # columns that still read as a line per duty in a Slack message


class Reply:
    """A reply to a question or command. Replies are cached per knowledge snapshot, one per distinct
    question, so the blocks are kept only as compact JSON text, which is also how they are sent: as
    Python dicts they took ten times the memory, and encoding them on every request cost more than
    finding the answer."""

    __slots__ = ("answer", "blocks_json", "text", "unknown_service")

    def __init__(
        self, blocks: list[dict[str, Any]], text: str, answer: Answer | None = None, *,
        unknown_service: str | None = None,
    ):  # fmt: skip
        self.blocks_json = json.dumps(blocks, separators=(",", ":"))  # ASCII: one byte a character
        self.text = text  # notification / accessibility fallback
        self.answer = answer
        # a product the knowledge base lacks: "/srm quicksight", "who patches Amazon QuickSight?"
        self.unknown_service = unknown_service

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return json.loads(self.blocks_json)

    @property
    def ephemeral_json(self) -> str:
        """The reply as a slash command's response, assembled from the encoded parts."""
        return f'{{"response_type":"ephemeral","blocks":{self.blocks_json},"text":{json.dumps(self.text)}}}'


def cached(snapshot: Snapshot, key: tuple[str, ...], build: Callable[[], Reply]) -> Reply:
    """The reply for `key` under this snapshot, built once (replies are never mutated)."""
    reply = snapshot.replies.get(key)
    if reply is None:
        if len(snapshot.replies) >= REPLY_CACHE_SIZE:
            snapshot.replies.clear()
        reply = snapshot.replies[key] = build()
    return reply


def answer_reply(snapshot: Snapshot, question: str, *, share: bool = False) -> Reply:
    def build() -> Reply:
        answer = snapshot.matcher.match(question)
        blocks = ui.build_answer_blocks(snapshot.knowledge, answer, share=share)
        uncurated = answer.service if answer.kind == "uncurated" else None
        unknown = uncurated or snapshot.matcher.unknown_service(question)
        return Reply(blocks, fallback_text(snapshot, answer), answer, unknown_service=unknown)

    return cached(snapshot, ("answer", question, str(share)), build)


def fallback_text(snapshot: Snapshot, answer: Answer) -> str:
    if answer.kind in ("help", "decline"):
        return ui.escape(answer.message or "")
    if answer.status != "answered":
        return "I am not sure what you mean; did you mean one of these?"
    if answer.kind == "summary":
        return f"{snapshot.knowledge.services[answer.service or ''].name}: who owns what (overview)"
    if answer.kind == "uncurated":
        owner = f" · General rule: {answer.owner}" if answer.owner else ""
        return ui.escape(answer.message or "") + owner
    if answer.kind == "comparison":
        services = snapshot.knowledge.services
        return " · ".join(
            f"{services[p.service].name if p.service in services else 'General rule'}: {p.owner or 'n/a'}"
            for p in answer.parts
        )
    return ui.escape(brief(snapshot.knowledge, answer).notification)


def srm_command(snapshot: Snapshot, text: str) -> Reply:
    if text.strip().lower() == "quiz":
        return _new_quiz(snapshot)  # a fresh random quiz every time
    return cached(snapshot, ("command", text), lambda: _command(snapshot, text))


def _new_quiz(snapshot: Snapshot) -> Reply:
    state = new_quiz(snapshot.quiz)
    first = question_at(snapshot.quiz, state)
    if first is None:
        return Reply([ui.section("There are no quiz questions in the knowledge base yet.")], "No quiz")
    return Reply(ui.build_quiz_intro_blocks(first, state), "Shared responsibility quiz")


def _command(snapshot: Snapshot, text: str) -> Reply:
    words = text.split()
    verb = words[0].lower() if words else "help"
    if verb == "help" and len(words) <= 1:
        return Reply(ui.build_help_blocks(), USAGE_FALLBACK)
    if verb == "list" and len(words) == 1:
        return Reply(ui.build_list_blocks(snapshot.knowledge), "Services srm-bot knows")
    if verb == "compare":
        return _compare(snapshot, words[1:])
    if verb == "matrix":
        return _matrix(snapshot, words[1:])
    return _service_or_question(snapshot, text.strip())


def _compare(snapshot: Snapshot, names: list[str]) -> Reply:
    if len(names) != 2:
        return Reply(
            [ui.section("Usage: `/srm compare SERVICE SERVICE`, e.g. `/srm compare ec2 lambda`")], USAGE_FALLBACK
        )
    services = _named_services(snapshot, names)
    if isinstance(services, Reply):
        return services
    left, right = services
    return Reply(ui.build_compare_blocks(snapshot.knowledge, left, right), f"{left.name} vs {right.name}")


def _named_services(snapshot: Snapshot, names: list[str]) -> list[Service] | Reply:
    """The services named, or the reply for the first name that is none."""
    services = []
    for name in names:
        service = snapshot.matcher.service_by_name(name)
        if service is None:
            return _unknown_service(snapshot, name)
        services.append(service)
    return services


def _matrix(snapshot: Snapshot, names: list[str]) -> Reply:
    if not 1 <= len(names) <= MATRIX_SERVICES:
        usage = f"Usage: `/srm matrix SERVICE …` (1 to {MATRIX_SERVICES} services), e.g. `/srm matrix s3 rds lambda`"
        return Reply([ui.section(usage)], USAGE_FALLBACK)
    services = _named_services(snapshot, names)
    if isinstance(services, Reply):
        return services
    matrix = build_matrix(snapshot.knowledge, list(dict.fromkeys(services)))
    return Reply(ui.build_matrix_blocks(matrix), "Who owns what: " + ", ".join(s.name for s in matrix.services))


def _service_or_question(snapshot: Snapshot, text: str) -> Reply:
    service = snapshot.matcher.service_by_name(text)
    if service is not None:
        blocks = ui.build_service_overview_blocks(snapshot.knowledge, service, share=text)
        summary = summary_answer(text, service, 1.0)
        return Reply(blocks, fallback_text(snapshot, summary), summary)
    reply = answer_reply(snapshot, text, share=True)
    answer = reply.answer
    single_word = len(text.split()) == 1
    if answer is not None and answer.status == "out_of_scope" and single_word and answer.kind == "decline":
        return _unknown_service(snapshot, text, answer)
    return reply


def _unknown_service(snapshot: Snapshot, name: str, answer: Answer | None = None) -> Reply:
    similar = similar_services(snapshot.knowledge, name, snapshot.matcher.index.aliases)
    blocks = ui.build_unknown_service_blocks(name, similar)
    return Reply(blocks, f"Unknown service {ui.escape(name)}", answer, unknown_service=name.lower()[:64])
