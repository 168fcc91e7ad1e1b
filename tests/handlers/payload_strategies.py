"""Hypothesis strategies for Slack payloads: recorded ones with any value changed, and what a
parser may answer."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from bot.blocks import manage as manage_ids
from bot.blocks.refusals import UnreadableRequest
from bot.handlers.forms import FieldErrors
from bot.web import envelope

RECORDED: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "fixtures/slack/preregister_submission.json").read_text()
)
BOUNDED = settings(max_examples=100, deadline=None)


def _trimmed(recorded: dict[str, Any]) -> dict[str, Any]:
    """The recording without most of its 250 country options: the same shape, a quicker draw."""
    body = copy.deepcopy(recorded)
    for block in body["view"]["blocks"]:
        groups = block.get("element", {}).get("option_groups")
        if groups:
            block["element"]["option_groups"] = [{**groups[0], "options": groups[0]["options"][:2]}]
    return body


BASE = _trimmed(RECORDED)
# -- values and structure -------------------------------------------------------------------

texts = st.text(max_size=30) | st.sampled_from(
    ["", " ", "<!channel>", "\x00", "٤٢", "+49 30 1234567", "a@b.de", "DE", "de", "XX", "1e3"]
)
id_texts = st.integers(-5, 10**20).map(str) | st.sampled_from(["00", "7 ", "+7", "9" * 19])
scalars = st.none() | st.booleans() | st.integers(-(10**30), 10**30) | texts | st.floats()
junk = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3)
)
values = id_texts | texts | scalars | junk


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*at, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*at, index))
    return found


@st.composite
def varied(draw: st.DrawFn, base: Any) -> Any:
    """`base` with up to three of its nodes replaced by other JSON, or dropped."""
    body = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(body)
        path = draw(st.sampled_from(paths))
        if not path:
            return draw(junk)
        parent = body
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(values)
    return body


def _interaction(kind: str, **rest: Any) -> dict[str, Any]:
    keep = ("team", "user", "api_app_id", "token", "trigger_id")
    return {"type": kind, **{key: BASE[key] for key in keep}, **rest}


def _block_action(**clicked: Any) -> dict[str, Any]:
    action = {"action_id": "x", "block_id": "b", "type": "button", "action_ts": "1.2", **clicked}
    return _interaction("block_actions", actions=[action], container={"type": "message"})


@st.composite
def clicks(draw: st.DrawFn) -> dict[str, Any]:
    """A button (value), an overflow (selected_option) or a Home search box, then varied."""
    value = draw(values)
    shape = draw(st.sampled_from(["value", "option", "option prefixed"]))
    if shape == "value":
        base = _block_action(value=value)
    else:
        prefix = draw(st.sampled_from(["delete", "opportunity", "invite", "extend", "x", ""]))
        shown = f"{prefix}:{value}" if shape == "option prefixed" else value
        base = _block_action(type="overflow", selected_option={"value": shown})
    return draw(varied(base))


@st.composite
def submissions(draw: st.DrawFn) -> dict[str, Any]:
    """The recorded submission with its inputs retyped, then varied."""
    body = copy.deepcopy(BASE)
    state = body["view"]["state"]["values"]
    for actions in state.values():
        element = actions["value"]
        if element["type"] == "static_select":
            element["selected_option"] = draw(st.none() | st.fixed_dictionaries({"value": values}))
        else:
            element["value"] = draw(st.none() | texts | st.integers(190, 3100).map("ä".__mul__))
    if draw(st.booleans()):  # the other inputs our modals carry
        name = draw(st.sampled_from([manage_ids.SELECTED, "title", "contact_email"]))
        state[name] = {
            "value": draw(
                st.fixed_dictionaries(
                    {"type": st.just("multi_static_select")},
                    optional={
                        "selected_options": st.lists(
                            st.fixed_dictionaries({"value": values}), max_size=4
                        ),
                        "value": texts,
                    },
                )
            )
        }
    body["view"]["private_metadata"] = draw(
        id_texts | texts | junk.map(json.dumps) | st.just(_FACTS)
    )
    return draw(varied(body))


_FACTS = json.dumps({"name": "Kunde GmbH", "country": "DE", "email": "a@kunde.de", "mobile": None})
# -- the property ---------------------------------------------------------------------------

REFUSED_AT_THE_EDGE = "refused at the edge"


def outcome(parse: Callable[[dict[str, Any]], Any], body: Any) -> Any:
    """What the request comes to: the envelope's refusal, a named refusal, or the result."""
    if envelope.problem(body) is not None:
        return REFUSED_AT_THE_EDGE
    try:
        return parse(body)
    except (UnreadableRequest, FieldErrors) as named:
        return named


def _view(parse: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda body: parse(body["view"])


def _assert_id(found: int) -> None:
    assert isinstance(found, int) and 1 <= found < 2**63
