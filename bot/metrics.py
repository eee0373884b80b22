"""Prometheus metrics, served at GET /metrics in HTTP mode (see README, "Operating srm-bot")."""

from __future__ import annotations

from functools import lru_cache

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

disable_created_metrics()  # the *_created series only double the output

QUESTIONS = Counter(
    "srm_questions",
    "Questions asked of the bot, by where they came from, outcome and service",
    ["surface", "status", "service"],
)
REQUEST_SECONDS = Histogram(
    "srm_request_duration_seconds",
    "Time from a Slack request's arrival (body read) to the bot's response, by kind",
    ["kind"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
SLACK_API_ERRORS = Counter(
    "srm_slack_api_errors",
    "Failed Slack Web API attempts: HTTP 429 / 5xx, connection errors, API error codes",
    ["reason"],
)
RELOADS = Counter("srm_knowledge_reloads", "Knowledge reloads, loaded or rejected (last good kept)", ["result"])
SERVICES = Gauge("srm_knowledge_services", "Services in the knowledge snapshot being served")
BACKLOG = Gauge("srm_work_backlog", "Work queued or running after the ack (Web API calls, database writes)")
SHED = Counter(
    "srm_requests_shed",
    "Slack requests refused with 503 while the work backlog was full (Slack re-delivers them)",
    ["kind"],
)
WORK_FAILURES = Counter("srm_work_failures", "Listener work after the ack that raised, by exception type", ["error"])
REJECTED = Counter(
    "srm_requests_rejected",
    "Slack requests refused before Bolt: too large, unsigned, stale, malformed, replayed",
    ["reason"],
)


LABEL_SETS = 4096  # more than surfaces x outcomes x services; a bound all the same


@lru_cache(maxsize=LABEL_SETS)
def question_counter(surface: str, status: str, service: str) -> Counter:
    """The labelled child, looked up once: prometheus_client's labels() takes a lock and validates on
    every call, which cost more than the rest of answering a repeated slash command."""
    return QUESTIONS.labels(surface=surface, status=status, service=service)


@lru_cache(maxsize=LABEL_SETS)
def _request_histogram(kind: str) -> Histogram:
    return REQUEST_SECONDS.labels(kind=kind)


def observe_request(body: dict, seconds: float) -> None:
    kind = "command" if "command" in body else "event" if "event" in body else str(body.get("type") or "other")
    _request_histogram(kind).observe(seconds)


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST


def count_failure(exc: BaseException) -> None:
    if isinstance(exc, SlackApiError):
        SLACK_API_ERRORS.labels(reason=str(exc.response.get("error") or "unknown")).inc()
    WORK_FAILURES.labels(error=type(exc).__name__).inc()


class CountingRetryHandler(RetryHandler):
    """Counts every failed Web API attempt and never retries itself: listed first, the built-in
    handlers after it decide about retrying."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=1_000)  # keep counting on every attempt

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None:
            if response.status_code == 429 or response.status_code >= 500:
                SLACK_API_ERRORS.labels(reason=f"http_{response.status_code}").inc()
        elif error is not None:
            SLACK_API_ERRORS.labels(reason="connection").inc()
        return False
