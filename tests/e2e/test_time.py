"""Time passing, over real HTTP against the Slack stand-in: review reminders in the card's thread,
the overdue mention and App Home, expiry reminders with their Extend button, and the outbox
delivering through Slack's failures.

The delivery guarantee these tests prove is **at least once, with a lease**: a message is written
in the transaction that causes it, claimed for `LEASE` before it is sent, and marked sent only
after Slack said ok. Slack failing (429 with Retry-After, 5xx) or a dispatcher dying between its
claim and the send never loses a message and never doubles it: the row is tried again after the
wait, or after the lease runs out. The one duplicate left is a process dying after Slack accepted
a message and before the result was recorded; both copies then carry the same outbox id in their
message metadata (`test_a_dispatcher_dying_after_slacks_ok_is_the_only_way_to_a_duplicate`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow
from bot.blocks.reminders import EXTEND, reminder_now
from bot.cli import main
from bot.domain.model import CustomerFacts, Registration, Status
from bot.scheduler import JOBS
from bot.services.delivery import LEASE
from bot.services.directory import ImportDirectory, import_directory
from bot.services.subjects import subject_of
from bot.settings import Settings
from tests import seeding
from tests.e2e.conftest import REVIEW_CHANNEL, REVIEWERS, Bot

# settle and registration are imported from here by other tests too
from tests.e2e.rows import REFRESHES, outbox
from tests.e2e.rows import registration as registration
from tests.e2e.rows import settle as settle
from tests.slack_standin import Call

DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)
ACME_USERS = ("UACME1", "UACME2")


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def hold(bot: Bot, email: str = "einkauf@kunde.example") -> Registration:
    """ACME pre-registers a customer the rules let through at once. The DM with its
    invitation link is set aside by `posted` and `dms_to`: these tests follow the reminders."""
    return seeding.hold(bot.context, email)


def ask_review(bot: Bot) -> Registration:
    """ACME (DE) asks for a review of a French customer; the card's outbox row is written."""
    return seeding.ask_review(bot.context, "achat@kunde.fr")


def drop_refreshes(bot: Bot) -> None:
    """For tests of one message's delivery: the App Home refreshes are not theirs."""
    with Session(bot.runtime.engine) as session:
        session.execute(delete(OutboxRow).where(OutboxRow.kind.in_(REFRESHES)))
        session.commit()


def at(bot: Bot, moment: datetime) -> None:
    """The clock reaches `moment` and the periodic jobs tick, as the scheduler would; the worker
    delivers what they wrote. Settled first, so no send is in flight while the clock jumps."""
    settle(bot)
    bot.clock.now = moment
    for job in JOBS:
        job.run(bot.runtime)
    bot.runtime.outbox_wake.set()
    settle(bot)


def posted(bot: Bot, channel: str | None = None, after: int = 0) -> list[Call]:
    """chat.postMessage calls Slack accepted (to `channel`, if given), but for the DMs with
    the invitation link that every pre-registration sends."""
    aside = _invitation_dms(bot)
    return bot.slack.calls(
        "chat.postMessage",
        lambda c: (
            c.ok
            and (channel is None or c.response["channel"] == channel)
            and _outbox_id(c.args) not in aside
        ),
        after=after,
    )


def _invitation_dms(bot: Bot) -> set[int]:
    return {row.id for row in outbox(bot) if row.kind == "preregistered"}


def _outbox_id(message: dict[str, Any]) -> int | None:
    metadata = message.get("metadata") or {}
    return (metadata.get("event_payload") or {}).get("id")


def card_of(bot: Bot, request: Registration) -> dict[str, Any]:
    """The review card, once delivered."""
    settle(bot)
    (call,) = posted(bot, REVIEW_CHANNEL)
    card = bot.slack.message(REVIEW_CHANNEL, call.response["ts"])
    assert f"Registration #{request.id} ·" in bot.text_of(card)
    return card


def dms_to(bot: Bot, user: str) -> list[dict[str, Any]]:
    """The messages in the bot's DM with `user`, as they look now (invitation DMs aside)."""
    aside = _invitation_dms(bot)
    found = bot.slack.messages(bot.slack.dm_channel(user))
    return [m for m in found if _outbox_id(m) not in aside]


