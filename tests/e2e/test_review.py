"""Reviewers decide in the reviewers' channel, over real HTTP: the card, Approve, Reject with a
reason, refusals, races, and the outbox delivering through Slack's failures."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.blocks.reject import REJECT_MODAL
from bot.blocks.review import APPROVE, NOT_A_REVIEWER, OWN_COMPANY, REJECT
from bot.blocks.text import REVIEWER_WORDS, escape
from bot.domain.model import Customer, CustomerFacts, ReasonCode, Registration, Site, Status
from bot.services.registrations import Preregister, preregister
from tests.e2e.conftest import REVIEW_CHANNEL, Bot

# settle and registration are imported from here by other tests too
from tests.e2e.rows import outbox
from tests.e2e.rows import registration as registration
from tests.e2e.rows import settle as settle
from tests.slack_driver import Reply
from tests.slack_standin import Call
from tests.together import at_once

ACME_USERS = {"UACME1", "UACME2"}
EVIL = "<!channel> & <@UBETA1> <http://evil.example|click me>"


# --------------------------------------------------------------------------
# Helpers: a review case, its card, the outbox, the DMs
# --------------------------------------------------------------------------


def request_review(
    bot: Bot,
    name: str = "Kunde SARL",
    email: str = "achat@kunde.fr",
    country: str = "FR",
    justification: str = "Met at a fair",
) -> Registration:
    """ACME (DE) asks for a review; the use case writes the card's outbox row."""
    submitted = preregister(
        Preregister("UACME1", Customer(name, country, email=email), justification), bot.context
    )
    registration = submitted.registration
    assert registration is not None and registration.id is not None
    assert registration.status is Status.PENDING_REVIEW
    return registration


def is_card_of(registration_id: int) -> Callable[[Call], bool]:
    marker = f"Registration #{registration_id} ·"
    return lambda call: (
        call.ok
        and call.args.get("channel") == REVIEW_CHANNEL
        and marker in json.dumps(call.args.get("blocks"), ensure_ascii=False)
    )


def card(bot: Bot, registration_id: int) -> dict[str, Any]:
    """The review card as the channel shows it now (waits for it to be posted)."""
    posted = bot.slack.wait_for("chat.postMessage", is_card_of(registration_id))
    return bot.slack.message(REVIEW_CHANNEL, posted.response["ts"])


def requested_card(bot: Bot) -> tuple[int, dict[str, Any]]:
    """A review request's registration id, and its card as the channel shows it."""
    request = request_review(bot)
    assert request.id is not None
    return request.id, card(bot, request.id)


