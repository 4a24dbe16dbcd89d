"""Incident vocabularies (stable English values; the console shows the Chinese)."""

from __future__ import annotations

from yingji.core.labels import LabelledEnum


class AccidentSector(LabelledEnum):
    COAL_MINE = "coal_mine", "煤矿"
    NON_COAL_MINE = "non_coal_mine", "非煤矿山"
    INDUSTRY_TRADE = "industry_trade", "工贸"
    OTHER = "other", "其他生产安全事故"
    WEATHER = "weather", "气象灾害"  # opened from an issued meteorological warning, not by an 初报


class IncidentStatus(LabelledEnum):
    REPORTED = "reported", "已报告"
    RESPONDING = "responding", "应急响应中"
    ENDED = "ended", "响应已结束（后期处置中）"


class ObligationKind(LabelledEnum):
    REPORT = "report", "信息报告"
    SUPPLEMENTARY_WINDOW = "supplementary_window", "伤亡变化补报"
    EVALUATION_REPORT = "evaluation_report", "总结评估报告"
    POST_EVENT = "post_event", "后期处置"
    CHANGE_REPORT = "change_report", "降级或解除后报告"


class ReceiptRole(LabelledEnum):
    """In what capacity an account recorded that a report was received (recorded as such)."""

    RECEIVER = "receiver", "接收机关确认"
    SUPERIOR = "superior", "接收机关的上级代为确认"
    SENDER = "sender", "报送机关登记（接收机关不在本平台或预案未规定）"
    SENDER_SUPERIOR = "sender_superior", "报送机关的上级登记（接收机关不在本平台或预案未规定）"
    RESPONSIBLE = "responsible", "负责的指挥部确认"


class TaskStatus(LabelledEnum):
    OPEN = "open", "待办"
    IN_PROGRESS = "in_progress", "进行中"
    DONE = "done", "已完成"


class TaskSource(LabelledEnum):
    MEMBER_DUTY = "member_duty", "成员单位职责"
    LEVEL_ACTION = "level_action", "响应级别行动"
    WORKING_GROUP = "working_group", "现场工作组职责"


class TimelineKind(LabelledEnum):
    """What a timeline entry records (stored as its value; entries are never rewritten)."""

    REPORT_INITIAL = "report.initial", "初报"
    REPORT_FOLLOW_UP = "report.follow_up", "续报"
    REPORT_FINAL = "report.final", "终报"
    REPORT_PHOTO = "report.photo", "现场照片"
    ASSESSMENT = "assessment", "研判"
    PLANS_NONE = "plans.none", "无适用预案"
    PLANS_OVERRIDE = "plans.override", "调整适用预案"
    ESCALATION_PROPOSED = "escalation.proposed", "提级建议"
    OBLIGATION_MET = "obligation.met", "接报登记"
    OBLIGATION_OVERDUE = "obligation.overdue", "迟报"
    OBLIGATION_OPENED = "obligation.opened", "报告时限开始"
    RESPONSE_STARTED = "response.started", "启动响应"
    RESPONSE_ADJUSTED = "response.adjusted", "调整响应级别"
    RESPONSE_ENDED = "response.ended", "应急结束"
    TASKS_OPENED = "tasks.opened", "生成任务"
    TASK_UPDATED = "task.updated", "更新任务"
    END_CONDITION_CONFIRMED = "end_condition.confirmed", "确认结束条件"
    POST_EVENT_OPENED = "post_event.opened", "后期处置"
    RESCUERS_IN_ZONE = "rescuers.in_zone", "危险区域救援人员"
    COMMAND_HANDOVER = "command.handover", "指挥权移交"
    RELEASE = "release", "信息发布"
    DISPATCH = "dispatch", "调派"
    NOTIFY_SENT = "notify.sent", "已通知"
    NOTIFY_UNREACHABLE = "notify.unreachable", "未能通知"
    NOTIFY_DECIDER = "notify.decider", "通知决定机关"
    WEATHER_OPENED = "weather.opened", "气象灾害转入应急处置"
    AFTERMATH_RECORDED = "aftermath.recorded", "后期处置记录"
    AFTERMATH_SETTLED = "aftermath.settled", "征用财产归还或补偿"

    @classmethod
    def label_of(cls, kind: str) -> str:
        """The label of a stored kind (a kind written by an older version is shown as stored)."""
        return cls(kind).label if kind in cls._value2member_map_ else kind


class AftermathKind(LabelledEnum):
    """Records of the post-event phase a plan assigns (003#L6 5.3–5.5; the accident plans' 善后处置)."""

    VERIFICATION = "verification", "灾情核定"
    RELIEF = "relief", "救助与善后"
    REQUISITION = "requisition", "征用与归还"


class AftermathStatus(LabelledEnum):
    RECORDED = "recorded", "已记录"
    HELD = "held", "征用中，待归还"
    RETURNED = "returned", "已归还"
    COMPENSATED = "compensated", "毁损、灭失，已补偿"


class ReliefCategory(LabelledEnum):
    LIVING = "living", "生活救助"
    EPIDEMIC = "epidemic", "卫生防疫"
    INSURANCE = "insurance", "保险理赔"
    REBUILDING = "rebuilding", "恢复重建"
    COUNTERPART = "counterpart", "对口支援"
    OTHER = "other", "其他善后"
