"""Use cases of a company's registrations: `use_case(cmd, ctx)`, one transaction each.

The command carries the Slack user; the use case finds the company inside its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.eligibility import Decision, Outcome, decide, registration_for
from bot.domain.errors import Refusal
from bot.domain.model import Customer, Partner, Registration
from bot.domain.policy import check_preconditions
from bot.services.commands import Command, OnRegistration
from bot.services.context import Context
from bot.services.errors import ExtensionNeedsReview, JustificationRequired, OpenOpportunities
from bot.services.idempotency import remember, replayed
from bot.services.ports import Conflict, UnitOfWork
from bot.services.queries import quota_of
from bot.services.records import audit, company_of, note_company, own_as, reason_json

# A lost race against another transaction is retried this many times; the rules then
# see the winner's registration and answer accordingly.
CONFLICT_ATTEMPTS = 3
EXTEND = "extend"
DELETE = "delete"


class Preregister(Command):
    """Decide at once; record when eligible (a review case only with a justification)."""

    user_id: str
    customer: Customer
    justification: str | None = None


class RequestReview(Command):
    user_id: str
    customer: Customer
    justification: str


class Extend(OnRegistration):
    request_key: str | None = None
    seen: int | None = None
    """The extensions taken when the button was shown: a click on an older copy is stale."""


class Delete(OnRegistration):
    request_key: str | None = None
    warned_open: int = 0
    """How many open opportunities the confirmation named: more now, and it is refused."""


class DeleteMany(Command):
    user_id: str
    registration_ids: tuple[int, ...]
    request_key: str | None = None


@dataclass(frozen=True)
class Submission:
    decision: Decision
    registration: Registration | None = None
    partner: Partner | None = None
    """The company that submitted, as the use case found it."""

    @property
    def recorded(self) -> bool:
        """A new registration was created by this submission."""
        return self.registration is not None and self.decision.outcome is not Outcome.ALREADY_YOURS


@dataclass(frozen=True)
class Deletion:
    registration_id: int
    registration: Registration | None
    error: Refusal | None


def preregister(cmd: Preregister, ctx: Context) -> Submission:
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            return _submit(cmd, ctx)
        except Conflict:
            if attempt == CONFLICT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def request_review(cmd: RequestReview, ctx: Context) -> Submission:
    """The rules run again at submission: the customer's situation may have changed."""
    justification = cmd.justification.strip() if cmd.justification else ""
    if not justification:
        raise JustificationRequired()
    return preregister(Preregister(cmd.user_id, cmd.customer, justification), ctx)


def _submit(cmd: Preregister, ctx: Context) -> Submission:
    now = ctx.now()
    with ctx.uow() as uow:
        partner = company_of(uow, cmd.user_id, lock=True)
        conflicting = list(uow.registrations.conflicting(cmd.customer))
        for stale in [r for r in conflicting if r.is_due_to_expire(now)]:
            _expire(uow, stale, ctx)
            uow.registrations.save(stale)
        check_preconditions(partner, quota_of(uow, partner.id, ctx))
        facts = uow.directory.matching(cmd.customer.email, cmd.customer.mobile)
        decision = decide(cmd.customer, partner, facts, conflicting, ctx.policy, now)
        justification = cmd.justification.strip() if cmd.justification else None
        due = ctx.calendar.add_working_days(now, ctx.policy.review_sla_days)
        registration = registration_for(
            decision, partner, cmd.customer, justification, now, ctx.policy, due, cmd.user_id
        )
        # An attempt that records nothing is kept too: blocked, or asked to justify (the
        # partner may then edit the details and try again; the audit keeps both attempts).
        attempt = {Outcome.BLOCK: "blocked", Outcome.REVIEW: "review_needed"}.get(decision.outcome)
        if attempt is not None and registration is None:
            detail = {
                "reasons": [reason_json(r) for r in decision.reasons],
                "email": cmd.customer.email,
                "mobile": cmd.customer.mobile,
                "country": cmd.customer.country,
            }
            note_company(uow, partner.id, now, cmd.user_id, attempt, detail)
        if registration is not None and registration.id is None:
            uow.registrations.add(registration)
            audit(uow, registration, now, cmd.user_id, registration.status.value, None)
        uow.commit()
        return Submission(decision, registration, partner)


