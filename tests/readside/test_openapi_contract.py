"""Every JSON answer is typed (issue 20): OpenAPI declares a response schema for each 2xx JSON response, and every
list endpoint pages (``total``, ``limit``, ``offset``)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from yingji.app import create_app


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    from sqlalchemy import create_engine

    engine: Engine = create_engine("sqlite://")
    return create_app(engine).openapi()


def _json_2xx(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.startswith("2") and "application/json" in content:
                    found.append((f"{method.upper()} {path}", status, content["application/json"].get("schema", {})))
    return found


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return dict(spec["components"]["schemas"][ref.rsplit("/", 1)[-1]])
    return schema


def test_every_json_response_declares_a_schema(spec: dict[str, Any]) -> None:
    untyped = [
        f"{op} → {status}"
        for op, status, schema in _json_2xx(spec)
        if not schema
        or _resolve(spec, schema).get("additionalProperties") is True
        or (_resolve(spec, schema).get("type") == "object" and not _resolve(spec, schema).get("properties"))
    ]
    assert not untyped, f"{len(untyped)} JSON responses without a declared schema:\n" + "\n".join(untyped)


def test_every_list_endpoint_pages(spec: dict[str, Any]) -> None:
    bare_lists = [
        op
        for op, _status, schema in _json_2xx(spec)
        if op.startswith("GET ") and _resolve(spec, schema).get("type") == "array"
    ]
    assert not bare_lists, "lists without paging:\n" + "\n".join(bare_lists)
