"""Reporting by Excel from the unit's page (issue 3 §6): download the period's template,
fill it, upload it — all rows or none, every bad row named by its sheet row."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from werkzeug.test import TestResponse

from config.settings import Settings
from tests.conftest import csrf_token
from tests.functional.helpers import LEAD_UNIT, add_user, import_cixi, location, login
from tracker.domain.policy import Role, UnitRole
from tracker.extensions import db
from tracker.io.report_workbook import HEADERS
from tracker.models import ProgressReport, ReportStatus, Task, TaskUnit, Unit, User
from tracker.services import calendar as calendar_service
from tracker.services import reports

#: Sheet rows of the template: title 1, note 2, header 3, tasks from 4.
FIRST = 4
OTHER_UNIT = "市人力社保局"


@dataclass(frozen=True, slots=True)
class World:
    """The first Cixi task (led by 市委组织部, its 2020Q2 report accepted) and a task
    led by 市人力社保局 only."""

    task_id: int
    foreign_task_id: int


@pytest.fixture(scope="module")
def imported(app: Flask, shared_db: None) -> World:
    """The Cixi plan and calendar, the lead unit's reporter and the office, an accepted
    2020Q2 report."""
    cixi = import_cixi(app, app.test_cli_runner())
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    add_user(app, "office", Role.OFFICE)
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020, 2021])
        task = db.session.get(Task, cixi.task_id)
        lead = db.session.scalars(sa.select(User).where(User.username == "lead")).one()
        office = db.session.scalars(sa.select(User).where(User.username == "office")).one()
        assert task is not None and lead.unit is not None
        text = reports.ReportInput("2020Q2", 27.0, "二季度覆盖27%", "个别企业慢", "继续督促")
        accepted = reports.submit_report(task, lead.unit, lead, text, date(2020, 7, 3))
        reports.review_report(accepted, office, True, "", date(2020, 7, 6))
        foreign = db.session.scalar(
            sa.select(TaskUnit.task_id)
            .join(Unit, Unit.id == TaskUnit.unit_id)
            .where(Unit.name == OTHER_UNIT, TaskUnit.role == UnitRole.LEAD)
            .limit(1)
        )
        assert foreign is not None
        db.session.commit()
    return World(task_id=cixi.task_id, foreign_task_id=foreign)


@pytest.fixture
def world(imported: World, client: FlaskClient) -> World:
    """:func:`imported`, the lead unit's reporter logged in."""
    assert login(client, "lead").status_code == 302
    return imported


