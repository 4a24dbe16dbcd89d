"""The incident room's lists over HTTP (issue 20): tasks, reports, timeline and dispatch suggestions page with their
totals and filters, name their codes, and carry what the caller may do."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import initial, jiuyuan_people

pytestmark = pytest.mark.db

PLAN = "baotou-noncoal-2025"


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    found = jiuyuan_people(db_session)
    factories.team(db_session, "包头第二矿山救护队", "150207", 109.8, 40.55)
    factories.team(db_session, "包头第三矿山救护队", "150207", 109.7, 40.5)
    return found


@pytest.fixture
def base(client: TestClient, people: dict[str, dict[str, str]]) -> str:
    report = initial(mine="甲矿一号井", lon=109.9, lat=40.6).model_dump(mode="json")
    created = client.post("/api/incidents", json=report, headers=people["county"])
    assert created.status_code == 201, created.text
    url = f"/api/incidents/{created.json()['id']}"
    started = client.post(f"{url}/responses", json={"plan_id": PLAN, "level": 3}, headers=people["city"])
    assert started.status_code == 201, started.text
    return url


def get(client: TestClient, url: str, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_tasks_page_and_filter_by_group_and_state(
    client: TestClient, people: dict[str, dict[str, str]], base: str
) -> None:
    city = people["city"]
    whole = get(client, f"{base}/tasks", city, limit=500)
    tasks = whole["items"]
    assert whole["total"] == len(tasks) > 2
    assert [t["id"] for t in tasks] == sorted(t["id"] for t in tasks)
    second = get(client, f"{base}/tasks", city, limit=2, offset=2)
    assert [t["id"] for t in second["items"]] == [t["id"] for t in tasks[2:4]] and second["total"] == whole["total"]
    heading = tasks[0]["group_label"]
    grouped = get(client, f"{base}/tasks", city, group=heading, limit=500)
    assert grouped["items"] and all(t["group_label"] == heading for t in grouped["items"])
    assert grouped["total"] == sum(1 for t in tasks if t["group_label"] == heading)
    assert all(t["source_label"] and t["status_label"] == "待办" for t in tasks)
    done = client.patch(f"{base}/tasks/{tasks[1]['id']}", json={"status": "done"}, headers=city)
    assert done.status_code == 200, done.text
    finished = get(client, f"{base}/tasks", city, state="done")
    assert [t["id"] for t in finished["items"]] == [tasks[1]["id"]] and finished["total"] == 1
    assert get(client, f"{base}/tasks", city, state="open")["total"] == whole["total"] - 1
    assert get(client, f"{base}/tasks", city, response_id=tasks[0]["response_id"])["total"] == whole["total"]
    # an expert reads the tasks but is offered no update
    assert all(t["allowed_actions"] == [] for t in get(client, f"{base}/tasks", people["expert"])["items"])
    assert client.get(f"{base}/tasks", params={"state": "lost"}, headers=city).status_code == 422


def test_the_timeline_pages_in_order_and_filters_by_kind(
    client: TestClient, people: dict[str, dict[str, str]], base: str
) -> None:
    city = people["city"]
    whole = get(client, f"{base}/timeline", city, limit=500)
    events = whole["items"]
    assert [e["seq"] for e in events] == list(range(1, whole["total"] + 1))
    assert all(e["kind_label"] != e["kind"] for e in events)  # every kind the platform writes has its words
    newest = get(client, f"{base}/timeline", city, newest_first="true", limit=2)
    assert [e["seq"] for e in newest["items"]] == [whole["total"], whole["total"] - 1]
    responses = get(client, f"{base}/timeline", city, kind="response")
    assert [e["kind"] for e in responses["items"]] == ["response.started"] and responses["total"] == 1
    assert get(client, f"{base}/timeline", city, kind="report.initial")["total"] == 1
    assert get(client, f"{base}/timeline", city, kind="respons")["total"] == 0  # a kind, not any prefix
    assert client.get(f"{base}/timeline", params={"kind": "A;B"}, headers=city).status_code == 422
    recorded = client.post(
        f"{base}/handover", json={"from_body": "事故发生单位", "to_body": "现场指挥部"}, headers=city
    )
    assert recorded.status_code == 201
    entry = recorded.json()
    assert (entry["kind"], entry["kind_label"], entry["seq"]) == ("command.handover", "指挥权移交", whole["total"] + 1)


def test_reports_page_with_their_facts_in_words(
    client: TestClient, people: dict[str, dict[str, str]], base: str
) -> None:
    county = people["county"]
    follow = {"client_key": "report-0002", "deaths": 2, "content": {"进展情况": "搜救中"}}
    assert client.post(f"{base}/reports", json=follow, headers=county).status_code == 201
    whole = get(client, f"{base}/reports", county)
    assert [r["kind"] for r in whole["items"]] == ["initial", "follow_up"] and whole["total"] == 2
    assert [r["kind_label"] for r in whole["items"]] == ["初报", "续报"]
    lines = {line["key"]: line for line in whole["items"][1]["fact_lines"]}
    assert (lines["deaths"]["label"], lines["deaths"]["text"]) == ("死亡（人）", "2")
    only = get(client, f"{base}/reports", county, kind="follow_up", limit=1)
    assert [r["kind"] for r in only["items"]] == ["follow_up"] and only["total"] == 1
    assert get(client, f"{base}/reports", county, offset=1)["items"][0]["id"] == whole["items"][1]["id"]


def test_dispatch_suggestions_page_nearest_first(
    client: TestClient, people: dict[str, dict[str, str]], base: str
) -> None:
    city = people["city"]
    whole = get(client, f"{base}/dispatch/suggestions", city)
    names = [h["name"] for h in whole["items"]]
    assert names[0] == "九原矿山救护队" and whole["total"] == len(names) == 3  # the contracted team first
    assert whole["items"][1]["distance_km"] <= whole["items"][2]["distance_km"]
    page = get(client, f"{base}/dispatch/suggestions", city, limit=1, offset=1)
    assert [h["name"] for h in page["items"]] == names[1:2] and page["total"] == 3
    hit = whole["items"][0]
    assert (hit["kind_label"], hit["subtype_label"], hit["division_name"]) == ("救援队伍", "矿山救护", "九原区")
    assert hit["allowed_actions"] == ["dispatch"]
    assert all(
        h["allowed_actions"] == [] for h in get(client, f"{base}/dispatch/suggestions", people["expert"])["items"]
    )
    experts = get(client, f"{base}/dispatch/suggestions", city, kind="expert")
    assert experts == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_adjusting_and_confirming_answer_with_read_models(
    client: TestClient, people: dict[str, dict[str, str]], base: str
) -> None:
    detail = get(client, base, people["city"])
    response_id = detail["responses"][0]["id"]
    adjusted = client.post(
        f"{base}/responses/{response_id}/adjust", json={"level": 4, "reason": "险情已得到控制"}, headers=people["city"]
    )
    assert adjusted.status_code == 200, adjusted.text
    answer = adjusted.json()
    assert (answer["id"], answer["level"], answer["plan_id"]) == (response_id, 4, PLAN)
    assert answer["level_name"] and "adjust" in answer["allowed_actions"]
