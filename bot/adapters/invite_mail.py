"""The invitation email: plain text and HTML alternatives, the QR code inline by Content-ID."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape

from bot.domain.model import Partner, Registration


def invitation_email(
    registration: Registration,
    partner: Partner,
    link: str,
    mail_from: str,
    qr: bytes,
    now: datetime,
) -> EmailMessage:
    customer = registration.customer
    assert customer.email is not None
    until = _date(registration.valid_until) if registration.valid_until else None
    company = partner.name or partner.id
    message = EmailMessage()
    message["Subject"] = _one_line(f"{company} invites you to register and associate")
    message["From"] = mail_from
    message["To"] = customer.email
    message["Date"] = format_datetime(now.astimezone(UTC))
    domain = mail_from.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid("invitation", domain=domain)
    valid = f"The invitation is valid until {until}." if until else ""
    message.set_content(
        f"Hello {customer.name},\n\n"
        f"{company} invites you to register with the cloud and associate your account with"
        f" them as your partner.\n\n"
        f"Open this link to accept:\n{link}\n\n"
        f"{valid}\n"
        "If you did not expect this invitation, you can ignore this email.\n"
    )
    qr_id = make_msgid("qr", domain=domain)
    message.add_alternative(_html(customer.name, company, link, valid, qr_id[1:-1]), subtype="html")
    html_part = list(message.iter_parts())[1]
    assert isinstance(html_part, EmailMessage)
    html_part.add_related(
        qr, "image", "png", cid=qr_id, filename="invitation-qr.png", disposition="inline"
    )
    return message


def _html(name: str, company: str, link: str, valid: str, qr_cid: str) -> str:
    href = escape(link, quote=True)
    return (
        '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;'
        'max-width:36em;margin:auto;padding:1em">'
        f"<p>Hello {escape(name)},</p>"
        f"<p><strong>{escape(company)}</strong> invites you to register with the cloud and"
        " associate your account with them as your partner.</p>"
        f'<p><a href="{href}" style="display:inline-block;padding:.6em 1.2em;'
        'background:#1d4ed8;color:#fff;text-decoration:none;border-radius:.3em">'
        "Accept the invitation</a></p>"
        f'<p>Or copy this link: <a href="{href}">{escape(link)}</a></p>'
        f'<p><img src="cid:{qr_cid}" alt="QR code of the invitation link" width="240"'
        ' height="240"></p>'
        f"<p>{escape(valid)}</p>"
        '<p style="color:#555">If you did not expect this invitation, you can ignore this'
        " email.</p></body></html>"
    )


def _date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _one_line(text: str) -> str:
    return " ".join(text.split())
