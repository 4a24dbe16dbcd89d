"""One way to page every list: limit/offset, the total, a stable order — no silent caps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yingji.core.schemas import YingjiModel

T = TypeVar("T")
R = TypeVar("R")
MAX_LIMIT = 500


class PageParams(YingjiModel):
    """Which slice of a list the caller wants."""

    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="每页条数（1–500）")
    offset: int = Field(default=0, ge=0, le=10_000_000, description="跳过的条数")


class Filters(BaseModel):
    """Base of a list's query filters: frozen, and tolerant of the paging parameters beside them."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        """A filter form's 全部 option sends ``state=``: an empty value filters nothing."""
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if not (isinstance(value, str) and not value.strip())}
        return data


def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数（1–500）")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="跳过的条数")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(_page_params)]


class Page(BaseModel, Generic[T]):
    """A slice of a list with the size of the whole list, so a page can say “共 N 条” and offer the next."""

    items: list[T]
    total: int = Field(description="符合条件的总条数")
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


def paginate(
    db_session: Session, query: Select[Any], params: PageParams, *, order_by: Sequence[Any]
) -> tuple[list[Any], int]:
    """Run ``query`` for one page in a stable order (the last key must be unique) and count the whole list."""
    total = db_session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db_session.scalars(query.order_by(*order_by).limit(params.limit).offset(params.offset)).all()
    return list(rows), total


def paged(items: Sequence[T], total: int, params: PageParams) -> Page[T]:
    """One page of read models with the list's total."""
    return Page[T](items=list(items), total=total, limit=params.limit, offset=params.offset)


def page_of(rows: Sequence[R], total: int, params: PageParams, read: Callable[[R], T]) -> Page[T]:
    """Wrap one page of rows, each turned into its read model."""
    return Page[T](items=[read(row) for row in rows], total=total, limit=params.limit, offset=params.offset)


def slice_list(items: Sequence[T], params: PageParams) -> Page[T]:
    """Page a list already computed in full (small derived lists, e.g. a board's rows)."""
    chunk = list(items[params.offset : params.offset + params.limit])
    return Page[T](items=chunk, total=len(items), limit=params.limit, offset=params.offset)


MAX_EXPORT = 10_000  # rows in one spreadsheet export; a longer list is narrowed with the list's own filters first


def every(fetch: Callable[[PageParams], tuple[Sequence[R], int]], cap: int = MAX_EXPORT) -> tuple[list[R], int]:
    """All rows of a list (an export), read page by page through the list's own ``fetch`` — so the export sees
    exactly the scope and filters of the list — up to ``cap`` rows, with the list's total."""
    rows: list[R] = []
    total = 0
    while len(rows) < cap:
        chunk, total = fetch(PageParams(limit=min(MAX_LIMIT, cap - len(rows)), offset=len(rows)))
        rows.extend(chunk)
        if not chunk or len(rows) >= total:
            break
    return rows, total
