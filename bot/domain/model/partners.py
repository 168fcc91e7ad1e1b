"""A partner company: its Slack users, its contact, who may decide its reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.errors import NoContactOnFile, NotAReviewer, OwnCompanyReview, UserNotLinked
from bot.domain.events import CompanyUpdated, Event, UserLinked, UserUnlinked


@dataclass
class Partner:
    """A partner company: it, not the person, owns customers and quota."""

    id: str
    name: str
    country: str
    email: str | None = None
    mobile: str | None = None
    slack_user_ids: tuple[str, ...] = ()
    events: list[Event] = field(default_factory=list, compare=False, repr=False)

    def link(self, user_ids: tuple[str, ...], now: datetime) -> tuple[str, ...]:
        """Adds the users not linked yet; those added, in order (linking twice is a no-op)."""
        added = tuple(u for u in dict.fromkeys(user_ids) if u not in self.slack_user_ids)
        self.slack_user_ids = tuple(sorted((*self.slack_user_ids, *added)))
        self.events.extend(UserLinked(now, user) for user in added)
        return added

    def unlink(self, user_ids: tuple[str, ...], now: datetime) -> None:
        """Removes linked users; the company may be left with none (its data stays)."""
        gone = tuple(dict.fromkeys(user_ids))
        strangers = [u for u in gone if u not in self.slack_user_ids]
        if strangers:
            raise UserNotLinked(strangers[0], self.id)
        self.slack_user_ids = tuple(u for u in self.slack_user_ids if u not in gone)
        self.events.extend(UserUnlinked(now, user) for user in gone)

    def amend(self, wanted: Partner, now: datetime) -> dict[str, list[str | None]]:
        """Takes name, country and contact from `wanted`; each changed field: [before, after]."""
        fields = ("name", "country", "email", "mobile")
        changed = {
            name: [getattr(self, name), getattr(wanted, name)]
            for name in fields
            if getattr(self, name) != getattr(wanted, name)
        }
        if changed:
            self.name, self.country = wanted.name, wanted.country
            self.email, self.mobile = wanted.email, wanted.mobile
            self.events.append(CompanyUpdated(now))
        return changed

    def has_contact(self) -> bool:
        return bool(self.email or self.mobile)

    def set_contact(self, email: str | None, mobile: str | None) -> None:
        """A company must stay reachable: at least one of the two."""
        if not (email or mobile):
            raise NoContactOnFile()
        self.email, self.mobile = email, mobile

    def check_reviewer(self, reviewer: str, reviewers: frozenset[str] | set[str]) -> None:
        """Only the configured reviewers decide, and never for their own company."""
        if reviewer not in reviewers:
            raise NotAReviewer()
        if reviewer in self.slack_user_ids:
            raise OwnCompanyReview()
