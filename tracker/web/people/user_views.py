"""User pages: the list, a new user (with a one-time password shown once), editing one
(role, unit, e-mail, name, active) and resetting a password."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.domain.policy import ROLE_LABELS, Action, Role
from tracker.models import User
from tracker.services import unit_admin, user_admin
from tracker.services.user_admin import UserInput
from tracker.web.access import require
from tracker.web.actions import require_valid, submit
from tracker.web.auth import sessions
from tracker.web.forms import TrackerForm, choices
from tracker.web.people.blueprint import bp
from tracker.web.people.forms import NONE, UserForm


@bp.route("/users")
@login_required
def users() -> str:
    """Every user with role, unit, e-mail and whether active."""
    require(Action.MANAGE_ACCOUNTS)
    return render_template(
        "people/users.html",
        page=user_admin.accounts_page(request.args.get("page", 1, type=int) or 1),
        roles=ROLE_LABELS,
        form=TrackerForm(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user() -> str | Response:
    """Add a user; the page then shows the one-time password, once."""
    require(Action.MANAGE_ACCOUNTS)
    form = _with_units(UserForm())
    if form.validate_on_submit():
        outcome = submit(form, lambda: _create(form))
        if outcome.value is not None:
            user, password = outcome.value
            return render_template("people/password.html", user=user, password=password)
    return render_template("people/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int) -> str | Response:
    """Edit a user (the username stays)."""
    require(Action.MANAGE_ACCOUNTS)
    user = user_admin.get_user(user_id)
    form = _with_units(UserForm(data=_data(user) if request.method == "GET" else None))
    form.username.data = user.username
    if form.validate_on_submit():
        update = lambda: user_admin.update_account(user, _input(form), current_user)  # noqa: E731
        if submit(form, update).ok:
            flash(f"已保存用户「{user.username}」。", "success")
            return redirect(url_for("people.edit_user", user_id=user.id))
    return render_template("people/user_form.html", form=form, user=user, reset=TrackerForm())


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@login_required
def reset_password(user_id: int) -> str:
    """Give the user a one-time password, shown once, to be changed at the next login."""
    require(Action.MANAGE_ACCOUNTS)
    user = user_admin.get_user(user_id)
    require_valid()
    current = app_settings.current()
    password = user_admin.reset_password(
        user,
        current_user,
        hash_method=current.passwords.hash_method,
        policy=sessions.password_policy(),
        now=sessions.now(),
    )
    return render_template("people/password.html", user=user, password=password, reset=True)


def _create(form: UserForm) -> tuple[User, str]:
    return user_admin.create_account(
        _input(form),
        current_user,
        hash_method=app_settings.current().passwords.hash_method,
        policy=sessions.password_policy(),
    )


def _with_units(form: UserForm) -> UserForm:
    units = ((str(u.id), u.name) for u in unit_admin.list_units())
    form.unit_id.choices = choices([(NONE, "（无）"), *units])
    return form


def _data(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "unit_id": str(user.unit_id or ""),
        "email": user.email or "",
        "active": user.active,
    }


def _input(form: UserForm) -> UserInput:
    unit = form.unit_id.data or ""
    return UserInput(
        username=form.username.data or "",
        role=Role(form.role.data),
        display_name=form.display_name.data or "",
        unit_id=int(unit) if unit.isdigit() else None,
        email=form.email.data or None,
        active=bool(form.active.data),
    )
