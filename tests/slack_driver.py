"""Plays Slack towards the bot over real HTTP: requests shaped and signed as Slack sends them.

    driver = SlackDriver(bot_url, SIGNING_SECRET, standin=slack)
    driver.slash_command("U0PARTNER", "")              # Slack issues a trigger_id
    modal = slack.current_modal("U0PARTNER")            # what the bot opened
    reply = driver.submit_view("U0PARTNER", {"Customer name": "Acme", "Country": "DE"})
    assert reply.status == 200

With a stand-in (``tests/slack_standin.py``) the driver issues real trigger_ids
and response_urls, finds the views and messages the bot created, and applies
to the stand-in what Slack's client does with the bot's answers (the modal
closing, updating or showing errors after a view_submission; a slash
command's ack body shown as an ephemeral message). Without a stand-in it
still sends well-formed requests, with made-up trigger_ids.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import urlencode

from tests.slack_standin import APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, new_id

if TYPE_CHECKING:
    from tests.slack_standin import SlackStandin

# How to sign a request: as Slack does, or broken in one of the ways Bolt must refuse.
Signature = Literal["valid", "bad", "stale", "missing"]
STALE_BY = 6 * 60  # seconds; Bolt refuses timestamps more than 5 minutes off

VERIFICATION_TOKEN = "standin-verification-token"  # Slack's deprecated per-app token


@dataclass(frozen=True)
class Reply:
    """The bot's HTTP answer."""

    status: int
    headers: dict[str, str]  # lower-cased names
    body: str
    elapsed: float  # seconds until the answer arrived (the ack must come within 3 s)

    @property
    def json(self) -> Any:
        """The body as JSON, or None for an empty (plain ack) body."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class FormError(AssertionError):
    """A form Slack's client would not let the user submit, or a field that is not there."""


# --------------------------------------------------------------------------
# Filling forms: view (or message) blocks + answers -> state.values
# --------------------------------------------------------------------------

