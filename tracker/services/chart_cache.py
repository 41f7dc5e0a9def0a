"""Milestone charts cached per task and day (issue 13 §6): drawn once, reused by the task
page and the briefings until the task's reports or milestones change.

The key is the task, the day, the size and a fingerprint of what the chart shows (the
reports' ids, statuses, values and last changes; the milestones in force), so a new
report or a corrected milestone draws a new chart; the cache keeps the newest
:data:`CAPACITY` charts of this process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from datetime import date

from tracker.models import ProgressReport, Task
from tracker.services.charts import milestone_series

CAPACITY = 512
_cache: OrderedDict[Hashable, bytes] = OrderedDict()
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}


def _fingerprint(task: Task, reports: Sequence[ProgressReport]) -> Hashable:
    return (
        tuple(sorted((r.id, str(r.status), r.value, str(r.updated_at)) for r in reports)),
        tuple((m.id, m.due, m.target_value, m.target_text) for m in task.milestones),
        task.text,
    )


def task_chart_png(
    task: Task,
    reports: Sequence[ProgressReport],
    as_of: date,
    *,
    width_px: int = 900,
    height_px: int = 420,
) -> bytes:
    """The PNG of ``task``'s milestone chart as of ``as_of``, from the cache when it
    shows the same reports and milestones."""
    key = (task.id, as_of, width_px, height_px, _fingerprint(task, reports))
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            _stats["hits"] += 1
            return found
    series = milestone_series(task, list(reports), as_of)
    from tracker.io.charts import render_milestone_chart  # matplotlib on the first chart

    png = render_milestone_chart(series, width_px=width_px, height_px=height_px)
    with _lock:
        _stats["misses"] += 1
        _cache[key] = png
        while len(_cache) > CAPACITY:
            _cache.popitem(last=False)
    return png


def cache_stats() -> dict[str, int]:
    """Hits and misses since start (or :func:`clear`)."""
    with _lock:
        return dict(_stats, size=len(_cache))


def clear() -> None:
    """Empty the cache (tests)."""
    with _lock:
        _cache.clear()
        _stats.update(hits=0, misses=0)
