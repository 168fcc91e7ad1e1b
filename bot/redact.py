"""Masking personal data and secrets in log lines, in time linear in the text's length.

Log lines carry text from outside (request summaries, errors quoting values, SQL errors), so
nothing here may backtrack over an unbounded run of characters: every pattern starts at a
fixed anchor (`@`, `+`, `0`, `xox`) and reads at most a bounded number of characters from it.
"""

from __future__ import annotations

import logging
import re

from bot.tracebacks import traceback_text

MAX_LINE = 4000
"""Characters kept of one log message; the rest is cut (a log line is a summary, not a copy)."""

_LOCAL_MAX = 64  # RFC 5321: a local part has at most 64 octets
# Characters that end an unquoted local part when reading leftwards from the `@`.
_STOPS = r" \t\r\n<>()\[\]{},;:\"'|/\\=&?@`"
_LOCAL_STOP = frozenset(" \t\r\n<>()[]{},;:\"'|/\\=&?@`")
# An `@` (or URL-encoded `%40`) right after a character a local part may end with.
_AT = re.compile(rf"(?:(?<=[^{_STOPS}])|(?<=\"))(?:@|%40)", re.IGNORECASE)
_DOMAIN = re.compile(r"[^\s<>()\[\]{},;:\"'|/\\=&?@`%]{0,255}")
_PLUS_NUMBER = re.compile(r"(?:\+|%2B)(?:[ \-.()]{0,2}\d){6,15}(?!\d)", re.IGNORECASE)
_NATIONAL_NUMBER = re.compile(r"(?<![\w.+%\-])0(?:[ \-]?\d){7,14}(?![\w])")
_TOKEN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]{1,255}")


def redact(text: str) -> str:
    """Emails as `j***@example.com` (any local part, quoted, non-ASCII or URL-encoded), mobiles
    as `+49*******67`, Slack tokens as `xoxb-***`."""
    return _TOKEN.sub(r"\1-***", _mask_numbers(_mask_emails(text)))


def bounded(text: str, limit: int = MAX_LINE) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters cut]"


def _mask_emails(text: str) -> str:
    pieces: list[str] = []
    done = 0  # text[:done] is already in pieces
    for at in _AT.finditer(text):
        if at.start() < done:
            continue  # inside the domain of the previous address
        start = _local_start(text, at.start(), done)
        if start == at.start():
            continue  # nothing before the `@`: a mention, a decorator, a bare sign
        domain_end = _DOMAIN.match(text, at.end()).end()  # type: ignore[union-attr]
        pieces.append(text[done:start])
        pieces.append(f"{text[start]}***@{text[at.end() : domain_end]}")
        done = domain_end
    pieces.append(text[done:])
    return "".join(pieces)


def _local_start(text: str, at: int, floor: int) -> int:
    """Where the local part before `text[at]` begins, reading at most 64 characters back."""
    lowest = max(floor, at - _LOCAL_MAX - 2)
    if at > floor and text[at - 1] == '"':  # a quoted local part: "jane doe"@example.com
        opening = text.rfind('"', lowest, at - 1)
        if opening >= 0:
            return opening
    start = at
    while start > lowest and text[start - 1] not in _LOCAL_STOP:
        start -= 1
    return start


def _mask_numbers(text: str) -> str:
    return _NATIONAL_NUMBER.sub(_masked_number, _PLUS_NUMBER.sub(_masked_number, text))


def _masked_number(found: re.Match[str]) -> str:
    number = found.group()
    prefix = "%2B" if number[:3].upper() == "%2B" else "+" if number[0] == "+" else ""
    digits = [c for c in number[len(prefix) :] if c.isdigit()]
    return prefix + "".join(digits[:2]) + "*" * max(len(digits) - 4, 0) + "".join(digits[-2:])


class Redacting(logging.Filter):
    """Rewrites each record's message bounded and redacted, before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call (wrong arguments): keep what can be kept
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(bounded(message)), None
        if record.exc_info and not record.exc_text:  # a library's; ours log traceback_text
            error = record.exc_info[1]
            if error is not None:
                record.exc_text = traceback_text(error)
        if record.exc_text:
            record.exc_text = redact(bounded(record.exc_text, 4 * MAX_LINE))
        record.exc_info = None
        return True
