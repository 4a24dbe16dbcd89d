"""Measurement points 测点, their alarms (ISA-18.2 lifecycle), alarm history, flood groups and per-minute readings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum
from yingji.monitoring.schema import SensorKind


class SiteKind(LabelledEnum):
    MINE = "mine", "矿山"
    POND = "pond", "尾矿库"


class MonitorPoint(Base):
    """测点: one sensor at a mine or tailings pond; its gateway names it by ``code`` (unique per enterprise).

    Mine points take the bundled rules for (kind, location class); pond points carry the design institute's values
    per colour (GB 50863 §5.5.4), from which their rule is built.
    """

    __tablename__ = "monitor_point"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "code"),
        CheckConstraint("(mine_id IS NULL) <> (pond_id IS NULL)", name="one_site"),
        CheckConstraint("polling_s > 0 AND polling_s <= 3600", name="polling_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[SensorKind] = mapped_column(str_enum(SensorKind), index=True)
    unit: Mapped[str] = mapped_column(String(16))
    location_class: Mapped[str | None] = mapped_column(String(60))  # 地点类别，如 采煤工作面上隅角
    site_kind: Mapped[SiteKind] = mapped_column(str_enum(SiteKind))
    mine_id: Mapped[int | None] = mapped_column(ForeignKey("mine.id"), index=True)
    pond_id: Mapped[int | None] = mapped_column(ForeignKey("tailings_pond.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    design: Mapped[dict[str, float] | None] = mapped_column(JSON)  # pond points: colour → design value
    clear_margin: Mapped[float] = mapped_column(Float, default=0.0)
    polling_s: Mapped[int] = mapped_column(Integer, default=30)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class AlarmCondition(LabelledEnum):
    LEVEL = "level", "超限"
    OFFLINE = "offline", "无数据"  # 断线
    STUCK = "stuck", "数值不变"  # 疑似故障
    RATE = "rate", "上升速率超限"
    DECLARED = "declared", "申报阈值宽于规程"  # a mine's declared limit (networking file AQMC) laxer than the rule


class Severity(LabelledEnum):
    """How urgent an open alarm is, for the duty officer's triage: the engine sets it with each level change."""

    CLEARED = "cleared", "已恢复"
    FAULT = "fault", "故障"  # a sensor that falls silent, sticks or rises fast: look at it, nothing measured is over
    ALARM = "alarm", "报警"
    CRITICAL = "critical", "紧急"  # the rule's power-cut level, a tailings pond's red colour

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    @classmethod
    def of_rank(cls, rank: int) -> Severity:
        return list(cls)[rank]


class Alarm(Base):
    """One alarm per (point, rule, condition) while it is *open*: active, or cleared but not yet acknowledged.

    ``open_key`` is set while open and NULL once closed; its unique constraint is what keeps a second, concurrent
    raise of the same condition from creating a duplicate (NULLs never collide, on SQLite and PostgreSQL alike).
    """

    __tablename__ = "alarm"
    __table_args__ = (Index("ix_alarm_site_raised", "site_key", "raised_at"),)  # flood counts per site and window

    id: Mapped[int] = mapped_column(primary_key=True)
    open_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitor_point.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    condition: Mapped[AlarmCondition] = mapped_column(str_enum(AlarmCondition))
    site_key: Mapped[str] = mapped_column(String(40), index=True)  # mine:7 / pond:3, for flood grouping
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    level: Mapped[int]  # current engine level (0 once cleared); 1 for flag conditions
    peak_level: Mapped[int]
    level_name: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # Severity.rank, triage order
    value: Mapped[float | None]
    active: Mapped[bool] = mapped_column(index=True)
    raised_at: Mapped[datetime]
    active_since: Mapped[datetime]  # the latest raise: escalation counts from here
    cleared_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]
    acked_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]
    shelved_until: Mapped[datetime | None]
    shelved_by: Mapped[str | None] = mapped_column(String(64))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("alarm_group.id"), index=True)
    escalation_step: Mapped[int] = mapped_column(default=0)
    raise_count: Mapped[int] = mapped_column(default=1)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("early_warning.id"))


class AlarmEvent(Base):
    """Append-only history of an alarm: raised, level changes, cleared, acknowledged, comments, shelving …"""

    __tablename__ = "alarm_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    alarm_id: Mapped[int] = mapped_column(ForeignKey("alarm.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(64))
    level: Mapped[int | None]
    value: Mapped[float | None]
    text: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AlarmGroup(Base):
    """An alarm flood at one site (more than N alarms in a window): shown and notified as one entry."""

    __tablename__ = "alarm_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_key: Mapped[str] = mapped_column(String(40), index=True)
    opened_at: Mapped[datetime]
    last_joined_at: Mapped[datetime]
    size: Mapped[int]


class ReadingBlock(Base):
    """The closed minutes of a block of points (``point_id // readings.BLOCK``) written by one writer (``part``: 0 for
    the single process, the partition for a cluster worker), packed: one record per point present in the minute
    (``readings.RECORD``: offset in the block, count, min, max, sum, the last reading's time and value). One row per
    block and minute instead of one per point (docs/decisions.md "Readings: packed blocks")."""

    __tablename__ = "reading_block"

    block: Mapped[int] = mapped_column(primary_key=True)
    minute: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # Unix minutes (UTC)
    part: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    points: Mapped[int]  # records in ``data``
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ReadingLatest(Base):
    """Per block and writer, each point's newest stored reading (``readings.LATEST``: offset, time, value): what the
    engine's warm start and the liveness checks read instead of searching the minutes for each point's newest."""

    __tablename__ = "reading_latest"

    block: Mapped[int] = mapped_column(primary_key=True)
    part: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    oldest_ms: Mapped[int] = mapped_column(BigInteger)  # the oldest time in ``data``: what retention looks at
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ReadingPending(Base):
    """Accepted readings of minutes not yet closed, one row per batch in packed columns: what the in-memory minute
    buffer holds, kept durable in the batch's own commit so a restart loses nothing (folded and deleted at close)."""

    __tablename__ = "reading_pending"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    min_minute: Mapped[int] = mapped_column(BigInteger, index=True)
    max_minute: Mapped[int] = mapped_column(BigInteger)
    min_point: Mapped[int] = mapped_column(BigInteger)
    max_point: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)  # readings.pack: point and time offsets, values
