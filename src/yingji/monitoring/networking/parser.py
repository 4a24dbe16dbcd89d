"""Networking files → typed records, streamed; every bad record becomes a reject naming file, line, record and field.

Records can only be split after decoding (GBK trail bytes include ``~`` and ``|``), and the encoding is chosen for
the whole file, so the bytes are held whole — bounded by ``MAX_FILE_BYTES`` — and the records are yielded one at a
time. Nothing here raises on bad content: whatever the bytes, the result is records and rejects.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from yingji.monitoring.networking.profile import FieldSpec, FileType, Profile

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_RECORD_CHARS = 4096
MAX_REJECTS_LISTED = 1000
FIELD_SEP, RECORD_END, HEADER_END, BATCH_END = ";", "~", "|", "\u2016"  # ‖
DELIMITERS = re.compile("[~|\u2016]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
INTEGER = re.compile(r"^[+-]?\d{1,18}$")
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
CODECS = {"utf-8": "utf-8", "gbk": "gbk", "gb18030": "gb18030"}
HEADER = "(头记录)"


@dataclass(frozen=True)
class Reject:
    """One refused record (or header): where it is and which field is wrong."""

    file: str
    line: int
    record: int  # ordinal of the record in the file, headers not counted (0: a header or the file itself)
    field: str
    reason: str
    file_type: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "record": self.record,
            "file_type": self.file_type,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Record:
    file_type: FileType
    line: int
    record: int
    values: dict[str, Any]
    header: dict[str, Any]


def decode(data: bytes, encodings: list[str]) -> tuple[str, str, bool]:
    """(text, encoding, lossy): a UTF-8 BOM decides; else the first encoding that decodes every byte; else the one
    that loses fewest characters (its undecodable bytes become U+FFFD, which refuses just the records holding them)."""
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
        return text, "utf-8", "\ufffd" in text
    for name in encodings:
        try:
            return data.decode(CODECS[name]), name, False
        except UnicodeDecodeError:
            continue
    tries = [(data.decode(CODECS[name], errors="replace"), name) for name in encodings]
    text, name = min(tries, key=lambda pair: pair[0].count("\ufffd"))
    return text, name, True


@dataclass
class FileParser:
    """Iterate ``records()`` once; ``rejects`` and the counters are complete when it is exhausted."""

    data: bytes
    profile: Profile
    name: str
    rejects: list[Reject] = field(default_factory=list)
    rejected: int = 0
    accepted: int = 0
    encoding: str = ""
    lossy: bool = False
    batches: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._zone = _zone(self.profile.timezone)

    def reject(self, line: int, record: int, name: str, reason: str, file_type: str | None = None) -> None:
        self.rejected += 1
        if len(self.rejects) < MAX_REJECTS_LISTED:
            self.rejects.append(Reject(self.name, line, record, name, reason, file_type))

    def records(self) -> Iterator[Record]:
        if len(self.data) > MAX_FILE_BYTES:
            self.reject(0, 0, "(文件)", f"文件超过 {MAX_FILE_BYTES // 1048576} MB，请分文件传输")
            return
        text, self.encoding, self.lossy = decode(self.data, list(self.profile.encodings))
        if self.lossy:
            self.warnings.append(f"按 {self.encoding} 解码时有无法识别的字节，含这些字节的记录被拒收")
        line, scanned = 1, 0
        start = 0
        number = 0
        batch: FileType | None = None
        header: dict[str, Any] = {}
        bad_header = False
        open_batch = False
        for match in [*DELIMITERS.finditer(text), None]:
            end = match.start() if match is not None else len(text)
            delimiter = match.group() if match is not None else ""
            segment = text[start:end]
            stripped = segment.strip().lstrip("\ufeff").strip()
            lead = len(segment) - len(segment.lstrip())
            line += text.count("\n", scanned, start + lead)
            scanned = start + lead
            start = end + 1
            if delimiter == HEADER_END:
                if open_batch:
                    self.warnings.append(f"第 {line} 行：上一批次未以 ‖ 结束")
                batch, header, bad_header = self._header(stripped, line)
                open_batch = True
                continue
            if delimiter == BATCH_END:
                if stripped:
                    number += 1
                    self.reject(line, number, "(记录)", "记录未以 ~ 结束", batch and batch.value)
                if not open_batch:
                    self.warnings.append(f"第 {line} 行：‖ 之前没有头记录")
                batch, header, open_batch, bad_header = None, {}, False, False
                continue
            if not stripped:
                continue
            number += 1
            if delimiter == "":
                self.reject(line, number, "(记录)", "文件在记录中途结束（无 ~），可能传输未完成", batch and batch.value)
                continue
            if batch is None:
                reason = "所在批次的头记录无效" if bad_header else "记录之前没有头记录（如 KJ;AQSS|）"
                self.reject(line, number, HEADER, reason)
                continue
            found = self._record(batch, stripped, line, number)
            if found is not None:
                self.accepted += 1
                yield Record(batch, line, number, found, header)
        if open_batch:
            self.warnings.append("最后一批未以 ‖ 结束")

    def _header(self, text: str, line: int) -> tuple[FileType | None, dict[str, Any], bool]:
        parts = text.split(FIELD_SEP)
        if parts and parts[-1] == "" and len(parts) > 2:
            parts.pop()
        expected = 2 + len(self.profile.header_fields)
        if CONTROL.search(text) or len(text) > MAX_RECORD_CHARS:
            self.reject(line, 0, HEADER, "头记录含无法识别的字符")
            return None, {}, True
        if len(parts) != expected or parts[0] != self.profile.database:
            self.reject(line, 0, HEADER, f"头记录须为 {self.profile.database};文件类型 共 {expected} 项，以 | 结束")
            return None, {}, True
        kind = next((t for t in self.profile.files if t.value == parts[1]), None)
        if kind is None:
            shown = parts[1][:8]
            self.reject(line, 0, HEADER, f"格式“{self.profile.id}”不含文件类型 {shown}")
            return None, {}, True
        header: dict[str, Any] = {}
        for name, raw in zip(self.profile.header_fields, parts[2:], strict=True):
            value = raw.strip() if name == "mine" else self._time(raw.strip())
            if value is None or value == "":
                self.reject(line, 0, HEADER, f"头记录的 {name} 不合法", kind.value)
                return None, {}, True
            header[name] = value
        self.batches.append(kind.value)
        return kind, header, False

    def _record(self, kind: FileType, text: str, line: int, number: int) -> dict[str, Any] | None:
        if len(text) > MAX_RECORD_CHARS:
            self.reject(line, number, "(记录)", f"记录超过 {MAX_RECORD_CHARS} 个字符", kind.value)
            return None
        if CONTROL.search(text):
            self.reject(line, number, "(编码)", "记录含无法解码的字节或控制字符", kind.value)
            return None
        specs = self.profile.files[kind].fields
        parts = text.split(FIELD_SEP)
        if len(parts) == len(specs) + 1 and parts[-1].strip() == "":
            parts.pop()  # a trailing separator before ~
        if len(parts) != len(specs):
            self.reject(line, number, "(字段数)", f"应有 {len(specs)} 个字段，实有 {len(parts)} 个", kind.value)
            return None
        values: dict[str, Any] = {}
        for spec, raw in zip(specs, parts, strict=True):
            value, problem = self._field(spec, raw.strip(), kind)
            if problem is not None:
                self.reject(line, number, spec.name, f"{spec.label}：{problem}", kind.value)
                return None
            if not spec.name.startswith("x_"):
                values[spec.name] = value
        return values

    def _field(self, spec: FieldSpec, raw: str, kind: FileType) -> tuple[Any, str | None]:
        if raw == "":
            return None, None if spec.optional else "不能为空"
        if spec.type == "str":
            return (raw, None) if len(raw) <= spec.max_length else (None, f"超过 {spec.max_length} 个字符")
        if spec.type == "int":
            return (int(raw), None) if INTEGER.fullmatch(raw) else (None, f"“{raw[:20]}”不是整数")
        if spec.type == "float":
            if NUMBER.fullmatch(raw) is None:
                return None, f"“{raw[:20]}”不是数值"
            number = float(raw)
            return (number, None) if abs(number) < 1e300 else (None, "数值超出范围")
        if spec.type == "time":
            moment = self._time(raw)
            return (moment, None) if moment is not None else (None, f"“{raw[:30]}”不是时间（或不在 2000–2099 年）")
        table = self.profile.table(spec.name)
        return (raw, None) if raw in table else (None, f"代码“{raw[:20]}”不在格式“{self.profile.id}”的代码表中")

    def _time(self, raw: str) -> datetime | None:
        for fmt in self.profile.time_formats:
            try:
                moment = datetime.strptime(raw, fmt).replace(tzinfo=self._zone)
            except ValueError:
                continue
            try:
                moment = moment.astimezone(UTC)
            except OverflowError:
                return None
            return moment if EARLIEST <= moment < LATEST else None
        return None


def _zone(text: str) -> timezone:
    sign = -1 if text.startswith("-") else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
