"""A process that never draws a chart never loads matplotlib (≈50 MB of every web worker
and of the scheduler): the app is built without it, and the first chart loads it."""

from __future__ import annotations

import subprocess
import sys

BUILD_THEN_DRAW = """
import sys
from tracker import create_app
from tracker.io.chart_series import MilestoneChartSeries
create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
print("matplotlib" in sys.modules)
from tracker.io.briefing_charts import trend_png
png = trend_png([("2020年第三季度", {})])
print("matplotlib" in sys.modules, png[:4] == b"\\x89PNG")
"""


def test_the_app_is_built_without_matplotlib_and_the_first_chart_loads_it() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BUILD_THEN_DRAW], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True", "True"], done.stderr[-2000:]
