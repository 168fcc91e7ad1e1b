"""The CLI's errors: one line and the exit code, never a traceback, in-process and in a real
process."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.cli_steps import BIN, clean_env, one_line, run

# --- start-up errors --------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("command", [["partners", "list"], ["sweep"], ["serve"], ["db", "upgrade"]])
def test_a_malformed_setting_is_one_line_and_exit_2(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PREREG_VALIDITY", "abc")

    assert main(command) == 2

    line = one_line(capsys.readouterr().err)
    assert line.startswith("prereg: setting PREREG_VALIDITY is malformed: ")
    assert "15d" in line  # what is expected


def test_a_malformed_setting_leaves_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}", PREREG_QUOTA="lots")

    done = run([str(BIN / "prereg"), "partners", "list"], env, tmp_path)

    assert done.returncode == 2
    assert one_line(done.stderr).startswith("prereg: setting PREREG_QUOTA is malformed")
    assert done.stdout == ""


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nonsense", "prereg: setting DATABASE_URL is malformed"),
        ("sqlite:////nonexistent-dir/x.db", "prereg: cannot use the database at sqlite:////"),
        ("postgresql+psycopg://u:hunter2@127.0.0.1:1/x", "prereg: cannot use the database at"),
    ],
)
def test_a_database_that_cannot_be_used_is_one_line_and_exit_2(
    url: str, expected: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    assert main(["partners", "list"]) == 2

    line = one_line(capsys.readouterr().err)
    assert line.startswith(expected)
    assert "hunter2" not in line  # the password is masked


@pytest.mark.usefixtures("cli_env")
def test_serve_without_slack_settings_names_them_and_touches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "untouched.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")

    assert main(["serve"]) == 2

    line = one_line(capsys.readouterr().err)
    assert line.startswith("prereg: cannot serve without ")
    assert line.endswith(' — see README.md, "Settings"')
    named = line.removeprefix("prereg: cannot serve without ").split(" — ")[0].split(", ")
    expected = {"SLACK_SIGNING_SECRET", "REVIEW_CHANNEL_ID", "REVIEWER_USER_IDS", "INVITE_SECRET"}
    assert set(named) == expected
    assert not database.exists()


@pytest.mark.usefixtures("cli_env")
def test_socket_mode_needs_the_app_token_not_the_signing_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["socket"]) == 2

    line = one_line(capsys.readouterr().err)
    assert line.startswith("prereg: cannot start Socket Mode without SLACK_BOT_TOKEN")
    assert "SLACK_APP_TOKEN" in line
    assert "SLACK_SIGNING_SECRET" not in line


def test_serve_without_slack_settings_in_a_real_process(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")

    done = run([sys.executable, "-m", "bot", "serve"], env, tmp_path)

    assert done.returncode == 2
    assert one_line(done.stderr).startswith("prereg: cannot serve without SLACK_BOT_TOKEN, ")


@pytest.mark.usefixtures("cli_env")
def test_a_bad_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "99999"]) == 2
    assert "expected a port number from 1 to 65535" in capsys.readouterr().err


# --- usage ------------------------------------------------------------------------------


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: prereg" in capsys.readouterr().err


def test_python_m_bot_is_the_same_program(tmp_path: Path) -> None:
    env = clean_env()

    script = run([str(BIN / "prereg"), "--help"], env, tmp_path)
    module = run([sys.executable, "-m", "bot", "--help"], env, tmp_path)

    assert script.returncode == module.returncode == 0
    assert script.stdout == module.stdout
    for command in ("serve", "socket", "db", "partners", "directory", "registrations", "sweep"):
        assert command in script.stdout
