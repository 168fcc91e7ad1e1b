"""manifest.yml against Slack's app manifest schema, and the parts prereg relies on.

The schema is a copy of slackapi/manifest-schema's `manifest.schema.1.0.0.json`
(MIT, see tests/schemas/LICENSE). Each check is a function run on the real
manifest and, in `test_check_catches`, on a broken copy it must reject.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema.validators import validator_for

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = ROOT / "manifest.yml"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "manifest.schema.1.0.0.json"

COMMAND = "/preregister"
EVENTS_PATH = "/slack/events"
BOT_SCOPES = {"commands", "chat:write", "im:write", "files:write", "users:read"}

Manifest = dict[str, Any]


def load_manifest() -> Manifest:
    data = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "manifest.yml must be a mapping"
    return data


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


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.removeprefix("check_"))
def test_manifest(check: Callable[[Manifest], None]) -> None:
    check(load_manifest())


# --- each check can fail --------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[Manifest], None]:
    *parents, leaf = path.split(".")

    def mutate(m: Manifest) -> None:
        node = m
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[leaf] = value

    return mutate


def _delete(path: str) -> Callable[[Manifest], None]:
    *parents, leaf = path.split(".")

    def mutate(m: Manifest) -> None:
        node = m
        for key in parents:
            node = node[key]
        del node[leaf]

    return mutate


def _append_scope(scope: str) -> Callable[[Manifest], None]:
    def mutate(m: Manifest) -> None:
        m["oauth_config"]["scopes"]["bot"].append(scope)

    return mutate


def _drop_scope(scope: str) -> Callable[[Manifest], None]:
    def mutate(m: Manifest) -> None:
        m["oauth_config"]["scopes"]["bot"].remove(scope)

    return mutate


def _duplicate_command(m: Manifest) -> None:
    commands = m["features"]["slash_commands"]
    commands.append(copy.deepcopy(commands[0]))


def _socket_variant_breaks(m: Manifest) -> None:
    # The variant inherits everything but socket_mode_enabled, so a schema
    # error anywhere else must show up in it too.
    m["features"]["bot_user"]["display_name"] = ""


MUTATIONS: list[tuple[str, Callable[[Manifest], None], Callable[[Manifest], None]]] = [
    ("unknown key", _set("settings.unknown_setting", True), check_schema_valid),
    ("no app name", _delete("display_information.name"), check_schema_valid),
    (
        "command without slash",
        _set("features.slash_commands.0.command", "preregister"),
        check_schema_valid,
    ),
    (
        "bad background",
        _set("display_information.background_color", "blue"),
        check_background_color,
    ),
    ("command renamed", _set("features.slash_commands.0.command", "/prereg"), check_slash_command),
    ("duplicate command", _duplicate_command, check_slash_command),
    ("extra scope", _append_scope("channels:history"), check_bot_scopes),
    ("missing scope", _drop_scope("users:read"), check_bot_scopes),
    ("duplicate scope", _append_scope("commands"), check_bot_scopes),
    ("user scope", _set("oauth_config.scopes.user", ["users:read"]), check_bot_scopes),
    (
        "no app_home_opened",
        _set("settings.event_subscriptions.bot_events", []),
        check_app_home_opened,
    ),
    ("interactivity off", _set("settings.interactivity.is_enabled", False), check_interactivity),
    ("home tab off", _set("features.app_home.home_tab_enabled", False), check_home_tab),
    (
        "urls differ",
        _set("settings.interactivity.request_url", "https://a.example/x"),
        check_request_urls,
    ),
    ("socket mode on", _set("settings.socket_mode_enabled", True), check_http_mode_by_default),
    ("socket variant", _socket_variant_breaks, check_socket_mode_variant_valid),
]


@pytest.mark.parametrize(
    ("mutate", "check"), [(m, c) for _, m, c in MUTATIONS], ids=[name for name, _, _ in MUTATIONS]
)
def test_check_catches(
    mutate: Callable[[Manifest], None], check: Callable[[Manifest], None]
) -> None:
    manifest = load_manifest()
    mutate(manifest)
    with pytest.raises(AssertionError):
        check(manifest)
