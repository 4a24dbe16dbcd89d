"""The hazard rules issue 25 takes from seed 004: a general hazard's week (004#L4254) and the consent a longer deadline
needs, the actual controller told with the principal (004#L746-L750), the ladder in the seed's order (004#L734,
L5937) with day counts marked as platform defaults, and fake rectification re-opened with its accountability
(004#L718-L724). Today is 2026-11-23 (factories.CLOCK)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role
from yingji.db.outbox import OutboxItem
from yingji.inbox.models import Notice

pytestmark = pytest.mark.db

GENERAL = {
    "channel": "self_check",
    "place": "2号皮带机头",
    "description": "皮带机头防护罩缺失",
    "category": "机电",
    "found_on": "2026-11-20",  # the week runs to 2026-11-27
}
FIVE = {
    "responsible": "机电队长",
    "measures": "加装防护罩",
    "funds_yuan": "3000",
    "contingency_plan": "整改期间停机挂牌",
}


@pytest.fixture
def site(client: TestClient, db_session: Session, divisions: int) -> dict[str, Any]:
    owner = factories.enterprise(
        db_session,
        "杭锦旗一周整改测试煤业有限公司",
        "150625",
        sector="coal_mine",
        principal_name="王总",
        principal_phone="13700000001",
        controller_name="王总",
        controller_phone="13700000001",  # the principal is also the actual controller: one message
    )
    factories.save(
        db_session,
        "organisations",
        name="杭锦旗应急管理局",
        kind="department",
        division_code="150625",
        duty_phone="0477-6900000",
    )
    factories.user(db_session, "week_safety", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
    return {
        "enterprise": {"Authorization": f"Bearer {factories.token_for(db_session, 'week_safety')}"},
        "officer": factories.bearer(db_session, "hangjin_week", Role.COUNTY_OFFICER, "150625"),
        "owner": owner,
    }


def _post(client: TestClient, path: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json=body or {}, headers=headers)


def _confirmed(client: TestClient, site: dict[str, Any], **changes: Any) -> int:
    hid: int = _post(client, "/api/hazards", site["enterprise"], GENERAL | changes).json()["id"]
    assert _post(client, f"/api/hazards/{hid}/confirm", site["enterprise"]).status_code == 200
    return hid


@pytest.mark.parametrize(
    ("deadline", "reason", "status", "basis"),
    [
        ("2026-11-27", None, 200, "week"),  # found + 7 days: the week, no reason needed
        ("2026-11-25", None, 200, "week"),
        ("2026-11-28", None, 422, None),  # found + 8 days: beyond the week, no reason → refused
        ("2026-11-28", "  ", 422, None),
        ("2026-11-28", "需外购防护罩，到货周期10天", 200, "extension_pending"),
    ],
    ids=["day-7", "day-5", "day-8-silent", "day-8-blank", "day-8-reasoned"],
)
def test_a_general_hazard_has_a_week(
    client: TestClient, site: dict[str, Any], deadline: str, reason: str | None, status: int, basis: str | None
) -> None:
    """004#L4254: 一般隐患原则上一周内完成整改 — a longer deadline needs a reason (and the supervisor's consent)."""
    hid = _confirmed(client, site)
    body = FIVE | {"deadline": deadline} | ({"deadline_reason": reason} if reason is not None else {})
    answer = _post(client, f"/api/hazards/{hid}/rectification", site["enterprise"], body)
    assert answer.status_code == status, answer.text
    if status == 422:
        error = answer.json()["error"]
        assert (error["field"], error["subcode"]) == ("deadline_reason", "hazard.rectify.reason_required")
        assert error["basis"][0]["seed"] == "004#L4254"
        assert client.get(f"/api/hazards/{hid}", headers=site["officer"]).json()["state"] == "confirmed"
        return
    read = answer.json()
    assert read["deadline_basis"] == basis and read["deadline_basis_label"]
    assert read["week_deadline"] == "2026-11-27"
    if basis == "extension_pending":  # until the supervisor consents the week holds
        assert read["deadline"] == "2026-11-27" and read["requested_deadline"] == deadline
        assert read["deadline_reason"] == reason
    else:
        assert read["deadline"] == deadline and read["requested_deadline"] is None


