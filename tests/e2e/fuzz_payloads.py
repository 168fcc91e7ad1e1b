"""The fuzzed Slack requests: every action and view with any values, drawn the same on every
run."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.adapters.export import registration_records
from bot.adapters.opportunity_export import opportunity_records
from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import sql

EXAMPLES = 300
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ACTIONS = ["manage", "approve", "reject", "renew", "open_profile", "value", "delete", "x"]
VIEWS = [
    "preregister",
    "preregister_review",
    "profile",
    "delete_confirm",
    "delete_many",
    "opportunity",
    "reject_reason",
    "notice",
    "zzz",
]
BLOCKS = ["customer_name", "email", "mobile", "country", "notes", "justification", "title"]
BLOCKS += ["reason", "registrations", "contact_email", "contact_mobile", "b"]
USERS = ["UBETA1", "UFUZZ1", "UMUTE1"]  # another company, nobody's, a company without contact
texts = st.text(max_size=40) | st.sampled_from(["", " ", "<!channel>", "'; drop table x;--"])
numbers = st.integers(-(10**30), 10**30)
scalars = st.none() | st.booleans() | numbers | texts | st.floats(allow_nan=False)
junk = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3)
)


def action_values(ids: list[int]) -> st.SearchStrategy[Any]:
    id_texts = st.sampled_from(ids).map(str) | numbers.map(str)
    prefixed = st.tuples(st.sampled_from(["delete", "opportunity", "renew", "x", ""]), id_texts)
    return (
        id_texts
        | prefixed.map(":".join)
        | texts
        | junk
        | st.sampled_from([json.dumps({"id": i}) for i in ids])
    )


def state_entry(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    plain = st.fixed_dictionaries({"type": st.just("plain_text_input"), "value": texts | junk})
    select = st.fixed_dictionaries(
        {
            "type": st.just("static_select"),
            "selected_option": st.none() | st.fixed_dictionaries({"value": values}) | junk,
        }
    )
    many = st.fixed_dictionaries(
        {
            "type": st.just("checkboxes"),
            "selected_options": st.lists(st.fixed_dictionaries({"value": values}), max_size=3),
        }
    )
    return plain | select | many


def payloads(ids: list[int], response_url: str) -> st.SearchStrategy[tuple[str, Any]]:
    values = action_values(ids)
    user = st.sampled_from(USERS).map(lambda u: {"id": u, "username": u.lower()})
    action = st.fixed_dictionaries(
        {"action_id": st.sampled_from(ACTIONS), "block_id": st.sampled_from(BLOCKS)},
        optional={
            "value": values,
            "selected_option": st.fixed_dictionaries({"value": values}) | junk,
            "type": st.sampled_from(["button", "overflow", "static_select"]),
        },
    )
    metadata = values.map(lambda v: v if isinstance(v, str) else json.dumps(v))
    view = st.fixed_dictionaries(
        {
            "id": st.just("V0FUZZ"),
            "type": st.just("modal"),
            "callback_id": st.sampled_from(VIEWS),
            "state": st.fixed_dictionaries(
                {
                    "values": st.dictionaries(
                        st.sampled_from(BLOCKS),
                        st.dictionaries(st.sampled_from(["value", "x"]), state_entry(values)),
                        max_size=6,
                    )
                }
            ),
        },
        optional={"private_metadata": metadata, "blocks": st.just([])},
    )
    block_actions = st.fixed_dictionaries(
        {
            "type": st.just("block_actions"),
            "user": user,
            "trigger_id": st.just("1.2.fuzz"),
            "actions": st.lists(action, min_size=1, max_size=2),
        },
        optional={
            "response_url": st.just(response_url),
            "channel": st.just({"id": "C0GENERAL"}),
            "message": st.just({"ts": "1.000001", "text": "x"}),
            "container": junk,
        },
    )
    submission = st.fixed_dictionaries(
        {
            "type": st.sampled_from(["view_submission", "view_closed"]),
            "user": user,
            "trigger_id": st.just("1.2.fuzz"),
            "view": view,
            "response_urls": st.just([]),
        }
    )
    # Any JSON at all, or a near miss of an envelope (a field dropped or of the wrong type).
    anything = junk | st.dictionaries(
        st.sampled_from(["type", "user", "actions", "view", "trigger_id", "event"]), junk
    )
    command = st.fixed_dictionaries(
        {"command": st.just("/preregister"), "user_id": st.sampled_from(USERS), "text": texts},
        optional={"trigger_id": st.just("1.2.fuzz")},
    )
    return st.tuples(st.just("payload"), block_actions | submission | anything) | st.tuples(
        st.just("command"), command
    )


Request = tuple[str, Any]


def fuzz(ids: list[int], response_url: str, each: Callable[[Request], None]) -> None:
    """Hand each generated request to `each`, under FUZZ: the same requests on every run."""

    @FUZZ
    @given(payloads(ids, response_url))
    def run(request: Request) -> None:
        each(request)

    run()


def fingerprint(requests: list[Request], response_url: str) -> str:
    """The same on every run: the stand-in's address (its port) left out."""
    text = json.dumps(requests, sort_keys=True).replace(response_url, "<response_url>")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def state(bot: Bot) -> dict[str, Any]:
    """The tables a payload could change, and both exports as the operators read them."""
    tables = ["partners", "partner_users", "directory_entries", "registrations", "opportunities"]
    seen: dict[str, Any] = {
        table: sql(bot, f"SELECT * FROM {table} ORDER BY 1") for table in tables
    }
    with bot.runtime.engine.connect() as connection:
        seen["registrations export"] = list(registration_records(connection))
        seen["opportunities export"] = list(opportunity_records(connection))
    return seen
