"""The app as production's web workers serve it: ``gunicorn "tracker.wsgi:serving_app()"``
(``scripts/serve``).

A worker holds some 290,000 objects once the app is built (the modules, SQLAlchemy's
mappers, the templates), and each request leaves a few thousand more behind for a moment;
every few dozen requests CPython's collector then walks all of them in one generation-2
collection, which took 170–240 ms here — a request that meets one is the slowest of its
page (the ledger of a 10,000-task plan: 50 ms, 220 ms with one). Frozen after start-up,
those objects are left out of every collection, and a generation-2 collection costs a few
milliseconds (issue 14 §3).
"""

from __future__ import annotations

import gc

from flask import Flask

from tracker import create_app


def freeze_start_up() -> None:
    """Collect what start-up left unreachable, then move every object still alive into
    the collector's permanent generation (:func:`gc.freeze`): they are still freed when
    their references go, only never walked again by the cycle collector."""
    gc.collect()
    gc.freeze()


def serving_app() -> Flask:
    """:func:`tracker.create_app` from the environment, with :func:`freeze_start_up`
    called once it is built (one call per worker process)."""
    app = create_app()
    freeze_start_up()
    return app
