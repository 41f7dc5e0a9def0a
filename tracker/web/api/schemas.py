"""Request models of ``/api/v1`` (pydantic v2): what a body or a query string may hold.

spectree validates each request against the model a view's ``json`` or ``query``
parameter is annotated with, before the view runs; a refusal becomes the API's
``{"error", "field"}`` 422 (:mod:`tracker.web.api.spec`). Bodies are strict (no
``"30"`` for a number, no ``true`` for a number, no unknown field); query strings are
text, so their models parse.

Lengths follow the web forms, so the API accepts what the web pages accept.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from tracker.domain.lag import LagState
from tracker.models._types import MAX_ID

#: Longest texts, as on the web forms.
MAX_REPORT_TEXT = 2000
MAX_REASON = 1000
MAX_CONTRIBUTION_TEXT = 500
MAX_PERIOD = 10
MAX_UNIT_FILTER = 100


def _storable(text: str) -> str:
    """Refuse NUL, which no database column can hold (pydantic refuses lone surrogates
    itself: ``string_unicode``)."""
    if "\x00" in text:
        raise PydanticCustomError("unstorable", "含有不允许的字符")
    return text


#: Strings of at most so many characters that a database can store (type aliases, so that
#: mypy sees them as types).
_STORABLE = AfterValidator(_storable)
ReportText = Annotated[str, Field(max_length=MAX_REPORT_TEXT), _STORABLE]
Reason = Annotated[str, Field(max_length=MAX_REASON), _STORABLE]
ContributionText = Annotated[str, Field(max_length=MAX_CONTRIBUTION_TEXT), _STORABLE]
Value = Annotated[float, Field(ge=0, description="数值（单位见任务的 value_unit）")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Body(BaseModel):
    """A JSON object body: strict types, no unknown fields. ``body_optional`` lets the
    body be left out (then it is ``{}``)."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)
    body_optional: ClassVar[bool] = False


class NewReport(Body):
    """``POST /tasks/{task_id}/reports``: ``period`` required; the rest default to empty."""

    period: Annotated[str, Field(max_length=MAX_PERIOD, examples=["2020Q3", "2020H2", "2020"])]
    value: Value | None = None
    progress: ReportText | None = Field(None, description="进展情况")
    problems: ReportText | None = Field(None, description="存在问题")
    next_steps: ReportText | None = Field(None, description="下步打算")

    def texts(self) -> dict[str, str]:
        """The three texts, a null one as empty."""
        return {
            "progress": self.progress or "",
            "problems": self.problems or "",
            "next_steps": self.next_steps or "",
        }


class ReportPatch(Body):
    """``PATCH /reports/{report_id}``: only the fields given change; ``version`` is the
    version the writer read (optimistic locking: a stale one is a 409)."""

    value: Value | None = None
    progress: ReportText | None = Field(None, description="进展情况")
    problems: ReportText | None = Field(None, description="存在问题")
    next_steps: ReportText | None = Field(None, description="下步打算")
    version: Annotated[int, Field(ge=0, description="读取时的版本；过期则 409")] | None = None

    def changes(self) -> dict[str, Any]:
        """The report fields the body gives, a null text as empty (``version`` aside)."""
        given = self.model_dump(include=self.model_fields_set - {"version"})
        return {
            name: "" if value is None and name != "value" else value
            for name, value in given.items()
        }


class Decision(Body):
    """``POST /reports/{report_id}/review`` and ``…/approve``: accept, or return with a
    reason (the service requires the reason of a return, with field "reason")."""

    decision: Literal["accept", "return"]
    reason: Reason = Field("", description="退回时必填")

    @property
    def accept(self) -> bool:
        """True for ``"accept"``."""
        return self.decision == "accept"


class Submit(Body):
    """``POST /reports/{report_id}/submit``: answers to leaders' open instructions
    ``{批示编号: 答复}``, which a submission must give."""

    body_optional: ClassVar[bool] = True
    instruction_answers: dict[Annotated[int, Field(strict=False, ge=1, le=MAX_ID)], str] = Field(
        default_factory=dict,
        description="对领导批示的答复：{批示编号: 答复}；有未答复的批示时必填",
    )


class Confirm(Body):
    """``POST /contributions/{contribution_id}/confirm``: an optional short text."""

    body_optional: ClassVar[bool] = True
    text: ContributionText = ""


class Dispute(Body):
    """``POST /contributions/{contribution_id}/dispute``: the reason (an empty one is
    refused by the service, field "reason") and an optional short text."""

    reason: Reason
    text: ContributionText = ""


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class Query(BaseModel):
    """A query string: an empty parameter is as if absent; an unknown one is refused (422,
    as the document says: schemathesis sends ``?plan=1&=null`` and expects a refusal)."""

    model_config = ConfigDict(extra="forbid")


Blank = BeforeValidator(_blank_is_none)
UnitFilter = Annotated[str, Field(max_length=MAX_UNIT_FILTER)]


class TaskFilters(Query):
    """``GET /tasks``: which plan, unit and lag state."""

    plan: Annotated[Id | None, Blank, Field(description="方案编号（默认全部方案）")] = None
    unit: Annotated[UnitFilter | None, Blank, Field(description="单位编号或名称")] = None
    state: Annotated[LagState | None, Blank, Field(description="滞后状态")] = None
    page: Annotated[int, Blank, Field(ge=1, le=100_000, description="页码（每页50项）")] = 1


class QueueFilters(Query):
    """``GET /reports``: the review queue, narrowed by status, unit and plan; paged."""

    status: Annotated[
        Literal["submitted", "pending_approval"] | None,
        Blank,
        Field(description="submitted 待审核，pending_approval 待本单位审批（默认两者）"),
    ] = None
    unit: Annotated[Id | None, Blank, Field(description="单位编号")] = None
    plan: Annotated[Id | None, Blank, Field(description="方案编号")] = None
    page: Annotated[int, Blank, Field(ge=1, le=100_000, description="页码（每页50份）")] = 1


class NotificationFilters(Query):
    """``GET /notifications``: ``unread=1`` for unread ones only; paged."""

    unread: Annotated[Literal["0", "1"] | None, Blank, Field(description="1：只看未读")] = None
    page: Annotated[int, Blank, Field(ge=1, le=100_000, description="页码（每页50条）")] = 1


class OwedFilters(Query):
    """``GET /my/owed``: one period's rows (its code) or every owed row; paged."""

    period: Annotated[
        str | None,
        Blank,
        Field(max_length=MAX_PERIOD, description="期次代码，如 2020Q3（默认全部期次）"),
    ] = None
    page: Annotated[int, Blank, Field(ge=1, le=100_000, description="页码（每页50项）")] = 1


class PageOnly(Query):
    """A list with nothing to narrow: only its page."""

    page: Annotated[int, Blank, Field(ge=1, le=100_000, description="页码（每页50项）")] = 1


#: Names of the query models (a validation error names its model; see the spec module).
QUERY_MODELS = frozenset(model.__name__ for model in Query.__subclasses__())
#: Names of the body models that may be left out.
OPTIONAL_BODIES = frozenset(
    model.__name__ for model in Body.__subclasses__() if model.body_optional
)
