"""Numbering and storing supervision notices (督办单), one by hand or a chunk of the
reminder pass's at once (issue 9 §2, issue 14 §2).

A notice is numbered in a yearly sequence per plan prefix ("慈产改督〔2020〕3号"). Numbers
are never skipped or doubled: the sequence is taken as one more than the highest stored,
inside the transaction that stores the notice (on SQLite a chunk begins IMMEDIATE and so
holds the write lock while it reads the highest), under a unique constraint on (prefix,
year, sequence). A transaction that dies or rolls back takes its numbers with it, so the
next one issues the same ones; a concurrent issuer (PostgreSQL) that took a number first
makes the INSERT fail inside a SAVEPOINT, and the numbers are taken again — the next free
ones, or the other issuer's notice of the same key.

:func:`issue_orders` issues a whole chunk with a fixed number of statements: the notices,
their audit entries and the words to the unit heads and the office inserted in bulk, the
same rows as :func:`insert_numbered` and its caller write for each. Functions here flush;
the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.extensions import db
from tracker.models import AuditEntry, Plan, SupervisionNotice, Task, Unit
from tracker.models._types import utcnow
from tracker.services import audit, handoffs
from tracker.services.bulk import insert_rows, reserve_ids, table_of, with_defaults
from tracker.services.errors import Conflict, NotFound, ServiceError

#: How often numbers taken by a concurrent issuer are taken again.
ATTEMPTS = 5

_NOTICES = table_of(SupervisionNotice)


def notice_key(task_id: int, unit_id: int, period_code: str | None) -> str:
    """The idempotency key: "notice:<task id>:<unit id>:<period code or None>"."""
    return f"notice:{task_id}:{unit_id}:{period_code}"


def format_number(prefix: str, year: int, sequence: int) -> str:
    """("慈产改督", 2020, 3) → "慈产改督〔2020〕3号"."""
    return f"{prefix}〔{year}〕{sequence}号"


def issue_summary(notice: SupervisionNotice) -> str:
    """The audit summary of a notice issued: "发出督办单慈产改督〔2020〕3号"."""
    return f"发出督办单{notice.number}"


def checked_text(overdue_text: str) -> str:
    """``overdue_text`` stripped. Raises ServiceError (field "overdue_text") when empty."""
    text = overdue_text.strip()
    if not text:
        raise ServiceError("请写明逾期事项。", "overdue_text")
    return text


@dataclass(frozen=True, slots=True)
class NoticeOrder:
    """A notice the reminder pass is to issue, worked out before it writes: about
    ``task_id`` to the lead unit ``unit_id`` for ``period_code`` (None: the task as a
    whole), saying what is overdue (``overdue_text``)."""

    task_id: int
    unit_id: int
    period_code: str | None
    overdue_text: str

    @property
    def key(self) -> str:
        """The notice's idempotency key (:func:`notice_key`)."""
        return notice_key(self.task_id, self.unit_id, self.period_code)


@dataclass(frozen=True, slots=True)
class Numbering:
    """Where a notice's number comes from: its plan and prefix, the day it is issued (the
    year of its sequence) and its new deadline."""

    plan_id: int
    prefix: str
    as_of: date
    deadline: date


def new_notice(order: NoticeOrder, numbering: Numbering, sequence: int) -> SupervisionNotice:
    """The notice of ``order`` numbered ``sequence`` (not added to the session)."""
    year = numbering.as_of.year
    return SupervisionNotice(
        prefix=numbering.prefix,
        year=year,
        sequence=sequence,
        number=format_number(numbering.prefix, year, sequence),
        key=order.key,
        plan_id=numbering.plan_id,
        task_id=order.task_id,
        unit_id=order.unit_id,
        period=order.period_code,
        overdue_text=order.overdue_text,
        issued_on=numbering.as_of,
        new_deadline=numbering.deadline,
        docx_name="",
        pdf_name="",
        answer="",
    )


def by_key(key: str) -> SupervisionNotice | None:
    """The notice issued with ``key``, if any."""
    return db.session.scalar(sa.select(SupervisionNotice).where(SupervisionNotice.key == key))


def _highest(prefixes: Sequence[str], year: int) -> dict[str, int]:
    """The highest sequence stored per prefix of ``prefixes`` in ``year`` (one query;
    a prefix with none is left out)."""
    query = (
        sa.select(SupervisionNotice.prefix, sa.func.max(SupervisionNotice.sequence))
        .where(SupervisionNotice.prefix.in_(sorted(set(prefixes))), SupervisionNotice.year == year)
        .group_by(SupervisionNotice.prefix)
    )
    return {prefix: int(highest) for prefix, highest in db.session.execute(query)}


