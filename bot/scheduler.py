"""The periodic jobs, and the APScheduler that ticks them inside `prereg serve` / `socket`.

Every job claims its work in the database (rows locked, or skipped when another replica holds
them), so each replica may run every job: nothing is done twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.adapters.waiting import patient
from bot.bootstrap import Runtime, utc_now
from bot.services.extension_chase import ChaseExtensionRequests, chase_extension_requests
from bot.services.extension_requests import LapseExtensionRequests, lapse_extension_requests
from bot.services.idempotency import PruneRequestKeys, prune_request_keys
from bot.services.questions import LapseUnanswered, lapse_unanswered
from bot.services.registrations import ExpireDue, expire_due
from bot.services.reminders import SendReminders, send_reminders
from bot.tracebacks import traceback_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    every: timedelta
    run: Callable[[Runtime], object]


def expire_registrations(runtime: Runtime) -> int:
    """Pre-registrations past valid_until become expired: quota and the customer are freed."""
    with patient():
        expired = expire_due(ExpireDue(), runtime.context)
    if expired:
        log.info("expired %d registration(s): %s", len(expired), [r.id for r in expired])
    return len(expired)


def lapse_questions(runtime: Runtime) -> int:
    """Review requests whose question to the partner went unanswered lapse as rejected."""
    lapsed = lapse_unanswered(LapseUnanswered(), runtime.context)
    if lapsed:
        log.info("lapsed %d unanswered request(s): %s", len(lapsed), [r.id for r in lapsed])
    return len(lapsed)


def lapse_extensions(runtime: Runtime) -> int:
    """Extension requests whose reservation ended before a decision lapse; the partner is told."""
    lapsed = lapse_extension_requests(LapseExtensionRequests(), runtime.context)
    if lapsed:
        log.info("lapsed %d extension request(s): %s", len(lapsed), [r.id for r in lapsed])
    return len(lapsed)


def chase_extensions(runtime: Runtime) -> int:
    """Reviewers halfway to and at an extension request's deadline, in its card's thread."""
    with patient():
        return chase_extension_requests(ChaseExtensionRequests(), runtime.context)


def remind(runtime: Runtime) -> int:
    """Partners before expiry, reviewers halfway to and at the review deadline."""
    with patient():
        return send_reminders(SendReminders(), runtime.context)


def forget_request_keys(runtime: Runtime) -> int:
    """Keys of requests carried out long ago: no replay comes that late."""
    with patient():
        return prune_request_keys(PruneRequestKeys(), runtime.context)


def deliver_outbox(runtime: Runtime) -> str:
    """Messages whose retry fell due, or left behind by a replica that stopped mid-send."""
    if runtime.sender is None:
        return "not sending: SLACK_BOT_TOKEN and REVIEW_CHANNEL_ID are needed; messages wait"
    with patient():
        report = runtime.deliver_outbox()
    return (
        f"sent {report.sent}, retrying {report.retried}, dead {report.dead},"
        f" skipped {report.skipped}"
    )


# Every periodic job, in the order `prereg sweep` (bot.cli) runs them: expiries first (a
# reminder for what just expired is then not sent), delivery last, so the messages the
# others cause go out in the same sweep.
JOBS: tuple[Job, ...] = (
    Job("expire_due", timedelta(minutes=1), expire_registrations),
    Job("lapse_questions", timedelta(minutes=1), lapse_questions),
    Job("lapse_extensions", timedelta(minutes=1), lapse_extensions),
    Job("send_reminders", timedelta(minutes=1), remind),
    Job("chase_extensions", timedelta(minutes=1), chase_extensions),
    Job("prune_request_keys", timedelta(hours=1), forget_request_keys),
    Job("deliver_outbox", timedelta(seconds=30), deliver_outbox),
)


def build_scheduler(runtime: Runtime, jobs: Sequence[Job] = JOBS) -> BackgroundScheduler:
    """Not started. Each job runs once at start (catching up at once), then at its interval."""
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max(len(jobs), 1))},
        timezone=UTC,
    )
    # APScheduler counts in real time, not the jobs' clock: the composition root's wall clock.
    start = utc_now()
    for job in jobs:
        scheduler.add_job(
            _guarded(job, runtime),
            IntervalTrigger(seconds=job.every.total_seconds(), timezone=UTC),
            id=job.id,
            name=job.id,
            next_run_time=start,
            coalesce=True,  # runs missed while busy or asleep collapse into one
            max_instances=1,
            misfire_grace_time=max(int(job.every.total_seconds() // 2), 1),
        )
    return scheduler


def _guarded(job: Job, runtime: Runtime) -> Callable[[], bool]:
    def run() -> bool:
        try:
            job.run(runtime)
            return True
        except Exception as error:
            log.error(
                "periodic job %s failed; it runs again at its next tick\n%s",
                job.id,
                traceback_text(error),
            )
            return False

    run.__name__ = f"job_{job.id}"
    return run
