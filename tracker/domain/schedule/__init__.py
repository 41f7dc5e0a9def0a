"""The schedule grammar: a task's 时间进度 text → typed milestones (DESIGN.md §4, issue 10).

The grammar works on building blocks, not on whole sentences:

1. the text is normalised (NFKC, no whitespace, "㎡" → "平方米") and split into clauses on
   ，,；;。, on "、" when a new year begins ("2019年达到20%、2020年达到35%"), and before a
   trailing "常态化…" ("2020年完成并常态化推进" → "2020年完成" + "常态化推进");
2. in each clause the time expressions are read and cut out ("2019年", "2020起",
   "2021-2025年", "2021年6月底前", "3月10日前", "2021.8", "2024年第二季度起", "3年内",
   "“十四五”时期", "以2018年为基数", "较2022年"); dates without a year ("11月底前",
   "年底前", "上半年") take the year of a one-year work plan (period (y, y)); numbers that
   are scope ("46个重点城市", "5G", "0-3岁", "15分钟生活圈") are masked; then the quantities
   ("20%", "1.1倍", "0.8万人", "1-2家", "5万亿元", "1.5:1") with their comparators
   ("以上"/"不低于"/"达到"/"提高到" → ">=", "超过"/"突破" → ">", "以内"/"控制在"/"压缩到"
   → "<="; "左右" takes the direction of its verb, or goes to review);
3. markers decide the kind: "每年"/"每季度"/"每月" (annual), "保持"/"控制在" (maintain),
   "逐年递增"/"每年按6%递增"/"年均增长" and, in a one-year plan, "增长7.5%左右" (growth),
   "全覆盖"/"全部完成"/"全面普及" (100 %), "常态化…"/"持续推进" and reporting cadences
   ("每季度末报告进展") (ongoing); otherwise a percent or 倍 is a level, a count a
   cumulative total (a duration or a count per head a level) and plain words a stage
   ("启动", "建成投用", "基本实现全覆盖");
4. a clause that is only a time ("到2024年，…") governs the clauses after it, and the date
   of a target governs later targets ("…6月底前完成培训，用户活跃率达95%"); growth years and
   the start of an open-ended "常态化…" depend on the neighbouring clauses, so they are
   resolved after all clauses are read.

Whatever cannot be read with confidence is reported in ``ParsedSchedule.reasons`` (Chinese)
with ``needs_review=True``; nothing is silently guessed. Targets relative to a base year
("较2022年下降8%", "比2020年提高5个百分点", "翻一番") are level milestones with a
``relative`` (``relative``); their concrete target waits for the base year's actual.

Modules: ``text`` (step 1), ``times``, ``scope`` and ``quantities`` (step 2), ``clauses``
with ``targets`` and the readings of ``items`` (step 3), ``resolve`` and ``parse`` (step 4,
:func:`parse_schedule`); ``period`` guesses a plan's period from its schedules for the
office to confirm.
"""

from tracker.domain.schedule.parse import parse_schedule
from tracker.domain.schedule.times import MAX_YEAR, MIN_YEAR

__all__ = ["MAX_YEAR", "MIN_YEAR", "parse_schedule"]
