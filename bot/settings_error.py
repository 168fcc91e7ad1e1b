"""The one error a malformed setting raises, apart from the settings themselves: the command
line catches it without loading pydantic (bot.settings) for a command that reads none."""

from __future__ import annotations


class SettingsError(Exception):
    """One line naming the setting and what is expected."""
