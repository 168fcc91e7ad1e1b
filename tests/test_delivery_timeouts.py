"""A post Slack accepted but answered too late: the sender does not repeat it at once.

The README (Delivery) says which calls can make a twin and why: a `chat.postMessage` whose
answer never came back is retried later with backoff (tests/test_delivery_outcomes.py shows the
dispatcher's backoff), never at once, as the post may have landed. Here the stand-in accepts
the post and answers after the client gave up.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.adapters.slack_sender import SlackSender, delivery_client
from bot.services.delivery import RetryLater
from bot.services.ports import Kind
from bot.services.subjects import Subject
from tests.delivery_steps import ACME, delivery, pending
from tests.slack_standin import PATIENCE, SlackStandin


def test_a_post_answered_after_the_timeout_is_left_for_later_not_repeated(
    slack: SlackStandin,
) -> None:
    impatient = SlackSender(delivery_client(slack.url, slack.token, timeout=1), "C0REVIEW")
    slack.slow("chat.postMessage", 3)  # accepted, then answered after the client gave up

    with pytest.raises(RetryLater):
        impatient.send(delivery(Kind.REVIEW_REQUEST), Subject(pending(), ACME))

    wait_until(lambda: len(slack.messages("C0REVIEW")) == 1)
    assert len(slack.calls("chat.postMessage")) == 1  # not repeated inside the client
    # Marked with its outbox id, so that a later twin can be recognised.
    (landed,) = slack.messages("C0REVIEW")
    assert landed["metadata"]["event_payload"] == {"id": 42}


def wait_until(condition: Callable[[], bool], timeout: float = PATIENCE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)
