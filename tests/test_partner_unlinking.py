"""prereg partners unlink, update and add: what changes, and the audit before and after."""

from __future__ import annotations

import pytest

from bot.bootstrap import Runtime
from bot.services.partner_links import LinkUsers, link_users
from tests.partner_link_steps import audit, everything, links, refreshes, run

# --- unlink -----------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
def test_unlink_removes_the_user_audits_and_refreshes_their_home(
    companies: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    link_users(LinkUsers("acme", ("U0ACME2",), "operator"), companies.context)

    code, out, _ = run(capsys, "unlink", "--id", "acme", "--slack-user", "U0ACME2")

    assert code == 0
    assert out.splitlines() == ["unlinked from acme: U0ACME2", "acme has 1 Slack user(s)"]
    assert links(companies) == {"U0ACME1": "acme", "U0BETA1": "beta"}
    last = audit(companies)[-1]
    assert (last["action"], last["partner_id"]) == ("users_unlinked", "acme")
    assert last["detail"] == {"users": ["U0ACME2"], "now_linked": ["U0ACME1"]}
    assert refreshes(companies) == ["U0ACME2"]  # pending since the link: one refresh will do


@pytest.mark.usefixtures("cli_env")
def test_unlinking_the_last_user_is_allowed_and_said(
    companies: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "unlink", "--id", "beta", "--slack-user", "U0BETA1")

    assert code == 0
    assert "note: beta has no Slack users now" in out
    assert "U0BETA1" not in links(companies)
    with companies.context.uow() as uow:
        beta = uow.partners.get("beta")
    assert beta is not None and beta.slack_user_ids == ()
    # Freed: the user can now join another company.
    assert run(capsys, "link", "--id", "acme", "--slack-user", "U0BETA1")[0] == 0
    assert links(companies)["U0BETA1"] == "acme"


# --- update -----------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
def test_update_changes_only_what_is_given_and_audits_before_and_after(
    companies: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "update", "--id", "acme", "--name", " Acme Cloud ", "--country", "fr",
        "--mobile", "01 23 45 67 89",
    )  # fmt: skip

    assert code == 0
    assert out.splitlines() == [
        "acme name: Acme -> Acme Cloud",
        "acme country: DE -> FR",
        "acme mobile: (none) -> +33123456789",  # read with the new country
    ]
    with companies.context.uow() as uow:
        acme = uow.partners.get("acme")
    assert acme is not None
    assert (acme.name, acme.country, acme.email, acme.mobile) == (
        "Acme Cloud", "FR", "a@acme.example", "+33123456789",
    )  # fmt: skip
    assert acme.slack_user_ids == ("U0ACME1",)  # the people stay
    last = audit(companies)[-1]
    assert last["action"] == "partner_updated"
    assert last["detail"]["changed"] == {
        "name": ["Acme", "Acme Cloud"],
        "country": ["DE", "FR"],
        "mobile": [None, "+33123456789"],
    }

    # One contact may go while the other stays; the same update again changes nothing.
    assert (
        run(capsys, "update", "--id", "acme", "--email", "")[1]
        == "acme email: a@acme.example -> (none)\n"
    )
    before = everything(companies)
    code, out, _ = run(capsys, "update", "--id", "acme", "--email", "", "--country", "FR")
    assert (code, out) == (0, "nothing changed: acme already reads so\n")
    assert everything(companies) == before


@pytest.mark.usefixtures("cli_env")
def test_add_is_audited_with_the_operator(
    companies: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "add", "--id", "gamma", "--name", "Gamma", "--country", "US")

    assert code == 0
    last = audit(companies)[-1]
    assert (last["action"], last["partner_id"]) == ("partner_added", "gamma")
    assert str(last["actor"]).startswith("operator")
