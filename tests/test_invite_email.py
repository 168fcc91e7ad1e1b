"""Invitation emails through the outbox to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from bot.bootstrap import Runtime, build
from bot.domain.model import Customer, Partner
from bot.services import registrations as uc
from bot.services.context import Context
from bot.services.delivery import MAX_ATTEMPTS
from bot.services.invitations import EmailInvitation, email_invitation
from bot.settings import Settings
from tests.conftest import Clock
from tests.slack_standin import SlackStandin
from tests.smtp_catcher import free_port, smtp_catcher

ACME = Partner("acme", "Acme <Cloud> & Co", "DE", email="s@acme.de", slack_user_ids=("UACME",))


@contextmanager
def running(
    database_url: str, clock: Clock, slack: SlackStandin, smtp_url: str
) -> Iterator[Runtime]:
    """The bot's runtime with Acme on file, mailing through `smtp_url`; closed after."""
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        slack_bot_token=slack.token,
        slack_api_url=slack.url,
        review_channel_id="C0REVIEW",
        invite_secret="mail-secret",
        public_base_url="https://prereg.example.com",
        smtp_url=smtp_url,
        mail_from="invitations@prereg.example.com",
    )
    runtime = build(settings, clock=clock)
    with runtime.context.uow() as uow:
        uow.partners.add(ACME, clock.now)
        uow.commit()
    try:
        yield runtime
    finally:
        runtime.close()


def emailed(ctx: Context) -> int:
    who = Customer("Kunde <GmbH>", "DE", email="it@kunde.de")
    done = uc.preregister(uc.Preregister("UACME", who), ctx)
    assert done.registration is not None and done.registration.id is not None
    email_invitation(EmailInvitation("UACME", done.registration.id), ctx)
    return done.registration.id


def outbox_rows(runtime: Runtime) -> dict[str, tuple[str, int]]:
    with runtime.context.uow() as uow:
        return {e.kind: (e.status, e.attempts) for e in uow.outbox.entries(False, 100)}


def dm_texts(slack: SlackStandin) -> list[str]:
    return [str(m.get("text")) for m in slack.messages(slack.dm_channel("UACME"))]


def test_the_invitation_email_arrives_with_both_parts_and_the_inline_qr(
    database_url: str, clock: Clock, slack: SlackStandin
) -> None:
    with smtp_catcher() as (catcher, url), running(database_url, clock, slack, url) as runtime:
        emailed(runtime.context)
        report = runtime.deliver_outbox()
        assert report.errors == []
        (got,) = catcher.wait_for(1)
        follow_up = runtime.deliver_outbox()  # the partner hears that it went out
    assert follow_up.sent == 1
    assert got.mail_from == "invitations@prereg.example.com"
    assert got.rcpt_tos == ["it@kunde.de"]
    message = got.message
    assert message["To"] == "it@kunde.de"
    assert message["Subject"] == "Acme <Cloud> & Co invites you to register and associate"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    plain_text, html_text = text.get_content(), html.get_content()
    links = [w for w in plain_text.split() if w.startswith("https://prereg.example.com/invite/")]
    assert len(links) == 1
    link = links[0]
    assert f'href="{link}"' in html_text
    assert "Acme <Cloud> & Co" in plain_text and "Acme &lt;Cloud&gt; &amp; Co" in html_text
    assert "valid until" in plain_text
    (image,) = [p for p in message.walk() if p.get_content_type() == "image/png"]
    cid = str(image["Content-ID"]).strip("<>")
    assert f'src="cid:{cid}"' in html_text
    assert decode_qr(image.get_content()) == link
    statuses = outbox_rows(runtime)
    assert statuses["invite_email"] == ("sent", 1)
    assert statuses["invite_email_sent"][0] == "sent"
    assert any("invitation email to Kunde &lt;GmbH&gt; was sent" in t for t in dm_texts(slack))


def decode_qr(png: bytes) -> str:
    import io

    import zxingcpp
    from PIL import Image

    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(found.text)


def test_smtp_down_is_retried_through_the_outbox_then_a_dead_letter(
    database_url: str, clock: Clock, slack: SlackStandin
) -> None:
    with running(database_url, clock, slack, f"smtp://127.0.0.1:{free_port()}") as runtime:
        rid = emailed(runtime.context)
        first = runtime.deliver_outbox()
        assert first.retried == 1 and "ConnectionRefusedError" in first.errors[0]
        for _ in range(MAX_ATTEMPTS + 2):
            clock.advance(timedelta(hours=1))
            runtime.deliver_outbox()
        with runtime.context.uow() as uow:
            (row,) = [e for e in uow.outbox.entries(True, 10) if e.kind == "invite_email"]
    assert (row.status, row.attempts, row.registration_id) == ("dead", MAX_ATTEMPTS, rid)
    assert row.last_error is not None and "gave up" in row.last_error
    assert outbox_rows(runtime)["invite_email_failed"][0] == "sent"
    assert any("could not be delivered" in t for t in dm_texts(slack))


def test_a_refused_recipient_is_a_dead_letter_at_once(
    database_url: str, clock: Clock, slack: SlackStandin
) -> None:
    with smtp_catcher() as (catcher, url):
        catcher.refuse_with = "550 5.1.1 No such user here"
        with running(database_url, clock, slack, url) as runtime:
            emailed(runtime.context)
            report = runtime.deliver_outbox()
            runtime.deliver_outbox()
    assert report.dead == 1 and "550" in report.errors[0]
    assert outbox_rows(runtime)["invite_email"] == ("dead", 1)
    assert catcher.received == []
    failed = [t for t in dm_texts(slack) if "could not be delivered" in t]
    assert len(failed) == 1


def test_email_to_a_customer_deleted_meanwhile_is_skipped(
    database_url: str, clock: Clock, slack: SlackStandin
) -> None:
    with smtp_catcher() as (catcher, url), running(database_url, clock, slack, url) as runtime:
        rid = emailed(runtime.context)
        uc.delete(uc.Delete("UACME", rid), runtime.context)
        report = runtime.deliver_outbox()
    # The email and the pre-registration DM both: neither applies any more.
    assert report.skipped == 2 and catcher.received == []
    assert outbox_rows(runtime)["invite_email"] == ("skipped", 1)
