"""`prereg outbox list | retry`: the messages owed to Slack."""

from __future__ import annotations

import argparse

from bot.cli.common import OK, REFUSED, Subparsers, columns, fail, group, runtime_for, sub


def register(commands: Subparsers[argparse.ArgumentParser]) -> None:
    outbox = group(commands, "outbox", "messages owed to Slack")
    listing = sub(outbox, "list", "the newest messages, with their state and last error")
    listing.add_argument("--failed", action="store_true", help="only the dead letters")
    listing.set_defaults(command=_outbox_list)
    retry = sub(outbox, "retry", "send a dead letter again")
    retry.add_argument("id", type=int, metavar="ID")
    retry.set_defaults(command=_outbox_retry)


def _outbox_list(args: argparse.Namespace) -> int:
    from bot.services.outbox_admin import ListOutbox, outbox_entries

    with runtime_for(args) as runtime:
        entries = outbox_entries(ListOutbox(failed_only=args.failed), runtime.context)
    if not entries:
        print("no dead letters" if args.failed else "the outbox is empty")
    header = ["id", "kind", "to", "registration", "status", "attempts", "created", "last error"]
    rows = [
        [
            str(e.id),
            e.kind,
            e.recipient,
            str(e.registration_id or ""),
            e.status,
            str(e.attempts),
            e.created_at.isoformat(timespec="seconds"),
            (e.last_error or "").replace("\n", " ")[:80],
        ]
        for e in entries
    ]
    for line in columns(header, rows):
        print(line)
    return OK


def _outbox_retry(args: argparse.Namespace) -> int:
    from bot.services.outbox_admin import RetryDeadLetter, retry_dead_letter

    with runtime_for(args) as runtime:
        revived = retry_dead_letter(RetryDeadLetter(args.id), runtime.context)
    if not revived:
        return fail(f"no dead letter with id {args.id}", REFUSED)
    print(f"message {args.id} is queued again; a running bot (or `prereg sweep`) sends it")
    return OK
