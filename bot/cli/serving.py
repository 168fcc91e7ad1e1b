"""`prereg serve`, `prereg socket` and `prereg db upgrade`."""

from __future__ import annotations

import argparse

from bot.cli.common import (
    OK,
    Subparsers,
    database_errors,
    group,
    masked,
    port,
    runtime_for,
    slack_settings,
    sub,
)


def register(commands: Subparsers[argparse.ArgumentParser]) -> None:
    serve = sub(commands, "serve", "serve Slack (HTTP mode), invitation pages and /healthz")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=port, help="port to listen on (default: the PORT setting)")
    serve.add_argument("--no-scheduler", action="store_true", help="do not run periodic jobs")
    serve.set_defaults(command=_serve)

    sub(commands, "socket", "serve Slack over Socket Mode").set_defaults(command=_socket)

    db = group(commands, "db", "the database schema")
    sub(db, "upgrade", "create or upgrade the schema").set_defaults(command=_db_upgrade)


def _serve(args: argparse.Namespace) -> int:
    settings = slack_settings(socket_mode=False, doing="serve")
    # Imported here, not at the top: the other commands need neither Slack nor the web server.
    from bot import server

    with runtime_for(args, settings) as runtime:
        port = args.port or settings.port
        server.serve(runtime, host=args.host, port=port, scheduler=not args.no_scheduler)
    return OK


def _socket(args: argparse.Namespace) -> int:
    settings = slack_settings(socket_mode=True, doing="start Socket Mode")
    from bot import server

    with runtime_for(args, settings) as runtime:
        server.socket(runtime, scheduler=True)
    return OK


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.bootstrap import upgrade_schema
    from bot.settings import load_settings

    settings = load_settings()
    with database_errors(settings.database_url):
        before, after = upgrade_schema(settings)
    where = masked(settings.database_url)
    if before is None:
        print(f"created the schema at revision {after} in {where}")
    elif before == after:
        print(f"already at the newest revision, {after}, in {where}")
    else:
        print(f"upgraded the schema from revision {before} to {after} in {where}")
    return OK
