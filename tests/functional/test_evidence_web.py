"""Evidence through the pages: the lead unit uploads on the task page, the office
downloads, an unrelated unit is refused, the cooperating unit attaches to its
contribution, bad and oversized files are explained in Chinese, removal hides a file."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from config.settings import Settings
from tests import evidence_samples as samples
from tests.functional.helpers import (
    COOPERATING_UNITS,
    LEAD_UNIT,
    UNRELATED_UNIT,
    add_user,
    import_cixi,
    location,
    login,
    token,
    unit_id,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Contribution, Evidence, ProgressReport, ReportStatus, User


@dataclass(frozen=True, slots=True)
class Ids:
    """Ids of the world: the task, its submitted 2020Q3 report, 市总工会's contribution."""

    task: int
    report: int
    contribution: int


@pytest.fixture
def uploads(tmp_path: Path, set_settings: Callable[..., Settings]) -> Path:
    """A temporary storage folder for this test (the app's setting points at it)."""
    folder = tmp_path / "uploads"
    set_settings("uploads", upload_dir=folder)
    return folder


@pytest.fixture(scope="module")
def imported(app: Flask, shared_db: None) -> Ids:
    """The Cixi plan, users of every side, a submitted report asking 市总工会 to confirm."""
    cixi = import_cixi(app, app.test_cli_runner())
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    add_user(app, "coop", Role.UNIT, COOPERATING_UNITS[0])
    add_user(app, "coop2", Role.UNIT, COOPERATING_UNITS[1])
    add_user(app, "other", Role.UNIT, UNRELATED_UNIT)
    add_user(app, "office", Role.OFFICE)
    with app.app_context():
        lead = db.session.scalars(sa.select(User).where(User.username == "lead")).one()
        report = ProgressReport(
            task_id=cixi.task_id,
            unit_id=lead.unit_id,
            period="2020Q3",
            period_end=date(2020, 9, 30),
            status=ReportStatus.SUBMITTED,
            value=25.0,
            progress="三季度新增覆盖企业12家",
            author_id=lead.id,
        )
        db.session.add(report)
        db.session.flush()
        contributions = [
            Contribution(
                report_id=report.id,
                unit_id=unit_id(app, name),
                requested_on=date(2020, 10, 12),
            )
            for name in COOPERATING_UNITS[:2]
        ]
        db.session.add_all(contributions)
        db.session.commit()
        return Ids(cixi.task_id, report.id, contributions[0].id)


@pytest.fixture
def ids(imported: Ids, uploads: Path) -> Ids:
    """The ids of :func:`imported`, files stored under the test's own folder."""
    return imported


def client_of(app: Flask, username: str) -> FlaskClient:
    """A client logged in as ``username``."""
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def post_file(client: FlaskClient, url: str, name: str, data: bytes) -> TestResponse:
    """Send ``data`` as the form's file called ``name``, with the session's CSRF token."""
    return client.post(
        url,
        data={"csrf_token": token(client), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def evidence_rows(app: Flask) -> list[Evidence]:
    """Every evidence row (detached)."""
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Evidence).order_by(Evidence.id)))
        db.session.expunge_all()
        return rows


def test_lead_uploads_office_downloads(app: Flask, ids: Ids, uploads: Path) -> None:
    """The lead unit sees the form, uploads a PDF; the office downloads the same bytes
    under the original name with the stored type and nosniff."""
    lead = client_of(app, "lead")
    task_page = lead.get(f"/tasks/{ids.task}")
    assert f'action="/reports/{ids.report}/evidence"' in task_page.text
    assert 'enctype="multipart/form-data"' in task_page.text
    assert "暂无佐证材料" in task_page.text

    response = post_file(lead, f"/reports/{ids.report}/evidence", "三季度进展报告.pdf", samples.PDF)
    assert location(response) == f"/tasks/{ids.task}"
    assert response.headers["Location"].endswith(f"#report-{ids.report}")
    [item] = evidence_rows(app)
    assert (item.report_id, item.original_name) == (ids.report, "三季度进展报告.pdf")
    assert (uploads / item.stored_name).read_bytes() == samples.PDF

    office = client_of(app, "office")
    page = office.get(f"/tasks/{ids.task}")
    assert "三季度进展报告.pdf" in page.text
    assert f'href="/evidence/{item.id}"' in page.text
    assert "lead测试" in page.text and "PDF" in page.text
    assert f'action="/reports/{ids.report}/evidence"' not in page.text  # office cannot upload

    download = office.get(f"/evidence/{item.id}")
    assert download.status_code == 200
    assert download.data == samples.PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    policy = download.headers["Content-Security-Policy"].split(";")
    assert [directive.strip() for directive in policy] == ["default-src 'none'", "sandbox"]
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('三季度进展报告.pdf')}" in disposition


