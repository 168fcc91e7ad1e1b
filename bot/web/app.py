"""The WSGI app: Slack's requests through Bolt, the health check, and the pages blueprints add."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Flask, Request, Response, jsonify, request
from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_bolt.request.internals import build_context

from bot.tracebacks import traceback_text
from bot.web.slack_guard import screen

log = logging.getLogger(__name__)

# Slack's payloads are a few kilobytes; anything much larger is not Slack.
MAX_BODY = 2 * 1024 * 1024


def create_web_app(
    slack_handler_app: App,
    health: Callable[[], bool],
    *,
    blueprints: Iterable[Blueprint] = (),
    secret_key: str | None = None,
    signing_secret: str | None = None,
    busy: Callable[[], bool] = lambda: False,
) -> Flask:
    """`POST /slack/events` (Bolt verifies the signature: 401 otherwise), `GET /healthz`.

    Further pages come as blueprints, e.g. the invitation pages (`/invite/<token>`), built by
    the caller with what they need and passed in here.
    """
    web = Flask(__name__)
    web.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    if secret_key is not None:
        # Signs the session cookie that carries the pages' form (CSRF) tokens: the same key
        # on every replica. The cookie is only ever sent back by the pages' own forms.
        web.config.update(
            SECRET_KEY=secret_key,
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            WTF_CSRF_TIME_LIMIT=3600,
        )
    slack = SlackRequestHandler(slack_handler_app)
    # The same secret Bolt verifies with (it keeps no public copy).
    secret = signing_secret or str(getattr(slack_handler_app, "_signing_secret", "") or "")

    @web.post("/slack/events")
    def slack_events() -> Response:
        answer, body = screen(request, secret, busy=busy)
        if answer is not None:
            return answer
        if body is None:
            return slack.handle(request)
        return to_flask_response(slack_handler_app.dispatch(parsed_request(request, body)))

    @web.get("/healthz")
    def healthz() -> tuple[Response, int]:
        up = _answers(health)
        answer = jsonify(status="ok" if up else "unavailable")
        answer.headers["Cache-Control"] = "no-store"
        return answer, 200 if up else 503

    for blueprint in blueprints:
        web.register_blueprint(blueprint)
    return web


def parsed_request(req: Request, body: dict[str, Any]) -> BoltRequest:
    """The request as Bolt's Flask adapter builds it, with the body parsed once, in
    bot.web.slack_guard: parsing it again (a submission carries its whole view, 60 kB
    form-encoded, undone by pure-Python unquoting) was a third of the request threads' CPU."""
    bolt = BoltRequest(body="", query=req.query_string.decode("utf-8"), headers=req.headers)  # type: ignore[arg-type]
    bolt.raw_body = req.get_data(as_text=True)  # what Bolt's own signature check reads
    bolt.body = body
    bolt.context = build_context(BoltContext({}), body)
    return bolt


def _answers(health: Callable[[], bool]) -> bool:
    try:
        return health()
    except Exception as error:
        log.warning("health check failed\n%s", traceback_text(error))
        return False
