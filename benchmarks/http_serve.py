"""The server side of benchmarks.http_paths, in a process of its own.

    python -m benchmarks.http_serve (--floor | --database URL) --slack URL --users N --companies K

Prints the port it listens on, then serves until stdin closes. `--floor` is a bare Bolt
app on the same waitress settings whose listeners only ack (slash: ack + views.open).
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from flask import Flask, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from bot.bootstrap import Runtime, build
from bot.domain.model import Partner
from bot.server import WAITRESS, http_stack, stop
from bot.settings import Settings
from tests.slack_standin import DEFAULT_TOKEN

SECRET = "benchmark-secret"
TOKEN = DEFAULT_TOKEN


def floor(slack_url: str) -> MultiSocketServer | BaseWSGIServer:
    app = App(
        token=TOKEN,
        signing_secret=SECRET,
        client=WebClient(token=TOKEN, base_url=slack_url.rstrip("/") + "/"),
        token_verification_enabled=False,
    )

    @app.command("/preregister")
    def _slash(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "floor",
                "title": {"type": "plain_text", "text": "Floor"},
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "floor"}}],
            },
        )

    @app.view("preregister")
    @app.view("preregister_review")
    @app.action("approve")
    def _submit(ack: Any) -> None:
        ack()

    @app.event("app_home_opened")
    def _home(ack: Any) -> None:
        ack()

    web = Flask("floor")
    handler = SlackRequestHandler(app)
    web.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    return create_server(web, host="127.0.0.1", port=0, **WAITRESS)


def companies(runtime: Runtime, users: int, count: int) -> None:
    """User n works for company n % count: with 8 for 16 users, two Slack users a company,
    as in the data set (benchmarks/dataset.py); 1 puts every client in one company."""
    with runtime.context.uow() as uow:
        for k in range(count):
            if uow.partners.get(f"bench{k}") is None:
                staff = tuple(f"UBENCH{n:02d}" for n in range(users) if n % count == k)
                partner = Partner(
                    f"bench{k}",
                    f"Bench {k}",
                    "DE",
                    email=f"b@bench{k}.example",
                    slack_user_ids=staff,
                )
                uow.partners.add(partner, runtime.context.now())
        uow.commit()


def listening_port(server: MultiSocketServer | BaseWSGIServer) -> str:
    """The port waitress took (its `effective_port`, which the stubs leave out)."""
    assert isinstance(server, BaseWSGIServer)  # one address, so one socket
    return str(server.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--database")
    parser.add_argument("--slack", required=True)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--companies", type=int, default=8)
    args = parser.parse_args()
    if args.floor:
        server = floor(args.slack)
        threading.Thread(target=server.run, daemon=True).start()
        print(listening_port(server), flush=True)
        sys.stdin.read()
        server.close()
        return
    settings = Settings(
        _env_file=None,
        database_url=args.database,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=args.slack,
        review_channel_id="C0REVIEW",
        reviewer_user_ids="UREV1",
        invite_secret="benchmark-invite-secret",
        prereg_quota=1_000_000,
    )
    runtime = build(settings)
    companies(runtime, args.users, args.companies)
    stack = http_stack(runtime, "127.0.0.1", 0)
    threading.Thread(target=stack.server.run, daemon=True).start()
    stack.outbox.start()
    print(listening_port(stack.server), flush=True)
    sys.stdin.read()
    stop(stack, runtime)


if __name__ == "__main__":
    main()