def test_unrelated_unit_is_refused(app: Flask, ids: Ids) -> None:
    """A unit with no relation to the task can neither download nor upload; a cooperating
    unit cannot upload to the lead unit's report, nor the office."""
    lead = client_of(app, "lead")
    post_file(lead, f"/reports/{ids.report}/evidence", "进展.png", samples.image("PNG"))
    [item] = evidence_rows(app)

    other = client_of(app, "other")
    assert other.get(f"/evidence/{item.id}").status_code == 403
    assert other.get(f"/tasks/{ids.task}").status_code == 403
    url = f"/reports/{ids.report}/evidence"
    assert post_file(other, url, "a.pdf", samples.PDF).status_code == 403
    assert post_file(client_of(app, "coop"), url, "a.pdf", samples.PDF).status_code == 403
    assert post_file(client_of(app, "office"), url, "a.pdf", samples.PDF).status_code == 403
    remove = other.post(f"/evidence/{item.id}/remove", data={"csrf_token": token(other)})
    assert remove.status_code == 403
    assert len(evidence_rows(app)) == 1
    assert client_of(app, "coop").get(f"/evidence/{item.id}").status_code == 200
    assert other.get("/evidence/999999").status_code == 404


def test_cooperating_unit_attaches_to_its_contribution(app: Flask, ids: Ids) -> None:
    """市总工会 attaches a Word file to its own contribution; 团市委 may not; the lead
    unit sees and downloads it."""
    coop = client_of(app, "coop")
    page = coop.get(f"/tasks/{ids.task}")
    assert f'action="/contributions/{ids.contribution}/evidence"' in page.text
    assert f'action="/reports/{ids.report}/evidence"' not in page.text

    data = samples.docx_bytes("组织工会干部参与走访")
    response = post_file(coop, f"/contributions/{ids.contribution}/evidence", "配合.docx", data)
    assert location(response) == f"/tasks/{ids.task}"
    [item] = evidence_rows(app)
    assert (item.contribution_id, item.report_id) == (ids.contribution, None)
    assert item.content_type.endswith("wordprocessingml.document")

    other_coop = client_of(app, "coop2")
    url = f"/contributions/{ids.contribution}/evidence"
    assert post_file(other_coop, url, "冒充.pdf", samples.PDF).status_code == 403

    lead = client_of(app, "lead")
    page = lead.get(f"/tasks/{ids.task}")
    assert f"{COOPERATING_UNITS[0]}的配合佐证材料" in page.text
    assert "配合.docx" in page.text and "Word 文档" in page.text
    assert lead.get(f"/evidence/{item.id}").data == data


def test_bad_files_are_explained_and_not_stored(app: Flask, ids: Ids, uploads: Path) -> None:
    """A renamed executable, an empty file and a missing file each give a 200 page with a
    Chinese message; no row and no file is left."""
    lead = client_of(app, "lead")
    url = f"/reports/{ids.report}/evidence"

    renamed = post_file(lead, url, "x.pdf", samples.EXE)
    assert renamed.status_code == 200
    assert "文件“x.pdf”的内容不是允许的类型" in renamed.text
    assert 'enctype="multipart/form-data"' in renamed.text  # try again on the same page

    empty = post_file(lead, url, "空白.docx", b"")
    assert empty.status_code == 200
    assert "文件“空白.docx”是空文件" in empty.text

    missing = lead.post(url, data={"csrf_token": token(lead)}, content_type="multipart/form-data")
    assert missing.status_code == 200
    assert "请选择要上传的文件。" in missing.text

    assert evidence_rows(app) == []
    assert not uploads.exists() or list(uploads.iterdir()) == []


