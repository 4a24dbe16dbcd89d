"""Render every error as one JSON shape; pydantic 422s get Chinese text naming the field."""

from __future__ import annotations

import logging
from typing import TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from yingji.core.errors import Busy, InvalidInput, NotFound, YingjiError
from yingji.core.validation import invalid_input
from yingji.db.session import is_lock_contention

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
BUSY_RETRY_AFTER_S = 2  # a write waits busy_timeout (5 s) for the lock before this answer; a retry soon after may pass


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(YingjiError)
    async def yingji_error(_request: Request, err: YingjiError) -> JSONResponse:
        if err.status >= 500:
            logger.error("internal error code=%s", err.code)
        return JSONResponse(err.as_dict(), status_code=err.status, headers=err.headers())

    @app.exception_handler(OperationalError)
    async def database_busy(request: Request, err: OperationalError) -> JSONResponse:
        # Lock contention is the server being busy, not broken: 503 with Retry-After; anything else stays a 500.
        if not is_lock_contention(err):
            raise err
        logger.warning("database busy: %s %s", request.method, request.url.path)
        return await yingji_error(request, Busy(reason="数据库正被其他操作占用", retry_after=BUSY_RETRY_AFTER_S))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, err: RequestValidationError) -> JSONResponse:
        errors = err.errors()
        if errors and all(tuple(e["loc"])[:1] == ("path",) and e["type"] in OUT_OF_RANGE for e in errors):
            # an id (or year) that cannot exist names nothing: the same 404 as an unknown one
            name, value = str(errors[0]["loc"][-1]), str(errors[0]["input"])[:40]
            missing = NotFound(field=name, kind="记录", key=f"{name}={value}")
            return JSONResponse(missing.as_dict(), status_code=missing.status)
        wrapped = invalid_input(errors)
        return JSONResponse(wrapped.as_dict(), status_code=wrapped.status)

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, _err: ClientDisconnect) -> Response:
        # The sender hung up while its body was being read: nothing to answer and nothing went wrong here.
        logger.info("client disconnected before its request body arrived: %s %s", request.method, request.url.path)
        return Response(status_code=400)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, err: HTTPException) -> JSONResponse:
        # Routing errors (unknown path, wrong method) in the same shape and language as every other error.
        code, message = HTTP_TEXT.get(err.status_code, ("http_error", "请求无法处理"))
        return JSONResponse({"error": {"code": code, "message": message, "field": None}}, status_code=err.status_code)


OUT_OF_RANGE = frozenset({"greater_than_equal", "less_than_equal", "greater_than", "less_than"})
HTTP_TEXT = {
    404: ("not_found", "未找到该地址"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
}


async def read_model(request: Request, model: type[M], limit: int, what: str) -> M:
    """A public form's JSON body as ``model``: size-bounded before parsing, errors answered as FastAPI's 422."""
    raw = await read_bounded(request, limit, what)
    try:
        return model.model_validate_json(raw)
    except ValidationError as err:
        raise RequestValidationError(err.errors()) from err


async def read_bounded(request: Request, limit: int, what: str) -> bytes:
    """The request body, refused (before and after reading) when it exceeds ``limit`` bytes."""
    size = f"{limit // 1048576} MB" if limit >= 1048576 else f"{limit // 1024} KB"
    too_big = InvalidInput(field="body", reason=f"{what}超过 {size}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    body = await request.body()
    if len(body) > limit:
        raise too_big
    return body
