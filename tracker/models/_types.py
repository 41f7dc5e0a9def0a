"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa

#: The largest id a row can have: ids are 32-bit integers on PostgreSQL (and SQLite's
#: 64-bit ones never reach it); a larger id in a path or a parameter names nothing.
MAX_ID = 2**31 - 1


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
