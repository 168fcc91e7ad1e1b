"""prereg db upgrade and prereg sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory

from bot.adapters.database import MIGRATIONS
from bot.cli import main
from bot.domain.model import Customer, Status
from bot.services.context import Context
from bot.services.partners import AddPartner, add_partner
from bot.services.registrations import Preregister, preregister
from tests.conftest import Clock

# --- db upgrade -------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
def test_db_upgrade_says_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()

    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.startswith(f"created the schema at revision {head} in ")

    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.startswith(f"already at the newest revision, {head}, in ")


# --- sweep ------------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
def test_sweep_expires_what_is_past_due(
    context: Context, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    # One registration made 20 days ago, one yesterday; sweep runs on the test's clock.
    add_partner(
        AddPartner("acme", "Acme", "DE", email="sales@acme.example", slack_user_ids=("U0ACME1",)),
        context,
    )
    start = clock.now
    made = []
    for days_ago, email in ((20, "old@example.com"), (1, "new@example.com")):
        clock.now = start - timedelta(days=days_ago)
        cmd = Preregister("U0ACME1", Customer("Customer", "DE", email=email))
        done = preregister(cmd, context)
        assert done.registration is not None and done.registration.id is not None
        made.append(done.registration.id)
    clock.now = start

    assert main(["sweep"], clock=clock) == 0
    assert "expire_due: 1" in capsys.readouterr().out.splitlines()

    with context.uow() as uow:
        statuses = [uow.registrations.get(i).status for i in made]  # type: ignore[union-attr]
    assert statuses == [Status.EXPIRED, Status.PREREGISTERED]

    assert main(["sweep"], clock=clock) == 0
    assert "expire_due: 0" in capsys.readouterr().out.splitlines()
