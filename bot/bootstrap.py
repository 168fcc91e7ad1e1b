"""The composition root: settings → engine → use-case context; nothing connects at import."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from bot.adapters.database import (
    is_reachable,
    make_engine,
    reading_session_factory,
    schema_revision,
    session_factory,
    upgrade,
)
from bot.adapters.outbox_worker import LaneWorkers, OutboxWorker
from bot.adapters.process_identity import current_owner, is_dead
from bot.adapters.waiting import writer_turn
from bot.domain.calendar import WorkingCalendar
from bot.services.context import Context
from bot.settings import Settings

if TYPE_CHECKING:
    # Loaded where they are used: a command that delivers nothing (most of them) starts
    # without the outbox's delivery and its message builders.
    from flask import Flask
    from slack_bolt import App

    from bot.adapters.directory_bulk import SqlDirectoryLoad
    from bot.adapters.unit_of_work import SqlUnitOfWork
    from bot.services.delivery import DeliveryReport, Sender
    from bot.services.invite_links import Invites
    from bot.services.lanes import Pacer


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    """One per process: the settings, the engine, and the context built on them."""

    settings: Settings
    engine: Engine
    context: Context
    outbox_wake: threading.Event = field(default_factory=threading.Event)
    """Set after every commit that wrote to the outbox."""
    sender: Sender | None = None
    """None without SLACK_BOT_TOKEN and REVIEW_CHANNEL_ID: messages then wait in the outbox."""
    owner: str = field(default_factory=current_owner)
    """Marks this process's outbox claims (host:pid:start)."""
    lanes: LaneWorkers = field(default_factory=LaneWorkers)
    """Send a batch's recipients side by side (threads start on first use)."""

    @cached_property
    def pacer(self) -> Pacer:
        """One message a second into each conversation, across the lanes and the batches, after
        a short burst; made with the first delivery (most commands send nothing)."""
        from bot.services.lanes import BURST, Pacer

        return Pacer(burst=BURST)

    def database_reachable(self) -> bool:
        return is_reachable(self.engine)

    def deliver_outbox(self) -> DeliveryReport:
        from bot.services.delivery import DeliverDue, DeliveryReport, deliver_due

        if self.sender is None:
            return DeliveryReport()
        run, pacer = self.lanes.run, self.pacer
        cmd = DeliverDue(self.sender, self.owner, run=run, pacer=pacer, in_order=True)
        return deliver_due(cmd, self.context)

    def release_orphans(self) -> int:
        """Rows claimed by a dead predecessor on this host: due again at once."""
        from bot.services.delivery import release_orphans

        return release_orphans(self.context.uow, is_dead, self.context.clock())

    def outbox_worker(self) -> OutboxWorker:
        """Delivers after each commit; first releases the claims of a dead predecessor."""
        from bot.services.dispatch import Dispatch

        sender, pacer = self.sender, self.pacer
        dispatch = None if sender is None else Dispatch(sender, self.context, self.owner, pacer)
        return OutboxWorker(dispatch, self.outbox_wake, on_start=self.release_orphans)

    def slack_app(self, socket_mode: bool = False) -> App:
        """The Bolt app with every listener, on this runtime's context."""
        # Imported here: the commands that do not serve start faster without Bolt and Flask.
        from bot.slack_app import build_slack_app

        return build_slack_app(self.settings, self.context, socket_mode=socket_mode)

    def web_app(self, slack_app: App) -> Flask:
        """Slack's endpoint, /healthz and, with INVITE_SECRET, the invitation pages."""
        from bot.slack_app import overloaded
        from bot.web import create_web_app
        from bot.web.invite import invite_pages

        secret = self.settings.slack_signing_secret
        pages = [] if self.context.invites is None else [invite_pages(self.context)]
        return create_web_app(
            slack_app,
            self.database_reachable,
            blueprints=pages,
            secret_key=web_secret(self.settings),
            signing_secret=secret.get_secret_value() if secret else None,
            busy=overloaded(slack_app),
        )

    def directory_load(self) -> SqlDirectoryLoad:
        """A bulk directory import's writer, on a connection of its own."""
        from bot.adapters.directory_bulk import SqlDirectoryLoad

        return SqlDirectoryLoad(self.engine)

    def close(self) -> None:
        self.lanes.close()
        self.engine.dispose()


def build(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Runtime:
    """Connect and upgrade the schema; every command works on a fresh database."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    country = settings.holiday_country
    calendar = WorkingCalendar(
        settings.business_timezone,
        _holidays(country) if country else frozenset(),
    )
    wake = threading.Event()
    context = Context(
        uow=partial(
            _unit_of_work, session_factory(engine), on_outbox=wake.set, turn=writer_turn(engine)
        ),
        policy=settings.policy(),
        calendar=calendar,
        clock=clock,
        reviewers=frozenset(settings.reviewer_user_ids),
        invites=invites(settings),
        reader=partial(_unit_of_work, reading_session_factory(engine), read_only=True),
    )
    return Runtime(settings, engine, context, wake, _sender(settings, context, clock))


def _unit_of_work(*args: Any, **kwargs: Any) -> SqlUnitOfWork:
    # Loaded with the first unit of work: the exports and the directory import read and
    # write through Core, and start faster without the repositories and their mappings.
    from bot.adapters.unit_of_work import SqlUnitOfWork

    return SqlUnitOfWork(*args, **kwargs)


def upgrade_schema(settings: Settings) -> tuple[str | None, str | None]:
    """`prereg db upgrade`: the schema's revision before and after, on a short-lived engine."""
    engine = make_engine(settings.database_url)
    try:
        before = schema_revision(engine)
        upgrade(engine)
        return before, schema_revision(engine)
    finally:
        engine.dispose()


def _holidays(country: str) -> Any:
    # Imported when needed: commands that count no working days start faster without it.
    import holidays

    return holidays.country_holidays(country)


def invites(settings: Settings) -> Invites | None:
    """None without INVITE_SECRET (commands other than serve need none)."""
    secret = settings.invite_secret
    if secret is None or not secret.get_secret_value():
        return None
    from bot.adapters.invite_tokens import SignedInviteTokens
    from bot.services.invite_links import Invites

    return Invites(
        SignedInviteTokens(secret.get_secret_value()),
        settings.public_base_url,
        email=settings.smtp_url is not None,
    )


def web_secret(settings: Settings) -> str | None:
    """The key of the customer pages' form tokens (CSRF), derived from INVITE_SECRET so
    that every replica agrees without another setting; never the signing key itself."""
    secret = settings.invite_secret
    if secret is None or not secret.get_secret_value():
        return None
    key = secret.get_secret_value().encode()
    return hmac.new(key, b"prereg.web.forms", hashlib.sha256).hexdigest()


def _sender(settings: Settings, context: Context, clock: Callable[[], datetime]) -> Sender | None:
    token, channel = settings.slack_bot_token, settings.review_channel_id
    if token is None or not channel:
        return None
    # Loaded only by a process that sends: the other commands start without Slack's SDK.
    from bot.adapters.routing_sender import RoutingSender
    from bot.adapters.slack_sender import SlackSender, delivery_client
    from bot.adapters.smtp_sender import SmtpSender
    from bot.handlers import home

    client = delivery_client(settings.slack_api_url, token.get_secret_value())
    mail = SmtpSender(settings.smtp_url, settings.mail_from, clock) if settings.smtp_url else None
    slack = SlackSender(
        client,
        channel,
        context.invites,
        home=partial(home.refresh, services=context),
        reviewers=tuple(settings.reviewer_user_ids),
    )
    return RoutingSender(slack, mail)
