"""Invitation tokens signed with INVITE_SECRET by itsdangerous (HMAC-SHA1 over a salted key)."""

from __future__ import annotations

from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from bot.services.invite_links import InviteToken

SALT = "prereg.invitation"


class SignedInviteTokens:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt=SALT)

    def sign(self, token: InviteToken) -> str:
        return str(self._serializer.dumps({"r": token.registration_id, "u": token.sender}))

    def verify(self, text: str) -> InviteToken | None:
        try:
            data: Any = self._serializer.loads(text)
        except (BadData, UnicodeError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        registration_id, sender = data.get("r"), data.get("u")
        if type(registration_id) is not int or not isinstance(sender, str) or not sender:
            return None
        return InviteToken(registration_id, sender)
