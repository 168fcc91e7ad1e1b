"""Queries read through units of work that take no write lock: on SQLite a render of the
Home or the standing before a form never waits behind a submission, and can write nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.adapters.unit_of_work import ReadOnly
from bot.bootstrap import Runtime
from bot.domain.model import Partner
from bot.services.queries import GetStanding, Standing, standing

USER = "UREADER1"


def company(runtime: Runtime) -> Partner:
    partner = Partner("reader", "Reader", "DE", email="r@reader.example", slack_user_ids=(USER,))
    with runtime.context.uow() as uow:
        uow.partners.add(partner, runtime.context.now())
        uow.commit()
    return partner


def test_a_query_does_not_wait_for_a_writer(runtime: Runtime) -> None:
    company(runtime)
    writing, done = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        with runtime.context.uow() as uow:
            uow.partners.lock("reader")  # SQLite: BEGIN IMMEDIATE; PostgreSQL: the row lock
            writing.set()
            done.wait(30)

    with ThreadPoolExecutor(1) as pool:
        holder = pool.submit(hold_the_write_lock)
        assert writing.wait(30)
        try:
            # Would queue for the writer's turn (SQLite) and time out as ServiceBusy.
            held = pool_free_read(runtime)
        finally:
            done.set()
        holder.result(30)
    assert held.partner.id == "reader"
    assert held.quota.held == 0


def pool_free_read(runtime: Runtime) -> Standing:
    result: list[Standing] = []
    reader = threading.Thread(
        target=lambda: result.append(standing(GetStanding(USER), runtime.context))
    )
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "the query waited for the writer"
    return result[0]


def test_a_reading_unit_cannot_commit(runtime: Runtime) -> None:
    company(runtime)
    with runtime.context.read() as uow:
        uow.partners.add(
            Partner("other", "Other", "DE", email="o@other.example"), runtime.context.now()
        )
        with pytest.raises(ReadOnly):
            uow.commit()
    with runtime.context.read() as uow:
        assert uow.partners.get("other") is None
