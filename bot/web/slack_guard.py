"""What stands before Bolt at `POST /slack/events`: the signature, the encoding, the envelope.

Bolt would log the whole body of a request it refuses and answer 500 to a malformed timestamp
or payload; here every such request gets its status at once (401 unsigned, 400 malformed) and a
one-line summary in the log that carries no part of the body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from flask import Request, Response, jsonify

from bot.web import envelope
from bot.web.form_decode import form_fields
from bot.web.shedding import busy_answer

log = logging.getLogger(__name__)

WINDOW = 5 * 60  # seconds a signed request stays valid, as Bolt and Slack's guide say
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
NUL_IN_FIELD = "Remove the NUL character (an invisible control character) and try again."
NUL_IN_TEXT = "That text contains a NUL character (an invisible control character): remove it."


def refusal(
    request: Request,
    secret: str,
    now: Callable[[], float] = time.time,
    busy: Callable[[], bool] = lambda: False,
) -> Response | None:
    """The answer to a request that must not reach Bolt, or None to let Bolt handle it.
    `busy`: the listeners have as much waiting as they may (bot.web.shedding)."""
    return screen(request, secret, now, busy)[0]


def screen(
    request: Request,
    secret: str,
    now: Callable[[], float] = time.time,
    busy: Callable[[], bool] = lambda: False,
) -> tuple[Response | None, dict[str, Any] | None]:
    """As `refusal`, with the body as parsed here (None when refused before it was): Bolt
    is handed it rather than parsing a submission's form-encoded view a second time."""
    raw = request.get_data(cache=True)
    if not signed(request, raw, secret, now()):
        log.info("refused unsigned request: %s", summary(request, raw))
        return _status(401, "invalid request"), None
    try:
        body = parse(raw, (request.headers.get("Content-Type") or "").split(";")[0])
    except ValueError as malformed:
        log.warning("refused malformed request: %s (%s)", malformed, summary(request, raw))
        return _status(400, "malformed request"), None
    why = envelope.problem(body)
    if why is not None:
        log.warning("refused malformed request: %s (%s)", why, summary(request, raw))
        return _status(400, "malformed request"), None
    nul = _nul_answer(body, request, raw)
    if nul is None and busy():
        shed = busy_answer(body)
        if shed is not None:
            log.warning("busy: answered at once, not queued: %s", summary(request, raw))
        return shed, body
    return nul, body


def signed(request: Request, raw: bytes, secret: str, now: float) -> bool:
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not secret or not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return False
    if abs(now - int(timestamp)) > WINDOW:
        return False
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def parse(raw: bytes, content_type: str | None) -> Any:
    """The body as Bolt will see it (`slack_bolt.request.internals.parse_body`); ValueError
    with a reason if it cannot be."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the body is not UTF-8") from None
    if content_type == "application/json" or text.startswith("{"):
        return _json(text, "the JSON body")
    form = form_fields(text)  # parse_qsl's answer, at C speed for what Slack sends
    if "payload" in text:
        return _json(form["payload"], "the payload field") if "payload" in form else {}
    return form


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError(f"{what} nests too deep") from None
    except ValueError:
        raise ValueError(f"{what} is not JSON") from None


def summary(request: Request, raw: bytes) -> str:
    """A bounded description of a refused request: never any of its content."""
    kind = request.mimetype or "no content type"
    retry = request.headers.get("X-Slack-Retry-Num")
    return f"{len(raw)} bytes of {kind[:60]}" + (f", retry {retry[:4]}" if retry else "")


def _nul_answer(body: dict[str, Any], request: Request, raw: bytes) -> Response | None:
    """PostgreSQL cannot store a NUL character: say so where it was typed, before anything runs."""
    if not envelope.has_nul(body):
        return None
    log.info("refused a NUL character: %s", summary(request, raw))
    if body.get("type") == "view_submission":
        fields = envelope.fields_with_nul(body)
        if fields:
            return jsonify(
                response_action="errors", errors={field: NUL_IN_FIELD for field in fields}
            )
    if "command" in body:
        return jsonify(response_type="ephemeral", text=NUL_IN_TEXT)
    return _status(400, "malformed request")


def _status(status: int, error: str) -> Response:
    answer = jsonify(error=error)
    answer.status_code = status
    return answer
