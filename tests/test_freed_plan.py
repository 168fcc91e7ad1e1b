"""The batched read of who a commit freed goes by the email and mobile indexes, also on a
SQLite database never analysed (there, a status test would walk every active one)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from benchmarks.dataset import Scale, insert_partners, insert_registrations
from bot.adapters.freed import Freed
from bot.adapters.unit_of_work import SqlUnitOfWork
from bot.bootstrap import Runtime
from bot.domain.model import Customer
from tests.test_query_plans import captured, plan

SCALE = Scale(directory=0, partners=20, registrations=3000, due=100)


def test_the_freed_customers_are_read_by_their_indexes(runtime: Runtime) -> None:
    insert_partners(runtime.engine, SCALE.partners)
    insert_registrations(runtime.engine, SCALE, datetime(2026, 11, 25, tzinfo=UTC))
    customers = [
        Customer("K", "DE", email="account17@customer17.example"),
        Customer("K", "DE", email="account18@customer18.example", mobile="+491700000018"),
    ]
    with captured(runtime.engine) as sent, runtime.context.uow() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        freed = Freed(uow.session, customers)
    assert [r.customer.email for r in freed.active] == [c.email for c in customers]
    assert len(sent) == 2  # emails, mobiles (the waiting list is another table)
    for statement, parameters in sent:
        runtime.engine.dispose()  # a fresh connection: plan() prepares a named statement
        shown = plan(runtime.engine, statement, parameters)
        if runtime.engine.dialect.name == "sqlite":
            assert re.search(r"USING INDEX ix_registrations_(email|mobile)\b", shown), shown
        else:
            assert "Seq Scan on registrations" not in shown, shown
