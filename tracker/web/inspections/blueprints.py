"""Registering the supervision pages (one call from :func:`tracker.web.register_web`)."""

from __future__ import annotations

from flask import Flask

from tracker.domain.supervision import SupervisionAction


def register_supervision(app: Flask) -> None:
    """The rounds, problems, closing and debriefing blueprints, and the menu's test."""
    from tracker.web.inspections import closing_views, debriefing_views, problem_views, views
    from tracker.web.inspections.access import may_do

    for module in (views, problem_views, closing_views, debriefing_views):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["supervision_menu"] = lambda: may_do(SupervisionAction.VIEW)
