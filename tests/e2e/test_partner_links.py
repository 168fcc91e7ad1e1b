"""An operator links a new colleague to a company: their Home becomes the company's dashboard
and they can /preregister at once; unlinked, they are told they are not linked."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.domain.model import Status
from tests.e2e.conftest import Bot
from tests.e2e.home_steps import settle
from tests.e2e.preregister_steps import CUSTOMER, open_form, stored, submit

NEW = "UACME9"


def home_text_after(bot: Bot, mark: int) -> str:
    """The Home the outbox published for the new colleague after `mark`."""
    bot.runtime.outbox_wake.set()  # the command's own process has no worker to wake ours
    # A publish refused as older than a refresh landing meanwhile (hash_conflict) is redone.
    call = bot.slack.wait_for(
        "views.publish", lambda c: c.ok and c.args.get("user_id") == NEW, after=mark
    )
    return bot.text_of(call.args["view"])


@pytest.mark.usefixtures("cli_env")
def test_a_newly_linked_colleague_can_preregister_and_an_unlinked_one_cannot(
    bot: Bot, capsys: pytest.CaptureFixture[str]
) -> None:
    settle(bot)
    mark = bot.slack.mark()
    assert main(["partners", "link", "--id", "acme", "--slack-user", NEW], clock=bot.clock) == 0
    assert "linked to acme: UACME9" in capsys.readouterr().out

    home = home_text_after(bot, mark)
    assert "Acme Cloud Partners" in home and "Pre-register customer" in home

    open_form(bot, NEW)
    submit(bot, NEW, CUSTOMER)
    bot.wait_until(lambda: any(r.created_by == NEW for r in stored(bot)))
    (made,) = stored(bot)
    assert (made.partner_id, made.status) == ("acme", Status.PREREGISTERED)

    settle(bot)
    mark = bot.slack.mark()
    assert main(["partners", "unlink", "--id", "acme", "--slack-user", NEW], clock=bot.clock) == 0
    assert "not linked to a partner company" in home_text_after(bot, mark)

    mark = bot.slack.mark()
    assert bot.driver.slash_command(NEW).status == 200
    bot.slack.wait_for("response_url", after=mark)
    assert "isn't linked to a partner company" in bot.text_of(bot.slack.ephemerals(NEW)[-1])
    assert stored(bot)[0].partner_id == "acme"  # the company keeps its customer
