"""The evidence service: real files accepted by their bytes, impostors, empty and oversized
files refused, generated names outside the static folder, SHA-256, soft removal."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import TEST_HASH_METHOD, load_settings
from tests import evidence_samples as samples
from tests import ole_samples
from tests.functional.helpers import COOPERATING_UNITS, LEAD_UNIT, Cixi, import_cixi
from tracker import create_app
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.io.containers import ContainerLimits
from tracker.models import (
    AuditEntry,
    Contribution,
    Evidence,
    ProgressReport,
    ReportStatus,
    Task,
    Unit,
    User,
)
from tracker.services import evidence
from tracker.services.errors import Conflict, NotFound, ServiceError
from tracker.services.users import create_user

LIMIT = 64 * 1024
DEFAULT_LIMITS = ContainerLimits()


@dataclass(frozen=True, slots=True)
class Upload:
    """What a browser sends: a file name and a stream of bytes."""

    filename: str | None
    stream: io.BytesIO


def upload(name: str | None, data: bytes) -> Upload:
    """An upload of ``data`` called ``name``."""
    return Upload(name, io.BytesIO(data))


@dataclass
class World:
    """A submitted report of the first Cixi task, one contribution request, their users."""

    report: ProgressReport
    contribution: Contribution
    lead: User
    coop: User
    storage: Path


@pytest.fixture(scope="module")
def ids(app: Flask, shared_db: None) -> tuple[int, int]:
    """The Cixi plan, a lead user and a cooperating user, a submitted 2020Q3 report; the
    ids of the report and of its contribution request."""
    cixi = import_cixi(app, app.test_cli_runner())
    with app.app_context():
        return _submitted_report(cixi)


def _submitted_report(cixi: Cixi) -> tuple[int, int]:
    task = db.session.get(Task, cixi.task_id)
    assert task is not None

    def unit(name: str) -> Unit:
        return db.session.scalars(sa.select(Unit).where(Unit.name == name)).one()

    lead = create_user(
        "lead", "Secret#2020pass", Role.UNIT, unit=unit(LEAD_UNIT), hash_method=TEST_HASH_METHOD
    )
    coop = create_user(
        "coop",
        "Secret#2020pass",
        Role.UNIT,
        unit=unit(COOPERATING_UNITS[0]),
        hash_method=TEST_HASH_METHOD,
    )
    report = ProgressReport(
        task_id=task.id,
        unit_id=lead.unit_id,
        period="2020Q3",
        period_end=date(2020, 9, 30),
        status=ReportStatus.SUBMITTED,
        value=25.0,
        progress="三季度推进",
        author_id=lead.id,
    )
    db.session.add(report)
    db.session.flush()
    contribution = Contribution(
        report_id=report.id, unit_id=coop.unit_id, requested_on=date(2020, 10, 12)
    )
    db.session.add(contribution)
    db.session.commit()
    return report.id, contribution.id


@pytest.fixture
def world(app_ctx: Flask, ids: tuple[int, int], tmp_path: Path) -> Iterator[World]:
    """The report and contribution request of :func:`ids`, their users, files under
    ``tmp_path``."""
    report = db.session.get(ProgressReport, ids[0])
    contribution = db.session.get(Contribution, ids[1])
    assert report is not None and contribution is not None
    lead = db.session.scalars(sa.select(User).where(User.username == "lead")).one()
    coop = db.session.scalars(sa.select(User).where(User.username == "coop")).one()
    yield World(report, contribution, lead, coop, tmp_path / "uploads")


def attach(
    world: World,
    name: str | None,
    data: bytes,
    target: object = None,
    limits: ContainerLimits = DEFAULT_LIMITS,
) -> Evidence:
    """Attach ``data`` to the report (or ``target``) as the lead unit's user."""
    return evidence.attach(
        target or world.report,
        upload(name, data),
        world.lead,
        storage_dir=world.storage,
        max_bytes=LIMIT,
        limits=limits,
    )


def stored_files(world: World) -> list[Path]:
    """The files in the storage folder."""
    return sorted(world.storage.iterdir()) if world.storage.exists() else []


