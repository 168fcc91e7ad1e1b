"""The workbench's blocks at their limits: a maximal dossier, the thread reply, the evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.blocks.dossier import dossier_blocks
from bot.blocks.evidence import reason_line
from bot.blocks.questions import answer_modal, answer_sent_modal, ask_modal, question_dm
from bot.blocks.reject import PRESETS, rejection_note
from bot.blocks.results import blocked_view
from bot.blocks.review import review_card
from bot.blocks.thread import answer_in_thread, justification_in_full, question_in_thread
from bot.blocks.waitlist import customer_value, freed_dm, joined_view, left_view
from bot.domain.companies import company_key, email_domain
from bot.domain.justification import preview
from bot.domain.model import Customer, Reason, ReasonCode, Registration, Status
from bot.domain.questions import Question
from bot.domain.waitlist import WaitEntry
from bot.services.delivery import Obsolete
from bot.services.dossier import Dossier, PartnerRecord, PossibleDuplicate, possible_duplicates
from tests.blocks.review_helpers import (
    EVIL,
    assert_inert,
    assert_valid,
    everything,
    long_registration,
    partner,
    pending,
)
from tests.slack_standin import view_problems

SUBMITTED = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def maximal_dossier() -> Dossier:
    other = replace(
        long_registration(),
        id=2**63 - 1,
        status=Status.PREREGISTERED,
        customer=Customer(name=EVIL * 8, country="DE", email="<" * 300 + "@x.example"),
    )
    duplicates = tuple(
        PossibleDuplicate(other, EVIL * 10, same_domain="&" * 255, name_score=100) for _ in range(5)
    )
    return Dossier(PartnerRecord(10**6, 10**6, 10**6, 10**6, 10**6), duplicates, 10**6)


def test_a_card_with_a_maximal_dossier_is_valid_inert_and_keeps_its_buttons() -> None:
    card = review_card(long_registration(), partner(name=EVIL * 30), maximal_dossier())
    assert_valid(card)
    assert_inert(card)
    assert card.blocks[-1]["type"] == "actions"
    assert "…and 1000000 more." in everything(card)


def test_dossier_blocks_say_none_found_and_count_the_record() -> None:
    (record, duplicates) = dossier_blocks(Dossier(PartnerRecord(2, 3, 1, 0, 0)))
    assert "2 of 3 active · 1 review request in the last 90 days" in record["text"]["text"]
    assert "None found" in duplicates["text"]["text"]


def test_the_thread_reply_holds_the_whole_justification_inert() -> None:
    text = (EVIL + "\n") * 100
    message = justification_in_full(pending(justification=text[:2000]))
    assert_valid(message)
    assert_inert(message)
    with pytest.raises(ValueError):
        justification_in_full(pending(justification="short"))


def test_preview_cuts_by_lines_and_by_length() -> None:
    assert preview("one line") is None
    assert preview("\n".join("abcd" for _ in range(4))) is None
    assert preview("\n".join(str(i) for i in range(6))) == "0\n1\n2\n3 …"
    cut = preview("word " * 200)
    assert cut is not None and len(cut) <= 302 and cut.endswith(" …")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Kunde GmbH & Co. KG", "kunde"),
        ("KUNDE", "kunde"),
        ("Société Kunde S.A.R.L.", "société kunde"),
        ("华为技术有限公司", "华为技术"),
        ("GmbH", "gmbh"),  # nothing but a legal form: kept, so it still compares
        ("The Globex Corporation, Inc.", "globex"),
    ],
)
def test_company_key_strips_legal_forms(name: str, key: str) -> None:
    assert company_key(name) == key


def test_email_domain() -> None:
    assert email_domain("A@Kunde.FR") == "kunde.fr"
    assert email_domain(None) is None and email_domain("no-at") is None


def test_possible_duplicates_skip_free_mail_and_dissimilar_names() -> None:
    me = pending(customer=Customer("Globex", "DE", email="a@gmail.com"))
    same_free = replace(pending(customer=Customer("Initech", "DE", email="b@gmail.com")), id=2)
    alike = replace(pending(customer=Customer("Globex Ltd.", "DE", mobile="+4930111")), id=3)
    assert [(r.id, d, s) for r, d, s in possible_duplicates(me, [same_free, alike], 90)] == [
        (3, None, 100)
    ]


def test_evidence_line_of_an_old_record_without_the_new_facts() -> None:
    old = Reason(ReasonCode.DIRECT_SALES_FOLLOWUP, {"matched_on": "email", "has_spend": "true"})
    assert reason_line(old, SUBMITTED) == (
        "*Followed up by direct sales*: has spend; followed up by direct sales (matched on email)"
    )


def test_rejection_notes() -> None:
    assert rejection_note("duplicate", "") == "Duplicate of another registration."
    assert rejection_note("other", " Because. ") == "Because."
    assert set(PRESETS) == {"duplicate", "direct_sales", "insufficient", "other"}


# -- need more info -------------------------------------------------------------


def asked(text: str = EVIL * 70) -> Registration:
    question = Question(text[:2000], "UREV1", SUBMITTED, SUBMITTED, SUBMITTED)
    return replace(long_registration(), question=question)


def test_question_surfaces_are_valid_and_inert_at_maximal_inputs() -> None:
    registration = asked()
    for message in (
        question_dm(registration),
        question_dm(registration, reminder=True),
        question_in_thread({"reviewer": "UREV1", "question": EVIL * 70}),
        answer_in_thread({"user": "<!channel>", "answer": EVIL * 70}, registration),
        review_card(registration, partner(name=EVIL * 30), maximal_dossier()),
    ):
        assert_valid(message)
        assert_inert(message)
    for view in (
        ask_modal(registration),
        answer_modal(registration),
        answer_sent_modal(registration),
    ):
        assert view_problems(view) == []
    card = review_card(registration, partner())
    assert "Need more info" not in everything(card) and "Clock paused" in everything(card)
    assert "Need more info" in everything(review_card(long_registration(), partner()))


def test_a_question_dm_is_obsolete_once_answered_or_decided() -> None:
    with pytest.raises(Obsolete):
        question_dm(long_registration())
    with pytest.raises(Obsolete):
        question_dm(replace(asked(), status=Status.REJECTED))


# -- the waiting list -------------------------------------------------------------


def test_waitlist_surfaces_are_valid_and_inert_at_maximal_inputs() -> None:
    customer = Customer(EVIL * 5, "DE", email="<" * 300 + "@x.example", mobile="+" + "9" * 19)
    value = customer_value(customer)
    assert len(value) <= 2000
    entry = WaitEntry("p", "UACME1", customer, SUBMITTED, id=2**63 - 1)
    for view in (joined_view(entry), left_view()):
        assert view_problems(view) == []
    refused = blocked_view(
        customer.name, Reason(ReasonCode.HELD_BY_OTHER_PARTNER), customer=customer
    )
    assert view_problems(refused) == []
    assert "Tell me when it frees up" in str(refused)
    other = blocked_view(customer.name, Reason(ReasonCode.CONTRACT), customer=customer)
    assert "Tell me when it frees up" not in str(other)
    dm = freed_dm({"name": customer.name, "customer": value})
    assert_valid(dm)
    assert_inert(dm)
