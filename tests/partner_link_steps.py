"""What the partner-link tests share: two companies, the CLI, and the links, audit and refreshes
it leaves."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from bot.bootstrap import Runtime
from bot.cli import main
from bot.services.partners import AddPartner, add_partner
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
