"""Request bodies of ``/api/v1``: small functions that check a JSON body's shape and
types and return dataclasses, raising :class:`ApiError` 400 (not JSON, not an object) or
422 with ``field`` (unknown field, missing field, wrong type, too long).

Lengths follow the web forms, so the API accepts what the web pages accept.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from flask import request

from tracker.web.api.errors import ApiError

#: Longest texts, as on the web forms.
MAX_REPORT_TEXT = 2000
MAX_REASON = 1000
MAX_CONTRIBUTION_TEXT = 500
MAX_PERIOD = 10

_MISSING: Any = object()


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object. An empty body is ``{}`` when ``optional``.

    Raises 400 for malformed JSON or a body that is not an object, 422 for a missing one.
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            return {}
        raise ApiError(400, "请求体不能为空，应为 JSON 对象")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise ApiError(400, f"请求体不是有效的 JSON：{error}") from error
    if not isinstance(data, dict):
        raise ApiError(400, "请求体应为 JSON 对象")
    return data


def _only(data: dict[str, Any], allowed: frozenset[str]) -> None:
    for key in data:
        if key not in allowed:
            raise ApiError(422, f"不认识的字段「{key}」", field=str(key))


def _text(data: dict[str, Any], key: str, limit: int, *, required: bool = False) -> Any:
    """The string at ``key`` (``_MISSING`` when absent and not required)."""
    value = data.get(key, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise ApiError(422, f"缺少字段「{key}」", field=key)
        return _MISSING if value is _MISSING else ""
    if not isinstance(value, str):
        raise ApiError(422, f"字段「{key}」应为字符串", field=key)
    if len(value) > limit:
        raise ApiError(422, f"字段「{key}」不能超过{limit}字", field=key)
    if "\x00" in value or _unencodable(value):
        raise ApiError(422, f"字段「{key}」含有不允许的字符", field=key)
    return value


def _unencodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _number(data: dict[str, Any], key: str) -> Any:
    """The number (or null) at ``key``; ``_MISSING`` when absent."""
    value = data.get(key, _MISSING)
    if value is _MISSING or value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError(422, f"字段「{key}」应为数字或 null", field=key)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ApiError(422, f"字段「{key}」应为有限的数字", field=key)
    return number


def _version(data: dict[str, Any]) -> int | None:
    value = data.get("version")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ApiError(422, "字段「version」应为非负整数", field="version")
    return value


def _given(value: Any, default: Any) -> Any:
    return default if value is _MISSING else value


@dataclass(frozen=True, slots=True)
class NewReport:
    """``POST /tasks/{id}/reports``: ``period`` required; the rest default to empty."""

    period: str
    value: float | None
    progress: str
    problems: str
    next_steps: str


_REPORT_TEXTS = ("progress", "problems", "next_steps")


def new_report(data: dict[str, Any]) -> NewReport:
    """Check a new draft's body ``{"period", "value"?, "progress"?, "problems"?,
    "next_steps"?}``."""
    _only(data, frozenset({"period", "value", *_REPORT_TEXTS}))
    period = _text(data, "period", MAX_PERIOD, required=True)
    texts = {key: _given(_text(data, key, MAX_REPORT_TEXT), "") for key in _REPORT_TEXTS}
    return NewReport(period=period, value=_given(_number(data, "value"), None), **texts)


@dataclass(frozen=True, slots=True)
class ReportPatch:
    """``PATCH /reports/{id}``: only the fields given change; ``version`` (optional) is
    the version the writer read, for optimistic locking."""

    changes: dict[str, Any]
    version: int | None


def report_patch(data: dict[str, Any]) -> ReportPatch:
    """Check ``{"value"?, "progress"?, "problems"?, "next_steps"?, "version"?}``."""
    _only(data, frozenset({"value", "version", *_REPORT_TEXTS}))
    changes: dict[str, Any] = {}
    value = _number(data, "value")
    if value is not _MISSING:
        changes["value"] = value
    for key in _REPORT_TEXTS:
        text = _text(data, key, MAX_REPORT_TEXT)
        if text is not _MISSING:
            changes[key] = text
    return ReportPatch(changes=changes, version=_version(data))


@dataclass(frozen=True, slots=True)
class Decision:
    """``POST /reports/{id}/review`` and ``…/approve``: accept, or return with a reason."""

    accept: bool
    reason: str


def decision(data: dict[str, Any]) -> Decision:
    """Check ``{"decision": "accept"|"return", "reason"?}`` (the reason is required for a
    return — the service says so, with field "reason")."""
    _only(data, frozenset({"decision", "reason"}))
    choice = _text(data, "decision", 10, required=True)
    if choice not in ("accept", "return"):
        raise ApiError(422, "字段「decision」应为 accept 或 return", field="decision")
    return Decision(accept=choice == "accept", reason=_given(_text(data, "reason", MAX_REASON), ""))


@dataclass(frozen=True, slots=True)
class Answer:
    """A cooperating unit's answer: a short text and, for a dispute, a reason."""

    text: str
    reason: str


def answer(data: dict[str, Any], *, dispute: bool) -> Answer:
    """Check ``{"text"?}`` (confirm) or ``{"reason", "text"?}`` (dispute; an empty reason
    is refused by the service with field "reason")."""
    _only(data, frozenset({"text", "reason"} if dispute else {"text"}))
    text = _given(_text(data, "text", MAX_CONTRIBUTION_TEXT), "")
    reason = _given(_text(data, "reason", MAX_REASON), "") if dispute else ""
    return Answer(text=text, reason=reason)


def instruction_answers(data: dict[str, Any]) -> dict[int, str]:
    """Check ``POST /reports/{id}/submit``'s optional ``{"instruction_answers": {"<id>":
    "text"}}``: answers to leaders' open instructions, which a submission must give."""
    _only(data, frozenset({"instruction_answers"}))
    raw = data.get("instruction_answers", {})
    if not isinstance(raw, dict):
        raise ApiError(422, "字段「instruction_answers」应为对象", field="instruction_answers")
    answers: dict[int, str] = {}
    for key, value in raw.items():
        if not str(key).isdigit() or not isinstance(value, str):
            raise ApiError(
                422, "「instruction_answers」应为 {批示编号: 答复文字}", field="instruction_answers"
            )
        answers[int(key)] = value
    return answers
