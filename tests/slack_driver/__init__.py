"""Plays Slack towards the bot over real HTTP: requests shaped and signed as Slack sends them.

    driver = SlackDriver(bot_url, SIGNING_SECRET, standin=slack)
    driver.slash_command("U0PARTNER", "")              # Slack issues a trigger_id
    modal = slack.current_modal("U0PARTNER")            # what the bot opened
    reply = driver.submit_view("U0PARTNER", {"Customer name": "Acme", "Country": "DE"})
    assert reply.status == 200

With a stand-in (``tests/slack_standin/``) the driver issues real trigger_ids
and response_urls, finds the views and messages the bot created, and applies
to the stand-in what Slack's client does with the bot's answers (the modal
closing, updating or showing errors after a view_submission; a slash
command's ack body shown as an ephemeral message). Without a stand-in it
still sends well-formed requests, with made-up trigger_ids.
"""

from tests.slack_driver.driver import SlackDriver
from tests.slack_driver.forms import (
    Field,
    FormError,
    fields_of,
    find_element,
    find_field,
    state_values,
)
from tests.slack_driver.transport import STALE_BY, VERIFICATION_TOKEN, Reply, Signature

__all__ = [
    "STALE_BY",
    "VERIFICATION_TOKEN",
    "Field",
    "FormError",
    "Reply",
    "Signature",
    "SlackDriver",
    "fields_of",
    "find_element",
    "find_field",
    "state_values",
]