def extend(cmd: Extend, ctx: Context) -> Registration:
    """Add the validity to the current end, inside the policy's window and limit.

    The row is locked (SELECT … FOR UPDATE; on SQLite the write lock is taken at BEGIN), so
    two users extending at once are served one after the other: the second sees the first's
    extension and is refused by the limit. The rules run again: a customer that meanwhile
    signed a contract, say, is not held any longer than it already is.
    """
    now = ctx.now()
    with ctx.uow() as uow:
        partner, registration = own_as(uow, cmd)
        if replayed(uow, EXTEND, cmd.request_key) is not None:
            return registration
        registration.check_extension(now, ctx.policy, cmd.seen)
        others = [
            r
            for r in uow.registrations.conflicting(registration.customer)
            if r.id != registration.id
        ]
        customer = registration.customer
        facts = uow.directory.matching(customer.email, customer.mobile)
        decision = decide(customer, partner, facts, others, ctx.policy, now)
        if decision.outcome is not Outcome.ELIGIBLE:
            raise ExtensionNeedsReview(decision.reasons, registration)
        registration.extend(now, ctx.policy)
        uow.registrations.save(registration)
        detail: dict[str, object] = {"extensions": registration.extensions}
        audit(uow, registration, now, cmd.user_id, "extended", registration.status, detail)
        remember(uow, EXTEND, cmd.request_key, now, registration_id=registration.id)
        uow.commit()
        return registration


def delete(cmd: Delete, ctx: Context) -> Registration:
    now = ctx.now()
    with ctx.uow() as uow:
        _, registration = own_as(uow, cmd)
        if replayed(uow, DELETE, cmd.request_key) is not None:
            return registration
        before = registration.status
        registration.delete(now)
        assert registration.id is not None
        open_now = uow.opportunities.open_count(registration.id)
        if open_now > cmd.warned_open:
            raise OpenOpportunities(open_now, registration)
        uow.registrations.save(registration)
        audit(uow, registration, now, cmd.user_id, "deleted", before)
        remember(uow, DELETE, cmd.request_key, now, registration_id=registration.id)
        uow.commit()
        return registration


def delete_many(cmd: DeleteMany, ctx: Context) -> list[Deletion]:
    """Each one on its own: a refused deletion does not hold back the others."""
    results = []
    for registration_id in cmd.registration_ids:
        try:
            key = f"{cmd.request_key}:{registration_id}" if cmd.request_key else None
            done = delete(Delete(cmd.user_id, registration_id, key), ctx)
            results.append(Deletion(registration_id, done, None))
        except Refusal as refused:
            results.append(Deletion(registration_id, None, refused))
    return results


class ExpireDue(Command):
    batch: int = 500


def expire_due(cmd: ExpireDue, ctx: Context) -> Sequence[Registration]:
    """Every preregistered registration past valid_until becomes expired, freeing quota."""
    expired: list[Registration] = []
    while True:
        with ctx.uow() as uow:
            due = uow.registrations.due_to_expire(ctx.now(), cmd.batch)
            for registration in due:
                _expire(uow, registration, ctx)
            # One flush for the batch, each batch in its own short transaction.
            uow.registrations.save_many(due)
            uow.commit()
        expired.extend(due)
        if len(due) < cmd.batch:
            return expired


def _expire(uow: UnitOfWork, registration: Registration, ctx: Context) -> None:
    """Frees quota and the customer; the company's users are told (an Expired event).
    The caller saves it."""
    now = ctx.now()
    before = registration.status
    registration.expire(now)
    audit(uow, registration, now, None, "expired", before)
