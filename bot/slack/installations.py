"""Workspaces' bot installations (OAuth mode) kept in memory for a while, so Bolt's authorization of each
request does not query the database on the event loop."""

from __future__ import annotations

import time
from collections.abc import Callable
from logging import Logger

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore


class InstallationCache(InstallationStore):
    """Bots found in `store`, each kept for `seconds`: Bolt looks the installation up for every request,
    and the event loop must not wait on SQL. Entries expire (slack_sdk's CacheableInstallationStore keeps
    them for ever) so that a reinstall saved by another instance is picked up; saving or deleting here
    empties the cache at once. Only bots are cached: the app asks for bot scopes alone (bot-only authorize)."""

    def __init__(self, store: InstallationStore, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.underlying = store
        self.seconds = seconds
        self._clock = clock
        self._bots: dict[tuple[str | None, str | None], tuple[float, Bot]] = {}

    @property
    def logger(self) -> Logger:
        return self.underlying.logger

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        key = (enterprise_id, None if is_enterprise_install else team_id)
        now = self._clock()
        cached = self._bots.get(key)
        if cached is not None and now - cached[0] < self.seconds:
            return cached[1]
        bot = self.underlying.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        if bot is not None:
            self._bots[key] = (now, bot)
        return bot

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return self.underlying.find_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, is_enterprise_install=is_enterprise_install
        )

    def save(self, installation: Installation) -> None:
        self.underlying.save(installation)
        self._bots.clear()

    def save_bot(self, bot: Bot) -> None:
        self.underlying.save_bot(bot)
        self._bots.clear()

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.underlying.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self._bots.clear()

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.underlying.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
        self._bots.clear()

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.underlying.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        self._bots.clear()
