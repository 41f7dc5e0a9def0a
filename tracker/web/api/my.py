"""本单位待办 in ``/api/v1`` (issue 14 §3: every page's data in the API): the reports a
unit owes and the contribution requests asked of it, under the /my page's policy — unit
users only (anyone else: 403), their own unit only."""

from __future__ import annotations

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.periods import parse_period
from tracker.domain.policy import Role
from tracker.models import Unit
from tracker.services import obligation_groups, obligations
from tracker.services.contributions import contributions_page
from tracker.services.paging import page_of_list
from tracker.web.api import bp
from tracker.web.api.auth import api_user
from tracker.web.api.errors import ApiError
from tracker.web.api.my_models import MyContributions, OwedList
from tracker.web.api.schemas import OwedFilters, PageOnly
from tracker.web.api.spec import answers, spec


def _own_unit() -> Unit:
    """The API user's unit; 403 unless they are a unit user with one."""
    user = api_user()
    if user.role != Role.UNIT or user.unit is None:
        raise ApiError(403, "本单位待办仅对单位用户开放")
    return user.unit


@bp.get("/my/owed")
@spec.validate(resp=answers(OwedList, 403, 422))
def my_owed(query: OwedFilters) -> OwedList:
    """本单位待报送的进展

    Every report the caller's unit owes (each open task it leads, each period up to the
    current one, not yet accepted) with every period's summary; ``period`` narrows the
    rows to one period. 403 for users who are not unit users; 422 a malformed period."""
    unit = _own_unit()
    if query.period is not None:
        try:
            parse_period(query.period)
        except ValueError:
            raise ApiError(422, "期次格式不正确，应如 2020Q3、2020H2 或 2020", "period") from None
    day = today()
    owed = obligations.owed_reports(unit, day, lag=app_settings.current().lag)
    groups = obligation_groups.group_by_period(owed)
    rows = [
        row
        for group in groups
        if query.period is None or group.period.code == query.period
        for row in group.rows
    ]
    chosen = obligations.default_period(owed, day)
    return OwedList.of(
        (unit.id, unit.name),
        day,
        None if chosen is None else chosen.code,
        groups,
        page_of_list(rows, query.page),
    )


@bp.get("/my/contributions")
@spec.validate(resp=answers(MyContributions, 403, 422))
def my_contributions(query: PageOnly) -> MyContributions:
    """请本单位确认的配合情况

    The open contribution requests addressed to the caller's unit, unanswered first.
    403 for users who are not unit users."""
    unit = _own_unit()
    return MyContributions.of(contributions_page(unit.id, today(), query.page))
