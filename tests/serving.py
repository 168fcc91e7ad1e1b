"""The settings of a bot talking to the Slack stand-in: in process, or as a `prereg serve` child."""

from __future__ import annotations

import os
from typing import Any

from bot.settings import Settings
from tests.slack_standin import SlackStandin

SIGNING_SECRET = "test-signing-secret"
PROXIES = {"HTTP_PROXY", "HTTPS_PROXY"}


def standin_values(
    slack: SlackStandin,
    database_url: str,
    secret: str = SIGNING_SECRET,
    reviewers: str = "U0REVIEWER1",
) -> dict[str, Any]:
    return {
        "database_url": database_url,
        "slack_bot_token": slack.token,
        "slack_signing_secret": secret,
        "slack_api_url": slack.url,
        "review_channel_id": "C0REVIEW",
        "reviewer_user_ids": reviewers,
        "invite_secret": "test-invite-secret",
    }


def standin_settings(slack: SlackStandin, database_url: str, **values: Any) -> Settings:
    return Settings(_env_file=None, **(standin_values(slack, database_url) | values))


def server_env(
    slack: SlackStandin, database_url: str, reviewers: str = "U0REVIEWER1"
) -> dict[str, str]:
    """The environment of a `prereg serve` child: only our settings, and no proxy (slack_sdk
    would send the stand-in's traffic through it)."""
    ignored = {name.upper() for name in Settings.model_fields} | PROXIES
    env = {k: v for k, v in os.environ.items() if k.upper() not in ignored}
    values = standin_values(slack, database_url, reviewers=reviewers)
    env.update({name.upper(): str(value) for name, value in values.items()})
    return env
