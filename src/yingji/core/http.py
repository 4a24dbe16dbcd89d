"""Render every error as one JSON shape; pydantic 422s get Chinese text naming the field."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from yingji.core.errors import YingjiError
from yingji.core.validation import invalid_input

logger = logging.getLogger(__name__)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(YingjiError)
    async def yingji_error(_request: Request, err: YingjiError) -> JSONResponse:
        if err.status >= 500:
            logger.error("internal error code=%s", err.code)
        return JSONResponse(err.as_dict(), status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, err: RequestValidationError) -> JSONResponse:
        wrapped = invalid_input(err.errors())
        return JSONResponse(wrapped.as_dict(), status_code=wrapped.status)
