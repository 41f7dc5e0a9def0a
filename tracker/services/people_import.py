"""Importing lists of units and users (issue 11 §3): a preview of what each row would do,
then the import, all or nothing (any bad row raises a ServiceError naming the row and
column before anything is written). Shared by the web pages and ``units import`` /
``users import``. Flushes; the caller commits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from tracker.domain.passwords import PasswordPolicy
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.io.people_sheets import UnitRow, UserRow
from tracker.models import AuditEntry, Unit, UnitAlias, User
from tracker.services import audit
from tracker.services.bulk import (
    insert_rows,
    largest_id,
    reserve_ids,
    table_of,
    with_defaults,
)
from tracker.services.errors import ServiceError
from tracker.services.passwords import require_acceptable
from tracker.services.unit_admin import KIND_LABELS, kind_of
from tracker.services.units import UnitDirectory
from tracker.services.user_admin import UserInput, one_time_password, role_of

Status = Literal["new", "update", "unchanged"]
STATUS_LABELS = {"new": "新增", "update": "更新", "unchanged": "无变化"}


@dataclass(slots=True)
class PreviewRow:
    """What one row would do: its status and the changes (field → new value) in words."""

    row: int
    name: str
    status: Status
    changes: dict[str, str] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return STATUS_LABELS[self.status]


@dataclass(slots=True)
class ImportResult:
    """Counts of an import, the preview rows, and (users) the one-time passwords of the
    created accounts, to be shown once."""

    rows: list[PreviewRow]
    passwords: dict[str, str] = field(default_factory=dict)

    def count(self, status: Status) -> int:
        """How many rows have ``status``."""
        return sum(1 for row in self.rows if row.status == status)

    def to_json(self) -> dict[str, object]:
        """``{"created", "updated", "unchanged"}`` (plus ``passwords`` when any)."""
        data: dict[str, object] = {
            "created": self.count("new"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
        }
        if self.passwords:
            data["passwords"] = self.passwords
        return data


def _error(row: int, column: str, message: str) -> ServiceError:
    return ServiceError(f"第{row}行「{column}」列：{message}", field="file")


def _check_lengths(row: int, texts: dict[str, str], limit: int) -> None:
    for column, text in texts.items():
        if len(text) > limit:
            raise _error(row, column, f"超过{limit}个字")


# ------------------------------------------------------------------------------ units


def _unit_changes(unit: Unit | None, row: UnitRow, kind: str | None) -> dict[str, str]:
    changes: dict[str, str] = {}
    if kind and (unit is None or unit.kind != kind):
        changes["类型"] = KIND_LABELS[kind]
    have = {a.alias for a in unit.aliases} if unit is not None else set()
    new_aliases = [a for a in row.aliases if a not in have and (unit is None or a != unit.name)]
    if new_aliases:
        changes["别名"] = "、".join(new_aliases)
    parent_name = unit.parent.name if unit is not None and unit.parent else ""
    if row.parent and row.parent != parent_name:
        changes["上级单位"] = row.parent
    details = json.loads(unit.details or "{}") if unit is not None and unit.details else {}
    if any(details.get(k) != v for k, v in row.details.items()):
        changes["其他信息"] = "，".join(f"{k}：{v}" for k, v in row.details.items())
    return changes


def _row_kind(row: UnitRow, default_kind: str | None) -> str | None:
    text = row.kind or default_kind
    if not text:
        return None
    try:
        return kind_of(text)
    except ServiceError as error:
        raise _error(row.row, "类型", str(error)) from None


def preview_units(rows: list[UnitRow], default_kind: str | None = None) -> ImportResult:
    """What importing ``rows`` would do (``default_kind`` for rows without a 类型). Reads
    only. Raises ServiceError naming the row and column of a bad row (unknown kind, unknown
    parent, unknown leader, a name twice)."""
    directory = UnitDirectory()
    names = {row.name for row in rows}
    seen: dict[str, int] = {}
    result: list[PreviewRow] = []
    for row in rows:
        if row.name in seen:
            raise _error(row.row, "单位名称", f"「{row.name}」与第{seen[row.name]}行重复")
        seen[row.name] = row.row
        _check_lengths(row.row, {"单位名称": row.name, "上级单位": row.parent}, 100)
        for alias in row.aliases:
            _check_lengths(row.row, {"别名": alias}, 100)
        if row.parent and row.parent not in names and directory.find(row.parent) is None:
            raise _error(row.row, "上级单位", f"没有名为「{row.parent}」的单位")
        if row.leader and _leader(row.leader) is None:
            raise _error(row.row, "分管领导", f"没有用户名为「{row.leader}」的分管领导")
        unit = directory.find(row.name)
        changes = _unit_changes(unit, row, _row_kind(row, default_kind))
        status: Status = "new" if unit is None else ("update" if changes else "unchanged")
        result.append(PreviewRow(row.row, row.name, status, changes))
    return ImportResult(result)


def _leader(username: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.username == username, User.role == Role.LEADER)
    )


def import_units(rows: list[UnitRow], default_kind: str | None, by: User | None) -> ImportResult:
    """Create the new units and update the known ones (kind, aliases added, parent,
    details, leader in charge); all or nothing. Audited per unit."""
    result = preview_units(rows, default_kind)
    directory = UnitDirectory()
    made: dict[str, Unit] = {}

    def find(name: str) -> Unit | None:
        return made.get(name) or directory.find(name)

    for row, preview in zip(rows, result.rows, strict=True):
        if preview.status == "unchanged" and not row.leader:
            continue
        unit = find(row.name)
        before = audit.snapshot(unit) if unit is not None else None
        if unit is None:
            unit = made[row.name] = Unit(name=row.name)
            db.session.add(unit)
        _fill_unit(unit, row, _row_kind(row, default_kind))
        action = "create" if before is None else "update"
        audit.record(
            action, unit, user=by, task_id=None, before=before, summary=f"导入单位：{row.name}"
        )
    for row in rows:
        if row.parent:
            unit, parent = find(row.name), find(row.parent)
            if unit is not None and parent is not None and parent is not unit:
                unit.parent = parent
    db.session.flush()
    return result


def _fill_unit(unit: Unit, row: UnitRow, kind: str | None) -> None:
    if kind:
        unit.kind = kind
    have = {a.alias for a in unit.aliases}
    for alias in row.aliases:
        taken = db.session.scalar(sa.select(UnitAlias.id).where(UnitAlias.alias == alias))
        if alias not in have and alias != unit.name and taken is None:
            unit.aliases.append(UnitAlias(alias=alias))
    if row.details:
        details = json.loads(unit.details or "{}") if unit.details else {}
        unit.details = json.dumps(details | row.details, ensure_ascii=False)
    if row.leader:
        leader = _leader(row.leader)
        unit.leader_id = leader.id if leader is not None else unit.leader_id


# ------------------------------------------------------------------------------ users


def _user_input(row: UserRow, directory: UnitDirectory) -> UserInput:
    try:
        role = role_of(row.role)
    except ServiceError as error:
        raise _error(row.row, "角色", str(error)) from None
    unit = directory.find(row.unit) if row.unit else None
    if row.unit and unit is None:
        raise _error(row.row, "单位", f"没有名为「{row.unit}」的单位")
    if role is Role.UNIT and unit is None:
        raise _error(row.row, "单位", "单位填报员必须填写单位")
    email = row.email.strip()
    if email and ("@" not in email or " " in email):
        raise _error(row.row, "邮箱", f"「{email}」格式不正确")
    return UserInput(
        username=row.username,
        role=role,
        display_name=row.display_name,
        unit_id=unit.id if unit is not None else None,
        email=email or None,
    )


def _user_changes(user: User | None, data: UserInput) -> dict[str, str]:
    if user is None:
        return {"角色": str(data.role)}
    changes: dict[str, str] = {}
    if user.role is not data.role:
        changes["角色"] = str(data.role)
    if data.unit_id is not None and user.unit_id != data.unit_id:
        changes["单位"] = str(data.unit_id)
    if data.display_name and user.display_name != data.display_name:
        changes["姓名"] = data.display_name
    if data.email and user.email != data.email:
        changes["邮箱"] = data.email
    return changes


def preview_users(rows: list[UserRow]) -> ImportResult:
    """What importing ``rows`` would do. Reads only; raises ServiceError naming the row and
    column of a bad row (unknown role or unit, a unit user without a unit, a name twice)."""
    directory = UnitDirectory()
    seen: dict[str, int] = {}
    result: list[PreviewRow] = []
    for row in rows:
        if row.username in seen:
            raise _error(row.row, "用户名", f"「{row.username}」与第{seen[row.username]}行重复")
        seen[row.username] = row.row
        _check_lengths(row.row, {"用户名": row.username}, 80)
        _check_lengths(row.row, {"姓名": row.display_name, "邮箱": row.email}, 100)
        data = _user_input(row, directory)
        user = db.session.scalar(sa.select(User).where(User.username == row.username))
        changes = _user_changes(user, data)
        status: Status = "new" if user is None else ("update" if changes else "unchanged")
        result.append(PreviewRow(row.row, row.username, status, changes))
    return ImportResult(result)


def import_users(
    rows: list[UserRow], by: User | None, *, hash_method: str, policy: PasswordPolicy
) -> ImportResult:
    """Create the new users (each with a one-time password, in the result) and update the
    known ones (role, unit, name, e-mail); all or nothing. Audited. The two phases of
    :func:`prepare_users` and :func:`write_users` in the caller's transaction; a caller
    that must hold SQLite's write lock briefly calls them itself with
    :func:`tracker.unit_of_work.begin_writes` between."""
    return write_users(prepare_users(rows, hash_method=hash_method, policy=policy, by=by), by)


@dataclass(slots=True)
class PreparedUsers:
    """A users import computed before its write phase: the preview, each new account's
    input and password hash (hashing is the slow part: scrypt, ≈50 ms each), and each
    known user with the input that updates it."""

    result: ImportResult
    new: list[tuple[UserInput, str]] = field(default_factory=list)
    updates: list[tuple[User, UserInput]] = field(default_factory=list)
    guess: tuple[int, int] = (0, 0)  # the largest user and audit entry ids when prepared
    rows: tuple[list[dict[str, object]], list[dict[str, object]]] | None = None


def prepare_users(
    rows: list[UserRow], *, hash_method: str, policy: PasswordPolicy, by: User | None = None
) -> PreparedUsers:
    """Everything importing ``rows`` needs, computed (passwords made and hashed) and
    checked: raises ServiceError naming the row and column of a bad row. Reads only."""
    result = preview_users(rows)
    directory = UnitDirectory()
    names = [row.username for row in rows]
    known = {
        user.username: user
        for user in db.session.scalars(sa.select(User).where(User.username.in_(names)))
    }
    prepared = PreparedUsers(result)
    for row, preview in zip(rows, result.rows, strict=True):
        if preview.status == "unchanged":
            continue
        data = _user_input(row, directory)
        user = known.get(row.username)
        if user is not None:
            prepared.updates.append((user, data))
            continue
        password = one_time_password(policy)
        require_acceptable(policy, password)
        result.passwords[row.username] = password
        prepared.new.append((data, generate_password_hash(password, method=hash_method)))
    if db.session.get_bind().dialect.name == "sqlite":  # ids guessed: checked when written
        prepared.guess = (largest_id(table_of(User)), largest_id(table_of(AuditEntry)))
        first = prepared.guess[0] + 1
        ids = list(range(first, first + len(prepared.new)))
        prepared.rows = _new_rows(prepared, ids, by, prepared.guess[1])
    return prepared


def write_users(prepared: PreparedUsers, by: User | None) -> ImportResult:
    """Store a prepared users import: the new accounts with one statement and their audit
    entries with another (users and units point at each other, so the ORM would insert
    them one by one), then the changes of known users. On SQLite the rows were built with
    ids guessed while preparing, kept when no account or entry was added since (checked
    under the write lock). Flushes; the caller commits."""
    users, entries = table_of(User), table_of(AuditEntry)
    guess = (largest_id(users), largest_id(entries))
    rows = prepared.rows
    if rows is None or guess != prepared.guess or db.session.get_bind().dialect.name != "sqlite":
        rows = _new_rows(prepared, reserve_ids(users, len(prepared.new)), by, guess[1])
    insert_rows(users, rows[0], conflict=("id",))
    insert_rows(entries, rows[1], conflict=("id",))
    changes = []
    for user, data in prepared.updates:
        before = audit.snapshot(user)
        user.role = data.role
        user.unit_id = data.unit_id if data.role is Role.UNIT else None
        user.display_name = data.display_name or user.display_name
        user.email = data.email or user.email
        changes.append((user, before))
    db.session.flush()
    audit.record_many(
        [("update", user, before, f"导入用户：{user.username}") for user, before in changes],
        user=by,
    )
    return prepared.result


def _new_rows(
    prepared: PreparedUsers, ids: list[int], by: User | None, last_entry: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The new accounts' rows (with ``ids``) and their audit entries' (ids after
    ``last_entry``; on PostgreSQL drawn from the sequence)."""
    now = datetime.now(UTC)
    users = with_defaults(
        table_of(User),
        [
            {
                "id": ids[index],
                "username": data.username,
                "role": data.role,
                "unit_id": data.unit_id if data.role is Role.UNIT else None,
                "display_name": data.display_name.strip() or data.username,
                "email": data.email,
                "password_hash": password_hash,
                "password_changed_at": now,
                "must_change_password": True,
                "active": data.active,
            }
            for index, (data, password_hash) in enumerate(prepared.new)
        ],
    )
    entry_ids = (
        list(range(last_entry + 1, last_entry + len(users) + 1))
        if db.session.get_bind().dialect.name == "sqlite"
        else reserve_ids(table_of(AuditEntry), len(users))
    )
    entries = with_defaults(
        table_of(AuditEntry),
        [
            audit.entry_values(
                "create", User(**row), user=by, before=None, summary=f"新增用户：{row['username']}"
            )
            | {"id": entry_id}
            for row, entry_id in zip(users, entry_ids, strict=True)
        ],
    )
    return users, entries
