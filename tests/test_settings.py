"""Settings: the environment read once into one typed object; a value the bot cannot use names its variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE_URL, DEFAULT_MAX_BACKLOG, Settings, SettingsError


def test_an_empty_environment_gives_the_defaults():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.bot_token is None and settings.app_token is None and settings.signing_secret is None
    assert settings.channel_mode == "off" and settings.channel_modes == {}  # quiet by default
    assert settings.database_url == DEFAULT_DATABASE_URL and settings.max_backlog == DEFAULT_MAX_BACKLOG
    assert settings.store_questions is False and settings.oauth is False and settings.log_format is None
    assert (settings.knowledge_dir / "services").is_dir()  # the shipped knowledge


def test_every_variable_is_read():
    settings = Settings.from_env({
        "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": "http://127.0.0.1:9/api/", "SRM_KNOWLEDGE_DIR": "/k", "SRM_OVERLAY": "/k/o.yaml",
        "SRM_CHANNEL_MODE": "all", "SRM_CHANNEL_MODES": "C1=off, C2=questions", "SRM_ONBOARDING_CHANNELS": "C3,,C4 ",
        "SRM_ADMINS": "U1,U2", "SRM_DATABASE_URL": "sqlite:///x.sqlite3", "SRM_STORE_QUESTIONS": "yes",
        "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SRM_LOG_FORMAT": "text", "SRM_MAX_BACKLOG": "7",
    })  # fmt: skip
    assert (settings.bot_token, settings.app_token, settings.signing_secret) == ("xoxb-1", "xapp-1", "secret")
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert (settings.knowledge_dir, settings.overlay_path) == (Path("/k"), Path("/k/o.yaml"))
    assert settings.channel_modes == {"C1": "off", "C2": "questions"}
    assert settings.onboarding_channels == {"C3", "C4"} and settings.admins == {"U1", "U2"}
    assert settings.database_url == "sqlite:///x.sqlite3" and settings.store_questions is True
    assert settings.oauth and settings.log_format == "text" and settings.max_backlog == 7


def test_a_channel_override_wins_over_the_default_mode():
    settings = Settings.from_env({"SRM_CHANNEL_MODE": "off", "SRM_CHANNEL_MODES": "CALL=all"})
    assert settings.mode_for("CALL") == "all" and settings.mode_for("C0001") == "off"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SRM_CHANNEL_MODE": "loud"}, "SRM_CHANNEL_MODE must be one of off, questions, all, not 'loud'"),
        ({"SRM_CHANNEL_MODES": "C1=loud"}, "SRM_CHANNEL_MODES: mode for C1 must be one of off, questions, all"),
        ({"SRM_CHANNEL_MODES": "C1"}, "SRM_CHANNEL_MODES: expected CHANNEL=MODE, got 'C1'"),
        ({"SRM_LOG_FORMAT": "xml"}, "SRM_LOG_FORMAT must be one of json, text, not 'xml'"),
        ({"SLACK_CLIENT_ID": "1.2"}, "set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
        ({"SLACK_CLIENT_SECRET": "c"}, "set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
        ({"SRM_MAX_BACKLOG": "0"}, "SRM_MAX_BACKLOG must be a whole number above 0, not '0'"),
        ({"SRM_MAX_BACKLOG": "lots"}, "SRM_MAX_BACKLOG must be a whole number above 0, not 'lots'"),
        ({"SRM_STORE_QUESTIONS": "maybe"}, "SRM_STORE_QUESTIONS must be true or false, not 'maybe'"),
    ],
)
def test_an_unusable_value_names_its_variable(env, message):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(("value", "kept"), [("1", True), ("ON", True), ("false", False), ("", False), ("no", False)])
def test_store_questions_flag(value, kept):
    assert Settings.from_env({"SRM_STORE_QUESTIONS": value}).store_questions is kept


def test_secrets_are_not_in_the_repr():
    settings = Settings.from_env({
        "SLACK_BOT_TOKEN": "xoxb-secret", "SLACK_APP_TOKEN": "xapp-secret", "SLACK_SIGNING_SECRET": "sign-secret",
        "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "client-secret",
        "SRM_DATABASE_URL": "postgresql+psycopg://srm:db-secret@db/srm",
    })  # fmt: skip
    text = repr(settings)
    assert not any(secret in text for secret in ("xoxb-secret", "xapp-secret", "sign-secret", "client-secret",
                                                   "db-secret"))  # fmt: skip
