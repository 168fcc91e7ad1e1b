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
ephemeral message) are applied by the driver in ``tests/slack_driver.py``
through :meth:`SlackStandin.apply_view_response` and friends; they are
recorded as pseudo-calls (``response_action``, ``command_ack``) so that
``errors()`` sees them too.
"""

from __future__ import annotations

import contextlib
import copy
import json
import secrets
import string
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

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
MAX_VIEW_STACK = 3  # SLACK.md: "at most 3 views pushed on the stack"
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
MESSAGE_TEXT_LIMIT = 40_000
RESPONSE_URL_USES = 5  # Slack: a response_url works up to 5 times


# --------------------------------------------------------------------------
# Errors, arguments, recorded calls
# --------------------------------------------------------------------------


# How long a test waits for a call before it fails: generous, because a loaded machine
# can be slow; a call that arrives returns the wait at once.
PATIENCE = 20.0


class ApiError(Exception):
    """A Slack error answer: HTTP 200 with ``{"ok": false, "error": code}``."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []


class Args:
    """The parsed arguments of one call, with the small checks every handler needs."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.warnings: list[str] = []

    def get(self, name: str, default: Any = None) -> Any:
        value = self.raw.get(name)
        return default if value is None or value == "" else value

    def required(self, name: str, error: str = "invalid_arguments") -> Any:
        value = self.get(name)
        if value is None:
            raise ApiError(error, [f"[ERROR] missing required field: {name}"])
        return value

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    def warn(self, code: str) -> None:
        self.warnings.append(code)


@dataclass(frozen=True)
class Call:
    """One request the stand-in received, and what it answered."""

    seq: int
    method: str
    args: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    at: float  # time.time() on arrival
    status: int
    response: dict[str, Any]
    injected: bool = False  # answered by fail_next(), not by the fake workspace

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return self.response.get("error")

    @property
    def warnings(self) -> list[str]:
        return list(self.response.get("response_metadata", {}).get("warnings", []))


class CallLog:
    """Thread-safe record of calls; tests wait on it because the bot works on a thread pool."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._changed = threading.Condition()

    def record(self, **fields: Any) -> Call:
        with self._changed:
            call = Call(seq=len(self._calls), **fields)
            self._calls.append(call)
            self._changed.notify_all()
            return call

    def mark(self) -> int:
        """A position in the log: pass it as ``after=`` to look only at later calls."""
        with self._changed:
            return len(self._calls)

    def select(
        self,
        method: str | None = None,
        predicate: Callable[[Call], bool] | None = None,
        after: int = 0,
    ) -> list[Call]:
        with self._changed:
            calls = self._calls[after:]
        return [
            c
            for c in calls
            if (method is None or c.method == method) and (predicate is None or predicate(c))
        ]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = PATIENCE,
        count: int = 1,
        after: int = 0,
    ) -> list[Call]:
        """Block until ``count`` matching calls were recorded; return them (oldest first)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.select(method, predicate, after)
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.error or "ok") for c in self._calls[after:]]
                    raise AssertionError(
                        f"waited {timeout}s for {count} matching {method} call(s), "
                        f"found {len(found)}; calls since mark: {seen}"
                    )
                self._changed.wait(min(left, 0.05))


# --------------------------------------------------------------------------
# Failure injection and trigger ids
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One planned misbehaviour: a delay, then optionally an error answer."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0

    @property
    def answers(self) -> bool:
        """False for a pure delay: the call is then served normally, only late."""
        return self.status != 200 or self.error is not None

    def answer(self) -> tuple[int, dict[str, str], dict[str, Any]]:
        headers = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        error = self.error or {429: "ratelimited"}.get(self.status, "internal_error")
        return self.status, headers, {"ok": False, "error": error}


class FaultPlan:
    """Faults queued per method (``"*"`` for any), consumed in order."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()

    def add(self, method: str, fault: Fault, times: int) -> None:
        with self._lock:
            self._queues.setdefault(method, deque()).extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        with self._lock:
            for key in (method, "*"):
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
        return None

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()


class TriggerRegistry:
    """trigger_ids: issued by the driver (as Slack does on an interaction), exchanged here."""

    def __init__(self, ttl: float = TRIGGER_TTL) -> None:
        self.ttl = ttl
        self._issued: dict[str, tuple[str, float]] = {}  # id -> (user, monotonic time)
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def issue(self, user_id: str, *, age: float = 0.0) -> str:
        """A fresh trigger_id for ``user_id``; ``age`` back-dates it (to test expiry fast)."""
        trigger_id = f"{int(time.time())}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        with self._lock:
            self._issued[trigger_id] = (user_id, time.monotonic() - age)
        return trigger_id

    def exchange(self, trigger_id: str | None) -> str:
        """Use a trigger_id once; return the user it belongs to, or raise Slack's error."""
        with self._lock:
            if not trigger_id or trigger_id not in self._issued:
                raise ApiError("invalid_trigger_id")
            if trigger_id in self._used:
                raise ApiError("exchanged_trigger_id")
            user_id, issued = self._issued[trigger_id]
            if time.monotonic() - issued > self.ttl:
                raise ApiError("expired_trigger_id")
            self._used.add(trigger_id)
            return user_id


# --------------------------------------------------------------------------
# Block Kit checks: slack_sdk's models plus the limits slack_sdk does not check
# --------------------------------------------------------------------------


def _problem(pointer: str, why: str) -> str:
    # Slack's own wording: "[ERROR] <why> [json-pointer:/blocks/0/text]".
    return f"[ERROR] {why} [json-pointer:{pointer}]"


# Real Slack fields that slack_sdk's models do not know (so the round trip drops them).
_UNMODELLED_KEYS = {"submit_disabled"}


