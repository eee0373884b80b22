"""Configuration, read once from the environment into one typed object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.loader import DEFAULT_DIR

CHANNEL_MODES = ("off", "questions", "all")


class SettingsError(ValueError):
    """An environment variable has a value the bot cannot use."""


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path = DEFAULT_DIR
    overlay_path: Path | None = None
    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    channel_mode: str = "questions"
    channel_modes: Mapping[str, str] = field(default_factory=dict)
    onboarding_channels: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    answer_threshold: float = 0.8

    def mode_for(self, channel: str) -> str:
        return self.channel_modes.get(channel, self.channel_mode)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        overlay = env.get("SRM_OVERLAY")
        channel_mode = env.get("SRM_CHANNEL_MODE", "questions")
        if channel_mode not in CHANNEL_MODES:
            raise SettingsError(f"SRM_CHANNEL_MODE must be one of {', '.join(CHANNEL_MODES)}, not {channel_mode!r}")
        modes = _pairs(env.get("SRM_CHANNEL_MODES", ""), "SRM_CHANNEL_MODES")
        for channel, mode in modes.items():
            if mode not in CHANNEL_MODES:
                raise SettingsError(f"SRM_CHANNEL_MODES: mode for {channel} must be one of {', '.join(CHANNEL_MODES)}")
        return cls(
            knowledge_dir=Path(env.get("SRM_KNOWLEDGE_DIR") or DEFAULT_DIR),
            overlay_path=Path(overlay) if overlay else None,
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            channel_mode=channel_mode,
            channel_modes=modes,
            onboarding_channels=_names(env.get("SRM_ONBOARDING_CHANNELS", "")),
            admins=_names(env.get("SRM_ADMINS", "")),
        )


def _names(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def _pairs(value: str, name: str) -> dict[str, str]:
    """Parse 'C123=off,C456=all'."""
    pairs: dict[str, str] = {}
    for part in _names(value):
        channel, sep, mode = part.partition("=")
        if not sep:
            raise SettingsError(f"{name}: expected CHANNEL=MODE, got {part!r}")
        pairs[channel.strip()] = mode.strip()
    return pairs
