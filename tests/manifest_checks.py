"""The checks of manifest.yml against Slack's schema and against what the bot serves, one
function each."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema.validators import validator_for

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "manifest.schema.1.0.0.json"
COMMAND = "/preregister"
EVENTS_PATH = "/slack/events"
BOT_SCOPES = {"commands", "chat:write", "im:write", "files:write", "users:read"}
Manifest = dict[str, Any]


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def schema_errors(manifest: Manifest) -> list[str]:
    schema = load_schema()
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in sorted(
            validator.iter_errors(manifest), key=lambda e: [str(p) for p in e.absolute_path]
        )
    ]


def socket_mode_variant(manifest: Manifest, *, drop_urls: bool = False) -> Manifest:
    """The manifest switched to Socket Mode as its header comment says (URLs then ignored)."""
    variant = copy.deepcopy(manifest)
    variant["settings"]["socket_mode_enabled"] = True
    if drop_urls:
        for command in variant.get("features", {}).get("slash_commands", []):
            command.pop("url", None)
        for key in ("interactivity", "event_subscriptions"):
            variant["settings"].get(key, {}).pop("request_url", None)
    return variant


# --- checks -------------------------------------------------------------------


def check_schema_valid(manifest: Manifest) -> None:
    errors = schema_errors(manifest)
    assert not errors, "manifest.yml breaks Slack's schema:\n" + "\n".join(errors)


def check_background_color(manifest: Manifest) -> None:
    # The schema states this constraint under a non-standard "regex" keyword,
    # which JSON Schema validators ignore; check it here instead.
    pattern = load_schema()["definitions"]["app-manifests.v1.display_information.schema"][
        "properties"
    ]["background_color"]["regex"]
    color = manifest["display_information"].get("background_color", "")
    assert re.fullmatch(pattern, color), f"background_color {color!r} is not #rgb or #rrggbb"


def check_slash_command(manifest: Manifest) -> None:
    commands = manifest.get("features", {}).get("slash_commands", [])
    matching = [c for c in commands if c.get("command") == COMMAND]
    assert len(matching) == 1, f"expected exactly one {COMMAND} slash command, got {commands!r}"
    assert matching[0].get("url", "").endswith(EVENTS_PATH), f"{COMMAND} must post to {EVENTS_PATH}"


def check_bot_scopes(manifest: Manifest) -> None:
    scopes = manifest.get("oauth_config", {}).get("scopes", {})
    bot = scopes.get("bot", [])
    assert len(bot) == len(set(bot)), f"duplicate bot scopes: {bot!r}"
    assert set(bot) == BOT_SCOPES, f"bot scopes must be exactly {sorted(BOT_SCOPES)}, got {bot}"
    extra = {k: v for k, v in scopes.items() if k != "bot" and v}
    assert not extra, f"only bot scopes are needed, got {extra!r}"


def check_app_home_opened(manifest: Manifest) -> None:
    events = manifest.get("settings", {}).get("event_subscriptions", {})
    bot_events = events.get("bot_events", [])
    assert "app_home_opened" in bot_events, f"app_home_opened not subscribed: {bot_events!r}"


def check_interactivity(manifest: Manifest) -> None:
    interactivity = manifest.get("settings", {}).get("interactivity", {})
    assert interactivity.get("is_enabled") is True, "settings.interactivity.is_enabled must be true"


def check_home_tab(manifest: Manifest) -> None:
    app_home = manifest.get("features", {}).get("app_home", {})
    assert app_home.get("home_tab_enabled") is True, (
        "features.app_home.home_tab_enabled must be true"
    )


def check_request_urls(manifest: Manifest) -> None:
    settings = manifest.get("settings", {})
    urls = {
        "slash command": next(
            (
                c.get("url")
                for c in manifest.get("features", {}).get("slash_commands", [])
                if c.get("command") == COMMAND
            ),
            None,
        ),
        "interactivity": settings.get("interactivity", {}).get("request_url"),
        "event subscriptions": settings.get("event_subscriptions", {}).get("request_url"),
    }
    assert len(set(urls.values())) == 1, f"all request URLs must be the same: {urls!r}"
    url = urls["interactivity"]
    assert isinstance(url, str), "request URLs missing"
    assert url.startswith("https://") and url.endswith(EVENTS_PATH), f"bad request URL {url!r}"


def check_http_mode_by_default(manifest: Manifest) -> None:
    mode = manifest.get("settings", {}).get("socket_mode_enabled")
    assert mode is False, "the checked-in manifest is for HTTP mode (socket_mode_enabled: false)"


def check_socket_mode_variant_valid(manifest: Manifest) -> None:
    for drop_urls in (False, True):
        variant = socket_mode_variant(manifest, drop_urls=drop_urls)
        assert variant["settings"]["socket_mode_enabled"] is True
        check_schema_valid(variant)


CHECKS: list[Callable[[Manifest], None]] = [
    check_schema_valid,
    check_background_color,
    check_slash_command,
    check_bot_scopes,
    check_app_home_opened,
    check_interactivity,
    check_home_tab,
    check_request_urls,
    check_http_mode_by_default,
    check_socket_mode_variant_valid,
]
