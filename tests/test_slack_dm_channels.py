"""A user's DM channel is opened once and remembered: `conversations.open` is limited per
minute by Slack, and a DM would otherwise cost it every time. Against the Slack stand-in."""

from __future__ import annotations

import pytest

from bot.adapters.slack_sender import SlackSender, delivery_client
from bot.services.delivery import Undeliverable
from bot.services.ports import Kind
from bot.services.subjects import Subject
from tests.delivery_steps import ACME, approved, delivery
from tests.slack_standin import SlackStandin


def test_dms_to_one_user_open_the_conversation_once(slack: SlackStandin) -> None:
    sender = SlackSender(delivery_client(slack.url, slack.token, timeout=5), "C0REVIEW")

    first = sender.send(delivery(Kind.DECISION, "UACME2", 1), Subject(approved(), ACME))
    second = sender.send(delivery(Kind.DECISION, "UACME2", 2), Subject(approved(), ACME))
    other = sender.send(delivery(Kind.DECISION, "UACME1", 3), Subject(approved(), ACME))

    assert first["channel"] == second["channel"] == slack.dm_channel("UACME2")
    assert other["channel"] == slack.dm_channel("UACME1")
    assert [c.args["users"] for c in slack.calls("conversations.open")] == ["UACME2", "UACME1"]
    assert len(slack.messages(first["channel"])) == 2
    slack.assert_clean()


def test_a_failed_post_opens_the_conversation_again_next_time(slack: SlackStandin) -> None:
    sender = SlackSender(delivery_client(slack.url, slack.token, timeout=5), "C0REVIEW")
    sender.send(delivery(Kind.DECISION, "UACME2", 1), Subject(approved(), ACME))
    slack.fail_next("chat.postMessage", error="channel_not_found")

    with pytest.raises(Undeliverable):
        sender.send(delivery(Kind.DECISION, "UACME2", 2), Subject(approved(), ACME))
    sender.send(delivery(Kind.DECISION, "UACME2", 3), Subject(approved(), ACME))

    assert len(slack.calls("conversations.open")) == 2
