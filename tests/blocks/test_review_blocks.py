"""The reviewers' card, the reject modal, refusals and the decision DMs, as Slack sees them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.blocks.message import Message
from bot.blocks.notifications import RENDERERS, render
from bot.blocks.reject import REJECT_MODAL, reject_modal
from bot.blocks.review import (
    APPROVE,
    IN_THE_THREAD,
    MAX_REASON_LINES,
    REJECT,
    REVIEW_ACTIONS,
    already_decided_message,
    refusal_message,
    review_card,
)
from bot.blocks.text import REVIEWER_WORDS, escape_clip, slack_date, user_ref
from bot.domain.model import Customer, Partner, Reason, ReasonCode, Registration, Status
from bot.services.ports import Kind
from bot.services.subjects import Subject
from tests.slack_standin import message_problems, view_problems

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
DECIDED = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
VALID_UNTIL = DECIDED + timedelta(days=15)
REVIEWER = "UREVIEWER1"
PARTNER_USER = "UPARTNER1"

EVIL = "<!channel> <@U123> <http://evil|click> & co"
RAW = ("<!channel>", "<@U123>", "<http")

ALL_REASONS = (
    Reason(
        ReasonCode.DIRECT_SALES_FOLLOWUP,
        {"matched_on": "email", "has_spend": "true", "registered_at": "2026-10-01T08:00:00+00:00"},
    ),
    Reason(
        ReasonCode.COUNTRY_MISMATCH,
        {"customer_country": "DE", "partner_country": "FR", "source": "directory"},
    ),
    Reason(ReasonCode.ONLINE_SALES, {"matched_on": "mobile"}),
    Reason(ReasonCode.ASSOCIATED, {"matched_on": "email"}),
    Reason(ReasonCode.HELD_BY_OTHER_PARTNER, {"registration_id": "7"}),
    Reason(ReasonCode.ALREADY_YOURS),
    Reason(ReasonCode.CONTRACT, {"matched_on": "mobile"}),
    Reason(ReasonCode.SPEND_WITHOUT_FOLLOWUP, {"matched_on": "email"}),
    Reason(ReasonCode.REGISTERED, {"site": "cn", "matched_on": "email"}),
)


def partner(**changes: Any) -> Partner:
    base = Partner(
        id="p-acme",
        name="Acme Cloud Partners",
        country="FR",
        email="ops@acme.example",
        slack_user_ids=(PARTNER_USER,),
    )
    return replace(base, **changes)


def pending(**changes: Any) -> Registration:
    base = Registration(
        id=42,
        partner_id="p-acme",
        customer=Customer(
            name="Globex GmbH",
            country="DE",
            email="it@globex.example",
            mobile="+4930123456",
            industry="Manufacturing",
            notes="Met at the Berlin summit.",
        ),
        status=Status.PENDING_REVIEW,
        created_at=NOW,
        created_by=PARTNER_USER,
        reasons=ALL_REASONS[:3],
        justification="We have worked with them for a year.",
        review_due=DUE,
    )
    return replace(base, **changes)


def approved(**changes: Any) -> Registration:
    registration = pending()
    registration.approve(REVIEWER, DECIDED, timedelta(days=15))
    return replace(registration, **changes)


def rejected(reason: str = "Direct sales owns this account.", **changes: Any) -> Registration:
    registration = pending()
    registration.reject(REVIEWER, reason, DECIDED)
    return replace(registration, **changes)


def long_registration() -> Registration:
    customer = Customer(
        name="N" * 200,
        country="DE",
        email="e" * 308 + "@example.com",
        mobile="+4930123456",
        industry="I" * 200,
        notes="x" * 3000,
    )
    return pending(customer=customer, reasons=ALL_REASONS, justification="j" * 2000)


def hostile_registration() -> Registration:
    customer = Customer(name=EVIL, country="DE", email=EVIL, mobile=EVIL, industry=EVIL, notes=EVIL)
    reasons = (Reason(ReasonCode.ONLINE_SALES, {"matched_on": EVIL, EVIL: EVIL}),)
    return pending(customer=customer, justification=EVIL, created_by=EVIL, reasons=reasons)


# -- helpers ------------------------------------------------------------------


def texts(node: Any, kind: str | None = None) -> Iterator[str]:
    """Every text object's text (of one type, if given), anywhere in the blocks."""
    if isinstance(node, list):
        for item in node:
            yield from texts(item, kind)
    elif isinstance(node, dict):
        is_text = node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str)
        if is_text and (kind is None or node["type"] == kind):
            yield node["text"]
        for value in node.values():
            yield from texts(value, kind)


