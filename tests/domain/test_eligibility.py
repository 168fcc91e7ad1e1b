"""Every row of DESIGN.md's rule table, in order, and how rows combine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.eligibility import Decision, Outcome, decide
from bot.domain.model import (
    Customer,
    CustomerFacts,
    Partner,
    ReasonCode,
    Registration,
    Site,
    Status,
)
from bot.domain.policy import Policy

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
POLICY = Policy()
ACME = Partner("acme", "Acme", "DE", email="sales@acme.de")
OTHER = Partner("other", "Other", "DE", email="sales@other.de")
CUSTOMER = Customer("Kunde GmbH", "DE", email="it@kunde.de", mobile="+4930123456")


def facts(**overrides: object) -> CustomerFacts:
    base: dict[str, object] = {"email": "it@kunde.de", "country": "DE"}
    base.update(overrides)
    return CustomerFacts(**base)  # type: ignore[arg-type]


def held_by(
    partner: Partner,
    status: Status = Status.PREREGISTERED,
    valid_until: datetime | None = NOW + timedelta(days=10),
) -> Registration:
    return Registration(
        partner_id=partner.id,
        customer=CUSTOMER,
        status=status,
        created_at=NOW - timedelta(days=1),
        valid_until=valid_until,
        id=7,
    )


def run(
    customer: Customer = CUSTOMER,
    partner: Partner = ACME,
    directory: tuple[CustomerFacts, ...] = (),
    conflicting: tuple[Registration, ...] = (),
    policy: Policy = POLICY,
) -> Decision:
    return decide(customer, partner, directory, conflicting, policy, NOW)


def test_unknown_customer_same_country_is_eligible() -> None:
    decision = run()
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.reasons == ()


def test_row1_associated_blocks() -> None:
    decision = run(directory=(facts(associated_partner_id="zeta"),))
    assert decision.outcome is Outcome.BLOCK
    assert decision.codes == (ReasonCode.ASSOCIATED,)


def test_row1_comes_before_everything_even_own_registration() -> None:
    decision = run(directory=(facts(associated_partner_id="acme"),), conflicting=(held_by(ACME),))
    assert decision.codes == (ReasonCode.ASSOCIATED,)


def test_row2_held_by_other_partner_blocks_without_naming_it() -> None:
    decision = run(conflicting=(held_by(OTHER),))
    assert decision.outcome is Outcome.BLOCK
    assert decision.codes == (ReasonCode.HELD_BY_OTHER_PARTNER,)
    assert "other" not in str(decision.reasons[0].evidence.values())


def test_row2_pending_review_of_other_partner_also_holds() -> None:
    decision = run(conflicting=(held_by(OTHER, Status.PENDING_REVIEW, valid_until=None),))
    assert decision.codes == (ReasonCode.HELD_BY_OTHER_PARTNER,)


def test_row2_ignores_a_registration_past_valid_until() -> None:
    stale = held_by(OTHER, valid_until=NOW - timedelta(seconds=1))
    assert run(conflicting=(stale,)).outcome is Outcome.ELIGIBLE


def test_row2_matches_by_mobile_alone() -> None:
    by_mobile = Customer("Kunde", "DE", email="new@kunde.de", mobile=CUSTOMER.mobile)
    decision = run(customer=by_mobile, conflicting=(held_by(OTHER),))
    assert decision.codes == (ReasonCode.HELD_BY_OTHER_PARTNER,)


def test_row3_already_yours_returns_the_existing_one() -> None:
    mine = held_by(ACME)
    decision = run(conflicting=(mine,))
    assert decision.outcome is Outcome.ALREADY_YOURS
    assert decision.existing is mine


def test_row2_before_row3_when_both_match() -> None:
    decision = run(conflicting=(held_by(ACME), held_by(OTHER)))
    assert decision.codes == (ReasonCode.HELD_BY_OTHER_PARTNER,)


def test_row4_contract_blocks() -> None:
    decision = run(directory=(facts(has_contract=True, site=Site.INTL),))
    assert decision.codes == (ReasonCode.CONTRACT,)


@pytest.mark.parametrize(
    ("registered_days_ago", "spend"),
    [(8, False), (3, True), (30, True)],
)
def test_row5_direct_sales_followup_goes_to_review(registered_days_ago: int, spend: bool) -> None:
    entry = facts(
        site=Site.INTL,
        registered_at=NOW - timedelta(days=registered_days_ago),
        direct_sales_followup=True,
        has_spend=spend,
    )
    decision = run(directory=(entry,))
    assert decision.outcome is Outcome.REVIEW
    assert decision.codes == (ReasonCode.DIRECT_SALES_FOLLOWUP,)
    assert decision.reasons[0].evidence["has_spend"] == str(spend).lower()


def test_row5_threshold_is_more_than_n_days() -> None:
    exactly_seven = facts(
        site=Site.CN, registered_at=NOW - timedelta(days=7), direct_sales_followup=True
    )
    # Exactly seven days is not "more than seven": row 5 does not apply, row 7 blocks.
    assert run(directory=(exactly_seven,)).codes == (ReasonCode.REGISTERED,)
    a_bit_more = facts(
        site=Site.CN,
        registered_at=NOW - timedelta(days=7, seconds=1),
        direct_sales_followup=True,
    )
    assert run(directory=(a_bit_more,)).codes == (ReasonCode.DIRECT_SALES_FOLLOWUP,)


def test_row5_threshold_follows_the_policy() -> None:
    entry = facts(site=Site.CN, registered_at=NOW - timedelta(days=3), direct_sales_followup=True)
    assert run(directory=(entry,), policy=Policy(registered_days=2)).outcome is Outcome.REVIEW
    assert run(directory=(entry,)).outcome is Outcome.BLOCK


def test_row6_spend_without_followup_blocks() -> None:
    decision = run(directory=(facts(site=Site.INTL, has_spend=True),))
    assert decision.codes == (ReasonCode.SPEND_WITHOUT_FOLLOWUP,)


def test_row5_before_row6_spend_with_followup_is_review_not_block() -> None:
    entry = facts(site=Site.INTL, has_spend=True, direct_sales_followup=True)
    assert run(directory=(entry,)).outcome is Outcome.REVIEW


@pytest.mark.parametrize("site", [Site.INTL, Site.CN])
def test_row7_registered_blocks(site: Site) -> None:
    decision = run(directory=(facts(site=site, registered_at=NOW - timedelta(days=30)),))
    assert decision.outcome is Outcome.BLOCK
    assert decision.codes == (ReasonCode.REGISTERED,)
    assert decision.reasons[0].evidence["site"] == site.value


def test_row7_recent_followup_without_spend_is_still_blocked() -> None:
    entry = facts(site=Site.INTL, registered_at=NOW - timedelta(days=2), direct_sales_followup=True)
    assert run(directory=(entry,)).codes == (ReasonCode.REGISTERED,)


def test_row8_country_mismatch_uses_typed_country_when_not_registered() -> None:
    decision = run(customer=Customer("Client", "FR", email="x@client.fr"))
    assert decision.outcome is Outcome.REVIEW
    assert decision.codes == (ReasonCode.COUNTRY_MISMATCH,)
    assert decision.reasons[0].evidence == {
        "customer_country": "FR",
        "partner_country": "DE",
        "source": "typed",
        "in_directory": "false",
    }


def test_row8_uses_directory_country_when_registered() -> None:
    entry = facts(
        site=Site.INTL,
        country="FR",
        registered_at=NOW - timedelta(days=30),
        direct_sales_followup=True,
    )
    # Typed DE matches the partner, but the directory says FR: that counts.
    decision = run(directory=(entry,))
    assert decision.codes == (ReasonCode.DIRECT_SALES_FOLLOWUP, ReasonCode.COUNTRY_MISMATCH)
    assert decision.reasons[1].evidence["source"] == "directory"
    assert decision.reasons[1].evidence["in_directory"] == "true"
    # The follow-up's evidence names the site and the threshold it was measured against.
    assert decision.reasons[0].evidence["site"] == "intl"
    assert decision.reasons[0].evidence["threshold_days"] == "7"


def test_row8_directory_entry_without_site_does_not_override_typed_country() -> None:
    unregistered = facts(country="FR")
    assert run(directory=(unregistered,)).outcome is Outcome.ELIGIBLE


def test_row9_online_sales_goes_to_review() -> None:
    decision = run(directory=(facts(online_sales=True),))
    assert decision.outcome is Outcome.REVIEW
    assert decision.codes == (ReasonCode.ONLINE_SALES,)


def test_review_reasons_accumulate_in_table_order() -> None:
    entry = facts(
        site=Site.INTL,
        country="US",
        has_spend=True,
        direct_sales_followup=True,
        online_sales=True,
    )
    decision = run(directory=(entry,))
    assert decision.codes == (
        ReasonCode.DIRECT_SALES_FOLLOWUP,
        ReasonCode.COUNTRY_MISMATCH,
        ReasonCode.ONLINE_SALES,
    )


def test_first_block_stops_even_after_review_reasons() -> None:
    # Row 5 applies to one entry, but another matching entry has a contract (row 4).
    followed = facts(site=Site.INTL, has_spend=True, direct_sales_followup=True)
    contract = facts(email=None, mobile=CUSTOMER.mobile, has_contract=True)
    assert run(directory=(followed, contract)).codes == (ReasonCode.CONTRACT,)


def test_any_matching_directory_entry_counts() -> None:
    clean = facts()
    associated = facts(email=None, mobile=CUSTOMER.mobile, associated_partner_id="zeta")
    decision = run(directory=(clean, associated))
    assert decision.codes == (ReasonCode.ASSOCIATED,)
    assert decision.reasons[0].evidence["matched_on"] == "mobile"
