"""The OpenAPI 3.1 document of ``/api/v1``, written by hand; ``GET /api/v1/openapi.json``
serves it without a token. A test checks that it lists every API route of the app."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from tracker.domain.lag import LagState
from tracker.web.api import bp

_JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": _ref("Error")}}}


def _ok(schema: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": _ref(schema)}}}


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {_JSON: {"schema": _ref(schema)}}}


def _op(
    summary: str,
    ok: dict[str, Any],
    errors: tuple[int, ...],
    *,
    path_id: str | None = None,
    body: str | None = None,
    status: str = "200",
) -> dict[str, Any]:
    """One operation: its summary, the success answer and the error statuses it can give
    (401 always, as every route but the document needs a token; 500 is never planned)."""
    responses: dict[str, Any] = {status: ok}
    for code in sorted({401, *errors}):
        responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if path_id:
        operation["parameters"] = [_id(path_id)]
    if body:
        operation["requestBody"] = _body(body)
    return operation


_STR = {"type": "string"}
_INT = {"type": "integer"}
_DATE = {"type": ["string", "null"], "format": "date"}
_NUM_OR_NULL = {"type": ["number", "null"]}
_STR_OR_NULL = {"type": ["string", "null"]}


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


def _open(properties: dict[str, Any]) -> dict[str, Any]:
    """A response object: every property present, more may be added later."""
    return {"type": "object", "properties": properties, "required": list(properties)}


_REPORT_TEXTS = {
    "progress": {**_STR, "maxLength": 2000, "description": "进展情况"},
    "problems": {**_STR, "maxLength": 2000, "description": "存在问题"},
    "next_steps": {**_STR, "maxLength": 2000, "description": "下步打算"},
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "properties": {
            "error": {**_STR, "description": "中文说明"},
            "field": {**_STR, "description": "出错的字段（如有）"},
            "version": {**_INT, "description": "409 版本冲突时：当前保存的版本"},
            "theirs": {**_ref("ReportInput"), "description": "409 版本冲突时：已保存的内容"},
            "mine": {**_ref("ReportInput"), "description": "409 版本冲突时：本次提交的内容"},
            "report_id": {**_INT, "description": "409 该期间已有填报时：其编号"},
        },
        "required": ["error"],
    },
    "ReportInput": _open({"period": _STR, "value": _NUM_OR_NULL, **_REPORT_TEXTS}),
    "Milestone": {
        "type": "object",
        "properties": {
            "kind": _STR,
            "due": {**_STR, "format": "date"},
            "comparator": _STR_OR_NULL,
            "target": {"type": ["number", "string", "null"]},
            "unit": _STR_OR_NULL,
            "from": {**_STR, "format": "date"},
            "upper": {"type": "number"},
        },
        "required": ["kind", "due", "comparator", "target", "unit"],
    },
    "Task": _open(
        {
            "id": _INT,
            "plan_id": _INT,
            "text": _STR,
            "schedule_text": _STR,
            "lead_units": {"type": "array", "items": _STR},
            "cooperating_units": {"type": "array", "items": _STR},
            "needs_review": {"type": "boolean"},
            "milestones": {"type": "array", "items": _ref("Milestone")},
            "state": {**_STR, "enum": [state.value for state in LagState]},
            "expected": _NUM_OR_NULL,
            "actual": _NUM_OR_NULL,
        }
    ),
    "TaskList": _open(
        {"as_of": {**_STR, "format": "date"}, "tasks": {"type": "array", "items": _ref("Task")}}
    ),
    "Contribution": _open(
        {
            "id": _INT,
            "unit": _STR,
            "status": {**_STR, "enum": ["requested", "confirmed", "disputed"]},
            "text": _STR,
            "reason": _STR,
            "due_on": _DATE,
            "answered_on": _DATE,
        }
    ),
    "ContributionDetail": {
        "allOf": [
            _ref("Contribution"),
            _open({"report_id": _INT, "task_id": _INT}),
        ]
    },
    "Report": _open(
        {
            "id": _INT,
            "task_id": _INT,
            "unit": _STR,
            "period": {**_STR, "examples": ["2020Q3"]},
            "period_label": _STR,
            "revision": _INT,
            "status": {
                **_STR,
                "enum": [
                    "draft",
                    "pending_approval",
                    "submitted",
                    "accepted",
                    "returned",
                    "superseded",
                ],
            },
            "value": _NUM_OR_NULL,
            "value_unit": _STR_OR_NULL,
            **_REPORT_TEXTS,
            "submitted_on": _DATE,
            "reviewed_on": _DATE,
            "return_reason": _STR,
            "version": _INT,
            "contributions": {"type": "array", "items": _ref("Contribution")},
        }
    ),
    "ReportList": _open({"task_id": _INT, "reports": {"type": "array", "items": _ref("Report")}}),
    "History": _open(
        {
            "task_id": _INT,
            "entries": {
                "type": "array",
                "items": _open(
                    {
                        "at": {**_STR, "format": "date-time"},
                        "user": _STR_OR_NULL,
                        "entity": _STR,
                        "entity_id": {"type": ["integer", "null"]},
                        "action": _STR,
                        "summary": _STR,
                        "changes": {
                            "type": "array",
                            "items": _open({"field": _STR, "before": {}, "after": {}}),
                        },
                    }
                ),
            },
        }
    ),
    "NewReport": _object(
        {
            "period": {**_STR, "maxLength": 10, "examples": ["2020Q3", "2020H2", "2020"]},
            "value": {**_NUM_OR_NULL, "minimum": 0},
            **_REPORT_TEXTS,
        },
        ("period",),
    ),
    "ReportPatch": _object(
        {
            "value": {**_NUM_OR_NULL, "minimum": 0},
            **_REPORT_TEXTS,
            "version": {**_INT, "minimum": 0, "description": "读取时的版本；过期则 409"},
        }
    ),
    "Decision": _object(
        {
            "decision": {**_STR, "enum": ["accept", "return"]},
            "reason": {**_STR, "maxLength": 1000, "description": "退回时必填"},
        },
        ("decision",),
    ),
    "Submit": _object(
        {
            "instruction_answers": {
                "type": "object",
                "additionalProperties": _STR,
                "description": "对领导批示的答复：{批示编号: 答复}；有未答复的批示时必填",
            }
        }
    ),
    "Confirm": _object({"text": {**_STR, "maxLength": 500}}),
    "Dispute": _object(
        {"reason": {**_STR, "maxLength": 1000}, "text": {**_STR, "maxLength": 500}},
        ("reason",),
    ),
}

RESPONSES: dict[str, Any] = {
    "E400": _error("请求体不是有效的 JSON 对象"),
    "E401": _error("缺少或无效的令牌（带 WWW-Authenticate: Bearer）"),
    "E403": _error("策略不允许此用户进行此操作"),
    "E404": _error("编号不存在"),
    "E409": _error("与当前状态冲突；版本过期时带 version/theirs/mine"),
    "E422": _error("字段校验未通过（带 field）"),
}

_TASK_FILTERS = [
    {"name": "plan", "in": "query", "schema": _INT, "description": "方案编号（默认全部方案）"},
    {"name": "unit", "in": "query", "schema": _STR, "description": "单位编号或名称"},
    {
        "name": "state",
        "in": "query",
        "schema": {**_STR, "enum": [state.value for state in LagState]},
    },
]

PATHS: dict[str, Any] = {
    "/openapi.json": {
        "get": {
            "summary": "本文档（无需令牌）",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {_JSON: {}}}},
        }
    },
    "/tasks": {
        "get": {
            **_op("任务台账（单位用户只看到本单位牵头或配合的任务）", _ok("TaskList"), (404, 422)),
            "parameters": _TASK_FILTERS,
        }
    },
    "/tasks/{task_id}": {
        "get": _op("一项任务及其序时进度", _ok("Task"), (403, 404), path_id="task_id")
    },
    "/tasks/{task_id}/reports": {
        "get": _op("任务的全部填报（含各版次）", _ok("ReportList"), (403, 404), path_id="task_id"),
        "post": _op(
            "牵头单位新建草稿",
            _ok("Report", "已创建"),
            (400, 403, 404, 409, 422),
            path_id="task_id",
            body="NewReport",
            status="201",
        ),
    },
    "/tasks/{task_id}/history": {
        "get": _op("任务的操作记录（由旧到新）", _ok("History"), (403, 404), path_id="task_id")
    },
    "/reports/{report_id}": {
        "get": _op("一份填报", _ok("Report"), (403, 404), path_id="report_id"),
        "patch": _op(
            "修改草稿或被退回的填报（变为草稿）",
            _ok("Report"),
            (400, 403, 404, 409, 422),
            path_id="report_id",
            body="ReportPatch",
        ),
    },
    "/reports/{report_id}/submit": {
        "post": {
            **_op("提交填报", _ok("Report"), (400, 403, 404, 409, 422), path_id="report_id"),
            "requestBody": {"required": False, "content": {_JSON: {"schema": _ref("Submit")}}},
        }
    },
    "/reports/{report_id}/review": {
        "post": _op(
            "改革办审核：通过或退回（退回须写理由）",
            _ok("Report"),
            (400, 403, 404, 409, 422),
            path_id="report_id",
            body="Decision",
        )
    },
    "/reports/{report_id}/approve": {
        "post": _op(
            "本单位审批人审批：报送或退回",
            _ok("Report"),
            (400, 403, 404, 409, 422),
            path_id="report_id",
            body="Decision",
        )
    },
    "/reports/{report_id}/correct": {
        "post": _op(
            "更正已审核的填报（新建草稿版次）",
            _ok("Report", "已创建更正稿"),
            (403, 404, 409),
            path_id="report_id",
            status="201",
        )
    },
    "/contributions/{contribution_id}": {
        "get": _op(
            "本单位的配合确认请求", _ok("ContributionDetail"), (403, 404), path_id="contribution_id"
        )
    },
    "/contributions/{contribution_id}/confirm": {
        "post": {
            **_op(
                "确认配合情况",
                _ok("ContributionDetail"),
                (400, 403, 404, 409, 422),
                path_id="contribution_id",
            ),
            "requestBody": {"required": False, "content": {_JSON: {"schema": _ref("Confirm")}}},
        }
    },
    "/contributions/{contribution_id}/dispute": {
        "post": _op(
            "提出异议（须写理由）",
            _ok("ContributionDetail"),
            (400, 403, 404, 409, 422),
            path_id="contribution_id",
            body="Dispute",
        )
    },
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "改革任务台账 API",
        "version": "1",
        "description": (
            "与网页相同的服务和权限。令牌：`flask --app tracker user token 用户名 --json`；"
            "请求头 `Authorization: Bearer 令牌`。错误均为 JSON：{error, field?}。"
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": SCHEMAS,
        "responses": RESPONSES,
    },
}


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document (public)."""
    return jsonify(DOCUMENT)
