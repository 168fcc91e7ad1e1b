"""How Slack's client fills a form: the fields of a view, its state.values, its elements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast


class FormError(AssertionError):
    """A form Slack's client would not let the user submit, or a field that is not there."""


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
