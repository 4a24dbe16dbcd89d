"""Turn pydantic validation errors into one InvalidInput with Chinese problems, each naming its field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from yingji.core.errors import InvalidInput

PYDANTIC_CHINESE = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "string_too_short": "长度不足",
    "string_too_long": "过长",
    "string_type": "应为文本",
    "extra_forbidden": "不是可接受的字段",
    "enum": "取值不在允许范围内：{expected}",
    "literal_error": "取值不在允许范围内：{expected}",
    "timezone_aware": "必须带时区",
    "datetime_parsing": "不是有效的时间",
    "datetime_from_date_parsing": "不是有效的时间",
    "date_from_datetime_parsing": "不是有效的日期",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "bool_parsing": "应为布尔值",
}


def field_path(loc: Iterable[object]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def chinese_problem(error: Mapping[str, Any]) -> str:
    template = PYDANTIC_CHINESE.get(str(error.get("type")))
    if template is None:
        return str(error.get("msg", "不合法")).removeprefix("Value error, ")
    ctx = error.get("ctx")
    try:
        return template.format(**(ctx if isinstance(ctx, dict) else {}))
    except (KeyError, IndexError):
        return template


def invalid_input(errors: Iterable[Mapping[str, Any]]) -> InvalidInput:
    """Return one error listing every problem; the first names the headline field."""
    details = [{"field": field_path(e.get("loc", ())), "problem": chinese_problem(e)} for e in errors]
    first = details[0] if details else {"field": "body", "problem": "不合法"}
    return InvalidInput(field=first["field"], reason=f"{first['field']}：{first['problem']}", details=details)
