"""Fixtures of the fuzz tests: one world per module, shared by all its tests and examples
(building the Cixi world per test would spend the time budget on set-up), emptied when
the module is done."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.conftest import empty_tables


@pytest.fixture(autouse=True)
def _clean_database() -> Iterator[None]:
    """Overrides the per-test emptying of tests/conftest.py: see :func:`_module_database`."""
    yield


@pytest.fixture(scope="module", autouse=True)
def _module_database(app: Flask) -> Iterator[None]:
    """Empty every table before and after the module (the world is module-scoped)."""
    empty_tables(app)
    yield
    empty_tables(app)
