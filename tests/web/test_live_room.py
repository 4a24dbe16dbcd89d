"""The live stream's incident room is read from the query string: only a possible incident id names one."""

from __future__ import annotations

import pytest

from yingji.web.pages import room_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("2147483647", 2147483647),
        *[(raw, None) for raw in ("", "0", "2147483648", str(2**64), "9" * 5000, "１２", "-3", "1e3")],
    ],
)
def test_room_id(raw: str, expected: int | None) -> None:
    assert room_id(raw) == expected
