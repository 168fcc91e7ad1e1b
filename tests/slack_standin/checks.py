"""Block Kit checks: slack_sdk's models plus the limits slack_sdk does not check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.slack_standin.identity import MESSAGE_BLOCK_LIMIT, VIEW_BLOCK_LIMIT


def problem(pointer: str, why: str) -> str:
    # Slack's own wording: "[ERROR] <why> [json-pointer:/blocks/0/text]".
    return f"[ERROR] {why} [json-pointer:{pointer}]"


# Real Slack fields that slack_sdk's models do not know (so the round trip drops them).
_UNMODELLED_KEYS = {"submit_disabled"}


def _dropped(given: Any, round_trip: Any, pointer: str) -> list[str]:
    """What slack_sdk silently lost or changed: unknown keys, unknown block/element types."""
    if isinstance(given, dict):
        if not isinstance(round_trip, dict):
            return [problem(pointer, f"unknown type {given.get('type')!r}")]
        problems = []
        for key, value in given.items():
            if key not in round_trip:
                # slack_sdk leaves out empty values too; those are not typos.
                if value not in (None, "") and key not in _UNMODELLED_KEYS:
                    problems.append(problem(f"{pointer}/{key}", "unknown or misplaced field"))
            else:
                problems += _dropped(value, round_trip[key], f"{pointer}/{key}")
        return problems
    if isinstance(given, list):
        if not isinstance(round_trip, list) or len(round_trip) != len(given):
            return [problem(pointer, "array not understood")]
        return [
            p
            for i, (a, b) in enumerate(zip(given, round_trip, strict=True))
            for p in _dropped(a, b, f"{pointer}/{i}")
        ]
    return [] if given == round_trip else [problem(pointer, f"{given!r} is not valid here")]


_SELECTS = ("static_select", "multi_static_select")
_CHOICES = ("checkboxes", "radio_buttons")
_WITH_OPTIONS = (*_SELECTS, *_CHOICES, "overflow")


def _text_of(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def _option_problems(options: Any, pointer: str, plain_only: bool) -> Iterator[str]:
    for i, option in enumerate(options if isinstance(options, list) else []):
        p = f"{pointer}/{i}"
        if len(str(option.get("value", ""))) > 150:
            yield problem(f"{p}/value", "must be at most 150 characters")
        if len(_text_of(option.get("text"))) > 75:
            yield problem(f"{p}/text/text", "must be at most 75 characters")
        if plain_only and option.get("text", {}).get("type") != "plain_text":
            yield problem(f"{p}/text/type", "must be plain_text in a select menu")


def _element_limits(node: dict[str, Any], pointer: str) -> Iterator[str]:
    """Limits from SLACK.md that slack_sdk's models let through."""
    kind = node.get("type")
    if kind in ("plain_text", "mrkdwn") and node.get("text") == "":
        yield problem(f"{pointer}/text", "must be more than 0 characters")
    options = node.get("options") or []
    if kind in _CHOICES and len(options) > 10:
        yield problem(f"{pointer}/options", "must have at most 10 items")
    if kind in _SELECTS:
        groups = node.get("option_groups") or []
        if len(options) > 100 or len(groups) > 100:
            yield problem(pointer, "options / option_groups: at most 100 items")
        if options and groups:
            yield problem(pointer, "options and option_groups are mutually exclusive")
        for g, group in enumerate(groups):
            group_options = group.get("options") or []
            if len(group_options) > 100:
                yield problem(f"{pointer}/option_groups/{g}/options", "at most 100 items")
            yield from _option_problems(
                group_options, f"{pointer}/option_groups/{g}/options", plain_only=True
            )
    if kind in _WITH_OPTIONS:
        plain = kind not in _CHOICES
        yield from _option_problems(options, f"{pointer}/options", plain)
        initial = node.get("initial_options") or []
        if node.get("initial_option"):
            initial = [node["initial_option"]]
        yield from _option_problems(initial, f"{pointer}/initial_option(s)", plain)
    if kind == "plain_text_input":
        for key in ("max_length", "min_length"):
            if int(node.get(key) or 0) > 3000:
                yield problem(f"{pointer}/{key}", "must be at most 3000")
    if kind == "button" and len(str(node.get("url", ""))) > 3000:
        yield problem(f"{pointer}/url", "must be at most 3000 characters")
    for key in ("label", "hint", "title", "submit", "close"):
        text = node.get(key)
        if (
            kind in ("input", "modal")
            and isinstance(text, dict)
            and text.get("type") != "plain_text"
        ):
            yield problem(f"{pointer}/{key}/type", "must be plain_text")
    if kind in ("header", "button") and node.get("text", {}).get("type") != "plain_text":
        yield problem(f"{pointer}/text/type", "must be plain_text")


