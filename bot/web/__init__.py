"""The HTTP surface: Slack's requests, health, and the customers' invitation pages."""

from bot.web.app import create_web_app

__all__ = ["create_web_app"]
