"""`prereg serve` killed (SIGKILL) in the middle of a burst of deliveries, then started again:
every message owed goes out exactly once, and at once, not when the dead process's claims
would have run out (the lease is minutes)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from bot.bootstrap import build
from bot.domain.model import Customer
from bot.services import registrations as uc
from bot.services.delivery import LEASE
from bot.services.partners import AddPartner, add_partner
from bot.settings import Settings
from tests.server_steps import PREREG, free_port, get, until
from tests.serving import server_env
from tests.slack_standin import SlackStandin

BURST = 12
CARD = "chat.postMessage"


def seed_review_requests(database_url: str) -> None:
    """BURST review requests already committed: their cards are owed to the reviewers."""
    runtime = build(Settings(_env_file=None, database_url=database_url))
    ctx = runtime.context
    add_partner(AddPartner("acme", "Acme", "DE", "x@acme.de", None, ("UACME1",)), ctx)
    for n in range(BURST):
        who = Customer(f"Client {n}", "FR", email=f"it{n}@client.example")  # country mismatch
        uc.request_review(uc.RequestReview("UACME1", who, "met them at a fair"), ctx)
    runtime.close()


def serve(
    slack: SlackStandin, database_url: str, workdir: Path, name: str
) -> subprocess.Popen[bytes]:
    port = free_port()
    env = server_env(slack, database_url)
    command = [str(PREREG), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"]
    with (workdir / f"{name}.log").open("wb") as sink:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=sink, stderr=sink)

    def healthy() -> bool:
        assert process.poll() is None, (workdir / f"{name}.log").read_text()
        try:
            return get(f"http://127.0.0.1:{port}/healthz")[0] == 200
        except OSError:
            return False

    until(healthy, 20, f"{name} to serve")
    return process


def outbox(database_url: str) -> list[tuple[int, str, str | None]]:
    runtime = build(Settings(_env_file=None, database_url=database_url))
    try:
        with runtime.engine.connect() as connection:
            # The cards only: the refreshes of App Home and the like are not what is counted.
            rows = connection.execute(
                text(
                    "SELECT id, status, claimed_by FROM outbox"
                    " WHERE kind = 'review_request' ORDER BY id"
                )
            )
            return [(int(r[0]), str(r[1]), r[2]) for r in rows]
    finally:
        runtime.close()


def delivered_ids(slack: SlackStandin) -> Counter[int]:
    """Outbox ids of the cards Slack accepted (each carries its id in message metadata)."""
    return Counter(
        int(call.args["metadata"]["event_payload"]["id"])
        for call in slack.calls(CARD)
        if call.ok and not call.injected
    )


def test_killed_mid_burst_then_restarted_delivers_everything_exactly_once(
    database_url: str, tmp_path: Path
) -> None:
    seed_review_requests(database_url)
    with SlackStandin() as slack:
        # Slack is failing slowly: the first process claims the whole burst and works through it.
        slack.fail_next(CARD, status=503, delay=0.3, times=1000)
        first = serve(slack, database_url, tmp_path, "first")
        until(lambda: len(slack.calls(CARD)) >= 3, 20, "the first process to be mid-burst")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        stranded = [
            row for row in outbox(database_url) if row[2] is not None and row[1] == "pending"
        ]
        assert stranded, "the dead process held claims"
        slack.faults.clear()  # Slack is back

        restarted_at = time.monotonic()
        second = serve(slack, database_url, tmp_path, "second")
        try:
            until(
                lambda: {status for _, status, _ in outbox(database_url)} == {"sent"},
                30,
                "every card to be delivered",
            )
            took = time.monotonic() - restarted_at
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(10)

        ids = [row[0] for row in outbox(database_url)]
        assert len(ids) == BURST
        assert delivered_ids(slack) == Counter(ids)  # each exactly once
        assert took < LEASE.total_seconds() / 4  # released at start, not after the lease
        assert "released" in (tmp_path / "second.log").read_text()
