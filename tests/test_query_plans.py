"""The conflict and quota lookups that every submission makes use an index, never a scan of
the registrations table: checked on the statements the repositories really send, at a few
thousand rows, with EXPLAIN QUERY PLAN on SQLite and PostgreSQL's generic plan."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from benchmarks.dataset import Scale, insert_partners, insert_registrations
from bot.bootstrap import Runtime
from bot.domain.model import ACTIVE_STATUSES, Customer
from bot.services.ports import UnitOfWork

SCALE = Scale(directory=0, partners=50, registrations=4000, due=100)


@pytest.fixture
def seeded(runtime: Runtime) -> Runtime:
    insert_partners(runtime.engine, SCALE.partners)
    insert_registrations(runtime.engine, SCALE, datetime(2026, 11, 25, tzinfo=UTC))
    with runtime.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return runtime


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    sent: list[tuple[str, Any]] = []

    def keep(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM registrations" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def plan(engine: Engine, statement: str, parameters: Any) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(str(row[-1]) for row in rows)
        # The generic plan, the one a prepared statement settles on after a few runs.
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            names.append(match[1])
            return f"${len(names)}"

        prepared = re.sub(r"%\((\w+)\)s", number, statement)
        connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        connection.exec_driver_sql(f"PREPARE probe AS {prepared}")
        # EXPLAIN takes no bound parameters; every one here is a string.
        values = ", ".join("'" + str(parameters[name]).replace("'", "''") + "'" for name in names)
        rows = connection.exec_driver_sql(f"EXPLAIN EXECUTE probe({values})")
        return "\n".join(str(row[0]) for row in rows)


def assert_no_scan(runtime: Runtime, lookup: Callable[[UnitOfWork], object]) -> None:
    with captured(runtime.engine) as sent, runtime.context.uow() as uow:
        lookup(uow)
    assert sent, "the lookup sent no query"
    for statement, parameters in sent:
        shown = plan(runtime.engine, statement, parameters)
        assert not re.search(r"SCAN (TABLE )?registrations\b|Seq Scan on registrations", shown), (
            f"{statement}\n{shown}"
        )


@pytest.mark.parametrize(
    "customer",
    [
        Customer("K", "DE", email="account17@customer17.example"),
        Customer("K", "DE", mobile="+4930901820"),
        Customer("K", "DE", email="new@kunde.example", mobile="+4930901820"),
    ],
    ids=["email", "mobile", "both"],
)
def test_the_conflict_lookup_uses_an_index(seeded: Runtime, customer: Customer) -> None:
    assert_no_scan(seeded, lambda uow: uow.registrations.conflicting(customer))


def test_the_quota_lookup_uses_an_index(seeded: Runtime) -> None:
    assert_no_scan(
        seeded, lambda uow: uow.registrations.of_partner("P00007", tuple(ACTIVE_STATUSES))
    )


def test_the_quota_count_uses_an_index(seeded: Runtime) -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert_no_scan(seeded, lambda uow: uow.registrations.quota_held("P00007", now))
