"""The operators' view of the outbox: what is owed or dead, and sending a dead letter again."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.context import Context
from bot.services.ports import OutboxEntry


@dataclass(frozen=True)
class ListOutbox:
    failed_only: bool = False
    limit: int = 100


@dataclass(frozen=True)
class RetryDeadLetter:
    """An operator sends a dead letter again (after fixing, say, the channel)."""

    delivery_id: int


def outbox_entries(cmd: ListOutbox, ctx: Context) -> list[OutboxEntry]:
    with ctx.uow() as uow:
        return list(uow.outbox.entries(cmd.failed_only, cmd.limit))


def retry_dead_letter(cmd: RetryDeadLetter, ctx: Context) -> bool:
    with ctx.uow() as uow:
        revived = uow.outbox.revive(cmd.delivery_id, ctx.now())
        uow.commit()
    return revived