def _dropped(given: Any, round_trip: Any, pointer: str) -> list[str]:
    """What slack_sdk silently lost or changed: unknown keys, unknown block/element types."""
    if isinstance(given, dict):
        if not isinstance(round_trip, dict):
            return [_problem(pointer, f"unknown type {given.get('type')!r}")]
        problems = []
        for key, value in given.items():
            if key not in round_trip:
                # slack_sdk leaves out empty values too; those are not typos.
                if value not in (None, "") and key not in _UNMODELLED_KEYS:
                    problems.append(_problem(f"{pointer}/{key}", "unknown or misplaced field"))
            else:
                problems += _dropped(value, round_trip[key], f"{pointer}/{key}")
        return problems
    if isinstance(given, list):
        if not isinstance(round_trip, list) or len(round_trip) != len(given):
            return [_problem(pointer, "array not understood")]
        return [
            p
            for i, (a, b) in enumerate(zip(given, round_trip, strict=True))
            for p in _dropped(a, b, f"{pointer}/{i}")
        ]
    return [] if given == round_trip else [_problem(pointer, f"{given!r} is not valid here")]


_SELECTS = ("static_select", "multi_static_select")
_CHOICES = ("checkboxes", "radio_buttons")
_WITH_OPTIONS = (*_SELECTS, *_CHOICES, "overflow")


def _text_of(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def _option_problems(options: Any, pointer: str, plain_only: bool) -> Iterator[str]:
    for i, option in enumerate(options if isinstance(options, list) else []):
        p = f"{pointer}/{i}"
        if len(str(option.get("value", ""))) > 150:
            yield _problem(f"{p}/value", "must be at most 150 characters")
        if len(_text_of(option.get("text"))) > 75:
            yield _problem(f"{p}/text/text", "must be at most 75 characters")
        if plain_only and option.get("text", {}).get("type") != "plain_text":
            yield _problem(f"{p}/text/type", "must be plain_text in a select menu")


def _element_limits(node: dict[str, Any], pointer: str) -> Iterator[str]:
    """Limits from SLACK.md that slack_sdk's models let through."""
    kind = node.get("type")
    if kind in ("plain_text", "mrkdwn") and node.get("text") == "":
        yield _problem(f"{pointer}/text", "must be more than 0 characters")
    options = node.get("options") or []
    if kind in _CHOICES and len(options) > 10:
        yield _problem(f"{pointer}/options", "must have at most 10 items")
    if kind in _SELECTS:
        groups = node.get("option_groups") or []
        if len(options) > 100 or len(groups) > 100:
            yield _problem(pointer, "options / option_groups: at most 100 items")
        if options and groups:
            yield _problem(pointer, "options and option_groups are mutually exclusive")
        for g, group in enumerate(groups):
            group_options = group.get("options") or []
            if len(group_options) > 100:
                yield _problem(f"{pointer}/option_groups/{g}/options", "at most 100 items")
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
                yield _problem(f"{pointer}/{key}", "must be at most 3000")
    if kind == "button" and len(str(node.get("url", ""))) > 3000:
        yield _problem(f"{pointer}/url", "must be at most 3000 characters")
    for key in ("label", "hint", "title", "submit", "close"):
        text = node.get(key)
        if (
            kind in ("input", "modal")
            and isinstance(text, dict)
            and text.get("type") != "plain_text"
        ):
            yield _problem(f"{pointer}/{key}/type", "must be plain_text")
    if kind in ("header", "button") and node.get("text", {}).get("type") != "plain_text":
        yield _problem(f"{pointer}/text/type", "must be plain_text")


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
    block_ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    for block_id in sorted({b for b in block_ids if block_ids.count(b) > 1}):
        yield _problem(pointer, f"duplicate block_id {block_id!r}")
    for i, block in enumerate(blocks):
        if isinstance(block, dict):
            ids = [e.get("action_id") for e in _interactive_elements(block) if e.get("action_id")]
            for action_id in sorted({a for a in ids if ids.count(a) > 1}):
                yield _problem(f"{pointer}/{i}", f"duplicate action_id {action_id!r}")


def block_problems(blocks: Any, *, limit: int, pointer: str = "/blocks") -> list[str]:
    """Why Slack would refuse these blocks (empty list: it would accept them)."""
    if not isinstance(blocks, list):
        return [_problem(pointer, "must be an array")]
    problems = []
    if not 1 <= len(blocks) <= limit:
        problems.append(_problem(pointer, f"must have between 1 and {limit} items"))
    for i, block in enumerate(blocks):
        p = f"{pointer}/{i}"
        if not isinstance(block, dict):
            problems.append(_problem(p, "must be an object"))
            continue
        try:
            parsed = Block.parse(block)
            if parsed is None:
                problems.append(_problem(f"{p}/type", f"unknown block type {block.get('type')!r}"))
                continue
            problems += _dropped(block, parsed.to_dict(), p)
        except (SlackObjectFormationError, TypeError, KeyError, AttributeError) as exc:
            problems.append(_problem(p, str(exc)))
    problems += _walk_limits(blocks, pointer)
    problems += _duplicate_ids(blocks, pointer)
    return list(dict.fromkeys(problems))


def view_problems(view: Any, pointer: str = "/view") -> list[str]:
    """Why Slack would refuse this view (modal or home tab)."""
    if not isinstance(view, dict):
        return [_problem(pointer, "must be an object")]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [_problem(f"{pointer}/type", "must be modal or home")]
    problems = []
    # The top level is checked with a placeholder block: the real blocks are
    # checked below with pointers, so each problem is reported once.
    shell = {**view, "blocks": [{"type": "divider"}]}
    try:
        problems += _dropped(shell, View(**shell).to_dict(), pointer)
    except (SlackObjectFormationError, TypeError) as exc:
        problems.append(_problem(pointer, str(exc)))
    if kind == "modal":
        if not isinstance(view.get("title"), dict):
            problems.append(_problem(f"{pointer}/title", "a modal needs a title"))
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view["blocks"])
        if has_input and not view.get("submit"):
            problems.append(_problem(f"{pointer}/submit", "required when there are input blocks"))
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


