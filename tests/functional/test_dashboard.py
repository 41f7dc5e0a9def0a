"""The leaders' overview (issue 13): the demo leader lands on it; its figures agree with
the stored scan results; units ranked with the change in rank, the idle apart; the trend
per quarter; the leader's 批示; the number of queries does not grow with the tasks."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from config.settings import TEST_TODAY
from tests.dashboard_data import fill_districts
from tests.functional.api_helpers import call, cli_token
from tests.functional.helpers import add_user, location, login
from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.lag import LAG_COLOURS, LAG_LABELS, LagState
from tracker.domain.policy import Role, UnitRole
from tracker.extensions import db
from tracker.io.ledger_workbook import FILLS
from tracker.models import TaskState, TaskUnit, User
from tracker.services import dashboard, dashboard_states, dashboard_units, scan
from tracker.services.demo import DEMO_PASSWORD, load_demo

RANK_ROW = re.compile(r'<tr data-unit-id="(\d+)" data-rank="(\d+)">')


@pytest.fixture(scope="module")
def demo(app: Flask, shared_db: None) -> int:
    """The demo (with its backfilled quarter-end states); the plan id."""
    with app.app_context():
        result = load_demo(today(), app_settings.current())
        db.session.commit()
        return result.plan_id


@pytest.fixture
def leader(app: Flask, client: FlaskClient, demo: int) -> FlaskClient:
    """The demo's leader, logged in."""
    login(client, "leader", DEMO_PASSWORD)
    return client


def test_the_leader_lands_on_the_overview(client: FlaskClient, demo: int) -> None:
    """Login → / → /dashboard; the menu carries 驾驶舱."""
    assert location(login(client, "leader", DEMO_PASSWORD)) == "/"
    assert location(client.get("/")) == "/dashboard"
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert 'aria-current="page">驾驶舱</a>' in page.text


def test_counts_are_the_scan_of_today(app: Flask, leader: FlaskClient, demo: int) -> None:
    """The cards show each state's count as the scan finds it today."""
    page = leader.get(f"/dashboard?plan={demo}").text
    with app.app_context():
        statuses = scan.run_scan(today(), demo, lag=app_settings.current().lag).statuses
        db.session.rollback()
    expected = Counter(status.state for status in statuses)
    cards = dict(
        re.findall(r'<li class="stat-card" data-state="([a-z_]+)">.*?stat-count">(\d+)<', page)
    )
    assert {LagState(s): int(n) for s, n in cards.items() if int(n)} == dict(expected)
    assert "共 57 项" in page


def test_league_table_ranks_units_and_lists_the_idle_apart(
    app: Flask, leader: FlaskClient, demo: int
) -> None:
    """Every lead unit appears once: ranked (ranks never decrease down the table) or
    apart among the units with nothing due."""
    page = leader.get("/dashboard").text
    ranked = [(int(u), int(r)) for u, r in RANK_ROW.findall(page)]
    assert ranked and ranked[0][1] == 1
    assert [r for _, r in ranked] == sorted(r for _, r in ranked)
    with app.app_context():
        board = dashboard.build_dashboard(demo, today())
        leads = set(
            db.session.scalars(
                sa.select(TaskUnit.unit_id).where(TaskUnit.role == UnitRole.LEAD).distinct()
            )
        )
    assert {u for u, _ in ranked} | {row.unit_id for row in board.idle_units} == leads
    assert not {u for u, _ in ranked} & {row.unit_id for row in board.idle_units}
    for row in board.idle_units:
        assert row.due == 0 and row.rank is None
    assert any(row.rank_change is not None for row in board.units)
    if board.idle_units:
        assert "不参与排名" in page


def test_trend_has_every_quarter_since_the_plan_began(leader: FlaskClient) -> None:
    """2019Q1 … 2020Q3 and today, in the chart and in its table alternative."""
    page = leader.get("/dashboard").text
    quarters = [f"{y}Q{q}" for y in (2019, 2020) for q in (1, 2, 3, 4)][:7]
    for label in [*quarters, TEST_TODAY.isoformat()]:
        assert f'<th scope="row">{label}</th>' in page
    assert '<svg class="trend-chart"' in page and "以表格查看走势" in page


