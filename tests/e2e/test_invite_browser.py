"""The customer's page in a real browser: Debian's Chromium driven by Playwright, 360 px wide.

Skipped with its reason when Chromium is missing, unless PREREG_REQUIRE_BROWSER=1 (CI): then
it fails. On failure a full-page screenshot is saved and its path printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.model import Status
from bot.services import registrations as uc
from bot.services.invitations import ShowInvitation, show_invitation
from bot.services.queries import GetRegistration, get_registration
from tests import seeding
from tests.conftest import missing
from tests.e2e.conftest import CALL_FAILED, Bot

pw = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
EMAIL = "it@kunde.de"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        missing(
            f"Chromium not found at {CHROMIUM} (.ci/run installs Debian's chromium)",
            required=os.environ.get("PREREG_REQUIRE_BROWSER") == "1",
        )
    with pw.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


class Phone:
    """One browser context at 360 px; every request it makes is recorded."""

    def __init__(self, chromium: Any, locale: str = "en-US") -> None:
        self.context = chromium.new_context(viewport=PHONE, locale=locale)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.requested: list[str] = []
        self.page.on("request", lambda r: self.requested.append(r.url))

    def open(self, url: str) -> int:
        response = self.page.goto(url)
        assert response is not None
        return int(response.status)

    def submit(self, **fields: str) -> int:
        """Fill the named inputs (consent="yes" ticks the box) and press the button."""
        page = self.page
        for name, value in fields.items():
            if name == "consent":
                page.check("#consent")
            else:
                page.fill(f"input[name={name}]", value)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click("button[type=submit]")
        page.wait_for_load_state()
        return int(posted.value.status)

    def text(self) -> str:
        return str(self.page.inner_text("body"))

    def fits(self) -> bool:
        """Readable at 360 px: nothing wider than the screen."""
        return bool(self.page.evaluate("document.documentElement.scrollWidth <= 360"))


@pytest.fixture
def phone(chromium: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Phone]:
    opened = Phone(chromium)
    yield opened
    if getattr(request.node, CALL_FAILED, False):
        shot = tmp_path / "invite-360px.png"
        opened.page.screenshot(path=str(shot), full_page=True)
        print(f"\nscreenshot of the page at 360 px: {shot}")
    opened.context.close()


def invited(bot: Bot, email: str = EMAIL) -> tuple[int, str]:
    """A registration and its link, served by this test's bot."""
    registration = seeding.hold(bot.context, email)
    assert registration.id is not None
    link = show_invitation(ShowInvitation("UACME1", registration.id), bot.context).link
    return registration.id, bot.stack.urls()[0] + "/invite/" + link.rsplit("/", 1)[1]


def status_of(bot: Bot, registration_id: int) -> Status:
    return get_registration(GetRegistration(registration_id), bot.context).status


def test_the_customer_fills_the_form_and_is_associated(bot: Bot, phone: Phone) -> None:
    registration_id, url = invited(bot)
    assert phone.open(url) == 200
    shown = phone.text()
    assert "Acme Cloud Partners invites you" in shown and "valid until" in shown
    assert EMAIL not in shown
    assert phone.fits()
    assert phone.submit(email="IT@kunde.de", name="Ida Tester", consent="yes") == 200
    assert "You are registered and associated with Acme Cloud Partners" in phone.text()
    assert phone.fits()
    assert status_of(bot, registration_id) is Status.ASSOCIATED
    base = bot.stack.urls()[0]
    assert [u for u in phone.requested if not u.startswith(base)] == []  # no external assets


def test_a_wrong_email_shows_the_form_again_with_the_message(bot: Bot, phone: Phone) -> None:
    registration_id, url = invited(bot)
    phone.open(url)
    assert phone.submit(email="other@kunde.de", name="Ida", consent="yes") == 400
    assert "This is not the email address at which you were invited" in phone.text()
    assert "Attempts left before a pause: 4" in phone.text()
    assert phone.page.input_value("input[name=email]") == "other@kunde.de"
    assert phone.page.get_attribute("input[name=email]", "aria-invalid") == "true"
    assert phone.fits()
    assert phone.submit(email=EMAIL, name="Ida", consent="yes") == 200
    assert status_of(bot, registration_id) is Status.ASSOCIATED