def buttons(message: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Visible label -> (action_id, value) of every button on the message."""
    return {
        element["text"]["text"]: (element["action_id"], element.get("value", ""))
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
        if element["type"] == "button"
    }


def outbox_kinds(bot: Bot) -> list[tuple[str, str, str]]:
    return [(row.kind, row.recipient, row.status) for row in outbox(bot)]


def decided(bot: Bot, registration_id: int) -> Registration:
    """Wait for the decision (button listeners run after their ack), then for its messages."""
    bot.wait_until(lambda: registration(bot, registration_id).status is not Status.PENDING_REVIEW)
    settle(bot)
    return registration(bot, registration_id)


def dms(bot: Bot) -> list[tuple[str, dict[str, Any]]]:
    """(user, message) for every DM the bot posted, in order."""
    opened = {
        call.response["channel"]["id"]: call.args["users"]
        for call in bot.slack.calls("conversations.open")
        if call.ok
    }
    return [
        (
            opened[call.response["channel"]],
            bot.slack.message(call.response["channel"], call.response["ts"]),
        )
        for call in bot.slack.calls("chat.postMessage")
        if call.ok and call.response["channel"].startswith("D")
    ]


def date_of(moment: datetime | None) -> str:
    """What slack_date puts in the text for `moment`: `<!date^<epoch>^`."""
    assert moment is not None
    return f"<!date^{int(moment.timestamp())}^"


def card_updates(bot: Bot) -> list[Call]:
    return [c for c in bot.slack.calls("chat.update") if c.ok]


def other(details: str) -> dict[str, str]:
    """The reject modal's answers: the preset Other, with the reviewer's own words."""
    return {"Reason": "Other", "Details for the partner": details}


def open_reject_modal(bot: Bot, reviewer: str, message: dict[str, Any]) -> dict[str, Any]:
    mark = bot.slack.mark()
    assert bot.driver.click(reviewer, message=message, text="Reject").status == 200
    opened = bot.slack.wait_for("views.open", after=mark)
    assert opened.ok, opened.response
    modal = bot.modal(reviewer)
    assert modal["callback_id"] == REJECT_MODAL
    return modal


def ephemeral_for(bot: Bot, user: str) -> str:
    bot.wait_until(lambda: bool(bot.slack.ephemerals(user)))
    (shown,) = bot.slack.ephemerals(user)
    return bot.text_of(shown)


def race(*actions: Callable[[], Reply]) -> list[Reply]:
    """Run the actions at the same moment (a barrier), each on its own thread; each answers 200."""
    replies = at_once(*actions, timeout=15)
    assert all(reply.status == 200 for reply in replies), [reply.status for reply in replies]
    return replies


# --------------------------------------------------------------------------
# The card
# --------------------------------------------------------------------------


def test_review_card_shows_customer_company_reasons_evidence_justification_and_deadline(
    bot: Bot,
) -> None:
    registered = bot.clock.now - timedelta(days=40)
    with bot.context.uow() as uow:
        uow.directory.upsert(
            CustomerFacts(
                email="cto@kunde.fr",
                name="Kunde SA",
                site=Site.INTL,
                registered_at=registered,
                country="FR",
                has_spend=True,
                direct_sales_followup=True,
                online_sales=True,
            )
        )
        uow.commit()
    request = request_review(
        bot,
        name="Kunde SA",
        email="cto@kunde.fr",
        country="DE",  # typed; the directory says FR, and the directory wins
        justification=f"We run their pilot. {EVIL}",
    )
    assert [r.code for r in request.reasons] == [
        ReasonCode.DIRECT_SALES_FOLLOWUP,
        ReasonCode.COUNTRY_MISMATCH,
        ReasonCode.ONLINE_SALES,
    ]

    shown = card(bot, request.id or 0)
    text = bot.text_of(shown)

    assert "Kunde SA" in text and "cto@kunde.fr" in text
    assert "Acme Cloud Partners (acme)" in text
    for code in (
        ReasonCode.DIRECT_SALES_FOLLOWUP,
        ReasonCode.COUNTRY_MISMATCH,
        ReasonCode.ONLINE_SALES,
    ):
        assert REVIEWER_WORDS[code] in text
    # Evidence: the directory's facts and the country pair, with where the country came from.
    assert "registered 40 days ago (" in text and date_of(registered) in text
    assert "on the international site (threshold 7 days)" in text
    assert "has spend; followed up by direct sales (matched on email)" in text
    assert "customer in FR, partner in DE (country from the directory)" in text
    assert "belongs to the online sales team (matched on email)" in text
    assert "DE – Germany" in text  # the partner's typed country and its own, in the facts
    # The justification, inert.
    assert "We run their pilot." in text
    assert escape(EVIL) in text
    assert "<!channel>" not in text and "<@UBETA1>" not in text and "<http://evil" not in text
    # The deadline, in each reader's time zone.
    assert request.review_due is not None
    assert request.review_due == bot.context.calendar.add_working_days(bot.clock.now, 2)
    assert date_of(request.review_due) in text and "Answer by" in text
    assert "<@UACME1>" in text  # who asked
    # The buttons, carrying the registration id.
    assert buttons(shown) == {
        "Approve": (APPROVE, str(request.id)),
        "Reject": (REJECT, str(request.id)),
        "Need more info": ("need_info", str(request.id)),
    }
    assert shown["text"] and "Kunde SA" in shown["text"]
    settle(bot)
    assert outbox_kinds(bot) == [("review_request", "reviewers", "sent")]
    assert len(bot.slack.messages(REVIEW_CHANNEL)) == 1
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Approve: the whole path, from the partner's modal to the DMs
# --------------------------------------------------------------------------


def test_partner_asks_for_review_in_the_modal_and_a_reviewer_approves(bot: Bot) -> None:
    assert bot.driver.slash_command("UACME1").status == 200
    assert bot.slack.wait_for("views.open").ok
    first = bot.driver.submit_view(
        "UACME1",
        {"Customer name": "Kunde SARL", "Email": "Achat@Kunde.fr", "Country / region": "FR"},
    )
    assert first.json["response_action"] == "update"
    assert "Justification" in bot.text_of(bot.modal("UACME1"))
    second = bot.driver.submit_view("UACME1", {"Justification": "Met at a fair in Lyon"})
    assert second.json["response_action"] == "update"
    assert "Reviewers answer by" in bot.text_of(bot.modal("UACME1"))
    with bot.context.uow() as uow:
        (request,) = uow.registrations.all()
    assert request.status is Status.PENDING_REVIEW and request.id is not None

    shown = card(bot, request.id)
    assert "Met at a fair in Lyon" in bot.text_of(shown)
    bot.clock.advance(timedelta(hours=5))  # the decision comes later than the request
    assert bot.driver.click("UREV1", message=shown, text="Approve").status == 200
    approved = decided(bot, request.id)

    # The registration: pre-registered from the moment of approval.
    assert approved.status is Status.PREREGISTERED
    assert approved.decided_by == "UREV1"
    assert approved.decided_at == bot.clock.now
    assert approved.valid_until == bot.clock.now + bot.context.policy.validity
    # The card: updated in place, decision shown, buttons gone.
    (update,) = card_updates(bot)
    assert (update.args["channel"], update.args["ts"]) == (REVIEW_CHANNEL, shown["ts"])
    (now_shown,) = bot.slack.messages(REVIEW_CHANNEL)
    assert now_shown["ts"] == shown["ts"] and "edited" in now_shown
    assert buttons(now_shown) == {}
    assert all(block["type"] != "actions" for block in now_shown["blocks"])
    text = bot.text_of(now_shown)
    assert "Approved by <@UREV1>" in text
    assert date_of(approved.decided_at) in text and date_of(approved.valid_until) in text
    assert "Answer by" not in text
    # Every ACME user: one DM, approved, until when.
    assert sorted(user for user, _ in dms(bot)) == sorted(ACME_USERS)
    assert {c.args["users"] for c in bot.slack.calls("conversations.open")} == ACME_USERS
    for _, dm in dms(bot):
        said = bot.text_of(dm)
        assert "Kunde SARL" in said and "is pre-registered" in said
        assert date_of(approved.valid_until) in said
    assert bot.slack.ephemerals() == []
    assert [kind for kind, _, status in outbox_kinds(bot) if status == "sent"] == [
        "review_request",
        "review_decided",
        "decision",
        "decision",
    ]
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Reject with a reason
# --------------------------------------------------------------------------


def test_reject_asks_for_a_reason_and_tells_everyone(bot: Bot) -> None:
    request_id, shown = requested_card(bot)
    settle(bot)
    before = outbox_kinds(bot)

    modal = open_reject_modal(bot, "UREV1", shown)
    reason_input, details_input = [b for b in modal["blocks"] if b["type"] == "input"]
    assert reason_input["label"]["text"] == "Reason"
    assert reason_input["optional"] is False

    # Other without words (or blank ones): an error under the details, nothing changed.
    for empty in ("", "   "):
        refused = bot.driver.submit_view("UREV1", other(empty), check=False)
        assert refused.status == 200
        assert refused.json["response_action"] == "errors"
        assert set(refused.json["errors"]) == {details_input["block_id"]}
        assert registration(bot, request_id).status is Status.PENDING_REVIEW
        assert outbox_kinds(bot) == before
        assert bot.modal("UREV1")["callback_id"] == REJECT_MODAL  # still open, still typing

    bot.clock.advance(timedelta(hours=1))
    closed = bot.driver.submit_view("UREV1", other("  Direct sales owns this account.  "))
    assert closed.status == 200 and closed.json is None  # the modal closes
    assert bot.slack.current_modal("UREV1") is None
    rejected = decided(bot, request_id)

    assert rejected.status is Status.REJECTED
    assert rejected.decided_by == "UREV1" and rejected.decided_at == bot.clock.now
    assert rejected.decision_note == "Direct sales owns this account."
    assert rejected.valid_until is None
    (update,) = card_updates(bot)
    assert update.args["ts"] == shown["ts"]
    (now_shown,) = bot.slack.messages(REVIEW_CHANNEL)
    assert buttons(now_shown) == {}
    text = bot.text_of(now_shown)
    assert "Rejected by <@UREV1>" in text and "Direct sales owns this account." in text
    assert date_of(rejected.decided_at) in text
    assert sorted(user for user, _ in dms(bot)) == sorted(ACME_USERS)
    for _, dm in dms(bot):
        said = bot.text_of(dm)
        assert "rejected" in said and "Direct sales owns this account." in said
    bot.slack.assert_clean()


def mrkdwn_of(surface: dict[str, Any]) -> list[str]:
    """Every text Slack parses for mentions and links: mrkdwn objects and the message text."""
    found: list[str] = [surface["text"]] if isinstance(surface.get("text"), str) else []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(surface.get("blocks") or [])
    return found


def test_what_partners_and_reviewers_typed_pings_nobody(bot: Bot) -> None:
    request = request_review(bot, name=f"Kunde {EVIL}", justification=f"Because {EVIL}")
    assert request.id is not None
    shown = card(bot, request.id)
    open_reject_modal(bot, "UREV1", shown)
    assert bot.driver.submit_view("UREV1", other(f"No: {EVIL}")).status == 200
    rejected = decided(bot, request.id)
    assert rejected.decision_note == f"No: {EVIL}"  # stored as typed, escaped when shown
    # A second reviewer clicks the stale copy of the card: the refusal quotes the reason too.
    assert bot.driver.click("UREV2", message=shown, text="Approve").status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UREV2")))

    surfaces = {
        "card as posted": shown,
        "card as updated": bot.slack.messages(REVIEW_CHANNEL)[0],
        **{f"DM to {user}": dm for user, dm in dms(bot)},
        "refusal": bot.slack.ephemerals("UREV2")[0],
    }
    assert len(surfaces) == 5
    for where, surface in surfaces.items():
        texts = mrkdwn_of(surface)
        for raw in ("<!channel>", "<@UBETA1>", "<http://evil"):
            assert not any(raw in text for text in texts), (where, raw, texts)
        joined = " ".join(texts)
        if where != "card as posted":
            assert f"No: {escape(EVIL)}" in joined, where  # the reason, shown inert
        if where.startswith("card"):
            assert f"Because {escape(EVIL)}" in joined, where
            assert f"Kunde {escape(EVIL)}" in joined, where
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Who may decide
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("user", "refusal"), [("UBETA1", NOT_A_REVIEWER), ("UACME2", OWN_COMPANY)])
@pytest.mark.parametrize("button", ["Approve", "Reject"])
def test_only_reviewers_outside_the_company_may_decide(
    bot: Bot, user: str, refusal: str, button: str
) -> None:
    request_id, shown = requested_card(bot)
    settle(bot)
    before = outbox_kinds(bot)

    assert bot.driver.click(user, message=shown, text=button).status == 200

    said = ephemeral_for(bot, user)
    assert escape(refusal) in said
    assert registration(bot, request_id).status is Status.PENDING_REVIEW
    assert registration(bot, request_id).decided_by is None
    assert outbox_kinds(bot) == before
    assert bot.slack.calls("views.open") == []
    assert card_updates(bot) == []
    assert bot.slack.messages(REVIEW_CHANNEL) == [shown]
    assert dms(bot) == []
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Races and double clicks
# --------------------------------------------------------------------------


def test_approve_and_reject_at_the_same_moment_one_decision_wins(bot: Bot) -> None:
    request_id, shown = requested_card(bot)
    open_reject_modal(bot, "UREV2", shown)

    _, rejecting = race(
        lambda: bot.driver.click("UREV1", message=shown, text="Approve"),
        lambda: bot.driver.submit_view("UREV2", other("Direct sales owns it")),
    )
    final = decided(bot, request_id)

    with bot.context.uow() as uow:
        actions = [e.action for e in uow.audit.for_registration(request_id)]
    assert sorted(a for a in actions if a in ("approved", "rejected")) in (
        ["approved"],
        ["rejected"],
    )
    (update,) = card_updates(bot)
    assert update.args["ts"] == shown["ts"]
    card_text = bot.text_of(bot.slack.messages(REVIEW_CHANNEL)[0])
    if final.status is Status.PREREGISTERED:
        assert final.decided_by == "UREV1" and final.decision_note is None
        assert rejecting.json["response_action"] == "update"
        told = bot.text_of(bot.modal("UREV2"))
        assert "already decided" in told and "Approved by <@UREV1>" in told
        assert "Approved by <@UREV1>" in card_text and "Rejected" not in card_text
        assert bot.slack.ephemerals() == []
    else:
        assert final.status is Status.REJECTED
        assert final.decided_by == "UREV2" and final.decision_note == "Direct sales owns it"
        assert rejecting.json is None  # the winner's modal just closes
        told = ephemeral_for(bot, "UREV1")
        assert "already decided" in told and "Rejected by <@UREV2>" in told
        assert "Rejected by <@UREV2>" in card_text and "Approved" not in card_text
    assert sorted(user for user, _ in dms(bot)) == sorted(ACME_USERS)
    assert [k for k, _, _ in outbox_kinds(bot)].count("decision") == 2
    assert [k for k, _, _ in outbox_kinds(bot)].count("review_decided") == 1
    bot.slack.assert_clean()


def test_a_double_click_on_approve_decides_once(bot: Bot) -> None:
    request_id, shown = requested_card(bot)

    race(
        lambda: bot.driver.click("UREV1", message=shown, text="Approve"),
        lambda: bot.driver.click("UREV1", message=shown, text="Approve"),
    )
    approved = decided(bot, request_id)
    # The second click is told, so nobody wonders whether it worked.
    told = ephemeral_for(bot, "UREV1")
    assert "already decided" in told and "Approved by <@UREV1>" in told

    assert approved.status is Status.PREREGISTERED
    with bot.context.uow() as uow:
        actions = [e.action for e in uow.audit.for_registration(request_id)]
    assert actions.count("approved") == 1
    assert len(card_updates(bot)) == 1
    assert sorted(user for user, _ in dms(bot)) == sorted(ACME_USERS)
    assert [k for k, _, _ in outbox_kinds(bot)] == [
        "review_request",
        "review_decided",
        "decision",
        "decision",
    ]
    bot.slack.assert_clean()


def test_the_reject_modal_of_a_request_approved_meanwhile_says_so(bot: Bot) -> None:
    request_id, shown = requested_card(bot)
    open_reject_modal(bot, "UREV2", shown)
    assert bot.driver.click("UREV1", message=shown, text="Approve").status == 200
    approved = decided(bot, request_id)
    before = outbox_kinds(bot)

    reply = bot.driver.submit_view("UREV2", other("Too late"))

    assert reply.json["response_action"] == "update"
    told = bot.text_of(bot.modal("UREV2"))
    assert "already decided" in told and "Approved by <@UREV1>" in told
    settle(bot)
    assert registration(bot, request_id) == approved
    assert outbox_kinds(bot) == before
    assert len(card_updates(bot)) == 1
    assert len(dms(bot)) == 2
    # Clicking Reject on the stale card does not even open the modal.
    mark = bot.slack.mark()
    assert bot.driver.click("UREV2", message=shown, text="Reject").status == 200
    assert "already decided" in ephemeral_for(bot, "UREV2")
    assert bot.slack.calls("views.open", after=mark) == []
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Slack failing while the outbox delivers
# --------------------------------------------------------------------------


def test_a_rate_limited_card_is_retried_after_retry_after_and_posted_once(bot: Bot) -> None:
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    request = request_review(bot)
    assert request.id is not None
    limited = bot.slack.wait_for("chat.postMessage")
    assert limited.status == 429 and limited.injected
    settle(bot)
    (row,) = outbox(bot)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ratelimited")
    assert row.next_attempt_at == bot.clock.now + timedelta(seconds=1)
    # Not before Retry-After has passed.
    assert bot.runtime.deliver_outbox().sent == 0
    assert bot.slack.messages(REVIEW_CHANNEL) == []

    bot.clock.advance(timedelta(seconds=1))
    bot.runtime.outbox_wake.set()
    shown = card(bot, request.id)
    settle(bot)

    assert buttons(shown)["Approve"] == (APPROVE, str(request.id))
    assert bot.slack.messages(REVIEW_CHANNEL) == [shown]
    assert len(bot.slack.calls("chat.postMessage", lambda c: c.ok)) == 1
    (row,) = outbox(bot)
    assert (row.status, row.attempts) == ("sent", 2)
    assert row.result == {"channel": REVIEW_CHANNEL, "ts": shown["ts"]}
    bot.slack.assert_clean()  # injected failures aside


def test_a_card_to_a_missing_channel_is_a_dead_letter(bot: Bot) -> None:
    bot.slack.fail_next("chat.postMessage", error="channel_not_found")
    request_review(bot)
    bot.wait_until(lambda: outbox(bot)[0].status == "dead")
    (row,) = outbox(bot)
    assert (row.attempts, row.last_error, row.claimed_until) == (1, "channel_not_found", None)
    settle(bot)  # the App Home refreshes go their own way

    bot.clock.advance(timedelta(days=1))
    bot.runtime.outbox_wake.set()
    assert bot.runtime.deliver_outbox().sent == 0
    settle(bot)
    assert len(bot.slack.calls("chat.postMessage")) == 1, "a dead letter is not retried"
    assert bot.slack.messages(REVIEW_CHANNEL) == []
    bot.slack.assert_clean()


def test_a_dm_that_fails_is_retried_and_each_user_gets_exactly_one(bot: Bot) -> None:
    request_id, shown = requested_card(bot)
    settle(bot)
    bot.slack.fail_next("chat.postMessage", status=500)
    assert bot.driver.click("UREV1", message=shown, text="Approve").status == 200
    decided(bot, request_id)
    assert len(dms(bot)) == 1
    failed = [r for r in outbox(bot) if r.status == "pending"]
    assert [(r.kind, r.attempts) for r in failed] == [("decision", 1)]

    bot.clock.advance(timedelta(minutes=1))  # past any backoff of a first attempt
    bot.runtime.outbox_wake.set()
    bot.wait_until(lambda: len(dms(bot)) == 2)
    settle(bot)

    assert sorted(user for user, _ in dms(bot)) == sorted(ACME_USERS)
    assert {r.status for r in outbox(bot)} == {"sent"}
    bot.slack.assert_clean()
