"""`prereg partners add | list`: the partner companies (link, unlink, update: partner_links)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from bot.cli import partner_import, partner_links
from bot.cli.common import OK, Subparsers, columns, group, runtime_for, sub

if TYPE_CHECKING:
    from bot.domain.model import Partner


def register(commands: Subparsers[argparse.ArgumentParser]) -> None:
    partners = group(commands, "partners", "partner companies")
    add = sub(partners, "add", "add a partner company")
    add.add_argument("--id", required=True, help="a short id: letters, digits, . _ -")
    add.add_argument("--name", required=True)
    add.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. DE")
    add.add_argument("--email", help="the company's contact email")
    add.add_argument("--mobile", help="the company's contact mobile (national numbers: --country)")
    add.add_argument(
        "--slack-user",
        dest="slack_users",
        action="append",
        default=[],
        metavar="U",
        help="a Slack user ID of the company's people (repeat for several)",
    )
    add.set_defaults(command=_partners_add)
    sub(partners, "list", "list partner companies").set_defaults(command=_partners_list)
    partner_import.register(partners)
    partner_links.register(partners)


def _partners_add(args: argparse.Namespace) -> int:
    from bot.services.partners import AddPartner, add_partner

    cmd = AddPartner(
        id=args.id,
        name=args.name,
        country=args.country,
        email=args.email,
        mobile=args.mobile,
        slack_user_ids=tuple(args.slack_users),
        operator=partner_links.operator(),
    )
    with runtime_for(args) as runtime:
        partner = add_partner(cmd, runtime.context)
    users = len(partner.slack_user_ids)
    print(f"added partner {partner.id}: {partner.name} ({partner.country}), {users} Slack user(s)")
    if not partner.has_contact():
        print(f"note: {partner.id} has no email or mobile on file; its users must set one first")
    return OK


def _partners_list(args: argparse.Namespace) -> int:
    from bot.services.partners import ListPartners, list_partners

    with runtime_for(args) as runtime:
        partners = list_partners(ListPartners(), runtime.context)
    if not partners:
        print("no partners yet: add one with `prereg partners add`")
    for line in _table(["id", "name", "country", "email", "mobile", "slack users"], partners):
        print(line)
    return OK


def _table(header: list[str], partners: Sequence[Partner]) -> Iterator[str]:
    rows = [
        [p.id, p.name, p.country, p.email or "", p.mobile or "", ",".join(p.slack_user_ids)]
        for p in partners
    ]
    return columns(header, rows)
