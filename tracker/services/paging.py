"""One page of a list: 50 rows, counted and cut in SQL (issue 14 §3: no list grows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from tracker.extensions import db

T = TypeVar("T")

PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """The rows of page ``page`` (from 1) of ``pages`` (at least 1); ``total`` rows in all."""

    items: list[T]
    page: int
    pages: int
    total: int


def page_of(query: sa.Select[Any], page: int, per_page: int = PER_PAGE) -> Page[Any]:
    """Page ``page`` (clamped to the pages there are) of the ORM ``query``, which must
    be ordered: one count and one select of at most ``per_page`` rows (joined eager
    collections are de-duplicated)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    page, pages = clamped(page, total, per_page)
    rows = db.session.scalars(query.offset((page - 1) * per_page).limit(per_page))
    return Page(list(rows.unique()), page, pages, total)


def clamped(page: int, total: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    """``(page, pages)``: ``page`` held between 1 and the number of pages ``total`` rows
    fill (at least one)."""
    pages = max(1, -(-total // per_page))
    return min(max(page, 1), pages), pages


def page_of_list(rows: Sequence[T], page: int, per_page: int = PER_PAGE) -> Page[T]:
    """Page ``page`` (clamped to the pages there are) of ``rows``, a list already worked
    out in order (a unit's owed reports of a period on /my)."""
    page, pages = clamped(page, len(rows), per_page)
    return Page(list(rows[(page - 1) * per_page : page * per_page]), page, pages, len(rows))
