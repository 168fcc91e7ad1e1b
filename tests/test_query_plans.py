"""The conflict and quota lookups that every submission makes use an index, never a scan of
the registrations table, and a commit owing App Home refreshes finds those already waiting by
their own index: checked on the statements the repositories really send, at a few thousand
rows, with EXPLAIN QUERY PLAN on SQLite and PostgreSQL's generic plan."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, text
from sqlalchemy.orm import Session

from benchmarks.dataset import Scale, insert_partners, insert_registrations
from bot.adapters.orm import OutboxRow
from bot.adapters.repositories.outbox import SqlOutbox
from bot.bootstrap import Runtime
from bot.domain.model import ACTIVE_STATUSES, Customer
from bot.services.ports import Kind, Notification, UnitOfWork

SCALE = Scale(directory=0, partners=50, registrations=4000, due=100)


@pytest.fixture
def seeded(runtime: Runtime) -> Runtime:
    insert_partners(runtime.engine, SCALE.partners)
    insert_registrations(runtime.engine, SCALE, datetime(2026, 11, 25, tzinfo=UTC))
    with runtime.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return runtime


@contextmanager
def captured(engine: Engine, table: str = "registrations") -> Iterator[list[tuple[str, Any]]]:
    sent: list[tuple[str, Any]] = []

    def keep(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if re.search(rf"\b(FROM|INTO) {table}\b", statement):
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


def test_the_lookup_of_waiting_refreshes_uses_its_index(runtime: Runtime) -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    kinds = (Kind.HOME_REFRESH, Kind.MESSAGES_REFRESH, Kind.EXPIRED, Kind.EXPIRY_REMINDER)
    owed: list[dict[str, Any]] = [
        {
            "kind": kinds[n % 4].value,
            "recipient": f"P{n // 4:05d}",
            "payload": {},
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "result": {},
        }
        for n in range(4000)
    ]
    with runtime.engine.begin() as connection:
        connection.execute(insert(OutboxRow), owed)
        connection.execute(text("ANALYZE"))
    refresh = Notification(Kind.HOME_REFRESH, "P00007", None, {})

    with captured(runtime.engine, "outbox") as sent, runtime.context.uow() as uow:
        uow.outbox.add(refresh, now)
        uow.commit()

    lookups = [(s, p) for s, p in sent if s.lstrip().startswith("SELECT")]
    assert lookups, "the commit looked up no waiting refresh"
    for statement, parameters in lookups:
        shown = plan(runtime.engine, statement, parameters)
        assert "ix_outbox_waiting" in shown, f"{statement}\n{shown}"


def test_the_lookup_of_waiting_refreshes_is_planned_for_the_outbox_as_it_is(
    runtime: Runtime,
) -> None:
    """A plan cached while the outbox was small must not serve it grown: never generic."""
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("plan caching of prepared statements is PostgreSQL's")
    now = datetime(2026, 11, 25, tzinfo=UTC)
    with runtime.engine.connect() as connection:
        for n in range(12):  # past psycopg's threshold and PostgreSQL's five custom plans
            with connection.begin():
                outbox = SqlOutbox(Session(bind=connection))
                outbox.add(Notification(Kind.HOME_REFRESH, f"P{n:05d}", None, {}), now)
                outbox.write_pending(connection)
        plans = connection.exec_driver_sql(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%%FROM outbox%%FOR UPDATE SKIP LOCKED%%'"
        ).all()
    assert plans, "the lookup was never prepared"
    assert all(generic == 0 and custom > 0 for generic, custom in plans)