#: (name, bytes, the reason shown) of files whose kind is accepted but whose content is not.
THREATS = (
    ("总结.docx", samples.docx_with_program(), "含有不属于 Office 文档的部件 word/setup.exe"),
    ("总结.docx", samples.docx_with_hidden_macro(), "含有宏或 ActiveX 控件"),
    ("旧版.doc", samples.fake_ole(), "不是有效的 Office 文档"),
    ("进展.pdf", samples.pdf_with_javascript(), "含有脚本、启动动作或嵌入文件（/JavaScript）"),
    ("台账.docx", samples.docx_bomb(), "疑似压缩炸弹"),
)


def test_hidden_programs_macros_scripts_and_bombs_are_refused_beside_the_field(
    app: Flask, ids: Ids, uploads: Path
) -> None:
    """A Word file carrying a program or a macro, a fake .doc, a PDF with JavaScript, a zip
    bomb: the upload page again (200), the reason beside the file field; nothing stored."""
    lead = client_of(app, "lead")
    for name, data, reason in THREATS:
        response = post_file(lead, f"/reports/{ids.report}/evidence", name, data)
        assert response.status_code == 200
        beside_field = re.search(r'id="file-error"><p class="error">([^<]*)</p>', response.text)
        assert beside_field is not None and beside_field.group(1).startswith(f"文件「{name}」")
        assert reason in response.text
        assert 'enctype="multipart/form-data"' in response.text
    assert evidence_rows(app) == []
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_oversized_files_name_the_limit(
    app: Flask,
    ids: Ids,
    uploads: Path,
    monkeypatch: pytest.MonkeyPatch,
    set_settings: Callable[..., Settings],
) -> None:
    """With a 1 MB limit: a 1.5 MB file is refused by the service naming the file; a
    3 MB request is refused by Flask (413) with the limit in the message."""
    limits = set_settings("uploads", max_upload_mb=1).uploads
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", limits.max_content_length)
    lead = client_of(app, "lead")
    url = f"/reports/{ids.report}/evidence"
    big_pdf = samples.PDF + b"%" * (1024 * 1024 + 512 * 1024)

    over_file = post_file(lead, url, "扫描件.pdf", big_pdf)
    assert over_file.status_code == 200
    assert "文件“扫描件.pdf”超过 1 MB 的大小上限" in over_file.text

    over_request = post_file(lead, url, "巨大.pdf", big_pdf * 2)
    assert over_request.status_code == 413
    assert "每个佐证材料不能超过 1 MB" in over_request.text
    assert evidence_rows(app) == []


def test_lead_removes_a_file_which_is_kept(app: Flask, ids: Ids, uploads: Path) -> None:
    """Removal hides the file from the page and from downloads; row and bytes stay."""
    lead = client_of(app, "lead")
    post_file(lead, f"/reports/{ids.report}/evidence", "照片.jpg", samples.image("JPEG"))
    [item] = evidence_rows(app)
    page = lead.get(f"/tasks/{ids.task}")
    assert f'action="/evidence/{item.id}/remove"' in page.text

    response = lead.post(f"/evidence/{item.id}/remove", data={"csrf_token": token(lead)})
    assert location(response) == f"/tasks/{ids.task}"
    [kept] = evidence_rows(app)
    assert kept.removed_at is not None
    assert (uploads / kept.stored_name).exists()
    page = lead.get(f"/tasks/{ids.task}")
    assert "已删除佐证材料“照片.jpg”。" in page.text
    assert f'href="/evidence/{item.id}"' not in page.text
    assert lead.get(f"/evidence/{item.id}").status_code == 404


def test_accepted_report_offers_no_upload(app: Flask, ids: Ids) -> None:
    """After acceptance the form is gone and a forged upload is refused with a message."""
    with app.app_context():
        report = db.session.get(ProgressReport, ids.report)
        assert report is not None
        report.status = ReportStatus.ACCEPTED
        db.session.commit()
    lead = client_of(app, "lead")
    assert f'action="/reports/{ids.report}/evidence"' not in lead.get(f"/tasks/{ids.task}").text
    refused = post_file(lead, f"/reports/{ids.report}/evidence", "补充.pdf", samples.PDF)
    assert refused.status_code == 200
    assert "该填报已审核，佐证材料不能再增删。" in refused.text
    assert evidence_rows(app) == []