def everything(message: Message) -> str:
    return "\n".join([message.text, *texts(message.blocks)])


def assert_valid(message: Message) -> None:
    assert message.text.strip(), "a message always needs a fallback text"
    assert message_problems(message.text, message.blocks) == []
    assert len(message.blocks) <= 50
    for block in message.blocks:
        if block["type"] == "section":
            if "text" in block:
                assert len(block["text"]["text"]) <= 3000
            for field in block.get("fields", []):
                assert len(field["text"]) <= 2000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "context":
            assert all(len(e["text"]) <= 3000 for e in block["elements"])


def assert_inert(message: Message) -> None:
    shown = "\n".join([message.text, *texts(message.blocks, "mrkdwn")])
    for raw in RAW:
        assert raw not in shown


def actions(message: Message) -> list[dict[str, Any]]:
    return [b for b in message.blocks if b["type"] == "actions"]


# -- the card while pending ---------------------------------------------------


def test_pending_card_is_valid_and_has_approve_and_reject() -> None:
    card = review_card(pending(), partner())

    assert_valid(card)
    assert card.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Review request: Globex GmbH"},
    }
    [block] = actions(card)
    assert block["block_id"] == REVIEW_ACTIONS == "review"
    approve, reject, need_info = block["elements"]
    assert (need_info["action_id"], need_info["text"]["text"]) == ("need_info", "Need more info")
    assert (approve["action_id"], approve["text"]["text"], approve["style"]) == (
        APPROVE,
        "Approve",
        "primary",
    )
    assert (reject["action_id"], reject["text"]["text"], reject["style"]) == (
        REJECT,
        "Reject",
        "danger",
    )
    assert approve["value"] == reject["value"] == "42"
    assert (APPROVE, REJECT) == ("approve", "reject")


def test_pending_card_shows_customer_partner_deadline_and_submitter() -> None:
    shown = everything(review_card(pending(), partner()))

    for expected in (
        "Globex GmbH",
        "it@globex.example",
        "+4930123456",
        "DE – Germany",
        "Acme Cloud Partners (p-acme)",
        "FR – France",
        "Manufacturing",
        "Met at the Berlin summit.",
        "We have worked with them for a year.",
        f"Answer by {slack_date(DUE)}",
        f"by <@{PARTNER_USER}>",
        "Registration #42",
    ):
        assert expected in shown
    assert "Globex GmbH for Acme Cloud Partners" in review_card(pending(), partner()).text


def test_every_reason_appears_with_its_evidence() -> None:
    shown = everything(review_card(pending(reasons=ALL_REASONS), partner()))

    for reason in ALL_REASONS:
        assert REVIEWER_WORDS[reason.code] in shown
    registered = int(datetime(2026, 10, 1, 8, 0, tzinfo=UTC).timestamp())
    for evidence in (
        "customer in DE, partner in FR (country from the directory)",
        f"registered 55 days ago (<!date^{registered}^",
        "has spend; followed up by direct sales (matched on email)",
        "belongs to the online sales team (matched on mobile)",
        "registered on the Chinese mainland site (matched on email)",
        "held by Registration #7",
    ):
        assert evidence in shown


def test_unknown_evidence_is_shown_as_key_and_value() -> None:
    reason = Reason(ReasonCode.ONLINE_SALES, {"team_name": "EMEA online"})
    country = Reason(
        ReasonCode.COUNTRY_MISMATCH,
        {"customer_country": "XX", "partner_country": "FR", "source": "typed"},
    )
    shown = everything(review_card(pending(reasons=(reason, country)), partner()))

    assert "belongs to the online sales team; team name: EMEA online" in shown
    assert "customer in XX, partner in FR (country as typed)" in shown


