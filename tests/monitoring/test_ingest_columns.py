"""Packed binary columns (MessagePack bin: times int64 ms, values float64, little-endian) and the stored forms behind
them: every malformed column a 422 naming it, a bad element the per-row answer naming row and field, pending rows in
either packed form, and the compiled minute fold equal to the sorted reductions."""

from __future__ import annotations

from typing import Any

import msgpack
import numpy as np
import pytest

from tests.monitoring.conftest import CORNER, Site
from yingji.core.errors import InvalidInput
from yingji.monitoring import ingest, readings

T0 = 1_795_000_000_000


def packed(times: list[int], values: list[float]) -> tuple[bytes, bytes]:
    return np.array(times, "<i8").tobytes(), np.array(values, "<f8").tobytes()


def decode(body: dict[str, Any]) -> ingest.Batch:
    return ingest.decode(ingest.parse(msgpack.packb(body), "application/msgpack"))


def test_binary_columns_decode_to_the_same_batch_as_arrays() -> None:
    times, values = [T0, T0 + 10_000, -5], [0.5, -1e308, 3]
    as_arrays = decode({"points": ["A", "B", "C"], "times": times, "values": values})
    as_binary = decode(
        {"points": ["A", "B", "C"], "times": packed(times, values)[0], "values": packed(times, values)[1]}
    )
    mixed = decode({"points": ["A", "B", "C"], "times": packed(times, values)[0], "values": values})
    for batch in (as_binary, mixed):
        assert batch.codes == as_arrays.codes and not batch.problems
        assert batch.time_ms.tolist() == times and batch.value.tolist() == [0.5, -1e308, 3.0]
        assert batch.time_ms.dtype == np.int64 and batch.value.dtype == np.float64


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"times": b"\0" * 15, "values": b"\0" * 16}, "times", "收到 15 字节"),  # not a multiple of 8
        ({"times": b"\0" * 24, "values": b"\0" * 16}, "times", "N = points 的个数 2"),  # one reading too many
        ({"times": b"\0" * 16, "values": b"\0" * 8}, "values", "收到 8 字节"),
        ({"times": b"\0" * 16, "values": [1.0]}, "values", "1 个元素"),  # an array of another length
        ({"times": [1, 2, 3], "values": b"\0" * 16}, "times", "3 个元素"),
        ({"times": "AAAAAAAAAAAAAAAAAAAAAA==", "values": b"\0" * 16}, "times", "bin"),  # base64 text is not binary
        ({"times": b"\0" * 16, "values": {"0": 1.0}}, "values", "bin"),
        ({"times": b"\0" * 16, "values": None}, "body", "三列"),
    ],
)
def test_a_malformed_column_is_a_422_naming_it(body: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode({"points": ["A", "B"]} | body)
    assert refused.value.field == field and words in refused.value.render()


@pytest.mark.parametrize("points", [7, {"A": 1}, b"A\nB"], ids=["number", "map", "binary"])
def test_points_must_be_an_array_or_one_string(points: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode({"points": points, "times": b"\0" * 16, "values": b"\0" * 16})
    assert refused.value.field == "points"


def test_a_bad_element_in_binary_columns_is_refused_by_row_and_field() -> None:
    times, values = packed([T0, T0 + 1, T0 + 2, T0 + 3], [1.0, float("nan"), float("inf"), 2.0])
    batch = decode({"points": ["A", "B", "C", "D"], "times": times, "values": values})
    assert batch.problems == {1: ("value", "数值必须是有限数"), 2: ("value", "数值必须是有限数")}
    # a code of the wrong type sends the batch row by row; the binary columns are read all the same
    rows = decode({"points": ["A", 7, "C", "D"], "times": times, "values": values})
    assert rows.problems[1][0] == "point" and rows.problems[2][0] == "value" and 0 not in rows.problems
    assert rows.time_ms.tolist() == [T0, 0, T0 + 2, T0 + 3]


def test_binary_columns_through_the_api(site: Site) -> None:
    site.point(CORNER)
    t = site.now_ms()
    headers = site.gateway | {"content-type": "application/msgpack"}
    codes = "CH4-01\nNOPE-9\nCH4-01\nCH4-01"  # one string; the engine compares it whole with the last one sent
    for cycle in range(2):
        start = t + cycle * 10_000
        times, values = packed([start + 1000, start + 1500, start + 2000, start + 3000], [0.5, 0.6, float("nan"), 0.75])
        body = msgpack.packb({"points": codes, "times": times, "values": values})
        answer = site.client.post("/api/monitoring/readings", content=body, headers=headers)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert result["accepted"] == 2 and result["received"] == 4
        assert [(r["index"], r["point"], r["field"]) for r in result["rejected"]] == [
            (1, "NOPE-9", "point"),
            (2, "CH4-01", "value"),
        ]
    short = msgpack.packb({"points": ["CH4-01"], "times": times, "values": values[:8]})
    refused = site.client.post("/api/monitoring/readings", content=short, headers=headers)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "times"


def test_pending_rows_read_back_in_either_form() -> None:
    point = np.array([1005, 1001, 1003], np.int64)
    when = np.array([T0 + 20, T0, T0 + 10], np.int64)
    value = np.array([1.5, -2.0, np.nan])
    compact = readings.pack(point, when, value)
    first_form = point.astype("<i8").tobytes() + when.astype("<i8").tobytes() + value.astype("<f8").tobytes()
    assert len(compact) == 16 * 3 + 20 and len(first_form) == 24 * 3
    for data in (compact, first_form):
        p, t, v = readings.unpack(data, 3)
        assert p.tolist() == point.tolist() and t.tolist() == when.tolist() and np.array_equal(v, value, equal_nan=True)
    spread = np.array([1, 2**40], np.int64)  # offsets beyond 32 bits: the first form
    assert len(readings.pack(spread, when[:2], value[:2])) == 48
    with pytest.raises(ValueError, match="do not hold"):
        readings.unpack(compact[:-8], 3)


@pytest.mark.parametrize("spread", [1, 10**9], ids=["dense ids: the fold", "sparse ids: the sort"])
def test_the_minute_fold_equals_the_sorted_reductions(spread: int) -> None:
    rng = np.random.default_rng(3)
    point = rng.integers(0, 50, 2000) * spread
    when = T0 + np.sort(rng.integers(0, 5 * 60_000, 2000))  # per point in time order, as the engine accepts
    value = rng.normal(size=2000)
    got = readings.summarise_columns(point, when, value)
    want = readings._summarise_sorted(point, when // readings.MINUTE_MS, when, value)
    assert got["n"].sum() == 2000 and got.keys() == want.keys()
    for name in readings.COLUMNS:
        assert np.allclose(got[name], want[name], rtol=1e-12), name  # sums may differ in the last bit (order)


def test_codes_as_one_string_are_checked_without_splitting() -> None:
    times, values = packed([T0, T0 + 1, T0 + 2], [1.0, 2.0, 3.0])
    batch = decode({"points": "CH4-01\nCO_2.a\nX", "times": times, "values": values})
    assert batch.codes == [] and batch.joined == "CH4-01\nCO_2.a\nX" and batch.size == 3 and not batch.problems
    assert batch.code(1) == "CO_2.a"  # split only when a row is named
    with pytest.raises(InvalidInput) as refused:
        decode({"points": "A\nB", "times": times, "values": values})
    assert refused.value.field == "times"


@pytest.mark.parametrize(
    ("codes", "named"),
    [("A\n\nC", [1]), ("A\nB\n" + "x" * 41, [2]), ("A\n甲\nC", [1]), ("A\nB\nC\n", [3]), ("A\nB C\nC", [])],
    ids=["empty", "too long", "not ASCII", "trailing newline", "space"],
)
def test_a_string_with_a_bad_code_takes_the_list_path(codes: str, named: list[int]) -> None:
    """The same answer as the codes sent as a list: a code no point can have named by row (one that merely has a
    character registration refuses is then "not registered" at ingest, as in a list)."""
    size = codes.count("\n") + 1
    times, values = packed([T0 + k for k in range(size)], [1.0] * size)
    batch = decode({"points": codes, "times": times, "values": values})
    as_list = decode({"points": codes.split("\n"), "times": times, "values": values})
    assert batch.joined is None and batch.codes == as_list.codes and batch.problems == as_list.problems
    assert list(batch.problems) == named and all(batch.problems[row][0] == "point" for row in named)
