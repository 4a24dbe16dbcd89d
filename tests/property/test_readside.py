"""The property read side on both engines (issue 20): paged lists with totals, names beside codes, the caller's
allowed actions from the one policy, the same scope for lists and single reads, subcodes on refusals."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.property.conftest import People, Places

pytestmark = pytest.mark.db


def _file(client: TestClient, compound_id: int, category: str = "环境卫生") -> dict[str, Any]:
    body = {
        "compound_id": compound_id,
        "category": category,
        "content": "楼道堆放杂物无人清理",
        "owner_phone": "13800000001",
    }
    response = client.post("/api/property/public/complaints", json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def test_compound_list_pages_with_a_stable_order_and_total(client: TestClient, people: People, places: Places) -> None:
    whole = client.get("/api/property/compounds", headers=people["dongsheng"]).json()
    assert whole["total"] == 3 and len(whole["items"]) == 3
    first = client.get("/api/property/compounds?limit=2", headers=people["dongsheng"]).json()
    rest = client.get("/api/property/compounds?limit=2&offset=2", headers=people["dongsheng"]).json()
    assert first["total"] == rest["total"] == 3 and (first["limit"], rest["offset"]) == (2, 2)
    assert [c["id"] for c in first["items"] + rest["items"]] == [c["id"] for c in whole["items"]]
    street = client.get("/api/property/compounds?division=150602002", headers=people["dongsheng"]).json()
    assert [c["name"] for c in street["items"]] == ["育才小区"] and street["total"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/property/compounds",
        "/api/property/companies",
        "/api/property/contracts",
        "/api/property/complaints",
        "/api/property/fund-requests",
        "/api/property/credit/results",
        "/api/property/duties",
        "/api/property/targets",
    ],
)
@pytest.mark.parametrize("bad", ["limit=0", "limit=501", "offset=-1", "limit=x"])
def test_bad_paging_is_refused(client: TestClient, people: People, url: str, bad: str) -> None:
    response = client.get(f"{url}?{bad}", headers=people["dongsheng"])
    assert response.status_code == 422, response.text


def test_read_models_name_places_companies_and_labels(client: TestClient, people: People, places: Places) -> None:
    row = client.get(f"/api/property/compounds/{places['jinxiu']}", headers=people["dongsheng"]).json()
    assert row["division_code"] == "150602001002" and row["division_name"] == "交通街道 · 锦秀社区"
    assert row["company"] == "鄂尔多斯市测试物业服务有限公司"
    assert (row["management_label"], row["committee_label"]) == ("专业化物业管理", "业主委员会")
    company = client.get("/api/property/companies", headers=people["dongsheng"]).json()["items"][0]
    assert company["division_code"] == "150602" and company["division_name"] == "东胜区"
    made = _file(client, places["jinxiu"], "电梯故障")
    listed = client.get("/api/property/complaints", headers=people["dongsheng"]).json()
    assert listed["total"] == 1
    found = listed["items"][0]
    assert found["number"] == made["number"] and found["handler"] == "交通街道" and found["level_label"] == "街道"
    assert found["place"] == "交通街道 · 锦秀社区" and found["company_name"] == "鄂尔多斯市测试物业服务有限公司"
    assert (found["state_label"], found["channel_label"]) == ("待响应", "网上提交") and found["remit_label"]
    assert made["level_label"] == "街道" and "allowed_actions" not in made  # the owner reads no officers' steps


@pytest.mark.parametrize(
    ("who", "category", "expected"),
    [
        ("street", "电梯故障", ["respond", "reroute"]),  # handled by the street
        ("dongsheng", "电梯故障", ["respond", "reroute"]),  # the county over it
        ("community", "电梯故障", []),  # sees it, does not handle it
        ("community", "环境卫生", ["respond", "reroute"]),  # simple: the community's own
        ("expert", "环境卫生", []),  # no property supervision at all
    ],
)
def test_allowed_complaint_actions_per_role(
    client: TestClient, people: People, places: Places, who: str, category: str, expected: list[str]
) -> None:
    made = _file(client, places["jinxiu"], category)
    listed = client.get("/api/property/complaints", headers=people["dongsheng"]).json()["items"]
    complaint_id = next(c["id"] for c in listed if c["number"] == made["number"])
    response = client.get(f"/api/property/complaints/{complaint_id}", headers=people[who])
    if who == "expert":
        assert response.status_code == 403
        return
    assert response.json()["allowed_actions"] == expected
    step = client.post(
        f"/api/property/complaints/{complaint_id}/respond", json={"note": "已联系业主上门查看"}, headers=people[who]
    )
    if "respond" in expected:
        assert step.status_code == 200, step.text
        assert step.json()["allowed_actions"] == ["resolve", "reroute"]
    else:
        assert step.status_code == 403 and step.json()["error"]["subcode"] == "property.complaint.respond.not_handler"


def test_a_step_the_state_forbids_carries_its_subcode(client: TestClient, people: People, places: Places) -> None:
    _file(client, places["jinxiu"])
    complaint_id = client.get("/api/property/complaints", headers=people["community"]).json()["items"][0]["id"]
    early = client.post(
        f"/api/property/complaints/{complaint_id}/resolve",
        json={"answer": "已清理完毕并回访"},
        headers=people["community"],
    )
    assert early.status_code == 409 and early.json()["error"]["subcode"] == "property.complaint.resolve.state"


def test_out_of_scope_reads_are_not_found(client: TestClient, people: People, places: Places) -> None:
    _file(client, places["jinxiu"])
    complaint_id = client.get("/api/property/complaints", headers=people["community"]).json()["items"][0]["id"]
    assert client.get("/api/property/complaints", headers=people["other_street"]).json()["total"] == 0
    assert client.get(f"/api/property/complaints/{complaint_id}", headers=people["other_street"]).status_code == 404
    assert client.get(f"/api/property/compounds/{places['jinxiu']}", headers=people["other_street"]).status_code == 404


@pytest.mark.parametrize(
    ("who", "place", "expected"),
    [
        ("community", "jinxiu", ["edit", "add_contract", "request_fund", "check_disclosure"]),
        ("dongsheng", "yucai", ["edit", "add_contract", "request_fund", "check_disclosure"]),
        ("kundulun", "baoli", ["edit", "add_contract", "request_fund", "check_disclosure"]),
    ],
)
def test_allowed_compound_actions(
    client: TestClient, people: People, places: Places, who: str, place: str, expected: list[str]
) -> None:
    row = client.get(f"/api/property/compounds/{places[place]}", headers=people[who]).json()
    assert row["allowed_actions"] == expected
