"""The jobs page in words (issue 12 §7): each job's Chinese name and a run's counts as a
sentence, "发送 3 条，失败 0 条", instead of ``tracker.jobs.scan:daily_scan`` and
``sent=0，failed=0``."""

from __future__ import annotations

from collections.abc import Mapping

#: Job id → what people call it.
JOB_NAMES = {
    "daily_scan": "每日滞后扫描",
    "daily_reminders": "催办提醒",
    "daily_backup": "每日备份",
    "deliver_pending": "发送待发提醒",
}
#: Job id → what it does, one line.
JOB_PURPOSES = {
    "daily_scan": "对照时间进度检查每项任务，发现滞后、逾期时生成提醒",
    "daily_reminders": "给临期、逾期的单位发催办提醒，逾期较久的签发督办单，并汇总成每日摘要",
    "daily_backup": "备份数据库和上传的佐证材料",
    "deliver_pending": "把尚未送达的提醒（短信、邮件、工作群）再发送一次",
}
#: Count name → (word before the number, measure word after it).
COUNT_WORDS = {
    "tasks": ("扫描任务", "项"),
    "alerts_created": ("新增提醒", "条"),
    "reminders": ("催办提醒", "条"),
    "digests": ("每日摘要", "份"),
    "notices": ("督办单", "份"),
    "escalations": ("报告分管领导", "次"),
    "sent": ("发送", "条"),
    "failed": ("失败", "条"),
    "retrying": ("待重试", "条"),
    "skipped": ("跳过", "条"),
    "skipped_duplicates": ("重复未发", "条"),
    "files": ("备份文件", "个"),
    "removed": ("清理旧备份", "个"),
}


def job_name(job_id: str) -> str:
    """The job's Chinese name (its id when it has none)."""
    return JOB_NAMES.get(job_id, job_id)


def counts_text(counts: Mapping[str, object]) -> str:
    """A run's counts as words: "发送 3 条，失败 0 条"; "—" when there are none."""
    parts = []
    for name, value in counts.items():
        before, measure = COUNT_WORDS.get(name, ("其他", "项"))
        parts.append(f"{before} {value} {measure}")
    return "，".join(parts) or "—"