# --------------------------------------------------------------------------
# The fake workspace: ids, users and DMs, messages, views, files
# --------------------------------------------------------------------------

_ID_ALPHABET = string.ascii_uppercase + string.digits


def new_id(prefix: str, length: int = 10) -> str:
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def _is_id(value: Any, prefixes: str) -> bool:
    return (
        isinstance(value, str)
        and len(value) >= 3
        and value[0] in prefixes
        and all(ch in _ID_ALPHABET for ch in value)
    )


class TsClock:
    """Message timestamps: Slack's "seconds.micros" strings, unique and increasing."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            self._last = max(int(time.time() * 1_000_000), self._last + 1)
            return f"{self._last // 1_000_000}.{self._last % 1_000_000:06d}"


def _with_generated_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Slack fills in block_id / action_id where the app left them out; so do we."""
    blocks = copy.deepcopy(blocks)
    for block in blocks:
        block.setdefault("block_id", new_id("", 5))
        if block["type"] not in ("actions", "section", "input"):
            continue
        for element in [*block.get("elements", []), block.get("accessory"), block.get("element")]:
            if isinstance(element, dict) and element.get("type") not in (None, "image"):
                element.setdefault("action_id", new_id("", 5))
    return blocks


class Directory:
    """Users (with time zones) and the bot's DM channels with them."""

    def __init__(self) -> None:
        self._users: dict[str, dict[str, Any]] = {}
        self._dms: dict[str, str] = {}  # user id -> D… channel

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        tz: str = DEFAULT_TZ,
        tz_offset: int | None = None,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict[str, Any]:
        now = datetime.now(ZoneInfo(tz))
        offset = int(now.utcoffset().total_seconds()) if tz_offset is None else tz_offset
        name = name or user_id.lower()
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": name.title(),
            "deleted": deleted,
            "is_bot": is_bot,
            "tz": tz,
            "tz_label": now.tzname(),
            "tz_offset": offset,
            "profile": {"real_name": name.title(), "display_name": name},
        }
        self._users[user_id] = user
        return user

    def user(self, user_id: Any) -> dict[str, Any]:
        """Any well-formed user id is a member of the workspace (created on first sight)."""
        if user_id not in self._users:
            if not _is_id(user_id, "UW"):
                raise ApiError("user_not_found")
            self.add_user(user_id)
        return self._users[user_id]

    def dm(self, user_id: str) -> tuple[str, bool]:
        """The DM channel with a user, and whether it already existed."""
        existed = user_id in self._dms
        if not existed:
            self.user(user_id)
            self._dms[user_id] = new_id("D")
        return self._dms[user_id], existed

    def channel(self, channel: Any) -> str:
        """Where a message to ``channel`` goes: public/private ids as they are, a user id to
        the DM with that user, a D… id only if it was opened. Names are not ids: refused."""
        if _is_id(channel, "CG"):
            return channel
        if _is_id(channel, "UW"):
            return self.dm(channel)[0]
        if _is_id(channel, "D") and channel in self._dms.values():
            return channel
        raise ApiError("channel_not_found")