# For each stateful element type: the state key and the element's initial-value key.
# Elements not listed (button, overflow, image) carry no state: Slack leaves them out.
_STATE_KEYS = {
    "plain_text_input": ("value", "initial_value"),
    "email_text_input": ("value", "initial_value"),
    "url_text_input": ("value", "initial_value"),
    "number_input": ("value", "initial_value"),
    "rich_text_input": ("rich_text_value", "initial_value"),
    "static_select": ("selected_option", "initial_option"),
    "external_select": ("selected_option", "initial_option"),
    "radio_buttons": ("selected_option", "initial_option"),
    "multi_static_select": ("selected_options", "initial_options"),
    "multi_external_select": ("selected_options", "initial_options"),
    "checkboxes": ("selected_options", "initial_options"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
}


@dataclass(frozen=True)
class Field:
    """One stateful element of a surface, with where it sits."""

    block: dict[str, Any]
    element: dict[str, Any]

    @property
    def label(self) -> str:
        return cast(str, (self.block.get("label") or {}).get("text", ""))

    @property
    def kind(self) -> str:
        return cast(str, self.element["type"])

    @property
    def required(self) -> bool:
        return self.block.get("type") == "input" and not self.block.get("optional", False)

    def names(self) -> tuple[str, ...]:
        return (self.block.get("block_id", ""), self.element.get("action_id", ""), self.label)


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found = [e for e in block.get("elements") or [] if isinstance(e, dict)]
    if block.get("type") == "actions":
        return found
    return [block[k] for k in ("accessory", "element") if isinstance(block.get(k), dict)]


def fields_of(surface: Mapping[str, Any] | list[dict[str, Any]]) -> list[Field]:
    """The stateful elements of a view or message (its ``blocks``), in order."""
    blocks = surface if isinstance(surface, list) else surface.get("blocks") or []
    return [
        Field(block, element)
        for block in blocks
        for element in _elements(block)
        if element.get("type") in _STATE_KEYS
    ]


def find_field(fields: list[Field], key: str) -> Field:
    """A field by block_id, action_id or label; else by a label containing ``key`` (any case)."""
    exact = [f for f in fields if key in f.names()]
    loose = [f for f in fields if key.casefold() in f.label.casefold()]
    for found in (exact, loose):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise FormError(f"{key!r} is ambiguous: {[f.names() for f in found]}")
    raise FormError(f"no field {key!r}; fields are {[f.names() for f in fields]}")


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _option(field: Field, answer: Any) -> dict[str, Any]:
    """The option a user picks, by value or by its visible text."""
    if isinstance(answer, dict):
        return answer
    if field.kind.endswith("external_select"):  # options live in the bot, not in the view
        return {"text": {"type": "plain_text", "text": str(answer), "emoji": True}, "value": answer}
    for option in _options(field.element):
        if answer in (option.get("value"), option.get("text", {}).get("text")):
            return option
    shown = [o.get("value") for o in _options(field.element)][:20]
    raise FormError(f"{field.label or field.names()}: no option {answer!r} (have {shown}…)")


def _state_value(field: Field, answer: Any) -> Any:
    state_key, _ = _STATE_KEYS[field.kind]
    if state_key == "selected_option":
        return _option(field, answer)
    if state_key == "selected_options":
        answers = answer if isinstance(answer, list | tuple) else [answer]
        return [_option(field, a) for a in answers]
    if state_key == "value":
        return None if answer is None else str(answer)
    return answer


def _initial_state(field: Field) -> dict[str, Any]:
    state_key, initial_key = _STATE_KEYS[field.kind]
    empty: Any = [] if state_key.endswith("s") else None
    return {"type": field.kind, state_key: field.element.get(initial_key, empty)}


def _client_side_problems(field: Field, entry: dict[str, Any]) -> list[str]:
    """What Slack's client checks before it lets the user submit."""
    state_key, _ = _STATE_KEYS[field.kind]
    value = entry.get(state_key)
    name = field.label or field.element.get("action_id")
    if value in (None, "", []):
        return [f"{name}: required"] if field.required else []
    problems = []
    if state_key == "value":
        low, high = field.element.get("min_length"), field.element.get("max_length")
        if low is not None and len(value) < int(low):
            problems.append(f"{name}: shorter than {low}")
        if high is not None and len(value) > int(high):
            problems.append(f"{name}: longer than {high}")
        if field.kind == "email_text_input" and "@" not in value:
            problems.append(f"{name}: not an email address")
    return problems


def state_values(
    surface: Mapping[str, Any] | list[dict[str, Any]],
    answers: Mapping[str, Any] | None = None,
    *,
    check: bool = True,
) -> dict[str, dict[str, Any]]:
    """``state.values`` as Slack would send it after a user typed ``answers``.

    ``answers`` maps a label (or a unique part of it), a block_id or an action_id to
    what the user entered: text for inputs; an option's value or visible text for
    selects (a list for checkboxes and multi-selects); an option dict or a value
    for external selects. Untouched fields keep their initial value. With
    ``check``, a form Slack's client would refuse (a required field left empty,
    too long, ...) raises :class:`FormError`.
    """
    fields = fields_of(surface)
    entries = {id(f.element): _initial_state(f) for f in fields}
    for key, answer in (answers or {}).items():
        field = find_field(fields, key)
        state_key, _ = _STATE_KEYS[field.kind]
        entries[id(field.element)][state_key] = _state_value(field, answer)
    if check:
        problems = [p for f in fields for p in _client_side_problems(f, entries[id(f.element)])]
        if problems:
            raise FormError("Slack would not submit this form: " + "; ".join(problems))
    values: dict[str, dict[str, Any]] = {}
    for f in fields:
        values.setdefault(f.block["block_id"], {})[f.element["action_id"]] = entries[id(f.element)]
    return values


def find_element(
    surface: Mapping[str, Any],
    *,
    types: set[str] | None = None,
    action_id: str | None = None,
    text: str | None = None,
    value: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(block, element) of the one interactive element matching all given criteria.

    ``text`` matches a button's label (exactly, or ignoring case), or an input's label.
    """
    candidates = []
    for block in surface.get("blocks") or []:
        for element in _elements(block):
            if "action_id" not in element or (types and element.get("type") not in types):
                continue
            shown = (element.get("text") or block.get("label") or {}).get("text", "")
            if action_id is not None and element["action_id"] != action_id:
                continue
            if text is not None and text.casefold() != shown.casefold():
                continue
            if value is not None and element.get("value") != value:
                continue
            candidates.append((block, element))
    if len(candidates) != 1:
        everything = [
            (e.get("type"), e.get("action_id"), (e.get("text") or {}).get("text"))
            for b in surface.get("blocks") or []
            for e in _elements(b)
        ]
        how_many = "several" if candidates else "no"
        raise FormError(
            f"{how_many} element(s) match action_id={action_id!r} text={text!r} "
            f"value={value!r}; elements are {everything}"
        )
    return candidates[0]


# --------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------


def _now_ts() -> str:
    return f"{time.time():.6f}"


class SlackDriver:
    """Sends Slack's requests to the bot at ``url`` (e.g. ``http://127.0.0.1:PORT/slack/events``)."""

    def __init__(
        self,
        url: str,
        signing_secret: str,
        *,
        standin: SlackStandin | None = None,
        team_id: str = TEAM_ID,
        team_domain: str = TEAM_DOMAIN,
        app_id: str = APP_ID,
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.signing_secret = signing_secret
        self.standin = standin
        self.team = {"id": team_id, "domain": team_domain}
        self.app_id = app_id
        self.timeout = timeout
        # Loopback only: never let an HTTP(S)_PROXY variable route test traffic away.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # -- transport ------------------------------------------------------------

    def sign(self, body: bytes, timestamp: int | str) -> str:
        """Slack's signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
        base = b"v0:" + str(timestamp).encode() + b":" + body
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return f"v0={digest}"

    def send(
        self,
        body: bytes | str,
        content_type: str,
        *,
        signature: Signature = "valid",
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """POST a raw body, signed as asked."""
        raw = body.encode() if isinstance(body, str) else body
        timestamp = int(time.time()) - (STALE_BY if signature == "stale" else 0)
        all_headers = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0"}
        if signature != "missing":
            signed = self.sign(raw, timestamp)
            if signature == "bad":
                signed = signed[:-4] + ("0000" if not signed.endswith("0000") else "1111")
            all_headers["X-Slack-Request-Timestamp"] = str(timestamp)
            all_headers["X-Slack-Signature"] = signed
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url, data=raw, headers=all_headers, method="POST")
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status, text = response.status, response.read().decode()
                answer_headers = {k.lower(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as error:  # 4xx/5xx still carry a body to check
            status, text = error.code, error.read().decode()
            answer_headers = {k.lower(): v for k, v in error.headers.items()}
        return Reply(status, answer_headers, text, time.monotonic() - started)

    def send_payload(self, payload: dict[str, Any], *, signature: Signature = "valid") -> Reply:
        """An interactivity request: form field ``payload`` holding JSON, as Slack sends it."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.send(body, "application/x-www-form-urlencoded", signature=signature)

    # -- what Slack knows about the user and the interaction ------------------

    def user(self, user_id: str) -> dict[str, Any]:
        name = user_id.lower()
        if self.standin is not None:
            name = self.standin.user(user_id)["name"]
        return {"id": user_id, "username": name, "name": name, "team_id": self.team["id"]}

    def trigger_id(self, user_id: str, age: float = 0.0) -> str:
        """A trigger_id as Slack sends it; ``age`` seconds old (the stand-in refuses past 3)."""
        if self.standin is not None:
            return self.standin.triggers.issue(user_id, age=age)
        return f"{int(time.time())}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"

    def response_url(self, channel: str, user_id: str, message_ts: str | None = None) -> str:
        if self.standin is not None:
            return self.standin.response_url(channel, user_id, message_ts)
        return f"https://hooks.slack.com/commands/{self.team['id']}/{secrets.token_hex(8)}"

    def _common(self, kind: str, user_id: str) -> dict[str, Any]:
        return {
            "type": kind,
            "user": self.user(user_id),
            "api_app_id": self.app_id,
            "token": VERIFICATION_TOKEN,
            "team": dict(self.team),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _view(self, user_id: str, view: dict[str, Any] | str | None) -> dict[str, Any]:
        """A view given as dict, as id (looked up in the stand-in), or the user's open modal."""
        if isinstance(view, dict):
            return cast(dict[str, Any], json.loads(json.dumps(view)))  # a deep, JSON-only copy
        if self.standin is None:
            raise ValueError("pass the view itself when the driver has no stand-in")
        found = self.standin.view(view) if view else self.standin.current_modal(user_id)
        if found is None:
            raise FormError(f"no modal is open for {user_id}")
        return found

    # -- slash commands ---------------------------------------------------------

    def slash_command(
        self,
        user_id: str,
        text: str = "",
        *,
        command: str = "/preregister",
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        signature: Signature = "valid",
        trigger_age: float = 0.0,
    ) -> Reply:
        fields = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team["id"],
            "team_domain": self.team["domain"],
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": self.user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": self.response_url(channel_id, user_id),
            "trigger_id": self.trigger_id(user_id, trigger_age),
        }
        reply = self.send(
            urlencode(fields), "application/x-www-form-urlencoded", signature=signature
        )
        if self.standin is not None and reply.status == 200 and reply.body.strip():
            # Slack shows a non-empty ack to the user, like a response_url message.
            body = reply.json if isinstance(reply.json, dict) else {"text": reply.body}
            self.standin.apply_command_ack(channel_id, user_id, body)
        return reply

    # -- block_actions -------------------------------------------------------------

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

    # -- views: submission, closing, external select options -------------------------

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

    # -- Events API ----------------------------------------------------------------------

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        signature: Signature = "valid",
    ) -> Reply:
        """Deliver an Events API callback; ``retry_num`` marks it as Slack's n-th retry
        (reuse the ``event_id`` of the first delivery to model a true retry)."""
        body = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team["id"],
            "api_app_id": self.app_id,
            "event": {"event_ts": _now_ts(), **event},
            "type": "event_callback",
            "event_id": event_id or new_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team["id"],
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.send(json.dumps(body), "application/json", signature=signature, headers=headers)

    def app_home_opened(
        self,
        user_id: str,
        *,
        tab: str = "home",
        event_id: str | None = None,
        retry_num: int | None = None,
        signature: Signature = "valid",
    ) -> Reply:
        event: dict[str, Any] = {"type": "app_home_opened", "user": user_id, "tab": tab}
        if self.standin is not None:
            event["channel"] = self.standin.dm_channel(user_id)
            home = self.standin.home_view(user_id)
            if home is not None:  # Slack includes the view currently published
                event["view"] = home
        else:
            event["channel"] = new_id("D")
        return self.event(event, event_id=event_id, retry_num=retry_num, signature=signature)

    def url_verification(self, challenge: str = "standin-challenge") -> Reply:
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self.send(json.dumps(body), "application/json")
