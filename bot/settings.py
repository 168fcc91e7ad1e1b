"""Every setting the bot reads, from the environment or `.env`. Nothing else reads os.environ."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.policy import Policy
from bot.settings_error import SettingsError as SettingsError  # raised here, caught by the CLI

_DURATION = re.compile(r"(\d+)([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """`15d`, `36h`, `30s`, `1d12h` → timedelta; anything else is refused."""
    compact = text.strip().lower()
    if not compact or _DURATION.sub("", compact):
        raise ValueError(f"expected a duration such as 15d, 36h or 30s, got {text!r}")
    total = timedelta()
    for amount, unit in _DURATION.findall(compact):
        total += timedelta(**{_UNITS[unit]: int(amount)})
    if total <= timedelta():
        raise ValueError(f"expected a positive duration, got {text!r}")
    return total


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


def _durations(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(parse_duration(part) for part in value.split(",") if part.strip())
    return value


def _ids(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _zone(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"expected an IANA time zone such as Europe/Berlin, got {value!r}"
            ) from None
    return value


def _holiday_country(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    import holidays  # slow to load: only when a country is set

    code = value.strip().upper()
    if code not in holidays.list_supported_countries():
        raise ValueError(f"expected a country code the holidays calendar knows, got {value!r}")
    return code


Duration = Annotated[timedelta, BeforeValidator(_duration), PlainSerializer(str)]
Durations = Annotated[tuple[timedelta, ...], NoDecode, BeforeValidator(_durations)]
SlackIds = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_ids)]
Zone = Annotated[ZoneInfo, BeforeValidator(_zone)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", case_sensitive=False, arbitrary_types_allowed=True
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: Annotated[str, AfterValidator(lambda url: url.rstrip("/") + "/")] = (
        "https://slack.com/api/"
    )
    database_url: str = "sqlite:///prereg.db"
    review_channel_id: str | None = None
    reviewer_user_ids: SlackIds = ()
    public_base_url: str = "http://localhost:3000"
    invite_secret: SecretStr | None = None
    smtp_url: str | None = None
    mail_from: str = "prereg@localhost"
    holiday_country: Annotated[str | None, AfterValidator(_holiday_country)] = None
    business_timezone: Zone = ZoneInfo("UTC")
    prereg_quota: int = Field(default=100, ge=1)
    prereg_validity: Duration = timedelta(days=15)
    prereg_review_sla_days: int = Field(default=2, ge=0)
    prereg_registered_days: int = Field(default=7, ge=0)
    prereg_reminders: Durations = (timedelta(days=3), timedelta(days=1))
    prereg_extensions: int = Field(default=1, ge=0)
    prereg_duplicate_name_score: int = Field(default=90, ge=1, le=100)
    port: int = Field(default=3000, ge=1, le=65535)

    @field_validator("slack_api_url", "public_base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^smtps?://[^\s:/]+(:\d+)?/?$", value.strip()):
            raise ValueError(f"expected smtp://host:port, got {value!r}")
        return value.strip()

    def policy(self) -> Policy:
        return Policy(
            quota=self.prereg_quota,
            validity=self.prereg_validity,
            review_sla_days=self.prereg_review_sla_days,
            registered_days=self.prereg_registered_days,
            reminders=tuple(sorted(self.prereg_reminders, reverse=True)),
            extensions=self.prereg_extensions,
            duplicate_name_score=self.prereg_duplicate_name_score,
        )

    def missing_for_slack(self, socket_mode: bool) -> list[str]:
        """The settings `serve` (or `socket`) cannot start without."""
        needed: dict[str, object] = {
            "SLACK_BOT_TOKEN": self.slack_bot_token,
            "REVIEW_CHANNEL_ID": self.review_channel_id,
            "REVIEWER_USER_IDS": self.reviewer_user_ids,
            "INVITE_SECRET": self.invite_secret,
        }
        if socket_mode:
            needed["SLACK_APP_TOKEN"] = self.slack_app_token
        else:
            needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        return [name for name, value in needed.items() if not value]


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as invalid:
        error = invalid.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"setting {name} is malformed: {message}") from None
