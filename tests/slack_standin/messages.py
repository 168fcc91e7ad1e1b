"""Messages as Slack keeps them: post, update, delete, ephemeral, threads."""

from __future__ import annotations

import copy
from typing import Any

from tests.slack_standin.calls import ApiError, Args
from tests.slack_standin.checks import message_problems
from tests.slack_standin.identity import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    MESSAGE_TEXT_LIMIT,
    TEAM_DOMAIN,
    TEAM_ID,
)
from tests.slack_standin.workspace import Directory, TsClock, with_generated_ids


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
            message["blocks"] = with_generated_ids(message["blocks"])
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
            message["blocks"] = with_generated_ids(blocks)
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
            "blocks": with_generated_ids(blocks) if blocks else None,
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
