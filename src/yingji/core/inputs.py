"""One check of every JSON request body before it is validated: control characters are refused with a 422 naming the
field (issue 21). Here rather than in YingjiModel because response models are YingjiModels too, built from stored
rows, and a value stored before the rule must stay readable."""

from __future__ import annotations

from email.message import Message

from fastapi import Request

from yingji.core import text
from yingji.core.errors import InvalidInput
from yingji.core.validation import field_path


async def refuse_control_characters(request: Request) -> None:
    """An app-wide dependency: reads nothing FastAPI has not already read and parsed for the route's body."""
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
