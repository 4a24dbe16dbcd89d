"""Console pages over HTTP on both engines, without a browser: what each role sees, and every refusal (a record of
another banner answers 404 exactly as a missing one does; bad search input is reported on the page)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import T0, initial, jiuyuan_people
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.plans import loader
from yingji.warnings import service as warnings
from yingji.web import pages
from yingji.web.warning_pages import composable_plans

pytestmark = pytest.mark.db

JIUYUAN = Actor(username="jiuyuan_duty", role=Role.COUNTY_OFFICER, division_code="150207")
DONGSHENG = Actor(username="dongsheng_duty", role=Role.COUNTY_OFFICER, division_code="150602")
ORDOS_MET = Actor(username="ordos_met", role=Role.MET_OFFICER, division_code="150600")
COUNTY_BUREAU = "事发地旗县级应急管理局（矿山安全监管局）"
RECEIPT = {"received_at": T0.isoformat(), "received_by": "王值班"}


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    return jiuyuan_people(db_session)


@pytest.fixture
def incident(client: TestClient, people: dict[str, dict[str, str]]) -> dict[str, Any]:
    report = initial(mine="甲矿一号井", lon=109.9, lat=40.6).model_dump(mode="json")
    created = client.post("/api/incidents", json=report, headers=people["county"])
    assert created.status_code == 201, created.text
    answer: dict[str, Any] = created.json()
    return answer


def test_the_room_shows_assessment_basis_clocks_and_suggestions(
    client: TestClient, people: dict[str, dict[str, str]], incident: dict[str, Any]
) -> None:
    page = client.get(f"/console/incidents/{incident['id']}", headers=people["city"])
    assert page.status_code == 200
    html = page.text
    assert "某矿透水事故" in html and "较大事故" in html  # 1 dead + 2 trapped counted as deaths: 3 → 较大
    basis = incident["assessments"][0]["basis"][0]
    assert basis["seed"] in html  # the cited seed line is on the page
    assert html.count('class="countdown"') == sum(
        1
        for o in incident["obligations"]
        if o["due_at"] and not o["acknowledged_at"] and not o["withdrawn_at"] and o["kind"] != "supplementary_window"
    )
    assert "九原矿山救护队" in html and "协议救护队" in html  # the mine's contracted team comes first
    assert 'id="start-response"' in html  # a command role may start; the plan decides whether it may


def test_the_room_offers_each_account_only_the_receipts_it_may_record(
    client: TestClient, people: dict[str, dict[str, str]], incident: dict[str, Any]
) -> None:
    """The county confirms what reaches the county; the city may confirm it too, as its superior (000#L520-L522)."""
    forms = 'class="form inline receipt"'
    county = client.get(f"/console/incidents/{incident['id']}", headers=people["county"]).text
    city = client.get(f"/console/incidents/{incident['id']}", headers=people["city"]).text
    to_county = [o for o in incident["obligations"] if o["to"] == COUNTY_BUREAU]
    to_city = [o for o in incident["obligations"] if o["to"] == "包头市应急管理局（矿山安全监管局）"]
    assert to_county and to_city
    for o in to_county:
        assert f"/obligations/{o['id']}/ack" in county and f"/obligations/{o['id']}/ack" in city
    for o in to_city:
        assert f"/obligations/{o['id']}/ack" not in county and f"/obligations/{o['id']}/ack" in city
    assert forms in county and "接收机关的上级代为确认" in city and 'name="received_by"' in city


def test_the_room_is_read_only_for_an_expert(
    client: TestClient, people: dict[str, dict[str, str]], incident: dict[str, Any]
) -> None:
    html = client.get(f"/console/incidents/{incident['id']}", headers=people["expert"]).text
    assert "某矿透水事故" in html
    assert 'id="start-response"' not in html and "登记接报" not in html and "调派</button>" not in html


@pytest.mark.parametrize(
    "path", ["/console/incidents/{id}", "/console/incidents/999999", "/console/records/mines/999999"]
)
def test_another_banner_gets_the_same_404_as_a_missing_record(
    client: TestClient, people: dict[str, dict[str, str]], incident: dict[str, Any], path: str
) -> None:
    page = client.get(path.format(id=incident["id"]), headers=people["other"])
    assert page.status_code == 404
    assert "未找到" in page.text and "某矿透水事故" not in page.text


def test_unknown_registry_kind_is_404(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    page = client.get("/console/records/passwords/1", headers=people["county"])
    assert page.status_code == 404 and "登记类别" in page.text


def test_a_registry_record_in_scope(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    mines = client.get("/api/registry/mines", headers=people["county"]).json()["items"]
    page = client.get(f"/console/records/mines/{mines[0]['id']}", headers=people["county"])
    assert page.status_code == 200 and "甲矿一号井" in page.text and "协议救护队" in page.text
    assert client.get(f"/console/records/mines/{mines[0]['id']}", headers=people["other"]).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/console/incidents", "/console/incidents/1", "/console/warnings/1", "/console/resources", "/console/alarms"],
)
def test_new_pages_need_a_session(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={path}"


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"lon": "abc", "lat": "40"}, "须为数字"),
        ({"lon": "109.9", "lat": ""}, "须为数字"),
        ({"lon": "200", "lat": "40"}, "坐标不在中国境内"),
        ({"lon": "109.9", "lat": "40.6", "kind": "helicopter"}, "须从列表中选择"),
    ],
)
def test_bad_nearest_search_is_reported_on_the_page(
    client: TestClient, people: dict[str, dict[str, str]], query: dict[str, str], problem: str
) -> None:
    page = client.get("/console/resources", params=query, headers=people["county"])
    assert page.status_code == 200 and problem in page.text and 'id="nearest"' not in page.text


