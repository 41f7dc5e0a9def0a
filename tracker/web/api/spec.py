"""The schema side of ``/api/v1``: one :class:`spectree.SpecTree` checks each view's
request against its models (:mod:`.schemas`), its answer against its response models
(:mod:`.responses`), and builds the OpenAPI document from the same models.

Views are decorated ``@spec.validate(resp=answers(Model, 403, 404, …))`` and take their
body as a parameter annotated ``json: SomeBody`` (a query string as ``query: …``).
What the library does not say our way is hooked here:

- a body must be a JSON object (400), sent as ``application/json`` (415); an empty body
  is a 400 unless its model is ``body_optional`` (spectree would read it as ``{}``);
- a validation error becomes the API's ``{"error", "field"}`` 422 with a Chinese message
  (:func:`invalid_request`), raised where spectree validates (its own answer would echo
  the input, which may not even encode: a lone surrogate);
- an answer that does not fit its model is a bug: it becomes the JSON 500.
"""

from __future__ import annotations

import json as jsonlib
from typing import Any

from flask import Request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from spectree import Response, SpecTree
from spectree.models import SecureType, SecurityScheme, SecuritySchemeData
from spectree.plugins.flask_plugin import FlaskPlugin

from tracker.web.api.errors import ApiError
from tracker.web.api.responses import Error
from tracker.web.api.schemas import OPTIONAL_BODIES, QUERY_MODELS

#: What each error status of a route means, as the document says it.
ERROR_DESCRIPTIONS = {
    400: "请求体不是有效的 JSON 对象",
    401: "缺少或无效的令牌（带 WWW-Authenticate: Bearer）",
    403: "策略不允许此用户进行此操作",
    404: "编号不存在",
    409: "与当前状态冲突；版本过期时带 version/theirs/mine",
    413: "请求体太大",
    415: "请求体应为 application/json",
    422: "字段校验未通过（带 field）",
}


class ApiPlugin(FlaskPlugin):
    """spectree's Flask plugin, with the API's rules for a JSON body checked first."""

    def request_validation(
        self, request: Request, query: Any, json: Any, form: Any, headers: Any, cookies: Any
    ) -> None:
        """Check the body's framing (400/415), then let spectree validate the models
        (a refusal is raised as :func:`invalid_request`'s 422); a body that may be left
        out and was is its model's defaults."""
        if json is not None:
            check_json_object(request, optional=json.__name__ in OPTIONAL_BODIES)
        try:
            super().request_validation(request, query, json, form, headers, cookies)
        except ValidationError as error:
            raise invalid_request(error) from None
        if json is not None and request.context.json is None:  # type: ignore[attr-defined]
            request.context = request.context._replace(json=json())  # type: ignore[attr-defined]


def check_json_object(request: Request, *, optional: bool) -> None:
    """Raise :class:`ApiError` 400 for an empty body (unless ``optional``), malformed
    JSON or JSON that is not an object, and 415 for a body of another media type."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            return
        raise ApiError(400, "请求体不能为空，应为 JSON 对象")
    if not request.is_json:
        raise ApiError(415, "请求体应为 JSON（Content-Type: application/json）")
    try:
        data = jsonlib.loads(raw)
    except (ValueError, RecursionError) as error:
        raise ApiError(400, f"请求体不是有效的 JSON：{error}") from error
    if not isinstance(data, dict):
        raise ApiError(400, "请求体应为 JSON 对象")


#: Chinese messages for pydantic's error types; ``{name}`` is 字段「x」 or 参数「x」.
_MESSAGES = {
    "missing": "缺少{name}",
    "extra_forbidden": "不认识的{name}",
    "string_type": "{name}应为字符串",
    "string_too_long": "{name}不能超过{max_length}字",
    "float_type": "{name}应为数字或 null",
    "float_parsing": "{name}应为数字",
    "finite_number": "{name}应为有限的数字",
    "int_type": "{name}应为整数",
    "int_parsing": "{name}应为整数",
    "int_parsing_size": "{name}应为整数",
    "greater_than_equal": "{name}不能小于 {ge}",
    "less_than_equal": "{name}不能大于 {le}",
    "literal_error": "{name}应为 {expected} 之一",
    "enum": "{name}应为 {expected} 之一",
    "dict_type": "{name}应为对象",
    "unstorable": "{name}含有不允许的字符",
    "string_unicode": "{name}含有不允许的字符",
}


def _plain(value: object) -> str:
    """A context value as a person reads it: 0 not 0.0, "a、b" not "'a' or 'b'"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("'", "").replace(" or ", "、").replace(", ", "、")


def describe(detail: ErrorDetails, name: str) -> str:
    """The Chinese message for one pydantic error about ``name``."""
    template = _MESSAGES.get(detail["type"], "{name}的值无效")
    context = {key: _plain(value) for key, value in detail.get("ctx", {}).items()}
    try:
        return template.format(name=name, **context)
    except KeyError:
        return f"{name}的值无效"


def invalid_request(error: ValidationError) -> ApiError:
    """The 422 for a request a model refused: the first error, its top-level field."""
    detail = error.errors(include_url=False)[0]
    field = str(detail["loc"][0]) if detail["loc"] else None
    label = "参数" if error.title in QUERY_MODELS else "字段"
    return ApiError(422, describe(detail, f"{label}「{field}」"), field=field)


def _refuse_misshapen_answer(
    request: Any, response: Any, error: Exception | None, instance: Any, adapter: Any
) -> None:
    if error is not None:
        raise RuntimeError("an API answer does not fit its response model") from error


def _model_name(model: type[BaseModel]) -> str:
    return model.__name__


spec = SpecTree(
    backend=ApiPlugin,
    after=_refuse_misshapen_answer,
    validation_error_model=Error,
    naming_strategy=_model_name,
    nested_naming_strategy=lambda _parent, child: child,
    mode="strict",
    title="改革任务台账 API",
    version="1",
    description=(
        "与网页相同的服务和权限。令牌：`flask --app tracker user token 用户名 --json`；"
        "请求头 `Authorization: Bearer 令牌`。错误均为 JSON：{error, field?}。"
        "日期为 YYYY-MM-DD，时间为带时区的 RFC 3339（UTC，+00:00）。"
    ),
    security_schemes=[
        SecurityScheme(
            name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer")
        )
    ],
    security={"bearer": []},
)


def answers(
    ok: type[BaseModel] | None, *errors: int, status: int = 200, description: str = "成功"
) -> Response:
    """The answers a route documents and checks: ``ok`` with ``status``, and the Error
    model for 401 (every route but the document needs a token) and each of ``errors``."""
    codes: dict[str, Any] = {f"HTTP_{status}": (ok, description)}
    for code in sorted({401, *errors}):
        codes[f"HTTP_{code}"] = (Error, ERROR_DESCRIPTIONS[code])
    return Response(**codes)
