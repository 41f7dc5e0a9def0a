"""Units (单位): the organisations that lead or cooperate on tasks."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models._types import utcnow


class Unit(Model):
    """An organisation (市总工会, 市人力社保局, an enterprise …), with aliases, a parent and
    the leader in charge of it (``leader_id``, a user of role leader), who hears of reports
    long overdue."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: 部门 / 镇街 / 区县 / 企业 / 其他 (:data:`tracker.services.unit_admin.KIND_LABELS`).
    kind: Mapped[str] = mapped_column(sa.String(20), default="other", server_default="other")
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: Extra columns of an imported list (地市, 行业, 联系人, 电话) as a JSON object.
    details: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.alias"
    )

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


class UnitAlias(Model):
    """Another name of a unit ("市委人才办" for 市委组织部); unique across all units."""

    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(sa.String(100), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")