class MessageStore:
    """Messages and ephemeral messages, as the bot posted and updated them."""

    def __init__(self, directory: Directory, clock: TsClock) -> None:
        self._directory = directory
        self._clock = clock
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self.ephemerals: list[dict[str, Any]] = []

    # -- shared checks --------------------------------------------------

    @staticmethod
    def _content(args: Args, *, required: bool = True) -> tuple[str | None, Any]:
        text, blocks = args.get("text"), args.get("blocks")
        if isinstance(blocks, str):
            raise ApiError("invalid_blocks_format")
        if required and text is None and blocks is None and args.get("attachments") is None:
            raise ApiError("no_text")
        if text is not None and len(str(text)) > MESSAGE_TEXT_LIMIT:
            raise ApiError("msg_too_long")
        problems = message_problems(text, blocks or None)  # [] removes blocks on update
        if problems:
            raise ApiError("invalid_blocks", problems)
        if blocks and text is None:
            args.warn("missing_text_in_blocks")  # Slack accepts it, but warns
        return text, blocks

    @staticmethod
    def _metadata(args: Args) -> dict[str, Any] | None:
        metadata = args.get("metadata")
        if metadata is None:
            return None
        if (
            not isinstance(metadata, dict)
            or not isinstance(metadata.get("event_type"), str)
            or not isinstance(metadata.get("event_payload"), dict)
        ):
            raise ApiError("invalid_metadata_format")
        return metadata

    def _find(self, channel: Any, ts: Any) -> dict[str, Any]:
        message = self.messages.get((channel, ts))
        if message is None:
            raise ApiError("message_not_found")
        return message

    def store(self, channel: str, **content: Any) -> dict[str, Any]:
        ts = self._clock.next()
        message = {
            "type": "message",
            "channel": channel,  # a stand-in convenience; stripped from API answers
            "ts": ts,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            **{k: v for k, v in content.items() if v is not None},
        }
        message.setdefault("text", "")
        if message.get("blocks"):
            message["blocks"] = _with_generated_ids(message["blocks"])
        parent = self.messages.get((channel, str(content.get("thread_ts"))))
        if parent is not None and parent["ts"] != ts:
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            parent["latest_reply"] = ts
        self.messages[(channel, ts)] = message
        return message

    @staticmethod
    def public(message: dict[str, Any], *, with_metadata: bool = True) -> dict[str, Any]:
        drop = {"channel"} | (set() if with_metadata else {"metadata"})
        return {k: copy.deepcopy(v) for k, v in message.items() if k not in drop}

    # -- Web API methods ------------------------------------------------

    def post_message(self, args: Args) -> dict[str, Any]:
        channel = self._directory.channel(args.required("channel", "channel_not_found"))
        text, blocks = self._content(args)
        message = self.store(
            channel,
            text=text,
            blocks=blocks,
            attachments=args.get("attachments"),
            thread_ts=args.get("thread_ts"),
            metadata=self._metadata(args),
        )
        return {"channel": channel, "ts": message["ts"], "message": self.public(message)}

    def update(self, args: Args) -> dict[str, Any]:
        message = self._find(args.get("channel"), args.get("ts"))
        text, blocks = self._content(args, required=False)
        # Slack keeps what an update leaves out; an empty blocks array removes blocks.
        if text is not None:
            message["text"] = text
        if blocks is not None:
            message["blocks"] = _with_generated_ids(blocks)
        if args.get("attachments") is not None:
            message["attachments"] = args.get("attachments")
        if args.get("metadata") is not None:
            message["metadata"] = self._metadata(args)
        message["edited"] = {"user": BOT_USER_ID, "ts": self._clock.next()}
        return {
            "channel": message["channel"],
            "ts": message["ts"],
            "text": message["text"],
            "message": self.public(message),
        }

    def post_ephemeral(self, args: Args) -> dict[str, Any]:
        channel = self._directory.channel(args.required("channel", "channel_not_found"))
        user = self._directory.user(args.required("user", "user_not_found"))["id"]
        text, blocks = self._content(args)
        ephemeral = {
            "channel": channel,
            "user": user,
            "text": text or "",
            "blocks": _with_generated_ids(blocks) if blocks else None,
            "thread_ts": args.get("thread_ts"),
            "message_ts": self._clock.next(),
        }
        self.ephemerals.append(ephemeral)
        return {"message_ts": ephemeral["message_ts"]}

    def permalink(self, args: Args) -> dict[str, Any]:
        channel = args.required("channel", "channel_not_found")
        message = self._find(channel, args.required("message_ts", "message_not_found"))
        digits = message["ts"].replace(".", "")
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{digits}"
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != message["ts"]:
            link += f"?thread_ts={thread_ts}&cid={channel}"
        return {"channel": channel, "permalink": link}

    def history(self, args: Args) -> dict[str, Any]:
        channel = self._directory.channel(args.required("channel", "channel_not_found"))
        # Replies stay in their thread; history holds top-level messages only.
        found = [
            m
            for (ch, _), m in self.messages.items()
            if ch == channel and m.get("thread_ts", m["ts"]) == m["ts"]
        ]
        return self._page(found, args)

    def replies(self, args: Args) -> dict[str, Any]:
        channel = self._directory.channel(args.required("channel", "channel_not_found"))
        parent = self._find(channel, args.required("ts", "thread_not_found"))
        found = [
            m
            for (ch, _), m in self.messages.items()
            if ch == channel and (m is parent or m.get("thread_ts") == parent["ts"])
        ]
        answer = self._page(found, args)
        answer["messages"].reverse()  # replies come oldest first
        return answer

    def _page(self, found: list[dict[str, Any]], args: Args) -> dict[str, Any]:
        inclusive = args.flag("inclusive")
        oldest, latest = float(args.get("oldest", 0)), float(args.get("latest", 1e12))

        def within(ts: float) -> bool:
            if inclusive:
                return oldest <= ts <= latest
            return oldest < ts < latest

        found = sorted((m for m in found if within(float(m["ts"]))), key=lambda m: m["ts"])
        found.reverse()  # newest first, as Slack pages history
        start, limit = int(args.get("cursor", 0)), int(args.get("limit", 100))
        page = found[start : start + limit]
        more = start + limit < len(found)
        with_metadata = args.flag("include_all_metadata")
        return {
            "messages": [self.public(m, with_metadata=with_metadata) for m in page],
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }


def checked_view(view: Any) -> dict[str, Any]:
    """The view itself if Slack would accept it; else Slack's ``invalid_arguments``."""
    if isinstance(view, str):
        raise ApiError("invalid_arguments", [_problem("/view", "not valid JSON")])
    problems = view_problems(view)
    if problems:
        raise ApiError("invalid_arguments", problems)
    return view


