"""The `/srm` grammar: sub-commands (help, list, compare, matrix, quiz, a service, a question) -> replies.
Pure: no Slack client."""

from __future__ import annotations

from bot.knowledge.schema import Service
from bot.matching.answer import Answer, summary_answer
from bot.quiz import new_quiz, question_at
from bot.render import blocks as ui
from bot.render import home
from bot.render.matrix import build_matrix
from bot.replies import Reply, answer_reply, cached, fallback_text
from bot.runtime.snapshot import Snapshot
from bot.suggestions import similar_services

USAGE_FALLBACK = (
    "srm-bot usage: /srm QUESTION | /srm SERVICE | /srm compare A B | /srm matrix A B … | /srm list | /srm quiz"
)
MATRIX_SERVICES = 6  # columns that still read as a line per duty in a Slack message


def srm_command(snapshot: Snapshot, text: str) -> Reply:
    if text.strip().lower() == "quiz":
        return _new_quiz(snapshot)  # a fresh random quiz every time
    return cached(snapshot, ("command", text), lambda: _command(snapshot, text))


def _new_quiz(snapshot: Snapshot) -> Reply:
    state = new_quiz(snapshot.quiz)
    first = question_at(snapshot.quiz, state)
    if first is None:
        return Reply([ui.section("There are no quiz questions in the knowledge base yet.")], "No quiz")
    return Reply(home.build_quiz_intro_blocks(first, state), "Shared responsibility quiz")


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