def test_the_leaders_own_instructions(app: Flask, leader: FlaskClient, demo: int) -> None:
    """The demo leader's two 批示, unanswered; another leader sees none of them."""
    page = leader.get("/dashboard").text
    assert "我的批示" in page
    assert len(re.findall(r'data-answered="no"', page)) == 2
    add_user(app, "leader2", Role.LEADER)
    other = FlaskClient(app, app.response_class, use_cookies=True)
    login(other, "leader2")
    assert "暂无批示" in other.get("/dashboard").text


def test_lagging_tasks_are_lagging(app: Flask, leader: FlaskClient, demo: int) -> None:
    """The most lagging tasks are overdue, missed or behind, most urgent first."""
    with app.app_context():
        board = dashboard.build_dashboard(demo, today())
    states = [item.state for item in board.lagging]
    assert states and set(states) <= {LagState.OVERDUE, LagState.MISSED, LagState.BEHIND}
    order = [dashboard.LAGGING.index(s) for s in states]
    assert order == sorted(order)
    page = leader.get("/dashboard").text
    assert f'<li data-task-id="{board.lagging[0].task_id}">' in page
    assert LAG_LABELS[states[0]] in page


def test_units_and_unknown_plans_are_refused(app: Flask, client: FlaskClient, demo: int) -> None:
    """A unit user gets 403; an unknown plan 404."""
    with app.app_context():
        unit_user = db.session.scalars(sa.select(User).where(User.role == Role.UNIT)).first()
        assert unit_user is not None
        name = unit_user.username
    login(client, name, DEMO_PASSWORD)
    assert client.get("/dashboard").status_code == 403
    office = FlaskClient(app, app.response_class, use_cookies=True)
    login(office, "office", DEMO_PASSWORD)
    assert office.get("/dashboard").status_code == 200
    assert office.get("/dashboard?plan=987654").status_code == 404


def test_backfill_adds_nothing_twice(app: Flask, runner: object, demo: int) -> None:
    """The demo stored every quarter end; a second backfill adds no row."""
    with app.app_context():
        days = set(db.session.scalars(sa.select(TaskState.as_of).where(TaskState.plan_id == demo)))
        assert date(2019, 3, 31) in days and date(2020, 9, 30) in days and today() in days
        assert dashboard_states.backfill(today(), demo, lag=app_settings.current().lag) == 0
    result = app.test_cli_runner().invoke(args=["dashboard", "backfill", "--plan", str(demo)])
    assert result.exit_code == 0 and "已补存 0 条" in result.output


def test_quarter_ends() -> None:
    """From the quarter of the first day up to, not including, the last."""
    assert dashboard_states.quarter_ends(date(2019, 1, 1), date(2019, 12, 31)) == [
        date(2019, 3, 31),
        date(2019, 6, 30),
        date(2019, 9, 30),
    ]


@contextmanager
def counted() -> Iterator[list[str]]:
    """The statements the engine runs inside the block."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_queries_do_not_grow_with_the_tasks(app: Flask) -> None:
    """2 districts (114 tasks) and 6 districts (342 tasks): the same number of queries."""
    with app.app_context():
        small, large = fill_districts(2, today()), fill_districts(6, today())
        dashboard.build_dashboard(small, today())  # the calendar, read once per context
        counts = []
        for plan_id in (small, large):
            db.session.expire_all()
            dashboard_units.forget_punctuality()  # the uncached path
            with counted() as seen:
                board = dashboard.build_dashboard(plan_id, today())
            assert board.total == (114 if plan_id == small else 342)
            counts.append(len(seen))
        with counted() as seen:
            dashboard.plans_overview(today())
        assert len(seen) <= 3
    assert counts[0] == counts[1] <= 15


def test_the_api_gives_the_same_figures(app: Flask, client: FlaskClient, demo: int) -> None:
    """``GET /api/v1/plans/{id}/dashboard``: states, units with rank and rank_change, and
    the trend, as the page shows them; a unit user's token gets 403."""
    runner = app.test_cli_runner()
    answer = call(client, "GET", f"/plans/{demo}/dashboard", cli_token(runner, "leader"))
    assert answer.status_code == 200
    body = answer.get_json()
    with app.app_context():
        board = dashboard.build_dashboard(demo, today())
    assert {s["state"]: s["count"] for s in body["states"]} == {
        str(s.state): s.count for s in board.states
    }
    ranks = [(u["unit_id"], u["rank"], u["rank_change"]) for u in body["units"]]
    assert ranks[: len(board.units)] == [(r.unit_id, r.rank, r.rank_change) for r in board.units]
    assert all(rank is None for _, rank, _ in ranks[len(board.units) :])
    assert [t["label"] for t in body["trend"]][:2] == ["2019Q1", "2019Q2"]
    assert (
        call(client, "GET", "/plans/987654/dashboard", cli_token(runner, "leader")).status_code
        == 404
    )
    with app.app_context():
        unit_user = db.session.scalars(
            sa.select(User.username).where(User.role == Role.UNIT)
        ).first()
    assert unit_user is not None
    assert (
        call(client, "GET", f"/plans/{demo}/dashboard", cli_token(runner, unit_user)).status_code
        == 403
    )


