"""Use cases: the operator adds partner companies and lists them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import DomainError, NoContactOnFile
from bot.domain.identity import (
    InvalidEmail,
    InvalidMobile,
    is_country_code,
    normalize_email,
    normalize_mobile,
)
from bot.domain.model import Partner
from bot.services.errors import UnknownPartner
from bot.services.ports import AuditEntry, Conflict, UnitOfWork

# Lengths are the database's column widths: PostgreSQL refuses longer values, SQLite not.
_PARTNER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{1,31}")
_NAME_LENGTH = 200

_Normalizer = Callable[[str], str]


class InvalidPartner(DomainError):
    """Everything wrong with the partner as given, said at once."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


class PartnerExists(DomainError):
    def __init__(self, partner_id: str) -> None:
        super().__init__(f'a partner with id "{partner_id}" already exists')
        self.partner_id = partner_id


class SlackUserTaken(DomainError):
    """A Slack user belongs to at most one partner company."""

    def __init__(self, user_id: str, partner_id: str) -> None:
        super().__init__(f'Slack user {user_id} already belongs to partner "{partner_id}"')
        self.user_id = user_id
        self.partner_id = partner_id


@dataclass(frozen=True)
class AddPartner:
    """As the operator typed it; add_partner normalizes and checks it."""

    id: str
    name: str
    country: str
    email: str | None = None
    mobile: str | None = None
    slack_user_ids: tuple[str, ...] = ()


def add_partner(cmd: AddPartner, uow: UnitOfWork, now: datetime) -> Partner:
    partner = _validated(cmd)
    with uow:
        if uow.partners.get(partner.id) is not None:
            raise PartnerExists(partner.id)
        for user_id in partner.slack_user_ids:
            # The repository would silently move a linked user; refuse instead.
            owner = uow.partners.for_slack_user(user_id)
            if owner is not None:
                raise SlackUserTaken(user_id, owner.id)
        try:
            uow.partners.add(partner, now)
        except Conflict:  # another operator added the same id meanwhile
            raise PartnerExists(partner.id) from None
        uow.commit()
    return partner


def list_partners(uow: UnitOfWork) -> Sequence[Partner]:
    with uow:
        return uow.partners.list()


def _validated(cmd: AddPartner) -> Partner:
    problems: list[str] = []
    partner_id, name = cmd.id.strip(), cmd.name.strip()
    country = cmd.country.strip().upper()
    if not _PARTNER_ID.fullmatch(partner_id):
        problems.append(
            f'bad id "{partner_id}": expected up to 64 letters, digits, ".", "_" or "-",'
            " starting with a letter or digit"
        )
    if not name or len(name) > _NAME_LENGTH:
        problems.append(f"bad name: expected 1 to {_NAME_LENGTH} characters")
    if not is_country_code(country):
        problems.append(f'bad country "{cmd.country.strip()}": expected an ISO 3166-1 alpha-2 code')
    email = _optional(cmd.email, normalize_email, problems)
    mobile = _optional(cmd.mobile, lambda raw: normalize_mobile(raw, country), problems)
    users = tuple(dict.fromkeys(u.strip() for u in cmd.slack_user_ids))
    for user_id in users:
        if not _SLACK_USER.fullmatch(user_id):
            problems.append(f'bad Slack user "{user_id}": expected an ID such as U0123ABCD')
    if problems:
        raise InvalidPartner(problems)
    return Partner(partner_id, name, country, email, mobile, users)


def _optional(raw: str | None, normalize: _Normalizer, problems: list[str]) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return normalize(raw)
    except (InvalidEmail, InvalidMobile) as error:
        problems.append(str(error))
        return None


def partner_for_user(user_id: str, uow: UnitOfWork) -> Partner:
    """The company a Slack user works for; raises UnknownPartner when none."""
    with uow:
        partner = uow.partners.for_slack_user(user_id)
    if partner is None:
        raise UnknownPartner(user_id)
    return partner


def set_contact(
    partner_id: str,
    email: str | None,
    mobile: str | None,
    actor: str,
    uow: UnitOfWork,
    now: datetime,
) -> Partner:
    """The company's contact on file: at least one of a valid email or mobile."""
    with uow:
        partner = uow.partners.lock(partner_id)
        if partner is None:
            raise UnknownPartner(partner_id)
        before = (partner.email, partner.mobile)
        partner.email, partner.mobile = email, mobile
        if not partner.has_contact():
            raise NoContactOnFile()
        uow.partners.save(partner)
        uow.audit.record(
            AuditEntry(
                at=now,
                action="contact_updated",
                actor=actor,
                partner_id=partner_id,
                detail={"before": list(before), "after": [email, mobile]},
            )
        )
        uow.commit()
        return partner
