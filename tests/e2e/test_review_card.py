"""The review card: what it shows, and that nothing typed on either side pings anyone."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks.review import APPROVE, REJECT
from bot.blocks.text import REVIEWER_WORDS, escape
from bot.domain.model import ReasonCode, Site
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.review_steps import (
    EVIL,
    buttons,
    card,
    date_of,
    decided,
    dms,
    in_directory,
    mrkdwn_of,
    open_reject_modal,
    other,
    outbox_kinds,
    request_review,
)
from tests.e2e.rows import settle


def test_review_card_shows_customer_company_reasons_evidence_justification_and_deadline(
    bot: Bot,
) -> None:
    registered = bot.clock.now - timedelta(days=40)
    in_directory(
        bot,
        email="cto@kunde.fr",
        name="Kunde SA",
        site=Site.INTL,
        registered_at=registered,
        country="FR",
        has_spend=True,
        direct_sales_followup=True,
        online_sales=True,
    )
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
