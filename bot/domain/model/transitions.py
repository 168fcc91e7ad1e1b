"""What may happen to a registration: its transitions, each checked and recording its event."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.errors import (
    AlreadyExtended,
    DomainError,
    EmailMismatch,
    ExtensionNotOpen,
    ExtensionsUsedUp,
    IdentityMismatch,
    OpportunityNotAllowed,
    TransitionNotAllowed,
)
from bot.domain.events import (
    Approved,
    Associated,
    Deleted,
    Expired,
    Extended,
    InvitationEmailed,
    QrCodeRequested,
    Rejected,
)
from bot.domain.model.customers import DELETABLE_STATUSES, Status
from bot.domain.model.registration import RegistrationRecord

if TYPE_CHECKING:
    from bot.domain.policy import Policy


class Registration(RegistrationRecord):
    """A registration: its fields are its record's (bot.domain.model.registration), its
    transitions are here."""

    def approve(self, reviewer: str, now: datetime, validity: timedelta) -> None:
        self._require("approve", Status.PENDING_REVIEW)
        self.status = Status.PREREGISTERED
        self.valid_until = now + validity
        self._decided(reviewer, now, None)
        self.events.append(Approved(now, reviewer))

    def reject(self, reviewer: str, reason: str, now: datetime) -> None:
        self._require("reject", Status.PENDING_REVIEW)
        self.status = Status.REJECTED
        self.ended_at = now
        self._decided(reviewer, now, reason)
        self.events.append(Rejected(now, reviewer, reason))

    def delete(self, now: datetime) -> None:
        """Invalid at once: frees quota and exclusivity. Never for a pending or associated one."""
        self._require("delete", *DELETABLE_STATUSES)
        self.status = Status.DELETED
        self.ended_at = now
        self.events.append(Deleted(now))

    def extension_opens(self, policy: Policy) -> datetime | None:
        """When the partner may first extend: the first reminder's window before the end."""
        if self.valid_until is None:
            return None
        return self.valid_until - policy.extension_window

    def can_extend(self, now: datetime, policy: Policy) -> bool:
        try:
            self.check_extension(now, policy)
        except DomainError:
            return False
        return True

    def check_extension(self, now: datetime, policy: Policy, seen: int | None = None) -> None:
        """Raises why not: not pre-registered (any more), used up, extended since the button
        showed `seen` extensions taken, or not yet."""
        if self.status is not Status.PREREGISTERED or not self.is_active(now):
            raise TransitionNotAllowed("extend", self._effective_status(now), self)
        if self.extensions >= policy.extensions:
            raise ExtensionsUsedUp(policy.extensions, self)
        if seen is not None and seen != self.extensions:
            raise AlreadyExtended(self)
        opens = self.extension_opens(policy)
        if opens is None or now < opens or policy.extension_window <= timedelta(0):
            raise ExtensionNotOpen(opens, self)

    def extend(self, now: datetime, policy: Policy) -> None:
        """Adds the validity to the current end, a limited number of times: a hold is finite."""
        self.check_extension(now, policy)
        assert self.valid_until is not None
        self.valid_until += policy.validity
        self.extensions += 1
        self.events.append(Extended(now, self.valid_until))

    def expire(self, now: datetime) -> None:
        if not self.is_due_to_expire(now):
            raise TransitionNotAllowed("expire", self.status, self)
        self.status = Status.EXPIRED
        self.ended_at = now
        self.events.append(Expired(now))

    def associate(self, identity: str, now: datetime) -> None:
        """The customer accepted the invitation with the email (or, for a mobile-only
        registration, the mobile) that was pre-registered."""
        if not self.is_active(now) or self.status is not Status.PREREGISTERED:
            raise TransitionNotAllowed("associate", self._effective_status(now), self)
        if not self.identity_matches(identity):
            raise EmailMismatch() if self.customer.email else IdentityMismatch("mobile")
        self.status = Status.ASSOCIATED
        self.ended_at = now
        self.events.append(Associated(now))

    def invite_by_qr_code(self, user: str, link: str, now: datetime) -> None:
        """The caller checked that it is invitable (services.invitations)."""
        self.events.append(QrCodeRequested(now, user, link))

    def invite_by_email(self, user: str, link: str, now: datetime) -> None:
        self.events.append(InvitationEmailed(now, user, link))

    def check_opportunity(self, now: datetime) -> None:
        """An ended one says what it is now (deleted, expired); a pending or rejected one no."""
        status = self._effective_status(now)
        if status in (Status.DELETED, Status.EXPIRED):
            raise TransitionNotAllowed("create an opportunity for", status, self)
        if not self.allows_opportunity(now):
            raise OpportunityNotAllowed()

    def check_deletable(self, now: datetime) -> None:
        """Before asking "Delete …?": an old list's button is answered with the truth."""
        status = self._effective_status(now)
        if status in (Status.DELETED, Status.EXPIRED) or not self.can_delete:
            raise TransitionNotAllowed("delete", status, self)

    def _effective_status(self, now: datetime) -> Status:
        return Status.EXPIRED if self.is_due_to_expire(now) else self.status

    def _require(self, action: str, *allowed: Status) -> None:
        if self.status not in allowed:
            raise TransitionNotAllowed(action, self.status, self)

    def _decided(self, reviewer: str, now: datetime, note: str | None) -> None:
        self.decided_by = reviewer
        self.decided_at = now
        self.decision_note = note
