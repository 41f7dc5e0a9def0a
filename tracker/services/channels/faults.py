"""The kill switch of the fault-injection test (tests/integration/test_outbox_faults.py).

Inert unless the environment variable ``TRACKER_TEST_KILL_AT`` is set; it is not a setting
and nothing in production sets it. ``TRACKER_TEST_KILL_AT="<point>:<n>"`` makes the n-th
call of :func:`kill_point` with that point (counted in this process) kill the process
with SIGKILL — no cleanup, no rollback, no ``finally``: as a power cut or the OOM killer
would. The points, in the order a reminder pass and its delivery step reach them:

- ``notice``: a supervision notice issued inside a chunk of the pass, not committed;
- ``chunk``: a chunk of the pass committed (notices, reminders or digests), the rest not;
- ``digest``: a digest, its reminders and deliveries written inside a chunk, not committed;
- ``recorded``: the pass done, nothing sent;
- ``claimed``: a delivery claimed ("sending") and committed, not sent;
- ``sent``: the channel took the message, its outcome not recorded;
- ``marked``: the outcome committed.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

VARIABLE = "TRACKER_TEST_KILL_AT"
_reached: Counter[str] = Counter()


def kill_point(point: str) -> None:
    """Count one arrival at ``point``; SIGKILL this process if ``TRACKER_TEST_KILL_AT``
    names this point and arrival. Does nothing while the variable is unset."""
    spec = os.environ.get(VARIABLE)
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != point:
        return
    _reached[point] += 1
    if _reached[point] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
