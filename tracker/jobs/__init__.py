"""Scheduled jobs: one table of job id, trigger and function (DESIGN.md §7).

Job functions are module-level (APScheduler pickles references to them), are safe to
run twice, and are decorated with ``tracker.jobs.runs.recorded``, which gives each run an
app context, a unit of work and a record (``JobRun``). Jobs never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A scheduled job: ``func`` is a "module:function" reference; ``trigger`` is "cron"
    or "interval" and ``trigger_args`` are the arguments of that trigger; ``settings``
    maps trigger arguments to the fields of ``SchedulerSettings`` that override them."""

    id: str
    func: str
    trigger_args: dict[str, Any]
    settings: dict[str, str] = field(default_factory=dict)
    trigger: Literal["cron", "interval"] = "cron"


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        id="daily_scan",
        func="tracker.jobs.scan:daily_scan",
        trigger_args={"hour": 7, "minute": 30},
        settings={"hour": "scan_hour", "minute": "scan_minute"},
    ),
    JobSpec(
        id="daily_reminders",
        func="tracker.jobs.remind:daily_reminders",
        trigger_args={"hour": 8, "minute": 0},
        settings={"hour": "remind_hour", "minute": "remind_minute"},
    ),
    JobSpec(
        id="daily_backup",
        func="tracker.jobs.backup:daily_backup",
        trigger_args={"hour": 2, "minute": 30},
        settings={"hour": "backup_hour", "minute": "backup_minute"},
    ),
    JobSpec(
        id="briefings",
        func="tracker.jobs.briefing:briefings",
        trigger_args={"hour": 8, "minute": 30},
    ),
    JobSpec(
        id="deliver_pending",
        func="tracker.jobs.deliver:deliver_pending",
        trigger_args={"minutes": 10},
        trigger="interval",
    ),
)
