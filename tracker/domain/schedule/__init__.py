"""The schedule grammar: a task's 时间进度 text → typed milestones (DESIGN.md §4).

The grammar works on building blocks, not on whole sentences:

1. the text is normalised (NFKC, no whitespace) and split into clauses on ，,；;。, on
   "、" when a new year begins ("2019年达到20%、2020年达到35%"), and before a trailing
   "常态化…" ("2020年完成并常态化推进" → "2020年完成" + "常态化推进");
2. in each clause the time expressions are read and cut out ("2019年", "2020起",
   "2021-2025年", "2021年6月底前", "3年内", "到2025年", "以2018年为基数"), then the
   quantities ("20%", "1.1倍", "0.8万人", "1-2家") with their comparators
   ("以上"/"不低于"/"不少于"/"达到" → ">=", "超过" → ">", "以内"/"不超过"/"控制在" → "<=");
3. markers decide the kind: "每年"/"每季度"/"每月" (annual), "保持"/"控制在" (maintain),
   "逐年递增"/"每年按6%递增" (growth), "全覆盖"/"全部完成" (100 %), "常态化…" (ongoing),
   otherwise a percent or 倍 is a level, a count a cumulative total and plain words a stage;
4. growth years and the start of an open-ended "常态化…" depend on the neighbouring
   clauses, so they are resolved after all clauses are read.

Whatever cannot be read with confidence is reported in ``ParsedSchedule.reasons`` (Chinese)
with ``needs_review=True``; nothing is silently guessed.

Modules: ``text`` (step 1), ``times`` and ``quantities`` (step 2), ``clauses`` with the
readings of ``items`` (step 3), ``resolve`` (step 4) and ``parse`` (:func:`parse_schedule`).
"""

from tracker.domain.schedule.parse import parse_schedule
from tracker.domain.schedule.times import MAX_YEAR, MIN_YEAR

__all__ = ["MAX_YEAR", "MIN_YEAR", "parse_schedule"]
