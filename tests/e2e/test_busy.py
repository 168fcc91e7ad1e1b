"""When the listeners have as much work waiting as they may take, a request is answered at
once, in words where the user acted, and nothing is done; once they catch up, all is as usual.

The pool is made one thread with no room to wait, and Slack's views.open slow, so that one
slash command fills it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot import slack_app
from bot.adapters.orm import RegistrationRow
from bot.blocks.preregister import preregister_modal
from bot.services.errors import BUSY
from bot.slack_app import ListenerPool
from tests.e2e.conftest import Bot
from tests.slack_driver import SlackDriver

USER = "UACME1"
SLOW = 2.5  # under the 3 s a trigger_id lives


@pytest.fixture
def one_listener(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slack_app, "LISTENER_THREADS", 1)
    monkeypatch.setattr(slack_app, "LISTENER_BACKLOG", 0)


@pytest.fixture
def filled(one_listener: None, bot: Bot) -> Iterator[Bot]:
    """The one listener busy opening a form (views.open takes SLOW seconds)."""
    pool = bot.stack.slack_app.listener_runner.listener_executor
    assert isinstance(pool, ListenerPool)
    bot.slack.slow("views.open", SLOW)
    first = threading.Thread(target=bot.driver.slash_command, args=(USER,))
    first.start()
    bot.wait_until(lambda: pool.pending >= 1)
    yield bot
    first.join(SLOW + 10)


def test_a_command_is_answered_busy_at_once(filled: Bot) -> None:
    reply = filled.driver.slash_command("UACME2")
    assert reply.status == 200
    assert reply.json == {"response_type": "ephemeral", "text": BUSY}
    assert reply.elapsed < SLOW  # not queued behind the slow one
    filled.slack.wait_for("views.open", timeout=SLOW + 10)
    assert len(filled.slack.calls("views.open")) == 1  # only the first command's form


def test_a_form_is_answered_busy_under_its_first_field_and_nothing_is_recorded(
    filled: Bot,
) -> None:
    form = {**preregister_modal("DE"), "id": "VBUSY1"}
    typed = {"Customer name": "Kunde", "Email": "k@kunde.example"}
    # A driver of its own: the stand-in has not opened this form (its views.open is slow).
    driver = SlackDriver(filled.driver.url, filled.driver.signing_secret)
    reply = driver.submit_view(USER, typed, view=form)
    assert reply.status == 200 and reply.json["response_action"] == "errors"
    first_input = next(b["block_id"] for b in form["blocks"] if b["type"] == "input")
    assert reply.json["errors"] == {first_input: BUSY}
    with filled.reading() as session:
        assert session.execute(select(RegistrationRow.id)).all() == []


def test_an_event_is_left_for_slack_to_send_again(filled: Bot) -> None:
    reply = filled.driver.app_home_opened(USER)
    assert reply.status == 503
    assert not filled.slack.calls("views.publish")


def test_once_caught_up_commands_run_as_usual(filled: Bot) -> None:
    pool = filled.stack.slack_app.listener_runner.listener_executor
    assert isinstance(pool, ListenerPool)
    filled.wait_until(lambda: pool.pending == 0, timeout=SLOW + 10)
    reply = filled.driver.slash_command("UACME2")
    assert reply.status == 200 and reply.json != {"response_type": "ephemeral", "text": BUSY}
    filled.slack.wait_for_count("views.open", 2, timeout=10)
