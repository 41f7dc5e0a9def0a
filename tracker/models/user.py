"""Users and their roles (DESIGN.md §2)."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.domain.policy import Role
from tracker.extensions import Model
from tracker.models._types import enum_column, utcnow
from tracker.models.unit import Unit


def new_session_token() -> str:
    """A fresh random session token (64 hex digits)."""
    return secrets.token_hex(32)


class User(UserMixin, Model):
    """A person who logs in: office, unit reporter, leader, assessor or admin.

    A ``unit`` user belongs to exactly one unit; their rights on a task come from that
    unit's relation to the task (see :mod:`tracker.domain.policy`). ``is_approver`` marks
    the unit user who signs off the unit's reports where a plan asks for unit approval;
    ``is_unit_head`` the head who receives the unit's supervision notices.

    ``session_token`` is part of the id Flask-Login keeps in the session and the
    remember-me cookie (:meth:`get_id`); replacing it (at logout and at a password change)
    ends every session and remember cookie issued before. ``failed_logins`` counts wrong
    passwords since ``failed_since``; the account is locked while ``locked_until`` lies
    ahead (see :mod:`tracker.services.logins`).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    is_approver: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_unit_head: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    password_changed_at: Mapped[datetime | None] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    failed_since: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Set by a password reset (a one-time password): changed at the next login.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Flask-Login's id of the user: "<id>:<session token>" (its alternative-token
        pattern), so a session or remember cookie dies with the token."""
        return f"{self.id}:{self.session_token}"

    def has_session_token(self, token: str) -> bool:
        """True when ``token`` is the current session token (compared in constant time)."""
        return hmac.compare_digest(self.session_token.encode(), token.encode())

    def set_password(self, password: str, method: str = "scrypt") -> None:
        """Store a salted hash (werkzeug; scrypt unless the settings name a cheaper method
        for tests); the password itself is never kept."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class PasswordHistory(Model):
    """The hash of a password a user had before, kept so that a new password can be
    refused when it repeats one of the last few (the "dengbao" profile). Only the newest
    few per user are kept (:data:`tracker.services.passwords.HISTORY_KEPT`)."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    replaced_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
