"""Use cases of a company's registrations: one function each, one transaction each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.calendar import WorkingCalendar
from bot.domain.eligibility import Decision, Outcome, decide
from bot.domain.errors import DomainError, TransitionNotAllowed
from bot.domain.model import (
    ACTIVE_STATUSES,
    Customer,
    Opportunity,
    Partner,
    Registration,
    Status,
)
from bot.domain.policy import Policy, QuotaUse, check_preconditions, quota_use
from bot.services.errors import (
    JustificationRequired,
    OpportunityNotAllowed,
    RegistrationNotFound,
    UnknownPartner,
)
from bot.services.ports import (
    REVIEWERS,
    AuditEntry,
    Conflict,
    Kind,
    Notification,
    UnitOfWork,
)
from bot.services.records import audit, own, partner_of, reason_json

# A lost race against another transaction is retried this many times; the rules then
# see the winner's registration and answer accordingly.
CONFLICT_ATTEMPTS = 3


@dataclass(frozen=True)
class Submit:
    partner_id: str
    customer: Customer
    actor: str | None = None
    justification: str | None = None


@dataclass(frozen=True)
class Submission:
    decision: Decision
    registration: Registration | None = None

    @property
    def recorded(self) -> bool:
        """A new registration was created by this submission."""
        return self.registration is not None and self.decision.outcome is not Outcome.ALREADY_YOURS


@dataclass(frozen=True)
class Standing:
    """A Slack user's company, its quota use and its active registrations, soonest end first."""

    partner: Partner
    quota: QuotaUse
    active: list[Registration]

    def check(self) -> None:
        """Preconditions before anyone types a form: raises NoContactOnFile or QuotaReached."""
        check_preconditions(self.partner, self.quota)


def standing_of_user(user_id: str, uow: UnitOfWork, policy: Policy, now: datetime) -> Standing:
    """Raises UnknownPartner when the Slack user is linked to no company."""
    with uow:
        partner = uow.partners.for_slack_user(user_id)
        if partner is None:
            raise UnknownPartner(user_id)
        held = uow.registrations.of_partner(partner.id, tuple(ACTIVE_STATUSES))
    active = sorted((r for r in held if r.is_active(now)), key=_soonest_end)
    return Standing(partner, quota_use(active, policy, now), active)


def _soonest_end(registration: Registration) -> tuple[int, datetime]:
    # Pending reviews have no end yet: they come after every dated one.
    end = registration.valid_until or registration.review_due or registration.created_at
    return (registration.valid_until is None, end)


def preregister(
    cmd: Submit, uow: UnitOfWork, policy: Policy, calendar: WorkingCalendar, now: datetime
) -> Submission:
    """Decide at once; record when eligible. A review case is recorded only with a justification."""
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            return _submit(cmd, uow, policy, calendar, now)
        except Conflict:
            if attempt == CONFLICT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def request_review(
    cmd: Submit, uow: UnitOfWork, policy: Policy, calendar: WorkingCalendar, now: datetime
) -> Submission:
    """The rules run again at submission: the customer's situation may have changed."""
    if not (cmd.justification and cmd.justification.strip()):
        raise JustificationRequired()
    return preregister(cmd, uow, policy, calendar, now)


def _submit(
    cmd: Submit, uow: UnitOfWork, policy: Policy, calendar: WorkingCalendar, now: datetime
) -> Submission:
    with uow:
        partner = partner_of(uow, cmd.partner_id, lock=True)
        conflicting = list(uow.registrations.conflicting(cmd.customer))
        for stale in [r for r in conflicting if r.is_due_to_expire(now)]:
            _expire(uow, stale, now)
        check_preconditions(partner, _quota(uow, partner, policy, now))
        facts = uow.directory.matching(cmd.customer.email, cmd.customer.mobile)
        decision = decide(cmd.customer, partner, facts, conflicting, policy, now)

        registration: Registration | None = None
        if decision.outcome is Outcome.ALREADY_YOURS:
            registration = decision.existing
        elif decision.outcome is Outcome.ELIGIBLE:
            registration = Registration.preregistered(
                partner.id, cmd.customer, now, policy.validity, created_by=cmd.actor
            )
        elif decision.outcome is Outcome.REVIEW and cmd.justification:
            registration = Registration.pending_review(
                partner.id,
                cmd.customer,
                decision.reasons,
                cmd.justification.strip(),
                now,
                calendar.add_working_days(now, policy.review_sla_days),
                created_by=cmd.actor,
            )
        elif decision.outcome is Outcome.BLOCK:
            uow.audit.record(
                AuditEntry(
                    at=now,
                    action="blocked",
                    actor=cmd.actor,
                    partner_id=partner.id,
                    detail={
                        "reasons": [reason_json(r) for r in decision.reasons],
                        "email": cmd.customer.email,
                        "mobile": cmd.customer.mobile,
                    },
                )
            )

        if registration is not None and registration.id is None:
            uow.registrations.add(registration)
            audit(uow, registration, now, cmd.actor, registration.status.value, None)
            if registration.status is Status.PENDING_REVIEW:
                uow.outbox.add(Notification(Kind.REVIEW_REQUEST, REVIEWERS, registration.id), now)
        uow.commit()
        return Submission(decision, registration)


