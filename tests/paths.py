"""Where the tests find the real input documents: ``shared/documents`` beside the repo."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = REPO.parent / "shared" / "documents"
SEEDS = REPO / "seeds"
