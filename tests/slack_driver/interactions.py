"""What a user does in blocks and views: clicks, choices, submissions, closing, typing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.slack_driver.forms import (
    _STATE_KEYS,
    Field,
    _option,
    _state_value,
    find_element,
    state_values,
)
from tests.slack_driver.transport import Reply, Signature, Transport, _now_ts


class Interactions(Transport):
    """What a user does in blocks and views: clicks, choices, submissions, closing, typing."""

    def block_actions(
        self,
        user_id: str,
        actions: list[dict[str, Any]],
        *,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | str | None = None,
        answers: Mapping[str, Any] | None = None,
        signature: Signature = "valid",
    ) -> Reply:
        """Low level: send ``actions`` as taken on ``message`` (a stand-in message or
        ephemeral) or on ``view`` (dict, id, or the open modal when neither is given)."""
        payload = self._common("block_actions", user_id)
        payload["trigger_id"] = self.trigger_id(user_id)
        payload["actions"] = actions
        if message is not None:
            payload.update(self._message_context(user_id, message, answers))
        else:
            shown = self._view(user_id, view)
            shown["state"] = {"values": state_values(shown, answers, check=False)}
            payload["container"] = {"type": "view", "view_id": shown["id"]}
            payload["view"] = shown
        return self.send_payload(payload, signature=signature)

    def _message_context(
        self, user_id: str, message: dict[str, Any], answers: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        channel = message["channel"]
        ephemeral = "ts" not in message  # the stand-in's ephemerals carry message_ts
        ts = message.get("ts") or message["message_ts"]
        container = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        }
        if message.get("thread_ts"):
            container["thread_ts"] = message["thread_ts"]
        context: dict[str, Any] = {
            "container": container,
            "channel": {"id": channel, "name": channel.lower()},
            "state": {"values": state_values(message.get("blocks") or [], answers, check=False)},
            "response_url": self.response_url(channel, user_id, None if ephemeral else ts),
        }
        if not ephemeral:  # Slack does not send ephemeral messages back
            context["message"] = {k: v for k, v in message.items() if k != "channel"}
        return context

    def click(
        self,
        user_id: str,
        *,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | str | None = None,
        text: str | None = None,
        action_id: str | None = None,
        value: str | None = None,
        answers: Mapping[str, Any] | None = None,
        signature: Signature = "valid",
    ) -> Reply:
        """Click the one button matching ``text`` / ``action_id`` / ``value``."""
        surface = message if message is not None else self._view(user_id, view)
        block, button = find_element(
            surface, types={"button"}, action_id=action_id, text=text, value=value
        )
        action = {
            "action_id": button["action_id"],
            "block_id": block["block_id"],
            "text": button["text"],
            "type": "button",
            "action_ts": _now_ts(),
        }
        for key in ("value", "style"):
            if key in button:
                action[key] = button[key]
        where = {"message": message} if message is not None else {"view": surface}
        return self.block_actions(user_id, [action], answers=answers, signature=signature, **where)

    def choose(
        self,
        user_id: str,
        answer: Any,
        *,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | str | None = None,
        action_id: str | None = None,
        label: str | None = None,
        signature: Signature = "valid",
    ) -> Reply:
        """Pick ``answer`` in a select / radio / checkbox / overflow element that
        dispatches an action (in an actions block, an accessory, or a dispatch_action input)."""
        surface = message if message is not None else self._view(user_id, view)
        block, element = find_element(surface, action_id=action_id, text=label)
        field = Field(block, element)
        action: dict[str, Any] = {
            "action_id": element["action_id"],
            "block_id": block["block_id"],
            "type": element["type"],
            "action_ts": _now_ts(),
        }
        if element["type"] == "overflow":
            action["selected_option"] = _option(field, answer)
        else:
            state_key, _ = _STATE_KEYS[element["type"]]
            action[state_key] = _state_value(field, answer)
        if "placeholder" in element:
            action["placeholder"] = element["placeholder"]
        where = {"message": message} if message is not None else {"view": surface}
        answers = None if element["type"] == "overflow" else {element["action_id"]: answer}
        return self.block_actions(user_id, [action], answers=answers, signature=signature, **where)

    def submit_view(
        self,
        user_id: str,
        answers: Mapping[str, Any] | None = None,
        *,
        view: dict[str, Any] | str | None = None,
        values: dict[str, dict[str, Any]] | None = None,
        check: bool = True,
        signature: Signature = "valid",
    ) -> Reply:
        """Fill the modal (the user's open one unless ``view`` is given) with ``answers``
        and press Submit. ``values`` sends a ready-made state.values instead. With a
        stand-in, the bot's answer (close / update / push / errors / clear) is applied."""
        shown = self._view(user_id, view)
        if values is None:
            values = state_values(shown, answers, check=check)
        shown["state"] = {"values": values}
        payload = self._common("view_submission", user_id)
        payload.update(trigger_id=self.trigger_id(user_id), view=shown, response_urls=[])
        reply = self.send_payload(payload, signature=signature)
        if self.standin is not None and reply.status == 200:
            self.standin.apply_view_response(user_id, shown["id"], reply.json)
        return reply

    def close_view(
        self,
        user_id: str,
        *,
        view: dict[str, Any] | str | None = None,
        is_cleared: bool = False,
        signature: Signature = "valid",
    ) -> Reply | None:
        """The user closes the modal. Slack tells the bot (view_closed) only when the view
        asked for it with ``notify_on_close``; then the reply is returned, else None."""
        shown = self._view(user_id, view)
        if self.standin is not None:
            self.standin.close_view(user_id, shown["id"])
        if not shown.get("notify_on_close"):
            return None
        payload = self._common("view_closed", user_id)
        payload.update(view=shown, is_cleared=is_cleared)
        return self.send_payload(payload, signature=signature)

    def suggest(
        self,
        user_id: str,
        query: str,
        *,
        action_id: str,
        view: dict[str, Any] | str | None = None,
        signature: Signature = "valid",
    ) -> Reply:
        """The user types ``query`` in an external select: Slack asks the bot for options
        (block_suggestion); the reply's JSON holds ``options`` or ``option_groups``."""
        shown = self._view(user_id, view)
        block, _ = find_element(shown, action_id=action_id)
        payload = self._common("block_suggestion", user_id)
        payload.update(
            container={"type": "view", "view_id": shown["id"]},
            action_id=action_id,
            block_id=block["block_id"],
            value=query,
            view=shown,
            action_ts=_now_ts(),
        )
        return self.send_payload(payload, signature=signature)
