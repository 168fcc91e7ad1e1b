"""Errors and delays on demand: rate limits, server errors, and waiting for a call made later."""

from __future__ import annotations

import threading
import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from tests.slack_standin import SlackStandin
from tests.standin_steps import PARTNER, REVIEW

# slack_sdk honours HTTP(S)_PROXY and ignores NO_PROXY: loopback must stay loopback.
pytestmark = pytest.mark.usefixtures("no_proxy")


def test_429_with_retry_after_is_retried_by_slack_sdk(slack: SlackStandin) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    client = slack.web_client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    assert client.chat_postMessage(channel=REVIEW, text="hello")["ok"]
    first, second = slack.calls("chat.postMessage")
    assert (first.status, first.error, first.injected) == (429, "ratelimited", True)
    assert second.ok
    assert len(slack.messages(REVIEW)) == 1


def test_server_errors_then_success(slack: SlackStandin) -> None:
    slack.fail_next("chat.postMessage", status=500, times=2)
    quick = FixedValueRetryIntervalCalculator(0.01)
    client = slack.web_client(
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=2, interval_calculator=quick)]
    )
    assert client.chat_postMessage(channel=REVIEW, text="hello")["ok"]
    assert [c.status for c in slack.calls("chat.postMessage")] == [500, 500, 200]
    assert slack.errors() == []  # injected failures are not the bot's fault


def test_errors_and_delays_on_demand(slack: SlackStandin, client: WebClient) -> None:
    slack.fail_next("chat.postMessage", error="channel_not_found")
    slack.fail_next("*", error="fatal_error")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel=REVIEW, text="x")
    with pytest.raises(SlackApiError, match="fatal_error"):
        client.chat_postMessage(channel=REVIEW, text="x")
    assert client.chat_postMessage(channel=REVIEW, text="x")["ok"]

    slack.slow("users.info", 0.3)
    started = time.monotonic()
    client.users_info(user=PARTNER)
    assert time.monotonic() - started >= 0.3


def test_wait_for_waits_for_a_call_made_later(slack: SlackStandin, client: WebClient) -> None:
    mark = slack.mark()
    later = threading.Timer(0.1, lambda: client.chat_postMessage(channel=REVIEW, text="late"))
    later.start()
    call = slack.wait_for("chat.postMessage", lambda c: c.args["text"] == "late", after=mark)
    assert call.ok
    with pytest.raises(AssertionError, match="waited"):
        slack.wait_for("views.open", timeout=0.1)
