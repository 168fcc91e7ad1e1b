"""`/preregister list` and `delete`, and the per-customer menu, over real HTTP."""

from __future__ import annotations

from bot.domain.model import Customer, Status
from bot.services.registrations import Delete, Preregister, delete, preregister
from tests.e2e.conftest import Bot

USERS = {"acme": "UACME1", "beta": "UBETA1", "mute": "UMUTE1"}


def seed(bot: Bot, partner: str, name: str, country: str = "DE", why: str | None = None) -> int:
    email = f"{name.split()[0].lower().strip('<>!@&')}@kunde.example"
    submitted = preregister(
        Preregister(USERS[partner], Customer(name, country, email=email), why), bot.context
    )
    assert submitted.registration is not None and submitted.registration.id is not None
    return submitted.registration.id


def status_of(bot: Bot, registration_id: int) -> Status:
    with bot.context.uow() as uow:
        registration = uow.registrations.get(registration_id)
    assert registration is not None
    return registration.status


def latest_ephemeral(bot: Bot, user: str) -> dict:  # type: ignore[type-arg]
    bot.wait_until(lambda: bool(bot.slack.ephemerals(user)))
    return bot.slack.ephemerals(user)[-1]


def test_list_shows_only_the_companys_customers_safely(bot: Bot) -> None:
    seed(bot, "acme", "Alpha <!channel> & Co")
    seed(bot, "acme", "Fremd", country="FR", why="Met at a fair")
    seed(bot, "beta", "Betakunde")

    assert bot.driver.slash_command("UACME2", "list").status == 200
    listing = latest_ephemeral(bot, "UACME2")
    shown = bot.text_of(listing)

    assert "Alpha &lt;!channel&gt; &amp; Co" in shown
    assert "<!channel>" not in shown
    assert "Waiting for review" in shown
    assert "Pre-registered until" in shown
    assert "Betakunde" not in shown
    assert "2 of 3 active" in shown
    bot.slack.assert_clean()


def test_delete_from_the_list_releases_the_customer(bot: Bot) -> None:
    registration_id = seed(bot, "acme", "Alpha GmbH")
    bot.driver.slash_command("UACME1", "list")
    listing = latest_ephemeral(bot, "UACME1")

    bot.driver.choose("UACME1", "Delete", message=listing, action_id="manage")
    bot.slack.wait_for("views.open")
    confirm = bot.modal("UACME1")
    assert "Delete Alpha GmbH?" in bot.text_of(confirm)
    answer = bot.driver.submit_view("UACME1")

    assert answer.json["response_action"] == "update"
    assert "deleted" in bot.text_of(bot.modal("UACME1"))
    assert status_of(bot, registration_id) is Status.DELETED
    # Released at once: another partner may take the customer.
    again = preregister(
        Preregister("UBETA1", Customer("Alpha GmbH", "DE", email="alpha@kunde.example")),
        bot.context,
    )
    assert again.recorded
    bot.slack.assert_clean()


def test_delete_many_refuses_pending_reviews_server_side(bot: Bot) -> None:
    first = seed(bot, "acme", "Alpha GmbH")
    second = seed(bot, "acme", "Beta GmbH")
    pending = seed(bot, "acme", "Fremd SA", country="FR", why="Met at a fair")

    bot.driver.slash_command("UACME1", "delete")
    bot.slack.wait_for("views.open")
    modal = bot.modal("UACME1")
    offered = bot.text_of(modal)
    assert "Alpha GmbH" in offered and "Beta GmbH" in offered
    assert "Fremd SA" not in offered  # a pending review is not offered at all
    # A crafted submission naming the pending one anyway is refused for that one only.
    values = {
        "registrations": {
            "value": {
                "type": "multi_static_select",
                "selected_options": [
                    {"text": {"type": "plain_text", "text": n}, "value": str(i)}
                    for n, i in (("Alpha GmbH", first), ("Beta GmbH", second), ("x", pending))
                ],
            }
        }
    }
    answer = bot.driver.submit_view("UACME1", values=values)

    assert answer.json["response_action"] == "update"
    assert "Deleted 2 customers" in bot.text_of(bot.modal("UACME1"))
    assert [status_of(bot, i) for i in (first, second, pending)] == [
        Status.DELETED,
        Status.DELETED,
        Status.PENDING_REVIEW,
    ]
    bot.slack.assert_clean()


