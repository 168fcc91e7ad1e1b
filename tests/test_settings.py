"""Settings: every name from the environment, malformed ones refused in one line."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.settings import Settings, SettingsError, load_settings, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15d", timedelta(days=15)),
        ("36h", timedelta(hours=36)),
        ("30s", timedelta(seconds=30)),
        ("1d12h", timedelta(days=1, hours=12)),
        (" 10M ", timedelta(minutes=10)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "15", "d", "15 days", "1.5d", "0s", "-1d", "15d!"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_defaults_match_the_design(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(_env_file=None)
    policy = settings.policy()
    assert (policy.quota, policy.validity, policy.review_sla_days) == (100, timedelta(days=15), 2)
    assert policy.registered_days == 7
    assert policy.reminders == (timedelta(days=3), timedelta(days=1))
    assert settings.database_url == "sqlite:///prereg.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.public_base_url == "http://localhost:3000"
    assert settings.port == 3000
    assert str(settings.business_timezone) == "UTC"
    assert settings.smtp_url is None


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREREG_QUOTA", "3")
    monkeypatch.setenv("PREREG_VALIDITY", "36h")
    monkeypatch.setenv("PREREG_REMINDERS", "1d, 3d,12h")
    monkeypatch.setenv("PREREG_EXTENSIONS", "2")
    monkeypatch.setenv("REVIEWER_USER_IDS", "U1, U2,,")
    monkeypatch.setenv("BUSINESS_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("HOLIDAY_COUNTRY", "de")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    settings = load_settings(_env_file=None)
    policy = settings.policy()
    assert policy.quota == 3
    assert policy.validity == timedelta(hours=36)
    assert policy.reminders == (timedelta(days=3), timedelta(days=1), timedelta(hours=12))
    assert (policy.extensions, policy.extension_window) == (2, timedelta(days=3))
    assert settings.reviewer_user_ids == ("U1", "U2")
    assert settings.holiday_country == "DE"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PREREG_VALIDITY", "fortnight"),
        ("PREREG_QUOTA", "lots"),
        ("PREREG_QUOTA", "0"),
        ("PREREG_REMINDERS", "3d,soon"),
        ("PREREG_EXTENSIONS", "-1"),
        ("BUSINESS_TIMEZONE", "Mars/Olympus"),
        ("HOLIDAY_COUNTRY", "ZZ"),
        ("SMTP_URL", "mail.example.com"),
        ("PUBLIC_BASE_URL", "localhost:3000"),
        ("PORT", "70000"),
    ],
)
def test_malformed_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None)
    message = str(refused.value)
    assert message.startswith(f"setting {name} is malformed")
    assert "\n" not in message


def test_serving_needs_the_slack_settings() -> None:
    bare = Settings(_env_file=None)
    assert bare.missing_for_slack(socket_mode=False) == [
        "SLACK_BOT_TOKEN",
        "REVIEW_CHANNEL_ID",
        "REVIEWER_USER_IDS",
        "INVITE_SECRET",
        "SLACK_SIGNING_SECRET",
    ]
    assert "SLACK_APP_TOKEN" in bare.missing_for_slack(socket_mode=True)
    ready = Settings(
        _env_file=None,
        slack_bot_token="xoxb-1",
        slack_signing_secret="s",
        review_channel_id="C1",
        reviewer_user_ids="U1",
        invite_secret="k",
    )
    assert ready.missing_for_slack(socket_mode=False) == []
