"""`prereg outbox list [--failed]` and `prereg outbox retry ID`: the dead letters an operator sees
and sends again, on SQLite and PostgreSQL, without any Slack setting."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow
from bot.bootstrap import Runtime
from bot.cli import main
from bot.domain.model import Customer
from bot.services.delivery import LEASE
from bot.services.partners import AddPartner, add_partner
from bot.services.registrations import ExpireDue, Preregister, expire_due, preregister
from bot.settings import Settings
from tests.conftest import Clock

BIN = Path(sys.executable).parent
LONG_ERROR = "invalid_blocks\n" + "x" * 200


@pytest.fixture
def mail(runtime: Runtime, clock: Clock) -> dict[str, int]:
    """Three messages owed: a review card that died, and two "ended" DMs, one already sent."""
    context = runtime.context
    add_partner(
        AddPartner(
            "acme", "Acme", "DE", email="sales@acme.example", slack_user_ids=("UACME1", "UACME2")
        ),
        context,
    )
    held = preregister(
        Preregister("UACME1", Customer("Kunde GmbH", "DE", email="einkauf@kunde.example")), context
    )
    assert held.registration is not None and held.registration.valid_until is not None
    with Session(runtime.engine) as session, session.begin():  # its invitation DM set aside
        session.execute(delete(OutboxRow).where(OutboxRow.kind == "preregistered"))
    preregister(
        Preregister(
            "UACME1", Customer("Kunde SARL", "FR", email="achat@kunde.fr"), "Met at a fair"
        ),
        context,
    )
    clock.now = held.registration.valid_until
    expire_due(ExpireDue(), context)
    with Session(runtime.engine) as session:  # refreshes are not what this is about
        refreshes = ("home_refresh", "messages_refresh")
        session.execute(delete(OutboxRow).where(OutboxRow.kind.in_(refreshes)))
        session.commit()
    with context.uow() as uow:
        card, first, second = uow.outbox.claim(clock.now, LEASE, 10)
        uow.outbox.dead(card.id, clock.now, LONG_ERROR)
        uow.outbox.sent(first.id, clock.now, {"channel": "D1", "ts": "1.0"})
        uow.outbox.retry(second.id, clock.now + timedelta(seconds=4), "HTTP 500: internal_error")
        uow.commit()
    return {"card": card.id, "sent": first.id, "pending": second.id}


def row(runtime: Runtime, outbox_id: int) -> OutboxRow:
    with Session(runtime.engine) as session:
        found = session.scalars(select(OutboxRow).where(OutboxRow.id == outbox_id)).one()
        session.expunge(found)
        return found


@pytest.mark.usefixtures("cli_env", "runtime")
def test_an_empty_outbox_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outbox", "list"]) == 0
    assert capsys.readouterr().out == "the outbox is empty\n"
    assert main(["outbox", "list", "--failed"]) == 0
    assert capsys.readouterr().out == "no dead letters\n"


@pytest.mark.usefixtures("cli_env")
def test_list_shows_every_message_newest_first_with_state_and_last_error(
    mail: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["outbox", "list"]) == 0
    header, *lines = capsys.readouterr().out.splitlines()

    assert header.split() == [
        "id", "kind", "to", "registration", "status", "attempts", "created", "last", "error"
    ]  # fmt: skip
    assert [line.split()[:6] for line in lines] == [
        [str(mail["pending"]), "expired", "UACME2", "1", "pending", "1"],
        [str(mail["sent"]), "expired", "UACME1", "1", "sent", "1"],
        [str(mail["card"]), "review_request", "reviewers", "2", "dead", "1"],
    ]
    assert lines[0].endswith("HTTP 500: internal_error")
    # A long error stays on its line, cut short.
    assert lines[2].endswith("invalid_blocks " + "x" * 65)


@pytest.mark.usefixtures("cli_env")
def test_failed_lists_only_the_dead_letters(
    mail: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["outbox", "list", "--failed"]) == 0
    _, *lines = capsys.readouterr().out.splitlines()

    assert [line.split()[:5] for line in lines] == [
        [str(mail["card"]), "review_request", "reviewers", "2", "dead"]
    ]
    assert "invalid_blocks" in lines[0]


@pytest.mark.usefixtures("cli_env")
def test_retry_puts_a_dead_letter_back_in_line_once(
    runtime: Runtime, mail: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    card = mail["card"]

    assert main(["outbox", "retry", str(card)]) == 0
    assert capsys.readouterr().out == (
        f"message {card} is queued again; a running bot (or `prereg sweep`) sends it\n"
    )
    revived = row(runtime, card)
    assert (revived.status, revived.attempts, revived.claimed_until) == ("pending", 0, None)
    assert main(["outbox", "list", "--failed"]) == 0
    assert capsys.readouterr().out == "no dead letters\n"

    # A second retry, a sent or pending message, an unknown id: refused, one line, exit 1.
    for other in (card, mail["sent"], mail["pending"], 999_999):
        assert main(["outbox", "retry", str(other)]) == 1
        captured = capsys.readouterr()
        assert (captured.out, captured.err) == ("", f"prereg: no dead letter with id {other}\n")
    assert row(runtime, mail["sent"]).status == "sent"
    assert row(runtime, mail["pending"]).status == "pending"


def test_retry_needs_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outbox", "retry", "abc"]) == 2
    assert "invalid int value: 'abc'" in capsys.readouterr().err


def test_a_refused_retry_exits_1_with_one_line_in_a_real_process(
    runtime: Runtime, mail: dict[str, int], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env["DATABASE_URL"] = runtime.settings.database_url

    def prereg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "prereg"), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    done = prereg("outbox", "retry", str(mail["sent"]))

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"prereg: no dead letter with id {mail['sent']}\n"