def date_of(moment: datetime | None) -> str:
    assert moment is not None
    return f"<!date^{int(moment.timestamp())}^"


# --------------------------------------------------------------------------
# Review deadlines
# --------------------------------------------------------------------------


def test_a_review_is_chased_in_the_cards_thread_halfway_then_the_reviewers_are_mentioned(
    bot: Bot,
) -> None:
    # Wednesday 10:00 UTC; 2 working days: due Friday 10:00; halfway Thursday 10:00.
    request = ask_review(bot)
    wednesday = bot.clock.now
    assert request.review_due == wednesday + 2 * DAY
    card = card_of(bot, request)

    at(bot, wednesday + DAY - TICK)
    assert len(posted(bot)) == 1, "nothing before halfway"

    at(bot, wednesday + DAY)
    at(bot, wednesday + DAY + timedelta(minutes=1))  # later ticks add nothing
    halfway = posted(bot)[1:]
    assert len(halfway) == 1
    assert halfway[0].args["channel"] == REVIEW_CHANNEL
    assert halfway[0].args["thread_ts"] == card["ts"]
    reminder = bot.slack.message(REVIEW_CHANNEL, halfway[0].response["ts"])
    assert "Half the answer time has passed" in bot.text_of(reminder)
    assert date_of(request.review_due) in bot.text_of(reminder)
    assert "<@" not in bot.text_of(reminder)  # halfway does not ping anyone

    at(bot, wednesday + 2 * DAY - TICK)
    assert len(posted(bot)) == 2
    at(bot, wednesday + 2 * DAY)
    at(bot, wednesday + 5 * DAY)
    overdue = posted(bot)[2:]
    assert len(overdue) == 1
    assert overdue[0].args["thread_ts"] == card["ts"]
    mention = bot.text_of(bot.slack.message(REVIEW_CHANNEL, overdue[0].response["ts"]))
    # Every reviewer who may decide it; UACME2 reviews too but works for the requesting company.
    for reviewer in ("UREV1", "UREV2"):
        assert f"<@{reviewer}>" in mention
    assert "<@UACME2>" not in mention
    assert set(REVIEWERS) == {"UREV1", "UREV2", "UACME2"}
    assert "still waiting" in mention

    # The channel holds one card with two replies in its thread, nothing else.
    channel = bot.slack.messages(REVIEW_CHANNEL)
    assert [m.get("thread_ts") for m in channel] == [None, card["ts"], card["ts"]]
    assert bot.slack.message(REVIEW_CHANNEL, card["ts"])["reply_count"] == 2
    bot.slack.assert_clean()


def test_the_partner_sees_an_overdue_review_in_app_home(bot: Bot) -> None:
    request = ask_review(bot)
    card_of(bot, request)

    def home_after_opening() -> str:
        mark = bot.slack.mark()
        assert bot.driver.app_home_opened("UACME1").status == 200
        bot.slack.wait_for("views.publish", lambda c: c.args.get("user_id") == "UACME1", after=mark)
        home = bot.slack.home_view("UACME1")
        assert home is not None
        return bot.text_of(home)

    at(bot, bot.clock.now + DAY)
    before = home_after_opening()
    assert "Kunde SARL" in before
    assert "Waiting for review" in before and "overdue" not in before

    assert request.review_due is not None
    at(bot, request.review_due)
    after = home_after_opening()
    assert "Kunde SARL" in after
    assert "Review overdue" in after
    assert date_of(request.review_due) in after
    bot.slack.assert_clean()


def test_after_downtime_past_the_deadline_only_the_overdue_mention_is_posted(bot: Bot) -> None:
    request = ask_review(bot)
    card = card_of(bot, request)
    assert request.review_due is not None

    at(bot, request.review_due + 3 * DAY)
    at(bot, request.review_due + 3 * DAY + timedelta(minutes=1))

    (chase,) = posted(bot)[1:]
    assert chase.args["thread_ts"] == card["ts"]
    text = bot.text_of(bot.slack.message(REVIEW_CHANNEL, chase.response["ts"]))
    assert "still waiting" in text and "Half the answer time" not in text
    bot.slack.assert_clean()