def _workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def test_the_ledger_workbook(leader: FlaskClient, demo: int) -> None:
    """57 task rows with state fills and labels, categories and measures merged, header
    rows frozen and repeated, A3 landscape; the page's filters apply."""
    answer = leader.get(f"/plans/{demo}/ledger.xlsx")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    sheet = _workbook(answer.data).active
    assert sheet.cell(row=3, column=3).value == "责任分解"
    tasks = [row for row in range(4, sheet.max_row + 1) if sheet.cell(row=row, column=3).value]
    assert len(tasks) == 57
    labels = set(LAG_LABELS.values())
    for row in tasks:
        cell = sheet.cell(row=row, column=9)
        assert cell.value in labels
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(
            FILLS[LAG_COLOURS[next(s for s, t in LAG_LABELS.items() if t == cell.value)]]
        )
    merged = [str(r) for r in sheet.merged_cells.ranges]
    assert "A3:B3" in merged
    assert any(r.startswith("A4:A") for r in merged) and any(r.startswith("B") for r in merged)
    assert sheet.freeze_panes == "C4"
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 8
    overdue = _workbook(leader.get(f"/plans/{demo}/ledger.xlsx?state=overdue").data).active
    states = [overdue.cell(row=r, column=9).value for r in range(4, overdue.max_row + 1)]
    assert states and set(states) == {LAG_LABELS[LagState.OVERDUE]}


def test_the_league_workbook(app: Flask, leader: FlaskClient, demo: int) -> None:
    """The ranked units in order, then those with nothing due."""
    answer = leader.get(f"/plans/{demo}/league.xlsx")
    assert answer.status_code == 200
    sheet = _workbook(answer.data).active
    with app.app_context():
        board = dashboard.build_dashboard(demo, today())
    names = [sheet.cell(row=r, column=3).value for r in range(4, sheet.max_row + 1)]
    assert names == [row.name for row in [*board.units, *board.idle_units]]
    assert sheet.cell(row=4, column=1).value == 1
    book = _workbook(answer.data)
    assert book.sheetnames == ["单位排名", "任务状态", "各季度走势", "按主要举措"]
    trend = book["各季度走势"]
    assert [trend.cell(row=r, column=1).value for r in range(4, trend.max_row + 1)][:2] == [
        "2019Q1",
        "2019Q2",
    ]


def test_the_matrix_of_tasks_by_year(leader: FlaskClient, demo: int) -> None:
    """57 rows × 2019…2025; 2019 and 2020 coloured with their state in words, linked to
    the task; later years empty."""
    page = leader.get(f"/plans/{demo}/matrix")
    assert page.status_code == 200
    rows = re.findall(r'<tr data-task-id="(\d+)">', page.text)
    assert len(rows) == 57
    cells = re.findall(
        r'<td class="cell cell-([a-z]+)" data-year="(\d+)" data-state="([a-z_]+)">'
        r'<a href="/tasks/(\d+)"[^>]*>([^<]+)</a>',
        page.text,
    )
    assert {year for _, year, _, _, _ in cells} == {"2019", "2020"}
    assert len(cells) == 2 * 57
    for colour, _, state, _, label in cells:
        assert LAG_COLOURS[LagState(state)] == colour and LAG_LABELS[LagState(state)] == label
    assert '<td class="cell" data-year="2025">—</td>' in page.text
