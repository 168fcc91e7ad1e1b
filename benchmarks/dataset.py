"""A program's data set, generated deterministically (the same bytes on every run).

    full:  1,000,000 directory accounts, 10,000 partner companies, 300,000 registrations
    small: 20,000 accounts, 200 companies, 6,000 registrations

Directory and partners are written as the CSV files `prereg directory import` and
`prereg partners import` read; registrations, which have no bulk command, are inserted
with one executemany per batch. Of the registrations, DUE_SHARE have passed valid_until
(the sweep expires them) and as many more are inside the first reminder's window.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from bot.adapters.directory_csv import HEADER
from bot.adapters.orm import OpportunityRow, PartnerRow, PartnerUserRow, RegistrationRow

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # directory dates; registrations count from now
DIRECTORY_HEADER = list(HEADER)  # the format the import reads
COUNTRIES = ("DE", "FR", "GB", "US", "CN", "JP", "BR", "IN")


@dataclass(frozen=True)
class Scale:
    directory: int
    partners: int
    registrations: int
    due: int  # expiring now; as many again reach a reminder


SCALES = {
    "small": Scale(20_000, 200, 6_000, 200),
    "full": Scale(1_000_000, 10_000, 300_000, 5_000),
}


def directory_rows(count: int, seed: int = 1) -> Iterator[list[str]]:
    """A third with a mobile; a few flags set, as a cloud's directory has them."""
    rng = random.Random(seed)
    for n in range(count):
        country = COUNTRIES[n % len(COUNTRIES)]
        mobile = f"+49151{n:08d}" if n % 3 == 0 else ""
        registered = (EPOCH - timedelta(days=rng.randrange(1, 2000))).date().isoformat()
        yield [
            f"account{n}@customer{n % 9973}.example",
            mobile,
            f"Customer {n}",
            rng.choice(("intl", "cn", "")),
            registered if n % 2 else "",
            country,
            "",
            "true" if n % 50 == 0 else "false",
            "true" if n % 17 == 0 else "",
            "true" if n % 31 == 0 else "",
            "true" if n % 41 == 0 else "",
        ]


def write_directory(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(DIRECTORY_HEADER)
        writer.writerows(directory_rows(count))
    return path


def partner_id(n: int) -> str:
    return f"P{n:05d}"


PARTNERS_HEADER = ("id", "name", "country", "email", "mobile", "slack_users")


def write_partners(path: Path, count: int) -> Path:
    """The companies of insert_partners as a `prereg partners import` file; every
    third with a mobile, so that both normalizers run."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(PARTNERS_HEADER)
        for n in range(count):
            writer.writerow(
                [
                    partner_id(n),
                    f"Partner {n}",
                    COUNTRIES[n % len(COUNTRIES)],
                    f"sales@partner{n}.example",
                    f"+49152{n:08d}" if n % 3 == 0 else "",
                    f"U{n:06d}A U{n:06d}B",
                ]
            )
    return path


def insert_partners(engine: Engine, count: int) -> None:
    """Each company with a contact email and two Slack users."""
    partners = [
        {
            "id": partner_id(n),
            "name": f"Partner {n}",
            "country": COUNTRIES[n % len(COUNTRIES)],
            "email": f"sales@partner{n}.example",
            "mobile": None,
            "created_at": EPOCH,
        }
        for n in range(count)
    ]
    users = [
        {"slack_user_id": f"U{n:06d}{k}", "partner_id": partner_id(n)}
        for n in range(count)
        for k in "AB"
    ]
    with engine.begin() as connection:
        connection.execute(insert(PartnerRow), partners)
        connection.execute(insert(PartnerUserRow), users)


def insert_registrations(engine: Engine, scale: Scale, now: datetime, batch: int = 20_000) -> None:
    """Active pre-registrations spread over the partners, ending between now and 15 days
    ahead, except the due ones (ended) and as many inside the 3-day reminder window."""
    rng = random.Random(2)
    rows: list[dict[str, Any]] = []
    for n in range(scale.registrations):
        if n < scale.due:
            ends = now - timedelta(minutes=1 + rng.randrange(600))
        elif n < 2 * scale.due:
            ends = now + timedelta(hours=1 + rng.randrange(70))
        else:
            ends = now + timedelta(days=3, hours=1 + rng.randrange(11 * 24))
        rows.append(
            {
                "partner_id": partner_id(n % scale.partners),
                "customer_name": f"Customer {n}",
                "email": f"account{n}@customer{n % 9973}.example",
                "mobile": f"+49170{n:07d}" if n % 3 == 0 else None,
                "country": COUNTRIES[n % len(COUNTRIES)],
                "status": "preregistered",
                "reasons": [],
                "created_at": ends - timedelta(days=15),
                "created_by": "UBENCH",
                "valid_until": ends,
            }
        )
        if len(rows) == batch:
            _insert(engine, rows)
            rows = []
    if rows:
        _insert(engine, rows)


def insert_opportunities(engine: Engine, count: int, batch: int = 20_000) -> None:
    """One opportunity for each of the first `count` registrations (ids from 1), a fifth
    of them won or lost, a third with notes."""
    stages = ("qualification", "proposal", "negotiation", "won", "lost")
    rows: list[dict[str, object]] = []
    for n in range(count):
        rows.append(
            {
                "registration_id": n + 1,
                "name": f"Migration {n}",
                "amount_cents": 100_000 + 37 * n if n % 4 else None,
                "currency": "EUR" if n % 4 else None,
                "close_date": (EPOCH + timedelta(days=n % 400)).date(),
                "stage": stages[n % 5],
                "notes": f"Call back, ask for {n}" if n % 3 == 0 else None,
                "created_by": "UBENCH",
                "created_at": EPOCH + timedelta(minutes=n),
                "updated_at": EPOCH + timedelta(minutes=n, hours=1) if n % 2 else None,
            }
        )
        if len(rows) == batch:
            _insert(engine, rows, OpportunityRow)
            rows = []
    if rows:
        _insert(engine, rows, OpportunityRow)


def _insert(engine: Engine, rows: list[dict[str, object]], table: type = RegistrationRow) -> None:
    with engine.begin() as connection:
        connection.execute(insert(table), rows)
