"""What several use cases share: loading a company or its registration, and the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.domain.model import Partner, Reason, Registration, Status
from bot.services.commands import OnRegistration
from bot.services.errors import RegistrationNotFound, UnknownPartner
from bot.services.ports import AuditEntry, UnitOfWork


def partner_of(uow: UnitOfWork, partner_id: str, lock: bool = False) -> Partner:
    partner = uow.partners.lock(partner_id) if lock else uow.partners.get(partner_id)
    if partner is None:
        raise UnknownPartner(partner_id)
    return partner


def company_of(uow: UnitOfWork, user_id: str, lock: bool = False) -> Partner:
    """The company the Slack user works for; raises UnknownPartner when none."""
    partner = uow.partners.for_slack_user(user_id, lock=lock)
    if partner is None:
        raise UnknownPartner(user_id)
    return partner


def own(
    uow: UnitOfWork, registration_id: int, partner_id: str, *, lock: bool = True
) -> Registration:
    """One of the company's registrations, locked unless told otherwise; another company's is
    as if it did not exist."""
    registration = uow.registrations.get(registration_id, lock=lock)
    if registration is None or registration.partner_id != partner_id:
        raise RegistrationNotFound()
    return registration


def own_as(
    uow: UnitOfWork, cmd: OnRegistration, *, lock: bool = True
) -> tuple[Partner, Registration]:
    """The acting user's company and the registration the command names (see `own`)."""
    partner = company_of(uow, cmd.user_id)
    return partner, own(uow, cmd.registration_id, partner.id, lock=lock)


def audit(
    uow: UnitOfWork,
    registration: Registration,
    now: datetime,
    actor: str | None,
    action: str,
    before: Status | None,
    detail: dict[str, object] | None = None,
) -> None:
    uow.audit.record(
        AuditEntry(
            at=now,
            action=action,
            actor=actor,
            partner_id=registration.partner_id,
            registration_id=registration.id,
            from_status=before,
            to_status=registration.status,
            detail={"reasons": [reason_json(r) for r in registration.reasons], **(detail or {})},
        )
    )


def note(
    uow: UnitOfWork,
    registration: Registration,
    now: datetime,
    actor: str,
    action: str,
    detail: dict[str, object] | None = None,
) -> None:
    """An audit entry about a registration whose status stays as it is."""
    where = (registration.partner_id, registration.id)
    uow.audit.record(AuditEntry(now, action, actor, *where, detail=detail or {}))


def note_company(
    uow: UnitOfWork,
    partner_id: str,
    now: datetime,
    actor: str | None,
    action: str,
    detail: Mapping[str, object],
) -> None:
    """An audit entry about the company itself, not one of its registrations."""
    uow.audit.record(AuditEntry(now, action, actor, partner_id, detail=dict(detail)))


def reason_json(reason: Reason) -> dict[str, object]:
    return {"code": str(reason.code), "evidence": dict(reason.evidence)}