def test_long_input_stays_within_slacks_limits() -> None:
    card = review_card(long_registration(), partner(name="P" * 300, id="i" * 100))

    assert_valid(card)
    assert card.blocks[0]["text"]["text"].startswith("Review request: NNN")
    assert len(actions(card)) == 1
    assert "x" * 900 in everything(card)  # the notes are clipped, not dropped
    # A long justification is cut to a few lines; the whole text goes in the card's thread.
    assert "j" * 250 in everything(card) and "j" * 400 not in everything(card)
    assert IN_THE_THREAD in everything(card)


def test_text_that_grows_when_escaped_is_still_clipped() -> None:
    customer = Customer(name="&" * 200, country="DE", email="a@b.example", notes="<" * 3000)
    card = review_card(pending(customer=customer, justification=">" * 2000), partner())

    assert_valid(card)
    assert "&amp;" in everything(card)


def test_many_reasons_keep_the_message_under_fifty_blocks() -> None:
    reasons = tuple(ALL_REASONS[i % len(ALL_REASONS)] for i in range(40))
    card = review_card(pending(reasons=reasons), partner())

    assert_valid(card)
    assert f"{40 - MAX_REASON_LINES} more reasons are not shown." in everything(card)


def test_card_without_reasons_or_optional_fields() -> None:
    customer = Customer(name="Initech", country="US", email="a@initech.example")
    card = review_card(
        pending(customer=customer, reasons=(), justification=None, created_by=None), partner()
    )

    assert_valid(card)
    assert "No reason recorded." in everything(card)
    assert "Submitted <!date^" in everything(card)


def test_a_registration_without_id_cannot_be_reviewed() -> None:
    with pytest.raises(ValueError, match="id"):
        review_card(pending(id=None), partner())
    with pytest.raises(ValueError, match="id"):
        reject_modal(pending(id=None))


# -- the card once decided ----------------------------------------------------


def test_approved_card_has_no_buttons_and_says_who_when_until() -> None:
    card = review_card(approved(), partner())

    assert_valid(card)
    assert actions(card) == []
    line = (
        f"✅ Approved by <@{REVIEWER}> {slack_date(DECIDED)} — valid until "
        f"{slack_date(VALID_UNTIL)}"
    )
    assert line in everything(card)
    assert card.text.startswith("✅ Approved")
    assert "Answer by" not in everything(card)
    assert REVIEWER_WORDS[ReasonCode.COUNTRY_MISMATCH] in everything(card)  # same information


def test_rejected_card_has_no_buttons_and_shows_the_escaped_reason() -> None:
    card = review_card(rejected(reason="Owned by <direct> sales & co"), partner())

    assert_valid(card)
    assert actions(card) == []
    reason = "Owned by &lt;direct&gt; sales &amp; co"
    line = f"❌ Rejected by <@{REVIEWER}> {slack_date(DECIDED)}: {reason}"
    assert line in everything(card)
    assert card.text.startswith("❌ Rejected")


def test_rejected_card_with_a_long_reason_is_valid() -> None:
    card = review_card(rejected(reason="<" * 2000), long_registration_partner())
    assert_valid(card)


def long_registration_partner() -> Partner:
    return partner(name="P" * 300)


@pytest.mark.parametrize(
    ("registration", "status_line", "decision"),
    [
        (approved(status=Status.EXPIRED), "⌛ The pre-registration has expired.", "✅ Approved"),
        (approved(status=Status.ASSOCIATED), "🤝 The customer has associated", "✅ Approved"),
        (rejected(status=Status.DELETED), "🗑️ The partner has deleted", "❌ Rejected"),
        (pending(status=Status.DELETED), "🗑️ The partner has deleted", None),
        (pending(status=Status.EXPIRED), "⌛ The pre-registration has expired.", None),
    ],
)
def test_later_states_show_a_status_line_and_no_buttons(
    registration: Registration, status_line: str, decision: str | None
) -> None:
    card = review_card(registration, partner())

    assert_valid(card)
    assert actions(card) == []
    shown = everything(card)
    assert status_line in shown
    if decision:
        assert f"{decision} by <@{REVIEWER}>" in shown
    else:
        assert "Approved" not in shown and "Rejected" not in shown


