"""Partner companies: the use cases, and `prereg partners add|list`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.model import Partner
from bot.services.context import Context
from bot.services.partners import (
    AddPartner,
    InvalidPartner,
    ListPartners,
    PartnerExists,
    SlackUserTaken,
    add_partner,
    list_partners,
)
from bot.settings import Settings

ACME = AddPartner(
    id="acme",
    name="  Acme Cloud GmbH ",
    country="de",
    email=" Sales@ACME.example ",
    mobile="030 901820",
    slack_user_ids=("U0ACME1", "U0ACME2", "U0ACME1"),
)


# --- the use cases, on each database ----------------------------------------------------


def test_added_partner_is_normalized_and_listed(context: Context) -> None:
    added = add_partner(ACME, context)

    expected = Partner(
        id="acme",
        name="Acme Cloud GmbH",
        country="DE",
        email="sales@acme.example",
        mobile="+4930901820",  # national number read with the company's country
        slack_user_ids=("U0ACME1", "U0ACME2"),
    )
    assert added == expected
    assert list_partners(ListPartners(), context) == [expected]
    with context.uow() as uow:
        assert uow.partners.for_slack_user("U0ACME2") == expected


def test_contact_details_are_optional(context: Context) -> None:
    added = add_partner(AddPartner(id="p-2", name="Bare", country="FR"), context)

    assert (added.email, added.mobile, added.slack_user_ids) == (None, None, ())
    assert not added.has_contact()


def test_a_duplicate_id_is_refused(context: Context) -> None:
    add_partner(ACME, context)

    with pytest.raises(PartnerExists, match='a partner with id "acme" already exists'):
        add_partner(AddPartner(id="acme", name="Other", country="FR"), context)

    assert [p.name for p in list_partners(ListPartners(), context)] == ["Acme Cloud GmbH"]


def test_a_slack_user_of_another_company_is_refused_and_stays_there(context: Context) -> None:
    add_partner(ACME, context)
    other = AddPartner(id="globex", name="Globex", country="US", slack_user_ids=("U0ACME2",))

    with pytest.raises(SlackUserTaken, match='U0ACME2 already belongs to partner "acme"'):
        add_partner(other, context)

    with context.uow() as uow:
        owner = uow.partners.for_slack_user("U0ACME2")
        assert owner is not None and owner.id == "acme"
        assert uow.partners.get("globex") is None


def test_every_invalid_field_is_named_at_once(context: Context) -> None:
    bad = AddPartner(
        id="no spaces!",
        name=" ",
        country="XX",
        email="nobody@",
        mobile="12",
        slack_user_ids=("alice",),
    )

    with pytest.raises(InvalidPartner) as refused:
        add_partner(bad, context)

    starts = [
        'bad id "no spaces!"',
        "bad name",
        'bad country "XX"',
        '"nobody@" is not a valid email address',
        '"12" is not a valid mobile number',
        'bad Slack user "alice"',
    ]
    problems = refused.value.problems
    assert len(problems) == len(starts)
    for problem, start in zip(problems, starts, strict=True):
        assert problem.startswith(start)
    assert str(refused.value) == "; ".join(problems)  # the CLI's one line
    assert list_partners(ListPartners(), context) == []


def test_values_longer_than_the_columns_are_refused(context: Context) -> None:
    # PostgreSQL would refuse them with a traceback, SQLite would store them: neither is right.
    with pytest.raises(InvalidPartner, match="bad id"):
        add_partner(AddPartner(id="a" * 65, name="Long", country="DE"), context)
    with pytest.raises(InvalidPartner, match="bad name"):
        add_partner(AddPartner(id="long", name="n" * 201, country="DE"), context)


# --- the command ------------------------------------------------------------------------


ADD_ACME = [
    "partners",
    "add",
    "--id",
    "acme",
    "--name",
    "Acme Cloud GmbH",
    "--country",
    "DE",
    "--email",
    "sales@acme.example",
    "--slack-user",
    "U0ACME1",
    "--slack-user",
    "U0ACME2",
]


@pytest.mark.usefixtures("cli_env")
def test_command_adds_and_lists(capsys: pytest.CaptureFixture[str], context: Context) -> None:
    assert main(ADD_ACME) == 0
    assert capsys.readouterr().out == "added partner acme: Acme Cloud GmbH (DE), 2 Slack user(s)\n"

    assert main(["partners", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "name", "country", "email", "mobile", "slack", "users"]
    assert lines[1].startswith("acme  Acme Cloud GmbH  DE")
    assert lines[1].endswith("  U0ACME1,U0ACME2")
    assert lines[0].index("email") == lines[1].index("sales@acme.example")  # aligned
    assert [p.id for p in list_partners(ListPartners(), context)] == ["acme"]


@pytest.mark.usefixtures("cli_env")
def test_command_says_when_a_partner_has_no_contact(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["partners", "add", "--id", "bare", "--name", "Bare", "--country", "fr"]) == 0
    assert "note: bare has no email or mobile on file" in capsys.readouterr().out


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--country": "Germany"}, 'prereg: bad country "Germany": expected an ISO 3166-1'),
        ({"--email": "sales@"}, 'prereg: "sales@" is not a valid email address'),
        ({"--id": "acme"}, 'prereg: a partner with id "acme" already exists'),
    ],
)
def test_command_refusals_are_one_line_and_exit_1(
    change: dict[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["partners", "add", "--id", "acme", "--name", "First", "--country", "DE"]) == 0
    options = {"--id": "other", "--name": "Other", "--country": "DE", **change}
    argv = ["partners", "add", *[part for pair in options.items() for part in pair]]
    capsys.readouterr()

    assert main(argv) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1


@pytest.mark.usefixtures("cli_env")
def test_listing_no_partners_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["partners", "list"]) == 0
    assert capsys.readouterr().out.startswith("no partners yet")


def test_installed_command_adds_and_lists_for_real(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"

    def prereg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    added = prereg(*ADD_ACME)
    duplicate = prereg(*ADD_ACME)
    listed = prereg("partners", "list")

    assert added.returncode == 0, added.stderr
    assert duplicate.returncode == 1
    assert duplicate.stderr == 'prereg: a partner with id "acme" already exists\n'
    assert listed.returncode == 0
    assert "acme" in listed.stdout.splitlines()[1]
