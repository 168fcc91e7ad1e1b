"""The customer's side of an invitation: associating, each refusal, and stale or approved links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.domain.model import Status
from bot.services import registrations as uc
from bot.services.queries import GetRegistration, get_registration
from bot.services.reviews import Approve, approve
from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.invite_steps import dms, links_in, page_url, preregistered
from tests.e2e.preregister_steps import EMAIL
from tests.smtp_catcher import Catcher
from tests.web_client import Page, WebClient


@pytest.fixture
def bot_settings(smtp: tuple[Catcher, str]) -> dict[str, Any]:
    return {"smtp_url": smtp[1], "mail_from": "invite@prereg.example"}


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
