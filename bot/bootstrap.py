"""The composition root: settings → engine → use-case context; nothing connects at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import holidays
from sqlalchemy import Engine

from bot.adapters.database import is_reachable, make_engine, session_factory, upgrade
from bot.adapters.unit_of_work import SqlUnitOfWork
from bot.domain.calendar import WorkingCalendar
from bot.services.context import Context
from bot.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    """One per process: the settings, the engine, and the context built on them."""

    settings: Settings
    engine: Engine
    context: Context

    def database_reachable(self) -> bool:
        return is_reachable(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def build(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Runtime:
    """Connect and upgrade the schema; every command works on a fresh database."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    country = settings.holiday_country
    calendar = WorkingCalendar(
        settings.business_timezone,
        holidays.country_holidays(country) if country else frozenset(),
    )
    context = Context(
        uow=partial(SqlUnitOfWork, session_factory(engine)),
        policy=settings.policy(),
        calendar=calendar,
        clock=clock,
    )
    return Runtime(settings=settings, engine=engine, context=context)
