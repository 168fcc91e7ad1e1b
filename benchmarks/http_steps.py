"""What one client does on each path of benchmarks.http_paths, and what it times.

Each step returns (latency of the request, whether it was answered 200, seconds from sending
it until the stand-in received the Slack call it causes, or None when it causes none). The
steps that need earlier state find it in what the earlier paths left: the blocked submission
names a customer another company registered on the eligible path; Approve decides the review
cards the justified path caused.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from tests.slack_driver import Reply, SlackDriver
from tests.slack_standin import SlackStandin
from tests.web_client import WebClient

Sample = tuple[float, bool, float | None]  # latency, ok, seconds until the Slack call
Step = Callable[[int, int], Sample | None]  # None: nothing left to do on this path
MISSING = -1.0  # the Slack call the request should cause never came (5 s)
REVIEW_CHANNEL = "C0REVIEW"
REVIEWER = "UREV1"
FLOOR_CARD = {
    "channel": REVIEW_CHANNEL,
    "ts": "1700000000.000100",
    "blocks": [
        {
            "type": "actions",
            "block_id": "decide",
            "elements": [
                {
                    "type": "button",
                    "action_id": "approve",
                    "text": {"type": "plain_text", "text": "Approve"},
                    "value": "1",
                }
            ],
        }
    ],
}
NAME = re.compile(r"Kunde J\d+x\d+")
INVITE = re.compile(r"/invite/[A-Za-z0-9_.\-]+")


class Driver(SlackDriver):
    """Remembers the trigger_id of its last request: the views.open it causes names it."""

    last_trigger = ""

    def trigger_id(self, user_id: str, age: float = 0.0) -> str:
        self.last_trigger = super().trigger_id(user_id, age)
        return self.last_trigger


def user(n: int) -> str:
    return f"UBENCH{n:02d}"


def caused(
    slack: SlackStandin, method: str, match: Callable[[Any], bool], mark: int, sent: float
) -> float | None:
    """Seconds from sending the request to the stand-in receiving the call it caused."""
    try:
        call = slack.wait_for(method, match, timeout=5.0, after=mark)
    except AssertionError:
        return MISSING
    return call.at - sent


def mentions(name: str) -> Callable[[Any], bool]:
    return lambda call: name in json.dumps(call.args)


class Steps:
    """The steps of one server under test; `floor`: the bare Bolt app, which only acks."""

    def __init__(
        self, slack: SlackStandin, drivers: list[Driver], floor: bool, companies: int
    ) -> None:
        self.slack, self.drivers, self.floor, self.companies = slack, drivers, floor, companies
        self._cards: list[dict[str, Any]] | None = None
        self._invites: list[tuple[str, str, str]] = []  # link path, customer name, email
        self._lock = threading.Lock()

    def paths(self) -> dict[str, Step]:
        return {
            "slash command": self.slash,
            "eligible submission": self.eligible,
            "blocked submission": self.blocked,
            "review-case submission": self.review_case,
            "justified submission": self.justified,
            "reviewer Approve": self.approve,
            "App Home opened": self.home,
            "invitation page GET": self.invitation_page,
            "invitation page POST": self.invitation_accept,
        }

    def slash(self, n: int, i: int) -> Sample:
        driver, who = self.drivers[n], user(n)
        mark, sent = len(self.slack.calls()), time.time()
        reply = driver.slash_command(who)
        trigger = driver.last_trigger
        opened = caused(
            self.slack, "views.open", lambda c: c.args.get("trigger_id") == trigger, mark, sent
        )
        return reply.elapsed, reply.status == 200, opened

    def eligible(self, n: int, i: int) -> Sample:
        name, email = f"Kunde {n}-{i}", f"k{n}x{i}@kunde{n}.example"
        reply = self._submit(n, i, name, email)
        link = INVITE.search(reply.body)
        if link is not None:  # the result shows the invitation: the pages' paths use them
            with self._lock:
                self._invites.append((link[0], name, email))
        return reply.elapsed, reply.status == 200, None

    def blocked(self, n: int, i: int) -> Sample:
        """A customer the next client's company registered on the eligible path (another
        company's while there are several)."""
        other = (n + 1) % len(self.drivers)
        reply = self._submit(n, i, f"Kunde B{n}x{i}", f"k{other}x0@kunde{other}.example")
        return reply.elapsed, reply.status == 200, None

    def review_case(self, n: int, i: int) -> Sample:
        """A customer in another country than the company's: the rules ask for a reason."""
        reply = self._submit(n, i, f"Kunde R{n}x{i}", f"r{n}x{i}@kunde{n}.example", "FR")
        return reply.elapsed, reply.status == 200, None

    def justified(self, n: int, i: int) -> Sample:
        """The review case's second step, timed to its card in the reviewers' channel."""
        name = f"Kunde J{n}x{i}"
        self._submit(n, i, name, f"j{n}x{i}@kunde{n}.example", "FR")
        driver, who = self.drivers[n], user(n)
        mark, sent = len(self.slack.calls()), time.time()
        if self.floor:
            view = {"id": f"VJ{n}x{i}", "type": "modal", "callback_id": "preregister_review"}
            reply = driver.submit_view(who, view=view, values={})
            return reply.elapsed, reply.status == 200, None
        reply = driver.submit_view(who, {"Justification": "Met at a fair in Lyon"})
        card = caused(self.slack, "chat.postMessage", mentions(name), mark, sent)
        return reply.elapsed, reply.status == 200, card

    def approve(self, n: int, i: int) -> Sample | None:
        """A reviewer approves a card; timed to the decision's DM to the company."""
        card = FLOOR_CARD if self.floor else self._next_card()
        if card is None:
            return None  # every card is decided: this client is done
        mark, sent = len(self.slack.calls()), time.time()
        reply = self.drivers[n].click(REVIEWER, message=card, text="Approve")
        found = NAME.search(json.dumps(card))
        dm = None
        if found is not None and not self.floor:
            to_company: Callable[[Any], bool] = lambda c: (  # noqa: E731
                str(c.args.get("channel", "")).startswith("D") and mentions(found[0])(c)
            )
            dm = caused(self.slack, "chat.postMessage", to_company, mark, sent)
        return reply.elapsed, reply.status == 200, dm

    def home(self, n: int, i: int) -> Sample:
        driver, who = self.drivers[n], user(n)
        mark, sent = len(self.slack.calls()), time.time()
        reply = driver.app_home_opened(who, event_id=f"Ev{n}x{i}x{time.time_ns()}")
        mine: Callable[[Any], bool] = lambda c: c.args.get("user_id") == who  # noqa: E731
        published = None if self.floor else caused(self.slack, "views.publish", mine, mark, sent)
        return reply.elapsed, reply.status == 200, published

    def invitation_page(self, n: int, i: int) -> Sample | None:
        """A customer opens an invitation link (the eligible path's, in turn)."""
        if not self._invites:
            return None  # the floor serves no pages
        path = self._invites[(n * 31 + i) % len(self._invites)][0]
        started = time.perf_counter()
        page = WebClient().get(self._base(n) + path)
        return time.perf_counter() - started, page.status == 200, None

    def invitation_accept(self, n: int, i: int) -> Sample | None:
        """A customer accepts an invitation (each one once); timed to the company's DM."""
        with self._lock:
            if not self._invites:
                return None
            path, name, email = self._invites.pop()
        client = WebClient()
        url = self._base(n) + path
        form = client.get(url)  # untimed: the page with its form token
        mark, sent = len(self.slack.calls()), time.time()
        started = time.perf_counter()
        typed = {"csrf_token": form.csrf_token, "email": email, "name": "Kim", "consent": "yes"}
        page = client.post(url, typed)
        elapsed = time.perf_counter() - started
        told: Callable[[Any], bool] = lambda c: (  # noqa: E731
            mentions(name)(c) and "has associated" in json.dumps(c.args)
        )
        dm = caused(self.slack, "chat.postMessage", told, mark, sent)
        return elapsed, page.status == 200, dm

    def _base(self, n: int) -> str:
        return self.drivers[n].url.removesuffix("/slack/events")

    def _submit(self, n: int, i: int, name: str, email: str, country: str = "DE") -> Reply:
        """Open the form (untimed), then submit it: the first step's answer."""
        driver, who = self.drivers[n], user(n)
        mark = len(self.slack.calls())
        driver.slash_command(who)
        trigger = driver.last_trigger
        self.slack.wait_for(
            "views.open", lambda c: c.args.get("trigger_id") == trigger, 5.0, after=mark
        )
        if self.floor:
            view = {"id": f"VF{n}x{i}x{time.time_ns()}", "type": "modal"}
            return driver.submit_view(who, view={**view, "callback_id": "preregister"}, values={})
        answers = {"Customer name": name, "Email": email, "Country / region": country}
        return driver.submit_view(who, answers)

    def _next_card(self) -> dict[str, Any] | None:
        """The review cards still waiting for a decision, one per Approve."""
        with self._lock:
            if self._cards is None:
                self._cards = [
                    m
                    for m in self.slack.messages(REVIEW_CHANNEL)
                    if '"action_id": "approve"' in json.dumps(m) and NAME.search(json.dumps(m))
                ]
            return self._cards.pop() if self._cards else None
