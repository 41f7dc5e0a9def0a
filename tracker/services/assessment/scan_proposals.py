"""Proposals where people work (issue 11 §6): after the daily scan, every indicator set
with tasks mapped to it proposes deductions from the plan's new lag events — once per
event, as :func:`propose_from_lags` keys each by event, unit and indicator."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa

from config.settings import Settings
from tracker.extensions import db
from tracker.models import Indicator, Task, TaskIndicator
from tracker.services.assessment.proposals import propose_from_lags

log = logging.getLogger(__name__)


def mapped_pairs() -> list[tuple[int, int]]:
    """(set id, plan id) of every set with at least one task of the plan mapped to it."""
    rows = db.session.execute(
        sa.select(Indicator.set_id, Task.plan_id)
        .join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
        .join(Task, Task.id == TaskIndicator.task_id)
        .distinct()
        .order_by(Indicator.set_id, Task.plan_id)
    )
    return [(set_id, plan_id) for set_id, plan_id in rows]


def propose_everywhere(as_of: date, settings: Settings) -> int:
    """Propose the deductions of every mapped set and plan as of ``as_of`` under the
    app's ``settings`` (assessment weights and points, lag thresholds); the number of new
    proposals (a rerun adds none), also logged. Flushes; the caller (the scan job)
    commits."""
    created = sum(propose_for(pair, as_of, settings) for pair in mapped_pairs())
    log.info("scan %s: %d deductions proposed", as_of, created)
    return created


def propose_for(pair: tuple[int, int], as_of: date, settings: Settings) -> int:
    """Propose the deductions of one (set id, plan id) of :func:`mapped_pairs` as of
    ``as_of``; the number of new proposals. The scan job writes each pair in a brief
    transaction of its own. Flushes."""
    set_id, plan_id = pair
    proposed = propose_from_lags(
        set_id, plan_id, as_of, settings=settings.assessment, lag=settings.lag
    )
    db.session.flush()
    return len(proposed)
