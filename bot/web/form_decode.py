"""Slack's form-encoded bodies, decoded as `urllib.parse.parse_qsl` decodes them, faster.

A view submission is one field, `payload`, holding the whole view as JSON: about 30 kB, a
third of it percent-escapes. urllib undoes them in a Python loop (8 ms a submission on the
loaded benchmark machine, a quarter of a request thread's CPU); here the escapes become
`\\xHH` and the C codec that reads Python's string escapes undoes them all at once. Only
pure-ASCII text with well-formed escapes takes that path (what Slack sends); anything else
goes to urllib, so the answer is always parse_qsl's (tests/test_form_decode.py).
"""

from __future__ import annotations

import codecs
from urllib.parse import unquote_plus


def form_fields(text: str) -> dict[str, str]:
    """`dict(parse_qsl(text, keep_blank_values=True))`."""
    fields: dict[str, str] = {}
    for pair in text.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        fields[unquote(name)] = unquote(value)
    return fields


def unquote(text: str) -> str:
    """`urllib.parse.unquote_plus(text)`."""
    if "%" not in text:
        return text.replace("+", " ")
    if text.isascii():
        # Every backslash doubled first: the codec then sees no escape but ours.
        escaped = text.replace("+", " ").replace("\\", "\\\\").replace("%", "\\x")
        try:
            decoded = codecs.escape_decode(escaped.encode("ascii"))[0]
        except ValueError:  # a % not followed by two hex digits: urllib keeps it as it is
            pass
        else:
            return decoded.decode("utf-8", "replace")
    return unquote_plus(text)
