"""Use cases of the operator: link Slack users to a partner company, and unlink them.

A Slack user belongs to at most one company: the link table's key is the user, so two
operators linking one user to two companies at once cannot both succeed. Each change is
audited, and the App Home of each user concerned is published again (through the outbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import UserNotLinked
from bot.domain.model import Partner
from bot.services.commands import Command
from bot.services.context import Context
from bot.services.errors import ServiceBusy
from bot.services.partners import InvalidPartner, SlackUserTaken, locked, slack_user_problems
from bot.services.ports import Conflict, UnitOfWork
from bot.services.records import note_company


class LinkUsers(Command):
    partner_id: str
    slack_user_ids: tuple[str, ...]
    operator: str
    """Who ran the command, for the audit trail."""


class UnlinkUsers(Command):
    partner_id: str
    slack_user_ids: tuple[str, ...]
    operator: str


@dataclass(frozen=True)
class Linked:
    partner: Partner
    added: tuple[str, ...]
    """The users this call linked; the others were linked already."""


def link_users(cmd: LinkUsers, ctx: Context) -> Linked:
    users = _checked(cmd.slack_user_ids)
    now = ctx.now()
    with ctx.uow() as uow:
        partner = locked(uow, cmd.partner_id)
        for user_id in users:
            owner = uow.partners.for_slack_user(user_id)
            if owner is not None and owner.id != partner.id:
                raise SlackUserTaken(user_id, owner.id)
        added = partner.link(users, now)
        if added:
            try:
                uow.partners.save(partner)
            except Conflict:  # linked to another company meanwhile: name it
                raise _taken(uow, users, partner.id) from None
            _audit(uow, "users_linked", cmd.operator, partner, added, now)
            uow.commit()
        return Linked(partner, added)


def unlink_users(cmd: UnlinkUsers, ctx: Context) -> Partner:
    """Refused as a whole when any user is not the company's; the last one may go."""
    users = _checked(cmd.slack_user_ids)
    now = ctx.now()
    with ctx.uow() as uow:
        partner = locked(uow, cmd.partner_id)
        for user_id in users:
            if user_id not in partner.slack_user_ids:
                owner = uow.partners.for_slack_user(user_id)
                raise UserNotLinked(user_id, partner.id, owner.id if owner else None)
        partner.unlink(users, now)
        uow.partners.save(partner)
        _audit(uow, "users_unlinked", cmd.operator, partner, users, now)
        uow.commit()
        return partner


def _checked(raw: tuple[str, ...]) -> tuple[str, ...]:
    users = tuple(dict.fromkeys(u.strip() for u in raw))
    problems = slack_user_problems(users)
    if not users:
        problems.append("no Slack user given: name one with --slack-user")
    if problems:
        raise InvalidPartner(problems)
    return users


def _taken(uow: UnitOfWork, users: tuple[str, ...], partner_id: str) -> Exception:
    uow.rollback()
    for user_id in users:
        owner = uow.partners.for_slack_user(user_id)
        if owner is not None and owner.id != partner_id:
            return SlackUserTaken(user_id, owner.id)
    return ServiceBusy("Conflict")  # nobody else holds it now: running it again succeeds


def _audit(
    uow: UnitOfWork,
    action: str,
    operator: str,
    partner: Partner,
    users: tuple[str, ...],
    now: datetime,
) -> None:
    detail = {"users": list(users), "now_linked": list(partner.slack_user_ids)}
    note_company(uow, partner.id, now, operator, action, detail)
