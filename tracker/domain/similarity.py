"""Text similarity for suggesting indicators for a task (issue 5 §3).

Chinese texts have no spaces, so words are approximated by character bigrams: the
similarity of two texts is the Jaccard index of their sets of adjacent character pairs,
punctuation, digits and whitespace left out. Pure functions, no I/O.
"""

from __future__ import annotations

import math
import unicodedata
from itertools import pairwise


def _kept(char: str) -> bool:
    """Letters only: CJK characters and Latin letters (category L*)."""
    return unicodedata.category(char).startswith("L")


def bigrams(text: str) -> frozenset[str]:
    """The set of adjacent letter pairs of ``text`` (lower-cased), each run of letters
    taken separately; a one-letter run counts as itself."""
    grams: set[str] = set()
    run: list[str] = []
    for char in [*text.lower(), " "]:
        if _kept(char):
            run.append(char)
            continue
        if len(run) == 1:
            grams.add(run[0])
        grams.update(a + b for a, b in pairwise(run))
        run = []
    return frozenset(grams)


def jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    """|left ∩ right| / |left ∪ right|, 0.0 when both are empty."""
    union = left | right
    return len(left & right) / len(union) if union else 0.0


def similarity(left: str, right: str) -> float:
    """Character-bigram Jaccard similarity of two texts, between 0.0 and 1.0."""
    return jaccard(bigrams(left), bigrams(right))


def idf_weights(documents: list[frozenset[str]]) -> dict[str, float]:
    """Each bigram's weight log(1 + N / df) over ``documents`` (sets of bigrams): pairs
    found in few documents ("党员") weigh more than those found in many ("企业")."""
    counts: dict[str, int] = {}
    for grams in documents:
        for gram in grams:
            counts[gram] = counts.get(gram, 0) + 1
    total = max(len(documents), 1)
    return {gram: math.log(1 + total / count) for gram, count in counts.items()}


def weighted_overlap(
    left: frozenset[str], right: frozenset[str], weights: dict[str, float]
) -> tuple[float, list[str]]:
    """Cosine-like overlap (0–1) of two bigram sets under ``weights`` (unknown pairs weigh
    the most, as if rare), and the shared pairs, heaviest first."""
    heaviest = max(weights.values(), default=1.0)

    def weight(gram: str) -> float:
        return weights.get(gram, heaviest)

    shared = sorted(left & right, key=lambda gram: (-weight(gram), gram))
    if not shared:
        return 0.0, []
    top = sum(weight(gram) ** 2 for gram in shared)
    norm = math.sqrt(sum(weight(g) ** 2 for g in left) * sum(weight(g) ** 2 for g in right))
    return (top / norm if norm else 0.0), shared
