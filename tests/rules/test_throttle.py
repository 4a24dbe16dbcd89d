"""The throttling rule as a table: a sliding window for anonymous forms, a doubling lock-out for failed logins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from yingji.rules.throttle import Limit, seconds, wait

T0 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
SLIDING = Limit(3, 10 * MIN)
BACKOFF = Limit(3, 15 * MIN, lockout=MIN, lockout_max=5 * MIN)


@pytest.mark.parametrize(
    ("limit", "offsets", "now", "expected"),
    [
        (SLIDING, [], 0, None),
        (SLIDING, [0, 1], 2, None),  # under the count
        (SLIDING, [0, 1, 2], 3, 7),  # the oldest of the last three leaves at 10
        (SLIDING, [0, 1, 2], 10, None),  # …and has left
        (SLIDING, [-20, 1, 2], 3, None),  # events out of the window do not count
        (SLIDING, [2, 0, 1], 3, 7),  # order does not matter
        (BACKOFF, [0, 1, 2], 2, 1),  # the third failure locks out for one minute
        (BACKOFF, [0, 1, 2], 3, None),
        (BACKOFF, [0, 1, 2, 3], 3, 2),  # one more doubles it
        (BACKOFF, [0, 1, 2, 3, 5], 5, 4),
        (BACKOFF, [0, 1, 2, 3, 5, 9, 10], 10, 5),  # capped at lockout_max
        (Limit(0, MIN), [0, 0, 0], 0, None),  # a count of 0 sets no limit
    ],
)
def test_wait_rule(limit: Limit, offsets: list[int], now: int, expected: int | None) -> None:
    got = wait(limit, [T0 + k * MIN for k in offsets], T0 + now * MIN)
    assert got == (None if expected is None else expected * MIN)


def test_retry_after_rounds_up() -> None:
    assert [seconds(timedelta(seconds=s)) for s in (0.2, 1, 1.5, 59.01)] == [1, 1, 2, 60]
