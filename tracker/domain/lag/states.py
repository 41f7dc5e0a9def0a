"""The lag states of DESIGN.md §5, their labels and colours, and the thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LagState(StrEnum):
    """The states of DESIGN.md §5; Chinese labels in :data:`LAG_LABELS`, colours in
    :data:`LAG_COLOURS`, precedence in :data:`URGENCY`."""

    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    RECOVERED = "recovered"
    NO_DATA = "no_data"


LAG_LABELS: dict[LagState, str] = {
    LagState.DONE: "已完成",
    LagState.ON_TRACK: "正常",
    LagState.BEHIND: "滞后",
    LagState.MISSED: "未达标",
    LagState.OVERDUE: "逾期未报",
    LagState.DUE_SOON: "临期",
    LagState.RECOVERED: "已补齐",
    LagState.NO_DATA: "暂无",
}

#: Colour names of DESIGN.md §5 (CSS colour keywords; ``done`` is teal).
LAG_COLOURS: dict[LagState, str] = {
    LagState.DONE: "teal",
    LagState.ON_TRACK: "green",
    LagState.BEHIND: "yellow",
    LagState.MISSED: "red",
    LagState.OVERDUE: "red",
    LagState.DUE_SOON: "blue",
    LagState.RECOVERED: "yellow",
    LagState.NO_DATA: "grey",
}

#: Most urgent first: how a task's state is picked from its milestones and reports.
URGENCY: tuple[LagState, ...] = (
    LagState.OVERDUE,
    LagState.MISSED,
    LagState.BEHIND,
    LagState.RECOVERED,
    LagState.DUE_SOON,
    LagState.ON_TRACK,
    LagState.DONE,
    LagState.NO_DATA,
)


@dataclass(frozen=True)
class LagSettings:
    """Thresholds of DESIGN.md §5, in working days (settings, not constants).

    - ``missed_grace_workdays``: a milestone is missed only after its date plus this many.
    - ``overdue_grace_workdays``: a report is overdue only after its due date plus this many.
    - ``due_soon_workdays``: an unsubmitted report is due soon when at most this many
      working days are left until its due date.
    """

    missed_grace_workdays: int = 0
    overdue_grace_workdays: int = 0
    due_soon_workdays: int = 5
