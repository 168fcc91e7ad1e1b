"""Delivery over time: retries, dispatchers that die, dead letters the CLI shows and sends again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow
from bot.cli import main
from bot.services.delivery import LEASE
from bot.services.subjects import subject_of
from bot.settings import Settings
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.rows import REFRESHES, outbox, settle
from tests.e2e.time_steps import DAY, TICK, ask_review, at, card_of, posted


def drop_refreshes(bot: Bot) -> None:
    """For tests of one message's delivery: the App Home refreshes are not theirs."""
    with Session(bot.runtime.engine) as session:
        session.execute(delete(OutboxRow).where(OutboxRow.kind.in_(REFRESHES)))
        session.commit()


def card_row(bot: Bot) -> OutboxRow:
    (row,) = [r for r in outbox(bot) if r.kind == "review_request"]
    return row


def test_rate_limited_then_three_server_errors_then_ok_delivers_the_card_once(bot: Bot) -> None:
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    bot.slack.fail_next("chat.postMessage", status=500, times=3)
    start = bot.clock.now
    request = ask_review(bot)

    bot.slack.wait_for_count("chat.postMessage", 1)
    settle(bot)
    row = card_row(bot)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ratelimited")
    assert row.next_attempt_at == start + timedelta(seconds=1)  # Retry-After, exactly
    bot.clock.advance(timedelta(milliseconds=999))
    assert bot.runtime.deliver_outbox().sent == 0
    assert len(bot.slack.calls("chat.postMessage")) == 1

    for attempt in (2, 3, 4):
        bot.clock.now = row.next_attempt_at
        bot.runtime.outbox_wake.set()
        bot.slack.wait_for_count("chat.postMessage", attempt)
        settle(bot)
        row = card_row(bot)
        assert (row.status, row.attempts) == ("pending", attempt)
        assert (row.last_error or "").startswith("HTTP 500")
        wait = row.next_attempt_at - bot.clock.now
        # Exponential backoff with jitter: 2^attempts seconds, +-50 %.
        assert timedelta(seconds=2**attempt * 0.5) <= wait <= timedelta(seconds=2**attempt * 1.5)

    bot.clock.now = row.next_attempt_at
    bot.runtime.outbox_wake.set()
    bot.slack.wait_for_count("chat.postMessage", 5)
    settle(bot)

    (delivered,) = posted(bot, REVIEW_CHANNEL)
    assert [c.status for c in bot.slack.calls("chat.postMessage")] == [429, 500, 500, 500, 200]
    row = card_row(bot)
    assert (row.status, row.attempts) == ("sent", 5)
    assert row.result == {"channel": REVIEW_CHANNEL, "ts": delivered.response["ts"]}
    assert card_of(bot, request)["ts"] == delivered.response["ts"]
    # Much later, nothing more is sent.
    at(bot, bot.clock.now + timedelta(hours=1))
    assert len(bot.slack.calls("chat.postMessage")) == 5
    bot.slack.assert_clean()


def test_a_dispatcher_killed_between_claim_and_send_is_replaced_after_its_lease(bot: Bot) -> None:
    bot.stack.outbox.stop()  # this test plays every dispatcher itself
    request = ask_review(bot)
    drop_refreshes(bot)
    claimed_at = bot.clock.now
    with bot.context.uow() as uow:  # a dispatcher claims the card...
        (claimed,) = uow.outbox.claim(claimed_at, LEASE, 10)
        uow.commit()
    # ...and dies before sending it.

    assert bot.runtime.deliver_outbox().sent == 0
    bot.clock.now = claimed_at + LEASE - TICK
    assert bot.runtime.deliver_outbox().sent == 0
    assert bot.slack.calls("chat.postMessage") == []

    bot.clock.now = claimed_at + LEASE
    assert bot.runtime.deliver_outbox().sent == 1
    bot.clock.advance(LEASE * 10)
    assert bot.runtime.deliver_outbox().sent == 0

    (call,) = bot.slack.calls("chat.postMessage")
    assert call.ok
    assert call.args["metadata"]["event_payload"] == {"id": claimed.id}
    row = card_row(bot)
    assert (row.id, row.status, row.attempts) == (claimed.id, "sent", 2)
    card_of(bot, request)
    bot.slack.assert_clean()


