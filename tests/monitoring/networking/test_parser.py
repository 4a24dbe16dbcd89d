"""The parser, table-driven: where each bad record is (line, record, field), what it decodes, and that no byte
string crashes it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.monitoring.networking.parser import MAX_FILE_BYTES, FileParser
from yingji.monitoring.networking.profile import profile_by_id

PROFILE = profile_by_id("kj-generic")
GOOD = "150602001MN0001;0.3;0;2026-11-23 11:00:00"


def parse(data: bytes | str, encoding: str = "utf-8") -> tuple[FileParser, list[dict]]:  # type: ignore[type-arg]
    raw = data.encode(encoding) if isinstance(data, str) else data
    parser = FileParser(raw, PROFILE, "t.txt")
    records = [r.values for r in parser.records()]
    return parser, records


CASES = [
    # (text, accepted, [(line, record, field)])
    (f"KJ;AQSS|{GOOD}~‖", 1, []),
    (f"KJ;AQSS|\n{GOOD}~\n{GOOD};~\n‖", 2, []),  # a trailing separator before ~ is tolerated
    (f"KJ;AQSS|\n{GOOD}~\n‖\nKJ;AQKD|\nK1;1;2026-11-23 11:00:00~\n‖", 2, []),  # two batches
    ("KJ;AQSS|\n150602001MN0001;0.3;2026-11-23 11:00:00~\n‖", 0, [(2, 1, "(字段数)")]),
    ("KJ;AQSS|\n150602001MN0001;x;0;2026-11-23 11:00:00~\n‖", 0, [(2, 1, "value")]),
    ("KJ;AQSS|\n150602001MN0001;nan;0;2026-11-23 11:00:00~\n‖", 0, [(2, 1, "value")]),
    ("KJ;AQSS|\n150602001MN0001;0.3;7;2026-11-23 11:00:00~\n‖", 0, [(2, 1, "state")]),
    ("KJ;AQSS|\n150602001MN0001;0.3;0;2026-02-30 11:00:00~\n‖", 0, [(2, 1, "time")]),
    ("KJ;AQSS|\n150602001MN0001;0.3;0;1999-12-31 23:00:00~\n‖", 0, [(2, 1, "time")]),
    (f"KJ;AQSS|\n;0.3;0;2026-11-23 11:00:00~\n{GOOD}~\n‖", 1, [(2, 1, "point")]),
    (f"KJ;AQSS|\n{'A' * 41};0.3;0;2026-11-23 11:00:00~\n‖", 0, [(2, 1, "point")]),
    (f"{GOOD}~\nKJ;AQSS|\n{GOOD}~‖", 1, [(1, 1, "(头记录)")]),
    (f"XX;AQSS|\n{GOOD}~‖", 0, [(1, 0, "(头记录)"), (2, 1, "(头记录)")]),
    (f"KJ;CFSS|\n{GOOD}~‖", 0, [(1, 0, "(头记录)"), (2, 1, "(头记录)")]),  # gas drainage: not in this profile
    (f"KJ;AQSS|\n{GOOD}\n‖", 0, [(2, 1, "(记录)")]),  # not ended by ~
    (f"KJ;AQSS|\n{GOOD}~\n{GOOD}", 1, [(3, 2, "(记录)")]),  # cut off mid-record
    (f"KJ;AQSS|\n{GOOD}\x00~\n‖", 0, [(2, 1, "(编码)")]),
    (f"KJ;AQSS|\n{GOOD};{'9' * 5000}~\n‖", 0, [(2, 1, "(记录)")]),
    ("KJ;GJXX|\nP1;1;2026-11-23 11:00:00;;;;~\nP1;8;2026-11-23 11:00:00;;;;~\n‖", 1, [(3, 2, "alarm_type")]),
    ("", 0, []),
    ("\n\n  \r\n", 0, []),
]


@pytest.mark.parametrize(("text", "accepted", "rejects"), CASES)
def test_bad_records_are_named_and_good_ones_kept(
    text: str, accepted: int, rejects: list[tuple[int, int, str]]
) -> None:
    parser, records = parse(text)
    assert len(records) == accepted == parser.accepted
    assert [(r.line, r.record, r.field) for r in parser.rejects] == rejects
    assert parser.rejected == len(rejects)
    assert all(r.file == "t.txt" for r in parser.rejects)


def test_values_are_typed_and_local_time_becomes_utc() -> None:
    _, [values] = parse(f"KJ;AQSS|\n{GOOD}~\n‖")
    assert values["value"] == 0.3 and values["state"] == "0"
    assert values["time"].isoformat() == "2026-11-23T03:00:00+00:00"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_gbk_and_utf8_are_told_apart(encoding: str) -> None:
    text = "KJ;AQMC|\nP1;15201工作面上隅角;M0101;%;0;4;1.0;;1.5;1.0;工作面;2026-11-23 11:00:00~\n‖"
    parser, [values] = parse(text, encoding)
    assert parser.encoding == encoding and values["location"] == "15201工作面上隅角"


def test_a_utf8_bom_decides_and_a_stray_byte_refuses_only_its_record() -> None:
    parser, records = parse(b"\xef\xbb\xbf" + f"KJ;AQSS|\n{GOOD}~\n‖".encode())
    assert parser.encoding == "utf-8" and len(records) == 1
    good = "KJ;AQSS|\nP1;0.3;0;2026-11-23 11:00:00~\n".encode("gbk")
    broken = b"P2;0.3;0;2026-11-23 11:00:00" + b"\xff~\n" + "‖".encode("gbk")  # 0xFF: never GBK
    parser, records = parse(good + broken)
    assert [r["point"] for r in records] == ["P1"] and parser.encoding == "gbk"
    assert [r.field for r in parser.rejects] == ["(编码)"] and parser.warnings
    # why records are split only after decoding: in GBK, 0x81 0x7E is one character, and the ~ belongs to it
    parser, records = parse(good + broken.replace(b"\xff", b"\x81"))
    assert [r["point"] for r in records] == ["P1"] and [r.field for r in parser.rejects] == ["(记录)"]


def test_a_file_over_the_bound_is_one_reject() -> None:
    parser, records = parse(b" " * (MAX_FILE_BYTES + 1))
    assert records == [] and [r.field for r in parser.rejects] == ["(文件)"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_the_parser(data: bytes) -> None:
    parser, records = parse(data)
    assert parser.accepted == len(records) and parser.rejected >= len(parser.rejects)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["KJ;AQSS|", "~", "‖", ";", "\n", GOOD, "P1", "高", "2026-11-23 11:00:00", "x"])))
def test_arbitrary_token_soup_never_crashes_the_parser(parts: list[str]) -> None:
    for encoding in ("utf-8", "gbk"):
        parser, records = parse("".join(parts), encoding)
        assert parser.accepted == len(records)
