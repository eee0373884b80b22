"""Ack at once, work after: how every listener with Web API work is registered, and how work is refused
(shed) while the backlog is full."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, BoltRequest, BoltResponse
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.util.utils import get_arg_names_of_callable

from bot import metrics
from bot.logs import Throttle
from bot.runtime.state import Runtime
from bot.slack.context import runtime_of

Work = Callable[..., None]
SHED_WARNING_SECONDS = 10.0
log = logging.getLogger(__name__)


# One log line per SHED_WARNING_SECONDS while work is refused, not one per refused request.
_shed_warning = Throttle(SHED_WARNING_SECONDS)


def ack_only(ack: Ack) -> None:
    ack()


def listen(register: Callable[..., Any], work: Work, *, lazy: bool, once_per_event: bool = True) -> None:
    """Register a listener that acks at once and then does `work`, which may call the Web API: on a
    worker thread, or, on AWS Lambda (`lazy`), as a Bolt lazy listener, because a Lambda function is
    frozen once it has returned its response. Either way Bolt injects the arguments `work` names.

    Threads rather than lazy listeners wherever the process keeps running: Bolt deep-copies the whole
    request for each lazy listener call (README, Performance).

    `once_per_event=False` for work that is at-most-once by itself (reply_in_thread claims the message
    it answers, which also covers a retried event): one database write per answer instead of two."""
    later = _after_ack(work, once_per_event)
    if lazy:
        register(ack=ack_only, lazy=[later])
        return

    def listener(ack: Ack, request: BoltRequest, body: dict, context: BoltContext) -> BoltResponse | None:
        runtime = runtime_of(context)
        if runtime.work.overloaded:
            return shed(work.__name__, runtime)
        ack()
        runtime.work.run_later(later, {"request": request, "body": body, "context": context})
        return None

    listener.__name__ = work.__name__
    register(listener)


def shed(kind: str, runtime: Runtime) -> BoltResponse:
    """Refuse work while the backlog is full: not acked, Slack re-delivers the event later (and shows the
    user an error for a button), instead of the bot queueing without bound and answering minutes late."""
    metrics.SHED.labels(kind=kind).inc()
    if _shed_warning.due():
        log.warning(
            "work backlog full (%d queued): refusing new Slack work with 503 for Slack to re-deliver "
            "(srm_requests_shed_total counts them)",
            runtime.backlog,
        )
    return BoltResponse(status=503, body="srm-bot is busy; Slack will retry")


def _after_ack(work: Work, once_per_event: bool) -> Work:
    """`work` called with the arguments it names, injected by Bolt as for any listener.

    Once per event: Slack re-delivers an event it thinks we missed, maybe to another instance; the
    check runs after the ack, so no request waits on the shared database."""
    names = get_arg_names_of_callable(work)

    def later(request: BoltRequest, body: dict, context: BoltContext) -> None:
        event_id = body.get("event_id")
        if once_per_event and event_id and not runtime_of(context).store.claim(f"event:{event_id}"):
            log.info("dropping repeated event %s", event_id)
            return
        work(
            **build_required_kwargs(
                logger=log, required_arg_names=list(names), request=request, response=None, this_func=work
            )
        )

    later.__name__ = work.__name__  # Bolt finds a lazy listener again by its name
    return later