def insert_numbered(order: NoticeOrder, numbering: Numbering) -> tuple[SupervisionNotice, bool]:
    """Insert the notice of ``order`` with the next free number: (notice, True). On a
    unique violation (a concurrent issuer) roll back to the SAVEPOINT and try the next
    number, or return the other issuer's notice of the same key: (notice, False).
    Raises Conflict when no free number is found after :data:`ATTEMPTS`."""
    for _ in range(ATTEMPTS):
        highest = _highest([numbering.prefix], numbering.as_of.year)
        notice = new_notice(order, numbering, highest.get(numbering.prefix, 0) + 1)
        try:
            with db.session.begin_nested():
                db.session.add(notice)
        except IntegrityError:
            existing = by_key(order.key)
            if existing is not None:
                return existing, False
            continue
        return notice, True
    raise Conflict("督办单编号冲突，请稍后重试。")


# ---------------------------------------------------------------------------- a chunk


def issue_orders(orders: Sequence[NoticeOrder], as_of: date, deadline: date) -> dict[str, str]:
    """Issue the notice of each of ``orders`` not issued yet (the first of a key repeated),
    numbered in order, with the new ``deadline``, as the reminder pass (no user), each
    audited and its words told — a fixed number of statements for the chunk, inside a
    SAVEPOINT taken again on a unique violation (a concurrent issuer). Returns the number
    of every order's notice by key (issued now or before). Flushes.

    Raises ServiceError when an order's text is empty, NotFound when its task or unit is
    missing, Conflict when no free numbers are found after :data:`ATTEMPTS`."""
    wanted: dict[str, NoticeOrder] = {}
    for order in orders:
        wanted.setdefault(order.key, order)
    for _ in range(ATTEMPTS):
        try:
            with db.session.begin_nested():
                return _issue_all(list(wanted.values()), as_of, deadline)
        except IntegrityError:
            continue
    raise Conflict("督办单编号冲突，请稍后重试。")


def _issue_all(orders: list[NoticeOrder], as_of: date, deadline: date) -> dict[str, str]:
    numbers = _numbers([order.key for order in orders])
    todo = [order for order in orders if order.key not in numbers]
    if not todo:
        return numbers
    plans, units = _plans({order.task_id for order in todo}), _units(todo)
    if any(order.task_id not in plans or order.unit_id not in units for order in todo):
        raise NotFound("督办事项的任务或单位不存在。")
    highest = _highest([prefix for _, prefix in plans.values()], as_of.year)
    notices: list[SupervisionNotice] = []
    for order, notice_id in zip(
        todo, reserve_ids(table_of(SupervisionNotice), len(todo)), strict=True
    ):
        plan_id, prefix = plans[order.task_id]
        highest[prefix] = highest.get(prefix, 0) + 1
        text = checked_text(order.overdue_text)
        numbering = Numbering(plan_id, prefix, as_of, deadline)
        notice = new_notice(NoticeOrder(order.task_id, order.unit_id, order.period_code, text),
                            numbering, highest[prefix])  # fmt: skip
        notice.id = notice_id
        notices.append(notice)
        numbers[order.key] = notice.number
    # Rows, not ORM objects flushed one by one (12,000 notices at 1,000 districts); with
    # no ON CONFLICT, a number a concurrent issuer took raises IntegrityError as before.
    insert_rows(table_of(SupervisionNotice), [_row(notice) for notice in notices])
    entry_ids = reserve_ids(table_of(AuditEntry), len(notices))
    entries = [
        {"id": entry_id, **audit.entry_values(
            "issue", notice, user=None, before=None, summary=issue_summary(notice),
            task_id=notice.task_id,
        )}
        for notice, entry_id in zip(notices, entry_ids, strict=True)
    ]  # fmt: skip
    insert_rows(table_of(AuditEntry), with_defaults(table_of(AuditEntry), entries))
    handoffs.tell_notices_issued(list(zip(notices, entry_ids, strict=True)), units)
    return numbers


def _row(notice: SupervisionNotice) -> dict[str, Any]:
    """The columns of a notice built by :func:`new_notice` (not in the session), with the
    defaults the ORM would give it."""
    row = {column.key: getattr(notice, column.key) for column in _NOTICES.columns}
    row["created_at"] = utcnow()
    return row


def _numbers(keys: list[str]) -> dict[str, str]:
    """The number of each notice already issued among ``keys``, by key (one query)."""
    query = sa.select(SupervisionNotice.key, SupervisionNotice.number).where(
        SupervisionNotice.key.in_(keys)
    )
    return {key: number for key, number in db.session.execute(query)}


def _plans(task_ids: set[int]) -> dict[int, tuple[int, str]]:
    """(plan id, notice prefix) by task id (one query)."""
    query = sa.select(Task.id, Plan.id, Plan.notice_prefix).join(Plan, Plan.id == Task.plan_id)
    rows = db.session.execute(query.where(Task.id.in_(sorted(task_ids))))
    return {task_id: (plan_id, prefix) for task_id, plan_id, prefix in rows}


def _units(orders: list[NoticeOrder]) -> dict[int, str]:
    """Unit name by id of the units ``orders`` go to (one query)."""
    query = sa.select(Unit.id, Unit.name).where(Unit.id.in_({o.unit_id for o in orders}))
    return {unit_id: name for unit_id, name in db.session.execute(query)}
