"""App Home: published when a user opens the Home tab, after every change, and on search or
paging; its Pre-register button opens the form."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from pydantic import BaseModel
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.dashboard import OPEN_FORM, PAGE, SEARCH, home_view
from bot.blocks.preregister import empty_form
from bot.blocks.review_queue import OPEN_CARD, QUEUE_FILTER
from bot.domain.errors import NotAReviewer
from bot.handlers import payloads
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.dashboard import GetDashboard, Section, dashboard
from bot.services.home_publish import HomeChanged, HomeShown, Publish, PublishHome, publish_home
from bot.services.queries import GetStanding, ready_to_preregister
from bot.services.review_queue import ChooseQueueFilter, choose_queue_filter


class HomeOpened(BaseModel):
    user: str
    tab: str = "home"


def register(app: App) -> None:
    app.event("app_home_opened")(open_home)
    app.action(OPEN_FORM)(open_form)
    app.action(SEARCH)(search)
    app.action(re.compile(f"^{PAGE}"))(turn_page)
    app.action(OPEN_CARD)(lambda ack: ack())  # a link: Slack opens it, nothing to do
    app.action(QUEUE_FILTER)(choose_filter)


def open_home(event: dict[str, Any], client: WebClient, services: Context) -> None:
    opened = HomeOpened.model_validate(event)
    if opened.tab != "home":  # the Messages tab fires the same event
        return
    refresh(opened.user, client, services)


def refresh(
    user_id: str, client: WebClient, services: Context, chosen: HomeShown | None = None
) -> None:
    """The user's App Home as it stands now, never published over a newer one; as the user
    `chosen` to see it, or else as they last chose."""
    render = partial(view_for, user_id, services)
    publish_home(PublishHome(user_id, render, slack_publish(client, user_id), chosen), services)


def slack_publish(client: WebClient, user_id: str) -> Publish:
    def publish(view: dict[str, Any], hash: str | None) -> str:
        try:
            response = client.views_publish(user_id=user_id, view=view, hash=hash)
        except SlackApiError as refused:
            if refused.response.get("error") == "hash_conflict":
                raise HomeChanged(user_id) from refused
            raise
        return str(response["view"]["hash"])

    return publish


def view_for(user_id: str, services: Context, shown: HomeShown) -> dict[str, Any]:
    """The user's App Home as it stands now: on opening it, and after every change."""
    board = dashboard(GetDashboard(user_id, shown.search), services)
    return home_view(
        user_id, board, services.policy, search=shown.search, only=shown.only, page=shown.page
    )


@answered
def open_form(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    ack()
    user_id = payloads.user_of(body)
    partner = ready_to_preregister(GetStanding(user_id), services)  # nobody types for nothing
    client.views_open(trigger_id=body["trigger_id"], view=empty_form(partner.country))


@answered
def search(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    ack()
    wanted = payloads.home_search(body)
    refresh(payloads.user_of(body), client, services, HomeShown(wanted))


@answered
def choose_filter(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    """A reviewer shows part of the queue; the choice is kept for the next refreshes."""
    ack()
    user_id = payloads.user_of(body)
    if user_id not in services.reviewers:
        raise NotAReviewer()
    choose_queue_filter(ChooseQueueFilter(user_id, payloads.queue_filter(body)), services)
    refresh(user_id, client, services)


@answered
def turn_page(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    ack()
    paging = payloads.home_page(body)
    only = Section(paging.s) if paging.s else None
    refresh(payloads.user_of(body), client, services, HomeShown(paging.q, only, paging.p))
