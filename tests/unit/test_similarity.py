"""Character-bigram similarity of task and indicator texts."""

from __future__ import annotations

import pytest

from tracker.domain.similarity import bigrams, jaccard, similarity


def test_bigrams_skip_punctuation_and_digits() -> None:
    assert bigrams("产改，规划2019") == {"产改", "规划"}
    assert bigrams("a") == {"a"}
    assert bigrams("") == frozenset()


def test_identical_texts_score_one_and_disjoint_zero() -> None:
    assert similarity("产业工人队伍建设改革", "产业工人队伍建设改革") == 1.0
    assert similarity("产业工人", "党组织") == 0.0
    assert similarity("", "") == 0.0


def test_jaccard_counts_shared_pairs() -> None:
    assert jaccard(frozenset({"ab", "bc"}), frozenset({"bc", "cd"})) == pytest.approx(1 / 3)


def test_related_text_ranks_above_unrelated() -> None:
    task = "制定产业工人队伍建设改革专项规划"
    related = similarity(task, "产改专项规划：制定产业工人队伍建设改革规划")
    unrelated = similarity(task, "科技创新表彰奖项")
    assert related > unrelated
    assert 0.0 < related < 1.0