def test_the_supervisor_consents_or_refuses_a_longer_deadline(
    client: TestClient, db_session: Session, site: dict[str, Any]
) -> None:
    hid = _confirmed(client, site)
    asked = FIVE | {"deadline": "2026-12-10", "deadline_reason": "防护罩需定制"}
    pending = _post(client, f"/api/hazards/{hid}/rectification", site["enterprise"], asked).json()
    assert pending["allowed_actions"] == ["submit"]  # the enterprise cannot consent to its own request
    officer_view = client.get(f"/api/hazards/{hid}", headers=site["officer"]).json()
    assert officer_view["allowed_actions"] == ["submit", "extend"]
    # the supervisors over the place find the request in their inbox
    keys = db_session.scalars(select(Notice.key)).all()
    assert f"hazard-{hid}-extension-2026-12-10" in keys
    own = _post(client, f"/api/hazards/{hid}/extension", site["enterprise"], {"approve": True})
    assert own.status_code == 403 and own.json()["error"]["subcode"] == "hazard.extend.not_supervisor"
    silent_no = _post(client, f"/api/hazards/{hid}/extension", site["officer"], {"approve": False})
    assert silent_no.status_code == 422 and silent_no.json()["error"]["field"] == "note"
    granted = _post(client, f"/api/hazards/{hid}/extension", site["officer"], {"approve": True, "note": "同意"})
    assert granted.status_code == 200, granted.text
    read = granted.json()
    assert (read["deadline"], read["requested_deadline"], read["deadline_basis"]) == ("2026-12-10", None, "extended")
    assert read["deadline_consented_by"] == "hangjin_week" and read["events"][-1]["action"] == "extend"
    again = _post(client, f"/api/hazards/{hid}/extension", site["officer"], {"approve": True})
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "hazard.extend.none_pending"

    other = _confirmed(client, site, place="3号皮带机尾")
    _post(client, f"/api/hazards/{other}/rectification", site["enterprise"], asked)
    refused = _post(
        client, f"/api/hazards/{other}/extension", site["officer"], {"approve": False, "note": "一周可完成"}
    )
    read = refused.json()
    assert (read["deadline"], read["requested_deadline"], read["deadline_basis"]) == ("2026-11-27", None, "week")
    assert read["events"][-1]["action"] == "extend_refused"


def test_the_supervisor_setting_a_longer_deadline_consents_by_doing_so(
    client: TestClient, site: dict[str, Any]
) -> None:
    hid = _post(
        client,
        "/api/hazards",
        site["officer"],
        GENERAL | {"channel": "inspection", "organisation_id": site["owner"].id},
    ).json()["id"]
    _post(client, f"/api/hazards/{hid}/confirm", site["officer"])
    silent = _post(client, f"/api/hazards/{hid}/rectification", site["officer"], FIVE | {"deadline": "2026-12-31"})
    assert silent.status_code == 422  # the supervisor too writes the reason down
    body = FIVE | {"deadline": "2026-12-31", "deadline_reason": "需停产检修窗口"}
    read = _post(client, f"/api/hazards/{hid}/rectification", site["officer"], body).json()
    assert (read["deadline"], read["deadline_basis"], read["deadline_consented_by"]) == (
        "2026-12-31",
        "extended",
        "hangjin_week",
    )


def test_a_major_hazard_keeps_its_set_term(client: TestClient, site: dict[str, Any]) -> None:
    """重大问题隐患限期完成 (004#L4254): no week, no consent."""
    major = GENERAL | {"criteria": ["coal-02"], "place": "回风巷"}
    hid = _confirmed(client, site, **major)
    read = _post(client, f"/api/hazards/{hid}/rectification", site["enterprise"], FIVE | {"deadline": "2027-02-01"})
    assert read.status_code == 200 and read.json()["deadline_basis"] == "major" and read.json()["week_deadline"] is None


def test_controller_and_principal_sharing_a_phone_get_one_message(
    client: TestClient, db_session: Session, site: dict[str, Any]
) -> None:
    _post(client, "/api/hazards", site["enterprise"], GENERAL | {"criteria": ["coal-02"]})
    sent = db_session.scalars(select(OutboxItem.recipient).where(OutboxItem.topic == "hazard")).all()
    assert sent.count("13700000001") == 1


def test_an_unregistered_controller_is_recorded_as_not_reached(
    client: TestClient, db_session: Session, site: dict[str, Any]
) -> None:
    bare = factories.enterprise(
        db_session, "杭锦旗无实控人登记煤业公司", "150625", sector="coal_mine", principal_phone="13700000009"
    )
    body = GENERAL | {"channel": "inspection", "organisation_id": bare.id, "criteria": ["coal-02"]}
    read = _post(client, "/api/hazards", site["officer"], body).json()
    unreached = [e for e in read["events"] if e["action"] == "notify_unreachable"]
    assert len(unreached) == 1 and "实际控制人" in unreached[0]["note"] and "主要负责人" not in unreached[0]["note"]