def renew(
    registration_id: int,
    partner_id: str,
    actor: str | None,
    uow: UnitOfWork,
    policy: Policy,
    now: datetime,
) -> Submission:
    """Run the rules again for a customer the company holds; if still eligible, start over.

    Otherwise nothing changes: the reservation ends on its date (a review needs a new
    request, with a justification, once it has ended).
    """
    with uow:
        partner = partner_of(uow, partner_id, lock=True)
        registration = own(uow, registration_id, partner_id)
        others = [
            r
            for r in uow.registrations.conflicting(registration.customer)
            if r.id != registration.id
        ]
        customer = registration.customer
        facts = uow.directory.matching(customer.email, customer.mobile)
        decision = decide(customer, partner, facts, others, policy, now)
        if decision.outcome is Outcome.ELIGIBLE:
            before = registration.status
            registration.renew(now, policy.validity)
            uow.registrations.save(registration)
            audit(uow, registration, now, actor, "renewed", before)
            uow.commit()
        elif registration.status is not Status.PREREGISTERED or not registration.is_active(now):
            raise TransitionNotAllowed("renew", registration.status)
        return Submission(decision, registration)


def delete(
    registration_id: int, partner_id: str, actor: str | None, uow: UnitOfWork, now: datetime
) -> Registration:
    with uow:
        registration = own(uow, registration_id, partner_id)
        before = registration.status
        registration.delete()
        uow.registrations.save(registration)
        audit(uow, registration, now, actor, "deleted", before)
        uow.commit()
        return registration


@dataclass(frozen=True)
class Deletion:
    registration_id: int
    registration: Registration | None
    error: DomainError | None


def delete_many(
    registration_ids: Iterable[int],
    partner_id: str,
    actor: str | None,
    uow: UnitOfWork,
    now: datetime,
) -> list[Deletion]:
    """Each one on its own: a refused deletion does not hold back the others."""
    results = []
    for registration_id in registration_ids:
        try:
            done = delete(registration_id, partner_id, actor, uow, now)
            results.append(Deletion(registration_id, done, None))
        except DomainError as refused:
            results.append(Deletion(registration_id, None, refused))
    return results


def associate(registration_id: int, email: str, uow: UnitOfWork, now: datetime) -> Registration:
    """The customer registers and associates, with the email that was pre-registered."""
    with uow:
        registration = uow.registrations.get(registration_id, lock=True)
        if registration is None:
            raise RegistrationNotFound()
        before = registration.status
        registration.associate(email, now)
        uow.registrations.save(registration)
        audit(uow, registration, now, "customer", "associated", before)
        uow.commit()
        return registration


def create_opportunity(
    registration_id: int,
    partner_id: str,
    title: str,
    actor: str | None,
    uow: UnitOfWork,
    now: datetime,
) -> Opportunity:
    with uow:
        registration = own(uow, registration_id, partner_id)
        if not registration.allows_opportunity(now):
            raise OpportunityNotAllowed()
        opportunity = uow.opportunities.add(Opportunity(registration_id, title.strip(), actor, now))
        uow.audit.record(
            AuditEntry(
                at=now,
                action="opportunity_created",
                actor=actor,
                partner_id=partner_id,
                registration_id=registration_id,
                detail={"title": opportunity.title},
            )
        )
        uow.commit()
        return opportunity


def expire_due(uow: UnitOfWork, now: datetime, batch: int = 100) -> list[Registration]:
    """Every preregistered registration past valid_until becomes expired, freeing quota."""
    expired: list[Registration] = []
    while True:
        with uow:
            due = uow.registrations.due_to_expire(now, batch)
            for registration in due:
                _expire(uow, registration, now)
            uow.commit()
        expired.extend(due)
        if len(due) < batch:
            return expired


def get_registration(registration_id: int, uow: UnitOfWork) -> Registration:
    with uow:
        registration = uow.registrations.get(registration_id)
    if registration is None:
        raise RegistrationNotFound()
    return registration


def own_registration(registration_id: int, partner_id: str, uow: UnitOfWork) -> Registration:
    """One of the company's registrations; another company's is as if it did not exist."""
    with uow:
        return own(uow, registration_id, partner_id)


def list_registrations(partner_id: str, uow: UnitOfWork) -> Sequence[Registration]:
    with uow:
        return uow.registrations.of_partner(partner_id)


def _expire(uow: UnitOfWork, registration: Registration, now: datetime) -> None:
    """Frees quota and the customer; the company's users are told."""
    before = registration.status
    registration.expire(now)
    uow.registrations.save(registration)
    audit(uow, registration, now, None, "expired", before)
    partner = uow.partners.get(registration.partner_id)
    for user_id in partner.slack_user_ids if partner else ():
        uow.outbox.add(Notification(Kind.EXPIRED, user_id, registration.id), now)


def _quota(uow: UnitOfWork, partner: Partner, policy: Policy, now: datetime) -> QuotaUse:
    return quota_use(uow.registrations.of_partner(partner.id, tuple(ACTIVE_STATUSES)), policy, now)
