"""A partner pre-registers through /preregister and the modal, over real HTTP.

Every test drives the bot as Slack would (signed slash commands, clicks, view submissions),
then checks both what the partner sees (the modal, the ephemeral replies, the reviewers'
channel on the stand-in) and what the database holds.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pycountry
import pytest
from sqlalchemy import text

from bot.blocks.text import escape
from bot.domain.model import Customer, CustomerFacts, Registration, Site, Status
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.slack_driver import Reply, Signature, fields_of

# --------------------------------------------------------------------------
# Data and helpers
# --------------------------------------------------------------------------


NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # the clock fixture: a Wednesday
REVIEW_DUE = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # two working days later: Friday
VALIDITY = timedelta(days=15)

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


def _mrkdwn_in(node: Any) -> list[str]:
    if isinstance(node, str):
        try:
            node = json.loads(node)
        except ValueError:
            return []
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "mrkdwn" and "text" in node else []
        return own + [t for value in node.values() for t in _mrkdwn_in(value)]
    if isinstance(node, list):
        return [t for item in node for t in _mrkdwn_in(item)]
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
            found += _mrkdwn_in(surface.get(key))
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


# --------------------------------------------------------------------------
# Eligible
# --------------------------------------------------------------------------


def test_eligible_customer_is_preregistered_in_the_modal(bot: Bot) -> None:
    modal = open_form(bot)
    labels = bot.text_of(modal)
    for word in ("Customer name", "Email", "Mobile", "Country"):
        assert word in labels

    answer = bot.driver.submit_view("UACME1", CUSTOMER)

    assert answer.status == 200
    assert answer.json["response_action"] == "update"
    result = shown(bot)
    assert "Pre-registered until" in result
    assert slack_date_of(NOW + VALIDITY) in result
    assert registrations(bot) == [("acme", "preregistered", "it@kunde.de")]
    [registration] = stored(bot)
    assert registration.valid_until == NOW + VALIDITY
    assert registration.created_by == "UACME1"
    assert [(row["action"], row["actor"]) for row in audit(bot)] == [("preregistered", "UACME1")]
    bot.slack.assert_clean()


def test_country_select_offers_every_country_within_limits_with_the_partners_preselected(
    bot: Bot,
) -> None:
    modal = open_form(bot)

    [country] = [
        b for b in modal["blocks"] if b["type"] == "input" and "Country" in b["label"]["text"]
    ]
    element = country["element"]
    groups = element.get("option_groups") or [{"options": element.get("options") or []}]
    values = [option["value"] for group in groups for option in group["options"]]
    assert sorted(values) == sorted(c.alpha_2 for c in pycountry.countries)
    assert len(values) == len(set(values))
    assert len(groups) <= 100
    assert all(len(group["options"]) <= 100 for group in groups)
    assert element["initial_option"]["value"] == "DE"  # Acme is a German partner
    everything = [option for group in groups for option in group["options"]]
    assert element["initial_option"] in everything  # else Slack refuses the view
    assert not country.get("optional")
    bot.slack.assert_clean()


def test_mobile_only_customer_is_stored_in_e164(bot: Bot) -> None:
    open_form(bot)

    submit(bot, "UACME1", {"Customer name": "  Kunde GmbH  ", "Mobile": "0151 23456789"})

    assert "Pre-registered until" in shown(bot)
    [registration] = stored(bot)
    assert registration.customer.mobile == "+4915123456789"
    assert registration.customer.email is None
    assert registration.customer.name == "Kunde GmbH"  # trimmed
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Blocked
# --------------------------------------------------------------------------

REGISTERED_LONG_AGO = {"site": Site.INTL, "registered_at": NOW - timedelta(days=30)}

BLOCKS: dict[str, tuple[dict[str, Any], str]] = {
    "associated": (
        {"associated_partner_id": "beta", **REGISTERED_LONG_AGO, "country": "DE"},
        "already associated with a partner",
    ),
    "contract": ({"has_contract": True, **REGISTERED_LONG_AGO}, "signed a contract"),
    "spend_without_followup": (
        {"has_spend": True, "direct_sales_followup": False, **REGISTERED_LONG_AGO},
        "already spends on the cloud",
    ),
    "registered": (
        {"site": Site.CN, "registered_at": NOW - timedelta(days=2), "country": "DE"},
        "already has an account on the cloud",
    ),
}


@pytest.mark.parametrize("code", list(BLOCKS))
def test_blocked_customer_is_refused_in_plain_words_and_audited(bot: Bot, code: str) -> None:
    facts, words = BLOCKS[code]
    seed_facts(bot, **facts)
    open_form(bot)

    answer = submit(bot, "UACME1", CUSTOMER)

    assert answer.json["response_action"] == "update"
    modal = bot.modal("UACME1")
    assert modal["callback_id"] not in ("preregister", "preregister_review")
    assert not modal.get("submit")  # a blocked case can't be sent to review
    result = bot.text_of(modal)
    assert "Kunde GmbH can't be pre-registered" in result
    assert words in result
    assert "What you can do" in result
    for hidden in ("beta", "Beta", "matched", "evidence"):
        assert hidden not in result
    assert registrations(bot) == []
    [entry] = audit(bot)
    assert (entry["action"], entry["actor"], entry["partner_id"]) == ("blocked", "UACME1", "acme")
    assert entry["registration_id"] is None
    assert [r["code"] for r in entry["detail"]["reasons"]] == [code]
    assert entry["detail"]["email"] == EMAIL
    assert review_posts(bot) == []
    bot.slack.assert_clean()


def test_customer_held_by_another_partner_is_refused_without_naming_it(bot: Bot) -> None:
    open_form(bot, "UBETA1")
    submit(bot, "UBETA1", CUSTOMER)
    assert "Pre-registered until" in shown(bot, "UBETA1")
    bot.clock.advance(timedelta(hours=3))

    open_form(bot, "UACME1")
    answer = submit(bot, "UACME1", {**CUSTOMER, "Customer name": "Kunde AG"})

    assert answer.json["response_action"] == "update"
    result = shown(bot, "UACME1")
    assert "Kunde AG can't be pre-registered" in result
    assert "already pre-registered by someone else" in result
    for secret in ("Beta", "beta", "UBETA1", "<!date^", "#1", "2026", "Kunde GmbH"):
        assert secret not in result, f"{secret!r} gives the other partner away"
    assert registrations(bot) == [("beta", "preregistered", EMAIL)]
    blocked = [row for row in audit(bot) if row["action"] == "blocked"]
    assert [(row["actor"], row["partner_id"]) for row in blocked] == [("UACME1", "acme")]
    assert [r["code"] for r in blocked[0]["detail"]["reasons"]] == ["held_by_other_partner"]
    bot.slack.assert_clean()


def test_customer_whose_reservation_by_another_partner_ended_is_free_again(bot: Bot) -> None:
    [old] = seed_registrations(bot, "beta", [16])  # past valid_until, not yet swept
    email = old.customer.email

    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Email": email})

    assert "Pre-registered until" in shown(bot)
    assert sorted(registrations(bot)) == [
        ("acme", "preregistered", email),
        ("beta", "expired", email),
    ]
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Review
# --------------------------------------------------------------------------

REVIEWS: dict[str, tuple[dict[str, Any] | None, dict[str, str], list[str], list[str]]] = {
    # case: (directory facts, answers besides CUSTOMER, reason codes, the partner's words)
    "direct_sales_followup": (
        {"direct_sales_followup": True, **REGISTERED_LONG_AGO, "country": "DE"},
        {},
        ["direct_sales_followup"],
        ["direct sales team is following this customer"],
    ),
    "country_mismatch": (
        None,
        {"Country / region": "FR"},
        ["country_mismatch"],
        ["in another country than your company"],
    ),
    "online_sales": (
        {"online_sales": True},
        {},
        ["online_sales"],
        ["belongs to the cloud's online sales team"],
    ),
    "country_mismatch+online_sales": (
        {"online_sales": True},
        {"Country / region": "AT"},
        ["country_mismatch", "online_sales"],
        ["in another country than your company", "belongs to the cloud's online sales team"],
    ),
}


@pytest.mark.parametrize("case", list(REVIEWS))
def test_review_case_asks_for_a_justification_then_goes_to_the_reviewers(
    bot: Bot, case: str
) -> None:
    facts, extra, codes, words = REVIEWS[case]
    if facts is not None:
        seed_facts(bot, **facts)
    typed = {
        **CUSTOMER,
        "Mobile": "+49 30 1234567",
        "Industry": "Retail & consumer goods",
        "Notes": "Met at a fair",
    }
    typed.update(extra)
    open_form(bot)

    # 1. The rules answer "review": the facts decided on come back locked, asking why first.
    first = submit(bot, "UACME1", typed)

    assert first.json["response_action"] == "update"
    form = bot.modal("UACME1")
    assert form["callback_id"] == "preregister_review"
    assert (form["title"]["text"], form["submit"]["text"]) == ("Request review", "Request review")
    inputs = [b["label"]["text"] for b in form["blocks"] if b["type"] == "input"]
    assert inputs == ["Justification", "Notes"]  # customer, email, mobile, country: read-only
    assert initial(form, "Notes") == typed["Notes"]
    asked = bot.text_of(form)
    assert "Kunde GmbH" in asked and "+49301234567" in asked
    for phrase in words:
        assert phrase in asked
    justification = block_id(form, "Justification")
    assert not next(b for b in form["blocks"] if b.get("block_id") == justification)["optional"]
    assert_nothing_stored(bot)

    # 2. An empty justification is refused by the server too (Slack's client would not send it).
    empty = submit(bot, "UACME1", {"Justification": "   "}, check=False)

    assert empty.json["response_action"] == "errors"
    assert set(empty.json["errors"]) == {justification}
    assert bot.modal("UACME1")["callback_id"] == "preregister_review"
    assert_nothing_stored(bot)
    assert review_posts(bot) == []

    # 3. With a justification: pending review, due in two working days, the reviewers asked.
    done = submit(bot, "UACME1", {"Justification": "  We have worked with them since 2024.  "})

    assert done.json["response_action"] == "update"
    result = shown(bot)
    assert "Reviewers answer by" in result
    assert slack_date_of(REVIEW_DUE) in result
    for phrase in words:
        assert phrase in result
    [registration] = stored(bot)
    assert registration.status is Status.PENDING_REVIEW
    assert [str(r.code) for r in registration.reasons] == codes
    assert registration.justification == "We have worked with them since 2024."
    assert registration.review_due == REVIEW_DUE
    assert registration.customer.industry == RETAIL
    assert registration.customer.notes == "Met at a fair"
    assert registration.customer.mobile == "+49301234567"
    assert registration.customer.country == typed["Country / region"]
    card = bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == REVIEW_CHANNEL)
    assert card.ok, card.response
    card_text = bot.text_of(card.args)
    assert "Kunde GmbH" in card_text
    assert "We have worked with them since 2024." in card_text
    assert [(row["action"], row["to_status"]) for row in audit(bot)] == [
        ("review_needed", None),
        ("pending_review", "pending_review"),
    ]
    bot.slack.assert_clean()


def test_the_review_step_cannot_change_the_facts_and_edit_details_runs_the_rules_again(
    bot: Bot,
) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR", "Notes": "Fair"})
    step = bot.modal("UACME1")
    assert step["title"]["text"] == "Request review"

    # A crafted submission naming another country changes nothing: the facts are the ones
    # decided on, and the customer goes to review (not pre-registered at once).
    crafted: dict[str, dict[str, Any]] = {
        "justification": {"value": {"type": "plain_text_input", "value": "Ours."}},
        "country": {
            "value": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Germany"},
                    "value": "DE",
                },
            }
        },
    }
    done = bot.driver.submit_view("UACME1", view=step, values=crafted)
    assert "Reviewers answer by" in bot.text_of(done.json["view"])
    [held] = stored(bot)
    assert (held.status, held.customer.country) == (Status.PENDING_REVIEW, "FR")


def test_edit_details_goes_back_to_the_form_and_the_audit_keeps_both_attempts(bot: Bot) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR", "Notes": "Fair"})
    step = bot.modal("UACME1")

    mark = bot.slack.mark()
    assert bot.driver.click("UACME1", view=step, action_id="edit_details").status == 200
    updated = bot.slack.wait_for("views.update", after=mark)
    assert updated.ok, updated.response
    form = bot.modal("UACME1")
    assert form["callback_id"] == "preregister"
    assert "The rules run again" in bot.text_of(form)
    assert initial(form, "Customer name") == CUSTOMER["Customer name"]
    assert initial(form, "Country / region") == "FR"
    assert initial(form, "Notes") == "Fair"

    # The partner corrects the country: the rules run again and let the customer through.
    again = submit(bot, "UACME1", {"Country / region": "DE"})
    assert "Pre-registered until" in bot.text_of(again.json["view"])
    [held] = stored(bot)
    assert (held.status, held.customer.country) == (Status.PREREGISTERED, "DE")
    attempts = [(row["action"], row["detail"].get("country")) for row in audit(bot)]
    assert attempts == [("review_needed", "FR"), ("preregistered", None)]
    bot.slack.assert_clean()


def test_review_submission_counts_toward_quota_and_holds_the_customer(bot: Bot) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR"})
    submit(bot, "UACME1", {"Justification": "They moved to Berlin."})
    assert registrations(bot) == [("acme", "pending_review", EMAIL)]

    open_form(bot, "UBETA1")
    submit(bot, "UBETA1", CUSTOMER)

    assert "already pre-registered by someone else" in shown(bot, "UBETA1")
    assert registrations(bot) == [("acme", "pending_review", EMAIL)]
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Field validation
# --------------------------------------------------------------------------

INVALID: dict[str, tuple[dict[str, Any], str, str]] = {
    # case: (answers, the input that must carry the error, words of the error)
    "bad email": ({**CUSTOMER, "Email": "it@kunde"}, "Email", "not a valid email"),
    "bad mobile for the country": (
        {"Customer name": "Kunde GmbH", "Mobile": "0151 23456789", "Country / region": "FR"},
        "Mobile",
        "not a valid mobile number",
    ),
    "neither email nor mobile": (
        {"Customer name": "Kunde GmbH", "Country / region": "DE"},
        "Email",
        "email or a mobile",
    ),
    "name of 201 characters": ({**CUSTOMER, "Customer name": "N" * 201}, "Customer name", "200"),
    "blank name": ({**CUSTOMER, "Customer name": "   "}, "Customer name", "required"),
    "unknown country": (
        {
            **CUSTOMER,
            "Country / region": {"text": {"type": "plain_text", "text": "Z"}, "value": "ZZ"},
        },
        "Country / region",
        "Choose a country",
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_field_gets_its_own_error_and_nothing_is_stored(bot: Bot, case: str) -> None:
    answers, label, words = INVALID[case]
    form = open_form(bot)

    answer = submit(bot, "UACME1", answers, check=False)

    assert answer.json["response_action"] == "errors"
    errors = answer.json["errors"]
    assert set(errors) == {block_id(form, label)}
    assert words in errors[block_id(form, label)]
    assert bot.modal("UACME1")["callback_id"] == "preregister"  # still the form, as typed
    assert_nothing_stored(bot)
    assert audit(bot) == []
    bot.slack.assert_clean()


def test_several_invalid_fields_each_get_an_error(bot: Bot) -> None:
    form = open_form(bot)

    answer = submit(
        bot,
        "UACME1",
        {**CUSTOMER, "Email": "it@kunde", "Mobile": "12345", "Customer name": "N" * 201},
        check=False,
    )

    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {
        block_id(form, "Email"),
        block_id(form, "Mobile"),
        block_id(form, "Customer name"),
    }
    assert_nothing_stored(bot)
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Double submission
# --------------------------------------------------------------------------


def test_the_same_submission_twice_makes_one_registration(bot: Bot) -> None:
    form = open_form(bot)

    first = submit(bot, "UACME1", CUSTOMER, view=form)
    second = submit(bot, "UACME1", CUSTOMER, view=form)

    assert "Pre-registered until" in bot.text_of(first.json["view"])
    again = bot.text_of(second.json["view"])
    assert "Your company already holds this customer" in again
    assert "No new record was made" in again
    assert slack_date_of(NOW + VALIDITY) in again
    assert registrations(bot) == [("acme", "preregistered", EMAIL)]
    assert [row["action"] for row in audit(bot)] == ["preregistered"]
    bot.slack.assert_clean()


def test_the_same_review_request_twice_makes_one_registration_and_one_card(bot: Bot) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR"})
    review_form = bot.modal("UACME1")

    first = submit(bot, "UACME1", {"Justification": "Ours."}, view=review_form)
    second = submit(bot, "UACME1", {"Justification": "Ours."}, view=review_form)

    assert "Reviewers answer by" in bot.text_of(first.json["view"])
    again = bot.text_of(second.json["view"])
    assert "Your company already holds this customer" in again
    assert "waiting for a reviewer's decision" in again
    assert registrations(bot) == [("acme", "pending_review", EMAIL)]
    bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == REVIEW_CHANNEL)
    kinds = sql(bot, "SELECT kind FROM outbox WHERE kind <> 'home_refresh'")
    assert [row["kind"] for row in kinds] == ["review_request"]
    bot.slack.assert_clean()


def test_simultaneous_submissions_of_one_view_make_one_registration(bot: Bot) -> None:
    form = open_form(bot)

    replies = race(2, lambda _: submit(bot, "UACME1", CUSTOMER, view=form))

    answers = sorted(bot.text_of(r.json["view"]) for r in replies)
    assert sum("Pre-registered until" in a for a in answers) == 1
    assert sum("Your company already holds this customer" in a for a in answers) == 1
    assert registrations(bot) == [("acme", "preregistered", EMAIL)]
    assert [row["action"] for row in audit(bot)] == ["preregistered"]
    bot.slack.assert_clean()


def test_two_partners_racing_for_one_customer_leave_one_holder(bot: Bot) -> None:
    forms = {user: open_form(bot, user) for user in ("UACME1", "UBETA1")}
    users = list(forms)

    replies = race(2, lambda i: submit(bot, users[i], CUSTOMER, view=forms[users[i]]))

    answers = [bot.text_of(r.json["view"]) for r in replies]
    assert sum("Pre-registered until" in a for a in answers) == 1
    assert sum("already pre-registered by someone else" in a for a in answers) == 1
    [(holder, status, email)] = registrations(bot)
    assert (status, email) == ("preregistered", EMAIL)
    loser = "acme" if holder == "beta" else "beta"
    assert [row["partner_id"] for row in audit(bot) if row["action"] == "blocked"] == [loser]
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Preconditions
# --------------------------------------------------------------------------


def test_unlinked_user_is_told_whom_to_ask_and_nothing_opens(bot: Bot) -> None:
    reply = command_reply(bot, "UNOBODY1")

    said = bot.text_of(reply)
    assert "isn't linked to a partner company" in said
    assert "ecosystem manager" in said
    assert "UNOBODY1" in said  # what to give them
    assert bot.slack.calls("views.open") == []
    assert bot.slack.current_modal("UNOBODY1") is None

    again = command_reply(bot, "UNOBODY1", "profile")

    assert "isn't linked to a partner company" in bot.text_of(again)
    assert bot.slack.calls("views.open") == []
    assert database_state(bot)["registrations"] == []
    bot.slack.assert_clean()


def test_user_unlinked_meanwhile_is_told_at_submission(bot: Bot) -> None:
    open_form(bot)
    sql(bot, "DELETE FROM partner_users WHERE slack_user_id = 'UACME1'")

    answer = submit(bot, "UACME1", CUSTOMER)

    assert answer.json["response_action"] == "update"
    assert "isn't linked to a partner company" in shown(bot)
    assert registrations(bot) == []
    bot.slack.assert_clean()


def test_company_without_contact_sets_it_from_the_button_then_can_preregister(
    bot: Bot,
) -> None:
    refusal = command_reply(bot, "UMUTE1")

    assert "no email or mobile number on file" in bot.text_of(refusal)
    assert bot.slack.calls("views.open") == []

    # The button opens the profile modal.
    mark = bot.slack.mark()
    clicked = bot.driver.click("UMUTE1", message=(refusal), text="Set contact details")
    assert clicked.status == 200
    assert bot.slack.wait_for("views.open", after=mark).ok
    profile = bot.modal("UMUTE1")
    assert profile["callback_id"] == "profile"
    assert "Mute &amp; Co" not in bot.text_of(profile)  # plain_text: shown as typed

    # A bad email is refused under its field; nothing is saved.
    bad = submit(bot, "UMUTE1", {"Email": "sales@mute"})
    assert bad.json["response_action"] == "errors"
    assert set(bad.json["errors"]) == {block_id(profile, "Email")}
    with bot.context.uow() as uow:
        partner = uow.partners.get("mute")
    assert partner is not None and partner.email is None

    # A good one is saved (normalized).
    good = submit(bot, "UMUTE1", {"Email": " Sales@Mute.example "})
    assert good.json["response_action"] == "update"
    assert "sales@mute.example" in shown(bot, "UMUTE1")
    with bot.context.uow() as uow:
        partner = uow.partners.get("mute")
    assert partner is not None and partner.email == "sales@mute.example"

    # Now /preregister opens the form, with the company's country (France) pre-selected.
    bot.driver.close_view("UMUTE1")
    form = open_form(bot, "UMUTE1")
    assert initial(form, "Country / region") == "FR"
    bot.slack.assert_clean()


def test_profile_command_opens_the_contact_modal(bot: Bot) -> None:
    mark = bot.slack.mark()
    bot.driver.slash_command("UBETA1", "profile")

    assert bot.slack.wait_for("views.open", after=mark).ok
    profile = bot.modal("UBETA1")
    assert profile["callback_id"] == "profile"
    assert initial(profile, "Mobile") == "+4930999999"

    bad = submit(bot, "UBETA1", {"Mobile": "12345"})
    assert set(bad.json["errors"]) == {block_id(profile, "Mobile")}
    with bot.context.uow() as uow:
        partner = uow.partners.get("beta")
    assert partner is not None and partner.mobile == "+4930999999"
    bot.slack.assert_clean()


def test_profile_errors_name_the_field_that_is_wrong(bot: Bot) -> None:
    bot.driver.slash_command("UMUTE1", "profile")
    bot.slack.wait_for("views.open")
    profile = bot.modal("UMUTE1")

    too_long = submit(bot, "UMUTE1", {"Mobile": "1" * 400}, check=False)
    assert set(too_long.json["errors"]) == {block_id(profile, "Mobile")}

    nothing = submit(bot, "UMUTE1", {}, check=False)
    assert set(nothing.json["errors"]) == {block_id(profile, "Email")}

    with bot.context.uow() as uow:
        partner = uow.partners.get("mute")
    assert partner is not None and not partner.has_contact()
    bot.slack.assert_clean()


def test_contact_removed_meanwhile_is_told_at_submission_with_the_profile_button(
    bot: Bot,
) -> None:
    open_form(bot)
    sql(bot, "UPDATE partners SET email = NULL, mobile = NULL")

    answer = submit(bot, "UACME1", CUSTOMER)

    assert answer.json["response_action"] == "update"
    notice = bot.modal("UACME1")
    assert "no email or mobile number on file" in bot.text_of(notice)
    assert registrations(bot) == []

    mark = bot.slack.mark()
    bot.driver.click("UACME1", text="Set contact details")
    assert bot.slack.wait_for("views.push", after=mark).ok
    assert bot.modal("UACME1")["callback_id"] == "profile"
    bot.slack.assert_clean()


def test_quota_reached_is_told_with_count_and_next_expiry_and_no_modal(bot: Bot) -> None:
    seed_registrations(bot, "acme", [5, 2, 8])  # the one made 8 days ago ends first

    reply = command_reply(bot, "UACME1")

    said = bot.text_of(reply)
    assert "3 of 3" in said
    assert "next one expires" in said
    assert slack_date_of(NOW - timedelta(days=8) + VALIDITY) in said
    assert bot.slack.calls("views.open") == []
    assert bot.slack.current_modal("UACME1") is None
    assert len(registrations(bot)) == 3
    bot.slack.assert_clean()


def test_registrations_past_their_validity_free_the_quota(bot: Bot) -> None:
    seed_registrations(bot, "acme", [16, 20, 30])  # all past valid_until, not yet swept

    open_form(bot)
    submit(bot, "UACME1", CUSTOMER)

    assert "Pre-registered until" in shown(bot)
    assert ("acme", "preregistered", EMAIL) in registrations(bot)
    bot.slack.assert_clean()


def test_quota_full_of_pending_reviews_says_places_free_up_as_reviewers_decide(
    bot: Bot,
) -> None:
    with bot.context.uow() as uow:
        for n in range(3):
            customer = Customer(f"Seeded {n}", "FR", email=f"seeded{n}@acme.example")
            uow.registrations.add(
                Registration.pending_review("acme", customer, (), "ours", NOW, REVIEW_DUE)
            )
        uow.commit()

    said = bot.text_of(command_reply(bot, "UACME1"))

    assert "3 of 3" in said
    assert "waiting for a reviewer's decision" in said
    assert bot.slack.calls("views.open") == []
    bot.slack.assert_clean()


def test_quota_is_checked_again_at_submission_and_the_form_keeps_what_was_typed(
    bot: Bot,
) -> None:
    open_form(bot)
    seed_registrations(bot, "acme", [1, 1])  # meanwhile, from elsewhere,
    open_form(bot, "UACME2")  # and a colleague takes the last place in another request
    submit(bot, "UACME2", {**CUSTOMER, "Customer name": "Other AG", "Email": "it@other.de"})
    typed = {
        **CUSTOMER,
        "Mobile": "030 1234567",
        "Industry": "Retail & consumer goods",
        "Notes": "Met at a fair",
    }

    answer = submit(bot, "UACME1", typed)

    assert answer.json["response_action"] == "update"
    form = bot.modal("UACME1")
    assert form["callback_id"] == "preregister"  # the form again, to submit once a place frees
    said = bot.text_of(form)
    assert "3 of 3" in said and "Nothing was saved" in said
    assert "Pre-registered" not in said
    kept = {f.label: f.element.get("initial_value") for f in fields_of(form) if f.element}
    assert kept["Customer name"] == "Kunde GmbH"
    assert kept["Email"] == "IT@Kunde.de"  # as typed, not as normalized
    assert kept["Mobile"] == "030 1234567"
    assert kept["Notes"] == "Met at a fair"
    assert EMAIL not in [email for _, _, email in registrations(bot)]
    assert len(registrations(bot)) == 3
    bot.slack.assert_clean()


def test_quota_is_checked_again_when_the_justification_arrives(bot: Bot) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR"})
    seed_registrations(bot, "acme", [1, 1, 1])

    answer = submit(bot, "UACME1", {"Justification": "Ours."})

    # The review step stays, with the justification as written, the words under it.
    assert answer.json["response_action"] == "errors"
    assert "3 of 3" in answer.json["errors"]["justification"]
    assert bot.modal("UACME1")["callback_id"] == "preregister_review"
    assert len(registrations(bot)) == 3
    assert review_posts(bot) == []
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Help
# --------------------------------------------------------------------------


def test_help_explains_the_rules_ephemerally(bot: Bot) -> None:
    reply = command_reply(bot, "UACME1", "help")

    said = bot.text_of(reply)
    assert "/preregister list" in said
    assert "15 days" in said
    assert "at most 3 customers" in said
    assert "2 working days" in said
    assert bot.slack.calls("views.open") == []
    assert bot.slack.calls("chat.postMessage") == []  # only the user sees it
    bot.slack.assert_clean()


def test_a_name_after_the_command_opens_the_form_with_it_filled_in(bot: Bot) -> None:
    mark = bot.slack.mark()
    assert bot.driver.slash_command("UACME1", "Acme   Corp <!channel>&").status == 200
    opened = bot.slack.wait_for("views.open", after=mark)
    assert opened.ok, opened.response
    form = bot.modal("UACME1")
    assert form["callback_id"] == "preregister"
    assert initial(form, "Customer name") == "Acme Corp <!channel>&"  # a plain_text input
    assert bot.slack.ephemerals("UACME1") == []
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Mention injection
# --------------------------------------------------------------------------


def test_injected_name_and_notes_are_inert_when_preregistered(bot: Bot) -> None:
    open_form(bot)

    submit(bot, "UACME1", {**CUSTOMER, "Customer name": INJECTION, "Notes": INJECTION_NOTES})

    result = bot.modal("UACME1")
    assert "Pre-registered until" in bot.text_of(result)
    assert any("&amp; co" in piece for piece in _mrkdwn_in(result))
    [registration] = stored(bot)
    assert registration.customer.name == INJECTION  # stored as typed, escaped when shown
    assert_inert(bot)
    bot.slack.assert_clean()


def test_injected_name_is_inert_when_blocked(bot: Bot) -> None:
    seed_facts(bot, has_contract=True)
    open_form(bot)

    submit(bot, "UACME1", {**CUSTOMER, "Customer name": INJECTION, "Notes": INJECTION_NOTES})

    result = bot.modal("UACME1")
    assert "can't be pre-registered" in bot.text_of(result)
    assert any("&amp; co" in piece for piece in _mrkdwn_in(result))
    assert_inert(bot)
    bot.slack.assert_clean()


def test_injected_name_notes_and_justification_are_inert_on_the_review_card(bot: Bot) -> None:
    open_form(bot)
    submit(
        bot,
        "UACME1",
        {
            **CUSTOMER,
            "Customer name": INJECTION,
            "Notes": INJECTION_NOTES,
            "Country / region": "FR",
        },
    )
    assert escape(INJECTION) in bot.text_of(bot.modal("UACME1"))  # shown locked, escaped

    submit(bot, "UACME1", {"Justification": "Trust us <!here> & <@UBETA1>"})

    assert "Reviewers answer by" in shown(bot)
    card = bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == REVIEW_CHANNEL)
    assert card.ok, card.response
    card_markup = [*_mrkdwn_in(card.args.get("blocks")), card.args["text"]]
    assert any("&amp; co" in piece for piece in card_markup)
    assert any("Trust us &lt;!here&gt; &amp; &lt;@UBETA1&gt;" in piece for piece in card_markup)
    assert_inert(bot)
    bot.slack.assert_clean()


def test_longest_inputs_full_of_markup_stay_within_slacks_limits(bot: Bot) -> None:
    name = "&<>" * 66 + "&<"  # 200 characters, each one escaped to several
    notes = "<&>" * 1000  # 3000
    open_form(bot)
    submit(
        bot,
        "UACME1",
        {**CUSTOMER, "Customer name": name, "Notes": notes, "Country / region": "FR"},
    )
    assert initial(bot.modal("UACME1"), "Notes") == notes  # still an input of the review step

    submit(bot, "UACME1", {"Justification": "&" * 2000})

    assert "Reviewers answer by" in shown(bot)
    [registration] = stored(bot)
    assert (registration.customer.name, registration.customer.notes) == (name, notes)
    card = bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == REVIEW_CHANNEL)
    assert card.ok, card.response
    assert_inert(bot)
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Request signing
# --------------------------------------------------------------------------


@pytest.mark.parametrize("signature", ["bad", "stale", "missing"])
def test_unsigned_view_submission_is_refused_and_changes_nothing(
    bot: Bot, signature: Signature
) -> None:
    form = open_form(bot)
    before = database_state(bot)
    mark = bot.slack.mark()

    reply = bot.driver.submit_view("UACME1", CUSTOMER, signature=signature)

    assert reply.status == 401
    assert database_state(bot) == before
    assert bot.slack.calls(after=mark) == []
    assert bot.modal("UACME1") == form
    bot.slack.assert_clean()
