"""Need more info: reviewers ask, the partner answers, an unanswered question lapses."""

from __future__ import annotations

from bot.domain import questions
from bot.domain.errors import TransitionNotAllowed
from bot.domain.model import Registration, Status
from bot.services.commands import Command, OnRegistration, OnReview
from bot.services.context import Context
from bot.services.records import audit, own_as
from bot.services.reviews import CheckCanDecide, check_can_decide, decidable


class AskPartner(OnReview):
    question: str


class CheckCanAsk(OnReview):
    """Before a reviewer types a question: may they decide it, and is none waiting already?"""


class CheckCanAnswer(OnRegistration):
    """Before a partner types an answer: is it theirs, and is a question waiting?"""


class AnswerQuestion(OnRegistration):
    answer: str


class LapseUnanswered(Command):
    limit: int = 100


def check_can_ask(cmd: CheckCanAsk, ctx: Context) -> Registration:
    registration = check_can_decide(CheckCanDecide(cmd.reviewer, cmd.registration_id), ctx)
    if registration.question is not None:
        raise questions.QuestionOpen()
    return registration


def ask_partner(cmd: AskPartner, ctx: Context) -> Registration:
    now, text = ctx.now(), cmd.question.strip()
    with ctx.uow() as uow:
        registration = decidable(uow, cmd, ctx)
        before = registration.status
        questions.ask(
            registration, cmd.reviewer, text, now, ctx.calendar, ctx.policy.review_sla_days
        )
        uow.registrations.save(registration)
        audit(uow, registration, now, cmd.reviewer, "asked", before, {"question": text})
        uow.commit()
        return registration


def check_can_answer(cmd: CheckCanAnswer, ctx: Context) -> Registration:
    with ctx.uow() as uow:
        _, registration = own_as(uow, cmd)
    _answerable(registration)
    return registration


def answer_question(cmd: AnswerQuestion, ctx: Context) -> Registration:
    now, text = ctx.now(), cmd.answer.strip()
    with ctx.uow() as uow:
        _, registration = own_as(uow, cmd)
        before = registration.status
        questions.answer(registration, cmd.user_id, text, now, ctx.calendar)
        uow.registrations.save(registration)
        audit(uow, registration, now, cmd.user_id, "answered", before, {"answer": text})
        uow.commit()
        return registration


def lapse_unanswered(cmd: LapseUnanswered, ctx: Context) -> list[Registration]:
    """Claimed row by row (skip locked), so replicas running it never lapse one twice."""
    now, sla = ctx.now(), ctx.policy.review_sla_days
    with ctx.uow() as uow:
        lapsed = []
        for registration in uow.registrations.unanswered(now, cmd.limit):
            if not questions.is_due_to_lapse(registration, now):
                continue
            before = registration.status
            questions.lapse(registration, now, sla)
            uow.registrations.save(registration)
            detail: dict[str, object] = {"reason": registration.decision_note, "lapsed": True}
            audit(uow, registration, now, None, "rejected", before, detail)
            lapsed.append(registration)
        uow.commit()
        return lapsed


def _answerable(registration: Registration) -> None:
    if registration.status is not Status.PENDING_REVIEW:
        raise TransitionNotAllowed("answer", registration.status, registration)
    if registration.question is None:
        raise questions.NoOpenQuestion(registration)
