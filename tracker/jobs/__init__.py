"""Scheduled jobs: one table of job id, trigger and function (DESIGN.md §7).

Job functions are module-level (APScheduler pickles references to them), build their
own app context, commit their own work, and are safe to run twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A scheduled job: ``func`` is a "module:function" reference; ``trigger_args`` are
    the arguments of its cron trigger; ``settings`` maps trigger arguments to app settings
    that override them."""

    id: str
    func: str
    trigger_args: dict[str, Any]
    settings: dict[str, str]


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        id="daily_scan",
        func="tracker.jobs.scan:daily_scan",
        trigger_args={"hour": 7, "minute": 30},
        settings={"hour": "TRACKER_SCAN_HOUR", "minute": "TRACKER_SCAN_MINUTE"},
    ),
)
