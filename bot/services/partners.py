"""Use cases of partner companies: the operator adds, lists and updates them; partners set
their contact. Linking people to a company: bot.services.partner_links."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.domain.errors import Refusal
from bot.domain.identity import (
    InvalidEmail,
    InvalidMobile,
    is_country_code,
    normalize_email,
    normalize_mobile,
)
from bot.domain.model import Partner
from bot.services.commands import Command
from bot.services.context import Context
from bot.services.ports import Conflict, UnitOfWork
from bot.services.records import company_of, note_company

# Lengths are the database's column widths: PostgreSQL refuses longer values, SQLite not.
_PARTNER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{1,31}")
_NAME_LENGTH = 200

_Normalizer = Callable[[str], str]


class InvalidPartner(Refusal):
    """Everything wrong with the partner as given, said at once."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(eq=False)
class PartnerExists(Refusal):
    said = 'a partner with id "{partner_id}" already exists'
    partner_id: str


@dataclass(eq=False)
class NoSuchPartner(Refusal):
    said = 'no partner with id "{partner_id}" (see `prereg partners list`)'
    partner_id: str


@dataclass(eq=False)
class SlackUserTaken(Refusal):
    """A Slack user belongs to at most one partner company."""

    said = 'Slack user {user_id} already belongs to partner "{partner_id}"'
    user_id: str
    partner_id: str


class AddPartner(Command):
    """As the operator typed it; add_partner normalizes and checks it."""

    id: str
    name: str
    country: str
    email: str | None = None
    mobile: str | None = None
    slack_user_ids: tuple[str, ...] = ()
    operator: str | None = None
    """Who ran the command, for the audit trail."""


class ListPartners(Command):
    pass


class UpdatePartner(Command):
    """The operator's changes; None keeps a value, an empty email or mobile removes it."""

    id: str
    operator: str
    name: str | None = None
    country: str | None = None
    email: str | None = None
    mobile: str | None = None


@dataclass(frozen=True)
class Updated:
    partner: Partner
    changed: dict[str, list[str | None]]
    """Each field that changed: [before, after]; empty when everything was already so."""


class SetContact(Command):
    """The company's contact on file, already normalized: at least one of the two."""

    user_id: str
    email: str | None
    mobile: str | None


def add_partner(cmd: AddPartner, ctx: Context) -> Partner:
    partner = _validated(cmd)
    now = ctx.now()
    with ctx.uow() as uow:
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
        added = {"name": partner.name, "users": list(partner.slack_user_ids)}
        note_company(uow, partner.id, now, cmd.operator, "partner_added", added)
        uow.commit()
    return partner


def list_partners(cmd: ListPartners, ctx: Context) -> Sequence[Partner]:
    with ctx.uow() as uow:
        return uow.partners.list()


def update_partner(cmd: UpdatePartner, ctx: Context) -> Updated:
    if all(v is None for v in (cmd.name, cmd.country, cmd.email, cmd.mobile)):
        raise InvalidPartner(["nothing to update: give --name, --country, --email or --mobile"])
    now = ctx.now()
    with ctx.uow() as uow:
        partner = locked(uow, cmd.id)
        wanted = _validated(
            AddPartner(
                id=partner.id,
                name=partner.name if cmd.name is None else cmd.name,
                country=partner.country if cmd.country is None else cmd.country,
                email=partner.email if cmd.email is None else cmd.email,
                mobile=partner.mobile if cmd.mobile is None else cmd.mobile,
            )
        )
        if partner.has_contact() and not wanted.has_contact():
            raise InvalidPartner(["the company must keep an email or a mobile on file"])
        changed = partner.amend(wanted, now)
        if changed:
            uow.partners.save(partner)
            detail = {"changed": changed}
            note_company(uow, partner.id, now, cmd.operator, "partner_updated", detail)
            uow.commit()
        return Updated(partner, changed)


def locked(uow: UnitOfWork, partner_id: str) -> Partner:
    """The company as the operator named it, held until commit."""
    partner = uow.partners.lock(partner_id.strip())
    if partner is None:
        raise NoSuchPartner(partner_id.strip())
    return partner


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
    problems.extend(slack_user_problems(users))
    if problems:
        raise InvalidPartner(problems)
    return Partner(partner_id, name, country, email, mobile, users)


def slack_user_problems(users: Sequence[str]) -> list[str]:
    return [
        f'bad Slack user "{user_id}": expected an ID such as U0123ABCD'
        for user_id in users
        if not _SLACK_USER.fullmatch(user_id)
    ]


def _optional(raw: str | None, normalize: _Normalizer, problems: list[str]) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return normalize(raw)
    except (InvalidEmail, InvalidMobile) as error:
        problems.append(str(error))
        return None


def set_contact(cmd: SetContact, ctx: Context) -> Partner:
    now = ctx.now()
    with ctx.uow() as uow:
        partner = company_of(uow, cmd.user_id, lock=True)
        before = (partner.email, partner.mobile)
        partner.set_contact(cmd.email, cmd.mobile)
        uow.partners.save(partner)
        detail = {"before": list(before), "after": [cmd.email, cmd.mobile]}
        note_company(uow, partner.id, now, cmd.user_id, "contact_updated", detail)
        uow.commit()
        return partner
