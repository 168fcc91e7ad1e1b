"""Slack's Block Kit limits, in one place (slack_sdk.models and Slack's reference).

Builders clip to these; tests check the views against them through slack_sdk's models.
"""

from __future__ import annotations

TITLE = 24  # a modal's title, submit and close
SECTION = 3000  # a section's text
FIELD = 2000  # one section field
CONTEXT = 3000  # one context element's text
HEADER = 150  # a header's text
LABEL = 2000  # an input's label and hint
PLAIN = 3000  # a plain_text object, where nothing smaller applies
BUTTON_TEXT = 75  # a button's and an option's text
OPTIONS = 100  # options in a static select, or option groups in it
MULTI_SELECT = 100  # what we let a multi-select offer
MODAL_BLOCKS = 100  # blocks in a modal or the Home tab
MESSAGE_BLOCKS = 50  # blocks in a message (Slack's advice, not its hard limit)
PRIVATE_METADATA = 3000  # a view's private_metadata
