"""Modals, App Home and files as Slack keeps them."""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Callable
from typing import Any

from tests.slack_standin.calls import ApiError, Args
from tests.slack_standin.checks import problem, view_problems
from tests.slack_standin.faults import TriggerRegistry
from tests.slack_standin.identity import APP_ID, BOT_ID, MAX_VIEW_STACK, TEAM_ID
from tests.slack_standin.messages import MessageStore
from tests.slack_standin.workspace import Directory, new_id, with_generated_ids


def checked_view(view: Any) -> dict[str, Any]:
    """The view itself if Slack would accept it; else Slack's ``invalid_arguments``."""
    if isinstance(view, str):
        raise ApiError("invalid_arguments", [problem("/view", "not valid JSON")])
    problems = view_problems(view)
    if problems:
        raise ApiError("invalid_arguments", problems)
    assert isinstance(view, dict)  # view_problems refuses anything else
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
            "blocks": with_generated_ids(view["blocks"]),
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
            raise ApiError("invalid_arguments", [problem("/view/type", "must be home")])
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
