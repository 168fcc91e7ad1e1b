"""Extensions through review, as Block Kit: every surface valid and inert at maximal inputs,
and the label saying before the click whether an extension is taken at once or reviewed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.blocks.extension_modals import reject_modal, request_modal, request_sent_modal
from bot.blocks.extension_requests import chase_message, decision_dm, extension_card
from bot.blocks.reminders import reminder_now
from bot.blocks.rows import actions_for, customer_row
from bot.domain.extension_requests import ExtensionRequest, ExtensionStatus
from bot.domain.model import Customer, Registration, Status
from bot.domain.policy import Policy
from bot.services.delivery import Obsolete
from tests.blocks.review_helpers import EVIL, assert_inert, assert_valid, everything, partner
from tests.blocks.test_workbench_blocks import maximal_dossier
from tests.slack_standin import view_problems

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
END = NOW + timedelta(days=2)
POLICY = Policy()


def held(extensions: int = 1, **changes: object) -> Registration:
    customer = Customer(
        name=(EVIL * 10)[:200], country="DE", email="<" * 300 + "@x.example", mobile=EVIL[:20]
    )
    base = Registration(
        id=2**63 - 1,
        partner_id="p-acme",
        customer=customer,
        status=Status.PREREGISTERED,
        created_at=NOW - timedelta(days=28),
        created_by="UPARTNER1",
        valid_until=END,
        extensions=extensions,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def asked(
    status: ExtensionStatus = ExtensionStatus.PENDING, note: str | None = None
) -> ExtensionRequest:
    return ExtensionRequest(
        registration_id=2**63 - 1,
        partner_id="p-acme",
        requested_by="UPARTNER1",
        justification=(EVIL * 60)[:2000],
        requested_at=NOW,
        valid_until=END,
        extensions=1,
        review_due=NOW + timedelta(days=2),
        status=status,
        decided_by=None if status is ExtensionStatus.PENDING else "UREV1",
        decided_at=None if status is ExtensionStatus.PENDING else NOW,
        decision_note=note,
        id=2**63 - 1,
    )


def test_the_extension_card_is_valid_inert_and_says_what_it_is_at_maximal_inputs() -> None:
    card = extension_card(asked(), held(), partner(name=EVIL * 30), maximal_dossier())
    assert_valid(card)
    assert_inert(card)
    shown = everything(card)
    assert card.blocks[0]["type"] == "header" and "Extension request" in shown
    assert "Valid until (now)" in shown and f"<!date^{int(END.timestamp())}^" in shown
    assert "Extensions taken" in shown and "Justification" in shown
    assert "Partner's record" in shown
    assert card.blocks[-1]["type"] == "actions"
    assert [e["text"]["text"] for e in card.blocks[-1]["elements"]] == [
        "Approve extension",
        "Reject",
    ]
    assert "confirm" in card.blocks[-1]["elements"][0]


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (ExtensionStatus.APPROVED, "Extension approved by <@UREV1>"),
        (ExtensionStatus.REJECTED, "Extension rejected by <@UREV1>"),
        (ExtensionStatus.LAPSED, "Lapsed"),
    ],
)
def test_a_decided_card_and_its_dm_have_no_buttons(status: ExtensionStatus, words: str) -> None:
    request = asked(status, note=(EVIL * 100)[:2000])
    registration = held(status=Status.EXPIRED) if status is ExtensionStatus.LAPSED else held()
    card = extension_card(request, registration, partner(name=EVIL * 30))
    dm = decision_dm(request, registration)
    for message in (card, dm):
        assert_valid(message)
        assert_inert(message)
        assert not any(b["type"] == "actions" for b in message.blocks)
    assert words in everything(card)
    if status is ExtensionStatus.REJECTED:
        assert "Reviewer's reason" in everything(dm)


def test_a_pending_request_has_no_decision_dm_and_a_decided_one_is_not_chased() -> None:
    with pytest.raises(ValueError):
        decision_dm(asked(), held())
    with pytest.raises(Obsolete):
        chase_message(asked(ExtensionStatus.APPROVED), True, ["UREV1"])
    for overdue in (False, True):
        message = chase_message(asked(), overdue, ["UREV1", "<!channel>"])
        assert_valid(message)
        assert "<!channel>" not in everything(message)
    assert "<@UREV1>" in everything(chase_message(asked(), True, ["UREV1"]))


def test_the_modals_are_valid_at_maximal_inputs() -> None:
    for view in (
        request_modal(held(), POLICY),
        request_sent_modal(asked()),
        reject_modal(asked(), held()),
    ):
        assert view_problems(view) == []
    shown = str(request_modal(held(), POLICY))
    assert "Justification" in shown and "a reviewer decides" in shown


def test_the_label_says_extend_or_request_before_the_click() -> None:
    window = END - POLICY.extension_window  # the first reminder's window opens
    inside = window + timedelta(minutes=1)
    assert ("Extend", "extend") in actions_for(held(extensions=0), inside, POLICY)
    assert ("Request an extension", "request_extension") in actions_for(held(), inside, POLICY)
    # Before the window: neither; with a request waiting: neither, and the row says so.
    too_early = window - timedelta(minutes=1)
    labels = {label for label, _ in actions_for(held(), too_early, POLICY)}
    assert not labels & {"Extend", "Request an extension"}
    waiting = held(extension_request=7)
    assert not {"Extend", "Request an extension"} & {
        label for label, _ in actions_for(waiting, inside, POLICY)
    }
    assert "Extension requested" in customer_row(waiting, inside, POLICY)["text"]["text"]
    # The reminder DM: a button of either kind.
    for registration, label in ((held(extensions=0), "Extend"), (held(), "Request an extension")):
        reminder = reminder_now(registration, inside, POLICY)
        assert_valid(reminder)
        (button,) = [e for b in reminder.blocks if b["type"] == "actions" for e in b["elements"]]
        assert button["text"]["text"] == label
    assert "Extension requested" in everything(reminder_now(waiting, inside, POLICY))


def test_a_reviewers_home_with_a_huge_queue_and_a_full_dashboard_stays_valid() -> None:
    from bot.blocks.dashboard import home_view
    from bot.domain.policy import QuotaUse
    from bot.services.dashboard import Dashboard, Section
    from bot.services.review_queue import PastDecision, QueueFilter, QueueItem, ReviewQueue
    from tests.blocks.review_helpers import pending, texts

    rows = {s: [held(id=1000 * i + n) for n in range(1, 500)] for i, s in enumerate(Section)}
    card = {"channel": "C1", "ts": "1.2"}
    items = [QueueItem(pending(id=n), EVIL * 30, card) for n in range(1, 999)]
    items += [QueueItem(held(id=n), EVIL * 30, None, replace(asked(), id=n)) for n in range(1, 999)]
    recent = [PastDecision(NOW, "extension_rejected", EVIL * 30, 1) for _ in range(5)]
    for choice in QueueFilter:
        board = Dashboard(
            NOW,
            partner(name=EVIL * 30),
            QuotaUse(held=10**6, quota=10**6, next_expiry=END),
            rows,
            ReviewQueue(items, choice, recent),
        )
        view = home_view("UPARTNER1", board, POLICY, search=EVIL * 5)
        assert view_problems(view) == []
        assert len(view["blocks"]) <= 100
        assert not any("<!channel>" in t for t in texts(view["blocks"], "mrkdwn"))