def test_a_dispatcher_dying_after_slacks_ok_is_the_only_way_to_a_duplicate(bot: Bot) -> None:
    bot.stack.outbox.stop()
    ask_review(bot)
    drop_refreshes(bot)
    sender = bot.runtime.sender
    assert sender is not None
    with bot.context.uow() as uow:
        (claimed,) = uow.outbox.claim(bot.clock.now, LEASE, 10)
        uow.commit()
    sender.send(
        claimed, subject_of(claimed, bot.context.uow, bot.clock.now, bot.context.policy)
    )  # Slack says ok; then it dies.

    bot.clock.advance(LEASE)
    assert bot.runtime.deliver_outbox().sent == 1

    calls = bot.slack.calls("chat.postMessage")
    assert [c.ok for c in calls] == [True, True]
    # Both copies name their outbox row, so a reader (or a later check) can tell them apart.
    assert {c.args["metadata"]["event_payload"]["id"] for c in calls} == {claimed.id}
    assert card_row(bot).status == "sent"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> None:
    """`prereg …` in this process, on the bot's database, without Slack settings."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)


@pytest.mark.usefixtures("cli")
@pytest.mark.parametrize("error", ["channel_not_found", "invalid_auth"])
def test_a_permanent_error_is_a_dead_letter_the_cli_shows_and_sends_again(
    bot: Bot, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bot.slack.fail_next("chat.postMessage", error=error)
    request = ask_review(bot)
    bot.wait_until(lambda: card_row(bot).status == "dead")
    dead = card_row(bot)
    assert (dead.attempts, dead.last_error) == (1, error)
    # Not retried, however long we wait.
    at(bot, bot.clock.now + DAY)
    assert len(bot.slack.calls("chat.postMessage")) == 1

    capsys.readouterr()
    assert main(["outbox", "list", "--failed"], clock=bot.clock) == 0
    header, line = capsys.readouterr().out.splitlines()
    assert header.split()[:6] == ["id", "kind", "to", "registration", "status", "attempts"]
    assert line.split()[:6] == [
        str(dead.id),
        "review_request",
        "reviewers",
        str(request.id),
        "dead",
        "1",
    ]
    assert line.endswith(error)

    assert main(["outbox", "retry", str(dead.id)], clock=bot.clock) == 0
    assert f"message {dead.id} is queued again" in capsys.readouterr().out
    assert main(["outbox", "retry", str(dead.id)], clock=bot.clock) == 1  # no longer a dead letter
    assert capsys.readouterr().err == f"prereg: no dead letter with id {dead.id}\n"
    assert main(["outbox", "list", "--failed"], clock=bot.clock) == 0
    assert capsys.readouterr().out == "no dead letters\n"

    # The CLI queued it for its own now (the running bot may already be sending it); the
    # bot's clock catches up with that moment.
    with bot.context.uow() as uow:
        (revived,) = [e for e in uow.outbox.entries(False, 10) if e.id == dead.id]
    bot.clock.now = max(bot.clock.now, revived.next_attempt_at)
    bot.runtime.outbox_wake.set()
    bot.wait_until(lambda: card_row(bot).status == "sent")
    sent = card_row(bot)
    assert sent.attempts == 1  # counted afresh from the retry
    (delivered,) = posted(bot, REVIEW_CHANNEL)
    assert card_of(bot, request)["ts"] == delivered.response["ts"]
    assert bot.slack.errors(include_injected=True) == bot.slack.calls("chat.postMessage")[:1]
    bot.slack.assert_clean()
