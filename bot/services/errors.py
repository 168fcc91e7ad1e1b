"""Refusals of the use cases, in addition to the domain's own."""

from __future__ import annotations

from bot.domain.errors import DomainError


class UnknownPartner(DomainError):
    """The Slack user (or id) is linked to no partner company."""


class RegistrationNotFound(DomainError):
    """No such registration, or not one this partner may see."""


class NotAReviewer(DomainError):
    """Only the configured reviewers decide."""


class OwnCompanyReview(DomainError):
    """A reviewer who belongs to the requesting company may not decide its request."""


class OpportunityNotAllowed(DomainError):
    """Opportunities only for preregistered or associated customers."""


class JustificationRequired(DomainError):
    """A review request needs the partner's written justification."""
