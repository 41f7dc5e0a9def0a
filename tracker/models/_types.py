"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa


def utcnow() -> datetime:
    """The current instant in UTC, as stored in ``created_at``-style columns."""
    return datetime.now(UTC)


def enum_column(enum_cls: type[StrEnum], length: int = 20) -> sa.Enum:
    """A VARCHAR column holding a StrEnum's values (not names), with no database enum type."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )
