"""Issue 11 §1-2 through the pages (test client): an office imports the Cixi table from
an empty database, a table with unknown headers after choosing its columns (remembered
next time), revises the plan keeping every report, and a 500-row table previews in
under 2 s. The JSON API gives the same preview and confirmation."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import openpyxl
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.functional.api_helpers import API, cli_token
from tests.functional.helpers import add_user, location, login, token
from tests.integration.test_plan_revision import other_district_table, revised_cixi
from tests.paths import SEEDS
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import ImportColumnChoice, Plan, PlanImport, ProgressReport, Task, User
from tracker.services import reports

CIXI_DOCX = SEEDS / "cixi-key-tasks.docx"


def upload(client: FlaskClient, path: Path, url: str = "/plans/import") -> str:
    """Upload ``path`` on ``url``; the preview page's path."""
    with path.open("rb") as handle:
        response = client.post(
            url,
            data={"csrf_token": token(client), "file": (handle, path.name)},
            content_type="multipart/form-data",
        )
    assert response.status_code == 302, response.text
    return location(response)


def confirm(client: FlaskClient, preview: str, **fields: str) -> str:
    response = client.post(f"{preview}/confirm", data={"csrf_token": token(client), **fields})
    assert response.status_code == 302, response.text
    return location(response)


def office(app: Flask, client: FlaskClient) -> None:
    add_user(app, "office", Role.OFFICE)
    assert login(client, "office").status_code == 302


def test_empty_ledger_links_to_the_import_page(app: Flask, client: FlaskClient) -> None:
    office(app, client)
    page = client.get("/").text
    assert 'href="/plans/import"' in page and "flask --app" not in page


def test_cixi_through_the_pages_then_a_revision_keeps_reports(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    office(app, client)
    preview = upload(client, CIXI_DOCX)
    page = client.get(preview).text
    assert "共 57 项任务" in page and "市委组织部（新单位）" in page
    assert "按时间进度中写到的年份推测" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 0
    ledger = confirm(client, preview, name="慈溪方案", period="2019-2025")
    with app.app_context():
        plan = db.session.scalars(sa.select(Plan)).one()
        assert ledger == f"/plans/{plan.id}" and plan.name == "慈溪方案"
        assert len(plan.tasks) == 57
    # confirming twice stores nothing more
    again = client.post(f"{preview}/confirm", data={"csrf_token": token(client)})
    assert again.status_code in (200, 302)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 1
        kept = _report_on_every_task(plan.id)

    path, removed, changed, added = revised_cixi(tmp_path)
    preview = upload(client, path, f"/plans/{plan.id}/import")
    page = client.get(preview).text
    assert "新增 1 项、修改 1 项、归档 1 项，55 项未变" in page
    assert removed in page and added in page
    confirm(client, preview)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ProgressReport.id))) == kept
        texts = [
            t.text for t in db.session.scalars(sa.select(Task).where(Task.archived_at.is_(None)))
        ]
        assert removed not in texts and added in texts and changed in texts
        gone = db.session.scalar(sa.select(Task.id).where(Task.text == removed))
    assert removed not in client.get(ledger).text
    assert "方案修订中归档" in client.get(f"/tasks/{gone}").text


def _report_on_every_task(plan_id: int) -> int:
    """A 2020Q3 report on every task of the plan; how many there are."""
    user = db.session.scalars(sa.select(User)).first()
    tasks = db.session.scalars(sa.select(Task).where(Task.plan_id == plan_id)).all()
    for task in tasks:
        reports.submit_report(
            task,
            task.lead_units[0],
            user,
            reports.ReportInput(period="2020Q3", value=10.0, progress="推进中"),
            date(2020, 10, 12),
        )
    db.session.commit()
    return len(tasks)


