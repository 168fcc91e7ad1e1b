"""Bolt listeners, grouped by kind; `register` holds only the routing."""

from __future__ import annotations

from slack_bolt import App

from bot.handlers import home


def register(app: App) -> None:
    home.register(app)
