"""``flask --app tracker scheduler``: the one process that runs the scheduled jobs."""

from __future__ import annotations

from tracker.cli.support import command


@command("scheduler")
def scheduler_command() -> None:
    """Run the job scheduler in this process (the only place jobs run).
    \f
    Blocks until interrupted. Each job run opens units of work of its own
    (``tracker.jobs.runs``); the command's own unit of work stays empty."""
    from tracker.jobs.scheduler import run_scheduler  # APScheduler only for this command

    run_scheduler()
