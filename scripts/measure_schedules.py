"""Measure the schedule grammar against hand-written expectations (issue 10).

Each case is ``{"schedule", "task", "period", "source", "expected"}``; ``expected`` is the
list of milestones as ``plan show --json`` prints them (``MilestoneSpec.to_json``), or
``{"flag": "<reason>"}`` when the text must go to the review list.

A case is *exact* when the reading is not flagged and its milestones equal the expected ones
(or when a flag was expected and the reading is flagged), *flagged* when milestones were
expected but the reading went to review, *silently wrong* when the reading is not flagged
but differs, and *crashed* when the parser raised anything.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from tracker.domain.schedule import parse_schedule
from tracker.domain.schedule.text import normalize

ROOT = Path(__file__).resolve().parents[1]
CIXI = ROOT / "seeds" / "cixi-key-tasks.docx"


def _key(milestone: dict[str, object]) -> str:
    return json.dumps(milestone, sort_keys=True, ensure_ascii=False)


def _normalised(milestones: list[dict[str, object]]) -> list[str]:
    """Milestones as sorted JSON strings, numbers as floats (20 and 20.0 are the same) and a
    stage's words normalised as the grammar normalises all text ("Ⅴ类" is "V类")."""
    as_floats = [{k: _value(v) for k, v in m.items()} for m in milestones]
    return sorted(_key(m) for m in as_floats)


def _value(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return normalize(value)
    return value


def classify(case: dict[str, object]) -> tuple[str, str]:
    """The outcome of one case and a line describing what the grammar read."""
    period = tuple(case["period"])  # type: ignore[arg-type]
    try:
        task = str(case.get("task", ""))
        parsed = parse_schedule(str(case["schedule"]), task, period)  # type: ignore[arg-type]
    except Exception as error:  # any exception is a crash to report
        return "crashed", f"{type(error).__name__}: {error}"
    expected = case["expected"]
    got = [m.to_json() for m in parsed.milestones]
    if parsed.needs_review:
        outcome = "exact" if isinstance(expected, dict) else "flagged"
        return outcome, "；".join(parsed.reasons)
    if isinstance(expected, dict):
        return "silently wrong", json.dumps(got, ensure_ascii=False)
    if _normalised(got) == _normalised(expected):  # type: ignore[arg-type]
        return "exact", ""
    return "silently wrong", json.dumps(got, ensure_ascii=False)


def cixi_timing(runs: int = 7) -> float | None:
    """Median milliseconds to parse the 57 rows of the Cixi table (reading the file excluded)."""
    if not CIXI.exists():
        return None
    from tracker.io.tables import read_responsibility_table

    rows = read_responsibility_table(CIXI).rows
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for row in rows:
            parse_schedule(row.schedule, row.task, (2019, 2025))
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--all", action="store_true", help="also list the flagged cases")
    args = parser.parse_args()
    cases = json.loads(args.file.read_text(encoding="utf-8"))
    counts = {"exact": 0, "flagged": 0, "silently wrong": 0, "crashed": 0}
    failures: list[str] = []
    for number, case in enumerate(cases, start=1):
        outcome, detail = classify(case)
        counts[outcome] += 1
        if outcome in ("silently wrong", "crashed") or (outcome == "flagged" and args.all):
            expected = json.dumps(case["expected"], ensure_ascii=False)
            failures.append(
                f"[{outcome}] #{number} {case['schedule']!r} period={case['period']}\n"
                f"    expected: {expected}\n    got:      {detail}"
            )
    total = len(cases)
    for line in failures:
        print(line)
    print(f"\n{total} cases from {args.file}")
    for name, value in counts.items():
        print(f"  {name:<15} {value:4d}  ({100 * value / total:5.1f} %)")
    expected_flags = sum(1 for case in cases if isinstance(case["expected"], dict))
    print(f"  (of which {expected_flags} cases expect a flag)")
    timing = cixi_timing()
    if timing is not None:
        print(f"parse of the 57 Cixi rows: median {timing:.1f} ms")
    return 0 if counts["silently wrong"] == counts["crashed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
