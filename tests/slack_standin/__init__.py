"""A Slack Web API stand-in on loopback, so tests talk to "Slack" without the internet.

It is a real threaded HTTP server: the bot's own ``slack_sdk.WebClient`` (with
``base_url=standin.url``, i.e. our ``SLACK_API_URL``) talks to it exactly as it
would to slack.com. It answers ``/api/<method>`` the way Slack documents it,
remembers what Slack would remember (messages, views, DMs, files), refuses
Block Kit that Slack would refuse, records every call, and fails on demand.

    with SlackStandin() as slack:
        client = slack.web_client()
        client.chat_postMessage(channel="C0REVIEW", text="hi")
        call = slack.wait_for("chat.postMessage", lambda c: c.args["text"] == "hi")

Besides ``/api/<method>`` it serves the two other URLs Slack hands out:
``/upload/v1/<file_id>`` (from ``files.getUploadURLExternal``) and
``/respond/<key>`` (a ``response_url``, see :meth:`SlackStandin.response_url`).

Things that are not Web API calls but that Slack does for the user (the
modal closing after a submission, a slash command's ack shown as an
ephemeral message) are applied by the driver in ``tests/slack_driver/``
through :meth:`SlackStandin.apply_view_response` and friends; they are
recorded as pseudo-calls (``response_action``, ``command_ack``) so that
``errors()`` sees them too.

The pieces, by concern: ``identity`` (the workspace's ids, Slack's limits), ``calls`` (the
record of calls and the waits on it), ``faults`` (failure injection, trigger ids),
``checks`` (Block Kit validity), ``workspace``, ``messages`` and ``views`` (what Slack
remembers), ``api`` (the Web API's routing), ``server`` (the HTTP server tests start).
"""

from tests.slack_standin.calls import PATIENCE, ApiError, Call, CallLog
from tests.slack_standin.checks import block_problems, message_problems, view_problems
from tests.slack_standin.identity import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_TOKEN,
    PATIENT_TRIGGER_TTL,
    TEAM_DOMAIN,
    TEAM_ID,
)
from tests.slack_standin.server import SlackStandin, StandinWarning
from tests.slack_standin.workspace import new_id

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "DEFAULT_TOKEN",
    "PATIENCE",
    "PATIENT_TRIGGER_TTL",
    "TEAM_DOMAIN",
    "TEAM_ID",
    "ApiError",
    "Call",
    "CallLog",
    "SlackStandin",
    "StandinWarning",
    "block_problems",
    "message_problems",
    "new_id",
    "view_problems",
]
