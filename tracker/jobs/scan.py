"""The daily lag scan job."""

from __future__ import annotations

import logging

from tracker.clock import today
from tracker.extensions import db
from tracker.services.scan import run_scan

log = logging.getLogger(__name__)


def daily_scan() -> None:
    """Scan every plan as of today and store new alerts; a rerun adds nothing."""
    from tracker import create_app

    app = create_app()
    with app.app_context():
        result = run_scan(today())
        db.session.commit()
        log.info(
            "scan %s: %d tasks, %d new alerts",
            result.as_of,
            len(result.statuses),
            result.alerts_created,
        )