def test_missing_consent_is_asked_for_and_nothing_changes(bot: Bot, phone: Phone) -> None:
    registration_id, url = invited(bot)
    phone.open(url)
    assert phone.submit(email=EMAIL, name="Ida") == 400
    assert "Tick the box to agree" in phone.text()
    assert status_of(bot, registration_id) is Status.PREREGISTERED


def test_an_expired_invitation(bot: Bot, phone: Phone) -> None:
    registration_id, url = invited(bot)
    phone.open(url)
    bot.clock.advance(bot.context.policy.validity)
    assert phone.submit(email=EMAIL, name="Ida", consent="yes") == 410
    assert "This invitation has expired or its pre-registration was deleted" in phone.text()
    assert phone.open(url) == 410
    assert status_of(bot, registration_id) is Status.PREREGISTERED  # the expiry job's to end


def test_a_deleted_invitation(bot: Bot, phone: Phone) -> None:
    registration_id, url = invited(bot)
    phone.open(url)
    uc.delete(uc.Delete("UACME1", registration_id), bot.context)
    assert phone.submit(email=EMAIL, name="Ida", consent="yes") == 410
    assert "Ask the partner who invited you for a new one" in phone.text()
    assert status_of(bot, registration_id) is Status.DELETED


def test_already_associated(bot: Bot, phone: Phone, chromium: Any) -> None:
    _registration_id, url = invited(bot)
    phone.open(url)
    assert phone.submit(email=EMAIL, name="Ida", consent="yes") == 200
    other = Phone(chromium)
    try:
        assert other.open(url) == 409
        assert "This invitation has already been accepted" in other.text()
    finally:
        other.context.close()


def test_a_tampered_token(bot: Bot, phone: Phone) -> None:
    _, url = invited(bot)
    assert phone.open(url[:-4] + "AAAA") == 404
    assert "This link is not a valid invitation" in phone.text()
    assert phone.page.query_selector("form") is None


def test_a_form_without_its_csrf_token_is_refused(bot: Bot, phone: Phone) -> None:
    registration_id, url = invited(bot)
    phone.open(url)
    phone.page.evaluate("document.querySelector('input[name=csrf_token]').remove()")
    assert phone.submit(email=EMAIL, name="Ida", consent="yes") == 400
    assert "Open the invitation again" in phone.text()
    assert status_of(bot, registration_id) is Status.PREREGISTERED
    with phone.page.expect_navigation():
        phone.page.click("a.button")
    assert phone.submit(email=EMAIL, name="Ida", consent="yes") == 200


def test_the_rate_limit_says_when_to_retry(bot: Bot, phone: Phone) -> None:
    registration_id, url = invited(bot)
    phone.open(url)
    for n in range(5):
        assert phone.submit(email=f"guess{n}@kunde.de", name="Eve", consent="yes") == 400
    assert phone.submit(email=EMAIL, name="Ida", consent="yes") == 429
    until = bot.clock.now + timedelta(minutes=15)
    assert f"Try again after {until.day} {until:%B %Y, %H:%M} UTC" in phone.text()
    assert status_of(bot, registration_id) is Status.PREREGISTERED


def test_the_page_speaks_simplified_chinese(bot: Bot, chromium: Any) -> None:
    _, url = invited(bot)
    chinese = Phone(chromium, locale="zh-CN")
    try:
        assert chinese.open(url) == 200
        assert "邀请您注册云账号" in chinese.text()
        assert chinese.page.get_attribute("html", "lang") == "zh-Hans"
        assert chinese.fits()
    finally:
        chinese.context.close()
