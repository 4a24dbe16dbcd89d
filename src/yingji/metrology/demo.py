"""Demo instruments at the synthetic coal-chemical enterprises of Ordos (names end “（演示）”), with calibrations that
leave one valid, one due soon, one overdue, one failed (停用) and one never calibrated — all through the real
service, so audit entries and due dates exist."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.core.clock import Clock, to_local
from yingji.metrology import rules, service
from yingji.metrology.enums import CalibrationMethod, CalibrationResult
from yingji.metrology.models import Instrument
from yingji.metrology.schemas import CalibrationIn, InstrumentIn
from yingji.registry.models import Organisation

OFFICER = Actor(username="demo:ordos_metrology", role=Role.CITY_OFFICER, division_code="150600")
BODY = "鄂尔多斯市检验检测中心"  # the sub-centre's own calibration service (003#L2, 附件2 2024年 14)

# enterprise, name, kind, quantity, serial, location, source stream, interval (months), calibrations
# (months ago, result) oldest first; () = never calibrated
INSTRUMENTS = (
    (
        "内蒙古达拉特煤化工有限公司（演示）",
        "气化炉原料煤皮带秤（演示）",
        "衡器",
        "原料煤质量",
        "DLT-BS-001",
        "气化装置原料煤输送线",
        "气化炉原料煤",
        12,
        ((13, "pass"),),  # overdue
    ),
    (
        "内蒙古达拉特煤化工有限公司（演示）",
        "锅炉燃料天然气涡轮流量计（演示）",
        "流量计",
        "天然气流量",
        "DLT-FT-017",
        "动力站燃气调压撬",
        "燃料天然气",
        12,
        ((11, "pass"),),  # due within a month
    ),
    (
        "内蒙古达拉特煤化工有限公司（演示）",
        "动力站关口电能表（演示）",
        "电能表",
        "有功电能",
        "DLT-EM-003",
        "110kV 总降压站",
        "外购电力",
        24,
        ((3, "pass"),),
    ),
    (
        "准格尔旗大路煤制烯烃有限公司（演示）",
        "烟气二氧化碳连续监测系统（演示）",
        "烟气排放连续监测系统",
        "二氧化碳浓度",
        "DL-CEMS-02",
        "热电锅炉烟囱 45 m 平台",
        "燃煤锅炉烟气",
        12,
        ((14, "pass"), (2, "fail")),  # failed: 停用
    ),
    (
        "准格尔旗大路煤制烯烃有限公司（演示）",
        "低温甲醇洗二氧化碳尾气质量流量计（演示）",
        "流量计",
        "二氧化碳流量",
        "DL-CO2-11",
        "净化装置尾气放空管线",
        "工艺排放二氧化碳",
        6,
        ((1, "limited"),),
    ),
    (
        "准格尔旗大路煤制烯烃有限公司（演示）",
        "蒸汽管网热量表（演示）",
        "热量表",
        "热量",
        "DL-HM-07",
        "外供蒸汽计量站",
        "外供热力",
        12,
        (),  # never calibrated
    ),
    (
        "杭锦旗独贵塔拉新材料有限公司（演示）",
        "原料煤汽车衡（演示）",
        "衡器",
        "原料煤质量",
        "DGTL-QC-01",
        "厂区北门地磅房",
        "原料煤",
        12,
        ((5, "pass"),),
    ),
    (
        "杭锦旗独贵塔拉新材料有限公司（演示）",
        "工艺尾气红外气体分析仪（演示）",
        "气体分析仪",
        "二氧化碳浓度",
        "DGTL-GA-05",
        "变换工段尾气分析小屋",
        "工艺尾气",
        12,
        ((12, "pass"),),  # due about now
    ),
)


def load(*, db_session: Session, clock: Clock) -> int:
    """Load once: nothing when an instrument exists or the demo enterprises are missing. Returns the count added."""
    if db_session.scalar(select(func.count()).select_from(Instrument)):
        return 0
    names = {row[0] for row in INSTRUMENTS}
    query = select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
    found = {name: org_id for name, org_id in db_session.execute(query)}
    if set(found) != names:
        return 0
    today = to_local(clock.now()).date()
    for number, (org, name, kind, quantity, serial, location, stream, interval, history) in enumerate(INSTRUMENTS):
        data = InstrumentIn(
            organisation_id=found[org],
            name=name,
            kind=kind,
            quantity=quantity,
            serial_no=serial,
            location=location,
            source_stream=stream,
            interval_months=interval,
        )
        instrument = service.create(db_session=db_session, clock=clock, actor=OFFICER, data=data)
        for step, (months_ago, result) in enumerate(history):
            on = rules.add_months(today, -months_ago)
            record = CalibrationIn(
                calibrated_on=on,
                method=CalibrationMethod.CALIBRATION
                if kind == "烟气排放连续监测系统"
                else CalibrationMethod.VERIFICATION,
                body=BODY,
                certificate_no=f"演示-{on.year}-{number:03d}{step}",
                result=CalibrationResult(result),
            )
            service.record_calibration(
                db_session=db_session, clock=clock, actor=OFFICER, instrument_id=instrument.id, data=record
            )
    return len(INSTRUMENTS)
