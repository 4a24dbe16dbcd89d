"""Incident vocabularies (stable English values; the console shows the Chinese)."""

from __future__ import annotations

from enum import StrEnum


class AccidentSector(StrEnum):
    COAL_MINE = "coal_mine"  # 煤矿
    NON_COAL_MINE = "non_coal_mine"  # 非煤矿山
    INDUSTRY_TRADE = "industry_trade"  # 工贸
    OTHER = "other"  # 其他生产安全事故


class IncidentStatus(StrEnum):
    REPORTED = "reported"  # 已报告
    RESPONDING = "responding"  # 应急响应中
    ENDED = "ended"  # 响应已结束（后期处置中）


class ObligationKind(StrEnum):
    REPORT = "report"  # 信息报告（逐级）
    SUPPLEMENTARY_WINDOW = "supplementary_window"  # 伤亡人数变化补报期
    EVALUATION_REPORT = "evaluation_report"  # 总结评估报告
    POST_EVENT = "post_event"  # 其他后期处置义务


class TaskStatus(StrEnum):
    OPEN = "open"  # 待办
    IN_PROGRESS = "in_progress"  # 进行中
    DONE = "done"  # 已完成


class TaskSource(StrEnum):
    MEMBER_DUTY = "member_duty"  # 成员单位职责
    LEVEL_ACTION = "level_action"  # 响应级别行动
    WORKING_GROUP = "working_group"  # 现场工作组职责