#: (name, bytes, content type found) of every accepted kind.
ACCEPTED = (
    ("三季度进展.pdf", samples.PDF, "application/pdf"),
    ("现场照片.png", samples.image("PNG"), "image/png"),
    ("现场照片.jpg", samples.image("JPEG"), "image/jpeg"),
    ("动图.gif", samples.image("GIF"), "image/gif"),
    ("照片.webp", samples.image("WEBP"), "image/webp"),
    (
        "工作总结.docx",
        samples.docx_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "台账.xlsx",
        samples.xlsx_bytes(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "汇报.pptx",
        samples.pptx_bytes(),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("旧文档.doc", ole_samples.word_97(), "application/msword"),
    ("旧表格.xls", ole_samples.excel_97(), "application/vnd.ms-excel"),
    ("旧演示.ppt", ole_samples.powerpoint_97(), "application/vnd.ms-powerpoint"),
)

#: (name, bytes) of files that are not what their names say, or not accepted at all.
IMPOSTORS = (
    ("x.pdf", samples.EXE),
    ("x.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ("x.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ("x.docx", samples.zip_bytes({"a.txt": b"not office"})),
    ("x.doc", ole_samples.summary_only()),
    ("late.pdf", b"junk before %PDF-1.4\n%%EOF\n"),
)

#: (name, bytes, what the refusal says) of accepted kinds carrying a program, a macro or a
#: script, or inflating far beyond their size.
THREATS = (
    ("工作总结.docx", samples.docx_with_program(), "不属于 Office 文档的部件 word/setup.exe"),
    ("工作总结.docx", samples.docx_with_hidden_macro(), "含有宏或 ActiveX 控件"),
    ("x.docm", samples.docm_bytes(), "含有宏部件 word/vbaProject.bin"),
    (
        "旧文档.doc",
        ole_samples.ole_file({"WordDocument": b"x"}, ("Macros", {"VBA": b"Attribute"})),
        "含有宏",
    ),
    ("旧文档.doc", samples.fake_ole(), "不是有效的 Office 文档"),
    ("进展.pdf", samples.pdf_with_javascript(), "/JavaScript"),
    ("台账.docx", samples.docx_bomb(), "疑似压缩炸弹"),
)


def test_real_files_are_stored_with_type_size_and_sha256(world: World) -> None:
    """Each accepted kind is recognised from its bytes and stored byte for byte."""
    for name, data, content_type in ACCEPTED:
        item = attach(world, name, data)
        db.session.commit()
        assert item.original_name == name
        assert item.content_type == content_type, name
        assert item.size_bytes == len(data)
        assert item.sha256 == hashlib.sha256(data).hexdigest()
        assert item.uploaded_by_id == world.lead.id
        assert (item.report_id, item.contribution_id) == (world.report.id, None)
        assert evidence.open_evidence(item, world.storage).read_bytes() == data
    assert len(evidence.evidence_of_report(world.report.id)) == len(ACCEPTED)


def test_type_comes_from_the_bytes_not_the_name(world: World) -> None:
    """A PNG called "报告.pdf" is stored as a PNG; a PDF without extension as a PDF."""
    assert attach(world, "报告.pdf", samples.image("PNG")).content_type == "image/png"
    assert attach(world, "无扩展名", samples.PDF).content_type == "application/pdf"


def test_stored_name_is_generated_and_outside_the_static_folder(
    world: World, app_ctx: Flask
) -> None:
    """32 hex digits of a uuid4, nothing of the user's name, in the storage folder."""
    first = attach(world, "../../static/恶意.pdf", samples.PDF)
    second = attach(world, "恶意.pdf", samples.PDF)
    for item in (first, second):
        assert evidence.STORED_NAME.fullmatch(item.stored_name)
        assert "恶意" not in item.stored_name and "pdf" not in item.stored_name
    assert first.stored_name != second.stored_name
    assert first.original_name == "恶意.pdf"
    assert stored_files(world) == sorted(world.storage / i.stored_name for i in (first, second))
    static = Path(app_ctx.static_folder or "").resolve()
    assert not world.storage.resolve().is_relative_to(static)
    default = app_settings.of(app_ctx).uploads.folder.resolve()
    assert not default.is_relative_to(static)


def test_impostors_are_refused_naming_the_file(world: World) -> None:
    """Whatever the name says, bytes that are not an accepted kind are refused."""
    for name, data in IMPOSTORS:
        with pytest.raises(ServiceError) as refused:
            attach(world, name, data)
        assert refused.value.field == "file"
        assert f"“{name}”" in refused.value.message
        assert "不是允许的类型" in refused.value.message
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0
    assert stored_files(world) == []


@pytest.mark.parametrize(("name", "data", "reason"), THREATS)
def test_programs_macros_scripts_and_bombs_are_refused(
    world: World, name: str, data: bytes, reason: str
) -> None:
    """A file of an accepted kind holding a program, a macro or a script, or a zip bomb, is
    refused naming the file and the reason; no row, no file."""
    with pytest.raises(ServiceError) as refused:
        attach(world, name, data)
    assert refused.value.field == "file"
    assert f"「{name}」" in refused.value.message
    assert reason in refused.value.message and "未上传" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0
    assert stored_files(world) == []


def test_container_limits_are_the_callers(world: World) -> None:
    """The limits passed in decide: a two-row workbook passes the defaults and is refused
    with ``max_rows=1``, the limit named."""
    with pytest.raises(ServiceError, match="超过上限 1 行"):
        attach(world, "台账.xlsx", samples.xlsx_bytes(), limits=ContainerLimits(max_rows=1))
    assert stored_files(world) == []
    assert attach(world, "台账.xlsx", samples.xlsx_bytes()).size_bytes > 0


def test_empty_file_is_refused(world: World) -> None:
    """Zero bytes: refused, named, nothing stored."""
    with pytest.raises(ServiceError) as refused:
        attach(world, "空白.pdf", b"")
    assert refused.value.field == "file"
    assert "“空白.pdf”是空文件" in refused.value.message
    assert stored_files(world) == []


def test_file_over_the_limit_is_refused(world: World) -> None:
    """One byte over ``max_bytes`` is refused with the limit in the message; the limit
    itself is accepted."""
    at_limit = samples.PDF + b"%" * (LIMIT - len(samples.PDF))
    assert attach(world, "刚好.pdf", at_limit).size_bytes == LIMIT
    with pytest.raises(ServiceError) as refused:
        attach(world, "太大.pdf", at_limit + b"%")
    assert refused.value.field == "file"
    assert "“太大.pdf”超过 64 KB 的大小上限" in refused.value.message
    assert len(stored_files(world)) == 1


def test_removal_keeps_the_row_and_the_file(world: World) -> None:
    """Removing sets ``removed_at``; lists hide it; the file stays; both steps audited."""
    item = attach(world, "进展.pdf", samples.PDF)
    db.session.commit()
    path = evidence.open_evidence(item, world.storage)
    evidence.remove(item, world.lead)
    db.session.commit()
    assert item.removed_at is not None
    assert db.session.get(Evidence, item.id) is not None
    assert path.read_bytes() == samples.PDF
    assert evidence.evidence_of_report(world.report.id) == []
    assert evidence.evidence_of_report(world.report.id, include_removed=True) == [item]
    with pytest.raises(NotFound):
        evidence.open_evidence(item, world.storage)
    with pytest.raises(Conflict):
        evidence.remove(item, world.lead)
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.entity == "evidence", AuditEntry.entity_id == item.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["attach", "remove"]


def test_contribution_evidence_is_listed_apart(world: World) -> None:
    """A cooperating unit's file belongs to its contribution, not to the report itself."""
    item = evidence.attach(
        world.contribution,
        upload("配合材料.docx", samples.docx_bytes()),
        world.coop,
        storage_dir=world.storage,
        max_bytes=LIMIT,
        limits=DEFAULT_LIMITS,
    )
    db.session.commit()
    assert (item.report_id, item.contribution_id) == (None, world.contribution.id)
    assert evidence.evidence_of_contribution(world.contribution.id) == [item]
    assert evidence.evidence_of_report(world.report.id) == []
    assert evidence.task_of(item).id == world.report.task_id
    rows = evidence.describe([item])
    assert (rows[0].uploader, rows[0].type_label) == ("coop", "Word 文档")


def test_accepted_report_is_locked(world: World) -> None:
    """Once the office accepts the report, files can be neither added nor removed."""
    item = attach(world, "进展.pdf", samples.PDF)
    world.report.status = ReportStatus.ACCEPTED
    db.session.commit()
    with pytest.raises(Conflict, match="已审核"):
        attach(world, "补充.pdf", samples.PDF)
    with pytest.raises(Conflict):
        attach(world, "配合.pdf", samples.PDF, target=world.contribution)
    with pytest.raises(Conflict):
        evidence.remove(item, world.lead)


def test_open_evidence_refuses_foreign_stored_names(world: World) -> None:
    """A stored name this module did not generate is never opened."""
    item = attach(world, "进展.pdf", samples.PDF)
    item.stored_name = "../secret_key"
    with pytest.raises(NotFound):
        evidence.open_evidence(item, world.storage)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\fakepath\\报告.pdf", "报告.pdf"),
        ("../../etc/passwd", "passwd"),
        ("a\x00b\n.pdf", "ab.pdf"),
        ("", "未命名文件"),
        (None, "未命名文件"),
        ("长" * 300 + ".docx", "长" * 250 + ".docx"),
    ],
)
def test_clean_name(raw: str | None, clean: str) -> None:
    """Folders and control characters go; long names keep their extension."""
    assert evidence.clean_name(raw) == clean


@pytest.mark.parametrize(
    ("size", "text"),
    [(10, "0.1 KB"), (1536, "1.5 KB"), (1024 * 1024, "1 MB"), (20 * 1024 * 1024, "20 MB")],
)
def test_format_size(size: int, text: str) -> None:
    """Sizes in KB below 1 MB, in MB above."""
    assert evidence.format_size(size) == text


def test_upload_limits_keep_flask_consistent() -> None:
    """The request limit leaves 1 MiB of room above the file limit."""
    settings = load_settings({"TRACKER_MAX_UPLOAD_MB": 20})
    assert settings.uploads.max_bytes == 20 * 1024 * 1024
    assert settings.flask_config()["MAX_CONTENT_LENGTH"] == 21 * 1024 * 1024
    with pytest.raises(ValueError, match="TRACKER_MAX_UPLOAD_MB"):
        load_settings({"TRACKER_MAX_UPLOAD_MB": 0})


def test_upload_dir_inside_static_is_refused(app: Flask) -> None:
    """The app refuses to keep evidence where the static route would serve it."""
    static = Path(app.static_folder or "") / "uploads"
    with pytest.raises(ValueError, match="outside the static folder"):
        create_app(
            {
                "TRACKER_SETTINGS": "test",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "TRACKER_UPLOAD_DIR": str(static),
            }
        )
