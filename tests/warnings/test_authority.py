"""Who signs and who may make a warning (issue 21 item 11): the issuing body by name, never the plan's placeholder,
and weather warnings only from the meteorological authority."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import actor
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.config import get_settings
from yingji.core.clock import FixedClock
from yingji.core.errors import Forbidden, YingjiError
from yingji.db.outbox import OutboxItem
from yingji.plans import loader
from yingji.warnings import policy, service
from yingji.warnings.models import WarningStatus
from yingji.warnings.policy import WarningAction
from yingji.warnings.schemas import WarningDraft

pytestmark = pytest.mark.db

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ORDOS_MET = actor(Role.MET_OFFICER, "150600", "ordos_met")
WEATHER: dict[str, Any] = {"kind": "meteorological", "hazard": "rainstorm", "category": "暴雨"}


def draft(plan_id: str, level: int, division: str, **changes: Any) -> WarningDraft:
    """A complete draft: every field the plan wants a person to write is filled."""
    values: dict[str, Any] = {
        "kind": "accident",
        "plan_id": plan_id,
        "level": level,
        "category": "尾矿库溃坝",
        "title": "预警发布单位测试",
        "division_codes": [division],
        "fields": {name: "测试内容" for name in service.user_fields(loader.get(plan_id))},
    }
    return WarningDraft.model_validate(values | changes)


SIGNED = [  # (plan, level, area, issuing account, the 发布单位 every copy must carry)
    pytest.param(
        "baotou-noncoal-2025",
        4,
        "150206",
        actor(Role.COUNTY_OFFICER, "150206"),
        "白云鄂博矿区人民政府",
        id="000#L484 noncoal blue: 旗县级人民政府 = 白云鄂博矿区人民政府",
    ),
    pytest.param(
        "baotou-noncoal-2025",
        4,
        "150206",
        actor(Role.HQ_COMMANDER, "150206"),
        "白云鄂博矿区人民政府",
        id="000#L484 noncoal blue by the county commander",
    ),
    pytest.param(
        "baotou-coal-2025",
        4,
        "150205",
        actor(Role.COUNTY_OFFICER, "150205"),
        "石拐区人民政府",
        id="000#L1209 coal blue: 旗县级人民政府或同级指挥部 = 石拐区人民政府",
    ),
    pytest.param(
        "baotou-noncoal-2025",
        3,
        "150206",
        actor(Role.CITY_OFFICER, "150200"),
        "包头市人民政府",
        id="000#L484 noncoal yellow: 包头市人民政府",
    ),
    pytest.param(
        "ordos-weather-2024",
        3,
        "150600",
        ORDOS_MET,
        "鄂尔多斯市气象局",
        id="003#L6 3.3.2 weather: 鄂尔多斯市气象局",
    ),
]


@pytest.mark.parametrize(("plan_id", "level", "area", "issuer", "body"), SIGNED)
def test_the_issuing_body_signs_by_name(
    db_session: Session,
    divisions: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    plan_id: str,
    level: int,
    area: str,
    issuer: Actor,
    body: str,
) -> None:
    """发布单位 is the issuing body's name in the record, CAP senderName and the SMS text — also on lifting."""
    monkeypatch.setenv("YINGJI_BROADCAST_DIR", str(tmp_path))
    get_settings.cache_clear()  # Settings are read once per process: rebuild them with the variable, and after
    request.addfinalizer(get_settings.cache_clear)
    clock = FixedClock(factories.CLOCK.now())
    extra = WEATHER if plan_id == "ordos-weather-2024" else {}
    warning = service.create(
        db_session=db_session, clock=clock, actor=issuer, data=draft(plan_id, level, area, **extra)
    )
    issued = service.issue(db_session=db_session, clock=clock, actor=issuer, warning_id=warning.id)
    clock.advance(minutes=30)
    lifted = service.lift(db_session=db_session, clock=clock, actor=issuer, warning_id=issued.id, reason="险情排除")
    assert lifted.issuer_body == body
    issuer_fields = {
        k: v for k, v in lifted.fields.items() if k in ("发布单位", "发布机关", "解除单位", "解除单位名称")
    }
    assert issuer_fields and set(issuer_fields.values()) == {body}
    messages = service.messages(db_session=db_session, warning=lifted)
    assert [m.msg_type for m in messages] == ["Alert", "Cancel"]
    for message in messages:
        assert etree.fromstring(message.xml.encode("utf-8")).findtext(f"{CAP}info/{CAP}senderName") == body
    sms = [i.payload["sms_text"] for i in db_session.scalars(select(OutboxItem).order_by(OutboxItem.id))]
    assert sms and all(f"【{body}】" in text for text in sms)
    assert not any("事发地" in text for text in sms)