def test_the_ladder_is_the_seeds_order_with_default_days(client: TestClient, site: dict[str, Any]) -> None:
    rungs = client.get("/api/hazards/ladder", headers=site["officer"]).json()
    assert [r["label"] for r in rungs["items"]] == ["函告", "通报", "约谈", "曝光"] and rungs["total"] == 4
    assert all(r["days_are_default"] and r["days_seed"] is None for r in rungs["items"])
    assert all("平台默认值" in r["days_label"] for r in rungs["items"])


def _closed(client: TestClient, site: dict[str, Any]) -> int:
    hid = _confirmed(client, site)
    _post(client, f"/api/hazards/{hid}/rectification", site["enterprise"], FIVE | {"deadline": "2026-11-27"})
    _post(client, f"/api/hazards/{hid}/submit", site["enterprise"], {"note": "已加装"})
    closed = _post(client, f"/api/hazards/{hid}/accept", site["officer"], {"note": "验收合格"}).json()
    assert closed["state"] == "closed"
    return hid


def test_a_closed_hazard_found_unrectified_is_reopened_with_accountability(
    client: TestClient, db_session: Session, site: dict[str, Any]
) -> None:
    """004#L718-L724: 虚假整改、“纸面整改” … 依法依规严肃追究责任 — against whoever signed it off."""
    hid = _closed(client, site)
    assert client.get(f"/api/hazards/{hid}", headers=site["enterprise"]).json()["liability"] == "leniency"
    body = {"fault": "fake", "finding": "复查发现防护罩未安装，照片系他处拍摄", "deadline": "2026-11-30"}
    own = _post(client, f"/api/hazards/{hid}/reopen", site["enterprise"], body)
    assert own.status_code == 403 and own.json()["error"]["subcode"] == "hazard.reopen.not_supervisor"
    past = _post(client, f"/api/hazards/{hid}/reopen", site["officer"], body | {"deadline": "2026-11-22"})
    assert past.status_code == 422 and past.json()["error"]["field"] == "deadline"
    bad = _post(client, f"/api/hazards/{hid}/reopen", site["officer"], body | {"fault": "cosmetic"})
    assert bad.status_code == 422
    reopened = _post(client, f"/api/hazards/{hid}/reopen", site["officer"], body)
    assert reopened.status_code == 200, reopened.text
    read = reopened.json()
    assert (read["state"], read["closed_at"], read["deadline"]) == ("rectifying", None, "2026-11-30")
    assert read["fake_rectification"] is True and read["liability"] == "penalty"  # 004#L5471-L5475
    [record] = read["accountability"]
    assert (record["fault"], record["fault_label"]) == ("fake", "虚假整改")
    assert record["signed_off_by"] == "hangjin_week" and record["submitted_by"] == "week_safety"
    assert (
        record["responsible"] == "机电队长"
        and record["principal"] == "王总"
        and record["recorded_by"] == "hangjin_week"
    )
    assert read["events"][-1]["action"] == "reopen"
    twice = _post(client, f"/api/hazards/{hid}/reopen", site["officer"], body)
    assert twice.status_code == 409 and twice.json()["error"]["subcode"] == "hazard.reopen.state"
    listed = client.get("/api/hazards", headers=site["officer"]).json()["items"]
    assert [h["fake_rectification"] for h in listed if h["id"] == hid] == [True]


def test_liability_marks(client: TestClient, site: dict[str, Any]) -> None:
    """Self-reported and being rectified: leniency (004#L5467-L5469); found by inspectors: penalty (L5471-L5475)."""
    own = _confirmed(client, site)
    assert client.get(f"/api/hazards/{own}", headers=site["officer"]).json()["liability"] == "pending"
    read = _post(client, f"/api/hazards/{own}/rectification", site["enterprise"], FIVE | {"deadline": "2026-11-27"})
    assert read.json()["liability"] == "leniency"
    found = GENERAL | {"channel": "inspection", "organisation_id": site["owner"].id}
    inspected = _post(client, "/api/hazards", site["officer"], found).json()
    assert inspected["liability"] == "penalty" and inspected["liability_label"]
