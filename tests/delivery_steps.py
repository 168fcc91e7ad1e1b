"""What the delivery tests share: a fake sender, outbox rows to deliver and the subjects they speak
of."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow
from bot.adapters.slack_sender import SlackSender, delivery_client
from bot.bootstrap import Runtime
from bot.domain.model import Customer, Partner, Reason, ReasonCode, Registration
from bot.services.delivery import DeliverDue, DeliveryReport, deliver_due
from bot.services.ports import REVIEWERS, Delivery, Kind, Notification
from bot.services.subjects import Subject
from tests.conftest import Clock
from tests.slack_standin import SlackStandin


@dataclass
class FakeSender:
    """Answers each send with `answer(delivery)`: a result dict, or an exception to raise."""

    answer: Callable[[Delivery], dict[str, Any] | Exception] = lambda d: {"ts": f"{d.id}.0"}
    sent: list[Delivery] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, delivery: Delivery, subject: Subject) -> dict[str, Any]:
        with self.lock:
            self.sent.append(delivery)
            self.subjects.append(subject)
        outcome = self.answer(delivery)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def add(runtime: Runtime, count: int = 1, recipient: str = "UACME1") -> list[int]:
    """Queue `count` DMs; return their outbox ids."""
    context = runtime.context
    with context.uow() as uow:
        for _ in range(count):
            uow.outbox.add(Notification(Kind.DECISION, recipient), context.now())
        uow.commit()
    return [row.id for row in rows(runtime)][-count:]


def rows(runtime: Runtime) -> list[OutboxRow]:
    with Session(runtime.engine) as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def row(runtime: Runtime, outbox_id: int) -> OutboxRow:
    (found,) = [r for r in rows(runtime) if r.id == outbox_id]
    return found


def deliver(runtime: Runtime, sender: FakeSender, clock: Clock, limit: int = 50) -> DeliveryReport:
    assert runtime.context.clock == clock  # the runtime runs on the test's clock
    return deliver_due(DeliverDue(sender, limit=limit), runtime.context)


NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
ACME = Partner("acme", "Acme & Co", "DE", email="s@acme.de", slack_user_ids=("UACME1", "UACME2"))


def pending(registration_id: int = 7) -> Registration:
    registration = Registration.pending_review(
        "acme",
        Customer("Kunde <!channel>", "FR", email="x@kunde.fr"),
        (Reason(ReasonCode.COUNTRY_MISMATCH, {"customer_country": "FR", "partner_country": "DE"}),),
        "Met at a fair",
        NOW,
        NOW + timedelta(days=2),
        created_by="UACME1",
    )
    registration.id = registration_id
    return registration


def approved(registration_id: int = 7) -> Registration:
    registration = pending(registration_id)
    registration.approve("UREV1", NOW + timedelta(hours=1), timedelta(days=15))
    return registration


def delivery(kind: Kind, recipient: str = REVIEWERS, outbox_id: int = 42) -> Delivery:
    return Delivery(outbox_id, Notification(kind, recipient, 7), 1)


@pytest.fixture
def sender(slack: SlackStandin) -> SlackSender:
    return SlackSender(delivery_client(slack.url, slack.token, timeout=5), "C0REVIEW")
