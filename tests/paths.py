"""Where the tests find their real input: the Cixi table kept in ``seeds/`` (copies of
``shared/documents`` beside the repository, checked to be identical where that exists)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED_DOCUMENTS = REPO.parent / "shared" / "documents"
