"""The people blueprint: units and users at ``/admin/units`` and ``/admin/users``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/admin")
