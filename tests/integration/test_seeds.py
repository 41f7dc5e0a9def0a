"""The seeds are the offices' real documents, unchanged."""

from __future__ import annotations

import pytest

from tests.paths import SEEDS, SHARED_DOCUMENTS


@pytest.mark.parametrize(
    "name",
    ["cixi-key-tasks.docx", "cixi-key-tasks.xlsx", "national-assessment-rubric.docx"],
)
def test_seed_is_the_shared_document(name: str) -> None:
    original = SHARED_DOCUMENTS / name
    if not original.exists():
        pytest.skip(f"{original} is not beside this checkout")
    assert (SEEDS / name).read_bytes() == original.read_bytes()