# -- safety -------------------------------------------------------------------


def test_everything_a_partner_typed_is_inert() -> None:
    for card in (
        review_card(hostile_registration(), partner(name=EVIL, id=EVIL)),
        review_card(
            replace(
                hostile_registration(),
                status=Status.REJECTED,
                decided_by=REVIEWER,
                decided_at=DECIDED,
                decision_note=EVIL,
            ),
            partner(name=EVIL),
        ),
    ):
        assert_valid(card)
        assert_inert(card)
        assert "&lt;!channel&gt;" in everything(card)
    header = review_card(hostile_registration(), partner()).blocks[0]["text"]
    assert header == {"type": "plain_text", "text": f"Review request: {EVIL}"}


@pytest.mark.parametrize(
    ("user_id", "mention"),
    [
        ("U123ABC", True),
        ("W0ENTERPRISE", True),
        ("U123\n", False),
        ("u123abc", False),
        ("U", False),
        ("<!channel>", False),
        ("U12 <!here>", False),
    ],
)
def test_only_well_formed_user_ids_become_mentions(user_id: str, mention: bool) -> None:
    shown = everything(review_card(pending(created_by=user_id), partner()))
    assert (f"<@{user_id}>" in shown) is mention
    assert "<!channel>" not in shown and "<!here>" not in shown
    decided = everything(review_card(approved(decided_by=user_id), partner()))
    assert (f"Approved by <@{user_id}>" in decided) is mention


def test_user_ref_and_escape_clip() -> None:
    assert user_ref("UABC") == "<@UABC>"
    assert user_ref(None) == "someone"
    assert user_ref("<@U123>") == "&lt;@U123&gt;"
    clipped = escape_clip("a<" * 100, 50)
    assert len(clipped) <= 50 and clipped.endswith("…")
    assert clipped[:-1].endswith(("a", "&lt;"))  # never half an entity


# -- the reject modal ---------------------------------------------------------


def test_reject_modal() -> None:
    modal = reject_modal(pending())

    assert view_problems(modal) == []
    assert modal["callback_id"] == REJECT_MODAL == "reject_reason"
    assert modal["private_metadata"] == "42"
    assert modal["title"]["text"] == "Reject request"
    assert modal["submit"]["text"] == "Reject"
    assert modal["close"]["text"] == "Cancel"
    assert all(len(modal[k]["text"]) <= 24 for k in ("title", "submit", "close"))
    reason, details = [b for b in modal["blocks"] if b["type"] == "input"]
    assert reason["block_id"] == "reason"
    assert reason["label"] == {"type": "plain_text", "text": "Reason"}
    assert reason.get("optional", False) is False
    assert reason["element"]["type"] == "radio_buttons"
    assert [o["text"]["text"] for o in reason["element"]["options"]] == [
        "Duplicate of another registration",
        "Direct sales owns the account",
        "Insufficient justification",
        "Other",
    ]
    element = details["element"]
    assert details["label"]["text"] == "Details for the partner" and details["optional"] is True
    assert element["type"] == "plain_text_input"
    assert element["action_id"] == "value"
    assert element["multiline"] is True
    assert element["max_length"] == 2000
    assert "Globex GmbH" in "\n".join(texts(modal["blocks"], "plain_text"))


def test_reject_modal_with_long_or_hostile_names() -> None:
    for name in ("N" * 200, EVIL, "&" * 3000):
        customer = Customer(name=name, country="DE", email="a@b.example")
        modal = reject_modal(pending(customer=customer))
        assert view_problems(modal) == []
        assert list(texts(modal["blocks"], "mrkdwn")) == []  # user data only in plain_text


# -- refusals -----------------------------------------------------------------


def test_refusal_message() -> None:
    message = refusal_message("Only reviewers can decide.")
    assert_valid(message)
    assert "Only reviewers can decide." in message.text

    hostile = refusal_message(EVIL + "x" * 5000)
    assert_valid(hostile)
    assert_inert(hostile)