ORDOS_WEATHER_ACCOUNTS = [  # (account, may it make and issue an Ordos weather warning) — 003#L6 3.3.2
    pytest.param(ORDOS_MET, True, id="003#L6 3.3.2 the city meteorological bureau makes and issues"),
    pytest.param(actor(Role.CITY_OFFICER, "150600"), False, id="003#L6 3.3.2 city emergency duty officer: no"),
    pytest.param(actor(Role.HQ_COMMANDER, "150600"), False, id="003#L6 3.3.2 city commander: no"),
    pytest.param(actor(Role.COUNTY_OFFICER, "150602"), False, id="003#L6 3.3.2 county duty officer: no"),
    pytest.param(actor(Role.ADMIN, "150600"), False, id="003#L6 3.3.2 administrator of the city: no"),
    pytest.param(actor(Role.MET_OFFICER, "150200"), False, id="003#L6 3.3.2 another city's met bureau: no"),
]


@pytest.mark.parametrize(("who", "allowed"), ORDOS_WEATHER_ACCOUNTS)
def test_only_the_meteorological_authority_makes_and_issues_weather_warnings(
    db_session: Session, divisions: int, who: Actor, allowed: bool
) -> None:
    clock = FixedClock(factories.CLOCK.now())
    data = draft("ordos-weather-2024", 3, "150600", **WEATHER)
    if not allowed:
        with pytest.raises(YingjiError) as made:  # 制作: drafting is refused too (403; out of scope is 403 as well)
            service.create(db_session=db_session, clock=clock, actor=who, data=data)
        assert made.value.status == 403
    # A proposal (from an alarm or a report) may come from anyone in scope; issuing it is the met bureau's alone.
    proposal = service.create(db_session=db_session, clock=clock, actor=ORDOS_MET, data=data, proposed=True)
    weather = loader.get("ordos-weather-2024").warning
    assert weather is not None
    offered = policy.actions(who, weather.levels[2], proposal)  # Ⅲ级（黄色）
    assert (WarningAction.ISSUE in offered) is allowed  # the page offers 发布 only to the met bureau
    if allowed:
        issued = service.issue(db_session=db_session, clock=clock, actor=who, warning_id=proposal.id)
        assert issued.status is WarningStatus.ISSUED and issued.issued_by == who.username
        return
    with pytest.raises(YingjiError) as refused:
        service.issue(db_session=db_session, clock=clock, actor=who, warning_id=proposal.id)
    assert refused.value.status in (403, 404)  # another city does not see it at all
    if refused.value.status == 403:
        assert "003#L6" in {b.seed for b in refused.value.basis}
    assert proposal.status is WarningStatus.PROPOSED


def test_the_meteorological_bureau_neither_issues_nor_lifts_accident_warnings(
    db_session: Session, divisions: int
) -> None:
    """Accident warnings stay the governments' (003#L16 三（三）): the met bureau cannot act for them."""
    clock = FixedClock(factories.CLOCK.now())
    city = actor(Role.CITY_OFFICER, "150600")
    data = draft("ordos-noncoal-2024", 3, "150622")
    with pytest.raises(Forbidden):
        service.create(db_session=db_session, clock=clock, actor=ORDOS_MET, data=data)
    warning = service.create(db_session=db_session, clock=clock, actor=city, data=data)
    with pytest.raises(Forbidden):
        service.issue(db_session=db_session, clock=clock, actor=ORDOS_MET, warning_id=warning.id)
    issued = service.issue(db_session=db_session, clock=clock, actor=city, warning_id=warning.id)
    with pytest.raises(Forbidden):
        service.lift(db_session=db_session, clock=clock, actor=ORDOS_MET, warning_id=issued.id, reason="险情排除")


def test_the_weather_warning_is_lifted_by_its_issuer_only(db_session: Session, divisions: int) -> None:
    """谁发布谁解除 (003#L6 3.3.2): the city's emergency duty officer cannot lift the met bureau's warning."""
    clock = FixedClock(factories.CLOCK.now())
    warning = service.create(
        db_session=db_session, clock=clock, actor=ORDOS_MET, data=draft("ordos-weather-2024", 3, "150600", **WEATHER)
    )
    issued = service.issue(db_session=db_session, clock=clock, actor=ORDOS_MET, warning_id=warning.id)
    with pytest.raises(Forbidden):
        service.lift(
            db_session=db_session,
            clock=clock,
            actor=actor(Role.CITY_OFFICER, "150600"),
            warning_id=issued.id,
            reason="降雨结束",
        )
    assert service.may_manage(ORDOS_MET)