def test_a_chase_delayed_past_the_decision_is_skipped(bot: Bot) -> None:
    request = ask_review(bot)
    card = card_of(bot, request)
    assert request.review_due is not None
    bot.slack.fail_next("chat.postMessage", status=500)
    at(bot, request.review_due + timedelta(hours=1))  # the overdue mention meets a 500
    assert [r.status for r in outbox(bot) if r.kind == "review_overdue"] == ["pending"]

    assert bot.driver.click("UREV1", message=card, text="Approve").status == 200
    bot.wait_until(lambda: registration(bot, request.id).status is Status.PREREGISTERED)
    at(bot, bot.clock.now + timedelta(minutes=5))  # Slack is back: the row goes out late

    # The row is settled as skipped: no late thread message, nobody pinged.
    assert [r.status for r in outbox(bot) if r.kind == "review_overdue"] == ["skipped"]
    assert [c for c in posted(bot, REVIEW_CHANNEL) if c.args.get("thread_ts") == card["ts"]] == []
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Expiry reminders, Extend, and the end
# --------------------------------------------------------------------------


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def test_each_expiry_reminder_reaches_every_company_user_once_and_extend_adds_the_validity(
    bot: Bot,
) -> None:
    held = hold(bot)
    end = seeding.ends(held)
    validity = bot.context.policy.validity

    at(bot, end - 3 * DAY - TICK)
    assert posted(bot) == []
    at(bot, end - 3 * DAY)
    at(bot, end - 3 * DAY + timedelta(minutes=1))
    for user in ACME_USERS:
        (reminder,) = dms_to(bot, user)
        shown = bot.text_of(reminder)
        assert "Kunde GmbH" in shown and date_of(end) in shown
        assert date_of(end + validity) in shown  # what extending would give
        (button,) = buttons(reminder)
        assert (button["action_id"], button["text"]["text"]) == (EXTEND, "Extend")
        assert button["value"] == f"{held.id}@0"  # the registration, as it was shown
        assert "<!date" not in reminder["text"]  # the fallback reads as plain words
    assert bot.slack.dm_channel("UBETA1") not in {c.response["channel"] for c in posted(bot)}

    at(bot, end - DAY)
    assert [len(dms_to(bot, user)) for user in ACME_USERS] == [2, 2]

    # UACME1 extends from the reminder: the validity is added to the current end.
    reminder = dms_to(bot, "UACME1")[-1]
    homes_before = len(bot.slack.calls("views.publish"))
    assert bot.driver.click("UACME1", message=reminder, action_id=EXTEND).status == 200
    bot.wait_until(lambda: registration(bot, held.id).valid_until != end)
    extended = registration(bot, held.id)
    assert extended.status is Status.PREREGISTERED
    assert extended.valid_until == end + validity
    assert extended.extensions == 1
    # Every copy, of both users, now tells the new end and offers no button.
    settle(bot)
    bot.wait_until(
        lambda: all(
            not buttons(m) and date_of(end + validity) in bot.text_of(m)
            for user in ACME_USERS
            for m in dms_to(bot, user)
        )
    )
    assert dms_to(bot, "UACME1")[-1]["ts"] == reminder["ts"]  # updated in place
    # Both users' App Home was published again.
    published = {c.args.get("user_id") for c in bot.slack.calls("views.publish")[homes_before:]}
    assert set(ACME_USERS) <= published

    # A stale copy clicked again is refused by the limit, in words.
    assert bot.driver.click("UACME2", message=reminder, action_id=EXTEND).status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME2")))
    said = bot.text_of(bot.slack.ephemerals("UACME2")[-1])
    assert "Not extended" in said and "extend a reservation yourself once" in said
    assert registration(bot, held.id).valid_until == end + validity

    # The old end passes without an expiry; the new marks bring new reminders, where only a
    # reviewed request is left: the button says so before the click.
    at(bot, end + DAY)
    assert registration(bot, held.id).status is Status.PREREGISTERED
    at(bot, end + validity - 3 * DAY)
    assert [len(dms_to(bot, user)) for user in ACME_USERS] == [3, 3]
    (button,) = buttons(dms_to(bot, "UACME1")[-1])
    assert button["text"]["text"] == "Request an extension"
    bot.slack.assert_clean()


