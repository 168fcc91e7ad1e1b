"""The ephemeral replies to `/preregister`: not linked, no contact, quota, help."""

from __future__ import annotations

from bot.blocks import glossary
from bot.blocks.continuations import open_list
from bot.blocks.kit import VALUE as VALUE
from bot.blocks.kit import plain, section
from bot.blocks.message import Message
from bot.blocks.preregister import OPEN_PROFILE
from bot.blocks.text import duration_words, escape, slack_date
from bot.domain.policy import Policy, QuotaUse


def not_linked_message(user_id: str) -> Message:
    uid = escape(user_id)
    headline = "Your Slack account isn't linked to a partner company yet."
    return Message(
        text=headline,
        blocks=[
            section(
                f"*{headline}* So you can't pre-register customers.\n"
                "Ask your ecosystem manager or the prereg operators to link you, and give them"
                f" your Slack user ID: `{uid}`.\n"
                f"An operator links you with `prereg partners link --id … --slack-user {uid}`."
            )
        ],
    )


def no_contact_message() -> Message:
    headline = "Your company has no email or mobile number on file."
    return Message(
        text=f"{headline} Set one with /preregister profile before pre-registering customers.",
        blocks=[
            section(
                f"*{headline}* Set one before pre-registering customers"
                " (also with `/preregister profile`)."
            ),
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": OPEN_PROFILE,
                        "text": plain("Set contact details"),
                        "style": "primary",
                    }
                ],
            },
        ],
    )


def quota_reached_message(use: QuotaUse) -> Message:
    headline = f"Your company is at its quota: {glossary.quota(use.held, use.quota)}."
    if use.next_expiry is not None:
        later = (
            f"The next one expires {slack_date(use.next_expiry)}. You can also free a place"
            " by deleting a customer you no longer need (`/preregister delete`)."
        )
    else:
        later = (
            "All of them are waiting for a reviewer's decision: places free up as reviewers"
            " decide (a rejected one at once, an approved one when its pre-registration ends)."
        )
    return Message(
        text=f"{headline} You can't pre-register another one right now.",
        blocks=[
            section(f"*{headline}* You can't pre-register another one right now.\n{later}"),
            open_list(),
        ],
    )


def quota_form_notice(use: QuotaUse) -> str:
    """Above the form shown again with what was typed: the quota filled up meanwhile."""
    headline = f"Your company is at its quota now: {glossary.quota(use.held, use.quota)}."
    when = f" The next one expires {slack_date(use.next_expiry)}." if use.next_expiry else ""
    return (
        f":warning: *{headline}* Nothing was saved; what you typed is still here, so you can"
        f" submit it once a place frees up.{when}"
    )


def quota_field_error(use: QuotaUse) -> str:
    """Under an input (plain text, no dates): the quota filled up meanwhile."""
    return (
        f"Your company is at its quota now ({glossary.quota(use.held, use.quota)}), so nothing"
        " was sent. What you wrote stays here: submit again once a place frees up."
    )


def help_message(policy: Policy) -> Message:
    validity = duration_words(policy.validity)
    days = "day" if policy.review_sla_days == 1 else "days"
    return Message(
        text="How /preregister works",
        blocks=[
            {"type": "header", "text": plain("Pre-register your customers")},
            section(
                f"`/preregister` opens a form: reserve a potential customer for {validity}"
                " and know at once where you stand. `/preregister Acme Corp` fills in the name.\n"
                "`/preregister list [name, email or mobile]`: your customers, to invite them,"
                " extend them or create opportunities (App Home shows them too)\n"
                "`/preregister profile`: your company's contact email and mobile\n"
                "`/preregister delete`: delete a customer you no longer need\n"
                "`/preregister help`: this message"
            ),
            section(
                "*The rules*\n"
                f"• A pre-registration holds the customer for your company for {validity}."
                " Invite them to register and associate before then.\n"
                f"• Your company holds at most {policy.quota} customers at a time, counting"
                " those waiting for review. It needs an email or mobile on file.\n"
                "• *Not possible:* customers associated with a partner, held by another"
                " partner, under contract with the cloud, or already spending or registered"
                " on the cloud (unless its direct sales follows them).\n"
                "• *Goes to review*, with your justification: customers the cloud's direct"
                f" sales follows (registered over {policy.registered_days} days ago or"
                " spending), in another country than your company, or of the online sales"
                f" team. Reviewers answer within {policy.review_sla_days} working {days}."
            ),
        ],
    )
