"""manifest.yml passes every check, and each check catches the mistake it is for."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.manifest_checks import (
    CHECKS,
    Manifest,
    check_app_home_opened,
    check_background_color,
    check_bot_scopes,
    check_home_tab,
    check_http_mode_by_default,
    check_interactivity,
    check_request_urls,
    check_schema_valid,
    check_slash_command,
    check_socket_mode_variant_valid,
)

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = ROOT / "manifest.yml"


def load_manifest() -> Manifest:
    data = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "manifest.yml must be a mapping"
    return data


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
