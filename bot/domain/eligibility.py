"""The rule table: may this partner reserve this customer, and if not, why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.model import Customer, CustomerFacts, Partner, Reason, ReasonCode, Registration
from bot.domain.policy import Policy


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    REVIEW = "review"
    BLOCK = "block"
    ALREADY_YOURS = "already_yours"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    existing: Registration | None = None

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        return tuple(r.code for r in self.reasons)


def decide(
    customer: Customer,
    partner: Partner,
    facts: Sequence[CustomerFacts],
    conflicting: Sequence[Registration],
    policy: Policy,
    now: datetime,
) -> Decision:
    """Evaluate DESIGN.md's rows in order: the first block stops, review reasons add up.

    `facts` are the directory entries matching the customer's email or mobile;
    `conflicting` the registrations that do. Inactive ones are ignored here.
    """
    # Row 1: associated with a partner (any partner, this one included).
    for f in facts:
        if f.associated_partner_id:
            return _block(ReasonCode.ASSOCIATED, **_match(customer, f))

    # Rows 2 and 3: an active registration already holds the customer.
    active = [r for r in conflicting if r.is_active(now)]
    for r in active:
        if r.partner_id != partner.id:
            return _block(ReasonCode.HELD_BY_OTHER_PARTNER, registration_id=str(r.id))
    if active:
        mine = active[0]
        return Decision(Outcome.ALREADY_YOURS, (Reason(ReasonCode.ALREADY_YOURS),), mine)

    # Row 4: a contract with the cloud.
    for f in facts:
        if f.has_contract:
            return _block(ReasonCode.CONTRACT, **_match(customer, f))

    reviews: list[Reason] = []

    # Row 5 comes before 6 and 7: a customer direct sales follows goes to review.
    followed = [f for f in facts if f.direct_sales_followup and _seasoned(f, policy, now)]
    for f in followed:
        evidence = _followup_evidence(customer, f, policy)
        reviews.append(Reason(ReasonCode.DIRECT_SALES_FOLLOWUP, evidence))

    if not followed:
        # Row 6: spend without direct sales following up.
        for f in facts:
            if f.has_spend and not f.direct_sales_followup:
                return _block(ReasonCode.SPEND_WITHOUT_FOLLOWUP, **_match(customer, f))
        # Row 7: already registered on a site.
        for f in facts:
            if f.site is not None:
                return _block(ReasonCode.REGISTERED, site=f.site.value, **_match(customer, f))

    # Row 8: the directory's country when registered, else the one typed.
    country, source = customer.country, "typed"
    registered = [f for f in facts if f.registered and f.country]
    if registered:
        country, source = registered[0].country or country, "directory"
    if country != partner.country:
        reviews.append(
            Reason(
                ReasonCode.COUNTRY_MISMATCH,
                {
                    "customer_country": country,
                    "partner_country": partner.country,
                    "source": source,
                    # Tells "not in the directory at all" from "in it, but not registered".
                    "in_directory": "true" if facts else "false",
                },
            )
        )

    # Row 9: the online sales team's customer.
    for f in facts:
        if f.online_sales:
            reviews.append(Reason(ReasonCode.ONLINE_SALES, _match(customer, f)))
            break

    if reviews:
        return Decision(Outcome.REVIEW, tuple(reviews))
    return Decision(Outcome.ELIGIBLE)


def _block(code: ReasonCode, **evidence: str) -> Decision:
    return Decision(Outcome.BLOCK, (Reason(code, evidence),))


def _seasoned(f: CustomerFacts, policy: Policy, now: datetime) -> bool:
    """Registered more than N days ago, or already spending."""
    threshold = timedelta(days=policy.registered_days)
    long_ago = f.registered_at is not None and now - f.registered_at > threshold
    return bool(f.has_spend) or long_ago


def _match(customer: Customer, f: CustomerFacts) -> dict[str, str]:
    on = "email" if customer.email and customer.email == f.email else "mobile"
    return {"matched_on": on}


def _followup_evidence(customer: Customer, f: CustomerFacts, policy: Policy) -> dict[str, str]:
    evidence = _match(customer, f)
    evidence["has_spend"] = "true" if f.has_spend else "false"
    if f.registered_at is not None:
        evidence["registered_at"] = f.registered_at.isoformat()
        evidence["threshold_days"] = str(policy.registered_days)
    if f.site is not None:
        evidence["site"] = f.site.value
    return evidence


def registration_for(
    decision: Decision,
    partner: Partner,
    customer: Customer,
    justification: str | None,
    now: datetime,
    policy: Policy,
    review_due: datetime,
    actor: str | None = None,
) -> Registration | None:
    """What an outcome records: the existing hold, a new one, a review request, or nothing.

    A review case is recorded only with the partner's justification; a block never is.
    """
    if decision.outcome is Outcome.ALREADY_YOURS:
        return decision.existing
    if decision.outcome is Outcome.ELIGIBLE:
        return Registration.preregistered(
            partner.id, customer, now, policy.validity, created_by=actor
        )
    if decision.outcome is Outcome.REVIEW and justification:
        return Registration.pending_review(
            partner.id,
            customer,
            decision.reasons,
            justification,
            now,
            review_due,
            created_by=actor,
        )
    return None