def test_unknown_headers_are_chosen_in_the_preview_and_remembered(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    office(app, client)
    header = ("编号", "民生事项", "推进安排", "主办", "协办")
    path = other_district_table(tmp_path / "odd.xlsx", header)
    preview = upload(client, path)
    page = client.get(preview).text
    assert "指定各列" in page and "民生事项" in page
    choice = ["ignore", "task", "schedule", "lead", "cooperating"]
    fields = {f"columns-{i}": role for i, role in enumerate(choice)}
    response = client.post(f"{preview}/columns", data={"csrf_token": token(client), **fields})
    assert location(response) == preview
    page = client.get(preview).text
    assert "共 2 项任务" in page and "2021-04-30" in page
    confirm(client, preview, period="2021-2021")
    with app.app_context():
        remembered = dict(
            db.session.execute(sa.select(ImportColumnChoice.header, ImportColumnChoice.role)).all()
        )
        assert remembered["民生事项"] == "task"
    # next time the same headers are read without asking
    again = upload(client, other_district_table(tmp_path / "odd2.xlsx", header))
    assert "共 2 项任务" in client.get(again).text


def test_a_role_chosen_twice_is_refused(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    office(app, client)
    path = other_district_table(tmp_path / "odd.xlsx", ("编号", "甲", "乙", "丙", "丁"))
    preview = upload(client, path)
    fields = {"columns-0": "task", "columns-1": "task"}
    response = client.post(f"{preview}/columns", data={"csrf_token": token(client), **fields})
    assert response.status_code == 200 and "只能对应一列" in response.text


def test_a_wrong_file_type_is_refused_beside_the_field(app: Flask, client: FlaskClient) -> None:
    office(app, client)
    response = client.post(
        "/plans/import",
        data={"csrf_token": token(client), "file": (io.BytesIO(b"x"), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and ".docx 或 .xlsx" in response.text


def big_table(path: Path, rows: int) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["某市2021—2025年重点任务责任分工"])
    sheet.append(["序号", "重点任务", "责任分解", "时间进度", "牵头单位", "配合单位"])
    for number in range(1, rows + 1):
        sheet.append(
            [
                number,
                f"（{number % 9 + 1}）第{number % 9 + 1}类任务",
                f"第{number}项任务：建设服务站点{number}个",
                f"2021年达到{number % 50 + 10}%，2023年达到60%，2025年全覆盖",
                f"市第{number % 30}局",
                "市总工会、团市委",
            ]
        )
    book.save(path)
    return path


def test_a_500_row_table_previews_in_under_two_seconds(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """The first preview (the table read, 500 schedules parsed, the page rendered) is
    what is timed; the upload before it only stores the file."""
    office(app, client)
    table = big_table(tmp_path / "big.xlsx", 500)
    started = time.perf_counter()
    preview = upload(client, table)
    uploaded = time.perf_counter()
    page = client.get(preview)
    shown = time.perf_counter()
    assert page.status_code == 200 and "共 500 项任务" in page.text
    print(f"500-row upload {uploaded - started:.2f} s, preview {shown - uploaded:.2f} s")
    assert shown - uploaded <= 2.0, shown - uploaded


def test_the_api_previews_and_confirms(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    add_user(app, "office", Role.OFFICE)
    headers = {"Authorization": f"Bearer {cli_token(runner, 'office')}"}
    with CIXI_DOCX.open("rb") as handle:
        response = client.post(
            f"{API}/plans/import",
            headers=headers,
            data={"file": (handle, CIXI_DOCX.name)},
            content_type="multipart/form-data",
        )
    assert response.status_code == 200, response.text
    body = response.get_json()
    # the Cixi title names no years: the period is guessed from the schedules, for the
    # office to correct
    assert len(body["rows"]) == 57 and body["period_source"] == "guess"
    assert body["rows"][0]["lead_units"][0] == {
        "name": "市委组织部",
        "status": "new",
        "unit": "市委组织部",
    }
    confirmed = client.post(
        f"{API}/plans/imports/{body['import_id']}/confirm",
        headers=headers,
        json={"period": "2019-2025"},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.get_json()["counts"]["tasks"] == 57
    with app.app_context():
        assert db.session.get(PlanImport, body["import_id"]).confirmed_at is not None


def test_the_api_chooses_columns_and_revises(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    add_user(app, "office", Role.OFFICE)
    headers = {"Authorization": f"Bearer {cli_token(runner, 'office')}"}

    def post_file(url: str, path: Path) -> dict:
        with path.open("rb") as handle:
            response = client.post(
                url,
                headers=headers,
                data={"file": (handle, path.name)},
                content_type="multipart/form-data",
            )
        assert response.status_code == 200, response.text
        return response.get_json()

    odd = other_district_table(
        tmp_path / "odd.xlsx", ("编号", "民生事项", "推进安排", "主办", "协办")
    )
    body = post_file(f"{API}/plans/import", odd)
    assert body["error"] and body["headers"] == ["编号", "民生事项", "推进安排", "主办", "协办"]
    choice = {"民生事项": "task", "推进安排": "schedule", "主办": "lead", "协办": "cooperating"}
    chosen = client.post(
        f"{API}/plans/imports/{body['import_id']}/columns", headers=headers, json={"choice": choice}
    )
    assert chosen.status_code == 200 and len(chosen.get_json()["rows"]) == 2
    twice = client.post(
        f"{API}/plans/imports/{body['import_id']}/columns",
        headers=headers,
        json={"choice": {"民生事项": "task", "推进安排": "task"}},
    )
    assert twice.status_code == 422 and twice.get_json()["field"] == "columns"
    done = client.post(
        f"{API}/plans/imports/{body['import_id']}/confirm",
        headers=headers,
        json={"period": "2021-2021"},
    ).get_json()
    again = client.post(
        f"{API}/plans/imports/{body['import_id']}/confirm", headers=headers, json={}
    )
    assert again.status_code == 409

    revised = other_district_table(
        tmp_path / "odd2.xlsx", ("编号", "民生事项", "推进安排", "主办", "协办")
    )
    diff = post_file(f"{API}/plans/{done['plan_id']}/import", revised)["diff"]
    assert diff["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 2}