def test_already_decided_says_by_whom_and_when() -> None:
    message = already_decided_message(approved())
    assert_valid(message)
    assert f"Approved by <@{REVIEWER}> {slack_date(DECIDED)}" in everything(message)

    message = already_decided_message(rejected(reason=EVIL))
    assert_valid(message)
    assert_inert(message)
    assert f"Rejected by <@{REVIEWER}> {slack_date(DECIDED)}" in everything(message)

    with pytest.raises(ValueError, match="pending"):
        already_decided_message(pending())


# -- render(): the outbox's messages ------------------------------------------


def test_every_kind_has_a_renderer() -> None:
    # The QR code (a file upload) and the invitation email have senders of their own;
    # refreshes render what they refresh: App Home, or the messages already sent.
    others = {Kind.INVITE_QR, Kind.INVITE_EMAIL, Kind.HOME_REFRESH, Kind.MESSAGES_REFRESH}
    assert set(RENDERERS) == set(Kind) - others


@pytest.mark.parametrize("kind", [Kind.REVIEW_REQUEST, Kind.REVIEW_DECIDED])
def test_render_review_kinds_is_the_card_in_its_current_state(kind: Kind) -> None:
    waiting = render(kind, Subject(pending(), partner()))
    assert waiting == review_card(pending(), partner())
    assert len(actions(waiting)) == 1

    late = render(kind, Subject(approved(), partner()))  # posted after the decision
    assert actions(late) == []
    assert f"✅ Approved by <@{REVIEWER}>" in everything(late)


def test_render_decision_approved() -> None:
    message = render(Kind.DECISION, Subject(approved(), partner()))

    assert_valid(message)
    # Says approved and by whom; the fallback reads as plain words (the date as its UTC text).
    headline = (
        "✅ Approved by a reviewer: Globex GmbH is pre-registered for your company"
        f" (Acme Cloud Partners) until {VALID_UNTIL.strftime('%Y-%m-%d %H:%M UTC')}"
    )
    assert message.text == headline
    assert f"Approved by <@{REVIEWER}>: *Globex GmbH*" in message.blocks[0]["text"]["text"]
    shown = everything(message)
    assert "Next steps" in shown and "Invite" in shown and "opportunity" in shown
    assert "Answer by" not in shown and "Rejected" not in shown


def test_render_decision_rejected_with_the_reason() -> None:
    message = render(Kind.DECISION, Subject(rejected(), partner()))

    assert_valid(message)
    assert message.text == "❌ The review request for Globex GmbH was rejected"  # plain words
    shown = everything(message)
    assert "Direct sales owns this account." in shown
    assert "What you can do" in shown


def test_render_decision_is_inert_and_within_limits() -> None:
    hostile = replace(
        hostile_registration(),
        status=Status.REJECTED,
        decided_by=REVIEWER,
        decided_at=DECIDED,
        decision_note=EVIL + "<" * 2000,
    )
    for registration in (hostile, replace(approved(), customer=hostile.customer)):
        message = render(Kind.DECISION, Subject(registration, partner(name=EVIL)))
        assert_valid(message)
        assert_inert(message)
    long = replace(
        long_registration(),
        status=Status.REJECTED,
        decided_by=REVIEWER,
        decided_at=DECIDED,
        decision_note="r" * 2000,
    )
    message = render(Kind.DECISION, Subject(long, None))
    assert_valid(message)
    assert "r" * 2000 in everything(message)


@pytest.mark.parametrize(
    ("kind", "subject", "match"),
    [
        (Kind.REVIEW_REQUEST, Subject(None, partner()), "registration"),
        (Kind.REVIEW_DECIDED, Subject(pending(), None), "partner"),
        (Kind.DECISION, Subject(), "registration"),
        (Kind.DECISION, Subject(pending(), partner()), "not been decided"),
    ],
)
def test_render_refuses_a_subject_without_what_the_kind_needs(
    kind: Kind, subject: Subject, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        render(kind, subject)
