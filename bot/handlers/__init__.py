"""Bolt listeners, grouped by kind; `register` holds only the routing."""

from __future__ import annotations

from slack_bolt import App

from bot.handlers import (
    commands,
    continuations,
    extend,
    extension_requests,
    home,
    invite,
    manage,
    preregister,
    profile,
    questions,
    review,
    unknown,
    waitlist,
)


def register(app: App) -> None:
    commands.register(app)
    preregister.register(app)
    profile.register(app)
    review.register(app)
    questions.register(app)
    waitlist.register(app)
    manage.register(app)
    extend.register(app)
    extension_requests.register(app)
    home.register(app)
    invite.register(app)
    continuations.register(app)
    unknown.register(app)  # last: what no listener above claims
