"""publish_home: each publish is conditional on the hash our latest publish left, on each
database; a stale hash is dropped, and a Home that keeps changing is left to the newer one."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest

from bot.services.context import Context
from bot.services.dashboard import Section
from bot.services.errors import HomeContended
from bot.services.home_publish import (
    ATTEMPTS,
    HomeChanged,
    HomeShown,
    PublishHome,
    publish_home,
)
from bot.services.ports import HomeRecord


class FakeSlack:
    """views.publish with Slack's hash rule, for one user."""

    def __init__(self) -> None:
        self.hash: str | None = None
        self.shown: dict[str, Any] | None = None
        self.passed: list[str | None] = []
        self._next = count(1)

    def publish(self, view: dict[str, Any], hash: str | None) -> str:
        self.passed.append(hash)
        if hash is not None and self.hash is not None and hash != self.hash:
            raise HomeChanged("U1")
        self.hash, self.shown = f"h{next(self._next)}", view
        return self.hash

    def changed_elsewhere(self) -> None:
        """Another publisher (whose hash we never stored) replaced the Home."""
        self.hash = f"h{next(self._next)}"


def test_each_publish_passes_the_hash_the_last_one_left(context: Context) -> None:
    slack = FakeSlack()
    publish_home(PublishHome("U1", lambda _: {"n": 1}, slack.publish), context)
    publish_home(PublishHome("U1", lambda _: {"n": 2}, slack.publish), context)

    assert slack.passed == [None, "h1"]
    assert slack.shown == {"n": 2}
    with context.uow() as uow:
        assert uow.home_views.latest("U1").hash == "h2"
        assert uow.home_views.latest("U2").hash is None


def test_a_stale_hash_is_dropped_so_the_home_never_sticks(context: Context) -> None:
    slack = FakeSlack()
    publish_home(PublishHome("U1", lambda _: {"n": 1}, slack.publish), context)
    slack.changed_elsewhere()
    renders = count(2)

    publish_home(PublishHome("U1", lambda _: {"n": next(renders)}, slack.publish), context)

    assert slack.passed == [None, "h1", None]  # refused, then published unconditionally
    assert slack.shown == {"n": 3}  # rendered again after the refusal
    with context.uow() as uow:
        assert uow.home_views.latest("U1").hash == slack.hash


def test_a_home_changing_on_every_attempt_gives_up_to_the_newer_publishers(
    context: Context,
) -> None:
    def always_changed(view: dict[str, Any], hash: str | None) -> str:
        raise HomeChanged("U1")

    with pytest.raises(HomeContended):
        publish_home(PublishHome("U1", lambda _: {}, always_changed), context)
    with context.uow() as uow:
        assert uow.home_views.latest("U1").hash is None
    assert ATTEMPTS > 1


def test_what_the_user_chose_is_rendered_again_by_the_refreshes_that_follow(
    context: Context,
) -> None:
    slack = FakeSlack()
    renders: list[HomeShown] = []

    def render(shown: HomeShown) -> dict[str, Any]:
        renders.append(shown)
        return {"shown": repr(shown)}

    chosen = HomeShown("acme", Section.ENDED, 2)
    publish_home(PublishHome("U1", render, slack.publish, chosen), context)
    publish_home(
        PublishHome("U1", render, slack.publish), context
    )  # a refresh: as the user left it
    publish_home(
        PublishHome("U1", render, slack.publish, HomeShown()), context
    )  # back to everything
    publish_home(PublishHome("U1", render, slack.publish), context)

    assert renders == [chosen, chosen, HomeShown(), HomeShown()]
    with context.uow() as uow:
        assert uow.home_views.latest("U1").hash == slack.hash
        assert uow.home_views.latest("U2") == HomeRecord()


def test_a_refused_refresh_renders_again_what_the_user_chose_meanwhile(context: Context) -> None:
    slack = FakeSlack()
    publish_home(PublishHome("U1", lambda _: {"n": 1}, slack.publish), context)
    renders: list[HomeShown] = []

    def render(shown: HomeShown) -> dict[str, Any]:
        if not renders:  # meanwhile the user turns a page, and that publish lands first
            chosen = HomeShown(page=1, only=Section.ACTIVE)
            publish_home(PublishHome("U1", lambda _: {"n": 2}, slack.publish, chosen), context)
        renders.append(shown)
        return {"n": len(renders) + 2}

    publish_home(PublishHome("U1", render, slack.publish), context)

    assert renders == [HomeShown(), HomeShown(only=Section.ACTIVE, page=1)]
    assert slack.shown == {"n": 4}
