"""What no other listener claims: a button or form the bot does not know (forged, or left
from an older version) is refused at once, in words, instead of Bolt's silent 404. Registered
last: Bolt runs the first listener that matches."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.refusals import UnknownControl
from bot.handlers.refusals import answered

ANY = re.compile(".*")


def register(app: App) -> None:
    app.action(ANY)(unknown)
    app.view(ANY)(unknown)
    app.view_closed(ANY)(closed)


@answered
def unknown(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
    raise UnknownControl()


def closed(ack: Ack) -> None:
    ack()  # a closed modal asks for nothing, whatever it was