def test_another_companys_registration_cannot_be_deleted(bot: Bot) -> None:
    theirs = seed(bot, "beta", "Betakunde")
    bot.driver.slash_command("UACME1", "delete")
    bot.slack.wait_for("views.open")
    values = {
        "registrations": {
            "value": {
                "type": "multi_static_select",
                "selected_options": [
                    {"text": {"type": "plain_text", "text": "x"}, "value": str(theirs)}
                ],
            }
        }
    }
    bot.driver.submit_view("UACME1", values=values)
    assert "Deleted 0 customers" in bot.text_of(bot.modal("UACME1"))
    assert status_of(bot, theirs) is Status.PREREGISTERED


def test_an_old_lists_buttons_tell_the_truth_deleted_and_expired(bot: Bot) -> None:
    gone = seed(bot, "acme", "Alpha GmbH")
    ending = seed(bot, "acme", "Omega GmbH")
    bot.driver.slash_command("UACME1", "list")
    old_list = latest_ephemeral(bot, "UACME1")
    # Meanwhile a colleague deletes Alpha, and Omega's reservation runs out.
    delete(Delete("UACME2", gone), bot.context)
    with bot.context.uow() as uow:
        omega = uow.registrations.get(ending)
    assert omega is not None and omega.valid_until is not None
    bot.clock.now = omega.valid_until

    said: list[str] = []
    for value, name in ((f"delete:{gone}", "Alpha"), (f"delete:{ending}", "Omega")):
        option = {"text": {"type": "plain_text", "text": "Delete"}, "value": value}
        block_id = f"registration-{gone if name == 'Alpha' else ending}"
        reply = bot.driver.block_actions(
            "UACME1",
            [
                {
                    "type": "overflow",
                    "action_id": "manage",
                    "block_id": block_id,
                    "selected_option": option,
                    "action_ts": "1.0",
                }
            ],
            message=old_list,
        )
        assert reply.status == 200
        expected = len(said) + 2  # the list, and one answer per click

        def answered(expected: int = expected) -> bool:
            return len(bot.slack.ephemerals("UACME1")) == expected

        bot.wait_until(answered)
        said.append(bot.text_of(bot.slack.ephemerals("UACME1")[-1]))

    assert "*Alpha GmbH* is already deleted" in said[0]
    assert "Alpha GmbH is already deleted" in bot.slack.ephemerals("UACME1")[1]["text"]
    assert "Omega GmbH* has expired" in said[1]
    assert bot.slack.calls("views.open") == []  # no "Delete …?" for what is gone
    assert status_of(bot, ending) is Status.PREREGISTERED  # nothing changed
    bot.slack.assert_clean()


def test_list_searches_by_name_email_or_mobile_with_the_same_rows(bot: Bot) -> None:
    seed(bot, "acme", "Alpha GmbH")
    seed(bot, "acme", "Omega GmbH")
    bot.driver.slash_command("UACME1", "list OMEGA@kunde")
    found = latest_ephemeral(bot, "UACME1")
    shown = bot.text_of(found)
    assert "Omega GmbH" in shown and "Alpha GmbH" not in shown
    assert "matching “OMEGA@kunde”" in shown
    (row,) = [b for b in found["blocks"] if b.get("block_id", "").startswith("registration-")]
    assert [o["text"]["text"] for o in row["accessory"]["options"]] == [
        "Invite",
        "Create opportunity",
        "Delete",
    ]
    bot.driver.slash_command("UACME1", "list nobody")
    bot.wait_until(lambda: len(bot.slack.ephemerals("UACME1")) == 2)
    assert "Nothing matches “nobody”" in bot.text_of(bot.slack.ephemerals("UACME1")[-1])
    bot.slack.assert_clean()
