"""Milestone charts: valid PNGs of the requested size, drawn with the Noto CJK font."""

from __future__ import annotations

import struct
import sys
import threading
import warnings
from datetime import date
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tracker.io.charts import (
    CJK_FONT_FILENAME,
    ChartPoint,
    MilestoneChartSeries,
    chart_rc_params,
    cjk_font_family,
    cjk_font_path,
    render_milestone_chart,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLAN = (date(2019, 1, 1), date(2025, 12, 31))
TODAY = date(2020, 11, 20)
LONG_TITLE = (
    "推进工会组织和工会工作向新经济组织、新社会组织延伸，非公有制企业建会率、"
    "新就业形态劳动者入会率不断提高，职工之家建设全覆盖，实现工会服务阵地规范化建设，"
    "2019年达到20%，2020年达到35%，2025年全覆盖"
)


def png_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) from a PNG's IHDR chunk, checking the signature."""
    assert data[:8] == PNG_SIGNATURE
    length, chunk_type = struct.unpack(">I4s", data[8:16])
    assert chunk_type == b"IHDR"
    assert length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def cixi_series() -> MilestoneChartSeries:
    """Level 20 % by 2019, 35 % by 2020, 100 % by 2025; two accepted reports, one pending."""
    targets = [
        ChartPoint(date(2019, 12, 31), 20, "≥20%"),
        ChartPoint(date(2020, 12, 31), 35, "≥35%"),
        ChartPoint(date(2025, 12, 31), 100, "100%"),
    ]
    expected = [ChartPoint(PLAN[0], 0), *targets]
    return MilestoneChartSeries(
        title=LONG_TITLE,
        unit="%",
        targets=targets,
        expected=[ChartPoint(p.day, p.value) for p in expected],
        reported=[ChartPoint(date(2019, 12, 31), 22), ChartPoint(date(2020, 6, 30), 28)],
        pending=[ChartPoint(date(2020, 9, 30), 31)],
        stages=[ChartPoint(date(2019, 12, 31), 0, "启动")],
        today=TODAY,
        period=PLAN,
    )


def stage_only_series() -> MilestoneChartSeries:
    """'2019年启动，2020年完成并常态化推进': stages only, no numbers."""
    return MilestoneChartSeries(
        title="建立健全产业工人技能形成体系，2019年启动，2020年完成并常态化推进",
        unit=None,
        targets=[],
        expected=[],
        reported=[],
        stages=[
            ChartPoint(date(2019, 12, 31), 0, "启动"),
            ChartPoint(date(2020, 12, 31), 0, "完成"),
        ],
        today=TODAY,
        period=PLAN,
    )


def render_without_warnings(series: MilestoneChartSeries, **size: int) -> bytes:
    """Render and fail on any warning (matplotlib warns 'Glyph … missing from font(s)')."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = render_milestone_chart(series, **size)
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "missing from" in m or "Glyph" in m], messages
    assert not messages, messages
    return data


# --------------------------------------------------------------------------- font


def test_font_file_is_the_mplfonts_noto_cjk_file() -> None:
    path = cjk_font_path()
    assert path.name == CJK_FONT_FILENAME
    assert path.parent.parent.name == "mplfonts"
    assert "simhei" not in path.name.lower()


def test_configured_family_resolves_to_noto_cjk() -> None:
    family = cjk_font_family()
    assert family == "Noto Sans CJK SC"
    params = chart_rc_params()
    assert params["font.sans-serif"][0] == family
    assert params["axes.unicode_minus"] is False
    found = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert Path(found).name == CJK_FONT_FILENAME
    with matplotlib.rc_context(params):
        found_default = font_manager.findfont(font_manager.FontProperties())
    assert Path(found_default).name == CJK_FONT_FILENAME


def _noto_entries() -> int:
    return sum(
        1 for f in font_manager.fontManager.ttflist if Path(f.fname).name == CJK_FONT_FILENAME
    )


def test_font_registration_is_idempotent_and_thread_safe() -> None:
    cjk_font_family()
    registered = _noto_entries()
    assert registered >= 1  # matplotlib may list one file under several names
    results: list[str] = []

    def work() -> None:
        results.append(cjk_font_family())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["Noto Sans CJK SC"] * 8
    assert _noto_entries() == registered
    # The family charts ask for resolves to that one file, even where the system has a
    # Noto CJK collection of its own (Debian's fonts-noto-cjk, installed for the browser).
    only_that_file = {
        Path(f.fname).name for f in font_manager.fontManager.ttflist if f.name == "Noto Sans CJK SC"
    }
    assert only_that_file == {CJK_FONT_FILENAME}


def test_chinese_text_draws_without_missing_glyph_warnings() -> None:
    labels = "目标 序时进度 已审核填报值 待审核 今天 暂无量化目标 完成值（%） ≥20% 2019年12月 …"
    with matplotlib.rc_context(chart_rc_params()), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure(figsize=(6, 2), dpi=100)
        canvas = FigureCanvasAgg(fig)
        text = fig.text(0.01, 0.5, labels)
        canvas.draw()
        used = font_manager.findfont(text.get_fontproperties())
    assert not [w for w in caught if "missing from" in str(w.message)], [
        str(w.message) for w in caught
    ]
    assert Path(used).name == CJK_FONT_FILENAME


def test_without_the_cjk_font_matplotlib_does_warn() -> None:
    """Guard for the check above: DejaVu Sans lacks CJK glyphs and matplotlib says so."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure(figsize=(3, 1), dpi=100)
        canvas = FigureCanvasAgg(fig)
        fig.text(0.01, 0.5, "目标", family="DejaVu Sans")
        canvas.draw()
    assert any("missing from font" in str(w.message) for w in caught)


