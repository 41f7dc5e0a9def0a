"""Unit pages: the list, a new unit, editing one (name, aliases, kind, parent, head,
leader in charge, active) and merging a duplicate into another unit as its alias."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.domain.policy import Action
from tracker.models import Unit
from tracker.services import unit_admin
from tracker.services.unit_admin import KIND_LABELS, UnitInput
from tracker.web.access import require
from tracker.web.actions import act, flash_form_errors, submit
from tracker.web.forms import choices
from tracker.web.people.blueprint import bp
from tracker.web.people.forms import NONE, MergeForm, UnitForm


@bp.route("/units")
@login_required
def units() -> str:
    """Every unit (of one kind with ``?kind=``) with its aliases, parent and users."""
    require(Action.MANAGE_ACCOUNTS)
    kind = request.args.get("kind", "")
    kind = kind if kind in KIND_LABELS else ""
    return render_template(
        "people/units.html",
        page=unit_admin.units_page(kind or None, request.args.get("page", 1, type=int) or 1),
        kind=kind,
        kinds=KIND_LABELS,
    )


@bp.route("/units/new", methods=["GET", "POST"])
@login_required
def new_unit() -> str | Response:
    """Add a unit."""
    require(Action.MANAGE_ACCOUNTS)
    form = _with_choices(UnitForm(), None)
    if form.validate_on_submit():
        outcome = submit(form, lambda: unit_admin.create_unit(_input(form), current_user))
        if outcome.value is not None:
            flash(f"已新增单位「{outcome.value.name}」。", "success")
            return redirect(url_for("people.edit_unit", unit_id=outcome.value.id))
    return render_template("people/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@login_required
def edit_unit(unit_id: int) -> str | Response:
    """Edit a unit; the page also offers merging it into another unit."""
    require(Action.MANAGE_ACCOUNTS)
    unit = unit_admin.get_unit(unit_id)
    form = _with_choices(UnitForm(data=_data(unit) if request.method == "GET" else None), unit)
    if form.validate_on_submit():
        update = lambda: unit_admin.update_unit(unit, _input(form), current_user)  # noqa: E731
        if submit(form, update).ok:
            flash(f"已保存单位「{unit.name}」。", "success")
            return redirect(url_for("people.edit_unit", unit_id=unit.id))
    merge = MergeForm(formdata=None)
    merge.target_id.choices = _unit_choices(exclude=unit)
    return render_template(
        "people/unit_form.html",
        form=form,
        unit=unit,
        merge=merge,
        members=unit_admin.members_of(unit),
    )


@bp.route("/units/<int:unit_id>/merge", methods=["POST"])
@login_required
def merge_unit(unit_id: int) -> Response:
    """Merge this unit into the chosen one: its tasks, reports and users move there and
    its name becomes an alias there."""
    require(Action.MANAGE_ACCOUNTS)
    unit = unit_admin.get_unit(unit_id)
    form = MergeForm()
    form.target_id.choices = _unit_choices(exclude=unit)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("people.edit_unit", unit_id=unit.id))
    target = unit_admin.get_unit(int(form.target_id.data or 0))
    name = unit.name
    return act(
        lambda: unit_admin.merge_units(unit, target, current_user),
        f"已将「{name}」合并到「{target.name}」，原名称作为别名保留。",
        url_for("people.edit_unit", unit_id=target.id),
    )


def _unit_choices(exclude: Unit | None) -> list[Any]:
    return choices(
        (str(u.id), u.name)
        for u in unit_admin.list_units()
        if exclude is None or u.id != exclude.id
    )


def _with_choices(form: UnitForm, unit: Unit | None) -> UnitForm:
    form.parent_id.choices = choices([(NONE, "（无）")]) + _unit_choices(unit)
    members = unit_admin.members_of(unit) if unit is not None else []
    form.head_id.choices = choices(
        [(NONE, "（无）"), *((str(u.id), u.display_name or u.username) for u in members)]
    )
    form.leader_id.choices = choices(
        [
            (NONE, "（无）"),
            *((str(u.id), u.display_name or u.username) for u in unit_admin.leaders()),
        ]
    )
    return form


def _data(unit: Unit) -> dict[str, object]:
    head = unit_admin.head_of(unit)
    return {
        "name": unit.name,
        "aliases": "\n".join(a.alias for a in unit.aliases),
        "kind": unit.kind,
        "parent_id": str(unit.parent_id or ""),
        "head_id": str(head.id) if head is not None else "",
        "leader_id": str(unit.leader_id or ""),
        "active": unit.active,
    }


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _input(form: UnitForm) -> UnitInput:
    return UnitInput(
        name=form.name.data or "",
        kind=form.kind.data or "other",
        aliases=[a for a in re.split(r"[\n、，,]", form.aliases.data or "") if a.strip()],
        parent_id=_id(form.parent_id.data),
        head_id=_id(form.head_id.data),
        leader_id=_id(form.leader_id.data),
        active=bool(form.active.data),
    )
