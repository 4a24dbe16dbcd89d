"""Metrology vocabularies: stable English values, Chinese labels for display, import and export."""

from __future__ import annotations

from enum import StrEnum


class InstrumentStatus(StrEnum):
    IN_USE = "in_use"  # 在用
    SUSPENDED = "suspended"  # 停用
    SCRAPPED = "scrapped"  # 报废


class CalibrationMethod(StrEnum):
    VERIFICATION = "verification"  # 检定（计量法第九条：强制检定或非强制检定）
    CALIBRATION = "calibration"  # 校准


class CalibrationResult(StrEnum):
    PASS = "pass"  # 合格
    LIMITED = "limited"  # 准用（限定量程或降级使用）
    FAIL = "fail"  # 不合格


class DueState(StrEnum):
    VALID = "valid"  # 有效
    DUE_SOON = "due_soon"  # 即将到期
    OVERDUE = "overdue"  # 超期未检
    UNCALIBRATED = "uncalibrated"  # 无有效检定校准记录
    INACTIVE = "inactive"  # 停用或报废，不计到期


STATUS_LABELS = {InstrumentStatus.IN_USE: "在用", InstrumentStatus.SUSPENDED: "停用", InstrumentStatus.SCRAPPED: "报废"}
METHOD_LABELS = {CalibrationMethod.VERIFICATION: "检定", CalibrationMethod.CALIBRATION: "校准"}
RESULT_LABELS = {CalibrationResult.PASS: "合格", CalibrationResult.LIMITED: "准用", CalibrationResult.FAIL: "不合格"}
DUE_LABELS = {
    DueState.VALID: "有效",
    DueState.DUE_SOON: "即将到期",
    DueState.OVERDUE: "超期未检",
    DueState.UNCALIBRATED: "无有效检定校准记录",
    DueState.INACTIVE: "停用或报废",
}