# --------------------------------------------------------------------------- rendering


def test_cixi_example_renders_png_of_default_size() -> None:
    data = render_without_warnings(cixi_series())
    assert png_size(data) == (900, 420)
    Path("/tmp/chart-example.png").write_bytes(data)


@pytest.mark.parametrize(("width", "height"), [(900, 420), (640, 360), (1200, 500), (333, 217)])
def test_png_has_requested_pixel_size(width: int, height: int) -> None:
    data = render_without_warnings(cixi_series(), width_px=width, height_px=height)
    assert png_size(data) == (width, height)


def test_png_loads_as_an_image() -> None:
    import matplotlib.image as mpimg

    data = render_without_warnings(cixi_series())
    tmp = Path("/tmp") / "chart-load-test.png"
    tmp.write_bytes(data)
    image = mpimg.imread(tmp)
    assert image.shape[:2] == (420, 900)
    # Not blank: the chart draws something other than the white background.
    assert image[..., :3].min() < 0.5


def test_stage_only_task_renders_a_timeline() -> None:
    data = render_without_warnings(stage_only_series())
    assert png_size(data) == (900, 420)
    Path("/tmp/chart-stage.png").write_bytes(data)


def test_completely_empty_series_renders() -> None:
    series = MilestoneChartSeries(
        title="常态化开展", unit=None, targets=[], expected=[], reported=[]
    )
    assert png_size(render_without_warnings(series)) == (900, 420)


def test_no_reported_values_renders() -> None:
    s = cixi_series()
    series = MilestoneChartSeries(
        title=s.title, unit=s.unit, targets=s.targets, expected=s.expected, reported=[],
        today=s.today, period=s.period,
    )  # fmt: skip
    assert png_size(render_without_warnings(series)) == (900, 420)


def test_single_point_without_period_renders() -> None:
    series = MilestoneChartSeries(
        title="2019年达到在校生1.1倍",
        unit="倍",
        targets=[ChartPoint(date(2019, 12, 31), 1.1)],
        expected=[],
        reported=[],
    )
    assert png_size(render_without_warnings(series)) == (900, 420)
    only_report = MilestoneChartSeries(
        title="常态化开展", unit="人", targets=[], expected=[],
        reported=[ChartPoint(date(2020, 3, 31), 120)],
    )  # fmt: skip
    assert png_size(render_without_warnings(only_report)) == (900, 420)


def test_large_counts_and_many_years_render() -> None:
    years = range(2019, 2026)
    series = MilestoneChartSeries(
        title="2019年起每年完成0.8万人培训，2025年全部完成（培训5.6万人）",
        unit="人",
        targets=[ChartPoint(date(y, 12, 31), 8000 * (y - 2018)) for y in years],
        expected=[ChartPoint(date(2019, 1, 1), 0), ChartPoint(date(2025, 12, 31), 56000)],
        reported=[ChartPoint(date(y, 12, 31), 7500 * (y - 2018)) for y in years],
        pending=[ChartPoint(date(2026, 3, 1), 57000)],
        today=date(2026, 4, 1),
        period=(date(2016, 1, 1), date(2035, 12, 31)),
    )
    assert png_size(render_without_warnings(series)) == (900, 420)


def test_rendering_leaves_global_matplotlib_state_alone() -> None:
    before = dict(matplotlib.rcParams)
    render_without_warnings(cixi_series())
    render_without_warnings(stage_only_series())
    assert dict(matplotlib.rcParams) == before
    assert "matplotlib.pyplot" not in sys.modules or not _pyplot_has_figures()


def _pyplot_has_figures() -> bool:
    import matplotlib.pyplot as plt  # only imported if someone else already did

    return bool(plt.get_fignums())


def test_rendering_is_deterministic() -> None:
    assert render_milestone_chart(cixi_series()) == render_milestone_chart(cixi_series())


def test_concurrent_rendering_from_threads() -> None:
    results: list[bytes] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(render_milestone_chart(cixi_series(), width_px=500, height_px=300))
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 6
    assert all(png_size(r) == (500, 300) for r in results)
    assert len(set(results)) == 1


def test_too_small_size_is_rejected() -> None:
    with pytest.raises(ValueError, match="too small"):
        render_milestone_chart(cixi_series(), width_px=50, height_px=50)
