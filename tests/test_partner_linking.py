"""prereg partners link: colleagues added, audited and refreshed; again changes nothing;
refusals in one line."""

from __future__ import annotations

import threading

import pytest

from bot.bootstrap import Runtime
from bot.services.partner_links import LinkUsers, link_users
from bot.services.partners import SlackUserTaken
from tests.partner_link_steps import audit, everything, links, refreshes, run

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
