"""Metrology vocabularies: stable English values with the Chinese labels used for display, import and export."""

from __future__ import annotations

from yingji.core.labels import LabelledEnum


class InstrumentStatus(LabelledEnum):
    IN_USE = "in_use", "在用"
    SUSPENDED = "suspended", "停用"
    SCRAPPED = "scrapped", "报废"


class CalibrationMethod(LabelledEnum):
    """检定 (计量法第九条：强制检定或非强制检定) or 校准."""

    VERIFICATION = "verification", "检定"
    CALIBRATION = "calibration", "校准"


class CalibrationResult(LabelledEnum):
    PASS = "pass", "合格"
    LIMITED = "limited", "准用"  # 限定量程或降级使用
    FAIL = "fail", "不合格"


class DueState(LabelledEnum):
    VALID = "valid", "有效"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "超期未检"
    UNCALIBRATED = "uncalibrated", "无有效检定校准记录"
    INACTIVE = "inactive", "停用或报废"  # not counted as due


class InstrumentAction(LabelledEnum):
    """What a caller may do to an instrument it reads."""

    UPDATE = "update", "修改"
    CALIBRATE = "calibrate", "登记检定校准"
