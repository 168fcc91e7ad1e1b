"""The Web API client the outbox sends with, how Slack's failures sort into retry or give
up, and each user's DM channel."""

from __future__ import annotations

from datetime import timedelta
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

from bot.services.delivery import RetryLater, Undeliverable

# Errors that will not go away by trying again: the message goes to the dead letters.
PERMANENT = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "invalid_arguments",
        "invalid_auth",
        "invalid_blocks",
        "is_archived",
        "message_not_found",
        "missing_scope",
        "msg_too_long",
        "no_text",
        "not_authed",
        "not_in_channel",
        "token_revoked",
        "user_not_found",
        "user_disabled",
    }
)

TIMEOUT = 30
"""Seconds to wait for Slack's answer. Slack sometimes answers after 10 s or more, having
posted the message: a shorter timeout would record a failure and post a twin later."""


def delivery_client(base_url: str, token: str, timeout: int = TIMEOUT) -> WebClient:
    """No rate-limit or 5xx retries inside the client: the outbox schedules those itself.
    A connection that failed to open is retried once; a request that may have reached Slack
    (reset or timed out while waiting for the answer) is not repeated here."""
    return WebClient(
        base_url=base_url,
        token=token,
        timeout=timeout,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1, error_types=[URLError])],
    )


class DmChannels:
    """Each user's DM channel, opened once: `conversations.open` answers the same channel
    every time, and Slack limits it per minute (a DM would otherwise cost two calls)."""

    def __init__(self, client: WebClient, most: int = 10_000) -> None:
        self.client, self.most = client, most
        self._known: dict[str, str] = {}

    def of(self, user_id: str) -> str:
        known = self._known.get(user_id)
        if known is None:
            opened = self.client.conversations_open(users=user_id)
            known = str(opened["channel"]["id"])
            if len(self._known) >= self.most:
                self._known.clear()
            self._known[user_id] = known
        return known

    def forget(self, user_id: str) -> None:
        """After a failed post: the channel may be the reason."""
        self._known.pop(user_id, None)


def classified(failure: SlackApiError) -> Exception:
    response = failure.response
    error = str(response.get("error", "unknown_error"))
    if response.status_code == 429:
        headers = {str(k).lower(): v for k, v in (response.headers or {}).items()}
        retry_after = headers.get("retry-after")
        value = retry_after[0] if isinstance(retry_after, list) else retry_after
        seconds = int(value) if value is not None and str(value).isdigit() else None
        return RetryLater("ratelimited", timedelta(seconds=seconds) if seconds else None)
    if response.status_code >= 500:
        return RetryLater(f"HTTP {response.status_code}: {error}")
    if error in PERMANENT:
        return Undeliverable(error)
    return RetryLater(error)
