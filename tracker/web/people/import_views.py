"""Importing lists of units and users from Excel with a preview: the upload is read and
each row shown (新增 / 更新 / 无变化, what changes); nothing is stored until the office
confirms, then all or nothing. The rows read travel in the confirm form as JSON and are
checked again on confirmation."""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import flash, render_template
from flask_login import current_user, login_required
from pydantic import TypeAdapter, ValidationError
from werkzeug.datastructures import FileStorage

from tracker import settings as app_settings
from tracker.domain.policy import Action
from tracker.extensions import db
from tracker.io.people_sheets import UnitRow, UserRow, read_unit_rows, read_user_rows
from tracker.io.table_grid import TableReadError
from tracker.models._types import MAX_ID
from tracker.services import people_import
from tracker.services.errors import ServiceError
from tracker.services.people_import import ImportResult
from tracker.unit_of_work import attempt, begin_writes, writes_late
from tracker.web.access import require
from tracker.web.auth import sessions
from tracker.web.people.blueprint import bp
from tracker.web.people.forms import ConfirmForm, ImportForm

_UNIT_ROWS = TypeAdapter(list[UnitRow])
_USER_ROWS = TypeAdapter(list[UserRow])


def read_upload(upload: FileStorage, reader: Callable[..., list[Any]]) -> list[Any]:
    """The rows of an uploaded file, read from a temporary copy under the import limits.
    Raises ServiceError (field "file") naming the row and column of a bad row."""
    name = re.sub(r"[^\w.-]", "_", Path(upload.filename or "upload").name)[-60:]
    suffix = Path(name).suffix.lower()
    stem = Path(name).stem.strip("._") or "upload"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stem}{suffix if suffix in ('.xlsx', '.docx') else '.xlsx'}"
        upload.save(path)
        try:
            return reader(path, app_settings.container_limits())
        except TableReadError as error:
            raise ServiceError(str(error), field="file") from None


def _payload(rows: list[Any]) -> str:
    return json.dumps([dataclasses.asdict(row) for row in rows], ensure_ascii=False)


def _rows(adapter: TypeAdapter[Any], text: str) -> list[Any]:
    try:
        rows = list(adapter.validate_json(text))
    except ValidationError:
        raise ServiceError("导入内容无法识别，请重新上传。", field="file") from None
    require_storable(rows)
    return rows


def require_storable(data: Any) -> None:
    """Refuse data carried back by a confirm form that no database could store: NUL, lone
    surrogates, numbers beyond a stored integer's range (ServiceError on "file")."""
    plain = [dataclasses.asdict(item) for item in data] if isinstance(data, list) else data
    if dataclasses.is_dataclass(plain) and not isinstance(plain, type):
        plain = dataclasses.asdict(plain)
    text = json.dumps(plain, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ServiceError("导入内容含有不允许的字符，请重新上传。", field="file") from None
    if "\\u0000" in text or "\x00" in text or _too_big(plain):
        raise ServiceError("导入内容含有不允许的字符或数值，请重新上传。", field="file")


def _too_big(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return not -MAX_ID <= value <= MAX_ID
    if isinstance(value, dict):
        return any(_too_big(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_too_big(v) for v in value)
    return False


@bp.route("/units/import", methods=["GET", "POST"])
@login_required
def import_units() -> str:
    """Upload a list of units → preview → confirm."""
    require(Action.MANAGE_ACCOUNTS)
    return _import_page("units", _UNIT_ROWS, read_unit_rows, _preview_units, _apply_units)


@bp.route("/users/import", methods=["GET", "POST"])
@writes_late  # computed (passwords hashed) before the write lock is taken (issue 18 §1)
@login_required
def import_users() -> str:
    """Upload a list of users → preview → confirm (one-time passwords shown once)."""
    require(Action.MANAGE_ACCOUNTS)
    return _import_page("users", _USER_ROWS, read_user_rows, _preview_users, _apply_users)


def _import_page(
    what: str,
    adapter: TypeAdapter[Any],
    reader: Callable[..., list[Any]],
    preview: Callable[[list[Any], str], ImportResult],
    apply: Callable[[list[Any], str], ImportResult],
) -> str:
    """The import page of ``what`` in its three states: the upload form; a preview with
    the confirm form; the result."""
    upload, confirm = ImportForm(), ConfirmForm()
    template = f"people/import_{what}.html"
    if confirm.payload.data and confirm.validate_on_submit():
        kind = confirm.kind.data or ""
        try:  # each apply is all or nothing itself (a savepoint)
            done = apply(_rows(adapter, confirm.payload.data or ""), kind)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash("导入完成。", "success")
            return render_template(template, form=upload, result=done, done=True)
    elif upload.validate_on_submit():
        kind = upload.kind.data or ""
        read = attempt(lambda: _read_and_preview(upload, reader, preview, kind))
        if read.value is not None:
            rows, result = read.value
            confirm = ConfirmForm(formdata=None, payload=_payload(rows), kind=kind)
            return render_template(template, form=upload, result=result, confirm=confirm)
        if read.error is not None:
            upload.file.errors = [*upload.file.errors, read.error.message]
    return render_template(template, form=upload, result=None)


def _read_and_preview(
    form: ImportForm,
    reader: Callable[..., list[Any]],
    preview: Callable[[list[Any], str], ImportResult],
    kind: str,
) -> tuple[list[Any], ImportResult]:
    rows = read_upload(form.file.data, reader)
    return rows, preview(rows, kind)


def _preview_units(rows: list[UnitRow], kind: str) -> ImportResult:
    return people_import.preview_units(rows, kind or None)


def _apply_units(rows: list[UnitRow], kind: str) -> ImportResult:
    outcome = attempt(lambda: people_import.import_units(rows, kind or None, current_user))
    if outcome.error is not None:
        raise outcome.error
    assert outcome.value is not None
    return outcome.value


def _preview_users(rows: list[UserRow], _kind: str) -> ImportResult:
    return people_import.preview_users(rows)


def _apply_users(rows: list[UserRow], _kind: str) -> ImportResult:
    current = app_settings.current()
    prepared = people_import.prepare_users(
        rows,
        hash_method=current.passwords.hash_method,
        policy=sessions.password_policy(),
        by=current_user,
    )  # the passwords are hashed before the write lock is taken (issue 18 §1)
    begin_writes()
    with db.session.begin_nested():
        return people_import.write_users(prepared, current_user)