def _walk_limits(node: Any, pointer: str) -> Iterator[str]:
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk_limits(item, f"{pointer}/{i}")
    elif isinstance(node, dict):
        yield from _element_limits(node, pointer)
        for key, value in node.items():
            yield from _walk_limits(value, f"{pointer}/{key}")


def _interactive_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    """Elements of a block that carry an action_id (actions, accessory, input element)."""
    found = [e for e in block.get("elements") or [] if isinstance(e, dict) and "action_id" in e]
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    return found


def _duplicate_ids(blocks: list[Any], pointer: str) -> Iterator[str]:
    block_ids = [b["block_id"] for b in blocks if isinstance(b, dict) and b.get("block_id")]
    for block_id in sorted({b for b in block_ids if block_ids.count(b) > 1}):
        yield problem(pointer, f"duplicate block_id {block_id!r}")
    for i, block in enumerate(blocks):
        if isinstance(block, dict):
            ids = [e["action_id"] for e in _interactive_elements(block) if e.get("action_id")]
            for action_id in sorted({a for a in ids if ids.count(a) > 1}):
                yield problem(f"{pointer}/{i}", f"duplicate action_id {action_id!r}")


def block_problems(blocks: Any, *, limit: int, pointer: str = "/blocks") -> list[str]:
    """Why Slack would refuse these blocks (empty list: it would accept them)."""
    if not isinstance(blocks, list):
        return [problem(pointer, "must be an array")]
    problems = []
    if not 1 <= len(blocks) <= limit:
        problems.append(problem(pointer, f"must have between 1 and {limit} items"))
    for i, block in enumerate(blocks):
        p = f"{pointer}/{i}"
        if not isinstance(block, dict):
            problems.append(problem(p, "must be an object"))
            continue
        try:
            parsed = Block.parse(block)
            if parsed is None:
                problems.append(problem(f"{p}/type", f"unknown block type {block.get('type')!r}"))
                continue
            problems += _dropped(block, parsed.to_dict(), p)
        except (SlackObjectFormationError, TypeError, KeyError, AttributeError) as exc:
            problems.append(problem(p, str(exc)))
    problems += _walk_limits(blocks, pointer)
    problems += _duplicate_ids(blocks, pointer)
    return list(dict.fromkeys(problems))


def view_problems(view: Any, pointer: str = "/view") -> list[str]:
    """Why Slack would refuse this view (modal or home tab)."""
    if not isinstance(view, dict):
        return [problem(pointer, "must be an object")]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [problem(f"{pointer}/type", "must be modal or home")]
    problems = []
    # The top level is checked with a placeholder block: the real blocks are
    # checked below with pointers, so each problem is reported once.
    shell = {**view, "blocks": [{"type": "divider"}]}
    try:
        problems += _dropped(shell, View(**shell).to_dict(), pointer)
    except (SlackObjectFormationError, TypeError) as exc:
        problems.append(problem(pointer, str(exc)))
    if kind == "modal":
        if not isinstance(view.get("title"), dict):
            problems.append(problem(f"{pointer}/title", "a modal needs a title"))
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view["blocks"])
        if has_input and not view.get("submit"):
            problems.append(problem(f"{pointer}/submit", "required when there are input blocks"))
    problems += _element_limits(view, pointer)
    problems += block_problems(
        view.get("blocks"), limit=VIEW_BLOCK_LIMIT, pointer=f"{pointer}/blocks"
    )
    return list(dict.fromkeys(problems))


def message_problems(text: Any, blocks: Any) -> list[str]:
    """Why Slack would refuse this message's blocks (``text`` is checked by the caller)."""
    if blocks is None:
        return []
    return block_problems(blocks, limit=MESSAGE_BLOCK_LIMIT)
