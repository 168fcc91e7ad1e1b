"""Expiry reminders reach every user of the company once, and extending follows the rules."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from bot.blocks.reminders import EXTEND, reminder_now
from bot.domain.model import CustomerFacts, Status
from bot.services.directory import ImportDirectory, import_directory
from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.rows import outbox, registration, settle
from tests.e2e.time_steps import ACME_USERS, DAY, TICK, at, buttons, date_of, dms_to, hold, posted


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
