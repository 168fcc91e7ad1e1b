"""Sends outbox notifications to Slack (its client, and the sorting of its failures into retry
or give up: bot.adapters.slack_delivery)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.adapters.qr import qr_png
from bot.adapters.slack_delivery import DmChannels, classified, delivery_client
from bot.blocks.invite import qr_alt_text, qr_comment
from bot.blocks.notifications import refreshed, render
from bot.domain.model import Status
from bot.services.delivery import Obsolete, RetryLater, Undeliverable
from bot.services.errors import HomeContended
from bot.services.invite_links import Invites
from bot.services.ports import REVIEWERS, Delivery, Kind, Notification
from bot.services.subjects import Subject

__all__ = ["METADATA_EVENT", "SlackSender", "delivery_client"]

log = logging.getLogger(__name__)

METADATA_EVENT = "prereg_outbox"

# Reminders about a review go in the thread of its card in the reviewers' channel.
IN_THREAD = frozenset(
    {
        Kind.REVIEW_HALFWAY,
        Kind.REVIEW_OVERDUE,
        Kind.REVIEW_JUSTIFICATION,
        Kind.QUESTION_IN_THREAD,
        Kind.ANSWER_IN_THREAD,
        Kind.EXTENSION_CHASE,
    }
)
# The card itself, changed in place.
CARD_UPDATES = frozenset({Kind.REVIEW_DECIDED, Kind.REVIEW_UPDATED, Kind.EXTENSION_DECIDED})

# DMs that carry the invitation link, minted for their recipient when they are sent.
WITH_LINK = frozenset({Kind.PREREGISTERED, Kind.DECISION})


class SlackSender:
    def __init__(
        self,
        client: WebClient,
        review_channel: str,
        invites: Invites | None = None,
        home: Callable[[str, WebClient], object] | None = None,
        reviewers: tuple[str, ...] = (),
    ) -> None:
        self.client = client
        self.review_channel = review_channel
        self.invites = invites
        self.reviewers = reviewers
        self.home = home
        """Publishes a user's App Home as it stands now, never over a newer one."""
        self.dms = DmChannels(client)

    def send(self, delivery: Delivery, subject: Subject) -> dict[str, Any]:
        notification = delivery.notification
        if notification.kind is Kind.INVITE_QR:
            return self._upload_qr(notification, subject)
        if notification.kind in WITH_LINK:
            subject = self._with_link(notification, subject)
        try:
            if notification.kind is Kind.HOME_REFRESH:
                return self._publish_home(notification.recipient)
            if notification.kind is Kind.MESSAGES_REFRESH:
                return self._update_sent(notification, subject)
        except SlackApiError as failure:
            raise classified(failure) from failure
        except (SlackClientError, OSError) as failure:
            raise RetryLater(f"{type(failure).__name__}: {failure}") from failure
        try:
            message = render(notification.kind, subject)
        except ValueError as nothing_to_say:  # e.g. its registration is gone
            raise Undeliverable(f"cannot render: {nothing_to_say}") from nothing_to_say
        try:
            if notification.kind in CARD_UPDATES:
                return self._update_card(subject, message.as_kwargs())
            where: dict[str, Any] = (
                self._thread(subject)
                if notification.kind in IN_THREAD
                else {"channel": self._channel(notification.recipient)}
            )
            response = self.client.chat_postMessage(
                **where,
                unfurl_links=False,
                unfurl_media=False,
                # Marks the message with its outbox row, so a re-send can be recognised.
                metadata={"event_type": METADATA_EVENT, "event_payload": {"id": delivery.id}},
                **message.as_kwargs(),
            )
        except SlackApiError as failure:
            self.dms.forget(notification.recipient)  # opened again next time
            raise classified(failure) from failure
        except (SlackClientError, OSError) as failure:
            raise RetryLater(f"{type(failure).__name__}: {failure}") from failure
        return {"channel": response["channel"], "ts": response["ts"]}

    def _with_link(self, notification: Notification, subject: Subject) -> Subject:
        registration = subject.registration
        invitable = registration is not None and registration.status is Status.PREREGISTERED
        if notification.kind is Kind.PREREGISTERED and not invitable:
            raise Obsolete("the customer is no longer pre-registered")
        if not invitable or self.invites is None or registration is None or not registration.id:
            return subject
        link = self.invites.link(registration.id, notification.recipient)
        payload = {**subject.payload, "invite_link": link, "email": self.invites.email}
        return replace(subject, payload=payload)

    def _upload_qr(self, notification: Notification, subject: Subject) -> dict[str, Any]:
        """The PNG of the link, to the partner's DM (files_upload_v2: three calls)."""
        registration = subject.registration
        if registration is None or registration.status is not Status.PREREGISTERED:
            raise Obsolete("the customer is no longer pre-registered")
        link = str(notification.payload["link"])
        try:
            channel = self._channel(notification.recipient)
            response = self.client.files_upload_v2(
                channel=channel,
                file=qr_png(link),
                filename=f"invitation-{registration.id}.png",
                title=f"Invitation QR code: {registration.customer.name}"[:250],
                alt_txt=qr_alt_text(registration),
                initial_comment=qr_comment(registration),
            )
        except SlackApiError as failure:
            raise classified(failure) from failure
        except (SlackClientError, OSError) as failure:
            raise RetryLater(f"{type(failure).__name__}: {failure}") from failure
        files = response.get("files") or [{}]
        return {"channel": channel, "file": files[0].get("id")}

    def _publish_home(self, recipient: str) -> dict[str, Any]:
        """One user's App Home, or (for the reviewers) each reviewer's: the queue changed."""
        if self.home is None:
            raise Obsolete("no App Home is served by this process")
        users = self.reviewers if recipient == REVIEWERS else (recipient,)
        for user_id in users:
            try:
                self.home(user_id, self.client)
            except HomeContended as lost:  # others publish newer renders: try again later
                raise RetryLater(f"home of {lost.user_id} contended") from lost
        return {"users": list(users)}

    def _update_sent(self, notification: Notification, subject: Subject) -> dict[str, Any]:
        """Each DM already sent about it now reads as the truth, at the same ts."""
        updated = []
        for sent in subject.earlier:
            try:
                about = subject
                if sent.kind in WITH_LINK:  # its invitation link, while it is still invitable
                    like = Notification(Kind.DECISION, notification.recipient)
                    about = self._with_link(like, subject)
                message = refreshed(sent, about)
            except (ValueError, Obsolete):
                continue
            try:
                self.client.chat_update(channel=sent.channel, ts=sent.ts, **message.as_kwargs())
            except SlackApiError as failure:
                # Deleted by its reader, say: nothing left to correct there.
                if failure.response.get("error") in ("message_not_found", "cant_update_message"):
                    continue
                raise
            updated.append(sent.ts)
        return {"updated": updated}

    def _update_card(self, subject: Subject, message: dict[str, Any]) -> dict[str, Any]:
        card = _card(subject)
        response = self.client.chat_update(channel=card["channel"], ts=card["ts"], **message)
        return {"channel": response["channel"], "ts": response["ts"]}

    def _thread(self, subject: Subject) -> dict[str, Any]:
        card = _card(subject)
        return {"channel": card["channel"], "thread_ts": card["ts"]}

    def _channel(self, recipient: str) -> str:
        if recipient == REVIEWERS:
            return self.review_channel
        return self.dms.of(recipient)


def _card(subject: Subject) -> dict[str, Any]:
    if subject.review_card is None:
        # The request itself is still on its way; once posted it shows the current state.
        raise RetryLater("the review card is not posted yet")
    return subject.review_card
