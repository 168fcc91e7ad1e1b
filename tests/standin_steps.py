"""What the Slack stand-in's tests share: a Web API client on the stand-in and the blocks they
send."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient

from tests.slack_standin import SlackStandin

REVIEW = "C0REVIEW"
PARTNER = "U0PARTNER"


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def client(slack: SlackStandin) -> WebClient:
    return slack.web_client()


def text(value: str, kind: str = "plain_text") -> dict[str, Any]:
    return {"type": kind, "text": value}


def section(value: str) -> dict[str, Any]:
    return {"type": "section", "text": text(value, "mrkdwn")}


def modal(
    title: str = "Pre-register", blocks: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "prereg",
        "title": text(title),
        "submit": text("Submit"),
        "blocks": blocks or [section("hello")],
        **extra,
    }


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": text(label), "value": value}


def a_form() -> dict[str, Any]:
    """A realistic modal: the kind of view the bot will open."""
    countries = [option("Germany", "DE"), option("France", "FR")]
    return modal(
        blocks=[
            {"type": "header", "text": text("New customer")},
            {
                "type": "input",
                "block_id": "name",
                "label": text("Customer name"),
                "element": {"type": "plain_text_input", "action_id": "value", "max_length": 200},
            },
            {
                "type": "input",
                "block_id": "email",
                "label": text("Email"),
                "optional": True,
                "element": {"type": "email_text_input", "action_id": "value"},
            },
            {
                "type": "input",
                "block_id": "country",
                "label": text("Country / region"),
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "option_groups": [{"label": text("Europe"), "options": countries}],
                    "initial_option": countries[1],
                },
            },
            {
                "type": "input",
                "block_id": "consent",
                "label": text("Consent"),
                "optional": True,
                "element": {
                    "type": "checkboxes",
                    "action_id": "value",
                    "options": [option("Email me", "mail"), option("Call me", "call")],
                },
            },
            {"type": "context", "elements": [text("Fields marked * are required", "mrkdwn")]},
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "help",
                        "text": text("Help"),
                        "value": "h",
                        "style": "primary",
                    }
                ],
            },
        ]
    )
