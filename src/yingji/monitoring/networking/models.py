"""Networking feeds (one per mine), the files they delivered, the limits and switch points mines declare, switch
changes, 5-minute statistics and the mines' own alarm records compared with the engine's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.labels import LabelledEnum
from yingji.db.base import Base, str_enum


class FileSource(LabelledEnum):
    HTTP = "http", "HTTP 上传"
    DROP = "drop", "传输目录"
    CLI = "cli", "命令行导入"


class Agreement(LabelledEnum):
    """Whether the platform's engine saw what the mine's GJXX record reports."""

    AGREES = "agrees", "平台报警一致"
    ENGINE_SILENT = "engine_silent", "平台未报警"
    NOT_COMPARED = "not_compared", "平台无对应判定"  # 馈电异常 and the like: no engine condition of that kind
    UNKNOWN_POINT = "unknown_point", "测点未登记"


class NetworkingFeed(Base):
    """A mine's networking feed: its networking code (矿井编码, names the drop folder), profile and cycle; the
    stopped-feed warning lives here (grade = WarningLevel, NULL while files arrive)."""

    __tablename__ = "networking_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    mine_id: Mapped[int] = mapped_column(ForeignKey("mine.id"), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    profile: Mapped[str] = mapped_column(String(64))
    cycle_s: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    registered_at: Mapped[datetime]
    last_file_at: Mapped[datetime | None]
    last_data_at: Mapped[datetime | None]  # the newest record time the files carried
    stale_since: Mapped[datetime | None]
    grade: Mapped[int | None]


class NetworkingFeedEvent(Base):
    """History of a feed's stopped-feed warning: raised, graded up, cleared."""

    __tablename__ = "networking_feed_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("networking_feed.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)


class NetworkingFile(Base):
    """One file taken in, with its report (counts, rejects listed up to a cap)."""

    __tablename__ = "networking_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("networking_feed.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[FileSource] = mapped_column(str_enum(FileSource))
    actor: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    size: Mapped[int]
    encoding: Mapped[str] = mapped_column(String(16))
    file_types: Mapped[list[str]] = mapped_column(JSON)
    records: Mapped[int]
    accepted: Mapped[int]
    rejected: Mapped[int]
    report: Mapped[dict[str, Any]] = mapped_column(JSON)


class DeclaredLimit(Base):
    """The limits a mine declares for one analogue point (AQMC), beside the rules' own; ``lax`` lists each declared
    value laxer than the regulation (also raised as a 申报阈值 alarm on the point)."""

    __tablename__ = "networking_declared_limit"

    point_id: Mapped[int] = mapped_column(ForeignKey("monitor_point.id"), primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("networking_feed.id"), index=True)
    sensor_type: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(String(120))
    range_low: Mapped[float | None] = mapped_column(Float)
    range_high: Mapped[float | None] = mapped_column(Float)
    alarm_high: Mapped[float | None] = mapped_column(Float)
    alarm_low: Mapped[float | None] = mapped_column(Float)
    power_cut: Mapped[float | None] = mapped_column(Float)
    recovery: Mapped[float | None] = mapped_column(Float)
    power_cut_area: Mapped[str | None] = mapped_column(String(200))
    lax: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class SwitchPoint(Base):
    """A switch point the mine declares (AQKC): kept here, not in the engine, which evaluates analogue rules only."""

    __tablename__ = "networking_switch_point"
    __table_args__ = (UniqueConstraint("feed_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("networking_feed.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    location: Mapped[str] = mapped_column(String(120))
    switch_type: Mapped[str] = mapped_column(String(16))
    type_name: Mapped[str] = mapped_column(String(40))
    state0: Mapped[str | None] = mapped_column(String(20))
    state1: Mapped[str | None] = mapped_column(String(20))
    alarm_state: Mapped[int | None]
    power_cut_area: Mapped[str | None] = mapped_column(String(200))
    last_state: Mapped[int | None]
    last_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class SwitchChange(Base):
    """A switch point's state change (AQKD); a resent change (same point and time) is stored once."""

    __tablename__ = "networking_switch_change"
    __table_args__ = (UniqueConstraint("switch_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    switch_id: Mapped[int] = mapped_column(ForeignKey("networking_switch_point.id"), index=True)
    at: Mapped[datetime]
    state: Mapped[int]
    alarm: Mapped[bool]
    received_at: Mapped[datetime]


class PointStatistic(Base):
    """The mine's own 5-minute statistics of a point (AQMT), kept beside the platform's per-minute readings."""

    __tablename__ = "networking_point_statistic"

    point_id: Mapped[int] = mapped_column(ForeignKey("monitor_point.id"), primary_key=True)
    period_end: Mapped[datetime] = mapped_column(primary_key=True)
    vmax: Mapped[float] = mapped_column(Float)
    vmax_at: Mapped[datetime | None]
    vmin: Mapped[float] = mapped_column(Float)
    vmin_at: Mapped[datetime | None]
    vmean: Mapped[float] = mapped_column(Float)
    received_at: Mapped[datetime]


class MineAlarm(Base):
    """An alarm record the mine sent (GJXX) and whether the platform's engine raised the same."""

    __tablename__ = "networking_mine_alarm"
    __table_args__ = (UniqueConstraint("feed_id", "point_code", "alarm_type", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("networking_feed.id"), index=True)
    point_id: Mapped[int | None] = mapped_column(ForeignKey("monitor_point.id"), index=True)
    point_code: Mapped[str] = mapped_column(String(40))
    alarm_type: Mapped[str] = mapped_column(String(16))
    alarm_name: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    max_value: Mapped[float | None] = mapped_column(Float)
    measures: Mapped[str | None] = mapped_column(Text)
    agreement: Mapped[Agreement] = mapped_column(str_enum(Agreement))
    engine_alarm_id: Mapped[int | None] = mapped_column(ForeignKey("alarm.id"))
    received_at: Mapped[datetime]
