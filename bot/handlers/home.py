"""App Home: published each time a user opens the bot's Home tab."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.services.context import Context
from bot.services.errors import UnknownPartner
from bot.services.registrations import standing_of_user


class HomeOpened(BaseModel):
    user: str
    tab: str = "home"


def register(app: App) -> None:
    app.event("app_home_opened")(open_home)


def open_home(event: dict[str, Any], client: WebClient, services: Context) -> None:
    opened = HomeOpened.model_validate(event)
    if opened.tab != "home":  # the Messages tab fires the same event
        return
    now = services.now()
    try:
        standing = standing_of_user(opened.user, services.uow(), services.policy, now)
    except UnknownPartner:
        view = home_view(opened.user, services.policy, now)
    else:
        view = home_view(
            opened.user, services.policy, now, standing.partner, standing.quota, standing.active
        )
    client.views_publish(user_id=opened.user, view=view)
