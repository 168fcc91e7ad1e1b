"""The waiting list's use cases: join when another partner holds the customer; leave."""

from __future__ import annotations

from datetime import datetime

from bot.domain.model import Customer
from bot.domain.waitlist import NotHeldByAnother, NotWaiting, WaitEntry
from bot.services.commands import Command
from bot.services.context import Context
from bot.services.ports import UnitOfWork
from bot.services.records import company_of, note_company


class JoinWaitlist(Command):
    user_id: str
    customer: Customer
    """As the partner typed it in the form that was refused."""


class LeaveWaitlist(Command):
    user_id: str
    entry_id: int


def join_waitlist(cmd: JoinWaitlist, ctx: Context) -> WaitEntry:
    """Only while another partner holds the customer; joining twice keeps the first entry."""
    now = ctx.now()
    with ctx.uow() as uow:
        partner = company_of(uow, cmd.user_id)
        holders = [r for r in uow.registrations.conflicting(cmd.customer) if r.is_active(now)]
        if not holders or all(r.partner_id == partner.id for r in holders):
            raise NotHeldByAnother()
        for stale in uow.waitlist.of_company(partner.id, cmd.customer):
            if not stale.is_waiting(now):
                stale.lapse(now)
                uow.waitlist.save(stale)
        entry = uow.waitlist.add(WaitEntry(partner.id, cmd.user_id, cmd.customer, now))
        _audit(uow, entry, "waitlist_joined", cmd.user_id, now)
        uow.commit()
        return entry


def leave_waitlist(cmd: LeaveWaitlist, ctx: Context) -> WaitEntry:
    now = ctx.now()
    with ctx.uow() as uow:
        partner = company_of(uow, cmd.user_id)
        entry = uow.waitlist.get(cmd.entry_id, lock=True)
        if entry is None or entry.partner_id != partner.id:
            raise NotWaiting()
        entry.leave(now)
        uow.waitlist.save(entry)
        _audit(uow, entry, "waitlist_left", cmd.user_id, now)
        uow.commit()
        return entry


def _audit(uow: UnitOfWork, entry: WaitEntry, action: str, actor: str, now: datetime) -> None:
    customer = entry.customer
    detail: dict[str, object] = {
        "entry": entry.id,
        "email": customer.email,
        "mobile": customer.mobile,
    }
    note_company(uow, entry.partner_id, now, actor, action, detail)
