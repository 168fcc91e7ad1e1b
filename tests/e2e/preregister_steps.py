"""What the pre-registration tests share: the customer they type, the ways they drive the form
and the ways they read what the bot stored and posted."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from bot.domain.model import Customer, CustomerFacts, Registration, Site
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.slack_driver import Reply

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # the clock fixture: a Wednesday
REVIEW_DUE = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # two working days later: Friday
VALIDITY = timedelta(days=15)
REGISTERED_LONG_AGO = {"site": Site.INTL, "registered_at": NOW - timedelta(days=30)}

EMAIL = "it@kunde.de"  # CUSTOMER's email, normalized
CUSTOMER = {"Customer name": "Kunde GmbH", "Email": "IT@Kunde.de", "Country / region": "DE"}

RETAIL = "Retail & consumer goods"  # one of bot.domain.industries

INJECTION = "<!channel> <@UBETA1> <http://evil.example|click> & co"
INJECTION_NOTES = "<!here> call us, <@UBETA1>"
FORBIDDEN = ("<!channel>", "<!here>", "<@UBETA1>", "<http://evil")


def registrations(bot: Bot) -> list[tuple[str, str, str | None]]:
    with bot.context.uow() as uow:
        return [(r.partner_id, r.status.value, r.customer.email) for r in uow.registrations.all()]


def stored(bot: Bot) -> list[Registration]:
    with bot.context.uow() as uow:
        return list(uow.registrations.all())


def sql(bot: Bot, statement: str) -> list[dict[str, Any]]:
    """Rows straight from the database, in a transaction of their own."""
    with bot.runtime.engine.begin() as connection:
        result = connection.execute(text(statement))
        return [dict(row) for row in result.mappings()] if result.returns_rows else []


def audit(bot: Bot) -> list[dict[str, Any]]:
    """The audit log as rows of plain values (`detail` decoded on both databases)."""
    found = sql(
        bot,
        "SELECT action, actor, partner_id, registration_id, to_status, detail"
        " FROM audit_log ORDER BY id",
    )
    for row in found:
        if isinstance(row["detail"], str):
            row["detail"] = json.loads(row["detail"])
    return found


def database_state(bot: Bot) -> dict[str, list[Any]]:
    """Everything a request could change, to prove that nothing did."""
    tables = ["partners", "partner_users", "directory_entries", "registrations", "audit_log"]
    tables += ["outbox", "opportunities"]
    return {table: sql(bot, f"SELECT * FROM {table}") for table in tables}


def seed_facts(bot: Bot, email: str = EMAIL, **facts: Any) -> None:
    """The cloud directory knows the customer (by email)."""
    with bot.context.uow() as uow:
        uow.directory.upsert(CustomerFacts(email=email, **facts))
        uow.commit()


def seed_registrations(bot: Bot, partner_id: str, ages_in_days: list[int]) -> list[Registration]:
    """Pre-registrations made `ages_in_days` ago (older ones expire sooner)."""
    made = []
    with bot.context.uow() as uow:
        for n, age in enumerate(ages_in_days):
            customer = Customer(f"Seeded {n}", "DE", email=f"seeded{n}@{partner_id}.example")
            registration = Registration.preregistered(
                partner_id, customer, NOW - timedelta(days=age), VALIDITY, created_by="seed"
            )
            made.append(uow.registrations.add(registration))
        uow.commit()
    return made


def open_form(bot: Bot, user: str = "UACME1") -> dict[str, Any]:
    """/preregister, and the modal it opens (the stand-in refuses a trigger older than 3 s)."""
    mark = bot.slack.mark()
    reply = bot.driver.slash_command(user)
    assert reply.status == 200
    opened = bot.slack.wait_for("views.open", after=mark)
    assert opened.ok, opened.response
    modal = bot.modal(user)
    assert modal["callback_id"] == "preregister"
    return modal


def command_reply(bot: Bot, user: str, words: str = "") -> dict[str, Any]:
    """/preregister `words`, answered with an ephemeral message (through the response_url)."""
    mark = bot.slack.mark()
    reply = bot.driver.slash_command(user, words)
    assert reply.status == 200
    answered = bot.slack.wait_for("response_url", after=mark)
    assert answered.ok, answered.response
    found = bot.slack.ephemerals(user)
    assert found, f"no ephemeral for {user}"
    return found[-1]


def submit(bot: Bot, user: str, answers: Mapping[str, Any], **kwargs: Any) -> Reply:
    reply = bot.driver.submit_view(user, answers, **kwargs)
    assert reply.status == 200, reply.body
    return reply


def shown(bot: Bot, user: str = "UACME1") -> str:
    return bot.text_of(bot.modal(user))


def slack_date_of(moment: datetime) -> str:
    """The opening of Slack's `<!date^…>` token for this moment."""
    return f"<!date^{int(moment.timestamp())}^"


def block_id(view: dict[str, Any], label: str) -> str:
    """The block id of the input labelled `label`: where Slack shows its error."""
    found = [
        b["block_id"]
        for b in view["blocks"]
        if b["type"] == "input" and b["label"]["text"] == label
    ]
    assert len(found) == 1, f"no single input labelled {label!r}"
    return str(found[0])


def initial(view: dict[str, Any], label: str) -> Any:
    """What an input shows before the user touches it (text, or an option's value)."""
    block = next(b for b in view["blocks"] if b.get("label", {}).get("text") == label)
    element = block["element"]
    if "initial_option" in element:
        return element["initial_option"]["value"]
    return element.get("initial_value")


def assert_nothing_stored(bot: Bot) -> None:
    assert registrations(bot) == []
    # Attempts that record nothing are audited as attempts only.
    assert [row for row in audit(bot) if row["action"] not in ("blocked", "review_needed")] == []


def review_posts(bot: Bot) -> list[Any]:
    return bot.slack.calls("chat.postMessage", lambda c: c.args.get("channel") == REVIEW_CHANNEL)


def mrkdwn_in(node: Any) -> list[str]:
    if isinstance(node, str):
        try:
            node = json.loads(node)
        except ValueError:
            return []
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "mrkdwn" and "text" in node else []
        return own + [t for value in node.values() for t in mrkdwn_in(value)]
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_in(item)]
    return []


def markup_everywhere(bot: Bot) -> list[str]:
    """Every string Slack parses as markup: mrkdwn objects and message `text`, in every call
    the stand-in recorded (views, messages, response_url, acks) and every stored message."""
    found: list[str] = []
    surfaces = [call.args for call in bot.slack.calls()]
    surfaces += bot.slack.messages() + bot.slack.ephemerals()
    for surface in surfaces:
        if "text" in surface and isinstance(surface["text"], str):
            found.append(surface["text"])
        for key in ("blocks", "view", "attachments"):
            found += mrkdwn_in(surface.get(key))
    return found


def assert_inert(bot: Bot) -> None:
    markup = markup_everywhere(bot)
    assert markup, "nothing was recorded"
    for piece in markup:
        for live in FORBIDDEN:
            assert live not in piece, f"{live!r} is live in {piece!r}"


def race(workers: int, attempt: Callable[[int], Reply]) -> list[Reply]:
    """Start `attempt(i)` on `workers` threads at once; their replies in order."""
    barrier = threading.Barrier(workers)
    replies: list[Reply | None] = [None] * workers
    failures: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            replies[i] = attempt(i)
        except BaseException as failure:  # reported below, in the test's thread
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    assert all(r is not None for r in replies)
    return [r for r in replies if r is not None]
