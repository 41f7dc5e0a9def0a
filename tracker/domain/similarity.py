"""Text similarity for suggesting indicators for a task (issue 5 §3).

Chinese texts have no spaces, so words are approximated by character bigrams: the
similarity of two texts is the Jaccard index of their sets of adjacent character pairs,
punctuation, digits and whitespace left out. Pure functions, no I/O.
"""

from __future__ import annotations

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
