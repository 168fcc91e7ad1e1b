"""App Home: published each time a user opens the bot's Home tab."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.services.context import Context
from bot.services.errors import UnknownPartner
from bot.services.queries import GetStanding, standing


class HomeOpened(BaseModel):
    user: str
    tab: str = "home"


def register(app: App) -> None:
    app.event("app_home_opened")(open_home)


def open_home(event: dict[str, Any], client: WebClient, services: Context) -> None:
    opened = HomeOpened.model_validate(event)
    if opened.tab != "home":  # the Messages tab fires the same event
        return
    client.views_publish(user_id=opened.user, view=view_for(opened.user, services))


def view_for(user_id: str, services: Context) -> dict[str, Any]:
    """The user's App Home as it stands now: on opening it, and after every change."""
    now = services.now()
    try:
        held = standing(GetStanding(user_id), services)
    except UnknownPartner:
        # Not a refusal to answer: Home shows what it can to someone linked to no company.
        return home_view(user_id, services.policy, now)
    return home_view(user_id, services.policy, now, held.partner, held.quota, held.active)
