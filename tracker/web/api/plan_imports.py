"""Plan import of ``/api/v1`` (issue 11 §1-2), the pages' twin: upload a table (multipart,
field ``file``) for a new plan or a revision, read the preview, choose columns, confirm.
Office and admin, as on the web (:data:`Action.IMPORT_PLAN`)."""

from __future__ import annotations

from typing import Annotated

from flask import request
from pydantic import BaseModel, Field
from spectree.model_adapter.pydantic_adapter import BaseFile

from tracker import settings as app_settings
from tracker.domain.policy import Action
from tracker.domain.titles import parse_period_option
from tracker.models import PlanImport
from tracker.models._types import utcnow
from tracker.services import plan_import, plan_revision, plans
from tracker.services.plan_import import Confirmation
from tracker.unit_of_work import writes_late
from tracker.web.api import bp
from tracker.web.api.auth import api_user, require_api
from tracker.web.api.errors import ApiError
from tracker.web.api.responses import Out
from tracker.web.api.schemas import Body
from tracker.web.api.spec import answers, spec

_UPLOAD_ERRORS = (403, 404, 413, 422)


class PlanUpload(BaseModel):
    """``multipart/form-data`` with the table in ``file`` (.docx or .xlsx)."""

    file: BaseFile


class ColumnChoiceBody(Body):
    """Header (as the preview's ``headers`` gives it) → task / schedule / lead /
    cooperating / category / measure; anything else: the column is not imported."""

    choice: dict[Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=20)]]


class ConfirmBody(Body):
    """A new plan's name and period (``2019-2025``); left out: the preview's. Send ``{}``
    to take the preview as it is (and for a revision)."""

    name: Annotated[str, Field(max_length=200)] | None = None
    period: Annotated[str, Field(max_length=20, examples=["2019-2025"])] | None = None


class UnitMatchOut(Out):
    """A unit name of a row: ``status`` existing / alias / new; ``unit`` what it is."""

    name: str
    status: str
    unit: str


class PreviewRow(Out):
    """A task row as it would be imported."""

    row: int
    category: str
    measure: str
    task: str
    schedule: str
    lead_units: list[UnitMatchOut]
    cooperating_units: list[UnitMatchOut]
    milestones: list[str]
    review_reasons: list[str]


class TaskChangeOut(Out):
    """What a revision does to one task (added / changed / removed / unchanged)."""

    kind: str
    task_id: int | None
    row: int | None
    text: str
    old_text: str
    fields: list[str]
    old_schedule: str
    new_schedule: str
    old_units: str
    new_units: str


class PlanDiffOut(Out):
    """The diff of a revision: counts and each task's change."""

    counts: dict[str, int]
    changes: list[TaskChangeOut]


class PlanPreview(Out):
    """What confirming the import would store; ``error`` (with ``headers`` to choose
    columns from) means nothing can be stored yet."""

    import_id: int
    filename: str
    plan_id: int | None
    title: str
    name: str
    period: list[int] | None
    period_source: str
    rows: list[PreviewRow]
    new_units: list[str]
    headers: list[str]
    choice: dict[str, str]
    error: str | None
    diff: PlanDiffOut | None


class ImportDone(Out):
    """The plan stored or revised, and the counts (a new plan's summary, or
    added / changed / removed / unchanged)."""

    plan_id: int
    counts: dict[str, int]


def _preview(staged: PlanImport) -> PlanPreview:
    shown = plan_import.preview(staged, app_settings.container_limits())
    return PlanPreview.model_validate(shown.to_json())


def _stage(form: PlanUpload | None, plan_id: int | None) -> PlanPreview:
    require_api(Action.IMPORT_PLAN)
    plan = plans.get_plan(plan_id) if plan_id is not None else None
    upload = request.files.get("file")
    if form is None or upload is None:
        raise ApiError(422, "请以 multipart/form-data 上传文件（字段 file）", field="file")
    staged = plan_import.stage_upload(upload.filename or "", upload.read(), api_user(), plan=plan)
    return _preview(staged)


@bp.post("/plans/import")
@spec.validate(resp=answers(PlanPreview, *_UPLOAD_ERRORS))
def import_plan(form: PlanUpload) -> PlanPreview:
    """上传责任分工表（新方案）并预览

    Nothing is stored but the upload, until ``…/confirm``. 403 unless office or admin;
    422 no file or not .docx/.xlsx."""
    return _stage(form, None)


@bp.post("/plans/<int:plan_id>/import")
@spec.validate(resp=answers(PlanPreview, *_UPLOAD_ERRORS))
def import_into_plan(plan_id: int, form: PlanUpload) -> PlanPreview:
    """上传修订后的责任分工表并预览逐项变化

    The preview holds ``diff``. 404 unknown plan, 403, 422."""
    return _stage(form, plan_id)


@bp.get("/plans/imports/<int:import_id>")
@spec.validate(resp=answers(PlanPreview, 403, 404))
def get_plan_import(import_id: int) -> PlanPreview:
    """导入预览

    The preview of a staged upload. 404, 403."""
    require_api(Action.IMPORT_PLAN)
    return _preview(plan_import.get_import(import_id))


@bp.post("/plans/imports/<int:import_id>/columns")
@spec.validate(resp=answers(PlanPreview, 400, 403, 404, 415, 422))
def choose_plan_columns(import_id: int, json: ColumnChoiceBody) -> PlanPreview:
    """指定各列的含义（记住供下次导入）

    Then the preview again. 422 a role given to two columns."""
    require_api(Action.IMPORT_PLAN)
    staged = plan_import.get_import(import_id)
    plan_import.choose_columns(staged, json.choice)
    return _preview(staged)


@bp.post("/plans/imports/<int:import_id>/confirm")
@writes_late  # the table is read and computed before the write lock is taken (issue 18 §1)
@spec.validate(resp=answers(ImportDone, 400, 403, 404, 409, 415, 422))
def confirm_plan_import(import_id: int, json: ConfirmBody) -> ImportDone:
    """确认导入（全部保存或全部不保存）

    A new plan, or the revision applied. 409 already confirmed; 422 unreadable table or
    missing period (with field)."""
    require_api(Action.IMPORT_PLAN)
    staged = plan_import.get_import(import_id)
    try:
        period = parse_period_option(json.period) if json.period else None
    except ValueError as error:
        raise ApiError(422, str(error), field="period") from error
    result = plan_import.confirm(
        staged,
        Confirmation(name=json.name, period=period),
        defaults=app_settings.current().reporting,
        limits=app_settings.container_limits(),
        user=api_user(),
        now=utcnow(),
    )
    if isinstance(result, plan_revision.PlanDiff):
        counts = result.counts()
    else:
        counts = {key: value for key, value in result.to_json().items() if key != "plan_id"}
    return ImportDone(plan_id=staged.result_plan_id or 0, counts=counts)