class ViewStore:
    """Modals (a stack per user) and home tabs, as views.* left them."""

    def __init__(self, triggers: TriggerRegistry) -> None:
        self._triggers = triggers
        self.views: dict[str, dict[str, Any]] = {}  # view id -> view as Slack returns it
        self.owner: dict[str, str] = {}  # view id -> user id
        self.stacks: dict[str, list[str]] = {}  # user id -> modal view ids, bottom first
        self.home: dict[str, str] = {}  # user id -> home view id

    def _external_id_taken(self, external_id: str | None, view_id: str | None) -> None:
        if external_id and any(
            v.get("external_id") == external_id and v["id"] != view_id for v in self.views.values()
        ):
            raise ApiError("duplicate_external_id")

    def save(
        self,
        view: dict[str, Any],
        user_id: str,
        *,
        view_id: str | None = None,
        root: str | None = None,
    ) -> dict[str, Any]:
        """Store a (checked) view as Slack would return it; keeps id and root on replace."""
        self._external_id_taken(view.get("external_id"), view_id)
        view_id = view_id or new_id("V")
        previous = self.views.get(view_id, {})
        stored = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view["type"],
            "blocks": _with_generated_ids(view["blocks"]),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "previous_view_id": previous.get("previous_view_id"),
            "root_view_id": root or previous.get("root_view_id") or view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self.views[view_id] = stored
        self.owner[view_id] = user_id
        return stored

    def _live(self) -> set[str]:
        """Views the user can still see: open modals and home tabs (closed ones are gone)."""
        return {v for stack in self.stacks.values() for v in stack} | set(self.home.values())

    def _by_reference(self, args: Args) -> dict[str, Any]:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        for view in (self.views[v] for v in self._live()):
            if view["id"] == view_id or (external_id and view["external_id"] == external_id):
                if args.get("hash") and args.get("hash") != view["hash"]:
                    raise ApiError("hash_conflict")
                return view
        raise ApiError("not_found")

    # -- Web API methods ------------------------------------------------

    def open(self, args: Args) -> dict[str, Any]:
        view = checked_view(args.required("view"))
        user_id = self._triggers.exchange(args.get("trigger_id"))
        stored = self.save(view, user_id)
        self.stacks[user_id] = [stored["id"]]
        return {"view": copy.deepcopy(stored)}

    def push(self, args: Args) -> dict[str, Any]:
        view = checked_view(args.required("view"))
        user_id = self._triggers.exchange(args.get("trigger_id"))
        return {"view": copy.deepcopy(self.push_for(user_id, view))}

    def push_for(self, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
        stack = self.stacks.setdefault(user_id, [])
        if len(stack) >= MAX_VIEW_STACK:
            raise ApiError("push_limit_reached")
        root = stack[0] if stack else None
        stored = self.save(view, user_id, root=root)
        stored["previous_view_id"] = stack[-1] if stack else None
        stack.append(stored["id"])
        return stored

    def update(self, args: Args) -> dict[str, Any]:
        current = self._by_reference(args)
        view = checked_view(args.required("view"))
        stored = self.save(view, self.owner[current["id"]], view_id=current["id"])
        return {"view": copy.deepcopy(stored)}

    def publish(self, args: Args) -> dict[str, Any]:
        user_id = args.required("user_id")
        view = checked_view(args.required("view"))
        if view["type"] != "home":
            raise ApiError("invalid_arguments", [_problem("/view/type", "must be home")])
        current = self.views.get(self.home.get(user_id, ""))
        if current and args.get("hash") and args.get("hash") != current["hash"]:
            raise ApiError("hash_conflict")
        stored = self.save(view, user_id, view_id=current["id"] if current else None)
        self.home[user_id] = stored["id"]
        return {"view": copy.deepcopy(stored)}

    # -- what Slack does on the user's side (applied by the driver) ------

    def close(self, user_id: str, view_id: str) -> None:
        stack = self.stacks.get(user_id, [])
        if view_id in stack:
            del stack[stack.index(view_id) :]

    def clear(self, user_id: str) -> None:
        self.stacks[user_id] = []


class FileStore:
    """files_upload_v2: getUploadURLExternal -> POST bytes -> completeUploadExternal."""

    def __init__(self, directory: Directory, messages: MessageStore, base_url: Callable[[], str]):
        self._directory = directory
        self._messages = messages
        self._base_url = base_url
        self.files: dict[str, dict[str, Any]] = {}

    def get_upload_url(self, args: Args) -> dict[str, Any]:
        filename = args.required("filename")
        length = args.required("length")
        file_id = new_id("F")
        self.files[file_id] = {
            "id": file_id,
            "name": filename,
            "title": filename,
            "length": int(length),
            "alt_txt": args.get("alt_txt"),
            "content": None,
            "channels": [],
        }
        return {"upload_url": f"{self._base_url()}upload/v1/{file_id}", "file_id": file_id}

    def receive(self, file_id: str, content: bytes) -> bool:
        file = self.files.get(file_id)
        if file is None:
            return False
        file["content"] = content
        file["size"] = len(content)
        return True

    def complete(self, args: Args) -> dict[str, Any]:
        entries = args.required("files")
        if not isinstance(entries, list) or not entries:
            raise ApiError("invalid_arguments")
        channels = [args.get("channel_id")] if args.get("channel_id") else []
        channels += [c for c in str(args.get("channels", "")).split(",") if c]
        channels = [self._directory.channel(c) for c in channels]
        done = []
        for entry in entries:
            file = self.files.get(entry.get("id"))
            if file is None or file["content"] is None:
                raise ApiError("file_not_found")
            file["title"] = entry.get("title") or file["name"]
            file["channels"] = channels
            done.append({k: v for k, v in file.items() if k != "content"})
        for channel in channels:  # Slack shares the files as one message
            self._messages.store(
                channel,
                text=args.get("initial_comment", ""),
                files=copy.deepcopy(done),
                upload=True,
                thread_ts=args.get("thread_ts"),
            )
        return {"files": done}


# --------------------------------------------------------------------------
# The Web API: routing, authentication, the pseudo-methods
# --------------------------------------------------------------------------


class WebApi:
    """Dispatches one Web API method to the store that knows about it."""

    def __init__(self, token: str, triggers: TriggerRegistry, base_url: Callable[[], str]) -> None:
        self.token = token
        self.lock = threading.RLock()  # one request changes the workspace at a time
        self.directory = Directory()
        self.clock = TsClock()
        self.messages = MessageStore(self.directory, self.clock)
        self.views = ViewStore(triggers)
        self.files = FileStore(self.directory, self.messages, base_url)
        self.methods: dict[str, Callable[[Args], dict[str, Any]]] = {
            "api.test": lambda args: {"args": dict(args.raw)},
            "auth.test": self._auth_test,
            "chat.postMessage": self.messages.post_message,
            "chat.update": self.messages.update,
            "chat.postEphemeral": self.messages.post_ephemeral,
            "chat.getPermalink": self.messages.permalink,
            "conversations.open": self._conversations_open,
            "conversations.history": self.messages.history,
            "conversations.replies": self.messages.replies,
            "views.open": self.views.open,
            "views.push": self.views.push,
            "views.update": self.views.update,
            "views.publish": self.views.publish,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self.files.get_upload_url,
            "files.completeUploadExternal": self.files.complete,
        }

    def call(self, method: str, token: str | None, args: Args) -> dict[str, Any]:
        handler = self.methods.get(method)
        try:
            if handler is None:
                raise ApiError("unknown_method")
            if method != "api.test":
                if not token:
                    raise ApiError("not_authed")
                if token != self.token:
                    raise ApiError("invalid_auth")
            with self.lock:
                answer = {"ok": True, **handler(args)}
        except ApiError as exc:
            answer = {"ok": False, "error": exc.error}
            if exc.messages:
                answer["response_metadata"] = {"messages": exc.messages}
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            # Arguments of a shape the stand-in cannot digest: Slack would refuse them too,
            # and an answer (rather than a dropped connection) tells the test why.
            detail = f"[ERROR] stand-in could not process the arguments: {exc!r}"
            answer = {"ok": False, "error": "invalid_arguments"}
            answer["response_metadata"] = {"messages": [detail]}
        if args.warnings:
            answer["warning"] = ",".join(args.warnings)
            meta = answer.setdefault("response_metadata", {})
            meta["warnings"] = list(args.warnings)
        return answer

    def _auth_test(self, args: Args) -> dict[str, Any]:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Stand-in",
            "user": "prereg",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _conversations_open(self, args: Args) -> dict[str, Any]:
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if args.get("channel"):
            channel = self.directory.channel(args.get("channel"))
            return {"channel": {"id": channel}, "already_open": True}
        if not users:
            raise ApiError("users_list_not_supplied")
        if len(users) > 1:  # a group DM; the stand-in only needs an id for it
            return {"channel": {"id": new_id("G")}}
        channel, existed = self.directory.dm(users[0])
        answer: dict[str, Any] = {"channel": {"id": channel}}
        if existed:
            answer.update(no_op=True, already_open=True)
        if args.flag("return_im"):
            answer["channel"].update(is_im=True, user=users[0], created=int(time.time()))
        return answer

    def _users_info(self, args: Args) -> dict[str, Any]:
        return {"user": copy.deepcopy(self.directory.user(args.required("user", "user_not_found")))}


def parse_args(verb: str, query: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Arguments from the query string and the body (JSON or form), JSON fields decoded."""
    args: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    content_type = headers.get("content-type", "")
    if verb == "POST" and body:
        if content_type.startswith("application/json"):
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                raise ApiError("invalid_json") from exc
            args.update(decoded if isinstance(decoded, dict) else {})
        else:
            form = parse_qs(body.decode(), keep_blank_values=True)
            args.update({k: v[-1] for k, v in form.items()})
    for name in JSON_FIELDS:
        if isinstance(args.get(name), str) and args[name]:
            # Left as a string when it is not JSON: the handler answers Slack's format error.
            with contextlib.suppress(ValueError):
                args[name] = json.loads(args[name])
    return args


# --------------------------------------------------------------------------
# HTTP server and the object tests use
# --------------------------------------------------------------------------


class _HttpHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            answer = self.server.standin.handle(self.command, self.path, headers, body)
        except Exception as exc:  # a stand-in bug: answer it instead of dropping the line
            answer = 500, {"Content-Type": "text/plain"}, f"stand-in error: {exc!r}".encode()
        status, extra, payload = answer
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; every call is in the CallLog anyway


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    standin: SlackStandin


@dataclass
class _ResponseUrl:
    channel: str
    user: str
    message_ts: str | None
    uses: int = 0


@dataclass
class StandinWarning:
    method: str
    code: str
    seq: int


class SlackStandin:
    """The stand-in server. Start it (``with`` or ``start()``), give the bot ``url``."""

    def __init__(self, *, token: str = DEFAULT_TOKEN, trigger_ttl: float = TRIGGER_TTL) -> None:
        self.token = token
        self.triggers = TriggerRegistry(trigger_ttl)
        self.api = WebApi(token, self.triggers, lambda: self.base_url)
        self.log = CallLog()
        self.faults = FaultPlan()
        self.latency = 0.0  # seconds added to every call (see also slow())
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ------------------------------------------------------

    def start(self) -> SlackStandin:
        self._server = _Server(("127.0.0.1", 0), _HttpHandler)
        self._server.standin = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def url(self) -> str:
        """The Web API base URL: slack_sdk's ``base_url``, our ``SLACK_API_URL``."""
        return self.base_url + "api/"

    def web_client(self, **kwargs: Any) -> WebClient:
        """A WebClient pointed here with the stand-in's token (kwargs go to WebClient)."""
        return WebClient(base_url=self.url, token=self.token, **kwargs)

    # -- HTTP entry point ---------------------------------------------------

    def handle(
        self, verb: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(target)
        path = parts.path.strip("/").split("/")
        if len(path) == 2 and path[0] == "api":
            return self._api_call(path[1], verb, parts.query, headers, body)
        if len(path) == 3 and path[:2] == ["upload", "v1"]:
            return self._upload(path[2], headers, body)
        if len(path) == 2 and path[0] == "respond":
            return self._respond(path[1], headers, body)
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _api_call(
        self, method: str, verb: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        arrived = time.time()
        try:
            raw = parse_args(verb, query, headers, body)
        except ApiError as exc:
            raw, early = {}, {"ok": False, "error": exc.error}
        else:
            early = None
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else raw.pop("token", None)
        raw.pop("token", None)
        status, extra, answer, injected = self._answer(method, token, raw, early)
        self.log.record(
            method=method,
            args=copy.deepcopy(raw),
            headers=headers,
            at=arrived,
            status=status,
            response=answer,
            injected=injected,
        )
        return status, {"Content-Type": "application/json; charset=utf-8", **extra}, _json(answer)

    def _answer(
        self, method: str, token: str | None, raw: dict[str, Any], early: dict[str, Any] | None
    ) -> tuple[int, dict[str, str], dict[str, Any], bool]:
        fault = self.faults.take(method)
        delay = self.latency + (fault.delay if fault else 0.0)
        if delay:
            time.sleep(delay)
        if fault is not None and fault.answers:
            status, extra, answer = fault.answer()
            return status, extra, answer, True
        if early is not None:
            return 200, {}, early, False
        return 200, {}, self.api.call(method, token, Args(raw)), False

    def _upload(self, file_id: str, headers: dict[str, str], body: bytes):
        fault = self.faults.take(UPLOAD)
        if fault is not None and fault.answers:
            status, extra, answer = fault.answer()
        else:
            with self.api.lock:
                known = self.api.files.receive(file_id, body)
            status, extra, answer = (200, {}, {"ok": True}) if known else (404, {}, {"ok": False})
        self.log.record(
            method=UPLOAD,
            args={"file_id": file_id, "size": len(body)},
            headers=headers,
            at=time.time(),
            status=status,
            response=answer,
            injected=fault is not None,
        )
        text = f"OK - {len(body)}" if status == 200 else "upload failed"
        return status, {"Content-Type": "text/plain", **extra}, text.encode()

    # -- response_url ------------------------------------------------------

    def response_url(self, channel: str, user: str, message_ts: str | None = None) -> str:
        """A response_url for an interaction by ``user`` in ``channel`` (on a message)."""
        key = secrets.token_urlsafe(12)
        with self.api.lock:
            self._response_urls[key] = _ResponseUrl(channel, user, message_ts)
        return f"{self.base_url}respond/{key}"

    def _respond(self, key: str, headers: dict[str, str], body: bytes):
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        with self.api.lock:
            target = self._response_urls.get(key)
            if target is None or target.uses >= RESPONSE_URL_USES:
                status, answer = 404, {"ok": False, "error": "expired_url"}
            elif not isinstance(payload, dict):
                status, answer = 400, {"ok": False, "error": "invalid_payload"}
            else:
                target.uses += 1
                status, answer = self._apply_response(target, payload)
        self.log.record(
            method=RESPONSE_URL,
            args=payload if isinstance(payload, dict) else {"raw": body.decode(errors="replace")},
            headers=headers,
            at=time.time(),
            status=status,
            response=answer,
        )
        return status, {"Content-Type": "text/plain"}, (answer.get("error") or "ok").encode()

    def _apply_response(self, target: _ResponseUrl, payload: dict[str, Any]):
        problems = message_problems(payload.get("text"), payload.get("blocks"))
        if problems:
            return 400, {"ok": False, "error": "invalid_blocks", "messages": problems}
        with self.api.lock:
            original = self.api.messages.messages.get((target.channel, target.message_ts or ""))
            if payload.get("delete_original") and original is not None:
                del self.api.messages.messages[(target.channel, original["ts"])]
            elif payload.get("replace_original") and original is not None:
                original["text"] = payload.get("text", "")
                original["blocks"] = _with_generated_ids(payload.get("blocks") or [])
            elif payload.get("response_type") == "in_channel":
                self.api.messages.store(
                    target.channel, text=payload.get("text"), blocks=payload.get("blocks")
                )
            else:
                self._ephemeral(target.channel, target.user, payload)
        return 200, {"ok": True}

    def _ephemeral(self, channel: str, user: str, payload: dict[str, Any]) -> None:
        self.api.messages.ephemerals.append(
            {
                "channel": channel,
                "user": user,
                "text": payload.get("text", ""),
                "blocks": _with_generated_ids(payload["blocks"]) if payload.get("blocks") else None,
                "thread_ts": None,
                "message_ts": self.api.clock.next(),
            }
        )

    # -- what Slack's client does with the bot's ack bodies (driver calls these) --

    def apply_command_ack(self, channel: str, user: str, body: Any) -> None:
        """A slash command's ack body is shown to the user like a response_url message."""
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return
        status, answer = self._apply_response(_ResponseUrl(channel, user, None), body)
        self._record_pseudo(COMMAND_ACK, body, status, answer)

    def apply_view_response(self, user_id: str, view_id: str, body: Any) -> None:
        """What Slack does with the bot's answer to a view_submission."""
        action = body.get("response_action") if isinstance(body, dict) else None
        answer: dict[str, Any] = {"ok": True}
        with self.api.lock:
            try:
                self._view_response(user_id, view_id, action, body)
            except ApiError as exc:
                answer = {"ok": False, "error": exc.error, "messages": exc.messages}
        self._record_pseudo(RESPONSE_ACTION, body if isinstance(body, dict) else {}, 200, answer)

    def _view_response(self, user_id: str, view_id: str, action: Any, body: Any) -> None:
        views = self.api.views
        if action is None:  # an empty ack closes the submitted view
            views.close(user_id, view_id)
        elif action == "clear":
            views.clear(user_id)
        elif action == "update":
            view = checked_view(body.get("view"))
            views.save(view, user_id, view_id=view_id)
        elif action == "push":
            views.push_for(user_id, checked_view(body.get("view")))
        elif action == "errors":
            errors = body.get("errors")
            inputs = {b["block_id"] for b in views.views[view_id]["blocks"] if b["type"] == "input"}
            if not isinstance(errors, dict) or not errors or not set(errors) <= inputs:
                raise ApiError("invalid_arguments", [f"errors must name input blocks: {inputs}"])
        else:
            raise ApiError("invalid_arguments", [f"unknown response_action {action!r}"])

    def close_view(self, user_id: str, view_id: str) -> None:
        """The user closed a modal (the driver sends view_closed when asked to notify)."""
        with self.api.lock:
            self.api.views.close(user_id, view_id)

    def _record_pseudo(self, method: str, args: dict[str, Any], status: int, answer: dict) -> None:
        self.log.record(
            method=method,
            args=copy.deepcopy(args),
            headers={},
            at=time.time(),
            status=status,
            response=answer,
        )

    # -- failure injection -------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (``"*"``: any) misbehave, in order.

        ``status=429, retry_after=1`` rate-limits; ``status=500`` is a server error;
        ``error="channel_not_found"`` answers HTTP 200 ``ok: false``; ``delay`` waits first.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        self.faults.add(method, Fault(status, error, retry_after, delay), times)

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Delay the next ``times`` calls of ``method``, then serve them normally."""
        self.faults.add(method, Fault(delay=seconds), times)

    # -- reading what happened ------------------------------------------------

    def mark(self) -> int:
        return self.log.mark()

    def calls(
        self,
        method: str | None = None,
        predicate: Callable[[Call], bool] | None = None,
        *,
        after: int = 0,
    ) -> list[Call]:
        return self.log.select(method, predicate, after)

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = PATIENCE,
        *,
        after: int = 0,
    ) -> Call:
        """The first call of ``method`` (after ``after``) matching ``predicate``; waits for it."""
        return self.log.wait_for(method, predicate, timeout=timeout, after=after)[0]

    def wait_for_count(
        self,
        method: str,
        count: int,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = PATIENCE,
        after: int = 0,
    ) -> list[Call]:
        return self.log.wait_for(method, predicate, timeout=timeout, count=count, after=after)

    def errors(self, *, include_injected: bool = False) -> list[Call]:
        """Calls Slack would have refused (not counting the failures you injected)."""
        return [c for c in self.calls() if not c.ok and (include_injected or not c.injected)]

    @property
    def warnings(self) -> list[StandinWarning]:
        return [StandinWarning(c.method, code, c.seq) for c in self.calls() for code in c.warnings]

    def assert_clean(self) -> None:
        """Fail if the bot made a call Slack would refuse or warn about."""
        problems = [(c.method, c.error, c.response.get("response_metadata")) for c in self.errors()]
        assert not problems, f"Slack would have refused: {problems}"
        assert not self.warnings, f"Slack warned: {self.warnings}"

    # -- the fake workspace's state (copies; safe to keep) ---------------------

    def add_user(self, user_id: str, **profile: Any) -> dict[str, Any]:
        """Register a user: ``name``, ``tz`` (IANA), ``tz_offset`` (s), ``is_bot``, ``deleted``."""
        with self.api.lock:
            return copy.deepcopy(self.api.directory.add_user(user_id, **profile))

    def user(self, user_id: str) -> dict[str, Any]:
        """The user as users.info shows it (any well-formed id exists)."""
        with self.api.lock:
            return copy.deepcopy(self.api.directory.user(user_id))

    def dm_channel(self, user_id: str) -> str:
        """The bot's DM channel with ``user_id`` (in Slack it exists for every user; whether
        the bot opened it shows in ``calls("conversations.open")``)."""
        with self.api.lock:
            return self.api.directory.dm(user_id)[0]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current state of messages (oldest first), each with a ``channel`` key."""
        with self.api.lock:
            found = [
                copy.deepcopy(m)
                for (ch, _), m in self.api.messages.messages.items()
                if channel is None or ch == channel
            ]
        return sorted(found, key=lambda m: m["ts"])

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        with self.api.lock:
            return copy.deepcopy(self.api.messages.messages[(channel, ts)])

    def ephemerals(self, user: str | None = None) -> list[dict[str, Any]]:
        with self.api.lock:
            return [
                copy.deepcopy(e)
                for e in self.api.messages.ephemerals
                if user is None or e["user"] == user
            ]

    def view(self, view_id: str) -> dict[str, Any]:
        with self.api.lock:
            return copy.deepcopy(self.api.views.views[view_id])

    def view_owner(self, view_id: str) -> str:
        with self.api.lock:
            return self.api.views.owner[view_id]

    def modal_stack(self, user_id: str) -> list[dict[str, Any]]:
        """The user's open modal views, bottom first (empty when no modal is open)."""
        with self.api.lock:
            ids = self.api.views.stacks.get(user_id, [])
            return [copy.deepcopy(self.api.views.views[v]) for v in ids]

    def current_modal(self, user_id: str) -> dict[str, Any] | None:
        stack = self.modal_stack(user_id)
        return stack[-1] if stack else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The latest home tab published for ``user_id``."""
        with self.api.lock:
            view_id = self.api.views.home.get(user_id)
            return copy.deepcopy(self.api.views.views[view_id]) if view_id else None

    def files(self) -> list[dict[str, Any]]:
        """Uploaded files, ``content`` (bytes) included."""
        with self.api.lock:
            return [copy.deepcopy(f) for f in self.api.files.files.values()]


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()
