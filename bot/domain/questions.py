"""Need more info: a reviewer's question to the partner, which pauses the review's clock.

While the question is with the partner the request stays pending (it still holds the
customer) and the reviewers' deadline does not run; the answer resumes it with the working
time that was left. Unanswered, the partner is reminded once, and then the request lapses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.calendar import WorkingCalendar
from bot.domain.errors import DomainError, TransitionNotAllowed
from bot.domain.events import InfoGiven, InfoRequested
from bot.domain.model import Registration, Status


class QuestionOpen(DomainError):
    """The partner has not answered the last question yet: one question at a time."""


@dataclass(eq=False)
class NoOpenQuestion(DomainError):
    """There is no question waiting for an answer (answered already, or never asked)."""

    said = "no question is waiting for an answer"
    registration: Registration


@dataclass(frozen=True)
class Question:
    text: str
    asked_by: str
    asked_at: datetime
    remind_at: datetime
    """Once unanswered this long (PREREG_REVIEW_SLA_DAYS working days), the partner is reminded."""
    lapses_at: datetime
    """As long again: the request lapses as rejected."""


def lapse_reason(sla_days: int) -> str:
    total = 2 * sla_days
    days = f"{total} working day{'' if total == 1 else 's'}"
    return f"The reviewer's question went unanswered for {days}, so the request lapsed."


def ask(
    registration: Registration,
    reviewer: str,
    text: str,
    now: datetime,
    calendar: WorkingCalendar,
    sla_days: int,
) -> None:
    if registration.status is not Status.PENDING_REVIEW:
        raise TransitionNotAllowed("ask", registration.status, registration)
    if registration.question is not None:
        raise QuestionOpen()
    remind_at = calendar.add_working_days(now, sla_days)
    lapses_at = calendar.add_working_days(remind_at, sla_days)
    registration.question = Question(text, reviewer, now, remind_at, lapses_at)
    registration.events.append(InfoRequested(now, reviewer, text))


def answer(
    registration: Registration, user: str, text: str, now: datetime, calendar: WorkingCalendar
) -> None:
    """The clock resumes with the working time that was left when the question was asked."""
    if registration.status is not Status.PENDING_REVIEW:
        raise TransitionNotAllowed("answer", registration.status, registration)
    question = registration.question
    if question is None:
        raise NoOpenQuestion(registration)
    if registration.review_due is not None:
        left = calendar.working_time(question.asked_at, registration.review_due)
        registration.review_due = calendar.add_working_time(now, left)
    registration.question = None
    registration.events.append(InfoGiven(now, user, question.text, text))


def is_due_to_lapse(registration: Registration, now: datetime) -> bool:
    question = registration.question
    return (
        registration.status is Status.PENDING_REVIEW
        and question is not None
        and now >= question.lapses_at
    )


def lapse(registration: Registration, now: datetime, sla_days: int) -> None:
    """Rejected in the name of the reviewer who asked, with the reason said plainly."""
    question = registration.question
    if question is None or not is_due_to_lapse(registration, now):
        raise TransitionNotAllowed("lapse", registration.status, registration)
    registration.question = None
    registration.reject(question.asked_by, lapse_reason(sla_days), now)