def test_nearest_search_lists_teams_in_scope_only(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    query = {"lon": "109.9", "lat": "40.6", "kind": "rescue_team"}
    assert "九原矿山救护队" in client.get("/console/resources", params=query, headers=people["county"]).text
    assert "九原矿山救护队" not in client.get("/console/resources", params=query, headers=people["other"]).text


def test_composer_offers_the_plans_on_the_officers_line() -> None:
    assert {p.id for p in composable_plans(DONGSHENG)} == {
        "dongsheng-2024",
        "ordos-noncoal-2024",
        "ordos-industry-trade-2024",
    }  # weather warnings are made by the meteorological authority only (003#L6 3.3.2)
    assert {p.id for p in composable_plans(JIUYUAN)} == {"baotou-coal-2025", "baotou-noncoal-2025"}
    assert {p.id for p in composable_plans(ORDOS_MET)} == {"ordos-weather-2024"}


def test_the_composer_asks_only_what_a_person_writes() -> None:
    # dongsheng-2024 warning content (seed: 发布机关、发布时间、可能引发的事故类型、预警级别、起始时间、影响范围 …)
    assert warnings.user_fields(loader.get("dongsheng-2024")) == [
        "起始时间",
        "影响范围",
        "建议或强制性防范措施",
        "其它需要发布的信息",
    ]


def test_warning_page_lists_missing_fields_and_hides_drafts_from_other_banners(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    draft = {
        "kind": "accident",
        "plan_id": "baotou-noncoal-2025",
        "level": 3,
        "category": "透水",
        "title": "九原区非煤矿山透水黄色预警",
        "division_codes": ["150207"],
    }
    created = client.post("/api/warnings/proposals", json=draft, headers=people["county"])
    assert created.status_code == 201, created.text
    path = f"/console/warnings/{created.json()['id']}"
    html = client.get(path, headers=people["county"]).text  # yellow is the city's to issue (baotou-noncoal-2025)
    assert 'id="issue"' not in html and "本账号不能发布" in html
    html = client.get(path, headers=people["city"]).text
    assert "可能影响范围（发布前须补全）" in html and 'id="issue"' in html
    assert client.get(path, headers=people["other"]).status_code == 404
    register = client.get("/console/warnings", headers=people["county"]).text
    assert "九原区非煤矿山透水黄色预警" in register and 'data-plan="baotou-noncoal-2025"' in register


def test_overview_counts_overdue_report_clocks(
    db_session: Session, client: TestClient, people: dict[str, dict[str, str]], incident: dict[str, Any]
) -> None:
    clock = FixedClock(factories.CLOCK.now())
    before = pages.summary(db_session, clock, JIUYUAN)
    clock.advance(days=2)  # every phone and written report is now past its limit
    after = pages.summary(db_session, clock, JIUYUAN)
    assert after["clocks_overdue"] > before["clocks_overdue"]
    assert after["incidents"] == 1
    assert pages.summary(db_session, clock, DONGSHENG)["clocks_overdue"] == 0


def test_the_room_stamp_moves_with_the_timeline_and_stays_in_scope(
    db_session: Session, client: TestClient, people: dict[str, dict[str, str]], incident: dict[str, Any]
) -> None:
    stamp = pages.incident_stamp(db_session, factories.CLOCK, JIUYUAN, incident["id"])
    assert stamp is not None
    clock = next(o for o in incident["obligations"] if o["to"] == COUNTY_BUREAU and not o["acknowledged_at"])
    acked = client.post(
        f"/api/incidents/{incident['id']}/obligations/{clock['id']}/ack", json=RECEIPT, headers=people["county"]
    )
    assert acked.status_code == 200
    assert pages.incident_stamp(db_session, factories.CLOCK, JIUYUAN, incident["id"]) != stamp
    assert pages.incident_stamp(db_session, factories.CLOCK, DONGSHENG, incident["id"]) is None


def test_the_final_report_form_asks_what_the_plans_ask() -> None:
    from yingji.incidents.service import final_report_fields

    fields = final_report_fields(["dongsheng-2024", "ordos-noncoal-2024"])
    assert {"事发原因", "经验教训", "整改措施"} <= set(fields)
    assert len(fields) == len(set(fields))  # a name both plans ask for is asked once


@pytest.mark.parametrize("hours", [0, 0.5, 1, 3, 48])
def test_late_counts_in_sql_agree_with_is_late(
    db_session: Session, client: TestClient, people: dict[str, dict[str, str]], incident: dict[str, Any], hours: float
) -> None:
    """The grouped count the lists use is `is_late` as SQL: one acknowledged on time, one late, the rest open."""
    from yingji.incidents import service

    clocks = [o for o in incident["obligations"] if o["due_at"] and o["to"] == COUNTY_BUREAU]
    base = f"/api/incidents/{incident['id']}/obligations"
    assert client.post(f"{base}/{clocks[0]['id']}/ack", json=RECEIPT, headers=people["county"]).status_code == 200
    clock = FixedClock(factories.CLOCK.now())
    clock.advance(hours=hours)
    row = service.get(db_session=db_session, actor=JIUYUAN, incident_id=incident["id"])
    expected = sum(service.is_late(o, clock.now()) for o in service.obligations(db_session=db_session, incident=row))
    counted = service.late_counts(db_session=db_session, incident_ids=[row.id, 999_999], now=clock.now())
    assert counted == {row.id: expected, 999_999: 0}


def test_the_contracted_team_comes_first_from_another_division(
    db_session: Session, client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    """A mine in 九原区 contracted with a team registered in 白云鄂博矿区: outside the 九原 officer's registry view,
    yet the room suggests it first (the mine's 协议救护队 before any nearer team)."""
    far = factories.team(db_session, "白云矿山救护队", "150206", 109.97, 41.77)
    factories.enterprise(db_session, "乙矿业公司", "150207")
    factories.mine(db_session, "乙矿一号井", "乙矿业公司", "150207", lon=109.8, lat=40.6, contracted_team=far.name)
    report = initial(client_key="report-0002", unit="乙矿业公司", mine="乙矿一号井", lon=109.8, lat=40.6)
    created = client.post("/api/incidents", json=report.model_dump(mode="json"), headers=people["county"])
    assert created.status_code == 201, created.text
    page = client.get(f"/console/incidents/{created.json()['id']}", headers=people["county"])
    assert page.status_code == 200
    dispatch = page.text[page.text.index('id="dispatch"') :]
    assert dispatch.index("白云矿山救护队") < dispatch.index("九原矿山救护队")  # 130 km away, still first
    assert "协议救护队" in dispatch[: dispatch.index("九原矿山救护队")]


def test_resources_page_names_places_and_pages_each_table(
    client: TestClient, db_session: Session, people: dict[str, dict[str, str]]
) -> None:
    for n in range(3):
        factories.team(db_session, f"九原消防{n}队", "150207", 109.9 + n / 100, 40.6, kind="fire")
    page = client.get("/console/resources", params={"limit": 2}, headers=people["county"]).text
    table = page.split('id="table-rescue_teams"')[1].split("</table>")[0]
    assert "九原区" in table and ">150207<" not in table and "矿山救护" in table and "mine_rescue" not in table
    assert "共 4 条" in page and "下一页" in page and "entity=rescue_teams" in page
    second = client.get("/console/resources", params={"limit": 2, "offset": 2}, headers=people["county"]).text
    assert "九原消防2队" in second and "九原矿山救护队" not in second.split('id="table-rescue_teams"')[1]
    named = client.get("/console/resources", params={"q": "消防1"}, headers=people["county"]).text
    assert "九原消防1队" in named and "九原消防0队" not in named
    nearest = client.get("/console/resources", params={"lon": 109.9, "lat": 40.6}, headers=people["county"]).text
    found = nearest.split('id="nearest"')[1].split("</table>")[0]
    assert "消防救援" in found and "九原区" in found and "fire" not in found
    assert client.get("/console/resources", params={"division": "15"}, headers=people["county"]).status_code == 200


def test_a_record_shows_labels_and_names(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    mine = client.get("/api/registry/mines", headers=people["county"]).json()["items"][0]
    page = client.get(f"/console/records/mines/{mine['id']}", headers=people["county"]).text
    record = page.split('id="record"')[1].split("</table>")[0]
    assert "地下非煤矿山" in record and "生产" in record and "九原区（150207）" in record
    assert "non_coal_underground" not in record and "producing" not in record and "九原矿山救护队" in record
    assert "本账号可修改" in page
    assert "本账号可修改" not in client.get(f"/console/records/mines/{mine['id']}", headers=people["expert"]).text
