"""Inviting from Slack and associating on the customer's page, over real HTTP and SMTP."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from bot.domain.model import Status
from bot.services import registrations as uc
from bot.services.queries import GetRegistration, get_registration
from bot.services.reviews import Approve, approve
from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import CUSTOMER, EMAIL, open_form, submit
from tests.smtp_catcher import Catcher
from tests.web_client import Page, WebClient

BASE = "http://localhost:3000/invite/"  # PUBLIC_BASE_URL's default


@pytest.fixture
def bot_settings(smtp: tuple[Catcher, str]) -> dict[str, Any]:
    return {"smtp_url": smtp[1], "mail_from": "invite@prereg.example"}


def links_in(text: str) -> list[str]:
    return [w.strip("<>|") for w in text.split() if w.startswith(BASE)]


def page_url(bot: Bot, link: str) -> str:
    """The link, served by this test's bot (PUBLIC_BASE_URL names the production host)."""
    return bot.stack.urls()[0] + urlsplit(link).path


def status_of(bot: Bot, registration_id: int) -> Status:
    return get_registration(GetRegistration(registration_id), bot.context).status


def decode_qr(png: bytes) -> str:
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(found.text)


def dms(bot: Bot, user: str) -> list[dict[str, Any]]:
    return bot.slack.messages(bot.slack.dm_channel(user))


def preregistered(bot: Bot) -> tuple[int, str]:
    """UACME1 pre-registers CUSTOMER through the modal; the result view shows the link."""
    open_form(bot)
    submit(bot, "UACME1", CUSTOMER)
    result = bot.modal("UACME1")
    (link,) = links_in(bot.text_of(result))
    with bot.context.uow() as uow:
        (registration,) = uow.registrations.all()
    assert registration.id is not None
    return registration.id, link


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


def test_the_customer_associates_and_every_company_user_is_told(bot: Bot) -> None:
    registration_id, link = preregistered(bot)
    browser = WebClient()
    page = browser.get(page_url(bot, link))
    assert page.status == 200
    assert "Acme Cloud Partners invites you" in page.text
    assert EMAIL not in page.html.lower()  # never the pre-registered address itself
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]

    form = {"csrf_token": page.csrf_token, "email": "wrong@kunde.de", "name": "Ida"}
    wrong = browser.post(page_url(bot, link), {**form, "consent": "yes"})
    assert wrong.status == 400
    assert "not the email address at which you were invited" in wrong.text
    no_consent = browser.post(page_url(bot, link), {**form, "email": "IT@kunde.de"})
    assert no_consent.status == 400 and "Tick the box" in no_consent.text

    done = browser.post(page_url(bot, link), {**form, "email": " IT@Kunde.de ", "consent": "yes"})
    assert done.status == 200 and "associated with Acme Cloud Partners" in done.text
    again = browser.post(page_url(bot, link), {**form, "email": EMAIL, "consent": "yes"})
    assert again.status == 200  # a double submit: the same page, associated once
    assert (
        get_registration(GetRegistration(registration_id), bot.context).status is Status.ASSOCIATED
    )

    for user in ("UACME1", "UACME2"):

        def associated(user: str = user) -> bool:
            return any("has associated with your company" in bot.text_of(m) for m in dms(bot, user))

        bot.wait_until(associated)
    (told,) = [m for m in dms(bot, "UACME2") if "has associated" in bot.text_of(m)]
    mark = bot.slack.mark()
    bot.driver.click("UACME2", message=told, text="Create opportunity")
    bot.slack.wait_for("views.open", after=mark)
    assert bot.modal("UACME2")["callback_id"] == "opportunity"
    bot.slack.assert_clean()


def test_every_refusal_has_its_status_and_changes_nothing(bot: Bot) -> None:
    registration_id, link = preregistered(bot)
    url = page_url(bot, link)
    browser = WebClient()
    assert browser.get(url[:-3] + "abc").status == 404
    assert browser.get(url.rsplit("/", 1)[0] + "/garbage").status == 404

    page = browser.get(url)
    missing_csrf = browser.post(url, {"email": EMAIL, "name": "Ida", "consent": "yes"})
    assert missing_csrf.status == 400 and "Open the invitation again" in missing_csrf.text
    form = {"csrf_token": page.csrf_token, "name": "Eve", "consent": "yes"}
    answers = [browser.post(url, {**form, "email": f"g{n}@kunde.de"}).status for n in range(6)]
    assert answers == [400] * 5 + [429]
    locked = browser.post(url, {**form, "email": EMAIL})
    assert locked.status == 429 and "Try again after" in locked.text
    assert locked.headers["Retry-After"] == str(15 * 60)
    assert (
        get_registration(GetRegistration(registration_id), bot.context).status
        is Status.PREREGISTERED
    )

    bot.clock.advance(timedelta(minutes=15))
    chinese = WebClient("zh-CN,zh;q=0.9")
    zh = chinese.get(url)
    assert zh.status == 200 and "邀请您注册" in zh.text and 'lang="zh-Hans"' in zh.html
    uc.delete(uc.Delete("UACME1", registration_id), bot.context)
    gone = browser.post(url, {**form, "email": EMAIL})
    assert gone.status == 410 and "expired or its pre-registration was deleted" in gone.text
    assert chinese.get(url).status == 410


def test_an_associated_invitation_answers_409_to_anyone_else(bot: Bot) -> None:
    _registration_id, link = preregistered(bot)
    url = page_url(bot, link)
    first = WebClient()
    page: Page = first.get(url)
    form = {"csrf_token": page.csrf_token, "name": "Ida", "consent": "yes", "email": EMAIL}
    assert first.post(url, form).status == 200
    other = WebClient()
    assert other.get(url).status == 409


def test_the_approval_dm_carries_each_users_own_link(bot: Bot) -> None:
    request = seeding.ask_review(bot.context, "achat@kunde.fr")
    assert request.id is not None
    approve(Approve("UREV1", request.id), bot.context)
    links = {}
    for user in ("UACME1", "UACME2"):

        def sent_qr(user: str = user) -> bool:
            return any("QR code" in bot.text_of(m) for m in dms(bot, user))

        bot.wait_until(sent_qr)
        (approved,) = [m for m in dms(bot, user) if "QR code" in bot.text_of(m)]
        (links[user],) = links_in(bot.text_of(approved))
    assert links["UACME1"] != links["UACME2"]
    assert bot.context.invites is not None
    for user, link in links.items():
        token = bot.context.invites.tokens.verify(link.rsplit("/", 1)[1])
        assert token is not None and (token.registration_id, token.sender) == (request.id, user)
    page = WebClient().get(page_url(bot, links["UACME2"]))
    assert page.status == 200 and "Acme Cloud Partners" in page.text


def test_a_stale_invite_button_says_why_and_opens_nothing(bot: Bot) -> None:
    registration = seeding.hold(bot.context, "it@kunde.de")
    assert bot.driver.slash_command("UACME2", "list").status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME2")))
    listing = bot.slack.ephemerals("UACME2")[-1]
    uc.delete(uc.Delete("UACME1", registration.id or 0), bot.context)  # a colleague, meanwhile
    said = len(bot.slack.ephemerals("UACME2"))
    bot.driver.choose("UACME2", "Invite", message=listing, action_id="manage")
    bot.wait_until(lambda: len(bot.slack.ephemerals("UACME2")) > said)
    answer = bot.text_of(bot.slack.ephemerals("UACME2")[-1])
    assert "deleted" in answer
    assert bot.slack.current_modal("UACME2") is None  # no invitation for a freed customer
    assert bot.slack.calls("views.open") == []
    bot.slack.assert_clean()
