"""Where invitation links reach the partner: the result view, the DM with its QR code, email,
list and App Home."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.invite_steps import dms, links_in, preregistered
from tests.e2e.preregister_steps import EMAIL
from tests.smtp_catcher import Catcher


@pytest.fixture
def bot_settings(smtp: tuple[Catcher, str]) -> dict[str, Any]:
    return {"smtp_url": smtp[1], "mail_from": "invite@prereg.example"}


def decode_qr(png: bytes) -> str:
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(found.text)


def test_the_result_view_and_the_dm_carry_the_link_and_the_qr_code_decodes_to_it(
    bot: Bot,
) -> None:
    _registration_id, link = preregistered(bot)
    assert "QR code" in bot.text_of(bot.modal("UACME1"))
    assert "Send email" in bot.text_of(bot.modal("UACME1"))
    bot.wait_until(lambda: bool(dms(bot, "UACME1")))
    (dm,) = dms(bot, "UACME1")
    assert links_in(bot.text_of(dm)) == [link]  # the same sender: the same link

    mark = bot.slack.mark()
    assert bot.driver.click("UACME1", text="QR code").status == 200
    bot.slack.wait_for("files.completeUploadExternal", after=mark)
    (png,) = bot.slack.files()
    assert decode_qr(png["content"]) == link
    assert png["channels"] == [bot.slack.dm_channel("UACME1")]
    assert png["alt_txt"] == "QR code of the invitation link for Kunde GmbH"
    pushed = bot.modal("UACME1")  # the invitation on top of the result, saying what happened
    assert pushed["callback_id"] == "invite" and "on its way to your DM" in bot.text_of(pushed)
    bot.slack.assert_clean()


def test_send_email_from_the_dm_reaches_the_customer_and_the_partner_is_told(
    bot: Bot, smtp: tuple[Catcher, str]
) -> None:
    catcher, _ = smtp
    _registration_id, link = preregistered(bot)
    bot.wait_until(lambda: bool(dms(bot, "UACME1")))
    (dm,) = dms(bot, "UACME1")
    assert bot.driver.click("UACME1", message=dm, text="Send email").status == 200
    (mail,) = catcher.wait_for(1)
    assert mail.rcpt_tos == [EMAIL] and mail.mail_from == "invite@prereg.example"
    body = mail.message.get_body(("plain",))
    assert body is not None and link in body.get_content()
    bot.wait_until(lambda: any("was sent" in bot.text_of(m) for m in dms(bot, "UACME1")))
    answered = bot.slack.ephemerals("UACME1")
    assert any("on its way" in bot.text_of(e) for e in answered)


def test_list_and_app_home_offer_invite(bot: Bot) -> None:
    registration = seeding.hold(bot.context, "it@kunde.de")
    assert bot.driver.slash_command("UACME2", "list").status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME2")))
    listing = bot.slack.ephemerals("UACME2")[-1]
    mark = bot.slack.mark()
    bot.driver.choose("UACME2", "Invite", message=listing, action_id="manage")
    bot.slack.wait_for("views.open", after=mark)
    invite = bot.modal("UACME2")
    (link,) = links_in(bot.text_of(invite))
    assert bot.context.invites is not None
    token = bot.context.invites.tokens.verify(link.rsplit("/", 1)[1])
    assert token is not None and token.sender == "UACME2"  # the link names who sent it

    opened = bot.slack.mark()
    bot.driver.app_home_opened("UACME1")
    # A publish Slack took (one refused as older than a refresh is redone), for this user.
    bot.slack.wait_for(
        "views.publish", lambda c: c.ok and c.args.get("user_id") == "UACME1", after=opened
    )
    home = bot.slack.home_view("UACME1")
    assert home is not None
    mark = bot.slack.mark()
    # On App Home, Invite is the first entry of the row's menu.
    (row,) = [b for b in home["blocks"] if b.get("block_id") == f"registration-{registration.id}"]
    assert row["accessory"]["options"][0]["text"]["text"] == "Invite"
    bot.driver.choose("UACME1", "Invite", view=home, action_id="manage")
    bot.slack.wait_for("views.open", after=mark)
    assert links_in(bot.text_of(bot.modal("UACME1"))) != [link]  # UACME1's own link
    bot.slack.assert_clean()
