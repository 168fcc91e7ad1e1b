"""`prereg partners link | unlink | update`: the operator changes a company, on each database."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from sqlalchemy import text

from bot.bootstrap import Runtime
from bot.cli import main
from bot.services.partner_links import LinkUsers, link_users
from bot.services.partners import AddPartner, SlackUserTaken, add_partner
from bot.services.ports import Kind, OutboxStatus

ACME = AddPartner(
    id="acme", name="Acme", country="DE", email="a@acme.example", slack_user_ids=("U0ACME1",)
)
BETA = AddPartner(
    id="beta", name="Beta", country="FR", mobile="+33123456789", slack_user_ids=("U0BETA1",)
)


def rows(runtime: Runtime, statement: str) -> list[dict[str, Any]]:
    with runtime.engine.connect() as connection:
        return [dict(r) for r in connection.execute(text(statement)).mappings()]


def links(runtime: Runtime) -> dict[str, str]:
    found = rows(runtime, "SELECT slack_user_id, partner_id FROM partner_users")
    return {r["slack_user_id"]: r["partner_id"] for r in found}


def audit(runtime: Runtime) -> list[dict[str, Any]]:
    found = rows(runtime, "SELECT action, actor, partner_id, detail FROM audit_log ORDER BY id")
    for row in found:
        if isinstance(row["detail"], str):
            row["detail"] = json.loads(row["detail"])
    return found


def refreshes(runtime: Runtime) -> list[str]:
    found = rows(
        runtime,
        f"SELECT recipient FROM outbox WHERE kind = '{Kind.HOME_REFRESH.value}'"
        f" AND status = '{OutboxStatus.PENDING.value}' ORDER BY id",
    )
    return [r["recipient"] for r in found]


def everything(runtime: Runtime) -> dict[str, list[dict[str, Any]]]:
    tables = ("partners", "partner_users", "audit_log", "outbox")
    return {t: rows(runtime, f"SELECT * FROM {t} ORDER BY 1") for t in tables}


@pytest.fixture
def companies(runtime: Runtime) -> Runtime:
    add_partner(ACME, runtime.context)
    add_partner(BETA, runtime.context)
    return runtime


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["partners", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- link -------------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
def test_link_adds_colleagues_audits_and_refreshes_their_home(
    companies: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "link", "--id", "acme", "--slack-user", "U0NEW1", "--slack-user", "U0NEW2"
    )

    assert (code, err) == (0, "")
    assert out.splitlines() == ["linked to acme: U0NEW1 U0NEW2", "acme has 3 Slack user(s)"]
    assert links(companies) == {
        "U0ACME1": "acme",
        "U0NEW1": "acme",
        "U0NEW2": "acme",
        "U0BETA1": "beta",
    }
    last = audit(companies)[-1]
    assert last["action"] == "users_linked"
    assert str(last["actor"]).startswith("operator")
    assert last["partner_id"] == "acme"
    assert last["detail"]["users"] == ["U0NEW1", "U0NEW2"]
    assert refreshes(companies) == ["U0NEW1", "U0NEW2"]


@pytest.mark.usefixtures("cli_env")
def test_linking_again_changes_nothing_and_says_so(
    companies: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    before = everything(companies)

    code, out, _ = run(capsys, "link", "--id", "acme", "--slack-user", "U0ACME1")

    assert code == 0
    assert "already linked to acme, unchanged: U0ACME1" in out
    assert everything(companies) == before


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["link", "--id", "acme", "--slack-user", "U0NEW1", "--slack-user", "U0BETA1"],
            'prereg: Slack user U0BETA1 already belongs to partner "beta"\n',
        ),
        (["link", "--id", "nope", "--slack-user", "U0NEW1"], 'prereg: no partner with id "nope"'),
        (["link", "--id", "acme", "--slack-user", "alice"], 'prereg: bad Slack user "alice"'),
        (
            ["unlink", "--id", "nope", "--slack-user", "U0ACME1"],
            'prereg: no partner with id "nope"',
        ),
        (
            ["unlink", "--id", "acme", "--slack-user", "U0GHOST"],
            'prereg: Slack user U0GHOST is not linked to partner "acme"\n',
        ),
        (
            ["unlink", "--id", "acme", "--slack-user", "U0ACME1", "--slack-user", "U0BETA1"],
            'prereg: Slack user U0BETA1 is not linked to partner "acme";'
            ' it belongs to partner "beta"\n',
        ),
        (["update", "--id", "nope", "--name", "X"], 'prereg: no partner with id "nope"'),
        (["update", "--id", "acme", "--country", "Germany"], 'prereg: bad country "Germany"'),
        (["update", "--id", "acme", "--email", "a@"], 'prereg: "a@" is not a valid email address'),
        (["update", "--id", "acme", "--mobile", "12"], 'prereg: "12" is not a valid mobile number'),
        (["update", "--id", "acme", "--email", ""], "prereg: the company must keep an email"),
        (["update", "--id", "acme"], "prereg: nothing to update"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    companies: Runtime, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    before = everything(companies)

    code, out, err = run(capsys, *argv)

    assert code == 1
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert everything(companies) == before


def test_two_operators_linking_one_user_to_two_companies_one_wins(companies: Runtime) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def link(partner_id: str) -> None:
        start.wait()
        try:
            link_users(LinkUsers(partner_id, ("U0BOTH",), "operator"), companies.context)
            outcomes.append(f"linked:{partner_id}")
        except SlackUserTaken as taken:
            outcomes.append(f"taken:{taken.partner_id}")

    threads = [threading.Thread(target=link, args=(p,)) for p in ("acme", "beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    owner = links(companies)["U0BOTH"]
    assert sorted(outcomes) == sorted([f"linked:{owner}", f"taken:{owner}"])


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
