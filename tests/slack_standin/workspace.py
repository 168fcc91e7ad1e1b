"""The fake workspace: ids, users and DMs."""

from __future__ import annotations

import copy
import secrets
import string
import threading
import time
from datetime import datetime
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo

from tests.slack_standin.calls import ApiError
from tests.slack_standin.identity import DEFAULT_TZ, TEAM_ID

_ID_ALPHABET = string.ascii_uppercase + string.digits


def new_id(prefix: str, length: int = 10) -> str:
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def _is_id(value: object, prefixes: str) -> TypeGuard[str]:
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


def with_generated_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
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
        utcoffset = now.utcoffset()
        assert utcoffset is not None  # an aware datetime always has one
        offset = int(utcoffset.total_seconds()) if tz_offset is None else tz_offset
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