def download(client: FlaskClient, period: str = "2020Q3") -> openpyxl.Workbook:
    response = client.get(f"/my/template.xlsx?period={period}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    name = quote(f"{LEAD_UNIT}-2020年第三季度-进度填报.xlsx")
    assert name in response.headers["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def active(book: openpyxl.Workbook) -> Worksheet:
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    return sheet


def cell(sheet: Worksheet, row: int, name: str) -> Cell:
    found = sheet.cell(row=row, column=HEADERS.index(name) + 1)
    assert isinstance(found, Cell)
    return found


def task_id_at(sheet: Worksheet, row: int) -> int:
    return int(str(cell(sheet, row, "任务编号").value))


def data_rows(book: openpyxl.Workbook) -> range:
    return range(FIRST, active(book).max_row + 1)


def fill_all(book: openpyxl.Workbook) -> dict[int, float | None]:
    """Fill every row: a value where the task has a unit, and 进展情况. Task id → value."""
    sheet = active(book)
    filled: dict[int, float | None] = {}
    for row in data_rows(book):
        value = 30.0 + row if cell(sheet, row, "单位").value else None
        cell(sheet, row, "完成值").value = value
        cell(sheet, row, "进展情况").value = f"三季度进展{row}"
        filled[task_id_at(sheet, row)] = value
    return filled


def upload(
    client: FlaskClient, data: bytes, name: str = "filled.xlsx", mode: str = "submit"
) -> TestResponse:
    page = client.get("/my")
    return client.post(
        "/my/upload",
        data={
            "csrf_token": csrf_token(page.text),
            "mode": mode,
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def q3_reports(app: Flask) -> dict[int, ProgressReport]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(ProgressReport).where(ProgressReport.period == "2020Q3")
        ).all()
        return {report.task_id: report for report in found}


def test_page_lists_owed_reports_with_due_dates(client: FlaskClient, world: World) -> None:
    page = client.get("/my")
    assert page.status_code == 200
    assert "2020年第三季度 · 2020年10月14日截止" in page.text
    assert "已逾期" in page.text and "badge-red" in page.text
    assert f"/tasks/{world.task_id}/report?period=2020Q3" in page.text
    assert "下载本期填报模板" in page.text
    assert 'value="2020Q3" selected' in page.text
    assert "配合确认" in page.text


def test_template_is_prefilled_from_the_last_accepted_report(
    client: FlaskClient, world: World
) -> None:
    book = download(client)
    sheet = active(book)
    rows = {task_id_at(sheet, row): row for row in data_rows(book)}
    assert len(rows) == 5  # 市委组织部 leads five tasks, each owing 2020Q3
    row = rows[world.task_id]
    assert cell(sheet, row, "填报期间").value == "2020年第三季度"
    assert cell(sheet, row, "单位").value == "%"
    assert cell(sheet, row, "完成值").value == 27
    assert cell(sheet, row, "进展情况").value == "二季度覆盖27%"
    assert cell(sheet, row, "下步打算").value == "继续督促"


def test_template_of_an_unknown_period_is_not_found(client: FlaskClient, world: World) -> None:
    response = client.get("/my/template.xlsx?period=2020Q9")
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_filled_template_submits_every_row(app: Flask, client: FlaskClient, world: World) -> None:
    book = download(client)
    filled = fill_all(book)
    response = upload(client, saved(book))
    assert location(response) == "/my"
    page = client.get("/my")
    assert f"已导入{len(filled)}条填报，已提交审核。" in page.text
    stored = q3_reports(app)
    assert set(stored) == set(filled)
    for task_id, value in filled.items():
        assert stored[task_id].status is ReportStatus.SUBMITTED
        assert stored[task_id].value == value
    assert stored[world.task_id].problems == "个别企业慢"  # prefilled text kept


def test_drafts_mode_saves_without_submitting(
    app: Flask, client: FlaskClient, world: World
) -> None:
    book = download(client)
    fill_all(book)
    assert location(upload(client, saved(book), mode="draft")) == "/my"
    assert "已保存为草稿" in client.get("/my").text
    assert {r.status for r in q3_reports(app).values()} == {ReportStatus.DRAFT}


def test_one_bad_row_changes_nothing_and_is_named(
    app: Flask, client: FlaskClient, world: World
) -> None:
    book = download(client)
    fill_all(book)
    cell(active(book), FIRST + 1, "完成值").value = "三十"
    response = upload(client, saved(book))
    assert response.status_code == 200
    assert "文件未导入，没有任何填报被修改" in response.text
    assert f"第{FIRST + 1}行「完成值」：不是数字（三十）" in response.text
    assert q3_reports(app) == {}


def test_rows_the_database_refuses_are_all_listed(
    app: Flask, client: FlaskClient, world: World
) -> None:
    book = download(client)
    fill_all(book)
    sheet = active(book)
    rows = list(data_rows(book))
    first = next(r for r in rows if task_id_at(sheet, r) == world.task_id)
    others = [r for r in rows if r != first]
    cell(sheet, first, "填报期间").value = "2020年第二季度"  # accepted: locked
    cell(sheet, others[0], "任务编号").value = world.foreign_task_id
    cell(sheet, others[1], "任务编号").value = 999999
    cell(sheet, others[2], "填报期间").value = "2021Q1"
    response = upload(client, saved(book))
    assert response.status_code == 200
    text = response.text
    assert f"第{first}行「填报期间」：任务 {world.task_id} 2020年第二季度的填报已审核通过" in text
    assert (
        f"第{others[0]}行「任务编号」：{LEAD_UNIT}不是任务 {world.foreign_task_id} 的牵头单位"
        in text
    )
    assert f"第{others[1]}行「任务编号」：没有编号为 999999 的任务" in text
    assert f"第{others[2]}行「填报期间」：2021年第一季度不在任务" in text
    assert q3_reports(app) == {}


def test_numeric_task_needs_a_value_to_submit(
    app: Flask, client: FlaskClient, world: World
) -> None:
    book = download(client)
    fill_all(book)
    sheet = active(book)
    row = next(r for r in data_rows(book) if task_id_at(sheet, r) == world.task_id)
    cell(sheet, row, "完成值").value = None
    response = upload(client, saved(book))
    assert f"第{row}行「完成值」：任务 {world.task_id} 须填写完成值（%）" in response.text
    assert q3_reports(app) == {}


def test_files_that_are_not_xlsx_are_refused(app: Flask, client: FlaskClient, world: World) -> None:
    response = upload(client, b"period,value\n2020Q3,30\n", name="report.csv")
    assert response.status_code == 200
    assert "只能上传 .xlsx 格式的 Excel 文件" in response.text
    response = upload(client, b"not really a workbook", name="fake.xlsx")
    assert response.status_code == 200
    assert "文件不是有效的 Excel（.xlsx）文件" in response.text
    assert q3_reports(app) == {}


def test_a_small_file_declaring_a_million_rows_is_refused_quickly(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """An 8 KB workbook with one cell at row 1,048,576 (once 35 s and 2 GB of server memory)
    is refused before openpyxl opens it, naming the limit."""
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    book.active["A1048576"] = "远处的单元格"
    started = time.perf_counter()
    response = upload(client, saved(book), name="far.xlsx")
    assert time.perf_counter() - started < 2
    assert response.status_code == 200
    assert "第 1048576 行，超过上限 100000 行" in response.text
    assert q3_reports(app) == {}


def test_a_lowered_row_limit_refuses_a_longer_sheet(
    app: Flask, client: FlaskClient, world: World, set_settings: Callable[..., Settings]
) -> None:
    """With ``TRACKER_IMPORT_MAX_ROWS=10`` a workbook of a header and 11 rows (sheet row 12)
    is refused naming the limit."""
    set_settings("imports", import_max_rows=10)
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    for number in range(11):
        book.active.append([world.task_id, "2020Q3", 30 + number, f"进展{number}"])
    response = upload(client, saved(book), name="long.xlsx")
    assert response.status_code == 200
    assert "用到第 12 行，超过上限 10 行" in response.text
    assert q3_reports(app) == {}
