"""No log the suite produced carries an unmasked email address or mobile number.

Runs last (tests/conftest.py orders it): by then the suite's own log (every record, through the
handler `prereg serve` installs) and every server subprocess's log lie under the base folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# A local part ending right before the `@` (masked ones end in `***`, which this never takes).
EMAIL = re.compile(r"[\w.+\-'%]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
MOBILE = re.compile(r"(?:\+|%2B)\d[\d \-]{5,}\d", re.IGNORECASE)


def unmasked(text: str) -> list[str]:
    return sorted({m.group() for m in EMAIL.finditer(text)} | set(MOBILE.findall(text)))


def test_the_check_finds_what_it_looks_for() -> None:
    leaky = "to jane.doe@kunde.de, einkauf%40kunde.example.de, jörg@müller.de, +49 30 1234567"
    assert unmasked(leaky) == [
        "+49 30 1234567",
        "einkauf%40kunde.example.de",
        "jane.doe@kunde.de",
        "jörg@müller.de",
    ]
    assert unmasked("j***@kunde.de +49*******67 <@U0ACME> 2026-11-25T10:00:00+00:00") == []


def test_no_log_line_carries_personal_data(
    suite_log: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    logs = sorted(tmp_path_factory.getbasetemp().rglob("*.log"))
    assert suite_log in logs
    assert suite_log.stat().st_size > 0, "the suite logged nothing: the capture is broken"
    leaks = {
        str(path): found
        for path in logs
        if (found := unmasked(path.read_text(encoding="utf-8", errors="replace")))
    }
    assert leaks == {}
