"""The same signed request sent again (a replay, a double submit), one after the other and
two at once: the state changes once, the audit has one entry, the answer is the same."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.model import Status
from bot.domain.opportunities import Stage
from bot.services.invitations import EMAILED
from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.invite_steps import BASE, page_url
from tests.e2e.opportunity_steps import (
    GOOD,
    audit_actions,
    deal,
    latest_ephemeral,
    row_of,
    seed,
    stored,
    today,
)
from tests.e2e.opportunity_steps import open_create_modal as open_create_modal
from tests.e2e.replays import Replays, drain
from tests.e2e.review_steps import card, decided, open_reject_modal, other, request_review
from tests.smtp_catcher import Catcher
from tests.web_client import Page, WebClient


@pytest.fixture
def bot_settings(smtp: tuple[Catcher, str]) -> dict[str, Any]:
    return {"smtp_url": smtp[1], "mail_from": "invite@prereg.example"}


@pytest.fixture
def replays(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> Replays:
    return Replays(bot, monkeypatch)


def status_of(bot: Bot, registration_id: int) -> Status:
    with bot.context.uow() as uow:
        registration = uow.registrations.get(registration_id)
    assert registration is not None
    return registration.status


def test_a_replayed_opportunity_creation_creates_one(bot: Bot, replays: Replays) -> None:
    registration_id = seed(bot)
    open_create_modal(bot)
    close = (today(bot) + timedelta(days=60)).isoformat()
    first = bot.driver.submit_view("UACME1", {**GOOD, "Expected close date": close})
    assert first.json["response_action"] == "update"

    again = [*replays.again(2), *replays.at_once(2)]
    assert [reply.json for reply in again] == [first.json] * 4  # the same answer each time
    assert len(stored(bot, registration_id)) == 1
    assert audit_actions(bot, registration_id).count("opportunity_created") == 1


def test_a_replayed_stage_move_moves_once(bot: Bot, replays: Replays) -> None:
    registration_id = seed(bot)
    opportunity = deal(bot, registration_id, "Renewal")
    listing_mark = bot.slack.mark()
    bot.driver.slash_command("UACME1", "list")
    listing = latest_ephemeral(bot, "UACME1")
    bot.driver.choose("UACME1", "View opportunities", message=listing, action_id="manage")
    bot.slack.wait_for("views.open", after=listing_mark)
    modal = bot.modal("UACME1")
    mark = bot.slack.mark()
    row = row_of(modal, opportunity)
    bot.driver.choose("UACME1", "Move to Won", view=row, action_id="opportunity_stage")
    bot.slack.wait_for("views.update", after=mark)

    assert all(reply.status == 200 for reply in [*replays.again(2), *replays.at_once(2)])
    drain(bot)
    updates = bot.slack.calls("views.update")[-5:]
    assert len(updates) == 5
    assert all("*Renewal* is at Won now." in bot.text_of(c.args["view"]) for c in updates)
    assert [o.stage for o in stored(bot, registration_id)] == [Stage.WON]
    assert audit_actions(bot, registration_id).count("opportunity_moved") == 1
    bot.slack.assert_clean()


def test_a_replayed_delete_deletes_once(bot: Bot, replays: Replays) -> None:
    registration_id = seed(bot)
    bot.driver.slash_command("UACME1", "list")
    listing = latest_ephemeral(bot, "UACME1")
    mark = bot.slack.mark()
    bot.driver.choose("UACME1", "Delete", message=listing, action_id="manage")
    bot.slack.wait_for("views.open", after=mark)
    first = bot.driver.submit_view("UACME1")
    assert "is deleted and released" in bot.text_of(first.json["view"])

    again = [*replays.again(2), *replays.at_once(2)]
    assert [reply.json for reply in again] == [first.json] * 4
    assert status_of(bot, registration_id) is Status.DELETED
    assert audit_actions(bot, registration_id).count("deleted") == 1


def test_a_replayed_approval_decides_once_and_says_nothing_more(bot: Bot, replays: Replays) -> None:
    request = request_review(bot)
    assert request.id is not None
    shown = card(bot, request.id)
    assert bot.driver.click("UREV1", message=shown, text="Approve").status == 200
    decided(bot, request.id)

    assert all(reply.status == 200 for reply in [*replays.again(2), *replays.at_once(2)])
    drain(bot)
    assert status_of(bot, request.id) is Status.PREREGISTERED
    assert audit_actions(bot, request.id).count("approved") == 1
    # The first click was answered by the card changing; a replay is answered the same way
    # (not with "already decided", which a second, different click gets).
    assert bot.slack.ephemerals("UREV1") == []


def test_a_replayed_rejection_decides_once(bot: Bot, replays: Replays) -> None:
    request = request_review(bot)
    assert request.id is not None
    shown = card(bot, request.id)
    open_reject_modal(bot, "UREV1", shown)
    first = bot.driver.submit_view("UREV1", other("Direct sales owns this account."))
    assert first.status == 200 and first.json is None
    decided(bot, request.id)

    again = [*replays.again(2), *replays.at_once(2)]
    assert [(reply.status, reply.json) for reply in again] == [(200, None)] * 4
    assert status_of(bot, request.id) is Status.REJECTED
    assert audit_actions(bot, request.id).count("rejected") == 1


def test_a_replayed_extension_extends_once(bot: Bot, replays: Replays) -> None:
    registration = seeding.hold(bot.context, "it@kunde.de")
    assert registration.id is not None and registration.valid_until is not None
    bot.clock.now = registration.valid_until - timedelta(days=1)
    bot.driver.slash_command("UACME1", "list")
    listing = latest_ephemeral(bot, "UACME1")
    bot.driver.choose("UACME1", "Extend", message=listing, action_id="manage")
    bot.wait_until(lambda: len(bot.slack.ephemerals("UACME1")) == 2)
    said = bot.text_of(bot.slack.ephemerals("UACME1")[-1])

    assert all(reply.status == 200 for reply in [*replays.again(2), *replays.at_once(2)])
    drain(bot)
    answers = bot.slack.ephemerals("UACME1")[1:]
    assert [bot.text_of(answer) for answer in answers] == [said] * 5
    assert audit_actions(bot, registration.id).count("extended") == 1
    with bot.context.uow() as uow:
        extended = uow.registrations.get(registration.id)
    assert extended is not None and extended.extensions == 1


def test_a_replayed_send_email_sends_one_email(
    bot: Bot, replays: Replays, smtp: tuple[Catcher, str]
) -> None:
    catcher, _ = smtp
    registration = seeding.hold(bot.context, "it@kunde.de")
    assert registration.id is not None
    bot.driver.slash_command("UACME1", "list")
    listing = latest_ephemeral(bot, "UACME1")
    mark = bot.slack.mark()
    bot.driver.choose("UACME1", "Invite", message=listing, action_id="manage")
    bot.slack.wait_for("views.open", after=mark)
    mark = bot.slack.mark()
    assert bot.driver.click("UACME1", text="Send email").status == 200
    bot.slack.wait_for("views.update", after=mark)

    assert all(reply.status == 200 for reply in [*replays.again(2), *replays.at_once(2)])
    drain(bot)
    catcher.wait_for(1)
    assert audit_actions(bot, registration.id).count(EMAILED) == 1
    updates = bot.slack.calls("views.update")[-5:]
    assert len(updates) == 5
    assert all("on its way" in bot.text_of(c.args["view"]) for c in updates)
    with bot.context.uow() as uow:
        owed = uow.outbox.entries(False, 100)
    assert [e.kind for e in owed].count("invite_email") == 1


def test_a_replayed_association_associates_once(bot: Bot) -> None:
    registration = seeding.hold(bot.context, "it@kunde.de")
    assert registration.id is not None and bot.context.invites is not None
    link = bot.context.invites.link(registration.id, "UACME1")
    assert link.startswith(BASE)
    browser = WebClient()
    url = page_url(bot, link)
    page = browser.get(url)
    form = {"csrf_token": page.csrf_token, "email": "it@kunde.de", "name": "Ida", "consent": "yes"}
    first = browser.post(url, form)
    assert first.status == 200 and "associated with Acme Cloud Partners" in first.text

    again = [browser.post(url, form) for _ in range(2)]
    at_once: list[Page] = []
    barrier = threading.Barrier(2)

    def post() -> None:
        barrier.wait(10)
        at_once.append(browser.post(url, form))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(at_once) == 2
    for answer in [*again, *at_once]:
        assert answer.status == 200 and "associated with Acme Cloud Partners" in answer.text
    assert status_of(bot, registration.id) is Status.ASSOCIATED
    assert audit_actions(bot, registration.id).count("associated") == 1
