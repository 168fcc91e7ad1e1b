"""`prereg partners link | unlink | update`: the operator changes a partner company."""

from __future__ import annotations

import argparse
import getpass

from bot.cli.common import OK, Subparsers, runtime_for, sub

LINK_HELP = """\
A Slack user belongs to at most one company: linking a user of another company is
refused, naming that company (unlink them there first). Linking a user who is
linked already changes nothing. Each linked user's App Home shows the company's
dashboard at once, and they can run /preregister.

exit codes:
  0  done (or nothing to do)
  1  refused: unknown company, a user of another company, a malformed user ID;
     nothing was changed
  2  cannot start"""

UNLINK_HELP = """\
Every user named must be linked to the company, else nothing is changed. The
company keeps its customers and quota; its last user may be unlinked (said so),
after which nobody can act for it in Slack until someone is linked again.

exit codes:
  0  done
  1  refused: unknown company, a user not linked to it; nothing was changed
  2  cannot start"""

UPDATE_HELP = """\
Only the values given change. An empty --email "" or --mobile "" removes that
contact, as long as the company keeps the other one. A national mobile number
is read with the company's country (the new one, when --country is given).

exit codes:
  0  done (or every value was already so)
  1  refused: unknown company, a malformed value; nothing was changed
  2  cannot start"""


def register(partners: Subparsers[argparse.ArgumentParser]) -> None:
    for name, summary, text, command in (
        ("link", "link Slack users to a partner company", LINK_HELP, _link),
        ("unlink", "unlink Slack users from a partner company", UNLINK_HELP, _unlink),
    ):
        parser = sub(partners, name, summary, text)
        parser.add_argument("--id", required=True, help="the company's id")
        parser.add_argument(
            "--slack-user",
            dest="slack_users",
            action="append",
            required=True,
            metavar="U",
            help="a Slack user ID, e.g. U0123ABCD (repeat for several)",
        )
        parser.set_defaults(command=command)
    update = sub(
        partners, "update", "change a partner company's name, country or contact", UPDATE_HELP
    )
    update.add_argument("--id", required=True, help="the company's id")
    update.add_argument("--name")
    update.add_argument("--country", help="ISO 3166-1 alpha-2, e.g. DE")
    update.add_argument("--email", help='the contact email ("" removes it)')
    update.add_argument("--mobile", help='the contact mobile ("" removes it)')
    update.set_defaults(command=_update)


def operator() -> str:
    """Who ran the command, as the audit trail names them."""
    try:
        return f"operator:{getpass.getuser()}"[:64]
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return "operator"


def _link(args: argparse.Namespace) -> int:
    from bot.services.partner_links import LinkUsers, link_users

    cmd = LinkUsers(args.id, tuple(args.slack_users), operator())
    with runtime_for(args) as runtime:
        linked = link_users(cmd, runtime.context)
    partner = linked.partner
    already = [
        u for u in dict.fromkeys(u.strip() for u in cmd.slack_user_ids) if u not in linked.added
    ]
    if linked.added:
        print(f"linked to {partner.id}: {' '.join(linked.added)}")
    if already:
        print(f"already linked to {partner.id}, unchanged: {' '.join(already)}")
    print(f"{partner.id} has {len(partner.slack_user_ids)} Slack user(s)")
    return OK


def _unlink(args: argparse.Namespace) -> int:
    from bot.services.partner_links import UnlinkUsers, unlink_users

    cmd = UnlinkUsers(args.id, tuple(args.slack_users), operator())
    with runtime_for(args) as runtime:
        partner = unlink_users(cmd, runtime.context)
    gone = " ".join(dict.fromkeys(u.strip() for u in cmd.slack_user_ids))
    print(f"unlinked from {partner.id}: {gone}")
    if partner.slack_user_ids:
        print(f"{partner.id} has {len(partner.slack_user_ids)} Slack user(s)")
    else:
        print(
            f"note: {partner.id} has no Slack users now: its customers and quota stay, and"
            f" nobody can act for it in Slack until you link someone (`prereg partners link`)"
        )
    return OK


def _update(args: argparse.Namespace) -> int:
    from bot.services.partners import UpdatePartner, update_partner

    cmd = UpdatePartner(
        args.id, operator(), args.name, args.country, email=args.email, mobile=args.mobile
    )
    with runtime_for(args) as runtime:
        updated = update_partner(cmd, runtime.context)
    partner = updated.partner
    if not updated.changed:
        print(f"nothing changed: {partner.id} already reads so")
    for name, (before, after) in updated.changed.items():
        print(f"{partner.id} {name}: {before or '(none)'} -> {after or '(none)'}")
    return OK
