"""Configuration, read once from the environment into one typed object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# An installed wheel carries knowledge/ inside the package (pyproject.toml, force-include); a source
# checkout or an editable install reads the top-level knowledge/ directly.
_PACKAGED_KNOWLEDGE_DIR = Path(__file__).resolve().parent / "data" / "knowledge"
DEFAULT_KNOWLEDGE_DIR = (
    _PACKAGED_KNOWLEDGE_DIR if _PACKAGED_KNOWLEDGE_DIR.is_dir() else Path(__file__).resolve().parents[1] / "knowledge"
)
CHANNEL_MODES = ("off", "questions", "all")
# An answer at least this confident is posted unasked in a channel and shown without "did you mean";
# below it, it counts as answered badly in the gap report.
ANSWER_THRESHOLD = 0.8
DEFAULT_DATABASE_URL = "sqlite:///srm-bot.sqlite3"  # a file in the working directory: zero set-up
LOG_FORMATS = ("json", "text")
# Work queued or running after the ack, beyond which new Slack work is refused for Slack to re-deliver
# later: an unbounded queue would grow without limit under overload (memory, and answers minutes late).
DEFAULT_MAX_BACKLOG = 500
# Slack's own payloads are a few KB; anything larger is refused (413) before it is read into memory.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# SIGTERM: seconds to finish queued work before exiting; less than terminationGracePeriodSeconds in
# deploy/kubernetes/deployment.yaml (30), so the pod is never killed mid-drain.
DEFAULT_DRAIN_SECONDS = 20
# A database call on the request path that takes longer fails, and the store is reported unhealthy.
DEFAULT_STORE_TIMEOUT_SECONDS = 3
# Acked work not finished within this many seconds of its last heartbeat is taken up by any instance.
DEFAULT_WORK_LEASE_SECONDS = 30
# A Slack Web API or response_url call that takes longer is abandoned and retried (slack_sdk's default: 30).
DEFAULT_SLACK_TIMEOUT_SECONDS = 5
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


class SettingsError(ValueError):
    """An environment variable has a value the bot cannot use."""


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    overlay_path: Path | None = None
    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    channel_mode: str = "off"  # quiet by default: channels get answers to mentions; plain messages are opt-in
    channel_modes: Mapping[str, str] = field(default_factory=dict)
    onboarding_channels: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    answer_threshold: float = ANSWER_THRESHOLD
    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)  # may hold a password
    store_questions: bool = False  # keep the text of unanswered questions, not only a hash
    client_id: str | None = None  # with client_secret: OAuth install flow for many workspaces
    client_secret: str | None = field(default=None, repr=False)
    log_format: str | None = None  # None: JSON unless stderr is a terminal
    max_backlog: int = DEFAULT_MAX_BACKLOG  # work queued after acks before new Slack work is refused (503)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES  # larger request bodies get 413, unread
    drain_seconds: int = DEFAULT_DRAIN_SECONDS  # on SIGTERM, time to finish queued work
    store_timeout: int = DEFAULT_STORE_TIMEOUT_SECONDS  # database connect and statement timeout
    work_lease_seconds: int = DEFAULT_WORK_LEASE_SECONDS  # unfinished work of a silent instance is taken up
    slack_timeout: int = DEFAULT_SLACK_TIMEOUT_SECONDS  # per Web API / response_url attempt

    @property
    def oauth(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def mode_for(self, channel: str) -> str:
        return self.channel_modes.get(channel, self.channel_mode)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        knowledge_dir, overlay_path = knowledge_paths(env)
        channel_mode = env.get("SRM_CHANNEL_MODE") or "off"
        if channel_mode not in CHANNEL_MODES:
            raise SettingsError(f"SRM_CHANNEL_MODE must be one of {', '.join(CHANNEL_MODES)}, not {channel_mode!r}")
        modes = _pairs(env.get("SRM_CHANNEL_MODES", ""), "SRM_CHANNEL_MODES")
        for channel, mode in modes.items():
            if mode not in CHANNEL_MODES:
                raise SettingsError(f"SRM_CHANNEL_MODES: mode for {channel} must be one of {', '.join(CHANNEL_MODES)}")
        log_format = env.get("SRM_LOG_FORMAT") or None
        if log_format not in (None, *LOG_FORMATS):
            raise SettingsError(f"SRM_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
        if bool(env.get("SLACK_CLIENT_ID")) != bool(env.get("SLACK_CLIENT_SECRET")):
            raise SettingsError("set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for the OAuth install flow")
        max_backlog = _positive(env, "SRM_MAX_BACKLOG", DEFAULT_MAX_BACKLOG)
        return cls(
            knowledge_dir=knowledge_dir,
            overlay_path=overlay_path,
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            channel_mode=channel_mode,
            channel_modes=modes,
            onboarding_channels=_names(env.get("SRM_ONBOARDING_CHANNELS", "")),
            admins=_names(env.get("SRM_ADMINS", "")),
            database_url=env.get("SRM_DATABASE_URL") or DEFAULT_DATABASE_URL,
            store_questions=_flag(env.get("SRM_STORE_QUESTIONS", ""), "SRM_STORE_QUESTIONS"),
            client_id=env.get("SLACK_CLIENT_ID") or None,
            client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            log_format=log_format,
            max_backlog=max_backlog,
            max_body_bytes=_positive(env, "SRM_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            drain_seconds=_positive(env, "SRM_DRAIN_SECONDS", DEFAULT_DRAIN_SECONDS),
            store_timeout=_positive(env, "SRM_STORE_TIMEOUT_SECONDS", DEFAULT_STORE_TIMEOUT_SECONDS),
            work_lease_seconds=_positive(env, "SRM_WORK_LEASE_SECONDS", DEFAULT_WORK_LEASE_SECONDS),
            slack_timeout=_positive(env, "SRM_SLACK_TIMEOUT_SECONDS", DEFAULT_SLACK_TIMEOUT_SECONDS),
        )


def _flag(value: str, name: str) -> bool:
    if value.strip().lower() in TRUE:
        return True
    if value.strip().lower() in FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}")


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    """The whole number above 0 in the variable `name`, or `default` when it is unset or empty."""
    value = env.get(name) or str(default)
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise SettingsError(f"{name} must be a whole number above 0, not {value!r}")
    return number


def _names(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def knowledge_paths(env: Mapping[str, str]) -> tuple[Path, Path | None]:
    """The knowledge directory and overlay from the environment alone: what offline commands need, so a
    bad Slack or channel setting never stops `srm ask`."""
    overlay = env.get("SRM_OVERLAY")
    return Path(env.get("SRM_KNOWLEDGE_DIR") or DEFAULT_KNOWLEDGE_DIR), Path(overlay) if overlay else None


def _pairs(value: str, name: str) -> dict[str, str]:
    """Parse 'C123=off,C456=all'."""
    pairs: dict[str, str] = {}
    for part in _names(value):
        channel, sep, mode = part.partition("=")
        if not sep:
            raise SettingsError(f"{name}: expected CHANNEL=MODE, got {part!r}")
        pairs[channel.strip()] = mode.strip()
    return pairs