def test_two_users_extending_at_once_extend_once(bot: Bot) -> None:
    held = hold(bot)
    end = seeding.ends(held)
    at(bot, end - DAY)
    first, second = (dms_to(bot, user)[-1] for user in ACME_USERS)

    with ThreadPoolExecutor(2) as pool:
        clicks = [
            pool.submit(bot.driver.click, user, message=message, action_id=EXTEND)
            for user, message in zip(ACME_USERS, (first, second), strict=True)
        ]
        assert [c.result().status for c in clicks] == [200, 200]

    bot.wait_until(lambda: len(bot.slack.ephemerals()) >= 1)
    assert registration(bot, held.id).valid_until == end + bot.context.policy.validity
    assert registration(bot, held.id).extensions == 1
    refused = [bot.text_of(e) for e in bot.slack.ephemerals()]
    assert len(refused) == 1 and "Not extended" in refused[0]
    bot.slack.assert_clean()


def test_an_extension_is_refused_too_early_in_plain_words(bot: Bot) -> None:
    held = hold(bot)
    assert held.valid_until is not None
    # A copy of the reminder as it reads inside the window, clicked before the window opens.
    copy = reminder_now(held, held.valid_until - DAY, bot.context.policy)
    message = {
        **copy.as_kwargs(),
        "ts": "1700000000.000100",
        "channel": bot.slack.dm_channel("UACME1"),
    }
    bot.clock.now = held.valid_until - 4 * DAY
    assert bot.driver.click("UACME1", message=message, action_id=EXTEND).status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME1")))
    said = bot.text_of(bot.slack.ephemerals("UACME1")[-1])
    assert "too early" in said and date_of(held.valid_until - 3 * DAY) in said
    assert registration(bot, held.id).valid_until == held.valid_until


def test_extend_is_refused_in_plain_words_when_the_rules_now_say_no_and_the_end_comes(
    bot: Bot,
) -> None:
    held = hold(bot)
    end = seeding.ends(held)
    # Down over both marks: only the 1-day reminder is sent.
    at(bot, end - DAY + timedelta(hours=3))
    (reminder,) = dms_to(bot, "UACME1")
    assert len(dms_to(bot, "UACME2")) == 1

    # Meanwhile the customer signed a contract with the cloud.
    signed = CustomerFacts(email="einkauf@kunde.example", has_contract=True)
    import_directory(ImportDirectory([signed]), bot.context)
    assert bot.driver.click("UACME1", message=reminder, action_id=EXTEND).status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME1")))
    (refusal,) = bot.slack.ephemerals("UACME1")
    said = bot.text_of(refusal)
    assert "Not extended" in said
    assert "signed a contract with the cloud" in said
    assert date_of(end) in said  # it still ends on its date
    assert registration(bot, held.id).valid_until == end
    assert buttons(dms_to(bot, "UACME1")[0])  # the reminder is left as it was

    # The end: each company user is told once, the reminders lose their button, and a
    # click on an old copy says it expired.
    at(bot, end)
    at(bot, end + timedelta(minutes=1))
    assert registration(bot, held.id).status is Status.EXPIRED
    for user in ACME_USERS:
        notices = [m for m in dms_to(bot, user) if "has ended" in bot.text_of(m)]
        assert len(notices) == 2  # the notice, and the reminder updated in place
        assert not any(buttons(m) and m["ts"] == reminder["ts"] for m in dms_to(bot, user))
    assert bot.driver.click("UACME1", message=reminder, action_id=EXTEND).status == 200
    bot.wait_until(lambda: len(bot.slack.ephemerals("UACME1")) == 2)
    assert "expired" in bot.text_of(bot.slack.ephemerals("UACME1")[-1])
    bot.slack.assert_clean()


def test_after_downtime_past_the_end_only_the_ended_notice_is_sent(bot: Bot) -> None:
    held = hold(bot)
    assert held.valid_until is not None

    at(bot, held.valid_until + 2 * DAY)

    assert registration(bot, held.id).status is Status.EXPIRED
    for user in ACME_USERS:
        (notice,) = dms_to(bot, user)
        assert "has ended" in bot.text_of(notice)
    kinds = [row.kind for row in outbox(bot)]
    assert kinds == ["preregistered", "expired", "expired"]  # no reminder, only the notices
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Durable delivery
# --------------------------------------------------------------------------


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
