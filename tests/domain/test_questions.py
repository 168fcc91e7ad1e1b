"""Need more info in the domain: one question at a time, the clock paused on the working-day
calendar and resumed with what was left, the lapse after the reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.calendar import WorkingCalendar
from bot.domain.errors import TransitionNotAllowed
from bot.domain.events import InfoGiven, InfoRequested, Rejected
from bot.domain.model import Customer, Registration, Status
from bot.domain.questions import NoOpenQuestion, QuestionOpen, answer, ask, is_due_to_lapse, lapse

WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
CALENDAR = WorkingCalendar(UTC, frozenset({date(2026, 11, 30)}))  # a holiday on Monday


def pending() -> Registration:
    return Registration.pending_review(
        "acme",
        Customer("Kunde", "FR", email="a@kunde.fr"),
        (),
        "Because",
        WEDNESDAY,
        CALENDAR.add_working_days(WEDNESDAY, 2),
    )


def test_the_clock_pauses_while_asked_and_resumes_with_what_was_left() -> None:
    request = pending()
    assert request.review_due == WEDNESDAY + timedelta(days=2)  # Friday 10:00
    thursday = WEDNESDAY + timedelta(days=1)
    ask(request, "UREV1", "Which project?", thursday, CALENDAR, 2)
    assert isinstance(request.events[-1], InfoRequested)
    # Answered Tuesday 10:00 (Monday is a holiday): one working day was left.
    tuesday = WEDNESDAY + timedelta(days=6)
    answer(request, "UACME1", "Lyon", tuesday, CALENDAR)
    assert request.question is None
    assert request.review_due == tuesday + timedelta(days=1)
    given = request.events[-1]
    assert isinstance(given, InfoGiven) and (given.question, given.answer) == (
        "Which project?",
        "Lyon",
    )


def test_asked_after_the_deadline_it_is_due_again_at_once_on_the_answer() -> None:
    request = pending()
    late = WEDNESDAY + timedelta(days=2, hours=1)  # Friday 11:00, an hour overdue
    ask(request, "UREV1", "Still there?", late, CALENDAR, 2)
    answer(request, "UACME1", "Yes", late + timedelta(hours=1), CALENDAR)
    assert request.review_due == late + timedelta(hours=1)


def test_one_question_at_a_time_and_no_answer_without_one() -> None:
    request = pending()
    with pytest.raises(NoOpenQuestion):
        answer(request, "UACME1", "Unasked", WEDNESDAY, CALENDAR)
    ask(request, "UREV1", "Q1", WEDNESDAY, CALENDAR, 2)
    with pytest.raises(QuestionOpen):
        ask(request, "UREV2", "Q2", WEDNESDAY, CALENDAR, 2)


def test_reminder_and_lapse_moments_skip_weekends_and_holidays() -> None:
    request = pending()
    ask(request, "UREV1", "Q", WEDNESDAY, CALENDAR, 2)
    assert request.question is not None
    assert request.question.remind_at == WEDNESDAY + timedelta(days=2)  # Friday
    assert request.question.lapses_at == WEDNESDAY + timedelta(
        days=7
    )  # Wednesday, after Monday off


def test_lapse_rejects_in_the_askers_name_only_when_due() -> None:
    request = pending()
    ask(request, "UREV1", "Q", WEDNESDAY, CALENDAR, 2)
    assert request.question is not None
    due = request.question.lapses_at
    assert not is_due_to_lapse(request, due - timedelta(seconds=1))
    with pytest.raises(TransitionNotAllowed):
        lapse(request, due - timedelta(seconds=1), 2)
    lapse(request, due, 2)
    assert request.status is Status.REJECTED and request.decided_by == "UREV1"
    assert request.decision_note and "unanswered for 4 working days" in request.decision_note
    assert isinstance(request.events[-1], Rejected)


def test_a_decided_request_takes_no_question_and_no_answer() -> None:
    request = pending()
    ask(request, "UREV1", "Q", WEDNESDAY, CALENDAR, 2)
    request.approve("UREV2", WEDNESDAY, timedelta(days=15))
    with pytest.raises(TransitionNotAllowed):
        answer(request, "UACME1", "late", WEDNESDAY, CALENDAR)
    with pytest.raises(TransitionNotAllowed):
        ask(request, "UREV1", "Q", WEDNESDAY, CALENDAR, 2)
