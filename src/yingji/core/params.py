"""Bounded integers shared by every route: database ids and work years, in paths, queries and bodies.

An unbounded ``int`` lets 2⁶⁴ reach the database driver, which cannot bind it (a 500); ids are PostgreSQL INTEGER
columns, so 2³¹ already overflows there. Out of range in a path the answer is 404, like any unknown id (core.http);
in a query or a body it is 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval

MAX_INTEGER = 2**31 - 1  # an INTEGER column: 32 bits on PostgreSQL (64 on SQLite)
MAX_ROW_ID = MAX_INTEGER  # ids are INTEGER columns
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the work years the programmes, targets and ratings cover

RowId = Annotated[int, Interval(ge=1, le=MAX_ROW_ID)]
Year = Annotated[int, Interval(ge=FIRST_YEAR, le=LAST_YEAR)]
