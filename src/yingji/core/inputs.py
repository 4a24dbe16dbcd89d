"""One check of every JSON request body before it is validated: control characters are refused with a 422 naming the
field (issue 21); so are query parameters. Here rather than in YingjiModel because response models are YingjiModels
too, built from stored rows, and a value stored before the rule must stay readable."""

from __future__ import annotations

from email.message import Message

from fastapi import Request

from yingji.core import text
from yingji.core.errors import InvalidInput
from yingji.core.validation import field_path


async def refuse_control_characters(request: Request) -> None:
    """An app-wide dependency: reads nothing FastAPI has not already read and parsed for the route's body. Query
    parameters are checked too (a NUL in a search term is refused here, not by PostgreSQL with a 500)."""
    for name, value in request.query_params.multi_items():
        if (char := text.first_control(value)) is not None:
            raise InvalidInput(field=name, reason=f"{name}：{text.PROBLEM.format(char=char)}")
    if getattr(request.scope.get("route"), "body_field", None) is None:
        return
    kind = Message()
    kind["content-type"] = request.headers.get("content-type", "")
    subtype = kind.get_content_subtype()
    if kind.get_content_maintype() != "application" or not (subtype == "json" or subtype.endswith("+json")):
        return
    try:
        body = await request.json()  # cached: FastAPI parsed it before solving dependencies
    except ValueError:
        return  # FastAPI answers a broken body itself
    found = text.controls(body)
    if found:
        details = [{"field": field_path(where), "problem": text.PROBLEM.format(char=char)} for where, char in found]
        first = details[0]
        raise InvalidInput(field=first["field"], reason=f"{first['field']}：{first['problem']}", details=details)
