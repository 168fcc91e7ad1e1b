"""The stand-in workspace's identity and the limits Slack documents (SLACK.md)."""

from __future__ import annotations

# Identity of the fake workspace and of the bot in it.
TEAM_ID = "T0STANDIN"
TEAM_DOMAIN = "standin"
APP_ID = "A0STANDIN"
BOT_ID = "B0STANDIN"
BOT_USER_ID = "U0STANDINBOT"
DEFAULT_TOKEN = "xoxb-0000-standin-token"
DEFAULT_TZ = "America/New_York"

# Pseudo-methods: recorded like Web API calls, so one log tells the whole story.
UPLOAD = "upload"  # bytes POSTed to an upload URL
RESPONSE_URL = "response_url"  # a POST to a response_url
RESPONSE_ACTION = "response_action"  # the bot's answer to a view_submission
COMMAND_ACK = "command_ack"  # the bot's ack body for a slash command

# Fields that Slack accepts as JSON-encoded strings in form-encoded requests.
JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "files")

TRIGGER_TTL = 3.0  # seconds; SLACK.md: "a trigger_id is single-use and valid for 3 s"
# What the stand-ins that serve the whole bot allow instead: how soon the bot opens a form is
# the benchmark's to measure (benchmarks/http_paths.py), and a test must not fail because the
# machine running it is busy. Single use and expiry stay enforced (tests/test_standin_views.py).
PATIENT_TRIGGER_TTL = 60.0
MAX_VIEW_STACK = 3  # SLACK.md: "at most 3 views pushed on the stack"
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
MESSAGE_TEXT_LIMIT = 40_000
RESPONSE_URL_USES = 5  # Slack: a response_url works up to 5 times
