"""What a briefing (专报) says, as plain data for its Word and PDF writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

DEFAULT_OFFICE = "市产业工人队伍建设改革协调小组办公室"
MASTHEAD = "产改工作专报"


@dataclass(frozen=True, slots=True)
class BriefingUnit:
    """A line of the league table: 名次 (or "—"), change, unit, counts, on-time %."""

    rank: str
    change: str
    unit: str
    on_track: int
    behind: int
    missed: int
    overdue: int
    on_time: str


@dataclass(frozen=True, slots=True)
class BriefingTask:
    """A lagging task with its state, units and the reason its unit gave (may be empty)."""

    text: str
    state: str
    units: str
    figures: str
    reason: str


@dataclass(frozen=True, slots=True)
class BriefingInstruction:
    """A 批示, its task and the answer (empty: not yet answered)."""

    task: str
    text: str
    answer: str


@dataclass(frozen=True, slots=True)
class BriefingImage:
    """A chart: PNG bytes and its caption."""

    caption: str
    png: bytes


@dataclass
class BriefingData:
    """The briefing: masthead, issue ("2020年第11期"), date and issuing office, title,
    the overall picture, the league table, lagging tasks, overdue units, 批示, charts."""

    issue: str
    issued_on: date
    title: str
    overview: str
    units: list[BriefingUnit] = field(default_factory=list)
    lagging: list[BriefingTask] = field(default_factory=list)
    overdue_units: list[str] = field(default_factory=list)
    instructions: list[BriefingInstruction] = field(default_factory=list)
    images: list[BriefingImage] = field(default_factory=list)
    office: str = DEFAULT_OFFICE
    masthead: str = MASTHEAD


LEAGUE_HEADERS = ("名次", "较上期", "单位", "正常", "滞后", "未达标", "逾期未报", "按时报送率")


def league_cells(unit: BriefingUnit) -> tuple[str, ...]:
    """The league table row as text cells, in :data:`LEAGUE_HEADERS` order."""
    return (
        unit.rank,
        unit.change,
        unit.unit,
        str(unit.on_track),
        str(unit.behind),
        str(unit.missed),
        str(unit.overdue),
        unit.on_time,
    )


def chinese_date(day: date) -> str:
    """2020-11-20 → "2020年11月20日"."""
    return f"{day.year}年{day.month}月{day.day}日"
